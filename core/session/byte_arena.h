#pragma once

#include <QByteArrayView>
#include <memory>
#include <vector>

namespace corslab::session {

/// \brief Append-only storage for many small byte blobs, in large chunks.
///
/// One allocation per megabyte instead of one (plus malloc's overhead and a QByteArray header)
/// per blob: the packed part of each exchange and the bodies live here. Blobs never move and
/// are never freed one by one: clear() drops them all, dropFront() the oldest chunks. Not
/// thread-safe (the session locks).
class ByteArena
{
public:
    /// Where a blob lives: 12 bytes, instead of a 24-byte QByteArray and its heap block. Chunk
    /// ids are never reused, so a Ref stays valid across dropFront() until its chunk goes.
    struct Ref
    {
        quint32 chunk = 0;
        quint32 offset = 0;
        quint32 size = 0;
    };

    explicit ByteArena(qsizetype chunkSize = 1 << 20) : m_chunkSize(chunkSize) {}

    /// Copies \a bytes in; an empty blob takes no space. \a tag (the exchange's seq) tells
    /// dropFront() which chunks only old blobs use.
    Ref append(QByteArrayView bytes, quint64 tag = 0);
    QByteArrayView view(Ref ref) const
    {
        if (ref.size == 0)
            return {};
        return QByteArrayView(m_chunks[ref.chunk - m_firstChunk].data.get() + ref.offset, ref.size);
    }
    /// view() for a Ref that may be anything (read from disk): empty unless it lies wholly
    /// within a chunk still held.
    QByteArrayView checkedView(quint64 chunk, quint64 offset, quint64 size) const;
    /// Frees the oldest chunks whose blobs all have tags below \a tag (stopping at the first
    /// chunk that has a newer one). The other chunks keep their ids.
    void dropFront(quint64 tag);
    void clear()
    {
        m_chunks.clear();
        m_current = -1;
        m_firstChunk = 0;
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
        quint64 lastTag = 0; ///< the highest tag of a blob in it
    };
    Chunk &newChunk(qsizetype capacity, qsizetype used);

    qsizetype m_chunkSize;
    std::vector<Chunk> m_chunks; ///< m_chunks[i] has id m_firstChunk + i
    quint32 m_firstChunk = 0;    ///< the id of m_chunks[0]: ids stay stable when chunks go
    qsizetype m_current = -1;    ///< index in m_chunks of the shared chunk being filled
};

} // namespace corslab::session
