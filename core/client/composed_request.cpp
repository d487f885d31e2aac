// ComposedRequest::validate(): what new Request() and the Headers guard would refuse, as errors
// naming the field; and composedRequestFrom(): a captured request as the page made it.
#include "base/header_list.h"
#include "browser_client.h"
#include "cors/fetch_rules.h"
#include "cors/origin.h"

namespace corslab::client {

namespace {

// A value as it appears in an error: quoted, control bytes and non-ASCII as \xNN, so the
// sentence shows exactly what is wrong (a CR or a NUL) and stays on one line.
QString shown(QByteArrayView bytes)
{
    static const char hex[] = "0123456789abcdef";
    QString out = QStringLiteral("\"");
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += QLatin1Char('\\');
            out += QLatin1Char(ch);
        } else if (c >= 0x20 && c < 0x7F) {
            out += QLatin1Char(ch);
        } else {
            out += QStringLiteral("\\x");
            out += QLatin1Char(hex[c >> 4]);
            out += QLatin1Char(hex[c & 0xF]);
        }
    }
    return out + QLatin1Char('"');
}

bool setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

} // namespace

bool ComposedRequest::validate(QString *error) const
{
    cors::Origin page;
    QString originError;
    if (!cors::Origin::parse(QString::fromUtf8(origin), &page, &originError))
        return setError(error, QStringLiteral("origin: ") + originError);
    // "null" is the opaque origin of a sandboxed iframe, a data: or a file: page.
    if (!page.opaque && !page.isHttpFamily())
        return setError(error, QStringLiteral("origin: expected the page's http:// or https:// "
                                              "origin, such as \"http://localhost:3000\", or "
                                              "\"null\", got %1")
                                   .arg(shown(origin)));

    const QString scheme = url.scheme();
    if (!url.isValid() || url.isRelative() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return setError(error,
                        QStringLiteral("url: expected an absolute http:// or https:// URL with a "
                                       "host, got %1")
                            .arg(shown(url.toString().toUtf8())));

    if (!base::isHttpToken(method))
        return setError(error, QStringLiteral("method: expected an HTTP method (an RFC 9110 token "
                                              "such as GET or PATCH), got %1")
                                   .arg(shown(method)));

    for (qsizetype i = 0; i < headers.size(); ++i) {
        const auto &[name, value] = headers.at(i);
        if (!base::isHttpToken(name))
            return setError(error, QStringLiteral("headers[%1].name: expected a header name (an "
                                                  "RFC 9110 token such as X-Request-Id), got %2")
                                       .arg(i)
                                       .arg(shown(name)));
        if (value.contains('\r') || value.contains('\n') || value.contains('\0'))
            return setError(error, QStringLiteral("headers[%1].value: expected a value without "
                                                  "CR, LF or NUL bytes, got %2")
                                       .arg(i)
                                       .arg(shown(value)));
    }

    for (qsizetype i = 0; i < cookies.size(); ++i) {
        const QByteArray &cookie = cookies.at(i);
        const qsizetype eq = cookie.indexOf('=');
        if (eq <= 0 || !base::isHttpToken(cookie.left(eq)) || cookie.contains(';') ||
            cookie.contains('\r') || cookie.contains('\n') || cookie.contains('\0'))
            return setError(error, QStringLiteral("cookies[%1]: expected name=value (a token, "
                                                  "'=', a value without ';'), got %2")
                                       .arg(i)
                                       .arg(shown(cookie)));
    }

    // new Request() step 35: GET and HEAD requests have no body (fetch() throws a TypeError).
    const QByteArray normalized = cors::normalizeMethod(method);
    if (!body.isEmpty() && (normalized == "GET" || normalized == "HEAD"))
        return setError(error, QStringLiteral("body: expected no body for a %1 request (fetch() "
                                              "throws a TypeError), got %2 bytes")
                                   .arg(QString::fromLatin1(normalized))
                                   .arg(body.size()));
    return true;
}

ComposedRequest composedRequestFrom(const session::CapturedExchange &exchange)
{
    // What a browser adds by itself; everything else on the request the page's script set.
    static const QList<QByteArray> browserOwned = {"host",
                                                   "origin",
                                                   "cookie",
                                                   "content-length",
                                                   "connection",
                                                   "user-agent",
                                                   "accept-encoding",
                                                   "accept-language",
                                                   "referer",
                                                   "proxy-connection",
                                                   "accept",
                                                   "access-control-request-method",
                                                   "access-control-request-headers",
                                                   "priority",
                                                   "pragma",
                                                   "cache-control",
                                                   "upgrade-insecure-requests",
                                                   "dnt"};
    ComposedRequest r;
    r.url = QUrl(QString::fromUtf8(exchange.url));
    r.method = exchange.method;
    r.body = exchange.requestBody.stored;
    bool preflight = false;
    for (const auto &[name, value] : exchange.requestHeaders) {
        const QByteArray lower = name.toLower();
        if (lower == "origin") {
            r.origin = value.trimmed();
        } else if (lower == "cookie") {
            r.credentials = cors::CredentialsMode::Include;
        } else if (lower == "access-control-request-method" && exchange.method == "OPTIONS") {
            preflight = true;
            r.method = value.trimmed();
        } else if (!browserOwned.contains(lower) && !lower.startsWith("sec-")) {
            r.headers.append({name, value});
        }
    }
    if (preflight) {
        // The announced headers, with a placeholder value the user replaces.
        for (const auto &[name, value] : exchange.requestHeaders) {
            if (name.compare("access-control-request-headers", Qt::CaseInsensitive) != 0)
                continue;
            for (const QByteArray &h : value.split(',')) {
                if (!h.trimmed().isEmpty())
                    r.headers.append({h.trimmed(), h.trimmed().toLower() == "content-type"
                                                       ? QByteArrayLiteral("application/json")
                                                       : QByteArrayLiteral("1")});
            }
        }
    }
    if (exchange.credentialsIncluded && *exchange.credentialsIncluded)
        r.credentials = cors::CredentialsMode::Include;
    return r;
}

} // namespace corslab::client
