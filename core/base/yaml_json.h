#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

/// YAML read into the same QJsonValue tree JSON gives, so one reader checks both formats of a
/// contract or an API description.
namespace corslab::base {

/// Parses the YAML document \a text into \a out. Scalars follow YAML 1.2's core schema: plain
/// `true`/`false`, `null`/`~`/empty, and numbers become JSON booleans, null and numbers; quoted
/// scalars always stay strings. Mapping keys become strings. False with \a error ("line 4,
/// column 7: ...") for malformed YAML, an alias cycle, or a document that is not one value.
bool parseYamlAsJson(const QByteArray &text, QJsonValue *out, QString *error);

/// True when \a fileName names YAML (`.yaml` / `.yml`), or, for any other name, when \a text does
/// not start like JSON (`{` or `[` after white space).
bool looksLikeYaml(const QString &fileName, const QByteArray &text);

} // namespace corslab::base
