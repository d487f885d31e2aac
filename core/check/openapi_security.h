#pragma once

#include "openapi_document.h"

#include <QJsonObject>
#include <QString>

/// An operation's security requirement turned into credentials a script can send (internal to
/// openapi_probes).
namespace corslab::check::openapi {

/// What a Security Scheme object is (`type`).
enum class SchemeType { ApiKey, Http, OAuth2, OpenIdConnect, MutualTls };

/// Applies the first requirement of the operation's `security` (its own when it has one, even an
/// empty one, else the document's) to \a parts, with placeholder credentials: a bearer token or
/// Basic user:password in Authorization (also for OAuth 2 and OpenID Connect), an API key in its
/// header or query parameter; an API key in a cookie only turns credentials to 'include'. An
/// empty requirement `{}` asks for nothing. A scheme name that components.securitySchemes does
/// not define fails.
bool applySecurity(Document &doc, const QJsonObject &operation, const QString &operationPath,
                   RequestParts *parts);

} // namespace corslab::check::openapi
