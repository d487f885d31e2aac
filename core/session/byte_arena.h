#pragma once

#include <QByteArrayView>
#include <memory>
#include <vector>

namespace corslab::session {

/// \brief Append-only storage for many small byte blobs, in large chunks.
///
/// One allocation per megabyte instead of one (plus malloc's overhead and a QByteArray header)
/// per blob: the packed part of each exchange and the bodies live here. Blobs never move and
/// are never freed one by one; clear() drops them all. Not thread-safe (the session locks).
class ByteArena
{
public:
    /// Where a blob lives: 12 bytes, instead of a 24-byte QByteArray and its heap block.
    struct Ref
    {
        quint32 chunk = 0;
        quint32 offset = 0;
        quint32 size = 0;
    };

    explicit ByteArena(qsizetype chunkSize = 1 << 20) : m_chunkSize(chunkSize) {}

    /// Copies \a bytes in; an empty blob takes no space.
    Ref append(QByteArrayView bytes);
    QByteArrayView view(Ref ref) const
    {
        if (ref.size == 0)
            return {};
        return QByteArrayView(m_chunks[ref.chunk].data.get() + ref.offset, ref.size);
    }
    void clear()
    {
        m_chunks.clear();
        m_current = -1;
    }
    /// Bytes reserved in chunks (what the arena costs in memory, whether used or not).
    qint64 bytesReserved() const;
    /// Bytes of blobs stored.
    qint64 bytesUsed() const;

private:
    struct Chunk
    {
        std::unique_ptr<char[]> data;
        qsizetype capacity = 0;
        qsizetype used = 0;
    };
    qsizetype m_chunkSize;
    std::vector<Chunk> m_chunks;
    qsizetype m_current = -1; ///< the shared chunk being filled
};

} // namespace corslab::session
