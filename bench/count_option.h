#pragma once
// A benchmark's counts from its command line ("--rounds 5").
#include <QStringList>
#include <algorithm>

namespace corslab::bench {

/// The number after \a name in \a args, at least 1; \a fallback when \a name is not given.
inline int countOption(const QStringList &args, QLatin1StringView name, int fallback)
{
    const qsizetype at = args.indexOf(name);
    if (at < 0 || at + 1 >= args.size())
        return fallback;
    return std::max(1, args.at(at + 1).toInt());
}

} // namespace corslab::bench
