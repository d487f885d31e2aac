#include "session_report.h"

#include "cors/browser_profile.h"
#include "cors/explanation.h"
#include "session/session.h"

#include <QHash>
#include <algorithm>
#include <limits>
#include <map>

namespace corslab::report {

namespace {

using session::ExchangeKind;
using session::ExchangeRow;
using session::VerdictState;

constexpr qsizetype kRowChunk = 4096; ///< rows copied per read lock

/// A pair is the same whichever half we meet first: (preflight id, actual id), as
/// buildPairView() puts them together.
struct PairKey
{
    qint64 preflight = 0;
    qint64 actual = 0;
    bool operator==(const PairKey &) const = default;
};

size_t qHash(const PairKey &key, size_t seed = 0)
{
    return qHashMulti(seed, key.preflight, key.actual);
}

PairKey pairKeyOf(const ExchangeRow &row)
{
    if (row.kind == ExchangeKind::Preflight)
        return {row.id, row.pairedId};
    const bool paired = row.pairing == session::PairingState::Paired && row.pairedId > 0;
    return {paired ? row.pairedId : 0, row.id};
}

// The warnings that make an exchange "⚠ warning" in the session: the same rule as the
// evaluator's count (exchange_evaluator.cpp, countWarnings), so the report lists what the table
// flags. Info findings and the advice given for every credentialed response are left out; a
// preflight was judged against a stand-in response, so only what its own answer says counts.
bool countsAsWarning(const cors::Warning &w, bool preflight)
{
    if (w.severity == cors::Severity::Info ||
        w.kind == cors::WarningKind::CredentialedOriginReflection)
        return false;
    if (preflight)
        return w.kind == cors::WarningKind::WildcardAuthorization ||
               w.kind == cors::WarningKind::WildcardIgnoredWithCredentials ||
               w.kind == cors::WarningKind::LocalNetworkAccess;
    return true;
}

QByteArray endpointOf(const QByteArray &url)
{
    qsizetype end = url.size();
    for (char c : {'?', '#'}) {
        const qsizetype at = url.indexOf(c);
        if (at >= 0)
            end = std::min(end, at);
    }
    return url.left(end);
}

QList<ErrorCount> sortedCounts(const QHash<int, qsizetype> &counts)
{
    QList<ErrorCount> out;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        out.append({cors::CorsError(it.key()), it.value()});
    // Most frequent first; the enum's order breaks ties so that the output is deterministic.
    std::sort(out.begin(), out.end(), [](const ErrorCount &a, const ErrorCount &b) {
        return a.exchanges != b.exchanges ? a.exchanges > b.exchanges : a.error < b.error;
    });
    return out;
}

int severityRank(cors::Severity s)
{
    switch (s) {
    case cors::Severity::Security:
        return 2;
    case cors::Severity::Warning:
        return 1;
    case cors::Severity::Info:
        break;
    }
    return 0;
}

/// Everything one pass over the rows collects.
struct Scan
{
    ReportSummary summary;
    QHash<QByteArray, qsizetype> originIndex;
    QHash<int, qsizetype> errors;
    QHash<int, qsizetype> errorsWithCredentials;
    std::map<int, qsizetype> kinds;
    QHash<PairKey, bool> seenPairs;
    QList<BlockedPairEntry> entries;
    QList<ExchangeRow> warned;       ///< rows whose engine warnings are to be listed
    QList<ExchangeRow> credentialed; ///< rows blocked only with credentials
};

void scanRow(const ExchangeRow &row, qsizetype index, Scan &scan)
{
    ReportSummary &s = scan.summary;
    const VerdictState state = row.verdict.state;
    s.verdicts.add(state);
    if (row.failed)
        ++s.failed;
    if (row.startedAtMs > 0 && (s.firstStartedAtMs == 0 || row.startedAtMs < s.firstStartedAtMs))
        s.firstStartedAtMs = row.startedAtMs;
    if (row.durationMs >= 0)
        s.lastFinishedAtMs = std::max(s.lastFinishedAtMs, row.startedAtMs + row.durationMs);
    auto origin = scan.originIndex.constFind(row.origin);
    if (origin == scan.originIndex.cend()) {
        origin = scan.originIndex.insert(row.origin, s.origins.size());
        s.origins.append({row.origin, {}});
    }
    s.origins[origin.value()].verdicts.add(state);
    ++scan.kinds[int(row.kind)];

    if (row.verdict.warnings > 0)
        scan.warned.append(row);
    if (state == VerdictState::Warning &&
        (row.verdict.assumptions & session::Assumption::ErrorWithCredentials) &&
        row.verdict.error) {
        ++scan.errorsWithCredentials[row.verdict.error];
        scan.credentialed.append(row);
    }
    if (state != VerdictState::Blocked)
        return;
    ++scan.errors[row.verdict.error];
    const PairKey key = pairKeyOf(row);
    if (scan.seenPairs.contains(key))
        return;
    scan.seenPairs.insert(key, true);
    BlockedPairEntry e;
    e.index = index;
    e.id = row.id;
    e.preflightId = key.preflight;
    e.actualId = key.actual;
    e.kind = row.kind;
    e.method = row.method;
    e.url = row.url;
    e.origin = row.origin;
    e.status = row.status;
    e.error = row.verdict.corsError();
    scan.entries.append(e);
}

QList<BlockedEndpoint> endpointsOf(const QList<BlockedPairEntry> &entries)
{
    QHash<QByteArray, qsizetype> at;
    QList<BlockedEndpoint> out;
    for (const BlockedPairEntry &e : entries) {
        const QByteArray endpoint = endpointOf(e.url);
        const QByteArray key =
            e.origin + '\n' + e.method + '\n' + endpoint + '\n' + QByteArray::number(int(e.error));
        auto it = at.constFind(key);
        if (it == at.cend()) {
            it = at.insert(key, out.size());
            out.append({e.origin, e.method, endpoint, e.error, 0, e.id});
        }
        ++out[it.value()].pairs;
    }
    std::stable_sort(
        out.begin(), out.end(),
        [](const BlockedEndpoint &a, const BlockedEndpoint &b) { return a.pairs > b.pairs; });
    return out;
}

/// Collects warning groups keyed by name, then orders them.
class WarningCollector
{
public:
    explicit WarningCollector(qsizetype cap) : m_cap(cap) {}

