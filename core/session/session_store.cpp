#include "session_store.h"

#include "session.h"
#include "session_json.h"
#include "store_frames.h"
#include "store_replay.h"
#include "varint.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QMutexLocker>
#include <QSaveFile>
#include <QThread>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace corslab::session {

namespace {

// A segment holds at least this many exchanges before another starts: retention works a
// segment at a time, and tiny segments would only multiply files.
constexpr qint64 kMinSegmentExchanges = 4096;
// With a count or disk limit, a segment is at most this share of it, so that dropping the
// oldest one keeps close to the limit.
constexpr qint64 kSegmentsPerLimit = 8;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

QString manifestPath(const QString &directory)
{
    return QDir(directory).filePath(QString::fromLatin1(kStoreManifest));
}

struct Manifest
{
    quint32 epoch = 1;
    bool clean = true;
};

bool readManifest(const QString &directory, Manifest *out, QString *error)
{
    QFile file(manifestPath(directory));
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: not a session store (no readable %2)")
                               .arg(directory, QString::fromLatin1(kStoreManifest)));
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    const QJsonObject o = doc.object();
    if (!doc.isObject() ||
        o.value(QStringLiteral("format")).toString() != QString::fromLatin1(kStoreFormatName))
        return fail(error, QStringLiteral("%1: expected a session store manifest "
                                          "(\"format\": \"%2\")")
                               .arg(file.fileName(), QString::fromLatin1(kStoreFormatName)));
    const qint64 version = o.value(QStringLiteral("version")).toInteger(-1);
    if (version > kStoreFormatVersion)
        return fail(error, file.fileName() + QStringLiteral(": ") +
                               newerFormatMessage(version, kStoreFormatVersion));
    if (version < 1)
        return fail(error, file.fileName() + QStringLiteral(": \"version\": expected 1"));
    out->epoch = quint32(o.value(QStringLiteral("epoch")).toInteger(1));
    out->clean = o.value(QStringLiteral("clean")).toBool(false);
    return true;
}

/// Whether another process holds the store's lock (and so writes it).
bool lockedElsewhere(const QString &directory)
{
    const QByteArray path =
        QFile::encodeName(QDir(directory).filePath(QString::fromLatin1(kStoreLock)));
    const int fd = ::open(path.constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // closing releases a lock taken here
    return held;
}

} // namespace

SessionStore::SessionStore(QString directory, Mode mode, const StoreOptions &options)
    : m_directory(std::move(directory)), m_mode(mode), m_options(options)
{
}

SessionStore::~SessionStore()
{
    close();
    if (m_lockFd >= 0)
        ::close(m_lockFd);
}

bool SessionStore::isStore(const QString &path)
{
    return QFileInfo(manifestPath(path)).isFile();
}

bool SessionStore::wasLeftOpen(const QString &directory)
{
    Manifest manifest;
    return readManifest(directory, &manifest, nullptr) && !manifest.clean &&
           !lockedElsewhere(directory);
}

bool SessionStore::inUseElsewhere(const QString &directory)
{
    return isStore(directory) && lockedElsewhere(directory);
}

bool SessionStore::remove(const QString &directory, QString *error)
{
    if (lockedElsewhere(directory))
        return fail(error, QStringLiteral("%1: in use by another CORS Lab").arg(directory));
    if (!QDir(directory).removeRecursively())
        return fail(error, QStringLiteral("%1: could not be deleted").arg(directory));
    return true;
}

bool SessionStore::lock(QString *error)
{
    const QByteArray path =
        QFile::encodeName(QDir(m_directory).filePath(QString::fromLatin1(kStoreLock)));
    m_lockFd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lockFd < 0)
        return fail(error, QStringLiteral("%1: cannot create its lock file: %2")
                               .arg(m_directory, QString::fromLocal8Bit(std::strerror(errno))));
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0)
        return fail(error, QStringLiteral("%1: in use by another CORS Lab (a store has one "
                                          "writer at a time); open it read-only or stop the "
                                          "other one")
                               .arg(m_directory));
    return true;
}

