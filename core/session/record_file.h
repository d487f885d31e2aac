#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <functional>
#include <vector>

namespace corslab::session {

/// \brief One append-only log file of the session store: a 16-byte file header, then frames.
///
/// File header: the magic "CLSTORE\x01" (8 bytes), the FileKind (1), the format version (1),
/// 2 reserved bytes, the store's epoch (4, little endian). Frame: payload length (u32 LE), type
/// (u8), flags (u8), 2 reserved bytes, CRC-32C (u32 LE) over the first 8 header bytes and then
/// the payload; then the payload. Append-only, so damage can only be at the end: scan() stops at
/// the first frame that is short, too long, runs past the end or fails its CRC (the torn tail of
/// a crash) and, opened for writing, cuts the file there. Nothing after a bad frame is ever read.
/// Not thread-safe; pread-based readers (readFrameAt) may run beside one appender.
class RecordFile
{
public:
    enum class Kind : quint8 { Heads = 1, Bodies = 2 };
    enum class Mode { ReadOnly, ReadWrite };
    static constexpr int kFileHeaderSize = 16;
    static constexpr int kFrameHeaderSize = 12;
    static constexpr quint8 kFormatVersion = 1;
    /// No frame is longer: a larger length is damage, not data.
    static constexpr qint64 kMaxPayload = qint64(64) << 20;

    struct Frame
    {
        quint8 type = 0;
        QByteArray payload;
        /// Written just before \a payload, as the start of the frame's payload: a caller puts a
        /// small header in front of a shared buffer without copying the buffer.
        QByteArray prefix;
    };
    /// What scan() found.
    struct Scan
    {
        qint64 frames = 0;      ///< whole frames read
        qint64 validLength = 0; ///< bytes up to the end of the last whole frame
        qint64 cutBytes = 0;    ///< bytes after it (the torn tail): cut when opened for writing
    };

    RecordFile() = default;
    ~RecordFile();
    RecordFile(const RecordFile &) = delete;
    RecordFile &operator=(const RecordFile &) = delete;

    /// Opens \a path. ReadWrite creates it (with its header) when missing, empty or shorter than
    /// a header (a crash while it was being created). A file of another kind or epoch, or a
    /// newer format version, is refused with \a error naming the file and what was expected.
    /// Appending starts at the end of the last whole frame, which is found by scan(): call it
    /// before append() when the file existed.
    bool open(const QString &path, Kind kind, quint32 epoch, Mode mode, QString *error);
    void close();
    bool isOpen() const { return m_fd >= 0; }
    QString path() const { return m_path; }
    int fd() const { return m_fd; }

    /// Reads every whole frame in order, calling \a visit(type, payload, offset of the frame
    /// header) (the view is valid during the call; return false to stop early). Reads in large
    /// buffers. Opened for writing, the torn tail is truncated and append() may follow (not
    /// after an early stop or a read error). \a error is set only when reading failed.
    Scan scan(const std::function<bool(quint8 type, QByteArrayView payload, qint64 offset)> &visit,
              QString *error);

    /// Bytes a frame with \a payloadSize bytes of payload takes in the file.
    static qint64 frameSize(qint64 payloadSize) { return kFrameHeaderSize + payloadSize; }
    /// Offset where the next appended frame starts (0 for an existing file until scan()).
    qint64 end() const { return m_end; }

    /// Writes \a frames at end() in one writev() (split only past IOV_MAX). On failure the file
    /// is truncated back to end() before the call (when that fails too the file is sealed: every
    /// later append() fails), \a error says why and \a errnoOut (may be null) gets errno.
    bool append(const std::vector<Frame> &frames, QString *error, int *errnoOut = nullptr);
    /// Refuses every later append(): the caller gave up on this file after a failure.
    void seal() { m_sealed = true; }
    bool isSealed() const { return m_sealed; }
    /// fdatasync(): what append() wrote survives a crash or power loss.
    bool sync(QString *error, int *errnoOut = nullptr);

    /// Reads the frame at \a offset of the open file \a fd with pread (thread-safe): its
    /// payload when the frame is whole, of type \a type and passes its CRC; otherwise false with
    /// \a error.
    static bool readFrameAt(int fd, qint64 offset, quint8 type, QByteArray *payload,
                            QString *error);

    /// Test hook: append() fails with ENOSPC once \a bytes more bytes were written (<0: never).
    void setFailAfterBytes(qint64 bytes) { m_failAfterBytes = bytes; }

private:
    bool writeHeader(qint64 size, QString *error);
    bool checkHeader(QString *error);

    QString m_path;
    int m_fd = -1;
    Kind m_kind = Kind::Heads;
    quint32 m_epoch = 0;
    Mode m_mode = Mode::ReadOnly;
    qint64 m_end = 0;
    bool m_sealed = false;
    qint64 m_failAfterBytes = -1;
    bool m_scanned = false; ///< end() is known: a new file, or scan() read it to the end
};

} // namespace corslab::session
