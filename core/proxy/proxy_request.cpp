#include "proxy_request.h"

#include "base/header_list.h"

#include <QVarLengthArray>
#include <charconv>
#include <cstring>

namespace corslab::proxy {

namespace {

using base::equalsIgnoreCase;

constexpr QByteArrayView fixedHopByHop[] = {
    "connection",         "keep-alive", "proxy-connection", "proxy-authorization",
    "proxy-authenticate", "te",         "trailer",          "upgrade",
};

QByteArray authorityOf(const QByteArray &host, bool tls, quint16 port)
{
    const bool v6 = host.contains(':'); // an IPv6 literal
    const bool defaultPort = (tls && port == 443) || (!tls && port == 80);
    if (!v6 && defaultPort)
        return host;
    QByteArray out;
    out.reserve(host.size() + 8);
    if (v6)
        out.append('[').append(host).append(']');
    else
        out.append(host);
    if (!defaultPort)
        out.append(':').append(QByteArray::number(port));
    return out;
}

// "http://host:port/path?q" → target; false when it is not an http(s) absolute URL.
bool parseAbsoluteForm(const QByteArray &target, UpstreamTarget *out, QString *error)
{
    const QByteArrayView t = target; // views of views: QByteArray::first() would copy
    qsizetype schemeEnd = t.indexOf("://");
    if (schemeEnd <= 0) {
        *error = QStringLiteral("a forward proxy needs an absolute URL (http://host/path) as the "
                                "request target; got \"%1\" (is the browser configured to use this "
                                "address as a proxy, or did you mean --reverse?)")
                     .arg(QString::fromLatin1(t.first(qMin<qsizetype>(200, t.size()))));
        return false;
    }
    const QByteArrayView scheme = t.first(schemeEnd);
    if (equalsIgnoreCase(scheme, "http"))
        out->tls = false;
    else if (equalsIgnoreCase(scheme, "https"))
        out->tls = true;
    else {
        *error = QStringLiteral("unsupported scheme \"%1\" in the request target (http or https)")
                     .arg(QString::fromLatin1(scheme));
        return false;
    }
    const QByteArrayView rest = t.sliced(schemeEnd + 3);
    qsizetype pathStart = 0;
    while (pathStart < rest.size() && rest[pathStart] != '/' && rest[pathStart] != '?' &&
           rest[pathStart] != '#')
        ++pathStart;
    const QByteArrayView authority = rest.first(pathStart);
    if (authority.contains('@')) {
        *error = QStringLiteral("credentials in the request URL are not forwarded");
        return false;
    }
    quint16 port = out->tls ? 443 : 80;
    QByteArray host;
    if (!parseAuthority(authority, &host, &port)) {
        if (!parseAuthority(QByteArray(authority.toByteArray() + (out->tls ? ":443" : ":80")),
                            &host, &port)) {
            *error = QStringLiteral("bad host in the request URL: \"%1\"")
                         .arg(QString::fromLatin1(authority));
            return false;
        }
    }
    out->host = host;
    out->port = port;
    QByteArrayView path = rest.sliced(pathStart);
    const qsizetype fragment = path.indexOf('#');
    if (fragment >= 0)
        path = path.first(fragment);
    out->requestTarget =
        path.isEmpty() ? QByteArrayLiteral("/")
                       : (path.startsWith('?') ? '/' + path.toByteArray() : path.toByteArray());
    out->hostHeader = authorityOf(host, out->tls, port);
    // What a browser sends is already the canonical URL (lower-case scheme, no default port, a
    // path): then it is the URL itself, shared rather than rebuilt for every request.
    const bool canonical = (scheme == "http" || scheme == "https") &&
                           authority == out->hostHeader && path.startsWith('/') &&
                           path.size() == rest.size() - pathStart;
    out->browserUrl =
        canonical ? target
                  : (out->tls ? "https://" : "http://") + out->hostHeader + out->requestTarget;
    return true;
}

} // namespace

bool parseAuthority(QByteArrayView authority, QByteArray *host, quint16 *port)
{
    qsizetype colon;
    QByteArrayView h;
    if (authority.startsWith('[')) { // [v6]:port
        const qsizetype close = authority.indexOf(']');
        if (close < 0 || close + 1 >= authority.size() || authority[close + 1] != ':')
            return false;
        h = authority.sliced(1, close - 1);
        colon = close + 1;
    } else {
        colon = authority.lastIndexOf(':');
        if (colon <= 0)
            return false;
        h = authority.first(colon);
        if (h.contains(':'))
            return false;
    }
    bool ok = false;
    const uint p = authority.sliced(colon + 1).toUInt(&ok);
    if (!ok || p == 0 || p > 65535 || h.isEmpty())
        return false;
    for (const char c : h) {
        // Host names, IPv4 and IPv6 literals: nothing that could split a request line.
        if (c <= ' ' || c == '/' || c == '?' || c == '#' || c == '@' || c == '\x7f')
            return false;
    }
    *host = h.toByteArray();
    *port = quint16(p);
    return true;
}

std::optional<UpstreamTarget> resolveTarget(const http::HttpRequest &request,
                                            const TargetContext &context, QString *error)
{
    UpstreamTarget target;
    const QByteArray &t = request.target;
    switch (context.mode) {
    case TargetContext::Mode::Forward:
        if (!parseAbsoluteForm(t, &target, error))
            return std::nullopt;
        return target;
    case TargetContext::Mode::Tunnel: {
        if (!t.startsWith('/')) {
            // A client may send absolute-form inside a tunnel too; it must name the tunnel's host.
            if (!parseAbsoluteForm(t, &target, error))
                return std::nullopt;
            if (!target.tls || target.host != context.tunnelHost ||
                target.port != context.tunnelPort) {
                *error = QStringLiteral("request for another host inside the tunnel to %1")
                             .arg(QString::fromLatin1(context.tunnelHost));
                return std::nullopt;
            }
            return target;
        }
        target.tls = true;
        target.host = context.tunnelHost;
        target.port = context.tunnelPort;
        target.requestTarget = t;
        target.hostHeader = authorityOf(target.host, true, target.port);
        target.browserUrl = "https://" + target.hostHeader + t;
        return target;
    }
    case TargetContext::Mode::Reverse: {
        if (!t.startsWith('/')) {
            *error = QStringLiteral("a reverse proxy expects an origin-form target (/path); got "
                                    "\"%1\"")
                         .arg(QString::fromLatin1(t.first(qMin<qsizetype>(200, t.size()))));
            return std::nullopt;
        }
        const QUrl &base = context.reverseBase;
        target.tls = base.scheme() == QLatin1String("https");
        target.host = base.host(QUrl::FullyEncoded).toLatin1();
        target.port = quint16(base.port(target.tls ? 443 : 80));
        QByteArray basePath = base.path(QUrl::FullyEncoded).toLatin1();
        while (basePath.endsWith('/'))
            basePath.chop(1);
        target.requestTarget = basePath + t;
        target.hostHeader = authorityOf(target.host, target.tls, target.port);
        // The browser asked this proxy: its URL is the proxy's own origin (from Host).
        const QByteArray localHost =
            request.header("host").value_or(QByteArrayLiteral("localhost"));
        target.browserUrl = "http://" + localHost + t;
        return target;
    }
    }
    return std::nullopt;
}

bool isHopByHop(const base::HeaderList &headers, QByteArrayView name)
{
    return HopByHop(headers).contains(name);
}

HopByHop::HopByHop(const base::HeaderList &headers)
{
    // Connection options are rare beyond keep-alive/close (already in the fixed list): only a
    // message that names others pays for the token search, once per field, not per pair.
    for (const auto &h : headers) {
        if (!equalsIgnoreCase(h.first, "connection"))
            continue;
        for (const QByteArray &token : h.second.split(',')) {
            const QByteArray t = token.trimmed();
            if (!t.isEmpty())
                m_named.append(t);
        }
    }
}

bool HopByHop::contains(QByteArrayView name) const
{
    for (const QByteArrayView fixed : fixedHopByHop) {
        if (equalsIgnoreCase(name, fixed))
            return true;
    }
    for (const QByteArray &named : m_named) {
        if (equalsIgnoreCase(name, named))
            return true;
    }
    return false;
}

base::HeaderList withoutHopByHop(const base::HeaderList &headers)
{
    base::HeaderList out;
    out.reserve(headers.size());
    const HopByHop hopByHop(headers);
    for (const auto &h : headers) {
        if (!hopByHop.contains(h.first))
            out.append(h);
    }
    return out;
}

namespace {

// Writes a message head into \a out through a raw pointer after one resize: QByteArray's +=
// goes through insert() and its checks for every piece, a tenth of the proxy's thread for the
// two heads of an exchange. Sizes are counted first (exactly: the writer checks).
class HeadWriter
{
public:
    HeadWriter(QByteArray &out, qsizetype bytes)
    {
        const qsizetype start = out.size();
        out.resize(start + bytes);
        m_p = out.data() + start;
        m_end = m_p + bytes;
    }
    ~HeadWriter() { Q_ASSERT(m_p == m_end); }
    HeadWriter(const HeadWriter &) = delete;
    HeadWriter &operator=(const HeadWriter &) = delete;

