// Indented JSON with keys in a chosen order; scalars are written by QJsonDocument (escaping).
#include "ordered_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace corslab::check {

namespace {

/// A scalar as JSON text: QJsonDocument writes it inside an array, whose brackets are cut off.
QByteArray scalar(const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

void write(const QJsonValue &value, const QStringList &order, int indent, QByteArray *out)
{
    const QByteArray pad(indent + 4, ' ');
    if (value.isObject() && !value.toObject().isEmpty()) {
        const QJsonObject object = value.toObject();
        const QStringList keys = orderedKeys(object, order);
        *out += "{\n";
        for (qsizetype i = 0; i < keys.size(); ++i) {
            *out += pad + scalar(keys.at(i)) + ": ";
            write(object.value(keys.at(i)), order, indent + 4, out);
            *out += i + 1 < keys.size() ? ",\n" : "\n";
        }
        *out += QByteArray(indent, ' ') + '}';
    } else if (value.isArray() && !value.toArray().isEmpty()) {
        const QJsonArray array = value.toArray();
        *out += "[\n";
        for (qsizetype i = 0; i < array.size(); ++i) {
            *out += pad;
            write(array.at(i), order, indent + 4, out);
            *out += i + 1 < array.size() ? ",\n" : "\n";
        }
        *out += QByteArray(indent, ' ') + ']';
    } else if (value.isObject()) {
        *out += "{}";
    } else if (value.isArray()) {
        *out += "[]";
    } else {
        *out += scalar(value);
    }
}

} // namespace

QStringList orderedKeys(const QJsonObject &object, const QStringList &keyOrder)
{
    QStringList keys = object.keys(); // sorted: the order of keys keyOrder does not name
    std::stable_sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) {
        const qsizetype ia = keyOrder.contains(a) ? keyOrder.indexOf(a) : keyOrder.size();
        const qsizetype ib = keyOrder.contains(b) ? keyOrder.indexOf(b) : keyOrder.size();
        return ia < ib;
    });
    return keys;
}

QByteArray orderedJsonText(const QJsonValue &value, const QStringList &keyOrder)
{
    QByteArray out;
    write(value, keyOrder, 0, &out);
    return out + '\n';
}

} // namespace corslab::check
