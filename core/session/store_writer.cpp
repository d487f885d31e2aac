#include "store_writer.h"

#include "body_reader.h"

#include <QDir>
#include <QtEndian>
#include <algorithm>
#include <cerrno>
#include <fcntl.h>

namespace corslab::session {

namespace {

// The writer wakes when this much is queued, or after kBatchInterval: large writev batches
// without letting frames wait long.
constexpr qint64 kWakeBytes = qint64(8) << 20;
constexpr auto kBatchInterval = std::chrono::milliseconds(50);
// How often "the disk is behind" is said again while bodies keep being refused.
constexpr auto kBehindWarningInterval = std::chrono::seconds(10);

bool isDiskFull(int err)
{
    return err == ENOSPC || err == EDQUOT;
}

QByteArray seqPrefix(quint64 seq)
{
    QByteArray prefix(StoreWriter::kSeqBytes, Qt::Uninitialized);
    qToLittleEndian(seq, prefix.data());
    return prefix;
}

} // namespace

/// What one batch did, merged into the stats under the mutex afterwards.
struct StoreWriter::Outcome
{
    enum class Event { None, BodiesOff, Stalled, Resumed };
    qint64 headsBytes = 0;
    qint64 bodiesBytes = 0;
    qint64 framesDurable = 0;
    qint64 bodiesLost = 0;
    qint64 bytesLost = 0;
    qint64 headsLost = 0;
    Event event = Event::None; ///< the last state change, for the warning
    int err = 0;
    QString error;
    bool resumed = false;
    std::vector<std::pair<quint64, QString>> barriers; ///< done, with their error if any
};

StoreWriter::StoreWriter(Options options) : m_options(std::move(options))
{
}

StoreWriter::~StoreWriter()
{
    stop();
}

void StoreWriter::setNoticeHandler(NoticeHandler handler)
{
    QMutexLocker lock(&m_mutex);
    m_notify = std::move(handler);
}

bool StoreWriter::start(quint32 segment, QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (m_running) {
        if (error)
            *error = QStringLiteral("the session store's writer is already running");
        return false;
    }
    Outcome out;
    QDir().mkpath(m_options.directory); // opening the files says why when this failed
    if (!openSegment(segment, false, out)) {
        m_heads.close();
        m_bodies.close();
        if (error)
            *error = out.error;
        return false;
    }
    m_bodies.setFailAfterBytes(m_options.failAfterBytes);
    m_heads.setFailAfterBytes(m_options.failHeadsAfterBytes);
    m_producerSegment = segment;
    m_nextBodyOffset = m_bodies.end();
    m_lastSync = Clock::now();
    m_running = true;
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
    return true;
}

void StoreWriter::startSegment(quint32 segment)
{
    QMutexLocker lock(&m_mutex);
    Item item;
    item.kind = Item::Segment;
    item.segment = segment;
    m_queue.push_back(std::move(item));
    m_producerSegment = segment;
    m_nextBodyOffset = RecordFile::kFileHeaderSize;
    m_wantsNewSegment = false;
    m_wake.wakeOne();
}

std::optional<BodyLocation> StoreWriter::addBody(quint64 seq, const QByteArray &bytes)
{
    const qint64 payloadSize = kSeqBytes + bytes.size();
    const qint64 size = RecordFile::frameSize(payloadSize);
    QMutexLocker lock(&m_mutex);
    if (!m_running || m_stopping || state() != State::Writing ||
        m_queuedBytes >= m_options.queueBytes || payloadSize > RecordFile::kMaxPayload) {
        ++m_stats.bodiesDropped;
        m_stats.bytesDropped += bytes.size();
        return std::nullopt;
    }
    const BodyLocation location{m_producerSegment, quint64(m_nextBodyOffset)};
    m_nextBodyOffset += size;
    Item item;
    item.kind = Item::Body;
    item.type = kBodyFrame;
    item.segment = location.segment;
    item.offset = location.offset;
    item.seq = seq;
    item.payload = bytes; // shared, not copied
    m_pending.insert({location.segment, location.offset}, PendingBody{seq, bytes});
    m_queue.push_back(std::move(item));
    m_queuedBytes += size;
    if (m_queuedBytes >= kWakeBytes && m_queuedBytes - size < kWakeBytes)
        m_wake.wakeOne();
    return location;
}

void StoreWriter::addHead(quint8 type, QByteArray payload)
{
    QMutexLocker lock(&m_mutex);
    if (!m_running || m_stopping || payload.size() > RecordFile::kMaxPayload) {
        ++m_stats.headsLost;
        return;
    }
    Item item;
    item.kind = Item::Head;
    item.type = type;
    item.segment = m_producerSegment;
    item.payload = std::move(payload);
    const qint64 size = itemBytes(item);
    m_queue.push_back(std::move(item));
    m_queuedBytes += size;
    if (m_queuedBytes >= kWakeBytes && m_queuedBytes - size < kWakeBytes)
        m_wake.wakeOne();
}

std::optional<QByteArray> StoreWriter::pendingBody(BodyLocation location, quint64 *seq) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_pending.constFind({location.segment, location.offset});
    if (it == m_pending.cend())
        return std::nullopt;
    if (seq)
        *seq = it->seq;
    return it->bytes;
}

