#include "http_message.h"

#include "cors/header_list.h"

#include <QUrl>

namespace corslab::http {

namespace {

// The request-target without its fragment (never sent by browsers, tolerated) split at '?'.
QByteArrayView targetWithoutFragment(const QByteArray &target)
{
    const qsizetype hash = target.indexOf('#');
    return hash < 0 ? QByteArrayView(target) : QByteArrayView(target).first(hash);
}

// Header names and values go to the wire verbatim except the bytes that would end the line.
QByteArray wireSafe(const QByteArray &bytes)
{
    QByteArray out = bytes;
    for (char &c : out) {
        if (c == '\r' || c == '\n' || c == '\0')
            c = ' ';
    }
    return out;
}

bool hasToken(const HeaderList &headers, QByteArrayView name, QByteArrayView token)
{
    const auto tokens = cors::getDecodeAndSplit(headers, name);
    if (!tokens)
        return false;
    for (const QByteArray &t : *tokens) {
        if (cors::equalsIgnoreCase(t, token))
            return true;
    }
    return false;
}

} // namespace

std::optional<QByteArray> HttpRequest::header(QByteArrayView name) const
{
    return cors::getHeader(headers, name);
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
    if (hasToken(headers, "connection", "close"))
        return false;
    if (versionMinor >= 1)
        return true;
    // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; close after it.
    if (header("transfer-encoding"))
        return false;
    return hasToken(headers, "connection", "keep-alive");
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
    // 1xx, 204 and 304 never have a body (RFC 9110 §6.4.1), so no Content-Length either.
    const bool bodyless = (status >= 100 && status < 200) || status == 204 || status == 304;
    QByteArray out;
    out.reserve(128 + body.size() + headers.size() * 32);
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += wireSafe(reason.isEmpty() ? standardReasonPhrase(status) : reason);
    out += "\r\n";
    for (const auto &[name, value] : headers) {
        out += wireSafe(name);
        out += ": ";
        out += wireSafe(value);
        out += "\r\n";
    }
    if (!bodyless && !cors::containsHeader(headers, "content-length") &&
        !cors::containsHeader(headers, "transfer-encoding")) {
        out += "Content-Length: ";
        out += QByteArray::number(body.size());
        out += "\r\n";
    }
    out += "\r\n";
    if (!bodyless && !forHeadRequest)
        out += body;
    return out;
}

void HttpResponse::addContentLength()
{
    const bool bodyless = (status >= 100 && status < 200) || status == 204 || status == 304;
    if (!bodyless && !cors::containsHeader(headers, "content-length") &&
        !cors::containsHeader(headers, "transfer-encoding"))
        headers.append({QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())});
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
