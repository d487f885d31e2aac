#include "record_file.h"

#include "crc32.h"

#include <QFile>
#include <QFileInfo>
#include <QtEndian>
#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace corslab::session {

namespace {

constexpr char kMagic[] = "CLSTORE\x01";
constexpr int kMagicSize = 8;
// File header fields after the magic.
constexpr int kKindAt = 8;
constexpr int kVersionAt = 9;
constexpr int kEpochAt = 12;
// Frame header fields: the CRC covers the bytes before kCrcAt.
constexpr int kTypeAt = 4;
constexpr int kCrcAt = 8;
// scan() reads this much at a time (more when a frame is larger).
constexpr qint64 kScanChunk = qint64(4) << 20;
constexpr mode_t kFileMode = 0644;
// writev() takes at most IOV_MAX buffers at once.
constexpr std::size_t kMaxIovecs = IOV_MAX;

using FrameHeader = std::array<char, RecordFile::kFrameHeaderSize>;

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

QString fileError(const QString &path, const QString &what)
{
    return QStringLiteral("session store %1: %2").arg(path, what);
}

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

QString kindName(quint8 kind)
{
    switch (RecordFile::Kind(kind)) {
    case RecordFile::Kind::Heads:
        return QStringLiteral("heads");
    case RecordFile::Kind::Bodies:
        return QStringLiteral("bodies");
    }
    return QStringLiteral("unknown (%1)").arg(kind);
}

// pread until \a size bytes are read or the file ends: false on an error (errno is set).
bool readFully(int fd, char *buffer, qint64 size, qint64 offset, qint64 *got)
{
    *got = 0;
    while (*got < size) {
        const ssize_t n = ::pread(fd, buffer + *got, std::size_t(size - *got), offset + *got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            break;
        *got += n;
    }
    return true;
}

bool writeFully(int fd, const char *data, qint64 size, qint64 offset)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pwrite(fd, data + done, std::size_t(size - done), offset + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        done += n;
    }
    return true;
}

// writev until every byte of \a iov is written; false on an error (errno is set). \a iov is
// consumed.
bool writevFully(int fd, std::vector<iovec> &iov, qint64 *written)
{
    std::size_t first = 0;
    while (first < iov.size()) {
        const std::size_t count = std::min(iov.size() - first, kMaxIovecs);
        const ssize_t n = ::writev(fd, iov.data() + first, int(count));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        *written += n;
        auto left = std::size_t(n);
        while (first < iov.size() && left >= iov[first].iov_len)
            left -= iov[first++].iov_len;
        if (left > 0) {
            iov[first].iov_base = static_cast<char *>(iov[first].iov_base) + left;
            iov[first].iov_len -= left;
        }
    }
    return true;
}

// Keeps the first \a budget bytes of \a iov (the failAfterBytes test hook).
void trimTo(std::vector<iovec> &iov, qint64 budget)
{
    std::size_t i = 0;
    for (; i < iov.size() && budget > 0; ++i) {
        const auto keep = std::min<qint64>(budget, qint64(iov[i].iov_len));
        iov[i].iov_len = std::size_t(keep);
        budget -= keep;
    }
    iov.resize(i);
}

void syncDirectoryOf(const QString &path)
{
    const QByteArray directory = QFile::encodeName(QFileInfo(path).absolutePath());
    const int fd = ::open(directory.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd); // best effort: the file's data is synced by its own sync()
        ::close(fd);
    }
}

quint32 frameCrc(const char *header, const char *payload, qint64 size)
{
    return crc32c(payload, std::size_t(size), crc32c(header, kCrcAt));
}

FrameHeader makeFrameHeader(const RecordFile::Frame &frame)
{
    FrameHeader header{};
    qToLittleEndian(quint32(frame.prefix.size() + frame.payload.size()), header.data());
    header[kTypeAt] = char(frame.type);
    quint32 crc = crc32c(header.data(), kCrcAt);
    crc = crc32c(frame.prefix.constData(), std::size_t(frame.prefix.size()), crc);
    crc = crc32c(frame.payload.constData(), std::size_t(frame.payload.size()), crc);
    qToLittleEndian(crc, header.data() + kCrcAt);
    return header;
}

} // namespace

RecordFile::~RecordFile()
{
    close();
}

void RecordFile::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool RecordFile::open(const QString &path, Kind kind, quint32 epoch, Mode mode, QString *error)
{
    close();
    m_path = path;
    m_kind = kind;
    m_epoch = epoch;
    m_mode = mode;
    m_end = 0;
    m_sealed = false;
    m_scanned = false;
    const int flags = (mode == Mode::ReadOnly ? O_RDONLY : O_RDWR | O_CREAT) | O_CLOEXEC;
    m_fd = ::open(QFile::encodeName(path).constData(), flags, kFileMode);
    if (m_fd < 0) {
        setError(error, fileError(path, errnoText(errno)));
        return false;
    }
    struct stat info = {};
    if (::fstat(m_fd, &info) != 0) {
        setError(error, fileError(path, errnoText(errno)));
        close();
        return false;
    }
    const bool ok = info.st_size < kFileHeaderSize ? writeHeader(qint64(info.st_size), error)
                                                   : checkHeader(error);
    if (!ok)
        close();
    return ok;
}

