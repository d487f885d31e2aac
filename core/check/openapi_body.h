#pragma once

#include "openapi_document.h"

#include <QJsonObject>
#include <QString>

/// An operation's request body turned into Content-Type and bytes (internal to openapi_probes).
namespace corslab::check::openapi {

/// When the operation has a `requestBody` (required or not: the probe asks about the request
/// with one), sets Content-Type and a body in \a parts: JSON (application/json first, else a
/// +json type) from the example or a minimal value of the schema; else the first media type with
/// a small body of its kind (form fields, a multipart part, text).
bool applyRequestBody(Document &doc, const QJsonObject &operation, const QString &operationPath,
                      RequestParts *parts);

} // namespace corslab::check::openapi
