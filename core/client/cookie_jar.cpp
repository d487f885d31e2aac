#include "cookie_jar.h"

#include "base/header_list.h"

#include <QHostAddress>
#include <QNetworkCookie>
#include <algorithm>

namespace corslab::client {

namespace {

QByteArray requestHost(const QUrl &url)
{
    return url.host(QUrl::FullyEncoded).toLower().toLatin1();
}

bool isIpAddress(const QByteArray &host)
{
    return !QHostAddress(QString::fromLatin1(host)).isNull();
}

// RFC 6265 §5.1.3: the host is the domain, or a name under it (never an IP under it).
bool domainMatch(const QByteArray &host, const QByteArray &domain)
{
    if (host == domain)
        return true;
    return host.endsWith('.' + domain) && !isIpAddress(host);
}

// RFC 6265 §5.1.4: the directory of the request path.
QByteArray defaultPath(const QUrl &url)
{
    const QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (!path.startsWith('/'))
        return QByteArrayLiteral("/");
    const qsizetype slash = path.lastIndexOf('/');
    return slash <= 0 ? QByteArrayLiteral("/") : path.left(slash);
}

// RFC 6265 §5.1.4 "path-match".
bool pathMatch(const QByteArray &requestPath, const QByteArray &cookiePath)
{
    if (requestPath == cookiePath)
        return true;
    if (!requestPath.startsWith(cookiePath))
        return false;
    return cookiePath.endsWith('/') || requestPath.at(cookiePath.size()) == '/';
}

// The Max-Age attribute (RFC 6265 §5.2.2), read here because it wins over Expires whatever their
// order, which QNetworkCookie does not promise. nullopt when absent or not a number.
std::optional<qint64> maxAgeSeconds(const QByteArray &setCookie)
{
    const QList<QByteArray> parts = setCookie.split(';');
    std::optional<qint64> seconds;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const qsizetype eq = parts.at(i).indexOf('=');
        if (eq < 0 || !base::equalsIgnoreCase(parts.at(i).left(eq).trimmed(), "max-age"))
            continue;
        const QByteArray value = parts.at(i).mid(eq + 1).trimmed();
        bool ok = false;
        const qint64 n = value.toLongLong(&ok);
        if (ok && !value.startsWith('+'))
            seconds = n; // the last valid one counts (§5.3 step 3 reads the last attribute)
    }
    return seconds;
}

bool expired(const std::optional<QDateTime> &expires, const QDateTime &now)
{
    return expires && *expires <= now;
}

} // namespace

void CookieJar::storeFromResponse(const base::HeaderList &responseHeaders, const QUrl &url,
                                  const QDateTime &now)
{
    for (const auto &[name, value] : responseHeaders) {
        if (base::equalsIgnoreCase(name, "set-cookie"))
            store(value, url, now);
    }
}

void CookieJar::store(const QByteArray &setCookie, const QUrl &url, const QDateTime &now)
{
    const QList<QNetworkCookie> parsed = QNetworkCookie::parseCookies(setCookie);
    if (parsed.size() != 1 || parsed.first().name().isEmpty())
        return;
    const QNetworkCookie &in = parsed.first();
    const QByteArray host = requestHost(url);

    Cookie c;
    c.name = in.name();
    c.value = in.value();
    QByteArray domain = in.domain().toLower().toLatin1();
    if (domain.startsWith('.'))
        domain.remove(0, 1);
    if (domain.isEmpty()) {
        c.domain = host;
    } else if (domainMatch(host, domain)) {
        c.domain = domain;
        c.hostOnly = false;
    } else {
        return; // §5.3 step 6: a cookie for a domain the host does not belong to
    }
    c.path = in.path().toLatin1();
    if (!c.path.startsWith('/'))
        c.path = defaultPath(url);
    c.secure = in.isSecure();
    if (c.secure && url.scheme() != QLatin1String("https"))
        return; // only a secure origin may set a Secure cookie (RFC 6265bis §5.7)
    if (const std::optional<qint64> maxAge = maxAgeSeconds(setCookie))
        c.expires = *maxAge <= 0 ? QDateTime::fromSecsSinceEpoch(0, Qt::UTC) : now.addSecs(*maxAge);
    else if (in.expirationDate().isValid())
        c.expires = in.expirationDate();

    // §5.3 step 11: a cookie with the same name, domain and path is replaced, keeping its
    // creation time; an expired one only deletes it.
    quint64 created = m_nextCreated;
    for (qsizetype i = 0; i < m_cookies.size(); ++i) {
        const Cookie &old = m_cookies.at(i);
        if (old.name == c.name && old.domain == c.domain && old.path == c.path) {
            created = old.created;
            m_cookies.removeAt(i);
            break;
        }
    }
    if (expired(c.expires, now))
        return;
    if (created == m_nextCreated)
        ++m_nextCreated;
    c.created = created;
    m_cookies.append(c);
}

QByteArray CookieJar::cookieHeaderFor(const QUrl &url, const QDateTime &now) const
{
    const QByteArray host = requestHost(url);
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    const bool secure = url.scheme() == QLatin1String("https");
    QList<const Cookie *> matching;
    for (const Cookie &c : m_cookies) {
        if (expired(c.expires, now) || (c.secure && !secure) || !pathMatch(path, c.path))
            continue;
        if (c.hostOnly ? host != c.domain : !domainMatch(host, c.domain))
            continue;
        matching.append(&c);
    }
    // §5.4 step 2: longer paths first, then earlier creation.
    std::sort(matching.begin(), matching.end(), [](const Cookie *a, const Cookie *b) {
        if (a->path.size() != b->path.size())
            return a->path.size() > b->path.size();
        return a->created < b->created;
    });
    QByteArray header;
    for (const Cookie *c : matching) {
        if (!header.isEmpty())
            header += "; ";
        header += c->name + '=' + c->value;
    }
    return header;
}

} // namespace corslab::client
