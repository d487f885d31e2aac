#pragma once

#include "browser_verdict.h"
#include "captured_exchange.h"
#include "cors/browser_profile.h"
#include "exchange_evaluator.h"
#include "exchange_store.h"
#include "preflight_pairing.h"
#include "session_log.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QReadWriteLock>
#include <functional>
#include <memory>

namespace corslab::session {

/// \brief One row of the exchange table: what a QAbstractTableModel shows, filters and sorts on.
/// Cheap to make: nothing is decoded but the URL.
struct ExchangeRow
{
    qint64 id = 0; ///< 1, 2, 3... in capture order (seq + 1): stays when older rows are dropped
    ExchangeKind kind = ExchangeKind::NoCors;
    QByteArray method;
    QByteArray url;
    QByteArray origin; ///< the Origin header, empty when none was sent
    int status = 0;    ///< 0: no response
    VerdictSummary verdict;
    qint64 startedAtMs = 0;
    qint64 durationMs = -1; ///< from start to the end of the response; -1 while unknown
    PairingState pairing = PairingState::None;
    qint64 pairedId = 0; ///< actual: its preflight; preflight: its first actual request; 0: none
    bool failed = false;
    bool overridden = false;
    bool tunnel = false;
    quint8 browserVerdict = 0; ///< the browser's own verdict (browser_verdict::code()), 0: none

