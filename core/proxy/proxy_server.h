#pragma once

#include "http/network_thread.h"
#include "proxy_options.h"
#include "session/captured_exchange.h"

#include <QHostAddress>
#include <QObject>
#include <functional>
#include <memory>

class QThread;

namespace corslab::proxy {

namespace detail {
class ProxyCore;
}

/// \brief The intercepting proxy: forward (absolute-form requests, CONNECT tunnels, optional
/// HTTPS interception) or reverse (in front of one base URL), capturing every exchange.
///
/// Listeners, browser connections and upstream connections all run on one network thread of the
/// proxy's own, event-driven: a slow upstream never holds up another connection, and a busy GUI
/// never holds up the proxy. Captured exchanges leave that thread in batches.
class ProxyServer : public QObject
{
    Q_OBJECT

public:
    using Options = ProxyOptions;

    explicit ProxyServer(Options options, QObject *parent = nullptr);
    /// Stops and joins the network thread.
    ~ProxyServer() override;

    /// Listens on \a address:\a port (0 picks a free port). Returns the bound port, or 0 with the
    /// reason in \a error. Callable from any thread but the network thread; blocks until done.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error);
    /// Closes listeners and connections (what was captured so far is still delivered) and joins
    /// the network thread.
    void close();

    const Options &options() const;
    QThread *networkThread() const;

Q_SIGNALS:
    /// Captured exchanges, in the order they ended, emitted on the network thread about every
    /// 20 ms while traffic flows. Connect with Qt::DirectConnection to a thread-safe sink (the
    /// session), or queued to a receiver in another thread.
    void exchangesCaptured(const QList<corslab::session::CapturedExchange> &exchanges);

private:
    friend class detail::ProxyCore;

    Options m_options;
    std::unique_ptr<http::NetworkThread> m_thread;
    detail::ProxyCore *m_core = nullptr; // lives on m_thread
};

} // namespace corslab::proxy
