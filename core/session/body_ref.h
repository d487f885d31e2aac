#pragma once

#include <QtGlobal>

namespace corslab::session {

/// Where a stored body lives. In the session store: the body frame's offset in segment
/// \a segment's bodies file. In memory (no store attached): a chunk and offset of the arena.
struct BodyRef
{
    quint32 segment = 0;
    quint64 offset = 0;
    friend bool operator==(const BodyRef &, const BodyRef &) = default;
};

} // namespace corslab::session
