#pragma once

#include "browser_profile.h"
#include "headers.h"
#include "verdict.h"

#include <QList>
#include <QUrl>

namespace corslab::cors {

/// \brief The Fetch standard's CORS-preflight cache (#concept-cache): one entry per allowed method
/// and per allowed header name, keyed by origin, URL and credentials, each with its own expiry.
///
/// Time is passed in (milliseconds on any monotonic clock), so the cache is deterministic and
/// tests need no sleeping. CORS Lab has one network partition, so the standard's network partition
/// key is left out. Not thread-safe: one owner (the session) uses it.
class PreflightCache
{
public:
    /// Fetch "CORS-preflight fetch" steps 7.9-7.12: add or refresh entries for a passing preflight.
    /// A lifetime of 0 (or less) stores nothing.
    void store(const PreflightResult &result, qint64 nowMs);

    /// Fetch "method cache entry match": \a method is cached, or `*` is and credentials are not.
    bool methodMatch(const QByteArray &origin, const QUrl &url, bool credentials,
                     const QByteArray &method, qint64 nowMs) const;
    /// Fetch "header-name cache entry match": \a name is cached (case-insensitively), or `*` is,
    /// credentials are not, and the name is not Authorization (unless \a profile lets `*` cover
    /// it).
    bool headerNameMatch(const QByteArray &origin, const QUrl &url, bool credentials,
                         const QByteArray &name, qint64 nowMs, const BrowserProfile &profile) const;
    /// True when the cache spares the preflight (Fetch "HTTP fetch" step 4.1): the method is
    /// safelisted or matched, and every CORS-unsafe header name is matched.
    bool covers(const QByteArray &origin, const QUrl &url, bool credentials,
                const QByteArray &method, const QList<QByteArray> &unsafeHeaderNames, qint64 nowMs,
                const BrowserProfile &profile) const;

    /// Drops expired entries; returns how many are left.
    qsizetype prune(qint64 nowMs);
    void clear() { m_entries.clear(); }
    qsizetype size() const { return m_entries.size(); }

private:
    struct Entry
    {
        QByteArray origin;
        QUrl url;
        bool credentials = false;
        qint64 expiresMs = 0;
        QByteArray method;     ///< empty for a header-name entry
        QByteArray headerName; ///< empty for a method entry
    };
    bool keyMatch(const Entry &e, const QByteArray &origin, const QUrl &url, bool credentials,
                  qint64 nowMs) const;

    QList<Entry> m_entries;
};

} // namespace corslab::cors
