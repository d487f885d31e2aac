#include "http_message.h"

#include "base/header_list.h"

#include <QUrl>
#include <charconv>
#include <cstring>

namespace corslab::http {

namespace {

// The request-target without its fragment (never sent by browsers, tolerated) split at '?'.
QByteArrayView targetWithoutFragment(const QByteArray &target)
{
    const qsizetype hash = target.indexOf('#');
    return hash < 0 ? QByteArrayView(target) : QByteArrayView(target).first(hash);
}

// Whether \a bytes may hold a CR, LF or NUL: true for any byte below 0x0E (those three and a few
// control characters, TAB among them, which take the exact path). Eight bytes per step with the
// classic "has a byte less than n" test: configured headers almost never hold any of them.
bool mayHoldLineBreakOrNul(QByteArrayView bytes)
{
    constexpr quint64 ones = 0x0101010101010101ULL;
    constexpr quint64 highs = 0x8080808080808080ULL;
    const char *p = bytes.data();
    qsizetype n = bytes.size();
    for (; n >= 8; p += 8, n -= 8) {
        quint64 v;
        std::memcpy(&v, p, sizeof v);
        if (((v - ones * 0x0E) & ~v & highs) != 0)
            return true;
    }
    bool low = false;
    for (; n > 0; ++p, --n)
        low |= static_cast<unsigned char>(*p) < 0x0E;
    return low;
}

// Header names and values go to the wire verbatim except the bytes that would end the line.
// Copies \a bytes to \a to and returns the end.
char *copyWireSafe(char *to, QByteArrayView bytes)
{
    const qsizetype n = bytes.size();
    if (!mayHoldLineBreakOrNul(bytes)) {
        if (n > 0)
            std::memcpy(to, bytes.data(), size_t(n));
        return to + n;
    }
    const char *from = bytes.data();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = from[i];
        to[i] = (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
    }
    return to + n;
}

char *copyBytes(char *to, QByteArrayView bytes)
{
    if (!bytes.isEmpty())
        std::memcpy(to, bytes.data(), size_t(bytes.size()));
    return to + bytes.size();
}

// Decimal digits of \a n into \a buffer (big enough for any qint64); returns their view.
QByteArrayView decimal(qint64 n, char (&buffer)[24])
{
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, n);
    return QByteArrayView(buffer, result.ptr - buffer);
}

bool isBodyless(int status)
{
    // 1xx, 204 and 304 never have a body (RFC 9110 §6.4.1), so no Content-Length either.
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// Whether serialize() adds Content-Length: one pass over the headers for both names.
bool needsContentLength(const HttpResponse &response)
{
    if (isBodyless(response.status))
        return false;
    constexpr QByteArrayView contentLength = "content-length";
    constexpr QByteArrayView transferEncoding = "transfer-encoding";
    for (const auto &header : response.headers) {
        const qsizetype size = header.first.size(); // most names fail here, without a call
        if ((size == contentLength.size() && base::equalsIgnoreCase(header.first, contentLength)) ||
            (size == transferEncoding.size() &&
             base::equalsIgnoreCase(header.first, transferEncoding)))
            return false;
    }
    return true;
}

QByteArrayView stripTabOrSpace(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

QByteArrayView stripHttpWhitespace(QByteArrayView v)
{
    while (!v.isEmpty() && base::isHttpWhitespace(v.front()))
        v = v.sliced(1);
    while (!v.isEmpty() && base::isHttpWhitespace(v.back()))
        v.chop(1);
    return v;
}

// The general case, for values with quoted strings (a comma inside quotes does not split).
bool hasTokenQuoted(const HeaderList &headers, QByteArrayView name, QByteArrayView token)
{
    const auto tokens = base::getDecodeAndSplit(headers, name);
    if (!tokens)
        return false;
    for (const QByteArray &t : *tokens) {
        if (base::equalsIgnoreCase(t, token))
            return true;
    }
    return false;
}

} // namespace

bool hasHeaderToken(const HeaderList &headers, QByteArrayView name, QByteArrayView token)
{
    // Same answer as splitting the combined value (Fetch "get, decode, and split"), without
    // building it: without quotes, each value splits on its own commas.
    for (const auto &[headerName, value] : headers) {
        if (!base::equalsIgnoreCase(headerName, name))
            continue;
        if (value.contains('"'))
            return hasTokenQuoted(headers, name, token);
        QByteArrayView rest = stripHttpWhitespace(value);
        for (;;) {
            const qsizetype comma = rest.indexOf(',');
            if (base::equalsIgnoreCase(stripTabOrSpace(comma < 0 ? rest : rest.first(comma)),
                                       token))
                return true;
            if (comma < 0)
                break;
            rest = rest.sliced(comma + 1);
        }
    }
    return false;
}

std::optional<QByteArray> HttpRequest::header(QByteArrayView name) const
{
    return base::getHeader(headers, name);
}

QByteArray HttpRequest::path() const
{
    const QByteArrayView t = targetWithoutFragment(target);
    if (t.startsWith('/')) {
        const qsizetype q = t.indexOf('?');
        return (q < 0 ? t : t.first(q)).toByteArray();
    }
    if (t == "*")
        return t.toByteArray();
    // absolute-form (proxies) or authority-form (CONNECT): let QUrl find the path.
    const QUrl url = QUrl::fromEncoded(t.toByteArray());
    return url.path(QUrl::FullyEncoded).toUtf8();
}

QUrlQuery HttpRequest::query() const
{
    const QByteArrayView t = targetWithoutFragment(target);
    const qsizetype q = t.indexOf('?');
    if (q < 0)
        return {};
    return QUrlQuery(QString::fromUtf8(t.sliced(q + 1)));
}

bool HttpRequest::keepAlive() const
{
    if (versionMajor != 1)
        return false;
    if (hasHeaderToken(headers, "connection", "close"))
        return false;
    if (versionMinor >= 1)
        return true;
    // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; close after it.
    if (header("transfer-encoding"))
        return false;
    return hasHeaderToken(headers, "connection", "keep-alive");
}

QByteArray standardReasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 101:
        return QByteArrayLiteral("Switching Protocols");
    case 103:
        return QByteArrayLiteral("Early Hints");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 203:
        return QByteArrayLiteral("Non-Authoritative Information");
    case 204:
        return QByteArrayLiteral("No Content");
    case 205:
        return QByteArrayLiteral("Reset Content");
    case 206:
        return QByteArrayLiteral("Partial Content");
    case 300:
        return QByteArrayLiteral("Multiple Choices");
    case 301:
        return QByteArrayLiteral("Moved Permanently");
    case 302:
        return QByteArrayLiteral("Found");
    case 303:
        return QByteArrayLiteral("See Other");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 307:
        return QByteArrayLiteral("Temporary Redirect");
    case 308:
        return QByteArrayLiteral("Permanent Redirect");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 406:
        return QByteArrayLiteral("Not Acceptable");
    case 407:
        return QByteArrayLiteral("Proxy Authentication Required");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 410:
        return QByteArrayLiteral("Gone");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 412:
        return QByteArrayLiteral("Precondition Failed");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 416:
        return QByteArrayLiteral("Range Not Satisfiable");
    case 417:
        return QByteArrayLiteral("Expectation Failed");
    case 421:
        return QByteArrayLiteral("Misdirected Request");
    case 422:
        return QByteArrayLiteral("Unprocessable Content");
    case 426:
        return QByteArrayLiteral("Upgrade Required");
    case 428:
        return QByteArrayLiteral("Precondition Required");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 451:
        return QByteArrayLiteral("Unavailable For Legal Reasons");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

QByteArray HttpResponse::serialize(bool forHeadRequest) const
{
    QByteArray out;
    serializeTo(out, forHeadRequest);
    return out;
}

void HttpResponse::serializeTo(QByteArray &out, bool forHeadRequest) const
{
    // The exact size first, then one resize and plain copies: no temporaries per header.
    const bool bodyless = isBodyless(status);
    const bool addLength = needsContentLength(*this);
    const QByteArray standardReason =
        reason.isEmpty() ? standardReasonPhrase(status) : QByteArray();
    const QByteArrayView phrase = reason.isEmpty() ? standardReason : reason;
    char statusBuffer[24];
    const QByteArrayView statusDigits = decimal(status, statusBuffer);
    char lengthBuffer[24];
    const QByteArrayView lengthDigits =
        addLength ? decimal(body.size(), lengthBuffer) : QByteArrayView();
    const bool withBody = !bodyless && !forHeadRequest;

    constexpr QByteArrayView version = "HTTP/1.1 ";
    constexpr QByteArrayView lengthName = "Content-Length: ";
    qsizetype size = version.size() + statusDigits.size() + 1 + phrase.size() + 2;
    for (const auto &[name, value] : headers)
        size += name.size() + 2 + value.size() + 2;
    if (addLength)
        size += lengthName.size() + lengthDigits.size() + 2;
    size += 2 + (withBody ? body.size() : 0);

    const qsizetype start = out.size();
    out.resize(start + size);
    char *p = out.data() + start;
    p = copyBytes(p, version);
    p = copyBytes(p, statusDigits);
    *p++ = ' ';
    p = copyWireSafe(p, phrase);
    p = copyBytes(p, "\r\n");
    for (const auto &[name, value] : headers) {
        p = copyWireSafe(p, name);
        p = copyBytes(p, ": ");
        p = copyWireSafe(p, value);
        p = copyBytes(p, "\r\n");
    }
    if (addLength) {
        p = copyBytes(p, lengthName);
        p = copyBytes(p, lengthDigits);
        p = copyBytes(p, "\r\n");
    }
    p = copyBytes(p, "\r\n");
    if (withBody)
        p = copyBytes(p, body);
    Q_ASSERT(p == out.constData() + out.size());
}

void HttpResponse::addContentLength()
{
    if (needsContentLength(*this)) {
        char buffer[24];
        headers.append(
            {QByteArrayLiteral("Content-Length"), decimal(body.size(), buffer).toByteArray()});
    }
}

HttpResponse HttpResponse::text(int status, const QByteArray &body, bool close)
{
    HttpResponse r;
    r.status = status;
    r.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain; charset=utf-8")});
    if (close)
        r.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    r.body = body;
    return r;
}

} // namespace corslab::http
