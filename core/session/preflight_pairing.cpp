#include "preflight_pairing.h"

#include "cors/preflight_cache.h"

#include <QUrl>
#include <algorithm>

namespace corslab::session {

namespace {
struct StateName
{
    PairingState state;
    const char *name;
};
constexpr StateName kStateNames[] = {
    {PairingState::None, "none"},
    {PairingState::Paired, "paired"},
    {PairingState::CacheHit, "cache-hit"},
    {PairingState::NoPreflightSeen, "no-preflight-seen"},
};

bool covers(const QList<QByteArray> &announced, const QList<QByteArray> &needed)
{
    // Both sorted: one merge pass.
    return std::includes(announced.begin(), announced.end(), needed.begin(), needed.end());
}

// Entries that can no longer serve anything are dropped this long after they expire: captures
// are in order of completion, which may differ from the order of starts by a little.
constexpr qint64 kPruneSlackMs = 60'000;
constexpr qint64 kMaxLifetimeSeconds = 100LL * 365 * 24 * 3600;
} // namespace

QString pairingStateName(PairingState state)
{
    for (const StateName &s : kStateNames) {
        if (s.state == state)
            return QString::fromLatin1(s.name);
    }
    return {};
}

bool pairingStateFromName(const QString &name, PairingState *out)
{
    for (const StateName &s : kStateNames) {
        if (name == QLatin1String(s.name)) {
            *out = s.state;
            return true;
        }
    }
    return false;
}

void PreflightPairing::addPreflight(Preflight preflight)
{
    m_latestMs = std::max(m_latestMs, preflight.answeredAtMs);
    // The spec profile has no cap: keep lifetimes in a range where milliseconds cannot overflow.
    preflight.maxAgeSeconds = std::clamp<qint64>(preflight.maxAgeSeconds, 0, kMaxLifetimeSeconds);
    m_lastOriginByUrl.insert(preflight.url, preflight.origin);
    QList<Preflight> &list = m_byKey[key(preflight.origin, preflight.url)];
    list.append(std::move(preflight));
    ++m_size;
    if (list.size() > m_options.perKey) {
        list.removeFirst();
        --m_size;
    }
    if (++m_addsSincePrune >= 4096)
        prune();
}

PreflightPairing::Match PreflightPairing::pair(const Actual &a, const cors::BrowserProfile &profile)
{
    m_latestMs = std::max(m_latestMs, a.startedAtMs);
    auto it = m_byKey.find(key(a.origin, a.url));
    if (it == m_byKey.end() && a.origin == "null")
        it = findAfterRedirect(a.url);
    if (it == m_byKey.end())
        return {a.needsPreflight ? PairingState::NoPreflightSeen : PairingState::None, -1};
    QList<Preflight> &list = *it;
    // The preflight just before: most recent first, unconsumed, same method, headers covered.
    for (qsizetype i = list.size() - 1; i >= 0; --i) {
        Preflight &p = list[i];
        if (p.consumed || p.startedAtMs > a.startedAtMs ||
            a.startedAtMs - p.answeredAtMs > m_options.windowMs)
            continue;
        if (p.method == a.method && covers(p.headerNames, a.unsafeHeaderNames)) {
            p.consumed = true;
            return {PairingState::Paired, p.index};
        }
    }
    if (!a.needsPreflight)
        return {PairingState::None, -1};
    // No preflight just before: one still in the browser's preflight cache spared it.
    for (qsizetype i = list.size() - 1; i >= 0; --i) {
        const Preflight &p = list.at(i);
        if (p.answeredAtMs <= a.startedAtMs && cacheCovers(p, a, profile))
            return {PairingState::CacheHit, p.index};
    }
    return {PairingState::NoPreflightSeen, -1};
}

PreflightPairing::Index::iterator PreflightPairing::findAfterRedirect(const QByteArray &url)
{
    const auto origin = m_lastOriginByUrl.constFind(url);
    return origin == m_lastOriginByUrl.constEnd() ? m_byKey.end() : m_byKey.find(key(*origin, url));
}

bool PreflightPairing::cacheCovers(const Preflight &p, const Actual &a,
                                   const cors::BrowserProfile &profile) const
{
    if (!(a.credentials ? p.okWithCredentials : p.okWithoutCredentials) || p.maxAgeSeconds <= 0)
        return false;
    if (a.startedAtMs - p.answeredAtMs >= p.maxAgeSeconds * 1000)
        return false;
    // The engine's own cache decides what the entries cover (`*`, credentials, Authorization).
    auto values = [](const QByteArray &raw) {
        return base::extractHeaderListValues({{"v", raw}}, "v");
    };
    const QUrl url(QString::fromLatin1(a.url));
    cors::PreflightCache cache;
    cache.store({p.origin, url, a.credentials, p.maxAgeSeconds, values(p.allowMethods),
                 values(p.allowHeaders)},
                p.answeredAtMs);
    return cache.covers(a.origin, url, a.credentials, a.method, a.unsafeHeaderNames, a.startedAtMs,
                        profile);
}

void PreflightPairing::prune()
{
    m_addsSincePrune = 0;
    for (auto it = m_byKey.begin(); it != m_byKey.end();) {
        QList<Preflight> &list = *it;
        const qsizetype before = list.size();
        list.removeIf([this](const Preflight &p) {
            const qint64 lifetime = std::max(p.maxAgeSeconds * 1000, m_options.windowMs);
            return p.answeredAtMs + lifetime + kPruneSlackMs < m_latestMs;
        });
        m_size -= before - list.size();
        if (list.isEmpty())
            it = m_byKey.erase(it);
        else
            ++it;
    }
    m_lastOriginByUrl.removeIf(
        [this](const auto &entry) { return !m_byKey.contains(key(entry.value(), entry.key())); });
}

void PreflightPairing::clear()
{
    m_byKey.clear();
    m_lastOriginByUrl.clear();
    m_size = 0;
    m_latestMs = 0;
    m_addsSincePrune = 0;
}

} // namespace corslab::session
