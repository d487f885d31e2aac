#pragma once

#include "proxy_options.h"
#include "session/captured_exchange.h"

#include <QHostAddress>
#include <QObject>
#include <memory>
#include <vector>

namespace corslab::http {
class NetworkThread;
}

namespace corslab::proxy {

namespace detail {
class ProxyCore;
class ProxyWorker;
} // namespace detail

/// \brief The intercepting proxy: forward (absolute-form requests, CONNECT tunnels, optional
/// HTTPS interception) or reverse (in front of one base URL), capturing every exchange.
///
/// Browser connections are shared round-robin among network threads of the proxy's own
/// (Options::networkThreads); each connection, with its upstream connections, lives on one of
/// them, event-driven: a slow upstream never holds up another connection, and a busy GUI never
/// holds up the proxy. Captured exchanges leave in batches, in the order they ended.
class ProxyServer : public QObject
{
    Q_OBJECT

public:
    using Options = ProxyOptions;

    explicit ProxyServer(Options options, QObject *parent = nullptr);
    /// Stops and joins the network threads.
    ~ProxyServer() override;

    /// Listens on \a address:\a port (0 picks a free port). Returns the bound port, or 0 with the
    /// reason in \a error. Callable from any thread but the network threads; blocks until done.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error);
    /// Closes listeners and connections (what was captured so far is still delivered) and joins
    /// the network threads.
    void close();

    const Options &options() const;
    /// How many network threads carry the connections.
    int networkThreadCount() const;

Q_SIGNALS:
    /// Captured exchanges, in the order they ended, emitted on the first network thread about
    /// every 20 ms while traffic flows. Connect with Qt::DirectConnection to a thread-safe sink
    /// (the session), or queued to a receiver in another thread.
    void exchangesCaptured(const QList<corslab::session::CapturedExchange> &exchanges);

private:
    friend class detail::ProxyCore;

    Options m_options;
    // Thread 0 also runs the listeners and the batch of captures.
    std::vector<std::unique_ptr<http::NetworkThread>> m_threads;
    std::vector<detail::ProxyWorker *> m_workers; // one per thread, lives on it
    detail::ProxyCore *m_core = nullptr;          // lives on m_threads[0]
};

} // namespace corslab::proxy
