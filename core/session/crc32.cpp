#include "crc32.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define CORSLAB_CRC32C_SSE42 1
#endif

namespace corslab::session {

namespace {

// CRC-32C's polynomial 0x1EDC6F41, bit-reversed (the CRC is computed least significant bit first).
constexpr quint32 kPolynomial = 0x82F63B78U;
constexpr int kBitsPerByte = 8;
constexpr int kTableSize = 256;
constexpr quint32 kLowByte = 0xFFU;

constexpr std::array<quint32, kTableSize> makeTable()
{
    std::array<quint32, kTableSize> table{};
    for (quint32 i = 0; i < kTableSize; ++i) {
        quint32 crc = i;
        for (int bit = 0; bit < kBitsPerByte; ++bit)
            crc = (crc & 1U) ? (crc >> 1) ^ kPolynomial : crc >> 1;
        table[i] = crc;
    }
    return table;
}

constexpr std::array<quint32, kTableSize> kTable = makeTable();

#ifdef CORSLAB_CRC32C_SSE42
__attribute__((target("sse4.2"))) quint32 hardwareUpdate(quint32 crc, const unsigned char *p,
                                                         std::size_t size)
{
    quint64 wide = crc;
    while (size >= sizeof(quint64)) {
        quint64 word = 0;
        std::memcpy(&word, p, sizeof word); // unaligned load, any alignment
        wide = _mm_crc32_u64(wide, word);
        p += sizeof word;
        size -= sizeof word;
    }
    auto narrow = static_cast<quint32>(wide);
    for (; size > 0; --size)
        narrow = _mm_crc32_u8(narrow, *p++);
    return narrow;
}
#endif

using Update = quint32 (*)(quint32, const unsigned char *, std::size_t);

quint32 tableUpdate(quint32 crc, const unsigned char *p, std::size_t size)
{
    for (; size > 0; --size)
        crc = kTable[(crc ^ *p++) & kLowByte] ^ (crc >> kBitsPerByte);
    return crc;
}

// Chosen once: the CPU does not change while the process runs.
Update chooseUpdate()
{
#ifdef CORSLAB_CRC32C_SSE42
    if (crc32cHardwareAvailable())
        return hardwareUpdate;
#endif
    return tableUpdate;
}

} // namespace

bool crc32cHardwareAvailable()
{
#ifdef CORSLAB_CRC32C_SSE42
    return __builtin_cpu_supports("sse4.2");
#else
    return false;
#endif
}

quint32 crc32cTable(const void *data, std::size_t size, quint32 seed)
{
    return ~tableUpdate(~seed, static_cast<const unsigned char *>(data), size);
}

quint32 crc32cHardware(const void *data, std::size_t size, quint32 seed)
{
#ifdef CORSLAB_CRC32C_SSE42
    if (crc32cHardwareAvailable())
        return ~hardwareUpdate(~seed, static_cast<const unsigned char *>(data), size);
#endif
    return crc32cTable(data, size, seed);
}

quint32 crc32c(const void *data, std::size_t size, quint32 seed)
{
    static const Update update = chooseUpdate();
    return ~update(~seed, static_cast<const unsigned char *>(data), size);
}

} // namespace corslab::session
