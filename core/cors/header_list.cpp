#include "header_list.h"

namespace corslab::cors {

bool isHttpWhitespace(char c)
{
    return c == '\t' || c == '\n' || c == '\r' || c == ' ';
}

QByteArray normalizeHeaderValue(const QByteArray &value)
{
    qsizetype begin = 0;
    qsizetype end = value.size();
    while (begin < end && isHttpWhitespace(value.at(begin)))
        ++begin;
    while (end > begin && isHttpWhitespace(value.at(end - 1)))
        --end;
    if (begin == 0 && end == value.size())
        return value; // keeps the implicitly shared copy: no allocation on the hot path
    return value.mid(begin, end - begin);
}

static bool isTokenChar(unsigned char c)
{
    // RFC 9110 tchar: "!#$%&'*+-.^_`|~" DIGIT ALPHA
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isHttpToken(const QByteArray &value)
{
    if (value.isEmpty())
        return false;
    for (char c : value) {
        if (!isTokenChar(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

QByteArray asciiLower(const QByteArray &value)
{
    for (char c : value) {
        if (c >= 'A' && c <= 'Z')
            return value.toLower();
    }
    return value;
}

bool containsHeader(const HeaderList &list, const QByteArray &name)
{
    for (const Header &h : list) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

std::optional<QByteArray> getHeader(const HeaderList &list, const QByteArray &name)
{
    std::optional<QByteArray> result;
    for (const Header &h : list) {
        if (h.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        const QByteArray value = normalizeHeaderValue(h.second);
        if (!result)
            result = value;
        else
            *result += ", " + value;
    }
    return result;
}

std::optional<QList<QByteArray>> getDecodeAndSplit(const HeaderList &list, const QByteArray &name)
{
    const std::optional<QByteArray> combined = getHeader(list, name);
    if (!combined)
        return std::nullopt;
    // Fetch "get, decode, and split": commas inside quoted strings do not split.
    QList<QByteArray> values;
    QByteArray current;
    bool quoted = false;
    const QByteArray &input = *combined;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const char c = input.at(i);
        if (quoted) {
            current += c;
            if (c == '\\' && i + 1 < input.size())
                current += input.at(++i);
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
            current += c;
        } else if (c == ',') {
            values.append(current.trimmed());
            current.clear();
        } else {
            current += c;
        }
    }
    values.append(current.trimmed());
    return values;
}

ExtractedValues extractHeaderListValues(const HeaderList &list, const QByteArray &name)
{
    ExtractedValues out;
    const std::optional<QList<QByteArray>> values = getDecodeAndSplit(list, name);
    if (!values)
        return out;
    out.state = ExtractedValues::State::Values;
    for (const QByteArray &v : *values) {
        if (v.isEmpty())
            continue;
        if (!isHttpToken(v)) {
            out.state = ExtractedValues::State::Failure;
            out.offending = v;
            out.values.clear();
            return out;
        }
        out.values.append(v);
    }
    return out;
}

} // namespace corslab::cors
