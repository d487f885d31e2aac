#pragma once

#include "openapi_document.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

/// The values a probe sends: a description's examples when it gives them, else a placeholder of
/// the schema's type (internal to openapi_probes).
namespace corslab::check::openapi {

/// A value to send and where it came from, for the probe's notes ("example", "schema default",
/// "placeholder for integer").
struct Example
{
    QJsonValue value;
    QString source;
};

/// The value for a Parameter or Media Type object \a holder at \a path: its `example`, else the
/// first of its `examples` (by name), else its schema's (schemaExample()), else, for a parameter
/// described by `content`, that media type's.
bool exampleFor(Document &doc, const QJsonObject &holder, const QString &path, Example *out);

/// The schema's own `example`, `examples[0]` (3.1), `default`, `const` or `enum[0]`, else a
/// placeholder of its type: 1 for integer and number, true for boolean, a fixed UUID, date or
/// address for those string formats, "example" for other strings, {} and [] for object and
/// array. The first of `allOf` / `oneOf` / `anyOf` stands for a schema without a type.
bool schemaExample(Document &doc, const QJsonValue &schema, const QString &path, Example *out);

/// A parameter value as text: strings as they are, integral numbers without a fraction, arrays
/// joined with commas (OpenAPI's default styles), objects as compact JSON. UTF-8.
QByteArray parameterText(const QJsonValue &value);

/// \a value as compact JSON text (any kind, also a bare string or number).
QByteArray jsonText(const QJsonValue &value);

} // namespace corslab::check::openapi
