#include "session.h"

#include "base/header_list.h"
#include "cors/cors_error.h"
#include "store_codec.h"

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
    if (m_log)
        m_log->beginBatch(m_store);
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
    qsizetype first = pass.batchBase;
    commit(pass, first + batch.size());
    if (m_log) {
        QList<qsizetype> changed;
        for (auto it = pass.states.cbegin(); it != pass.states.cend(); ++it)
            if (it.key() < pass.batchBase)
                changed.append(it.key());
        m_log->logAppended(m_store, first, batch.size(), changed, pass.moreActuals);
    }
    Q_EMIT exchangesAdded(first, batch.size());
    if (pass.firstOlderChanged >= 0)
        Q_EMIT exchangesChanged(pass.firstOlderChanged, pass.lastOlderChanged);
    if (m_log) {
        const qsizetype drop = m_log->retentionDrop(m_store);
        if (drop > 0) {
            dropOldestLocked(drop);
            first -= drop;
        }
    }
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
            p.index = qsizetype(m_store.seqOf(index)); // a seq: indexes shift when rows drop
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
        PreflightPairing::Match match = m_pairing.pair(a, m_profile);
        if (match.preflightIndex >= 0) // a seq (see addPreflight above); dropped: none
            match.preflightIndex = m_store.indexOfSeq(quint64(match.preflightIndex));
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
            ctx.preflightId = qint64(m_store.seqOf(p)) + 1;
            state.paired = quint32(m_store.seqOf(p) + 1);
            // Link back: the preflight's first actual request is in its record (and tells its
            // credentials mode); later ones in m_moreActuals.
            RowState ps = stateAt(p, pass);
            if (ps.paired == 0) {
                ps.paired = quint32(m_store.seqOf(index) + 1);
                ps.pairing = PairingState::Paired;
                EvaluationContext pctx;
                pctx.actual = &x;
                pctx.actualId = qint64(m_store.seqOf(index)) + 1;
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
                pass.moreActuals.append({m_store.seqOf(p), m_store.seqOf(index)});
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

void Session::commit(Pass &pass, qsizetype published)
{
    QWriteLocker lock(&m_lock);
    for (auto it = pass.states.cbegin(); it != pass.states.cend(); ++it) {
        ExchangeStore::Record &r = m_store.record(it.key());
        const RowState &s = *it;
        r.kind = s.kind;
        m_counts.addEvidence(r.evidence, -1);
        m_counts.addEvidence(s.evidence);
        r.evidence = s.evidence;
        r.flags = s.needsPreflight ? quint8(r.flags | ExchangeStore::NeedsPreflight)
                                   : quint8(r.flags & ~ExchangeStore::NeedsPreflight);
        r.pairing = s.pairing;
        r.paired = s.paired;
        m_counts.add(r.verdict.state, -1);
        m_counts.add(s.verdict.state);
        r.verdict = s.verdict;
    }
    for (const auto &link : pass.moreActuals)
        m_moreActuals[link.first].append(link.second);
    m_published = published;
}

// m_lock held for writing: after m_store was replaced wholesale.
void Session::recountVerdicts()
{
    m_counts = {};
    for (qsizetype i = 0; i < m_store.size(); ++i) {
        m_counts.add(m_store.record(i).verdict.state);
        m_counts.addEvidence(m_store.record(i).evidence);
    }
}

VerdictCounts Session::verdictCounts() const
{
    QReadLocker lock(&m_lock);
    VerdictCounts counts = m_counts;
    counts.total = m_published;
    return counts;
}

qsizetype Session::count() const
{
    QReadLocker lock(&m_lock);
    return m_published;
}

qsizetype Session::indexOfId(qint64 id) const
{
    QReadLocker lock(&m_lock);
    if (id < 1)
        return -1;
    const qsizetype index = m_store.indexOfSeq(quint64(id - 1));
    return index < m_published ? index : -1;
}

ExchangeRow Session::makeRow(qsizetype index) const
{
    const ExchangeStore::Record &r = m_store.record(index);
    ExchangeRow row;
    row.id = qint64(m_store.seqOf(index)) + 1;
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
    row.browserVerdict = r.browserVerdict;
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
        visit({i, m_store.record(i), m_store.url(i), m_store.method(i), m_store.origin(i),
               m_store.seqOf(i)});
}

Session::Span Session::span() const
{
    QReadLocker lock(&m_lock);
    return {m_store.firstSeq(), m_published};
}

void Session::scanSeqs(quint64 first, qsizetype count,
                       const std::function<void(const ExchangeRowView &)> &visit) const
{
    QReadLocker lock(&m_lock);
    const quint64 end = first + quint64(std::max<qsizetype>(count, 0));
    const quint64 held = m_store.firstSeq();
    for (quint64 seq = std::max(first, held); seq < std::min(end, held + quint64(m_published));
         ++seq) {
        const auto i = qsizetype(seq - held);
        visit({i, m_store.record(i), m_store.url(i), m_store.method(i), m_store.origin(i), seq});
    }
}

CapturedExchange Session::exchange(qsizetype index) const
{
    ExchangeStore::DeferredBodies deferred;
    CapturedExchange x;
    {
        QReadLocker lock(&m_lock);
        if (index < 0 || index >= m_published)
            return {};
        x = decodeLocked(index, &deferred);
    }
    loadDeferred(deferred, x);
    return x;
}

// Bodies on disk are read after the lock is released (loadDeferred()): a cold read must not
// hold up append().
CapturedExchange Session::decodeLocked(qsizetype index,
                                       ExchangeStore::DeferredBodies *deferred) const
{
    return m_store.decode(index, true, deferred);
}

void Session::loadDeferred(const ExchangeStore::DeferredBodies &deferred, CapturedExchange &x) const
{
    QString ignored; // an unreadable body stays empty; the detail view says it was not kept
    const QReadLocker sinks(&m_sinkLock);
    m_store.loadBodies(deferred, x, &ignored);
}

ExchangeEvaluation Session::evaluation(qsizetype index) const
{
    CapturedExchange x;
    CapturedExchange other;
    ExchangeStore::Record record;
    ExchangeStore::DeferredBodies deferred;
    QList<quint64> more;
    cors::BrowserProfile profile;
    {
        QReadLocker lock(&m_lock);
        if (index < 0 || index >= m_published)
            return {};
        x = decodeLocked(index, &deferred);
        record = m_store.record(index);
        const qsizetype otherIndex = record.paired ? m_store.indexOfSeq(record.paired - 1) : -1;
        if (otherIndex >= 0)
            other = m_store.decode(otherIndex, false);
        else
            record.paired = 0; // dropped by retention
        more = m_moreActuals.value(m_store.seqOf(index));
        profile = m_profile;
    }
    loadDeferred(deferred, x);
    // Judging happens outside the lock: the copies are ours.
    Classification c = classifyExchange(x, profile);
    EvaluationContext ctx;
    if (c.kind == ExchangeKind::Preflight) {
        if (record.paired) {
            ctx.actual = &other;
            ctx.actualId = record.paired;
        }
        for (quint64 m : more)
            ctx.moreActualIds.append(qint64(m) + 1);
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
    return linkedIdsLocked(index);
}

QList<qint64> Session::linkedIdsLocked(qsizetype index) const
{
    QList<qint64> ids;
    const ExchangeStore::Record &r = m_store.record(index);
    if (r.paired)
        ids.append(r.paired);
    for (quint64 m : m_moreActuals.value(m_store.seqOf(index)))
        ids.append(qint64(m) + 1);
    return ids;
}

QList<QPair<quint64, quint64>> Session::allLinks() const
{
    QList<QPair<quint64, quint64>> links;
    for (auto it = m_moreActuals.cbegin(); it != m_moreActuals.cend(); ++it)
        for (quint64 actual : *it)
            links.append({it.key(), actual});
    return links;
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
    Snapshot s;
    QList<ExchangeStore::DeferredBodies> deferred;
    {
        QReadLocker lock(&m_lock);
        s.generation = m_generation;
        first = std::max<qsizetype>(first, 0);
        const qsizetype end = std::min(m_published, first + std::max<qsizetype>(count, 0));
        for (qsizetype i = first; i < end; ++i) {
            deferred.append(ExchangeStore::DeferredBodies{});
            s.exchanges.append(decodeLocked(i, &deferred.back()));
            s.rows.append(makeRow(i));
            s.links.append(linkedIdsLocked(i));
        }
    }
    for (qsizetype i = 0; i < deferred.size(); ++i)
        loadDeferred(deferred.at(i), s.exchanges[i]);
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
    QList<qsizetype> changed;
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
        commit(pass, n);
        if (m_log)
            for (auto it = pass.states.cbegin(); it != pass.states.cend(); ++it)
                changed.append(it.key());
        const qsizetype low =
            pass.firstOlderChanged >= 0 ? std::min(pass.firstOlderChanged, first) : first;
        Q_EMIT exchangesChanged(low, end - 1);
    }
    if (m_log) {
        std::sort(changed.begin(), changed.end());
        changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
        m_log->logRejudged(m_store, changed, allLinks(), profile.name);
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
    {
        QWriteLocker lock(&m_lock);
        m_store.setBodyCap(bytes);
        m_options.bodyCap = bytes;
    }
    if (m_log)
        m_log->logBodyCap(bytes);
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
        m_counts = {};
        m_moreActuals.clear();
        ++m_generation;
    }
    m_pairing.clear();
    m_memo.clear();
    if (m_log)
        m_log->logCleared();
    Q_EMIT cleared();
}

void Session::dropOldest(qsizetype count)
{
    QMutexLocker writer(&m_writeMutex);
    dropOldestLocked(count);
}

void Session::applyRetention()
{
    QMutexLocker writer(&m_writeMutex);
    if (m_log)
        dropOldestLocked(m_log->retentionDrop(m_store));
}

// m_writeMutex held. Preflights still in the pairing window stay findable by seq: a dropped
// one pairs with nothing (indexOfSeq() gives -1).
void Session::dropOldestLocked(qsizetype count)
{
    {
        QWriteLocker lock(&m_lock);
        count = std::min(count, m_published);
        if (count <= 0)
            return;
        for (qsizetype i = 0; i < count; ++i) {
            m_counts.add(m_store.record(i).verdict.state, -1);
            m_counts.addEvidence(m_store.record(i).evidence, -1);
        }
        m_store.dropFront(count);
        m_published -= count;
        const quint64 firstKept = m_store.firstSeq();
        for (auto it = m_moreActuals.begin(); it != m_moreActuals.end();)
            it = it.key() < firstKept ? m_moreActuals.erase(it) : std::next(it);
    }
    if (m_log)
        m_log->logDropped(m_store.firstSeq());
    Q_EMIT exchangesDropped(count, m_store.firstSeq());
}

void Session::setLog(std::unique_ptr<SessionLog> log)
{
    QMutexLocker writer(&m_writeMutex);
    if (m_log)
        m_log->attachedTo(nullptr);
    // The old log goes last: a body read under way may still use it until the sink changes.
    const std::unique_ptr<SessionLog> old = std::exchange(m_log, std::move(log));
    if (m_log && m_store.size() > 0) {
        moveIntoLog(*m_log); // what is in memory now goes to the log's files
    } else {
        const QWriteLocker sinks(&m_sinkLock);
        QWriteLocker lock(&m_lock);
        m_store.setBodySink(m_log ? m_log->bodySink() : nullptr);
    }
    if (m_log)
        m_log->attachedTo(this);
}

void Session::restore(ExchangeStore &&store, QHash<quint64, QList<quint64>> &&links,
                      const cors::BrowserProfile &profile, qint64 bodyCap,
                      std::unique_ptr<SessionLog> log)
{
    std::unique_ptr<SessionLog> old;
    qsizetype n = 0;
    {
        QMutexLocker writer(&m_writeMutex);
        if (m_log)
            m_log->attachedTo(nullptr);
        old = std::exchange(m_log, std::move(log));
        {
            const QWriteLocker sinks(&m_sinkLock);
            QWriteLocker lock(&m_lock);
            m_store = std::move(store);
            m_store.setBodyCap(bodyCap);
            m_store.setBodySink(m_log ? m_log->bodySink() : nullptr);
            m_options.bodyCap = bodyCap;
            m_published = m_store.size();
            recountVerdicts();
            m_moreActuals = std::move(links);
            m_profile = profile;
            ++m_generation;
            n = m_published;
        }
        m_pairing.clear(); // preflights from before the restart pair with nothing new
        m_memo.clear();
        if (m_log)
            m_log->attachedTo(this);
        Q_EMIT cleared();
        Q_EMIT profileChanged();
        if (n)
            Q_EMIT exchangesAdded(0, n);
    }
}

std::unique_ptr<SessionLog> Session::takeLog()
{
    QMutexLocker writer(&m_writeMutex);
    if (m_log)
        m_log->attachedTo(nullptr);
    const QWriteLocker sinks(&m_sinkLock); // the caller may destroy the log once it has it
    QWriteLocker lock(&m_lock);
    m_store.setBodySink(nullptr);
    return std::move(m_log);
}

void Session::adopt(Session &other)
{
    if (&other == this)
        return;
    qsizetype n = 0;
    {
        QMutexLocker writer(&m_writeMutex);
        QMutexLocker otherWriter(&other.m_writeMutex);
        // A session kept on disk stays on disk: what the other one holds in memory (a file
        // read) is written to this one's log.
        const bool importing = m_log && !other.m_log;
        if (importing)
            other.moveIntoLog(*m_log);
        {
            const QWriteLocker sinks(&m_sinkLock);
            const QWriteLocker otherSinks(&other.m_sinkLock);
            QWriteLocker lock(&m_lock);
            QWriteLocker otherLock(&other.m_lock);
            m_store = std::move(other.m_store);
            other.m_store = ExchangeStore();
            other.m_store.setBodyCap(other.m_options.bodyCap);
            // Otherwise the logs follow their exchanges: the other session keeps this one's old
            // log.
            if (!importing)
                std::swap(m_log, other.m_log);
            m_store.setBodySink(m_log ? m_log->bodySink() : nullptr);
            other.m_store.setBodySink(other.m_log ? other.m_log->bodySink() : nullptr);
            m_published = std::exchange(other.m_published, 0);
            m_counts = std::exchange(other.m_counts, {});
            m_profile = other.m_profile;
            m_options = other.m_options;
            m_moreActuals = std::exchange(other.m_moreActuals, {});
            ++m_generation;
            ++other.m_generation;
            n = m_published;
        }
        m_pairing = std::exchange(other.m_pairing, PreflightPairing(other.m_pairing.options()));
        m_memo = std::exchange(other.m_memo, {});
        if (m_log)
            m_log->attachedTo(this);
        if (other.m_log) {
            other.m_log->attachedTo(&other);
            other.m_log->logCleared();
        }
        Q_EMIT cleared();
        Q_EMIT profileChanged();
        if (n)
            Q_EMIT exchangesAdded(0, n);
    }
    Q_EMIT other.cleared();
}

// Both writer mutexes held. Re-packs every exchange with \a log's body sink (so bodies go to its
// files), keeping the derived fields as judged, and tells the log, which starts over first.
void Session::moveIntoLog(SessionLog &log)
{
    log.logCleared();
    ExchangeStore packed;
    packed.setBodyCap(m_store.bodyCap());
    packed.setBodySink(log.bodySink());
    log.beginBatch(packed);
    for (qsizetype i = 0; i < m_store.size(); ++i) {
        const qsizetype index = packed.add(m_store.decode(i, true));
        store_codec::copyDerived(m_store.record(i), packed.record(index));
    }
    QList<QPair<quint64, quint64>> links = allLinks();
    log.logAppended(packed, 0, packed.size(), {}, links);
    const QWriteLocker sinks(&m_sinkLock);
    QWriteLocker lock(&m_lock);
    m_store = std::move(packed);
}

ExchangeStore::Memory Session::memory() const
{
    QReadLocker lock(&m_lock);
    ExchangeStore::Memory m = m_store.memory();
    m.dictionaries += m_moreActuals.size() * 64;
    return m;
}

} // namespace corslab::session
