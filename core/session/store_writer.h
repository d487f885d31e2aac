#pragma once

#include "body_ref.h"
#include "record_file.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QWaitCondition>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <thread>

namespace corslab::session {

using BodyLocation = BodyRef;

/// \brief The session store's writer thread: frames queued by the capture are written in
/// batches (writev) and synced about once a second, so a crash loses at most the last second,
/// while the capture never waits for the disk.
///
/// Files: `seg-NNNNNN.heads` and `seg-NNNNNN.bodies` (RecordFile) in the store's directory,
/// a new pair per startSegment(). A body frame's payload is the exchange's seq (u64 LE) and then
/// its bytes. Bodies get their location when queued (the producer keeps the running offset), so
/// an exchange's packed record can name it at once; reads of a body not written yet come from
/// the queue (pendingBody()).
///
/// Bounded: when the queued bytes reach Options::queueBytes (the disk is slower than the
/// traffic), new bodies are refused and counted; heads are always queued. On a write or sync
/// failure (disk full, EIO...) the failed file is truncated back to its last whole frame and
/// sealed: a bodies failure turns bodies off (state BodiesOff), a heads failure stops heads too
/// (Stalled); every Options::retryMs the writer asks for a new segment (wantsNewSegment()), and
/// writing resumes there when it works. The notice callback says what happened, in words.
///
/// Producer calls (addBody, addHead, startSegment) come from one thread at a time.
class StoreWriter
{
public:
    enum class State { Writing, BodiesOff, Stalled };
    /// What a notice is about: a problem (a failure, the disk behind), or writing working again
    /// after one (state Writing, bodies kept again).
    enum class Notice { Problem, Resumed };
    using NoticeHandler = std::function<void(Notice notice, const QString &text)>;
    /// The frame type of body frames (the bodies files hold nothing else).
    static constexpr quint8 kBodyFrame = 1;
    /// A body frame's payload starts with the exchange's seq (u64 LE).
    static constexpr int kSeqBytes = 8;
    struct Options
    {
        QString directory;
        quint32 epoch = 1;
        int syncIntervalMs = 1000;
        qint64 queueBytes = qint64(64) << 20;
        int retryMs = 5000;
        qint64 failAfterBytes = -1; ///< test hook, see RecordFile::setFailAfterBytes
        /// Test hooks: failAfterBytes applies to the bodies file, failHeadsAfterBytes to the
        /// heads file, both of the segment given to start() only.
        qint64 failHeadsAfterBytes = -1;
        /// Test hook: called on the writer thread before each batch is written (a test blocks
        /// in it to see bodies still queued).
        std::function<void()> beforeBatch;
    };
    struct Stats
    {
        State state = State::Writing;
        qint64 headsWritten = 0;  ///< bytes written to heads files since start
        qint64 bodiesWritten = 0; ///< bytes written to bodies files since start
        qint64 framesDurable = 0; ///< head frames synced since start
        qint64 bodiesDropped = 0; ///< bodies refused (queue full, bodies off) or lost in a failure
        qint64 bytesDropped = 0;  ///< their bytes
        qint64 headsLost = 0;     ///< head frames that could not be written (Stalled)
        qint64 queuedBytes = 0;
        QString lastError; ///< empty while all is well
    };

    explicit StoreWriter(Options options);
    /// stop()s.
    ~StoreWriter();
    StoreWriter(const StoreWriter &) = delete;
    StoreWriter &operator=(const StoreWriter &) = delete;

    /// Called on the writer thread when the state changes or a write fails.
    void setNoticeHandler(NoticeHandler handler);

    /// Starts the thread, writing to segment \a segment (files created; existing ones are
    /// scanned, their torn tails cut, and appended to). False with \a error when they cannot be
    /// created or opened.
    bool start(quint32 segment, QString *error);
    /// Later frames go to segment \a segment (new files); the current ones are synced and closed.
    /// A segment whose bodies file already holds bodies is not written to (bodies off): its
    /// offsets would not be the ones addBody() gave.
    void startSegment(quint32 segment);
    quint32 segment() const { return m_producerSegment; }
    /// Bytes of the current segment's bodies file, as queued.
    qint64 segmentBodyBytes() const { return m_nextBodyOffset; }
    /// The writer asks for a new segment (after a failure, when retryMs passed).
    bool wantsNewSegment() const { return m_wantsNewSegment.load(); }

