#pragma once

#include "store_writer.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <list>
#include <memory>

namespace corslab::session {

/// \brief Reads stored bodies back from the store's bodies files with pread: thread-safe, no
/// mapping (mapped pages would count in the process's resident memory), the frame's CRC checked
/// on every read. A body still in the writer's queue comes from there.
///
/// A Clear starts the store over (seqs from 0 again, the same offsets in the same segment
/// numbers), so a ref looked up before it could name another exchange's body of the same seq:
/// each read names the generation() its ref was looked up in, and a reset() starts a new one.
class BodyReader
{
public:
    /// Reads segments of the store in \a directory (of epoch \a epoch); \a writer (may be null)
    /// answers for bodies not written yet.
    BodyReader(QString directory, quint32 epoch, const StoreWriter *writer = nullptr);
    ~BodyReader();
    BodyReader(const BodyReader &) = delete;
    BodyReader &operator=(const BodyReader &) = delete;

    /// The body of exchange \a seq at \a location, looked up in \a generation: true with its
    /// bytes, or false with \a error ("body of exchange 12 unreadable: ...") when it is missing,
    /// torn, damaged or from another generation. Never returns wrong bytes.
    bool read(BodyLocation location, quint64 generation, quint64 seq, QByteArray *body,
              QString *error) const;
    /// Which refs read() accepts now: unique in the process (a ref from another store's reader
    /// is refused too).
    quint64 generation() const;

    /// Reads the files of epoch \a epoch from now on, \a writer answering for bodies not written
    /// yet (null: none), once every read under way has finished (a Clear). Starts a new
    /// generation: refs looked up before are refused.
    void reset(quint32 epoch, const StoreWriter *writer);
    /// Closes every file (before the store deletes segments or moves them aside).
    void closeAll();
    /// Closes segment \a segment's file (it is being deleted).
    void closeSegment(quint32 segment);

private:
    int fdOf(quint32 segment, QString *error) const;
    /// m_mutex held: from the file, else from the writer's queue.
    bool readBody(BodyLocation location, quint64 seq, QByteArray *body, QString *error) const;
    /// m_mutex held.
    bool readFile(BodyLocation location, quint64 seq, QByteArray *body, QString *error) const;

    QString m_directory;
    quint32 m_epoch;
    quint64 m_generation;
    const StoreWriter *m_writer;
    mutable QMutex m_mutex;
    /// Open bodies files, most recently used first; at most kOpenFiles.
    static constexpr int kOpenFiles = 16;
    mutable std::list<std::pair<quint32, std::unique_ptr<RecordFile>>> m_fds;
};

/// `seg-000012.heads` / `seg-000012.bodies`: the file names of segment \a segment.
QString segmentFileName(quint32 segment, RecordFile::Kind kind);

} // namespace corslab::session