bool RecordFile::writeHeader(qint64 size, QString *error)
{
    if (m_mode == Mode::ReadOnly) {
        setError(error, fileError(m_path, QStringLiteral("too short to be a session store file "
                                                         "(%1 bytes)")
                                              .arg(size)));
        return false;
    }
    // Shorter than a header: new, or created by a crash before its header was whole.
    std::array<char, kFileHeaderSize> header{};
    std::memcpy(header.data(), kMagic, kMagicSize);
    header[kKindAt] = char(m_kind);
    header[kVersionAt] = char(kFormatVersion);
    qToLittleEndian(m_epoch, header.data() + kEpochAt);
    if ((size > 0 && ::ftruncate(m_fd, 0) != 0) ||
        !writeFully(m_fd, header.data(), kFileHeaderSize, 0)) {
        setError(error, fileError(m_path, errnoText(errno)));
        return false;
    }
    // The new directory entry must survive a crash along with the data synced later.
    syncDirectoryOf(m_path);
    m_end = kFileHeaderSize;
    m_scanned = true;
    return true;
}

bool RecordFile::checkHeader(QString *error)
{
    std::array<char, kFileHeaderSize> header{};
    qint64 got = 0;
    if (!readFully(m_fd, header.data(), kFileHeaderSize, 0, &got)) {
        setError(error, fileError(m_path, errnoText(errno)));
        return false;
    }
    if (got != kFileHeaderSize) {
        setError(error, fileError(m_path, QStringLiteral("shorter than its header")));
        return false;
    }
    if (std::memcmp(header.data(), kMagic, kMagicSize) != 0) {
        setError(error, fileError(m_path, QStringLiteral("not a session store file")));
        return false;
    }
    const auto version = quint8(header[kVersionAt]);
    if (version == 0) {
        setError(error, fileError(m_path, QStringLiteral("damaged header (format version 0)")));
        return false;
    }
    if (version > kFormatVersion) {
        setError(error, fileError(m_path, QStringLiteral("written by a newer version of CORS Lab "
                                                         "(format %1; this one reads up to %2)")
                                              .arg(version)
                                              .arg(kFormatVersion)));
        return false;
    }
    const auto kind = quint8(header[kKindAt]);
    if (kind != quint8(m_kind)) {
        setError(error, fileError(m_path, QStringLiteral("a %1 file, expected a %2 file")
                                              .arg(kindName(kind), kindName(quint8(m_kind)))));
        return false;
    }
    const auto epoch = qFromLittleEndian<quint32>(header.data() + kEpochAt);
    if (epoch != m_epoch) {
        setError(error, fileError(m_path, QStringLiteral("of store epoch %1, expected epoch %2 "
                                                         "(a file left by a Clear)")
                                              .arg(epoch)
                                              .arg(m_epoch)));
        return false;
    }
    return true;
}

RecordFile::Scan RecordFile::scan(const std::function<bool(quint8, QByteArrayView, qint64)> &visit,
                                  QString *error)
{
    Scan result;
    result.validLength = kFileHeaderSize;
    if (!isOpen()) {
        setError(error, fileError(m_path, QStringLiteral("not open")));
        return result;
    }
    struct stat info = {};
    if (::fstat(m_fd, &info) != 0) {
        setError(error, fileError(m_path, errnoText(errno)));
        return result;
    }
    const auto size = qint64(info.st_size);
    QByteArray buffer;
    qint64 bufferStart = 0;
    // Makes [at, at + bytes) of the file available in buffer; false on a read error.
    auto load = [&](qint64 at, qint64 bytes) {
        if (at >= bufferStart && at + bytes <= bufferStart + buffer.size())
            return true;
        const qint64 length = std::min(std::max(bytes, kScanChunk), size - at);
        buffer.resize(length);
        bufferStart = at;
        qint64 got = 0;
        if (!readFully(m_fd, buffer.data(), length, at, &got) || got < bytes) {
            setError(error, fileError(m_path, got < bytes ? QStringLiteral("the file shrank while "
                                                                           "it was read")
                                                          : errnoText(errno)));
            return false;
        }
        return true;
    };
    qint64 at = kFileHeaderSize;
    bool stoppedEarly = false;
    while (size - at >= kFrameHeaderSize) {
        if (!load(at, kFrameHeaderSize))
            return result;
        const char *header = buffer.constData() + (at - bufferStart);
        const qint64 length = qFromLittleEndian<quint32>(header);
        if (length > kMaxPayload || frameSize(length) > size - at)
            break; // damage, or a frame torn by a crash
        if (!load(at, frameSize(length)))
            return result;
        header = buffer.constData() + (at - bufferStart);
        const char *payload = header + kFrameHeaderSize;
        if (frameCrc(header, payload, length) != qFromLittleEndian<quint32>(header + kCrcAt))
            break;
        ++result.frames;
        const qint64 frameAt = at;
        at += frameSize(length);
        result.validLength = at;
        if (visit && !visit(quint8(header[kTypeAt]), QByteArrayView(payload, length), frameAt)) {
            stoppedEarly = true;
            break;
        }
    }
    if (stoppedEarly)
        return result;
    result.cutBytes = size - result.validLength;
    if (m_mode == Mode::ReadWrite) {
        if (result.cutBytes > 0 && ::ftruncate(m_fd, result.validLength) != 0) {
            setError(
                error,
                fileError(m_path,
                          QStringLiteral("cannot cut its torn tail: %1").arg(errnoText(errno))));
            return result;
        }
        m_end = result.validLength;
        m_scanned = true;
    }
    return result;
}

