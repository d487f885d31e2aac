#pragma once

#include <QByteArray>
#include <QtGlobal>

/// LEB128 variable-length integers: the packed exchange records are mostly small numbers (ids,
/// ports, lengths), which take one or two bytes this way instead of four or eight.
namespace corslab::session::varint {

inline void append(QByteArray &out, quint64 value)
{
    while (value >= 0x80) {
        out.append(char((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.append(char(value));
}

/// Reads one value at \a p and advances it; returns 0 (and sets \a p to \a end) on truncated
/// input (bytes restored from disk may be anything: reading never goes past \a end).
inline quint64 read(const char *&p, const char *end)
{
    quint64 value = 0;
    for (int shift = 0; p < end && shift < 64; shift += 7) {
        const auto byte = quint8(*p++);
        value |= quint64(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return value;
    }
    p = end;
    return 0;
}

/// Reads one value at \a p into \a value and advances \a p; false (\a p unchanged) when the
/// input ends before the value does or the value needs more than 64 bits.
inline bool tryRead(const char *&p, const char *end, quint64 &value)
{
    constexpr int kMaxBytes = 10; // 64 bits in 7-bit groups
    quint64 v = 0;
    const char *at = p;
    for (int i = 0; at < end && i < kMaxBytes; ++i) {
        const auto byte = quint8(*at++);
        if (i == kMaxBytes - 1 && byte > 1)
            return false; // beyond 64 bits
        v |= quint64(byte & 0x7F) << (7 * i);
        if (!(byte & 0x80)) {
            value = v;
            p = at;
            return true;
        }
    }
    return false;
}

/// Signed values (times, which may be anything a file says) as zigzag, so small magnitudes stay
/// short whatever their sign.
inline void appendSigned(QByteArray &out, qint64 value)
{
    append(out, (quint64(value) << 1) ^ quint64(value >> 63));
}
inline qint64 readSigned(const char *&p, const char *end)
{
    const quint64 v = read(p, end);
    return qint64(v >> 1) ^ -qint64(v & 1);
}

} // namespace corslab::session::varint