bool StoreWriter::flush(QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (!m_running || m_stopping) {
        if (error)
            *error = QStringLiteral("the session store's writer is not running");
        return false;
    }
    const quint64 id = ++m_barrierAsked;
    Item item;
    item.kind = Item::Barrier;
    item.barrier = id;
    m_queue.push_back(std::move(item));
    m_wake.wakeOne();
    while (m_barrierDone < id)
        m_done.wait(&m_mutex);
    const auto failed = m_barrierErrors.find(id);
    if (failed == m_barrierErrors.end())
        return true;
    if (error)
        *error = failed->second;
    m_barrierErrors.erase(failed);
    return false;
}

void StoreWriter::stop()
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_running)
            return;
        m_stopping = true;
        m_wake.wakeAll();
    }
    if (m_thread.joinable())
        m_thread.join();
    QMutexLocker lock(&m_mutex);
    m_running = false;
}

StoreWriter::Stats StoreWriter::stats() const
{
    QMutexLocker lock(&m_mutex);
    Stats stats = m_stats;
    stats.state = state();
    stats.queuedBytes = m_queuedBytes;
    return stats;
}

qint64 StoreWriter::itemBytes(const Item &item)
{
    switch (item.kind) {
    case Item::Head:
        return RecordFile::frameSize(item.payload.size());
    case Item::Body:
        return RecordFile::frameSize(kSeqBytes + item.payload.size());
    case Item::Segment:
    case Item::Barrier:
        break;
    }
    return 0;
}

// ---- the writer thread ----

void StoreWriter::run()
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        const bool urgent =
            m_stopping || m_barrierAsked > m_barrierDone || m_queuedBytes >= kWakeBytes;
        if (!urgent)
            m_wake.wait(&m_mutex, QDeadlineTimer(kBatchInterval));
        std::deque<Item> batch;
        batch.swap(m_queue);
        const bool stopping = m_stopping;
        lock.unlock();
        if (!batch.empty() && m_options.beforeBatch)
            m_options.beforeBatch();
        Outcome out;
        process(batch, stopping, out);
        lock.relock();
        finishBatch(batch, out);
        const Notice notice =
            out.event == Outcome::Event::Resumed ? Notice::Resumed : Notice::Problem;
        QString text = warningText(out);
        if (text.isEmpty())
            text = behindWarning();
        if (!text.isEmpty() && m_notify) {
            const auto notify = m_notify;
            lock.unlock();
            notify(notice, text); // outside the lock: the handler may ask for stats()
            lock.relock();
        }
        // Last: a flush() returns after the warnings of what it waited for.
        finishBarriers(out);
        m_done.wakeAll();
        if (stopping && m_queue.empty())
            break;
    }
    lock.unlock();
    m_heads.close();
    m_bodies.close();
}

void StoreWriter::process(const std::deque<Item> &batch, bool stopping, Outcome &out)
{
    Run run;
    for (const Item &item : batch) {
        switch (item.kind) {
        case Item::Head:
        case Item::Body:
            run.push_back(&item);
            break;
        case Item::Segment:
            writeRun(run, out);
            run.clear();
            switchSegment(item.segment, out);
            break;
        case Item::Barrier:
            writeRun(run, out);
            run.clear();
            syncFiles(out);
            out.barriers.emplace_back(item.barrier, m_lossSinceBarrier);
            m_lossSinceBarrier.clear();
            break;
        }
    }
    writeRun(run, out);
    const auto now = Clock::now();
    if (stopping || now - m_lastSync >= std::chrono::milliseconds(m_options.syncIntervalMs))
        syncFiles(out);
    if (state() != State::Writing && !m_wantsNewSegment &&
        now - m_failedAt >= std::chrono::milliseconds(m_options.retryMs))
        m_wantsNewSegment = true;
}

// Bodies first, then heads: a head is never written before the body it names, so a killed
// process cannot leave a head whose body was not written.
void StoreWriter::writeRun(const Run &run, Outcome &out)
{
    if (run.empty())
        return;
    writeBodies(run, out);
    writeHeads(run, out);
}

