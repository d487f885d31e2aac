#include "string_pool.h"

namespace corslab::session {

quint32 StringPool::intern(const QByteArray &value)
{
    if (value.isEmpty())
        return 0;
    const auto it = m_ids.constFind(BytesKey{value});
    if (it != m_ids.constEnd())
        return *it;
    // A private copy: the caller's array may be a slice of a large buffer we must not pin.
    QByteArray own(value.constData(), value.size());
    const auto id = quint32(m_values.size());
    m_values.append(own);
    m_ids.insert(BytesKey{own}, id);
    m_bytes += own.size();
    return id;
}

void StringPool::clear()
{
    m_values = {QByteArray()};
    m_ids.clear();
    m_ids.insert(BytesKey{}, 0);
    m_bytes = 0;
}

} // namespace corslab::session