bool SessionStore::writeManifest(bool clean, QString *error)
{
    QJsonObject o{
        {QStringLiteral("format"), QString::fromLatin1(kStoreFormatName)},
        {QStringLiteral("version"), kStoreFormatVersion},
        {QStringLiteral("createdBy"), m_options.createdBy},
        {QStringLiteral("updatedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("epoch"), qint64(m_epoch)},
        {QStringLiteral("clean"), clean}};
    QSaveFile file(manifestPath(m_directory));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(o).toJson()) < 0 ||
        !file.commit())
        return fail(
            error, QStringLiteral("%1: cannot write: %2").arg(file.fileName(), file.errorString()));
    return true;
}

bool SessionStore::create(const QString &directory, const StoreOptions &options, Session *session,
                          QString *error)
{
    if (isStore(directory))
        return fail(error, QStringLiteral("%1: already holds a session store").arg(directory));
    if (!QDir().mkpath(directory))
        return fail(error, QStringLiteral("%1: cannot create the directory").arg(directory));
    std::unique_ptr<SessionStore> store(new SessionStore(directory, Mode::ReadWrite, options));
    store->m_profileName = session->profile().name;
    store->m_bodyCap = session->bodyCap();
    if (!store->lock(error) || !store->writeManifest(false, error) ||
        !store->startWriting(1, store->m_epoch, error))
        return false;
    session->setLog(std::move(store));
    return true;
}

bool SessionStore::open(const QString &directory, Mode mode, const StoreOptions &options,
                        Session *session, const SessionExtensions &known, ExtensionValues *values,
                        StoreOpenReport *report, QString *error)
{
    Manifest manifest;
    if (!readManifest(directory, &manifest, error))
        return false;
    std::unique_ptr<SessionStore> store(new SessionStore(directory, mode, options));
    store->m_epoch = manifest.epoch;
    if (mode == Mode::ReadWrite && !store->lock(error))
        return false;
    StoreReplay replay;
    if (!replayStore(directory, manifest.epoch, mode == Mode::ReadWrite, known, &replay, error))
        return false;
    replay.report.wasClean = manifest.clean;
    const quint32 next = replay.segments.empty() ? 1 : replay.segments.back().number + 1;
    store->m_segments = std::move(replay.segments);
    store->m_profileName = replay.settings.profile;
    store->m_bodyCap = replay.settings.bodyCap;
    store->m_extensions = replay.settings.extensions;
    store->m_dictMark = replay.store.dictMark();
    if (mode == Mode::ReadWrite &&
        (!store->writeManifest(false, error) || !store->startWriting(next, manifest.epoch, error)))
        return false;
    if (mode == Mode::ReadOnly)
        store->m_reader = std::make_unique<BodyReader>(directory, manifest.epoch);
    if (values)
        *values = replay.settings.extensions;
    if (report)
        *report = replay.report;
    const cors::BrowserProfile *named = cors::BrowserProfile::byName(replay.settings.profile);
    const cors::BrowserProfile profile = named ? *named : session->profile();
    session->restore(std::move(replay.store), std::move(replay.links), profile,
                     replay.settings.bodyCap, std::move(store));
    return true;
}

bool SessionStore::startWriting(quint32 segment, quint32 epoch, QString *error)
{
    StoreWriter::Options o;
    o.directory = m_directory;
    o.epoch = epoch;
    o.syncIntervalMs = m_options.syncIntervalMs;
    o.queueBytes = m_options.queueBytes;
    auto writer = std::make_unique<StoreWriter>(o);
    // On the writer thread: not m_mutex, which a Clear holds while it waits for that thread.
    writer->setNoticeHandler([this](StoreWriter::Notice notice, const QString &text) {
        const bool resumed = notice == StoreWriter::Notice::Resumed;
        {
            QMutexLocker lock(&m_warningMutex);
            m_lastWarning = resumed ? QString() : text;
        }
        QMetaObject::invokeMethod(
            this,
            [this, resumed, text] {
                if (resumed)
                    Q_EMIT recovered(text);
                else
                    Q_EMIT warning(text);
            },
            Qt::QueuedConnection);
    });
    if (!writer->start(segment, error))
        return false;
    // The reader stays (a body read on another thread may be using it) and follows the writer.
    if (m_reader)
        m_reader->reset(epoch, writer.get());
    else
        m_reader = std::make_unique<BodyReader>(m_directory, epoch, writer.get());
    m_writer = std::move(writer);
    Segment s;
    s.number = segment;
    s.firstSeq =
        m_segments.empty() ? 0 : m_segments.back().firstSeq + quint64(m_segments.back().exchanges);
    s.createdAtMs = nowMs();
    m_segments.push_back(s);
    m_dictMark = {}; // each heads file starts with the whole dictionary: segments stand alone
    queueSettings();
    return true;
}