    /// Queues body frame for \a seq: its location, or none (bodies off or queue full; counted).
    /// \a bytes is kept as it is (implicitly shared, not copied).
    std::optional<BodyLocation> addBody(quint64 seq, const QByteArray &bytes);
    /// Queues a heads frame (counted in headsLost when it cannot be: stopped, or longer than
    /// RecordFile::kMaxPayload).
    void addHead(quint8 type, QByteArray payload);

    /// A queued body not written yet (\a location as addBody() gave it), or none; \a seq (may
    /// be null) gets the seq it was queued for. Looked up by location: O(1).
    std::optional<QByteArray> pendingBody(BodyLocation location, quint64 *seq = nullptr) const;

    /// Waits until everything queued before the call is written and synced. False with \a error
    /// when something queued since the previous flush() could not be, or the writer is not
    /// running (the state says what still works). The warnings about it come before it returns.
    bool flush(QString *error = nullptr);
    /// Drains the queue, syncs, closes the files and stops the thread. Idempotent.
    void stop();

    Stats stats() const;
    State state() const { return State(m_state.load()); }

private:
    using Clock = std::chrono::steady_clock;
    struct Item
    {
        enum Kind : quint8 { Head, Body, Segment, Barrier } kind = Head;
        quint8 type = 0;
        quint32 segment = 0;
        quint64 offset = 0; ///< Body: its frame offset
        quint64 barrier = 0;
        quint64 seq = 0; ///< Body: the exchange's seq
        QByteArray payload;
    };
    struct PendingBody
    {
        quint64 seq = 0;
        QByteArray bytes;
    };
    struct Outcome;
    using Run = std::vector<const Item *>;

    void run();
    void process(const std::deque<Item> &batch, bool stopping, Outcome &out);
    void writeRun(const Run &run, Outcome &out);
    void writeBodies(const Run &run, Outcome &out);
    void writeHeads(const Run &run, Outcome &out);
    void syncFiles(Outcome &out);
    bool openSegment(quint32 segment, bool mustBeNew, Outcome &out);
    void switchSegment(quint32 segment, Outcome &out);
    void bodiesFailed(const QString &error, int err, Outcome &out);
    void headsFailed(const QString &error, int err, Outcome &out);
    void finishBatch(const std::deque<Item> &batch, const Outcome &out);
    void finishBarriers(const Outcome &out);
    QString warningText(const Outcome &out) const;
    QString behindWarning();
    static qint64 itemBytes(const Item &item);

    Options m_options;
    NoticeHandler m_notify;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_done;
    std::deque<Item> m_queue;
    qint64 m_queuedBytes = 0;
    bool m_stopping = false;
    quint64 m_barrierAsked = 0;
    quint64 m_barrierDone = 0;
    std::map<quint64, QString> m_barrierErrors; ///< barriers that failed, until flush() reads them
    QHash<std::pair<quint32, quint64>, PendingBody> m_pending; ///< queued bodies by location
    bool m_running = false;
    Stats m_stats;
    std::thread m_thread;
    std::atomic<int> m_state{int(State::Writing)};
    std::atomic<bool> m_wantsNewSegment{false};
    // producer side
    quint32 m_producerSegment = 0;
    qint64 m_nextBodyOffset = 0;
    // writer side
    RecordFile m_heads;
    RecordFile m_bodies;
    quint32 m_openSegment = 0;
    Clock::time_point m_lastSync;
    Clock::time_point m_failedAt;
    bool m_dirty = false;            ///< written since the last sync
    qint64 m_unsyncedHeadFrames = 0; ///< head frames written since the last sync
    QString m_lossSinceBarrier;      ///< what went wrong since the last barrier
    qint64 m_droppedWhenWarned = 0;  ///< bodies refused when "the disk is behind" was last said
    Clock::time_point m_behindWarnedAt;
};

} // namespace corslab::session
