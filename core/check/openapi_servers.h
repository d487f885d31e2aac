#pragma once

#include "openapi_document.h"

#include <QJsonValue>
#include <QString>
#include <QUrl>

/// Where an operation's API lives: a `servers` list's first URL (internal to openapi_probes).
namespace corslab::check::openapi {

/// The first Server object of \a servers (at \a path) as an absolute http(s) URL, its `{name}`
/// variables replaced with their defaults. An empty or missing list stands for OpenAPI's default
/// server "/", which like every relative URL is relative to where the description is served:
/// those fail, asking for --base-url.
bool serverUrl(Document &doc, const QJsonValue &servers, const QString &path, QUrl *out);

} // namespace corslab::check::openapi
