#pragma once

#include <QString>
#include <optional>

namespace corslab::base {

/// "512", "300K", "20M", "1.5G", "2T" (powers of 1024; a trailing "B" or "iB" is allowed):
/// bytes, or none when \a text is not a size.
std::optional<qint64> parseByteSize(const QString &text);
/// "90", "90s", "30m", "12h", "7d": seconds, or none when \a text is not a duration.
std::optional<qint64> parseDuration(const QString &text);
/// "812 B", "3.4 MB", "8.1 GB": \a bytes for people (powers of 1024, one decimal).
QString formatByteSize(qint64 bytes);

} // namespace corslab::base
