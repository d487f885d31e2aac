#include "json_reader.h"

#include <algorithm>

namespace corslab::base {

namespace {
bool isTokenChar(QChar c)
{
    const char16_t u = c.unicode();
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
        return true;
    return u < 128 && QByteArrayView("!#$%&'*+-.^_`|~").contains(char(u));
}
} // namespace

bool JsonReader::fail(const QString &field, const QString &expected, const QJsonValue &got)
{
    if (!m_failed) {
        m_failed = true;
        *m_error = QStringLiteral("%1: expected %2, got %3").arg(field, expected, describe(got));
    }
    return false;
}

bool JsonReader::failWith(const QString &error)
{
    if (!m_failed) {
        m_failed = true;
        *m_error = error;
    }
    return false;
}

bool JsonReader::failText(const QString &field, const QString &message)
{
    if (!m_failed) {
        m_failed = true;
        *m_error = field + QStringLiteral(": ") + message;
    }
    return false;
}

QString JsonReader::describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return QStringLiteral("\"%1\"").arg(v.toString());
    case QJsonValue::Double:
        return QString::number(v.toDouble());
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool JsonReader::checkKeys(const QJsonObject &object, const QString &field,
                           const QStringList &known)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return failText(
                field.isEmpty() ? it.key() : field + QLatin1Char('.') + it.key(),
                QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));
    }
    return true;
}

bool JsonReader::strings(const QJsonValue &value, const QString &field, QStringList *out)
{
    if (value.isUndefined())
        return true;
    if (!value.isArray())
        return fail(field, QStringLiteral("an array of strings"), value);
    QStringList list;
    for (const auto &item : value.toArray()) {
        if (!item.isString())
            return fail(field, QStringLiteral("an array of strings"), item);
        list << item.toString();
    }
    *out = list;
    return true;
}

bool JsonReader::headerList(const QJsonValue &value, const QString &field,
                            QList<QPair<QByteArray, QByteArray>> *out)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isArray())
        return fail(field, QStringLiteral("an array of [name, value] pairs"), value);
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(field).arg(i);
        const QJsonArray pair = array.at(i).toArray();
        if (!array.at(i).isArray() || pair.size() != 2 || !pair.at(0).isString() ||
            !pair.at(1).isString())
            return fail(at, QStringLiteral("a [name, value] pair of two strings"), array.at(i));
        const QString name = pair.at(0).toString();
        if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTokenChar))
            return fail(at + QStringLiteral("[0]"),
                        QStringLiteral("a header name (letters, digits and !#$%&'*+-.^_`|~)"),
                        pair.at(0));
        const QString text = pair.at(1).toString();
        for (QChar c : text) {
            if (c.unicode() > 0xFF || c == QLatin1Char('\0') || c == QLatin1Char('\n') ||
                c == QLatin1Char('\r'))
                return fail(at + QStringLiteral("[1]"),
                            QStringLiteral("a header value (Latin-1 text without NUL, CR or LF)"),
                            pair.at(1));
        }
        out->append({name.toLatin1(), text.toLatin1()});
    }
    return true;
}

} // namespace corslab::base
