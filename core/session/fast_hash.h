#pragma once

#include <QByteArray>
#include <QHashFunctions>
#include <cstring>

namespace corslab::session {

/// Hash of \a bytes for the session's tables and memo keys: four independent multiply-xorshift
/// lanes over 8-byte words, then a final mix (~60 ns for 1 KB, ~5 ns for a header name).
///
/// Not qHash(QByteArray): with QHash's random seed Qt 6.4 takes its AES path, which measured
/// ~200 ns per short key inside the session (SSE/AVX transitions around `aesenc`), and with seed
/// 0 it takes SipHash (~270 ns for 1 KB). Fixed rather than random: captured traffic is the
/// user's own, hash flooding is not a concern.
inline size_t fastHash(QByteArrayView bytes)
{
    constexpr quint64 k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xff51afd7ed558ccdULL;
    const char *p = bytes.data();
    qsizetype n = bytes.size();
    quint64 h[4] = {k1 ^ quint64(n), k2, k1 + 1, k2 + 1};
    auto word = [](const char *at) {
        quint64 w;
        std::memcpy(&w, at, 8);
        return w;
    };
    while (n >= 32) {
        for (int lane = 0; lane < 4; ++lane) {
            h[lane] = (h[lane] ^ word(p + 8 * lane)) * k2;
            h[lane] ^= h[lane] >> 29;
        }
        p += 32;
        n -= 32;
    }
    quint64 acc = h[0] ^ (h[1] * k1) ^ (h[2] * k2) ^ (h[3] * (k1 + k2));
    while (n >= 8) {
        acc = (acc ^ word(p)) * k2;
        acc ^= acc >> 29;
        p += 8;
        n -= 8;
    }
    quint64 tail = 0;
    if (n > 0) // an empty view may have no data pointer at all
        std::memcpy(&tail, p, size_t(n));
    acc = (acc ^ tail ^ (quint64(n) << 56)) * k1;
    acc ^= acc >> 32;
    acc *= k2;
    acc ^= acc >> 29;
    return size_t(acc);
}

/// A QByteArray key hashed with fastHash().
struct BytesKey
{
    QByteArray bytes;
    bool operator==(const BytesKey &other) const { return bytes == other.bytes; }
};

inline size_t qHash(const BytesKey &key, size_t seed = 0)
{
    return fastHash(key.bytes) ^ seed;
}

} // namespace corslab::session
