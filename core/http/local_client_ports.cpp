#include "local_client_ports.h"

#include <QDeadlineTimer>

namespace corslab::http {

namespace {
qint64 nowMs()
{
    return QDeadlineTimer::current().deadline();
}
} // namespace

void LocalClientPorts::add(quint16 port)
{
    if (port == 0)
        return;
    QMutexLocker lock(&m_mutex);
    m_ports.insert(port, -1);
}

void LocalClientPorts::release(quint16 port)
{
    if (port == 0)
        return;
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    auto it = m_ports.find(port);
    if (it != m_ports.end())
        *it = now;
    prune(now);
}

bool LocalClientPorts::contains(quint16 port) const
{
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    auto it = m_ports.constFind(port);
    return it != m_ports.constEnd() && (*it < 0 || now - *it <= m_graceMs);
}

void LocalClientPorts::prune(qint64 now) const
{
    // One entry per connection of ours: a sweep at most once a second keeps release() cheap.
    if (now - m_lastPruneMs < 1000)
        return;
    m_lastPruneMs = now;
    for (auto it = m_ports.begin(); it != m_ports.end();) {
        if (*it >= 0 && now - *it > m_graceMs)
            it = m_ports.erase(it);
        else
            ++it;
    }
}

} // namespace corslab::http
