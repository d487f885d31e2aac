#pragma once

#include "cors/browser_profile.h"
#include "fast_hash.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace corslab::session {

/// How an exchange is linked to a preflight. Stored in saved sessions by name
/// (pairingStateName()): entries may be added, never renamed.
enum class PairingState : quint8 {
    None,            ///< nothing to link (not judged, a simple request, or a preflight with no
                     ///< actual request after it)
    Paired,          ///< actual: authorized by the preflight just before it; preflight: it
                     ///< authorized (or, from its cache, served) at least one actual request
    CacheHit,        ///< actual: no preflight sent because an earlier one was still cached
    NoPreflightSeen, ///< actual: needed a preflight and none was seen (it may have been cached
                     ///< before the capture started)
};

/// "none", "paired", "cache-hit", "no-preflight-seen".
QString pairingStateName(PairingState state);
bool pairingStateFromName(const QString &name, PairingState *out);

/// \brief Links each actual request to the preflight that authorized it, in capture order.
///
/// Preflights are remembered by (origin, URL). An actual request that needed a preflight is
/// linked to the most recent unconsumed preflight for the same origin and URL whose
/// Access-Control-Request-Method is its method and whose Access-Control-Request-Headers cover
/// its CORS-unsafe header names, sent at most Options::windowMs before it. Failing that, a
/// successful earlier preflight whose cached result (Access-Control-Max-Age as capped by the
/// profile, Fetch #concept-cache) still covers the request served it from the cache. A request
/// whose Origin became "null" on a cross-origin redirect pairs with the latest preflight to its
/// URL whatever that preflight's Origin (Firefox preflights the new hop with the page's origin,
/// then sends it with `Origin: null`). Not thread-safe: the session feeds it in id order under
/// its append lock.
class PreflightPairing
{
public:
    struct Options
    {
        qint64 windowMs = 5000; ///< how long before its actual request a preflight may end
        int perKey = 8;         ///< preflights remembered per (origin, URL)
    };

    /// What the pairing needs of a preflight.
    struct Preflight
    {
        qsizetype index = -1;
        QByteArray origin; ///< the Origin header
        QByteArray url;
        qint64 startedAtMs = 0;
        qint64 answeredAtMs = 0;           ///< when its response ended (or began, or started)
        QByteArray method;                 ///< Access-Control-Request-Method
        QList<QByteArray> headerNames;     ///< Access-Control-Request-Headers, as a sorted set
        bool okWithoutCredentials = false; ///< the engine passes it for a request without / with
        bool okWithCredentials = false;    ///< credentials (a preflight never says which)
        qint64 maxAgeSeconds = 0;          ///< effective lifetime under the profile
        QByteArray allowMethods;           ///< Access-Control-Allow-Methods (combined), for the
        QByteArray allowHeaders;           ///< cache match; empty when absent
        bool consumed = false;             ///< already authorized its actual request
    };

    /// What the pairing needs of an actual request.
    struct Actual
    {
        QByteArray origin;
        QByteArray url;
        QByteArray method;
        QList<QByteArray> unsafeHeaderNames; ///< lowercase, sorted
        bool credentials = false;            ///< credentials: 'include' as inferred
        bool needsPreflight = true; ///< false: only a preflight sent anyway (just before) links
        qint64 startedAtMs = 0;
    };

    struct Match
    {
        PairingState state = PairingState::None;
        qsizetype preflightIndex = -1;
    };

    PreflightPairing() = default;
    explicit PreflightPairing(Options options) : m_options(options) {}

    void addPreflight(Preflight preflight);
    /// Links \a actual (see the class comment); a Paired match consumes the preflight.
    Match pair(const Actual &actual, const cors::BrowserProfile &profile);

    const Options &options() const { return m_options; }
    void setOptions(Options options) { m_options = options; }
    /// Preflights remembered (bounded per key, and pruned once they can serve nothing).
    qsizetype size() const { return m_size; }
    void clear();

private:
    /// Origin and URL: shared copies, hashed together (no concatenation per request).
    struct Key
    {
        QByteArray origin;
        QByteArray url;
        bool operator==(const Key &other) const
        {
            return url == other.url && origin == other.origin;
        }
        friend size_t qHash(const Key &k, size_t seed = 0)
        {
            return (fastHash(k.url) * 0x9e3779b97f4a7c15ULL ^ fastHash(k.origin)) ^ seed;
        }
    };
    static Key key(const QByteArray &origin, const QByteArray &url) { return {origin, url}; }
    bool cacheCovers(const Preflight &p, const Actual &a,
                     const cors::BrowserProfile &profile) const;
    void prune();
    using Index = QHash<Key, QList<Preflight>>;
    /// The preflights a request with `Origin: null` after a redirect may pair with.
    Index::iterator findAfterRedirect(const QByteArray &url);

    Options m_options;
    Index m_byKey;
    QHash<QByteArray, QByteArray>
        m_lastOriginByUrl; ///< the Origin of the latest preflight to a URL
    qsizetype m_size = 0;
    qint64 m_latestMs = 0;
    int m_addsSincePrune = 0;
};

} // namespace corslab::session

#include "captured_exchange.h"

namespace corslab::session {

/// When a preflight's answer ended, for pairing and cache lifetimes: the end of the response,
/// else its first byte, else the start.
inline qint64 answeredAtMs(const CapturedExchange &x)
{
    return x.finishedAtMs ? x.finishedAtMs : x.firstByteAtMs ? x.firstByteAtMs : x.startedAtMs;
}

} // namespace corslab::session