void StoreWriter::writeBodies(const Run &run, Outcome &out)
{
    std::vector<RecordFile::Frame> frames;
    qint64 bytes = 0;
    qint64 expected = m_bodies.end(); // the offsets addBody() gave must be where frames land
    bool offsetsMatch = true;
    for (const Item *item : run) {
        if (item->kind != Item::Body)
            continue;
        offsetsMatch =
            offsetsMatch && item->segment == m_openSegment && qint64(item->offset) == expected;
        expected += itemBytes(*item);
        frames.push_back({kBodyFrame, item->payload, seqPrefix(item->seq)});
        bytes += item->payload.size();
    }
    if (frames.empty())
        return;
    if (m_bodies.isOpen() && !m_bodies.isSealed() && !offsetsMatch)
        bodiesFailed(QStringLiteral("session store %1: bodies not where they were expected")
                         .arg(m_bodies.path()),
                     EIO, out);
    const qint64 before = m_bodies.end();
    QString error;
    int err = 0;
    if (m_bodies.isOpen() && !m_bodies.isSealed() && m_bodies.append(frames, &error, &err)) {
        out.bodiesBytes += m_bodies.end() - before;
        m_dirty = true;
        // Start the write-back now, without waiting: the next sync then finds little left to
        // write, and does not hold the writer up for a second's worth of bodies.
        ::sync_file_range(m_bodies.fd(), before, m_bodies.end() - before, SYNC_FILE_RANGE_WRITE);
        return;
    }
    out.bodiesLost += qint64(frames.size());
    out.bytesLost += bytes;
    if (m_bodies.isOpen() && !m_bodies.isSealed())
        bodiesFailed(error, err, out);
    else if (m_lossSinceBarrier.isEmpty())
        m_lossSinceBarrier = QStringLiteral("bodies were not kept (bodies off after a failure)");
}

void StoreWriter::writeHeads(const Run &run, Outcome &out)
{
    std::vector<RecordFile::Frame> frames;
    for (const Item *item : run) {
        if (item->kind == Item::Head)
            frames.push_back({item->type, item->payload, {}});
    }
    if (frames.empty())
        return;
    const qint64 before = m_heads.end();
    QString error;
    int err = 0;
    if (m_heads.isOpen() && !m_heads.isSealed() && m_heads.append(frames, &error, &err)) {
        out.headsBytes += m_heads.end() - before;
        m_unsyncedHeadFrames += qint64(frames.size());
        m_dirty = true;
        return;
    }
    out.headsLost += qint64(frames.size());
    if (m_heads.isOpen() && !m_heads.isSealed())
        headsFailed(error, err, out);
    else
        m_lossSinceBarrier = QStringLiteral("heads were not saved (the store stalled)");
}

void StoreWriter::syncFiles(Outcome &out)
{
    m_lastSync = Clock::now();
    if (!m_dirty)
        return;
    m_dirty = false;
    QString error;
    int err = 0;
    // Bodies first: a durable head names bodies that are durable too.
    if (m_bodies.isOpen() && !m_bodies.isSealed() && !m_bodies.sync(&error, &err))
        bodiesFailed(error, err, out);
    if (m_heads.isOpen() && !m_heads.isSealed()) {
        if (m_heads.sync(&error, &err))
            out.framesDurable += m_unsyncedHeadFrames;
        else
            headsFailed(error, err, out);
    }
    m_unsyncedHeadFrames = 0;
}

// The failed file is sealed (append() already cut it back to its last whole frame): bodies off
// until a new segment works.
void StoreWriter::bodiesFailed(const QString &error, int err, Outcome &out)
{
    m_bodies.seal();
    m_failedAt = Clock::now();
    m_lossSinceBarrier = error;
    out.error = error;
    out.err = err;
    if (state() == State::Writing) {
        m_state = int(State::BodiesOff);
        out.event = Outcome::Event::BodiesOff;
    }
}

void StoreWriter::headsFailed(const QString &error, int err, Outcome &out)
{
    m_heads.seal();
    m_unsyncedHeadFrames = 0;
    m_failedAt = Clock::now();
    m_lossSinceBarrier = error;
    out.error = error;
    out.err = err;
    if (state() != State::Stalled) {
        m_state = int(State::Stalled);
        out.event = Outcome::Event::Stalled;
    }
}

void StoreWriter::switchSegment(quint32 segment, Outcome &out)
{
    syncFiles(out);
    m_heads.close();
    m_bodies.close();
    const bool failing = state() != State::Writing;
    if (openSegment(segment, true, out) && failing) {
        out.event = Outcome::Event::Resumed;
        out.resumed = true;
    }
}