bool SessionStore::close(QString *error)
{
    if (m_closed)
        return true;
    m_closed = true;
    if (!m_writer)
        return true;
    m_writer->stop();
    const StoreWriter::Stats stats = m_writer->stats();
    const bool manifestWritten =
        writeManifest(stats.lastError.isEmpty() || stats.headsLost == 0, error);
    return manifestWritten;
}

bool SessionStore::removeFiles(QString *error)
{
    close();
    if (m_reader)
        m_reader->closeAll();
    if (m_lockFd >= 0) {
        ::close(m_lockFd);
        m_lockFd = -1;
    }
    if (!QDir(m_directory).removeRecursively())
        return fail(error, QStringLiteral("%1: could not be deleted").arg(m_directory));
    return true;
}

bool SessionStore::flush(QString *error)
{
    return !m_writer || m_writer->flush(error);
}

void SessionStore::setExtensions(const ExtensionValues &values)
{
    QMutexLocker lock(&m_mutex);
    if (values == m_extensions)
        return;
    m_extensions = values;
    queueSettings();
}

void SessionStore::setRetention(const StoreRetention &retention)
{
    QMutexLocker lock(&m_mutex);
    m_options.retention = retention;
}

StoreRetention SessionStore::retention() const
{
    QMutexLocker lock(&m_mutex);
    return m_options.retention;
}

qint64 SessionStore::diskBytesLocked() const
{
    qint64 bytes = 0;
    for (const Segment &s : m_segments)
        bytes += s.bytes;
    return bytes;
}

StoreStats SessionStore::stats() const
{
    QMutexLocker lock(&m_mutex);
    StoreStats out;
    for (const Segment &s : m_segments)
        out.exchanges += s.exchanges;
    out.firstSeq = m_segments.empty() ? 0 : m_segments.front().firstSeq;
    out.diskBytes = diskBytesLocked();
    out.segments = qint64(m_segments.size());
    out.droppedByRetention = m_droppedByRetention;
    {
        QMutexLocker warningLock(&m_warningMutex);
        out.warning = m_lastWarning;
    }
    if (m_writer) {
        const StoreWriter::Stats w = m_writer->stats();
        out.bodiesNotKept = w.bodiesDropped;
        out.headsNotSaved = w.headsLost;
        out.state = w.state;
    }
    return out;
}

void SessionStore::attachedTo(Session *session)
{
    m_session = session;
    // warning() is delivered through this object's thread: a store opened on a worker thread
    // that ends lives on where its session does.
    if (session && thread() != session->thread() && thread() == QThread::currentThread())
        moveToThread(session->thread());
}

// m_mutex held.
void SessionStore::queueHead(quint8 type, QByteArray payload)
{
    if (!m_writer || m_closed)
        return;
    m_segments.back().bytes += RecordFile::frameSize(payload.size());
    m_writer->addHead(type, std::move(payload));
}

// m_mutex held.
void SessionStore::queueSettings()
{
    QByteArray json("{");
    appendSettingsJson(&json, m_profileName, m_bodyCap, m_extensions);
    json.append('}');
    queueHead(quint8(HeadsFrame::Settings), json);
}

