#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace corslab::base {

/// Appends \a bytes to \a out as a JSON string, quotes included. \a latin1: each byte is one
/// character (U+0000-U+00FF), so any header bytes survive; otherwise the bytes are UTF-8 text.
/// Runs of bytes that need no escaping are copied in one append (header values mostly are).
void appendString(QByteArray &out, QByteArrayView bytes, bool latin1);

/// "2024-05-01T10:41:03.120Z": \a ms since the epoch in ISO 8601, UTC, with milliseconds. By
/// hand, because QDateTime::toString() costs microseconds and large files hold millions.
QByteArray isoTimeUtc(qint64 ms);

} // namespace corslab::base