    HeadWriter &operator<<(QByteArrayView bytes)
    {
        Q_ASSERT(m_p + bytes.size() <= m_end);
        if (!bytes.isEmpty())
            std::memcpy(m_p, bytes.data(), size_t(bytes.size()));
        m_p += bytes.size();
        return *this;
    }

private:
    char *m_p = nullptr;
    char *m_end = nullptr;
};

// Decimal digits of \a n into \a buffer (at least 20 bytes).
QByteArrayView decimal(qint64 n, char *buffer)
{
    const auto result = std::to_chars(buffer, buffer + 20, n);
    return QByteArrayView(buffer, result.ptr - buffer);
}

// Which of \a headers go on: the fixed and Connection-named hop-by-hop fields, and those
// \a alsoDropped names, stay behind.
template<typename Drop>
QVarLengthArray<bool, 32> forwarded(const base::HeaderList &headers, Drop alsoDropped)
{
    QVarLengthArray<bool, 32> keep(headers.size());
    const HopByHop hopByHop(headers);
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const QByteArray &name = headers.at(i).first;
        keep[i] = !alsoDropped(name) && !hopByHop.contains(name);
    }
    return keep;
}

} // namespace

QByteArray serializeUpstreamRequest(const http::HttpRequest &request, const UpstreamTarget &target)
{
    const QVarLengthArray<bool, 32> keep = forwarded(request.headers, [](const QByteArray &name) {
        return equalsIgnoreCase(name, "host") || equalsIgnoreCase(name, "content-length") ||
               equalsIgnoreCase(name, "transfer-encoding") || equalsIgnoreCase(name, "expect");
    });
    const bool hadBody = request.header("content-length") || request.header("transfer-encoding");
    // The body was de-chunked by the parser: it goes with its length (also for an empty body
    // that had framing, so the upstream does not wait for one).
    const bool withLength = hadBody || !request.body.isEmpty();
    char digits[20];
    const QByteArrayView length = decimal(request.body.size(), digits);

    constexpr QByteArrayView version = " HTTP/1.1\r\nHost: ";
    constexpr QByteArrayView lengthField = "Content-Length: ";
    qsizetype bytes = request.method.size() + 1 + target.requestTarget.size() + version.size() +
                      target.hostHeader.size() + 2 + 2 + request.body.size();
    for (qsizetype i = 0; i < request.headers.size(); ++i) {
        if (keep[i])
            bytes +=
                request.headers.at(i).first.size() + 2 + request.headers.at(i).second.size() + 2;
    }
    if (withLength)
        bytes += lengthField.size() + length.size() + 2;

    QByteArray out;
    {
        HeadWriter w(out, bytes);
        w << request.method << " " << target.requestTarget << version << target.hostHeader
          << "\r\n";
        for (qsizetype i = 0; i < request.headers.size(); ++i) {
            if (keep[i])
                w << request.headers.at(i).first << ": " << request.headers.at(i).second << "\r\n";
        }
        if (withLength)
            w << lengthField << length << "\r\n";
        w << "\r\n" << request.body;
    }
    return out;
}

void appendResponseHead(int status, const QByteArray &reason, const base::HeaderList &headers,
                        bool close, QByteArray &out)
{
    const QVarLengthArray<bool, 32> keep =
        forwarded(headers, [](const QByteArray &) { return false; });
    char digits[20];
    const QByteArrayView code = decimal(status, digits);
    const QByteArray phrase = reason.isEmpty() ? http::standardReasonPhrase(status) : reason;

    constexpr QByteArrayView version = "HTTP/1.1 ";
    constexpr QByteArrayView closeField = "Connection: close\r\n";
    qsizetype bytes = version.size() + code.size() + 1 + phrase.size() + 2 + 2;
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (keep[i])
            bytes += headers.at(i).first.size() + 2 + headers.at(i).second.size() + 2;
    }
    if (close)
        bytes += closeField.size();

    HeadWriter w(out, bytes);
    w << version << code << " " << phrase << "\r\n";
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (keep[i])
            w << headers.at(i).first << ": " << headers.at(i).second << "\r\n";
    }
    if (close)
        w << closeField;
    w << "\r\n";
}

} // namespace corslab::proxy
