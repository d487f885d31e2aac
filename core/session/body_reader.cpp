#include "body_reader.h"

#include <QDir>
#include <QtEndian>
#include <atomic>

namespace corslab::session {

namespace {

quint64 newGeneration()
{
    static std::atomic<quint64> last{0};
    return ++last;
}

} // namespace

BodyReader::BodyReader(QString directory, quint32 epoch, const StoreWriter *writer)
    : m_directory(std::move(directory)), m_epoch(epoch), m_generation(newGeneration()),
      m_writer(writer)
{
}

BodyReader::~BodyReader()
{
    closeAll();
}

bool BodyReader::read(BodyLocation location, quint64 generation, quint64 seq, QByteArray *body,
                      QString *error) const
{
    // pread is thread-safe; the lock guards the list of files, the writer and the generation
    // (reset() changes them: a Clear).
    QMutexLocker lock(&m_mutex);
    QString why;
    if (generation == m_generation && readBody(location, seq, body, &why))
        return true;
    if (generation != m_generation)
        why = QStringLiteral("the session was cleared or replaced since it was looked up");
    body->clear();
    if (error)
        *error = QStringLiteral("body of exchange %1 unreadable: %2").arg(seq).arg(why);
    return false;
}

bool BodyReader::readBody(BodyLocation location, quint64 seq, QByteArray *body,
                          QString *error) const
{
    if (readFile(location, seq, body, error))
        return true;
    if (!m_writer)
        return false;
    // Not in the file (yet): still queued? The writer removes a body from its queue only after
    // writing it, so when it is not there any more the file has it: read again.
    quint64 queuedSeq = 0;
    if (const auto pending = m_writer->pendingBody(location, &queuedSeq)) {
        if (queuedSeq == seq) {
            *body = *pending;
            return true;
        }
        *error = QStringLiteral("the body queued there is exchange %1's").arg(queuedSeq);
        return false;
    }
    return readFile(location, seq, body, error);
}

bool BodyReader::readFile(BodyLocation location, quint64 seq, QByteArray *body,
                          QString *error) const
{
    const int fd = fdOf(location.segment, error);
    if (fd < 0)
        return false;
    QString why;
    if (!RecordFile::readFrameAt(fd, qint64(location.offset), StoreWriter::kBodyFrame, body,
                                 &why)) {
        *error = segmentFileName(location.segment, RecordFile::Kind::Bodies) +
                 QStringLiteral(": ") + why;
        return false;
    }
    const quint64 stored =
        body->size() >= StoreWriter::kSeqBytes ? qFromLittleEndian<quint64>(body->constData()) : 0;
    if (body->size() < StoreWriter::kSeqBytes || stored != seq) {
        *error = QStringLiteral("%1: the frame at offset %2 holds another exchange's body")
                     .arg(segmentFileName(location.segment, RecordFile::Kind::Bodies))
                     .arg(location.offset);
        body->clear();
        return false;
    }
    body->remove(0, StoreWriter::kSeqBytes);
    return true;
}

int BodyReader::fdOf(quint32 segment, QString *error) const
{
    for (auto it = m_fds.begin(); it != m_fds.end(); ++it) {
        if (it->first == segment) {
            m_fds.splice(m_fds.begin(), m_fds, it); // most recently used first
            return m_fds.front().second->fd();
        }
    }
    auto file = std::make_unique<RecordFile>();
    const QString path =
        QDir(m_directory).filePath(segmentFileName(segment, RecordFile::Kind::Bodies));
    if (!file->open(path, RecordFile::Kind::Bodies, m_epoch, RecordFile::Mode::ReadOnly, error))
        return -1;
    m_fds.emplace_front(segment, std::move(file));
    if (m_fds.size() > std::size_t(kOpenFiles))
        m_fds.pop_back();
    return m_fds.front().second->fd();
}

quint64 BodyReader::generation() const
{
    QMutexLocker lock(&m_mutex);
    return m_generation;
}

void BodyReader::reset(quint32 epoch, const StoreWriter *writer)
{
    QMutexLocker lock(&m_mutex);
    m_fds.clear();
    m_epoch = epoch;
    m_generation = newGeneration();
    m_writer = writer;
}

void BodyReader::closeAll()
{
    QMutexLocker lock(&m_mutex);
    m_fds.clear();
}

void BodyReader::closeSegment(quint32 segment)
{
    QMutexLocker lock(&m_mutex);
    m_fds.remove_if([segment](const auto &entry) { return entry.first == segment; });
}

QString segmentFileName(quint32 segment, RecordFile::Kind kind)
{
    constexpr int kDigits = 6;
    constexpr int kDecimal = 10;
    return QStringLiteral("seg-%1.%2")
        .arg(segment, kDigits, kDecimal, QLatin1Char('0'))
        .arg(kind == RecordFile::Kind::Heads ? QStringLiteral("heads") : QStringLiteral("bodies"));
}

} // namespace corslab::session
