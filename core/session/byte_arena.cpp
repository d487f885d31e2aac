#include "byte_arena.h"

#include <cstring>

namespace corslab::session {

ByteArena::Chunk &ByteArena::newChunk(qsizetype capacity, qsizetype used)
{
    m_chunks.push_back({std::make_unique_for_overwrite<char[]>(size_t(capacity)), capacity, used});
    return m_chunks.back();
}

ByteArena::Ref ByteArena::append(QByteArrayView bytes, quint64 tag)
{
    if (bytes.isEmpty())
        return {};
    const qsizetype n = bytes.size();
    if (n > m_chunkSize / 4) {
        // A large blob gets a chunk of its own, and the shared chunk keeps filling afterwards.
        Chunk &own = newChunk(n, n);
        own.lastTag = tag;
        std::memcpy(own.data.get(), bytes.data(), size_t(n));
        return {quint32(m_firstChunk + m_chunks.size() - 1), 0, quint32(n)};
    }
    if (m_current < 0 ||
        m_chunks[size_t(m_current)].capacity - m_chunks[size_t(m_current)].used < n) {
        newChunk(m_chunkSize, 0);
        m_current = qsizetype(m_chunks.size() - 1);
    }
    Chunk &c = m_chunks[size_t(m_current)];
    std::memcpy(c.data.get() + c.used, bytes.data(), size_t(n));
    const Ref ref{quint32(m_firstChunk + quint64(m_current)), quint32(c.used), quint32(n)};
    c.used += n;
    c.lastTag = std::max(c.lastTag, tag);
    return ref;
}

QByteArrayView ByteArena::checkedView(quint64 chunk, quint64 offset, quint64 size) const
{
    if (size == 0 || chunk < m_firstChunk || chunk - m_firstChunk >= m_chunks.size())
        return {};
    const Chunk &c = m_chunks[size_t(chunk - m_firstChunk)];
    if (offset > quint64(c.used) || size > quint64(c.used) - offset)
        return {};
    return QByteArrayView(c.data.get() + offset, qsizetype(size));
}

void ByteArena::dropFront(quint64 tag)
{
    size_t n = 0;
    while (n < m_chunks.size() && m_chunks[n].lastTag < tag)
        ++n;
    if (n == 0)
        return;
    m_chunks.erase(m_chunks.begin(), m_chunks.begin() + qsizetype(n));
    m_firstChunk += quint32(n);
    // The shared chunk may have gone with them: the next small blob then starts a new one.
    m_current = m_current < qsizetype(n) ? -1 : m_current - qsizetype(n);
}

qint64 ByteArena::bytesReserved() const
{
    qint64 total = 0;
    for (const Chunk &c : m_chunks)
        total += c.capacity;
    return total;
}

qint64 ByteArena::bytesUsed() const
{
    qint64 total = 0;
    for (const Chunk &c : m_chunks)
        total += c.used;
    return total;
}

} // namespace corslab::session