// m_mutex held.
void SessionStore::queueDictDelta(const ExchangeStore &store)
{
    const ExchangeStore::DictMark mark = store.dictMark();
    if (mark == m_dictMark)
        return;
    queueHead(quint8(HeadsFrame::Dict), store.dictDelta(m_dictMark));
    m_dictMark = mark;
}

// m_mutex held.
bool SessionStore::segmentFull(qint64 now) const
{
    const Segment &s = m_segments.back();
    if (m_writer->wantsNewSegment())
        return true;
    if (s.exchanges < kMinSegmentExchanges)
        return false;
    const StoreRetention &r = m_options.retention;
    qint64 maxBytes = m_options.segmentBytes;
    if (r.maxDiskBytes > 0)
        maxBytes = std::min(maxBytes, r.maxDiskBytes / kSegmentsPerLimit);
    if (s.bytes >= maxBytes || now - s.createdAtMs >= m_options.segmentSeconds * 1000)
        return true;
    return r.maxExchanges > 0 && s.exchanges >= r.maxExchanges / kSegmentsPerLimit;
}

// m_mutex held.
void SessionStore::startSegment(const ExchangeStore &store, quint64 firstSeq)
{
    Segment s;
    s.number = m_segments.back().number + 1;
    s.firstSeq = firstSeq;
    s.createdAtMs = nowMs();
    m_writer->startSegment(s.number);
    m_segments.push_back(s);
    m_dictMark = {};
    queueDictDelta(store);
    queueSettings();
}

void SessionStore::beginBatch(const ExchangeStore &store)
{
    QMutexLocker lock(&m_mutex);
    if (!m_writer || m_closed)
        return;
    const quint64 firstSeq = store.seqOf(store.size());
    Segment &current = m_segments.back();
    if (current.exchanges == 0)
        current.firstSeq = firstSeq;
    else if (segmentFull(nowMs()))
        startSegment(store, firstSeq);
}

void SessionStore::logAppended(const ExchangeStore &store, qsizetype first, qsizetype count,
                               const QList<qsizetype> &changed,
                               const QList<QPair<quint64, quint64>> &links)
{
    QMutexLocker lock(&m_mutex);
    if (!m_writer || m_closed)
        return;
    queueDictDelta(store);
    Segment &segment = m_segments.back();
    for (qsizetype i = first; i < first + count; ++i) {
        QByteArray payload;
        store.encodeRecord(i, payload);
        queueHead(quint8(HeadsFrame::Exchange), std::move(payload));
        segment.newestStartMs = std::max(segment.newestStartMs, store.record(i).startedAtMs);
    }
    segment.exchanges += count;
    for (const qsizetype index : changed) {
        QByteArray payload;
        store.encodeDerived(index, payload);
        queueHead(quint8(HeadsFrame::Derived), std::move(payload));
    }
    for (const auto &link : links) {
        QByteArray payload;
        varint::append(payload, link.first);
        varint::append(payload, link.second);
        queueHead(quint8(HeadsFrame::Link), std::move(payload));
    }
}

void SessionStore::logRejudged(const ExchangeStore &store, const QList<qsizetype> &changed,
                               const QList<QPair<quint64, quint64>> &links,
                               const QString &profileName)
{
    QMutexLocker lock(&m_mutex);
    m_profileName = profileName;
    if (!m_writer || m_closed)
        return;
    queueHead(quint8(HeadsFrame::Rejudged), profileName.toUtf8());
    lock.unlock();
    logAppended(store, 0, 0, changed, links);
}

void SessionStore::logBodyCap(qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    m_bodyCap = bytes;
    queueSettings();
}

