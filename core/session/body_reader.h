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
class BodyReader
{
public:
    /// Reads segments of the store in \a directory (of epoch \a epoch); \a writer (may be null)
    /// answers for bodies not written yet.
    BodyReader(QString directory, quint32 epoch, const StoreWriter *writer = nullptr);
    ~BodyReader();
    BodyReader(const BodyReader &) = delete;
    BodyReader &operator=(const BodyReader &) = delete;

    /// The body of exchange \a seq at \a location: true with its bytes, or false with \a error
    /// ("body of exchange 12 unreadable: ...") when it is missing, torn or damaged. Never
    /// returns wrong bytes.
    bool read(BodyLocation location, quint64 seq, QByteArray *body, QString *error) const;

    /// Reads the files of epoch \a epoch from now on, \a writer answering for bodies not written
    /// yet (null: none), once every read under way has finished (a Clear).
    void reset(quint32 epoch, const StoreWriter *writer);
    /// Closes every file (before the store deletes segments or moves them aside).
    void closeAll();
    /// Closes segment \a segment's file (it is being deleted).
    void closeSegment(quint32 segment);

private:
    int fdOf(quint32 segment, QString *error) const;
    /// m_mutex held.
    bool readFile(BodyLocation location, quint64 seq, QByteArray *body, QString *error) const;

    QString m_directory;
    quint32 m_epoch;
    const StoreWriter *m_writer;
    mutable QMutex m_mutex;
    /// Open bodies files, most recently used first; at most kOpenFiles.
    static constexpr int kOpenFiles = 16;
    mutable std::list<std::pair<quint32, std::unique_ptr<RecordFile>>> m_fds;
};

/// `seg-000012.heads` / `seg-000012.bodies`: the file names of segment \a segment.
QString segmentFileName(quint32 segment, RecordFile::Kind kind);

} // namespace corslab::session
