#include "session_extension.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace corslab::session {

QJsonValue extensionValue(const ExtensionValues &values, const QString &key)
{
    for (const ExtensionValue &v : values) {
        if (v.key == key)
            return v.value;
    }
    return QJsonValue(QJsonValue::Undefined);
}

QByteArray compactJson(const QJsonValue &value)
{
    // QJsonDocument writes objects and arrays only: a one-item array, less its brackets, is the
    // value alone (compact text does not depend on the nesting, so an object comes out as
    // QJsonDocument(object) would write it).
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.sliced(1, array.size() - 2);
}

bool extensionsFromJson(const QJsonObject &object, const QString &parent,
                        const SessionExtensions &known, ExtensionValues *out, QString *error)
{
    ExtensionValues values;
    for (const SessionExtension &extension : known) {
        const QJsonValue value = object.value(extension.key);
        if (value.isUndefined() || value.isNull())
            continue;
        const QString field =
            parent.isEmpty() ? extension.key : parent + QLatin1Char('.') + extension.key;
        if (!extension.check(value, field, error))
            return false;
        values.append({extension.key, value});
    }
    *out = std::move(values);
    return true;
}

QStringList extensionKeys(const SessionExtensions &known)
{
    QStringList keys;
    for (const SessionExtension &extension : known)
        keys.append(extension.key);
    return keys;
}

} // namespace corslab::session
