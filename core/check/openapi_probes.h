#pragma once

#include "client/browser_client.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

/// An OpenAPI 3.0.x / 3.1.x description turned into the requests a browser's fetch() would make,
/// one per operation, for `corslab-cli check --openapi` to send live. Pure: no I/O.
namespace corslab::check {

/// One operation of the description as the request a page would make.
struct ApiProbe
{
    /// "GET /items/{id}" (method and path template), or "getItem (GET /items/{id})" when the
    /// operation has an operationId.
    QString label;
    QString operationId; ///< may be empty
    /// The fetch(): url = base URL + the filled path (+ required query parameters and API keys),
    /// method, headers (required header parameters, credentials, Content-Type), body. The
    /// origin is left at its default for the caller to set.
    client::ComposedRequest request;
    /// How it was built, a sentence each: "path parameter id from example", "Authorization from
    /// security scheme bearerAuth (placeholder token)", ...
    QStringList notes;
};

/// Reads the OpenAPI description \a text (YAML when base::looksLikeYaml(\a fileName, \a text),
/// else JSON) into \a out, one probe per operation.
///
/// Order: paths sorted by their template text (QJsonObject's key order), and in each path the
/// methods in the Path Item's field order get, put, post, delete, options, head, patch. The
/// same for JSON and YAML, whose parsers do not keep the document's member order.
///
/// Base URL: \a baseUrlOverride when valid (it then replaces every `servers` entry), else the
/// first `servers` entry of the operation, else of its path, else of the document, with its
/// variables set to their defaults. A relative server URL (or none: the default is "/") needs
/// the override.
///
/// TRACE operations are not probes (fetch() throws for TRACE): each one adds a sentence to
/// \a skipped when given ("TRACE /items: skipped, fetch() refuses the TRACE method").
///
/// False with \a error naming the file, the field path and what was expected, e.g.
/// `spec.yaml: paths./items.get.parameters[0].in: expected one of "path", "query", "header",
/// "cookie", got "body"`; then \a out is left as it was.
bool readOpenApiProbes(const QByteArray &text, const QString &fileName, const QUrl &baseUrlOverride,
                       QList<ApiProbe> *out, QString *error, QStringList *skipped = nullptr);

} // namespace corslab::check
