#pragma once

#include "browser_exchange_machine.h"
#include "http/lazy_deadline.h"
#include "proxy_options.h"
#include "session/captured_exchange.h"
#include "upstream_connection.h"

#include <QObject>
#include <functional>

class QTcpSocket;

namespace corslab::proxy {

/// \brief One browser connection to the proxy: the adapter between the browser's socket, the
/// upstream connections, the timers and the BrowserExchangeMachine that decides the HTTP/1.1
/// exchange; and the CONNECT tunnels themselves, relayed opaque or, with interception on, turned
/// into TLS with a minted certificate (the requests inside going to the machine again).
class ClientConnection : public QObject, private UpstreamListener, private BrowserExchangeActions
{
public:
    using Recorder = std::function<void(session::CapturedExchange &&)>;

    ClientConnection(QTcpSocket *socket, const ProxyOptions &options, Recorder recorder,
                     QObject *parent);
    ~ClientConnection() override;

    void abort();

private:
    using Phase = BrowserExchangeMachine::Phase;

    void onReadyRead();
    void readHttp();
    void onResume();
    void onClientDisconnected();
    void onBytesWritten();
    void record(session::CapturedExchange &exchange);
    UpstreamPeer upstreamPeer() const;

    // Opaque tunnel and interception.
    void startTunnel(const QByteArray &host, quint16 port);
    void relayToUpstream();
    void relayToClient();
    void finishTunnel(const QString &error);
    void startInterception(const QByteArray &host, quint16 port);

    // BrowserExchangeActions
    void writeToBrowser(QByteArrayView bytes) override;
    void sendUpstream(const UpstreamTarget &target, const QByteArray &requestBytes,
                      QByteArrayView method) override;
    void abortUpstream() override;
    void capture(session::CapturedExchange &&exchange) override;
    void closeBrowser(BrowserClose how) override;
    void armIdleTimeout(int ms) override;
    void disarmIdleTimeout() override;
    void resumeLater() override;
    void readBrowserLater() override;
    bool browserHasUnreadBytes() override;
    void openTunnel(const session::CapturedExchange &tunnelCapture, const QByteArray &host,
                    quint16 port) override;

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
    http::LazyDeadline m_idle; // browser silent between requests
    bool m_disconnected = false;
    UpstreamConnection *m_upstream = nullptr; // owned (child); reused across requests

    // Tunnels.
    QTcpSocket *m_tunnelSocket = nullptr;
    session::CapturedExchange m_tunnelCapture; // the CONNECT itself
    bool m_tunnelRecorded = false;

    BrowserExchangeMachine m_machine; // last: its actions use the members above
};

} // namespace corslab::proxy
