#pragma once

#include "http/lazy_deadline.h"
#include "proxy_options.h"
#include "proxy_request.h"
#include "session/captured_exchange.h"
#include "upstream_connection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;

namespace corslab::proxy {

/// \brief One browser connection to the proxy: reads requests, forwards each to its upstream (one
/// at a time, in order), relays the response while capturing it, and turns CONNECT into an opaque
/// tunnel or, with interception on, into TLS with a minted certificate and more requests.
class ClientConnection : public QObject, private UpstreamListener
{
public:
    using Recorder = std::function<void(session::CapturedExchange &&)>;

    ClientConnection(QTcpSocket *socket, const ProxyOptions &options, Recorder recorder,
                     QObject *parent);
    ~ClientConnection() override;

    void abort();

private:
    enum class State {
        Http,        ///< reading requests (plain, or inside an intercepted tunnel)
        Handshaking, ///< TLS with the browser after CONNECT, interception on
        Tunnel,      ///< opaque relay after CONNECT
        Closing,
    };

    void onReadyRead();
    void processNext();
    void startExchange(http::HttpRequest &&request);
    void startConnect(const http::HttpRequest &request);
    void answerLocally(const http::HttpResponse &response, const QString &error);
    void finishExchange();
    void writeOut(); // m_out to the browser
    void closeAfterWrite();
    void onClientDisconnected();
    void onBytesWritten();
    void record(session::CapturedExchange &exchange);
    session::CapturedExchange beginCapture(const http::HttpRequest &request) const;

    // Opaque tunnel and interception.
    void openTunnel(const QByteArray &host, quint16 port);
    void relayToUpstream();
    void relayToClient();
    void finishTunnel(const QString &error);
    void startInterception(const QByteArray &host, quint16 port);
    void rewriteRedirectToProxy(base::HeaderList *headers) const;

    // UpstreamListener
    void upstreamInterim(const http::ResponseHead &head) override;
    void upstreamHead(const http::ResponseHead &head) override;
    void upstreamBody(QByteArrayView raw, QByteArrayView decoded) override;
    void upstreamFlush() override;
    void upstreamComplete() override;
    void upstreamFailed(int status, const QString &reason) override;

    QTcpSocket *m_socket; // a QSslSocket when interception is on
    const ProxyOptions &m_options;
    Recorder m_recorder;
    std::unique_ptr<http::RequestParser> m_parser; // anew for the requests inside a tunnel
    std::deque<http::HttpRequest> m_queue;
    std::optional<http::ParseError> m_parseError;
    State m_state = State::Http;
    TargetContext m_context;
    QByteArray m_clientAddress;
    quint16 m_clientPort = 0;
    http::LazyDeadline m_idle;   // browser silent between requests
    bool m_readDeferred = false; // a readyRead left unread (queue full): read when it drains
    bool m_disconnected = false;

    // The exchange in flight.
    bool m_inFlight = false;
    bool m_headSent = false;
    QByteArray m_out; // response bytes of the current read, written at once (upstreamFlush)
    bool m_clientKeepAlive = true;
    bool m_closeAfterResponse = false;
    http::HttpRequest m_request;
    UpstreamTarget m_target;
    session::CapturedExchange m_capture;
    UpstreamConnection *m_upstream = nullptr; // owned (child); reused across requests

    // Tunnels.
    QTcpSocket *m_tunnelSocket = nullptr;
    session::CapturedExchange m_tunnelCapture; // the CONNECT itself
    bool m_tunnelRecorded = false;
};

} // namespace corslab::proxy
