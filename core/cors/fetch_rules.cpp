#include "fetch_rules.h"

#include <algorithm>

namespace corslab::cors {

bool isCorsSafelistedMethod(const QByteArray &method)
{
    return method == "GET" || method == "HEAD" || method == "POST";
}

bool isForbiddenMethod(const QByteArray &method)
{
    return equalsIgnoreCase(method, "CONNECT") || equalsIgnoreCase(method, "TRACE") ||
           equalsIgnoreCase(method, "TRACK");
}

QByteArray normalizeMethod(const QByteArray &method)
{
    const QByteArray upper = method.toUpper();
    if (upper == "DELETE" || upper == "GET" || upper == "HEAD" || upper == "OPTIONS" ||
        upper == "POST" || upper == "PUT")
        return upper;
    return method;
}

bool isForbiddenRequestHeader(const QByteArray &name, const QByteArray &value)
{
    static constexpr QByteArrayView forbidden[] = {"accept-charset",
                                                   "accept-encoding",
                                                   "access-control-request-headers",
                                                   "access-control-request-method",
                                                   "connection",
                                                   "content-length",
                                                   "cookie",
                                                   "cookie2",
                                                   "date",
                                                   "dnt",
                                                   "expect",
                                                   "host",
                                                   "keep-alive",
                                                   "origin",
                                                   "referer",
                                                   "set-cookie",
                                                   "te",
                                                   "trailer",
                                                   "transfer-encoding",
                                                   "upgrade",
                                                   "via"};
    for (QByteArrayView f : forbidden) {
        if (equalsIgnoreCase(name, f))
            return true;
    }
    if (equalsIgnoreCase(QByteArrayView(name).first(qMin<qsizetype>(6, name.size())), "proxy-") ||
        equalsIgnoreCase(QByteArrayView(name).first(qMin<qsizetype>(4, name.size())), "sec-"))
        return true;
    // The method-override headers are forbidden when they smuggle a forbidden method.
    if (equalsIgnoreCase(name, "x-http-method") ||
        equalsIgnoreCase(name, "x-http-method-override") ||
        equalsIgnoreCase(name, "x-method-override")) {
        for (const QByteArray &m : value.split(',')) {
            if (isForbiddenMethod(normalizeHeaderValue(m)))
                return true;
        }
    }
    return false;
}

HeaderList combineRepeatedHeaders(const HeaderList &headers)
{
    // The usual request repeats no name: hand the list back shared, without building a new one
    // (this runs on every verdict of the profiles that combine).
    bool repeated = false;
    for (qsizetype i = 1; i < headers.size() && !repeated; ++i) {
        for (qsizetype j = 0; j < i && !repeated; ++j)
            repeated = equalsIgnoreCase(headers.at(i).first, headers.at(j).first);
    }
    if (!repeated)
        return headers;
    HeaderList combined;
    combined.reserve(headers.size());
    for (const Header &h : headers) {
        const auto same = std::find_if(combined.begin(), combined.end(), [&](const Header &c) {
            return equalsIgnoreCase(c.first, h.first);
        });
        if (same == combined.end())
            combined.append(h);
        else
            same->second += ", " + h.second;
    }
    return combined;
}

bool isCorsUnsafeRequestHeaderByte(unsigned char b)
{
    if (b < 0x20 && b != 0x09)
        return true;
    switch (b) {
    case '"':
    case '(':
    case ')':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '{':
    case '}':
    case 0x7F:
        return true;
    default:
        return false;
    }
}

static bool hasUnsafeByte(const QByteArray &value)
{
    return std::any_of(value.begin(), value.end(), [](char c) {
        return isCorsUnsafeRequestHeaderByte(static_cast<unsigned char>(c));
    });
}

static bool isLanguageValue(const QByteArray &value)
{
    // Accept-Language / Content-Language: 0-9 A-Z a-z space * , - . ; =
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == ' ' || c == '*' || c == ',' || c == '-' || c == '.' || c == ';' || c == '=';
    });
}