bool StoreWriter::openSegment(quint32 segment, bool mustBeNew, Outcome &out)
{
    m_openSegment = segment;
    const QDir directory(m_options.directory);
    QString error;
    auto openFile = [&](RecordFile &file, RecordFile::Kind kind) {
        const QString path = directory.filePath(segmentFileName(segment, kind));
        if (!file.open(path, kind, m_options.epoch, RecordFile::Mode::ReadWrite, &error))
            return false;
        file.setFailAfterBytes(-1); // start() sets the test hooks of its segment afterwards
        if (file.end() == 0) {      // it existed (end() unknown): find its end, cut a torn tail
            file.scan({}, &error);
            if (!error.isEmpty())
                return false;
        }
        return true;
    };
    if (!openFile(m_heads, RecordFile::Kind::Heads)) {
        m_heads.close();
        m_bodies.close();
        headsFailed(error, EIO, out);
        return false;
    }
    if (!openFile(m_bodies, RecordFile::Kind::Bodies)) {
        m_bodies.close();
        bodiesFailed(error, EIO, out);
        return false;
    }
    if (mustBeNew && m_bodies.end() != RecordFile::kFileHeaderSize) {
        bodiesFailed(QStringLiteral("session store %1: already holds bodies").arg(m_bodies.path()),
                     EEXIST, out);
        return false;
    }
    m_state = int(State::Writing);
    m_wantsNewSegment = false;
    return true;
}

void StoreWriter::finishBatch(const std::deque<Item> &batch, const Outcome &out)
{
    for (const Item &item : batch) {
        if (item.kind == Item::Body)
            m_pending.remove({item.segment, item.offset}); // written (or lost): read the file
        m_queuedBytes -= itemBytes(item);
    }
    m_stats.headsWritten += out.headsBytes;
    m_stats.bodiesWritten += out.bodiesBytes;
    m_stats.framesDurable += out.framesDurable;
    m_stats.bodiesDropped += out.bodiesLost;
    m_stats.bytesDropped += out.bytesLost;
    m_stats.headsLost += out.headsLost;
    if (!out.error.isEmpty())
        m_stats.lastError = out.error;
    else if (out.resumed)
        m_stats.lastError.clear();
}

void StoreWriter::finishBarriers(const Outcome &out)
{
    for (const auto &[id, error] : out.barriers) {
        if (!error.isEmpty())
            m_barrierErrors[id] = error;
        m_barrierDone = std::max(m_barrierDone, id);
    }
}

// m_mutex held. Bodies refused because the queue was full (the disk slower than the traffic):
// said at once, then at most every kBehindWarningInterval while it goes on.
QString StoreWriter::behindWarning()
{
    if (state() != State::Writing || m_stats.bodiesDropped <= m_droppedWhenWarned)
        return {};
    const auto now = Clock::now();
    if (m_droppedWhenWarned > 0 && now - m_behindWarnedAt < kBehindWarningInterval)
        return {};
    m_droppedWhenWarned = m_stats.bodiesDropped;
    m_behindWarnedAt = now;
    return QStringLiteral("The disk is behind the traffic: %1 bodies not kept so far (their "
                          "exchanges are). A faster disk, a lower body cap or a retention limit "
                          "helps.")
        .arg(m_stats.bodiesDropped);
}

QString StoreWriter::warningText(const Outcome &out) const
{
    const bool full = isDiskFull(out.err);
    const QString advice = QStringLiteral(" Free space or lower the retention limit.");
    switch (out.event) {
    case Outcome::Event::None:
        break;
    case Outcome::Event::BodiesOff:
        if (full)
            return QStringLiteral("Disk full: bodies are no longer kept (%1 so far).")
                       .arg(m_stats.bodiesDropped) +
                   advice;
        return QStringLiteral("Cannot write the session store (%1): bodies are no longer kept "
                              "(%2 so far).")
            .arg(out.error)
            .arg(m_stats.bodiesDropped);
    case Outcome::Event::Stalled:
        if (full)
            return QStringLiteral("Disk full: the capture is no longer saved (%1 records not "
                                  "saved so far).")
                       .arg(m_stats.headsLost) +
                   advice;
        return QStringLiteral("Cannot write the session store (%1): the capture is no longer "
                              "saved (%2 records not saved so far).")
            .arg(out.error)
            .arg(m_stats.headsLost);
    case Outcome::Event::Resumed:
        return QStringLiteral("The session store writes again (segment %1).").arg(m_openSegment);
    }
    return {};
}

} // namespace corslab::session
