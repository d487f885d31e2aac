#pragma once

#include <QtGlobal>
#include <cstddef>

namespace corslab::session {

/// CRC-32C (Castagnoli) of \a size bytes at \a data, continuing from \a seed (0 to start).
/// Uses the CPU's SSE4.2 instruction when it has one, a table otherwise: the same result either
/// way. It frames every record of the session store (Qt's qChecksum is a 16-bit CRC, too weak
/// to tell a torn frame in gigabytes).
quint32 crc32c(const void *data, std::size_t size, quint32 seed = 0);

/// True when the CPU has SSE4.2's CRC32 instruction (x86-64 only).
bool crc32cHardwareAvailable();
/// crc32c() with the table, whatever the CPU (tests compare it with the hardware's).
quint32 crc32cTable(const void *data, std::size_t size, quint32 seed = 0);
/// crc32c() with the CPU's instruction; the table when crc32cHardwareAvailable() is false.
quint32 crc32cHardware(const void *data, std::size_t size, quint32 seed = 0);

} // namespace corslab::session
