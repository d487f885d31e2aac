#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringList>

/// A JSON tree written as YAML that base::parseYamlAsJson() reads back into the same tree.
namespace corslab::check {

/// \a value as a YAML document: block mappings and sequences, every string double-quoted and
/// escaped (so "yes", "1" or "null" stay strings). Keys of a mapping come in the order of
/// \a keyOrder, keys it does not name last, alphabetically.
QByteArray yamlText(const QJsonValue &value, const QStringList &keyOrder = {});

} // namespace corslab::check