    void add(std::optional<cors::WarningKind> kind, cors::Severity severity, const ExchangeRow &row,
             const QString &text)
    {
        const QString name =
            kind ? warningKindName(*kind) : QStringLiteral("blocked-with-credentials");
        auto it = m_index.constFind(name);
        if (it == m_index.cend()) {
            WarningGroup g;
            g.kind = kind;
            g.name = name;
            g.title = kind ? warningKindTitle(*kind)
                           : QStringLiteral("Exposed as sent, blocked if the page sends "
                                            "credentials");
            g.severity = severity;
            it = m_index.insert(name, m_groups.size());
            m_groups.append(g);
        }
        WarningGroup &g = m_groups[it.value()];
        if (severityRank(severity) > severityRank(g.severity))
            g.severity = severity;
        // One exchange may raise the same kind twice (two hidden-header findings): count it once.
        if (m_lastId.value(name) == row.id)
            return;
        m_lastId.insert(name, row.id);
        ++g.exchanges;
        if (g.occurrences.size() < m_cap)
            g.occurrences.append({row.id, row.method, row.url, text});
    }

    QList<WarningGroup> take()
    {
        std::stable_sort(m_groups.begin(), m_groups.end(),
                         [](const WarningGroup &a, const WarningGroup &b) {
                             if (severityRank(a.severity) != severityRank(b.severity))
                                 return severityRank(a.severity) > severityRank(b.severity);
                             return a.exchanges > b.exchanges;
                         });
        return std::move(m_groups);
    }

private:
    qsizetype m_cap;
    QList<WarningGroup> m_groups;
    QHash<QString, qsizetype> m_index;
    QHash<QString, qint64> m_lastId;
};

} // namespace

void VerdictCounts::add(session::VerdictState state)
{
    switch (state) {
    case VerdictState::Exposed:
        ++exposed;
        break;
    case VerdictState::Warning:
        ++warning;
        break;
    case VerdictState::Blocked:
        ++blocked;
        break;
    case VerdictState::Unknown:
        ++unknown;
        break;
    case VerdictState::NotApplicable:
        ++notApplicable;
        break;
    }
}

ReportStatus buildSessionReport(const session::Session &session, SessionReport *out,
                                const ReportOptions &options, const ReportProgress &progress)
{
    const quint64 generation = session.generation();
    const qsizetype count = session.count();
    const cors::BrowserProfile profile = session.profile();
    qsizetype total = count;
    qsizetype done = 0;
    auto tick = [&]() { return !progress || progress(done, total); };
    auto cleared = [&]() { return session.generation() != generation; };
    if (!tick())
        return ReportStatus::Cancelled;

    Scan scan;
    for (qsizetype first = 0; first < count; first += kRowChunk) {
        const QList<ExchangeRow> rows = session.rows(first, std::min(kRowChunk, count - first));
        if (cleared() || rows.size() != std::min(kRowChunk, count - first))
            return ReportStatus::SessionCleared;
        for (qsizetype i = 0; i < rows.size(); ++i)
            scanRow(rows.at(i), first + i, scan);
        done += rows.size();
        if (!tick())
            return ReportStatus::Cancelled;
    }

    SessionReport r;
    r.generatedBy = options.generatedBy;
    r.generatedAt = QDateTime::currentDateTimeUtc();
    r.summary = std::move(scan.summary);
    r.summary.exchanges = count;
    r.summary.profile = profile.name;
    r.summary.profileDisplayName = profile.displayName;
    r.summary.errors = sortedCounts(scan.errors);
    r.summary.errorsWithCredentials = sortedCounts(scan.errorsWithCredentials);
    for (const auto &[kind, n] : scan.kinds)
        r.summary.kinds.append({ExchangeKind(kind), n});
    r.summary.blockedPairs = scan.entries.size();
    r.blockedEndpoints = endpointsOf(scan.entries);

    const qsizetype fullPairs =
        std::min(std::max<qsizetype>(options.maxFullPairs, 0), scan.entries.size());
    total += fullPairs + scan.warned.size();
    if (!tick())
        return ReportStatus::Cancelled;

    for (qsizetype i = 0; i < fullPairs; ++i) {
        r.blockedPairs.append(buildPairView(session, scan.entries.at(i).index));
        ++done;
        if (cleared())
            return ReportStatus::SessionCleared;
        if (!tick())
            return ReportStatus::Cancelled;
    }
    r.blockedPairEntries = std::move(scan.entries);

    WarningCollector warnings(std::max<qsizetype>(options.maxWarningOccurrences, 0));
    // Exchanges (few, and most already shown in full) in id order: occurrences stay sorted.
    qsizetype credentialed = 0;
    auto addCredentialedUpTo = [&](qint64 id) {
        for (;
             credentialed < scan.credentialed.size() && scan.credentialed.at(credentialed).id <= id;
             ++credentialed) {
            const ExchangeRow &row = scan.credentialed.at(credentialed);
            warnings.add(std::nullopt, cors::Severity::Warning, row,
                         QStringLiteral("Exposed as sent; with credentials: 'include' the browser "
                                        "would block it: %1.")
                             .arg(row.errorName()));
        }
    };
    for (const ExchangeRow &row : std::as_const(scan.warned)) {
        addCredentialedUpTo(row.id - 1);
        const session::ExchangeEvaluation ev = session.evaluation(session.indexOfId(row.id));
        if (cleared())
            return ReportStatus::SessionCleared;
        if (ev.verdict) {
            const bool preflight = row.kind == ExchangeKind::Preflight;
            for (const cors::Warning &w : ev.verdict->warnings) {
                if (countsAsWarning(w, preflight))
                    warnings.add(w.kind, w.severity, row, cors::explainWarning(w, profile));
            }
        }
        ++done;
        if ((done & 63) == 0 && !tick())
            return ReportStatus::Cancelled;
    }
    addCredentialedUpTo(std::numeric_limits<qint64>::max());
    r.warnings = warnings.take();
    if (!tick())
        return ReportStatus::Cancelled;
    *out = std::move(r);
    return ReportStatus::Complete;
}

QString warningKindName(cors::WarningKind kind)
{
    using K = cors::WarningKind;
    switch (kind) {
    case K::EchoedOriginWithoutVary:
        return QStringLiteral("echoed-origin-without-vary");
    case K::WildcardWithCookies:
        return QStringLiteral("wildcard-with-cookies");
    case K::MaxAgeAboveCap:
        return QStringLiteral("max-age-above-cap");
    case K::CredentialedOriginReflection:
        return QStringLiteral("credentialed-origin-reflection");
    case K::NullOriginAllowed:
        return QStringLiteral("null-origin-allowed");
    case K::WildcardAuthorization:
        return QStringLiteral("wildcard-authorization");
    case K::WildcardIgnoredWithCredentials:
        return QStringLiteral("wildcard-ignored-with-credentials");
    case K::HiddenResponseHeaders:
        return QStringLiteral("hidden-response-headers");
    case K::ForbiddenHeadersDropped:
        return QStringLiteral("forbidden-headers-dropped");
    case K::LocalNetworkAccess:
        return QStringLiteral("local-network-access");
    case K::ThirdPartyCookies:
        return QStringLiteral("third-party-cookies");
    }
    return QStringLiteral("unknown");
}

QString warningKindTitle(cors::WarningKind kind)
{
    using K = cors::WarningKind;
    switch (kind) {
    case K::EchoedOriginWithoutVary:
        return QStringLiteral("Access-Control-Allow-Origin names one origin, without Vary: Origin");
    case K::WildcardWithCookies:
        return QStringLiteral("Access-Control-Allow-Origin: * on a response with cookies or "
                              "credentials");
    case K::MaxAgeAboveCap:
        return QStringLiteral("Access-Control-Max-Age above the browser's cap");
    case K::CredentialedOriginReflection:
        return QStringLiteral("Credentials allowed for a named origin: check the allowlist");
    case K::NullOriginAllowed:
        return QStringLiteral("Access-Control-Allow-Origin: null");
    case K::WildcardAuthorization:
        return QStringLiteral("Authorization allowed only by Access-Control-Allow-Headers: *");
    case K::WildcardIgnoredWithCredentials:
        return QStringLiteral("'*' is a literal name, not a wildcard, with credentials");
    case K::HiddenResponseHeaders:
        return QStringLiteral("Response headers hidden from JavaScript");
    case K::ForbiddenHeadersDropped:
        return QStringLiteral("Forbidden request headers dropped by the browser");
    case K::LocalNetworkAccess:
        return QStringLiteral("Local Network Access permission prompt");
    case K::ThirdPartyCookies:
        return QStringLiteral("Third-party cookies may be blocked");
    }
    return QStringLiteral("Warning");
}

QString severityName(cors::Severity severity)
{
    switch (severity) {
    case cors::Severity::Security:
        return QStringLiteral("security");
    case cors::Severity::Info:
        return QStringLiteral("info");
    case cors::Severity::Warning:
        break;
    }
    return QStringLiteral("warning");
}

} // namespace corslab::report