// Clear must be instant at any size: the files are moved aside in O(1) and deleted on a
// thread of their own; a new epoch makes any file left by a crash midway unreadable as ours.
void SessionStore::logCleared()
{
    QMutexLocker lock(&m_mutex);
    if (!m_writer || m_closed)
        return;
    // Reads under way finish first; the writer goes next. Refs looked up before are stale from
    // here on: the new epoch reuses their seqs and offsets.
    m_reader->reset(m_epoch, nullptr);
    m_writer->stop();
    const QString trash =
        QDir(m_directory)
            .filePath(QString::fromLatin1(kStoreTrashPrefix) + QString::number(m_epoch));
    QDir().mkpath(trash);
    for (const Segment &s : m_segments)
        for (const RecordFile::Kind kind : {RecordFile::Kind::Heads, RecordFile::Kind::Bodies})
            QFile::rename(QDir(m_directory).filePath(segmentFileName(s.number, kind)),
                          QDir(trash).filePath(segmentFileName(s.number, kind)));
    std::thread([trash] { QDir(trash).removeRecursively(); }).detach();
    ++m_epoch;
    m_segments.clear();
    QString why;
    if (!writeManifest(false, &why) || !startWriting(1, m_epoch, &why)) {
        QMutexLocker warningLock(&m_warningMutex);
        m_lastWarning = why;
        m_writer.reset();
    }
}

qsizetype SessionStore::retentionDrop(const ExchangeStore &store)
{
    QMutexLocker lock(&m_mutex);
    const StoreRetention &r = m_options.retention;
    if (!r.any())
        return 0;
    qint64 exchanges = 0;
    for (const Segment &s : m_segments)
        exchanges += s.exchanges;
    qint64 bytes = diskBytesLocked();
    const qint64 oldestAllowedMs = r.maxAgeSeconds > 0 ? nowMs() - r.maxAgeSeconds * 1000 : 0;
    // Whole segments, oldest first, never the one being written.
    size_t dropped = 0;
    while (dropped + 1 < m_segments.size()) {
        const Segment &s = m_segments[dropped];
        const bool over = (r.maxExchanges > 0 && exchanges > r.maxExchanges) ||
                          (r.maxDiskBytes > 0 && bytes > r.maxDiskBytes) ||
                          (oldestAllowedMs > 0 && s.newestStartMs < oldestAllowedMs);
        if (!over)
            break;
        exchanges -= s.exchanges;
        bytes -= s.bytes;
        ++dropped;
    }
    if (dropped == 0)
        return 0;
    const quint64 firstKept = m_segments[dropped].firstSeq;
    return firstKept > store.firstSeq() ? qsizetype(firstKept - store.firstSeq()) : 0;
}

void SessionStore::logDropped(quint64 firstKeptSeq)
{
    QMutexLocker lock(&m_mutex);
    while (m_segments.size() > 1 && m_segments[1].firstSeq <= firstKeptSeq) {
        const Segment &s = m_segments.front();
        m_droppedByRetention += s.exchanges;
        m_reader->closeSegment(s.number);
        for (const RecordFile::Kind kind : {RecordFile::Kind::Heads, RecordFile::Kind::Bodies})
            QFile::remove(QDir(m_directory).filePath(segmentFileName(s.number, kind)));
        m_segments.erase(m_segments.begin());
    }
}

std::optional<BodyRef> SessionStore::put(quint64 seq, const QByteArray &bytes)
{
    QMutexLocker lock(&m_mutex);
    if (!m_writer || m_closed)
        return std::nullopt;
    const std::optional<BodyRef> ref = m_writer->addBody(seq, bytes);
    if (ref)
        m_segments.back().bytes += RecordFile::frameSize(qint64(sizeof(quint64)) + bytes.size());
    return ref;
}

quint64 SessionStore::generation() const
{
    return m_reader ? m_reader->generation() : 0;
}

bool SessionStore::get(BodyRef ref, quint64 generation, quint64 seq, qsizetype size,
                       QByteArray *bytes, QString *error) const
{
    if (!m_reader)
        return fail(error, QStringLiteral("the session store is closed"));
    if (!m_reader->read(ref, generation, seq, bytes, error))
        return false;
    if (bytes->size() != size) {
        bytes->clear();
        return fail(error, QStringLiteral("body of exchange %1: %2 bytes stored, %3 expected")
                               .arg(seq + 1)
                               .arg(bytes->size())
                               .arg(size));
    }
    return true;
}

} // namespace corslab::session
