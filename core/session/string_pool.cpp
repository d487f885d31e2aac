#include "string_pool.h"

#include "varint.h"

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

void StringPool::exportFrom(quint32 first, QByteArray &out) const
{
    const qsizetype from = std::min<qsizetype>(first, m_values.size());
    varint::append(out, quint64(m_values.size() - from));
    for (qsizetype id = from; id < m_values.size(); ++id) {
        const QByteArray &value = m_values.at(id);
        varint::append(out, quint64(value.size()));
        out.append(value);
    }
}

void StringPool::appendRestored(const QByteArray &value)
{
    QByteArray own(value.constData(), value.size());
    const auto id = quint32(m_values.size());
    m_values.append(own);
    // Should a damaged log repeat a value, intern() keeps answering the first id.
    if (!own.isEmpty() && !m_ids.contains(BytesKey{own}))
        m_ids.insert(BytesKey{own}, id);
    m_bytes += own.size();
}

void StringPool::clear()
{
    m_values = {QByteArray()};
    m_ids.clear();
    m_ids.insert(BytesKey{}, 0);
    m_bytes = 0;
}

} // namespace corslab::session
