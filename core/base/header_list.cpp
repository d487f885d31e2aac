#include "header_list.h"

namespace corslab::base {

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

bool isHttpToken(QByteArrayView value)
{
    if (value.isEmpty())
        return false;
    for (char c : value) {
        if (!isTokenChar(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    // ASCII case folding: setting bit 0x20 maps A-Z onto a-z; the exact compare after it keeps
    // other bytes (e.g. '@' vs '`') apart.
    for (qsizetype i = 0; i < a.size(); ++i) {
        const char x = a[i];
        const char y = b[i];
        if (x == y)
            continue;
        const char lx = (x >= 'A' && x <= 'Z') ? char(x | 0x20) : x;
        const char ly = (y >= 'A' && y <= 'Z') ? char(y | 0x20) : y;
        if (lx != ly)
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

bool containsHeader(const HeaderList &list, QByteArrayView name)
{
    for (const Header &h : list) {
        if (equalsIgnoreCase(h.first, name))
            return true;
    }
    return false;
}

std::optional<QByteArray> getHeader(const HeaderList &list, QByteArrayView name)
{
    std::optional<QByteArray> result;
    for (const Header &h : list) {
        if (!equalsIgnoreCase(h.first, name))
            continue;
        const QByteArray value = normalizeHeaderValue(h.second);
        if (!result)
            result = value;
        else
            *result += ", " + value;
    }
    return result;
}

// HTTP tab or space around a list element (Fetch: "strip leading and trailing HTTP tab or space").
static QByteArrayView stripTabOrSpace(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

std::optional<QList<QByteArray>> getDecodeAndSplit(const HeaderList &list, QByteArrayView name)
{
    const std::optional<QByteArray> combined = getHeader(list, name);
    if (!combined)
        return std::nullopt;
    // Fetch "get, decode, and split": commas inside quoted strings do not split.
    QList<QByteArray> values;
    const QByteArrayView input(*combined);
    qsizetype start = 0;
    bool quoted = false;
    for (qsizetype i = 0; i <= input.size(); ++i) {
        if (i == input.size() || (!quoted && input[i] == ',')) {
            values.append(stripTabOrSpace(input.sliced(start, i - start)).toByteArray());
            start = i + 1;
        } else if (input[i] == '"') {
            quoted = !quoted;
        } else if (quoted && input[i] == '\\' && i + 1 < input.size()) {
            ++i; // an escaped character inside a quoted string (a final backslash is kept as is)
        }
    }
    return values;
}

bool ExtractedValues::containsIgnoreCase(QByteArrayView value) const
{
    for (QByteArrayView v : values) {
        if (equalsIgnoreCase(v, value))
            return true;
    }
    return false;
}

ExtractedValues extractHeaderListValues(const HeaderList &list, QByteArrayView name)
{
    ExtractedValues out;
    std::optional<QByteArray> combined = getHeader(list, name);
    if (!combined)
        return out;
    out.state = ExtractedValues::State::Values;
    out.source = *combined;
    // Tokens contain no quotes, so a plain comma split is "get, decode, and split" here: a quoted
    // string would fail the token check either way.
    const QByteArrayView input(out.source);
    out.values.reserve(input.count(',') + 1);
    qsizetype start = 0;
    for (qsizetype i = 0; i <= input.size(); ++i) {
        if (i < input.size() && input[i] != ',')
            continue;
        const QByteArrayView v = stripTabOrSpace(input.sliced(start, i - start));
        start = i + 1;
        if (v.isEmpty())
            continue;
        if (!isHttpToken(v)) {
            out.state = ExtractedValues::State::Failure;
            out.offending = v.toByteArray();
            out.values.clear();
            return out;
        }
        out.values.append(v);
    }
    return out;
}

} // namespace corslab::base
