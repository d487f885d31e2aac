#include "preflight_cache.h"

#include "fetch_rules.h"

namespace corslab::cors {

bool PreflightCache::keyMatch(const Entry &e, const QByteArray &origin, const QUrl &url,
                              bool credentials, qint64 nowMs) const
{
    // #concept-cache-match: same origin, URL and credentials; an expired entry never matches.
    return e.expiresMs > nowMs && e.credentials == credentials && e.origin == origin &&
           e.url == url;
}

void PreflightCache::store(const PreflightResult &r, qint64 nowMs)
{
    if (r.maxAgeSeconds <= 0)
        return;
    const qint64 expires = nowMs + r.maxAgeSeconds * 1000;
    auto upsert = [&](QByteArrayView method, QByteArrayView headerName) {
        for (Entry &e : m_entries) {
            // "set matching entry's max-age to max-age" (also revives an expired one)
            if (e.origin == r.origin && e.url == r.url && e.credentials == r.credentials &&
                e.method == method && equalsIgnoreCase(e.headerName, headerName)) {
                e.expiresMs = expires;
                return;
            }
        }
        m_entries.append({r.origin, r.url, r.credentials, expires, method.toByteArray(),
                          headerName.toByteArray()});
    };
    for (QByteArrayView m : r.methods.values)
        upsert(m, {});
    for (QByteArrayView h : r.headerNames.values)
        upsert({}, h);
}

bool PreflightCache::methodMatch(const QByteArray &origin, const QUrl &url, bool credentials,
                                 const QByteArray &method, qint64 nowMs) const
{
    for (const Entry &e : m_entries) {
        if (e.method.isEmpty() || !keyMatch(e, origin, url, credentials, nowMs))
            continue;
        if (e.method == method || (e.method == "*" && !credentials))
            return true;
    }
    return false;
}

bool PreflightCache::headerNameMatch(const QByteArray &origin, const QUrl &url, bool credentials,
                                     const QByteArray &name, qint64 nowMs,
                                     const BrowserProfile &profile) const
{
    for (const Entry &e : m_entries) {
        if (e.headerName.isEmpty() || !keyMatch(e, origin, url, credentials, nowMs))
            continue;
        if (equalsIgnoreCase(e.headerName, name))
            return true;
        if (e.headerName == "*" && !credentials &&
            (!isCorsNonWildcardRequestHeaderName(name) || profile.wildcardCoversAuthorization))
            return true;
    }
    return false;
}

bool PreflightCache::covers(const QByteArray &origin, const QUrl &url, bool credentials,
                            const QByteArray &method, const QList<QByteArray> &unsafeHeaderNames,
                            qint64 nowMs, const BrowserProfile &profile) const
{
    if (m_entries.isEmpty())
        return false;
    if (!isCorsSafelistedMethod(method) && !methodMatch(origin, url, credentials, method, nowMs))
        return false;
    for (const QByteArray &name : unsafeHeaderNames) {
        if (!headerNameMatch(origin, url, credentials, name, nowMs, profile))
            return false;
    }
    return true;
}

qsizetype PreflightCache::prune(qint64 nowMs)
{
    m_entries.removeIf([nowMs](const Entry &e) { return e.expiresMs <= nowMs; });
    return m_entries.size();
}

} // namespace corslab::cors