    /// How the browser's own verdict compares with the engine's.
    BrowserAgreement browserAgreement() const
    {
        return session::browserAgreement(verdict, browserVerdict);
    }
    /// The CorsError name of the verdict ("AllowOriginMismatch"), empty when there is none.
    QString errorName() const;
};

/// A row as views into the session's storage, valid only inside Session::scanRows()'s callback:
/// filters over a million rows read these without copying anything.
struct ExchangeRowView
{
    qsizetype index;
    const ExchangeStore::Record &record;
    QByteArrayView url;
    const QByteArray &method;
    const QByteArray &origin;
    quint64 seq = 0; ///< the exchange's capture number: id - 1, stable when older rows are dropped
};

/// How many exchanges a session holds and, of them, how many are blocked or have warnings, and
/// how many are the browser's own background traffic (which the exchange list hides by default).
struct VerdictCounts
{
    qsizetype total = 0;
    qsizetype blocked = 0;
    qsizetype warnings = 0;
    qsizetype background = 0; ///< marked Evidence::BrowserBackground
    /// Counts \a n more rows judged \a state (a negative \a n takes them out).
    void add(VerdictState state, qsizetype n = 1)
    {
        blocked += state == VerdictState::Blocked ? n : 0;
        warnings += state == VerdictState::Warning ? n : 0;
    }
    /// Counts \a n more rows classified with \a evidence (a negative \a n takes them out).
    void addEvidence(quint16 evidence, qsizetype n = 1)
    {
        background += evidence & Evidence::BrowserBackground ? n : 0;
    }
    friend bool operator==(const VerdictCounts &, const VerdictCounts &) = default;
};

/// \brief The capture session: every exchange the proxy saw, classified, paired with its
/// preflight and judged by the CORS engine, in a thread-safe store.
///
/// The proxy's network thread calls append() with batches; the GUI reads rows by index and is
/// told about new and changed rows by signals (emitted on the appending thread: connect with
/// Qt::QueuedConnection or AutoConnection from another thread). Memory per exchange is a
/// fixed-size record plus its packed headers and URL (ExchangeStore); bodies are stored apart
/// and capped. Only a compact VerdictSummary is kept; evaluation() recomputes the full verdict,
/// explanation input and notes on demand (the engine takes microseconds).
///
/// Locking: readers take a read lock for the few microseconds of a copy; append(), clear() and
/// setProfile() are serialized by a second mutex and take the write lock only to publish, so
/// judging a batch never blocks the GUI. Slots connected directly to the signals must not call
/// append(), clear() or setProfile() (the signals are emitted with that mutex held, which keeps
/// them in order).
class Session : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        qint64 bodyCap = 64 * 1024;    ///< bytes of each body kept; the rest is only counted
        qint64 pairingWindowMs = 5000; ///< how long before its actual request a preflight may end
    };

    explicit Session(QObject *parent = nullptr);
    explicit Session(Options options, QObject *parent = nullptr);
    ~Session() override;

    /// Adds \a batch in order, with ids count()+1, count()+2...: classifies, pairs, judges,
    /// stores. Thread-safe. Emits exchangesAdded() and, when older rows were linked to the new
    /// ones, exchangesChanged(). Returns the index of the batch's first exchange (another
    /// thread may append at the same time: count() before the call does not tell), -1 for an
    /// empty batch.
    qsizetype append(const QList<CapturedExchange> &batch);

    qsizetype count() const;
    /// The rows and their verdicts counted, kept up to date as rows are judged, re-judged and
    /// dropped: reading them costs nothing whatever the session's size (the status bar's line).
    VerdictCounts verdictCounts() const;
    /// Index of the exchange with id \a id, -1 when there is none.
    qsizetype indexOfId(qint64 id) const;
    ExchangeRow row(qsizetype index) const;
    /// Rows [first, first + count) under one lock (clipped to what exists).
    QList<ExchangeRow> rows(qsizetype first, qsizetype count) const;
    /// Calls \a visit for rows [first, first + count) under one read lock, without copying.
    void scanRows(qsizetype first, qsizetype count,
                  const std::function<void(const ExchangeRowView &)> &visit) const;
    /// What the session holds, read together: the seqs [firstSeq, firstSeq + count). Indexes
    /// shift when the oldest exchanges are dropped (retention); seqs do not.
    struct Span
    {
        quint64 firstSeq = 0;
        qsizetype count = 0;
    };
    Span span() const;
    /// scanRows() by seq: the exchanges of seqs [first, first + count) still held.
    void scanSeqs(quint64 first, qsizetype count,
                  const std::function<void(const ExchangeRowView &)> &visit) const;
    /// The exchange as captured, bodies included (up to the body cap). Index out of range: an
    /// empty exchange.
    CapturedExchange exchange(qsizetype index) const;
    /// The full judgement of exchange \a index under the current profile: scenario, verdict(s),
    /// notes. Its summary equals row(index).verdict.
    ExchangeEvaluation evaluation(qsizetype index) const;
    /// Ids linked to exchange \a index: an actual request's preflight, or every actual request
    /// a preflight authorized or served from its cache.
    QList<qint64> linkedIds(qsizetype index) const;
    /// The distinct Origin headers seen, in order of first appearance.
    QList<QByteArray> origins() const;

    /// One consistent piece of the session, for writers (the session file).
    struct Snapshot
    {
        quint64 generation = 0;
        QList<CapturedExchange> exchanges;
        QList<ExchangeRow> rows;
        QList<QList<qint64>> links; ///< linkedIds() of each row
    };
    Snapshot snapshot(qsizetype first, qsizetype count) const;
    /// Changes whenever clear() runs: a writer copying in pieces can tell its copy went stale.
    quint64 generation() const;

    cors::BrowserProfile profile() const;
    /// Re-judges every exchange under \a profile (pairing too: cache lifetimes differ per
    /// browser), chunk by chunk, emitting exchangesChanged() per chunk and profileChanged() at the
    /// end. Synchronous; append() waits meanwhile.
    void setProfile(const cors::BrowserProfile &profile);

    qint64 bodyCap() const;
    /// Applies to exchanges appended from now on.
    void setBodyCap(qint64 bytes);
    Options options() const;

    /// Drops every exchange; ids start again at 1.
    void clear();
    /// Drops the \a count oldest exchanges (retention): every index shifts down by \a count, ids
    /// stay. Emits exchangesDropped().
    void dropOldest(qsizetype count);
    /// Drops what the log's retention limits say is too old now (SessionLog::retentionDrop()).
    void applyRetention();

    /// Keeps this session on disk through \a log (a SessionStore), owned from now on: bodies go
    /// to its files and every change is told to it; what the session holds now is written to it
    /// first. Null detaches (bodies stored before stay where they are: detach only an empty
    /// session or one about to be dropped).
    void setLog(std::unique_ptr<SessionLog> log);
    SessionLog *log() const { return m_log.get(); }
    /// Detaches the log and gives it back.
    std::unique_ptr<SessionLog> takeLog();
    /// Replaces the content with exchanges restored from disk as they were judged (SessionStore::
    /// open()): \a links are preflight seq -> later actual seqs. \a log becomes this session's.
    /// Emits cleared(), profileChanged() and exchangesAdded(0, count()).
    void restore(ExchangeStore &&store, QHash<quint64, QList<quint64>> &&links,
                 const cors::BrowserProfile &profile, qint64 bodyCap,
                 std::unique_ptr<SessionLog> log);
    /// Replaces this session's exchanges, profile, options and log with \a other's, which is left
    /// empty with this session's old log: a session file is loaded into a staging session (on any
    /// thread), then adopted at once. When only this session has a log (it is kept on disk and a
    /// file was read into memory), it keeps its log, which gets the other's exchanges (bodies
    /// moved to its files; not judged again). Emits cleared(), profileChanged() and
    /// exchangesAdded(0, count()).
    void adopt(Session &other);

    /// What the stored exchanges cost, by part.
    ExchangeStore::Memory memory() const;

