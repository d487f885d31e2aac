#include "proxy_request.h"

#include "cors/header_list.h"

namespace corslab::proxy {

namespace {

using cors::equalsIgnoreCase;

constexpr QByteArrayView fixedHopByHop[] = {
    "connection",         "keep-alive", "proxy-connection", "proxy-authorization",
    "proxy-authenticate", "te",         "trailer",          "upgrade",
};

QByteArray defaultPortSuffix(bool tls, quint16 port)
{
    if ((tls && port == 443) || (!tls && port == 80))
        return {};
    return ':' + QByteArray::number(port);
}

QByteArray authorityOf(const QByteArray &host, bool tls, quint16 port)
{
    const QByteArray h = host.contains(':') ? '[' + host + ']' : host; // an IPv6 literal
    return h + defaultPortSuffix(tls, port);
}

// "http://host:port/path?q" → target; false when it is not an http(s) absolute URL.
bool parseAbsoluteForm(QByteArrayView t, UpstreamTarget *out, QString *error)
{
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
    out->browserUrl = (out->tls ? "https://" : "http://") + out->hostHeader + out->requestTarget;
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

bool isHopByHop(const http::HeaderList &headers, QByteArrayView name)
{
    return HopByHop(headers).contains(name);
}

HopByHop::HopByHop(const http::HeaderList &headers)
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

http::HeaderList withoutHopByHop(const http::HeaderList &headers)
{
    http::HeaderList out;
    out.reserve(headers.size());
    const HopByHop hopByHop(headers);
    for (const auto &h : headers) {
        if (!hopByHop.contains(h.first))
            out.append(h);
    }
    return out;
}

QByteArray serializeUpstreamRequest(const http::HttpRequest &request, const UpstreamTarget &target)
{
    QByteArray out;
    out.reserve(512 + request.body.size());
    out += request.method;
    out += ' ';
    out += target.requestTarget;
    out += " HTTP/1.1\r\nHost: ";
    out += target.hostHeader;
    out += "\r\n";
    const bool hadBody = request.header("content-length") || request.header("transfer-encoding");
    const HopByHop hopByHop(request.headers);
    for (const auto &h : request.headers) {
        const QByteArray &name = h.first;
        if (equalsIgnoreCase(name, "host") || equalsIgnoreCase(name, "content-length") ||
            equalsIgnoreCase(name, "transfer-encoding") || equalsIgnoreCase(name, "expect") ||
            hopByHop.contains(name))
            continue;
        out += name;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    // The body was de-chunked by the parser: it goes with its length (also for an empty body
    // that had framing, so the upstream does not wait for one).
    if (hadBody || !request.body.isEmpty()) {
        out += "Content-Length: ";
        out += QByteArray::number(request.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    out += request.body;
    return out;
}

QByteArray serializeResponseHead(int status, const QByteArray &reason,
                                 const http::HeaderList &headers, bool close)
{
    QByteArray out;
    out.reserve(256 + headers.size() * 48);
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += reason.isEmpty() ? http::standardReasonPhrase(status) : reason;
    out += "\r\n";
    const HopByHop hopByHop(headers);
    for (const auto &h : headers) {
        if (hopByHop.contains(h.first))
            continue;
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    return out;
}

} // namespace corslab::proxy