bool RecordFile::append(const std::vector<Frame> &frames, QString *error, int *errnoOut)
{
    auto fail = [&](int err, const QString &what) {
        setError(error, fileError(m_path, what));
        if (errnoOut)
            *errnoOut = err;
        return false;
    };
    if (!isOpen() || m_mode != Mode::ReadWrite)
        return fail(EBADF, QStringLiteral("not open for writing"));
    if (m_sealed)
        return fail(EIO, QStringLiteral("no longer written after an earlier failure"));
    if (!m_scanned)
        return fail(EINVAL, QStringLiteral("appending before its end is known (scan() first)"));
    std::vector<FrameHeader> headers;
    headers.reserve(frames.size());
    std::vector<iovec> iov;
    iov.reserve(frames.size() * 3);
    qint64 total = 0;
    for (const Frame &frame : frames) {
        const qint64 payloadSize = frame.prefix.size() + frame.payload.size();
        if (payloadSize > kMaxPayload)
            return fail(EINVAL, QStringLiteral("a frame of %1 bytes is over the limit of %2")
                                    .arg(payloadSize)
                                    .arg(kMaxPayload));
        headers.push_back(makeFrameHeader(frame));
        iov.push_back({headers.back().data(), std::size_t(kFrameHeaderSize)});
        for (const QByteArray *part : {&frame.prefix, &frame.payload}) {
            if (!part->isEmpty())
                iov.push_back({const_cast<char *>(part->constData()), std::size_t(part->size())});
        }
        total += frameSize(payloadSize);
    }
    const qint64 budget = m_failAfterBytes < 0 ? total : std::min(total, m_failAfterBytes);
    if (budget < total)
        trimTo(iov, budget);
    qint64 written = 0;
    bool ok = ::lseek(m_fd, m_end, SEEK_SET) == m_end && writevFully(m_fd, iov, &written);
    int err = ok ? 0 : errno;
    if (m_failAfterBytes >= 0)
        m_failAfterBytes -= written;
    if (ok && budget < total) {
        ok = false;
        err = ENOSPC;
    }
    if (ok) {
        m_end += total;
        return true;
    }
    // Never leave a torn frame behind: later frames would be unreachable.
    QString why = errnoText(err);
    if (::ftruncate(m_fd, m_end) != 0) {
        m_sealed = true;
        why += QStringLiteral(" (and its torn end cannot be cut: %1; no more writes to it)")
                   .arg(errnoText(errno));
    }
    return fail(err, why);
}

bool RecordFile::sync(QString *error, int *errnoOut)
{
    if (!isOpen()) {
        setError(error, fileError(m_path, QStringLiteral("not open")));
        if (errnoOut)
            *errnoOut = EBADF;
        return false;
    }
    int rc = 0;
    do {
        rc = ::fdatasync(m_fd);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0)
        return true;
    const int err = errno;
    setError(error, fileError(m_path, errnoText(err)));
    if (errnoOut)
        *errnoOut = err;
    return false;
}

bool RecordFile::readFrameAt(int fd, qint64 offset, quint8 type, QByteArray *payload,
                             QString *error)
{
    auto fail = [&](const QString &what) {
        payload->clear(); // never half a frame
        setError(error, QStringLiteral("frame at offset %1: %2").arg(offset).arg(what));
        return false;
    };
    if (offset < kFileHeaderSize)
        return fail(QStringLiteral("inside the file header"));
    FrameHeader header{};
    qint64 got = 0;
    if (!readFully(fd, header.data(), kFrameHeaderSize, offset, &got))
        return fail(errnoText(errno));
    if (got < kFrameHeaderSize)
        return fail(QStringLiteral("past the end of the file (not written, or cut after a crash)"));
    const qint64 length = qFromLittleEndian<quint32>(header.data());
    if (length > kMaxPayload)
        return fail(QStringLiteral("damaged (a length of %1 bytes)").arg(length));
    if (quint8(header[kTypeAt]) != type)
        return fail(QStringLiteral("damaged, or not the start of a frame of type %1").arg(type));
    payload->resize(length);
    if (!readFully(fd, payload->data(), length, offset + kFrameHeaderSize, &got))
        return fail(errnoText(errno));
    if (got < length)
        return fail(QStringLiteral("torn (the file ends inside it)"));
    if (frameCrc(header.data(), payload->constData(), length) !=
        qFromLittleEndian<quint32>(header.data() + kCrcAt)) {
        return fail(QStringLiteral("damaged (its checksum does not match)"));
    }
    return true;
}

} // namespace corslab::session