static bool isDigits(const QByteArray &v)
{
    return !v.isEmpty() &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Chromium's client-hint value shapes: 1*DIGIT [ "." 1*DIGIT ] and 1*DIGIT.
static bool isDecimal(const QByteArray &v)
{
    const qsizetype dot = v.indexOf('.');
    if (dot < 0)
        return isDigits(v);
    return isDigits(v.left(dot)) && isDigits(v.mid(dot + 1));
}

static bool isChromiumClientHintSafelisted(const QByteArray &name, const QByteArray &value)
{
    if (equalsIgnoreCase(name, "device-memory") || equalsIgnoreCase(name, "dpr") ||
        equalsIgnoreCase(name, "downlink"))
        return isDecimal(value);
    if (equalsIgnoreCase(name, "width") || equalsIgnoreCase(name, "viewport-width") ||
        equalsIgnoreCase(name, "rtt"))
        return isDigits(value);
    if (equalsIgnoreCase(name, "ect"))
        return value == "slow-2g" || value == "2g" || value == "3g" || value == "4g";
    if (equalsIgnoreCase(name, "save-data"))
        return value.toLower() == "on";
    return false;
}

bool isSimpleRangeHeaderValue(const QByteArray &value)
{
    if (!value.startsWith("bytes="))
        return false;
    const QByteArray range = value.mid(6);
    const qsizetype dash = range.indexOf('-');
    if (dash <= 0) // a missing start ("bytes=-500", a suffix range) is not simple
        return false;
    const QByteArray start = range.left(dash);
    const QByteArray end = range.mid(dash + 1);
    if (!isDigits(start) || (!end.isEmpty() && !isDigits(end)))
        return false;
    if (!end.isEmpty() && start.size() <= 18 && end.size() <= 18 &&
        end.toLongLong() < start.toLongLong())
        return false; // "If rangeEnd is non-null and rangeStart is greater than rangeEnd"
    return true;
}

// mimesniff "parse a MIME type", up to the essence: type and subtype as views into \a input,
// without allocating (this runs for every Content-Type of every request).
static bool parseEssence(QByteArrayView input, QByteArrayView *type, QByteArrayView *subtype)
{
    while (!input.isEmpty() && isHttpWhitespace(input.front()))
        input = input.sliced(1);
    while (!input.isEmpty() && isHttpWhitespace(input.back()))
        input.chop(1);
    const qsizetype slash = input.indexOf('/');
    if (slash <= 0)
        return false;
    *type = input.first(slash);
    QByteArrayView rest = input.sliced(slash + 1);
    const qsizetype semicolon = rest.indexOf(';');
    if (semicolon >= 0)
        rest = rest.first(semicolon);
    while (!rest.isEmpty() && isHttpWhitespace(rest.back()))
        rest.chop(1);
    *subtype = rest;
    return isHttpToken(*type) && isHttpToken(*subtype);
}

QByteArray mimeTypeEssence(const QByteArray &raw)
{
    QByteArrayView type;
    QByteArrayView subtype;
    if (!parseEssence(raw, &type, &subtype))
        return {};
    return asciiLower(type.toByteArray()) + '/' + asciiLower(subtype.toByteArray());
}

// The three essences a CORS-safelisted Content-Type may have.
static bool isSafelistedEssence(QByteArrayView value)
{
    QByteArrayView type;
    QByteArrayView subtype;
    if (!parseEssence(value, &type, &subtype))
        return false;
    return (equalsIgnoreCase(type, "application") &&
            equalsIgnoreCase(subtype, "x-www-form-urlencoded")) ||
           (equalsIgnoreCase(type, "multipart") && equalsIgnoreCase(subtype, "form-data")) ||
           (equalsIgnoreCase(type, "text") && equalsIgnoreCase(subtype, "plain"));
}

bool isCorsSafelistedRequestHeader(const QByteArray &name, const QByteArray &value,
                                   const BrowserProfile &profile)
{
    if (value.size() > 128)
        return false;
    if (equalsIgnoreCase(name, "accept"))
        return !hasUnsafeByte(value);
    if (equalsIgnoreCase(name, "accept-language") || equalsIgnoreCase(name, "content-language"))
        return isLanguageValue(value);
    if (equalsIgnoreCase(name, "content-type")) {
        if (hasUnsafeByte(value))
            return false;
        return isSafelistedEssence(value);
    }
    if (equalsIgnoreCase(name, "range"))
        return profile.rangeIsSafelisted && isSimpleRangeHeaderValue(value);
    if (profile.clientHintsSafelisted)
        return isChromiumClientHintSafelisted(name, value);
    return false;
}

bool isNoCorsSafelistedRequestHeaderName(const QByteArray &name)
{
    return equalsIgnoreCase(name, "accept") || equalsIgnoreCase(name, "accept-language") ||
           equalsIgnoreCase(name, "content-language") || equalsIgnoreCase(name, "content-type");
}

bool isCorsNonWildcardRequestHeaderName(const QByteArray &name)
{
    return equalsIgnoreCase(name, "authorization");
}

static bool isKnownSafelistedName(const QByteArray &name, const BrowserProfile &profile)
{
    if (equalsIgnoreCase(name, "accept") || equalsIgnoreCase(name, "accept-language") ||
        equalsIgnoreCase(name, "content-language") || equalsIgnoreCase(name, "content-type"))
        return true;
    if (equalsIgnoreCase(name, "range"))
        return profile.rangeIsSafelisted;
    if (profile.clientHintsSafelisted) {
        return equalsIgnoreCase(name, "device-memory") || equalsIgnoreCase(name, "dpr") ||
               equalsIgnoreCase(name, "downlink") || equalsIgnoreCase(name, "width") ||
               equalsIgnoreCase(name, "viewport-width") || equalsIgnoreCase(name, "rtt") ||
               equalsIgnoreCase(name, "ect") || equalsIgnoreCase(name, "save-data");
    }
    return false;
}

QList<UnsafeHeader> corsUnsafeRequestHeaderNames(const HeaderList &headers,
                                                 const BrowserProfile &profile)
{
    QList<UnsafeHeader> unsafe;
    unsafe.reserve(headers.size());
    qsizetype safelistValueSize = 0;
    for (const Header &h : headers) {
        if (isCorsSafelistedRequestHeader(h.first, h.second, profile)) {
            safelistValueSize += h.second.size();
            continue;
        }
        UnsafeHeader::Why why = UnsafeHeader::Why::NotSafelistedName;
        if (isKnownSafelistedName(h.first, profile))
            why = h.second.size() > 128 ? UnsafeHeader::Why::TooLong
                                        : UnsafeHeader::Why::ValueNotSafelisted;
        unsafe.append({asciiLower(h.first), why});
    }
    if (safelistValueSize > 1024) {
        for (const Header &h : headers) {
            if (isCorsSafelistedRequestHeader(h.first, h.second, profile))
                unsafe.append({asciiLower(h.first), UnsafeHeader::Why::TotalOver1024});
        }
    }
    // "convert header names to a sorted-lowercase set": sorted, each name once (std::sort, not
    // stable_sort, which would allocate a buffer on every request).
    if (unsafe.size() < 2)
        return unsafe; // nothing to sort (and no detaching of an empty list)
    std::sort(unsafe.begin(), unsafe.end(), [](const UnsafeHeader &a, const UnsafeHeader &b) {
        return a.name < b.name || (a.name == b.name && a.why < b.why);
    });
    unsafe.erase(
        std::unique(unsafe.begin(), unsafe.end(),
                    [](const UnsafeHeader &a, const UnsafeHeader &b) { return a.name == b.name; }),
        unsafe.end());
    return unsafe;
}

bool isCorsSafelistedResponseHeaderName(const QByteArray &name)
{
    return equalsIgnoreCase(name, "cache-control") || equalsIgnoreCase(name, "content-language") ||
           equalsIgnoreCase(name, "content-length") || equalsIgnoreCase(name, "content-type") ||
           equalsIgnoreCase(name, "expires") || equalsIgnoreCase(name, "last-modified") ||
           equalsIgnoreCase(name, "pragma");
}

bool isForbiddenResponseHeaderName(const QByteArray &name)
{
    return equalsIgnoreCase(name, "set-cookie") || equalsIgnoreCase(name, "set-cookie2");
}

bool isRequestBodyHeaderName(const QByteArray &name)
{
    return equalsIgnoreCase(name, "content-encoding") ||
           equalsIgnoreCase(name, "content-language") ||
           equalsIgnoreCase(name, "content-location") || equalsIgnoreCase(name, "content-type");
}

} // namespace corslab::cors
