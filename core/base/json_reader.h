#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace corslab::base {

/// \brief Reads user-written JSON field by field and, on the first problem, says which field and
/// what was expected ("request.method: expected an HTTP method token such as \"PUT\", got 5").
///
/// Shared by every JSON input of CORS Lab (scenarios, playground policies) so that all of them
/// word their errors the same way.
class JsonReader
{
public:
    explicit JsonReader(QString *error) : m_error(error) {}

    bool failed() const { return m_failed; }
    /// Records "<field>: expected <expected>, got <got>" and returns false.
    bool fail(const QString &field, const QString &expected, const QJsonValue &got);
    /// Records "<field>: <message>" and returns false.
    bool failText(const QString &field, const QString &message);
    /// Records \a error, already worded by another reader ("<field>: ..."), and returns false.
    bool failWith(const QString &error);
    /// A JSON value as a user would quote it: "text", 5, true, an object...
    static QString describe(const QJsonValue &value);

    /// Fails on a key of \a object that is not in \a known (typos must not pass silently).
    bool checkKeys(const QJsonObject &object, const QString &field, const QStringList &known);
    /// One of the named \a options; an undefined \a value keeps *out unless \a required.
    template<typename Enum>
    bool choice(const QJsonValue &value, const QString &field,
                const QList<QPair<QString, Enum>> &options, Enum *out, bool required = false)
    {
        if (value.isUndefined() && !required)
            return true;
        QStringList names;
        for (const auto &option : options) {
            names << QLatin1Char('"') + option.first + QLatin1Char('"');
            if (value.isString() && value.toString() == option.first) {
                *out = option.second;
                return true;
            }
        }
        return fail(field, QStringLiteral("one of %1").arg(names.join(QStringLiteral(", "))),
                    value);
    }
    /// An array of strings; an undefined \a value keeps *out.
    bool strings(const QJsonValue &value, const QString &field, QStringList *out);
    /// An array of [name, value] pairs: names must be HTTP tokens, values Latin-1 text without
    /// NUL, CR or LF (they go on the wire). Undefined or null keeps *out empty.
    bool headerList(const QJsonValue &value, const QString &field,
                    QList<QPair<QByteArray, QByteArray>> *out);

private:
    QString *m_error;
    bool m_failed = false;
};

} // namespace corslab::base
