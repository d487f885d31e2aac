#pragma once

#include <QHash>
#include <QMutex>

namespace corslab::http {

/// \brief The loopback ports that CORS Lab's own clients (the proxy's upstream connections, the
/// composer) connect from, so that a server in the same process can tell its own traffic from a
/// browser's and not capture an exchange twice.
///
/// A port stays known for a grace period after release(): the server may report the exchange
/// after the client has already closed the connection. Thread-safe.
class LocalClientPorts
{
public:
    explicit LocalClientPorts(qint64 graceMs = 30000) : m_graceMs(graceMs) {}

    /// A client socket bound to local port \a port (0 is ignored).
    void add(quint16 port);
    /// The socket of \a port closed: forgotten after the grace period.
    void release(quint16 port);
    /// Whether \a port is (or was, within the grace period) one of ours.
    bool contains(quint16 port) const;

private:
    void prune(qint64 nowMs) const;

    qint64 m_graceMs;
    mutable QMutex m_mutex;
    /// port -> release time (ms on a monotonic clock), or -1 while in use
    mutable QHash<quint16, qint64> m_ports;
    mutable qint64 m_lastPruneMs = 0;
};

} // namespace corslab::http
