#include "json_scanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace corslab::base {

void JsonScanner::skipSpace()
{
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                     m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
        ++m_pos;
}

bool JsonScanner::consume(char c)
{
    skipSpace();
    if (m_pos < m_text.size() && m_text[m_pos] == c) {
        ++m_pos;
        return true;
    }
    return false;
}

bool JsonScanner::atEnd()
{
    skipSpace();
    return m_pos >= m_text.size();
}

bool JsonScanner::failAt(const QString &what)
{
    m_error = QStringLiteral("not a valid JSON document: %1 at byte %2").arg(what).arg(offset());
    return false;
}

bool JsonScanner::skipString()
{
    for (++m_pos; m_pos < m_text.size(); ++m_pos) {
        if (m_text[m_pos] == '\\')
            ++m_pos;
        else if (m_text[m_pos] == '"') {
            ++m_pos;
            return true;
        }
    }
    return failAt(QStringLiteral("unterminated string"));
}

bool JsonScanner::value(QByteArrayView *span)
{
    skipSpace();
    const qsizetype start = m_pos;
    if (m_pos >= m_text.size())
        return failAt(QStringLiteral("unexpected end of the document"));
    const char first = m_text[m_pos];
    if (first == '"') {
        if (!skipString())
            return false;
    } else if (first == '{' || first == '[') {
        int depth = 0;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '"') {
                if (!skipString())
                    return false;
                continue;
            }
            ++m_pos;
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                break;
        }
        if (depth != 0)
            return failAt(
                QStringLiteral("unexpected end of the document inside %1")
                    .arg(first == '{' ? QStringLiteral("an object") : QStringLiteral("an array")));
    } else {
        while (m_pos < m_text.size() && !QByteArrayView(",}] \t\r\n").contains(m_text[m_pos]))
            ++m_pos;
        if (m_pos == start)
            return failAt(QStringLiteral("expected a value"));
    }
    *span = m_text.sliced(start, m_pos - start);
    return true;
}

bool JsonScanner::members(
    const std::function<bool(const QString &, QByteArrayView, qsizetype)> &visit)
{
    m_pos = 0;
    if (!consume('{'))
        return failAt(QStringLiteral("expected an object"));
    for (bool first = true; !consume('}'); first = false) {
        if (!first && !consume(','))
            return failAt(QStringLiteral("expected ',' or '}'"));
        skipSpace();
        const qsizetype nameOffset = offset();
        QByteArrayView nameText;
        if (!value(&nameText))
            return false;
        QJsonValue name;
        if (!nameText.startsWith('"')) {
            m_pos = nameOffset - m_base;
            return failAt(QStringLiteral("expected a field name in quotes"));
        }
        if (!parseJsonValue(nameText, nameOffset, &name, &m_error))
            return false;
        if (!consume(':'))
            return failAt(QStringLiteral("expected ':'"));
        skipSpace();
        const qsizetype valueOffset = offset();
        QByteArrayView valueText;
        if (!value(&valueText))
            return false;
        if (!visit(name.toString(), valueText, valueOffset))
            return false;
    }
    if (!atEnd())
        return failAt(QStringLiteral("unexpected text after the object"));
    return true;
}

bool JsonScanner::elements(const std::function<bool(qsizetype, QByteArrayView, qsizetype)> &visit)
{
    m_pos = 0;
    if (!consume('['))
        return failAt(QStringLiteral("expected an array"));
    for (qsizetype i = 0; !consume(']'); ++i) {
        if (i > 0 && !consume(','))
            return failAt(QStringLiteral("expected ',' or ']'"));
        skipSpace();
        const qsizetype valueOffset = offset();
        QByteArrayView valueText;
        if (!value(&valueText))
            return false;
        if (!visit(i, valueText, valueOffset))
            return false;
    }
    if (!atEnd())
        return failAt(QStringLiteral("unexpected text after the array"));
    return true;
}

bool parseJsonValue(QByteArrayView text, qsizetype offset, QJsonValue *out, QString *error)
{
    QJsonParseError parseError;
    if (text.startsWith('{') || text.startsWith('[')) {
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), text.size()), &parseError);
        if (parseError.error == QJsonParseError::NoError) {
            *out = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
            return true;
        }
    } else {
        const QJsonDocument doc =
            QJsonDocument::fromJson('[' + text.toByteArray() + ']', &parseError);
        --offset; // for the '[' added in front
        if (parseError.error == QJsonParseError::NoError) {
            *out = doc.array().at(0);
            return true;
        }
    }
    *error = QStringLiteral("not a valid JSON document: %1 at byte %2")
                 .arg(parseError.errorString())
                 .arg(offset + parseError.offset);
    return false;
}

} // namespace corslab::base
