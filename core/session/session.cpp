#include "session.h"

#include "base/header_list.h"
#include "cors/cors_error.h"

#include <QMutexLocker>
#include <QReadLocker>
#include <QWriteLocker>

namespace corslab::session {

namespace {
// Distinct judgements remembered; a busy app repeats a few hundred, so this rarely fills.
constexpr qsizetype kMemoCapacity = 1 << 16;
// Rows re-judged per chunk by setProfile(): the write lock is released between chunks.
constexpr qsizetype kRejudgeChunk = 8192;
} // namespace

QString ExchangeRow::errorName() const
{
    return verdict.error ? cors::corsErrorName(verdict.corsError()) : QString();
}

Session::Session(QObject *parent) : Session(Options{}, parent)
{
}

Session::Session(Options options, QObject *parent)
    : QObject(parent), m_options(options),
      m_profile(cors::BrowserProfile::get(cors::Browser::Chromium)),
      m_pairing({options.pairingWindowMs, 8})
{
    m_store.setBodyCap(options.bodyCap);
}

Session::~Session() = default;

qsizetype Session::append(const QList<CapturedExchange> &batch)
{
    if (batch.isEmpty())
        return -1;
    QMutexLocker writer(&m_writeMutex);
    Pass pass;
    {
        // Packing touches the dictionaries readers decode with: under the write lock. The new
        // rows stay invisible (m_published) until judged.
        QWriteLocker lock(&m_lock);
        pass.batchBase = m_store.size();
        for (const CapturedExchange &x : batch)
            m_store.add(x);
    }
    pass.batch = &batch;
    for (qsizetype i = 0; i < batch.size(); ++i)
        process(pass.batchBase + i, batch.at(i), pass);
    commit(pass);
    const qsizetype first = pass.batchBase;
    {
        QWriteLocker lock(&m_lock);
        m_published = first + batch.size();
    }
    Q_EMIT exchangesAdded(first, batch.size());
    if (pass.firstOlderChanged >= 0)
        Q_EMIT exchangesChanged(pass.firstOlderChanged, pass.lastOlderChanged);
    return first;
}

// Classify, pair, judge one exchange; results go to pass.states (applied by commit()).
void Session::process(qsizetype index, const CapturedExchange &x, Pass &pass)
{
    const Classification c = classifyExchange(x, m_profile);
    RowState state;
    state.kind = c.kind;
    state.evidence = c.evidence;
    state.needsPreflight = c.needsPreflight;
    EvaluationContext ctx;
    if (c.kind == ExchangeKind::Preflight) {
        if (!pass.batch) // re-judging: decoded from the store, kept for the requests after it
            pass.preflights.insert(index, {x, c});
        const Judged j = judge(x, c, ctx);
        state.verdict = j.summary;
        if (x.status != 0) { // an unanswered preflight authorizes nothing
            PreflightPairing::Preflight p;
            p.index = index;
            p.origin = c.origin;
            p.url = x.url;
            p.startedAtMs = x.startedAtMs;
            p.answeredAtMs = answeredAtMs(x);
            p.method = c.requestedMethod;
            p.headerNames = c.requestedHeaders;
            p.okWithoutCredentials = j.okWithoutCredentials;
            p.okWithCredentials = j.okWithCredentials;
            p.maxAgeSeconds = j.maxAgeSeconds;
            p.allowMethods = base::getHeader(x.responseHeaders, "access-control-allow-methods")
                                 .value_or(QByteArray());
            p.allowHeaders = base::getHeader(x.responseHeaders, "access-control-allow-headers")
                                 .value_or(QByteArray());
            m_pairing.addPreflight(std::move(p));
        }
    } else if (isCorsKind(c.kind)) {
        PreflightPairing::Actual a;
        a.origin = c.origin;
        a.url = x.url;
        a.method = x.method;
        a.unsafeHeaderNames = c.unsafeHeaderNames;
        a.credentials = inferCredentials(x, nullptr).include;
        a.needsPreflight = c.needsPreflight;
        a.startedAtMs = x.startedAtMs;
        const PreflightPairing::Match match = m_pairing.pair(a, m_profile);
        state.pairing = match.state;
        if (match.state == PairingState::CacheHit)
            state.kind = ExchangeKind::PreflightCachedActual;
        ctx.pairing = match.state;
        CapturedExchange decoded;
        const CapturedExchange *preflight = nullptr;
        std::optional<Classification> preflightClass;
        if (match.preflightIndex >= 0) {
            const qsizetype p = match.preflightIndex;
            const auto known = pass.preflights.constFind(p);
            if (known != pass.preflights.constEnd()) {
                preflight = &known->first;
                preflightClass = known->second;
            } else if (pass.batch && p >= pass.batchBase) {
                preflight = &pass.batch->at(p - pass.batchBase); // appended with this one
            } else {
                // Only this writer modifies the store, so reading it needs no lock.
                decoded = m_store.decode(p, false);
                preflight = &decoded;
            }
            ctx.preflight = preflight;
            ctx.preflightId = p + 1;
            state.paired = quint32(p + 1);
            // Link back: the preflight's first actual request is in its record (and tells its
            // credentials mode); later ones in m_moreActuals.
            RowState ps = stateAt(p, pass);
            if (ps.paired == 0) {
                ps.paired = quint32(index + 1);
                ps.pairing = PairingState::Paired;
                EvaluationContext pctx;
                pctx.actual = &x;
                pctx.actualId = index + 1;
                if (!preflightClass)
                    preflightClass = classifyExchange(*preflight, m_profile);
                ps.verdict = judge(*preflight, *preflightClass, pctx).summary;
                pass.states.insert(p, ps);
                if (p < pass.batchBase || !pass.batch) {
                    pass.firstOlderChanged =
                        pass.firstOlderChanged < 0 ? p : std::min(pass.firstOlderChanged, p);
                    pass.lastOlderChanged = std::max(pass.lastOlderChanged, p);
                }
            } else {
                pass.moreActuals.append({p, index});
            }
        }
        state.verdict = judge(x, c, ctx).summary;
    } else {
        state.verdict = {};
    }
    pass.states.insert(index, state);
}

Session::Judged Session::judge(const CapturedExchange &x, const Classification &c,
                               const EvaluationContext &ctx)
{
    const quint64 key = evaluationKey(x, c, ctx);
    const auto it = m_memo.constFind(key);
    if (it != m_memo.constEnd())
        return *it;
    const ExchangeEvaluation e = evaluateExchange(x, c, ctx, m_profile, false);
    Judged j{e.summary, e.summaryIfCredentialed, e.preflightOkWithoutCredentials,
             e.preflightOkWithCredentials, e.preflightMaxAgeSeconds};
    if (m_memo.size() >= kMemoCapacity)
        m_memo.clear(); // bounded and simple: what repeats comes back at once
    m_memo.insert(key, j);
    return j;
}

Session::RowState Session::stateAt(qsizetype index, const Pass &pass) const
{
    const auto it = pass.states.constFind(index);
    if (it != pass.states.constEnd())
        return *it;
    const ExchangeStore::Record &r = m_store.record(index);
    RowState s;
    s.kind = r.kind;
    s.evidence = r.evidence;
    s.needsPreflight = r.flags & ExchangeStore::NeedsPreflight;
    s.pairing = r.pairing;
    s.paired = r.paired;
    s.verdict = r.verdict;
    return s;
}

void Session::commit(Pass &pass)
{
    QWriteLocker lock(&m_lock);
    for (auto it = pass.states.cbegin(); it != pass.states.cend(); ++it) {
        ExchangeStore::Record &r = m_store.record(it.key());
        const RowState &s = *it;
        r.kind = s.kind;
        r.evidence = s.evidence;
        r.flags = s.needsPreflight ? quint8(r.flags | ExchangeStore::NeedsPreflight)
                                   : quint8(r.flags & ~ExchangeStore::NeedsPreflight);
        r.pairing = s.pairing;
        r.paired = s.paired;
        r.verdict = s.verdict;
    }
    for (const auto &link : pass.moreActuals)
        m_moreActuals[link.first].append(link.second);
}

qsizetype Session::count() const
{
    QReadLocker lock(&m_lock);
    return m_published;
}

qsizetype Session::indexOfId(qint64 id) const
{
    QReadLocker lock(&m_lock);
    return id >= 1 && id <= m_published ? qsizetype(id - 1) : -1;
}

ExchangeRow Session::makeRow(qsizetype index) const
{
    const ExchangeStore::Record &r = m_store.record(index);
    ExchangeRow row;
    row.id = index + 1;
    row.kind = r.kind;
    row.method = m_store.method(index);
    row.url = m_store.url(index).toByteArray();
    row.origin = m_store.origin(index);
    row.status = r.status;
    row.verdict = r.verdict;
    row.startedAtMs = r.startedAtMs;
    row.durationMs = r.finishedAtMs ? r.finishedAtMs - r.startedAtMs : -1;
    row.pairing = r.pairing;
    row.pairedId = r.paired;
    row.failed = r.flags & ExchangeStore::Failed;
    row.overridden = r.flags & ExchangeStore::Overridden;
    row.tunnel = r.flags & ExchangeStore::IsTunnel;
    return row;
}

ExchangeRow Session::row(qsizetype index) const
{
    QReadLocker lock(&m_lock);
    if (index < 0 || index >= m_published)
        return {};
    return makeRow(index);
}

QList<ExchangeRow> Session::rows(qsizetype first, qsizetype count) const
{
    QReadLocker lock(&m_lock);
    QList<ExchangeRow> out;
    first = std::max<qsizetype>(first, 0);
    const qsizetype end = std::min(m_published, first + std::max<qsizetype>(count, 0));
    out.reserve(std::max<qsizetype>(end - first, 0));
    for (qsizetype i = first; i < end; ++i)
        out.append(makeRow(i));
    return out;
}

void Session::scanRows(qsizetype first, qsizetype count,
                       const std::function<void(const ExchangeRowView &)> &visit) const
{
    QReadLocker lock(&m_lock);
    first = std::max<qsizetype>(first, 0);
    const qsizetype end = std::min(m_published, first + std::max<qsizetype>(count, 0));
    for (qsizetype i = first; i < end; ++i)
        visit({i, m_store.record(i), m_store.url(i), m_store.method(i), m_store.origin(i)});
}

CapturedExchange Session::exchange(qsizetype index) const
{
    QReadLocker lock(&m_lock);
    if (index < 0 || index >= m_published)
        return {};
    return m_store.decode(index, true);
}

ExchangeEvaluation Session::evaluation(qsizetype index) const
{
    CapturedExchange x;
    CapturedExchange other;
    ExchangeStore::Record record;
    QList<qsizetype> more;
    cors::BrowserProfile profile;
    {
        QReadLocker lock(&m_lock);
        if (index < 0 || index >= m_published)
            return {};
        x = m_store.decode(index, true);
        record = m_store.record(index);
        if (record.paired)
            other = m_store.decode(record.paired - 1, false);
        more = m_moreActuals.value(index);
        profile = m_profile;
    }
    // Judging happens outside the lock: the copies are ours.
    Classification c = classifyExchange(x, profile);
    EvaluationContext ctx;
    if (c.kind == ExchangeKind::Preflight) {
        if (record.paired) {
            ctx.actual = &other;
            ctx.actualId = record.paired;
        }
        for (qsizetype m : more)
            ctx.moreActualIds.append(m + 1);
    } else {
        ctx.pairing = record.pairing;
        if (record.paired) {
            ctx.preflight = &other;
            ctx.preflightId = record.paired;
        }
    }
    c.kind = record.kind; // the pairing refines the kind (a cache hit)
    return evaluateExchange(x, c, ctx, profile, true);
}

QList<qint64> Session::linkedIds(qsizetype index) const
{
    QReadLocker lock(&m_lock);
    if (index < 0 || index >= m_published)
        return {};
    QList<qint64> ids;
    const ExchangeStore::Record &r = m_store.record(index);
    if (r.paired)
        ids.append(r.paired);
    for (qsizetype m : m_moreActuals.value(index))
        ids.append(m + 1);
    return ids;
}

QList<QByteArray> Session::origins() const
{
    QReadLocker lock(&m_lock);
    QList<QByteArray> out;
    for (quint32 id : m_store.origins())
        out.append(m_store.strings().value(id));
    return out;
}

Session::Snapshot Session::snapshot(qsizetype first, qsizetype count) const
{
    QReadLocker lock(&m_lock);
    Snapshot s;
    s.generation = m_generation;
    first = std::max<qsizetype>(first, 0);
    const qsizetype end = std::min(m_published, first + std::max<qsizetype>(count, 0));
    for (qsizetype i = first; i < end; ++i) {
        s.exchanges.append(m_store.decode(i, true));
        s.rows.append(makeRow(i));
        QList<qint64> ids;
        const ExchangeStore::Record &r = m_store.record(i);
        if (r.paired)
            ids.append(r.paired);
        for (qsizetype m : m_moreActuals.value(i))
            ids.append(m + 1);
        s.links.append(ids);
    }
    return s;
}

quint64 Session::generation() const
{
    QReadLocker lock(&m_lock);
    return m_generation;
}

cors::BrowserProfile Session::profile() const
{
    QReadLocker lock(&m_lock);
    return m_profile;
}

void Session::setProfile(const cors::BrowserProfile &profile)
{
    QMutexLocker writer(&m_writeMutex);
    qsizetype n = 0;
    {
        QWriteLocker lock(&m_lock);
        m_profile = profile;
        m_moreActuals.clear();
        n = m_published;
    }
    m_pairing.clear();
    m_memo.clear();
    // In id order, as append() did: pairing depends on what came before.
    for (qsizetype first = 0; first < n; first += kRejudgeChunk) {
        const qsizetype end = std::min(n, first + kRejudgeChunk);
        Pass pass;
        pass.batchBase = n; // no batch: every exchange is decoded from the store
        for (qsizetype i = first; i < end; ++i) {
            // Same-origin, no-cors, navigations and tunnels do not depend on the browser: their
            // kind needs no preflight rule and CORS does not judge them.
            if (!isCorsKind(m_store.record(i).kind))
                continue;
            process(i, m_store.decode(i, false), pass);
        }
        commit(pass);
        const qsizetype low =
            pass.firstOlderChanged >= 0 ? std::min(pass.firstOlderChanged, first) : first;
        Q_EMIT exchangesChanged(low, end - 1);
    }
    Q_EMIT profileChanged();
}

qint64 Session::bodyCap() const
{
    QReadLocker lock(&m_lock);
    return m_store.bodyCap();
}

void Session::setBodyCap(qint64 bytes)
{
    QMutexLocker writer(&m_writeMutex);
    QWriteLocker lock(&m_lock);
    m_store.setBodyCap(bytes);
    m_options.bodyCap = bytes;
}

Session::Options Session::options() const
{
    QReadLocker lock(&m_lock);
    return m_options;
}

void Session::clear()
{
    QMutexLocker writer(&m_writeMutex);
    {
        QWriteLocker lock(&m_lock);
        m_store.clear();
        m_published = 0;
        m_moreActuals.clear();
        ++m_generation;
    }
    m_pairing.clear();
    m_memo.clear();
    Q_EMIT cleared();
}

void Session::adopt(Session &other)
{
    if (&other == this)
        return;
    qsizetype n = 0;
    {
        QMutexLocker writer(&m_writeMutex);
        QMutexLocker otherWriter(&other.m_writeMutex);
        {
            QWriteLocker lock(&m_lock);
            QWriteLocker otherLock(&other.m_lock);
            m_store = std::move(other.m_store);
            other.m_store = ExchangeStore();
            other.m_store.setBodyCap(other.m_options.bodyCap);
            m_published = std::exchange(other.m_published, 0);
            m_profile = other.m_profile;
            m_options = other.m_options;
            m_moreActuals = std::exchange(other.m_moreActuals, {});
            ++m_generation;
            ++other.m_generation;
            n = m_published;
        }
        m_pairing = std::exchange(other.m_pairing, PreflightPairing(other.m_pairing.options()));
        m_memo = std::exchange(other.m_memo, {});
        Q_EMIT cleared();
        Q_EMIT profileChanged();
        if (n)
            Q_EMIT exchangesAdded(0, n);
    }
    Q_EMIT other.cleared();
}

ExchangeStore::Memory Session::memory() const
{
    QReadLocker lock(&m_lock);
    ExchangeStore::Memory m = m_store.memory();
    m.dictionaries += m_moreActuals.size() * 64;
    return m;
}

} // namespace corslab::session
