#include "byte_arena.h"

#include <cstring>

namespace corslab::session {

ByteArena::Ref ByteArena::append(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return {};
    const qsizetype n = bytes.size();
    if (n > m_chunkSize / 4) {
        // A large blob gets a chunk of its own, and the shared chunk keeps filling afterwards.
        m_chunks.push_back({std::make_unique_for_overwrite<char[]>(size_t(n)), n, n});
        std::memcpy(m_chunks.back().data.get(), bytes.data(), size_t(n));
        return {quint32(m_chunks.size() - 1), 0, quint32(n)};
    }
    if (m_current < 0 ||
        m_chunks[size_t(m_current)].capacity - m_chunks[size_t(m_current)].used < n) {
        m_chunks.push_back(
            {std::make_unique_for_overwrite<char[]>(size_t(m_chunkSize)), m_chunkSize, 0});
        m_current = qsizetype(m_chunks.size() - 1);
    }
    Chunk &c = m_chunks[size_t(m_current)];
    std::memcpy(c.data.get() + c.used, bytes.data(), size_t(n));
    const Ref ref{quint32(m_current), quint32(c.used), quint32(n)};
    c.used += n;
    return ref;
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
