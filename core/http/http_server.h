#pragma once

#include "http_message.h"
#include "network_thread.h"
#include "request_parser.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>

class QThread;
class QSslConfiguration;

namespace corslab::http {

/// Options of HttpServer (HttpServer::Options); outside the class for the reason given at
/// RequestLimits.
struct HttpServerOptions
{
    RequestParser::Limits limits;
    int idleTimeoutMs = 30000;   ///< Close a connection that sends nothing for this long while
                                 ///< no response is pending (between requests or mid-body).
    int headerTimeoutMs = 10000; ///< Answer 408 and close when a head takes longer (slowloris).
};

namespace detail {
class ServerCore;
}

/// HTTP/1.1 server on QTcpServer. All listeners and connections run on ONE network thread of
/// the server's own (a QThread with its event loop), so a busy GUI never delays a response; the
/// handler runs on that thread and must be thread-safe. Responses go out in request order per
/// connection (pipelining); a response with delayMs waits on a timer, so other connections are
/// served meanwhile.
class HttpServer : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    using Options = HttpServerOptions;

    explicit HttpServer(Handler handler, Options options = {}, QObject *parent = nullptr);
    /// Stops and joins the network thread.
    ~HttpServer() override;

    /// Listens on \a address and \a port (0 picks a free port), tagging requests accepted there
    /// with \a listener. Callable from any thread; blocks until done. Returns the bound port, or
    /// 0 with the reason in \a error (when not null).
    quint16 listen(const QHostAddress &address, quint16 port, const QString &listener,
                   QString *error);
    /// The same over TLS with \a tls (certificate, key, ALPN): connections are handed to the
    /// handler once their handshake is done (an https origin for tests and demos).
    quint16 listenTls(const QHostAddress &address, quint16 port, const QString &listener,
                      const QSslConfiguration &tls, QString *error);
    /// Stops all listeners, aborts open connections and joins the network thread. listen()
    /// may be called again afterwards. Not from the handler (it runs on the thread to join).
    void close();

    /// The network thread (for tests and diagnostics).
    QThread *networkThread() const;

Q_SIGNALS:
    /// Emitted on the network thread after each response is written (connect with
    /// Qt::QueuedConnection from the GUI). Refused requests (parse errors, timeouts) are reported
    /// too, with `error` set. Each emission costs a queued event per exchange for a receiver on
    /// another thread: under load, prefer exchangesCompleted.
    void exchangeCompleted(const corslab::http::HttpExchange &exchange);
    /// The same exchanges in batches, in order: emitted on the network thread at most ~20 ms
    /// after the first exchange of a batch (and when the server closes), so a receiver on another
    /// thread gets one queued event per batch instead of one per exchange. Independent of
    /// exchangeCompleted: a receiver connects to one of them. Batches are collected only while
    /// this signal is connected.
    void exchangesCompleted(const QList<corslab::http::HttpExchange> &exchanges);

protected:
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    friend class detail::ServerCore;

    void runOnNetworkThread(const std::function<void()> &work);
    void countReceivers(const QMetaMethod &signal, int delta);

    // Whether each signal has a receiver, kept up to date by connectNotify/disconnectNotify so the
    // network thread asks per exchange at the cost of an atomic load.
    std::atomic<bool> m_reportSingle{false};
    std::atomic<bool> m_reportBatch{false};
    std::atomic<int> m_singleReceivers{0}; ///< connections to exchangeCompleted()
    std::atomic<int> m_batchReceivers{0};  ///< connections to exchangesCompleted()

    std::unique_ptr<NetworkThread> m_thread;
    detail::ServerCore *m_core = nullptr; // lives on m_thread
};

} // namespace corslab::http