Q_SIGNALS:
    void exchangesAdded(qsizetype first, qsizetype count);
    /// Rows first..last (inclusive) changed: an older preflight got linked, or a re-judge.
    void exchangesChanged(qsizetype first, qsizetype last);
    void cleared();
    /// The \a count oldest rows were dropped (retention): every index shifts down by \a count,
    /// and the oldest held is seq \a firstSeq now.
    void exchangesDropped(qsizetype count, quint64 firstSeq);
    void profileChanged();

private:
    /// The derived part of a record, computed outside the write lock.
    struct RowState
    {
        ExchangeKind kind = ExchangeKind::NoCors;
        quint16 evidence = 0;
        bool needsPreflight = false;
        PairingState pairing = PairingState::None;
        quint32 paired = 0;
        VerdictSummary verdict;
    };
    /// What one batch (or re-judged chunk) changes, applied under the write lock at once.
    struct Pass
    {
        qsizetype batchBase = 0;                        ///< first index of the batch
        const QList<CapturedExchange> *batch = nullptr; ///< appended exchanges, or none
        QHash<qsizetype, RowState> states;
        QList<QPair<quint64, quint64>> moreActuals; ///< (preflight, actual) seq links to add
        /// Re-judging (no batch): preflights as decoded and classified, for the actual requests
        /// after them (decoding one again costs more than keeping it). Appending needs none: the
        /// batch holds them, and copying every preflight in case it pairs cost more.
        QHash<qsizetype, QPair<CapturedExchange, Classification>> preflights;
        qsizetype firstOlderChanged = -1;
        qsizetype lastOlderChanged = -1;
    };
    struct Judged
    {
        VerdictSummary summary;
        VerdictSummary ifCredentialed;
        bool okWithoutCredentials = false;
        bool okWithCredentials = false;
        qint64 maxAgeSeconds = 0;
    };

    void process(qsizetype index, const CapturedExchange &x, Pass &pass);
    Judged judge(const CapturedExchange &x, const Classification &c, const EvaluationContext &ctx);
    RowState stateAt(qsizetype index, const Pass &pass) const;
    /// Writes what \a pass judged and publishes rows [0, \a published).
    void commit(Pass &pass, qsizetype published);
    void recountVerdicts();
    ExchangeRow makeRow(qsizetype index) const;
    QList<qint64> linkedIdsLocked(qsizetype index) const;
    QList<QPair<quint64, quint64>> allLinks() const;
    CapturedExchange decodeLocked(qsizetype index, ExchangeStore::DeferredBodies *deferred) const;
    void loadDeferred(const ExchangeStore::DeferredBodies &deferred, CapturedExchange &x) const;
    void dropOldestLocked(qsizetype count);
    void moveIntoLog(SessionLog &log);

    mutable QReadWriteLock m_lock; ///< readers vs. publishing
    /// Held for reading while bodies are read outside m_lock (loadDeferred()), for writing while
    /// m_store or its body sink is replaced: a log on its way out is never read from. Taken
    /// before m_lock.
    mutable QReadWriteLock m_sinkLock;
    QMutex m_writeMutex; ///< one writer at a time: append(), clear(), setProfile()
    Options m_options;
    ExchangeStore m_store;
    qsizetype m_published = 0; ///< rows readers may see
    VerdictCounts m_counts;    ///< of the rows in m_store (total unused: m_published)
    quint64 m_generation = 1;
    cors::BrowserProfile m_profile;
    QHash<quint64, QList<quint64>> m_moreActuals; ///< preflight seq -> actual seqs after the first
    std::unique_ptr<SessionLog> m_log;            ///< the store on disk, or none (m_writeMutex)
    // Writer-only state (m_writeMutex):
    PreflightPairing m_pairing;
    QHash<quint64, Judged> m_memo;
};

} // namespace corslab::session
