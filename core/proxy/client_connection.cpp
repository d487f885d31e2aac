#include "client_connection.h"

#include "certificate_authority.h"
#include "http/socket_io.h"

#include <QDateTime>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace corslab::proxy {

namespace {

// Relayed bytes not yet taken by the receiving side: beyond this the sending side is not read.
constexpr qint64 maxUnsentBytes = 4 * 1024 * 1024;
constexpr qint64 readBufferBytes = 256 * 1024;
// After an upstream failure mid-response: how long the browser has to take what was relayed.
constexpr int failedCloseGraceMs = 2000;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

BrowserPeer peerOf(const QTcpSocket *socket)
{
    return {socket->peerAddress().toString().toLatin1(), socket->peerPort()};
}

} // namespace

ClientConnection::ClientConnection(QTcpSocket *socket, const ProxyOptions &options,
                                   Recorder recorder, QObject *parent)
    : QObject(parent), m_socket(socket), m_options(options), m_recorder(std::move(recorder)),
      m_idle([this] { m_machine.idleTimeoutExpired(); }), m_machine(options, *this, peerOf(socket))
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(readBufferBytes);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &ClientConnection::onClientDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ClientConnection::onBytesWritten);
    m_machine.start();
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

ClientConnection::~ClientConnection()
{
    if (m_upstream)
        m_upstream->abort();
    if (m_tunnelSocket)
        m_tunnelSocket->disconnect(this);
    m_socket->disconnect(this);
}

void ClientConnection::abort()
{
    m_socket->abort();
}

void ClientConnection::record(session::CapturedExchange &exchange)
{
    if (exchange.finishedAtMs == 0)
        exchange.finishedAtMs = now();
    m_recorder(std::move(exchange));
    exchange = {};
}

void ClientConnection::onReadyRead()
{
    switch (m_machine.phase()) {
    case Phase::Tunnel:
        relayToUpstream();
        return;
    case Phase::Handshaking:
        return;
    case Phase::Closing:
        if (http::readAvailable(m_socket).ended) // drained; an unbuffered socket's end is seen here
            onClientDisconnected();
        return;
    case Phase::Http:
        readHttp();
        return;
    }
}

void ClientConnection::readHttp()
{
    if (!m_machine.beginBrowserRead())
        return; // the queue is full: read again when it drains
    const http::ReadResult read = http::readAvailable(m_socket);
    if (read.ended) {
        onClientDisconnected();
        return;
    }
    if (!read.bytes.isEmpty())
        m_machine.browserBytes(read.bytes, now());
}

void ClientConnection::onResume()
{
    m_machine.resume(now());
    if (m_machine.phase() == Phase::Http && !m_machine.inFlight() &&
        (m_machine.readDeferred() || m_socket->bytesAvailable() > 0))
        onReadyRead();
}

void ClientConnection::onBytesWritten()
{
    if (m_socket->bytesToWrite() > maxUnsentBytes / 2)
        return;
    if (m_upstream && m_machine.inFlight())
        m_upstream->setPaused(false);
    if (m_machine.phase() == Phase::Tunnel && m_tunnelSocket)
        relayToClient();
}

void ClientConnection::onClientDisconnected()
{
    if (m_disconnected)
        return; // an unbuffered socket's end is seen by a read, possibly more than once
    m_disconnected = true;
    if (m_machine.phase() == Phase::Tunnel) {
        relayToUpstream();
        if (m_tunnelSocket)
            m_tunnelSocket->disconnectFromHost();
        finishTunnel({});
    } else if (m_machine.phase() == Phase::Handshaking) {
        finishTunnel(QStringLiteral("the browser closed the connection during the TLS handshake "
                                    "(does it trust the CORS Lab CA?)"));
    }
    m_machine.browserClosed(now());
    deleteLater();
}

// ---- BrowserExchangeActions ---------------------------------------------------------------

void ClientConnection::writeToBrowser(QByteArrayView bytes)
{
    http::writeNow(m_socket, bytes);
}

void ClientConnection::sendUpstream(const UpstreamTarget &target, const QByteArray &requestBytes,
                                    QByteArrayView method)
{
    if (m_upstream && !m_upstream->reusableFor(target)) {
        m_upstream->abort();
        m_upstream->deleteLater();
        m_upstream = nullptr;
    }
    if (!m_upstream)
        m_upstream = new UpstreamConnection(target, m_options, this, this);
    m_upstream->send(requestBytes, method);
}

void ClientConnection::abortUpstream()
{
    if (m_upstream)
        m_upstream->abort();
}

void ClientConnection::capture(session::CapturedExchange &&exchange)
{
    m_recorder(std::move(exchange));
}

void ClientConnection::closeBrowser(BrowserClose how)
{
    m_socket->disconnectFromHost(); // writes what is buffered, then closes
    if (how == BrowserClose::AfterUpstreamFailure &&
        m_socket->state() != QAbstractSocket::UnconnectedState)
        QTimer::singleShot(failedCloseGraceMs, m_socket, [socket = m_socket] { socket->abort(); });
}

void ClientConnection::armIdleTimeout(int ms)
{
    m_idle.arm(ms);
}

void ClientConnection::disarmIdleTimeout()
{
    m_idle.disarm();
}

void ClientConnection::resumeLater()
{
    QMetaObject::invokeMethod(this, &ClientConnection::onResume, Qt::QueuedConnection);
}

void ClientConnection::readBrowserLater()
{
    QMetaObject::invokeMethod(this, &ClientConnection::onReadyRead, Qt::QueuedConnection);
}

bool ClientConnection::browserHasUnreadBytes()
{
    return m_socket->bytesAvailable() > 0;
}

void ClientConnection::openTunnel(const session::CapturedExchange &tunnelCapture,
                                  const QByteArray &host, quint16 port)
{
    m_tunnelCapture = tunnelCapture;
    m_tunnelRecorded = false;
    if (m_options.certificateAuthority)
        startInterception(host, port);
    else
        startTunnel(host, port);
}

// ---- UpstreamListener ---------------------------------------------------------------------

UpstreamPeer ClientConnection::upstreamPeer() const
{
    return {m_upstream->peerAddress(), m_upstream->peerPort(), m_upstream->tlsVersion()};
}

void ClientConnection::upstreamInterim(const http::ResponseHead &head)
{
    m_machine.upstreamInterim(head);
}

void ClientConnection::upstreamHead(const http::ResponseHead &head)
{
    m_machine.upstreamHead(head, upstreamPeer(), now());
}

void ClientConnection::upstreamBody(QByteArrayView raw, QByteArrayView decoded)
{
    m_machine.upstreamBody(raw, decoded, m_upstream->bodyBytes());
}

void ClientConnection::upstreamFlush()
{
    m_machine.upstreamFlush();
    if (m_upstream && m_socket->bytesToWrite() > maxUnsentBytes)
        m_upstream->setPaused(true); // resumed by onBytesWritten
}

void ClientConnection::upstreamComplete()
{
    m_machine.upstreamComplete(now());
}

void ClientConnection::upstreamFailed(int status, const QString &reason)
{
    const UpstreamPeer peer = upstreamPeer();
    const qint64 bodyBytes = m_upstream->bodyBytes();
    // Not deleted here: this runs inside the upstream's own report.
    m_upstream->deleteLater();
    m_upstream = nullptr;
    m_machine.upstreamFailed(status, reason, peer, bodyBytes, now());
}

// ---- CONNECT ------------------------------------------------------------------------------

void ClientConnection::startTunnel(const QByteArray &host, quint16 port)
{
    m_tunnelSocket = new QTcpSocket(this);
    m_tunnelSocket->setReadBufferSize(readBufferBytes);
    QTcpSocket *upstream = m_tunnelSocket;
    auto connectTimer = new QTimer(upstream);
    connectTimer->setSingleShot(true);
    const auto failBeforeConnected = [this](const QString &reason) {
        m_tunnelCapture.error = reason;
        m_tunnelRecorded = true; // by the machine, with its 502 page
        m_tunnelSocket->disconnect(this);
        m_tunnelSocket->deleteLater();
        m_tunnelSocket = nullptr;
        m_machine.tunnelFailed(m_tunnelCapture, reason, now());
    };
    connect(connectTimer, &QTimer::timeout, this, [=, this] {
        failBeforeConnected(QStringLiteral("no connection to %1:%2 within %3 s")
                                .arg(QString::fromLatin1(host))
                                .arg(port)
                                .arg(m_options.connectTimeoutMs / 1000.0));
    });
    connect(
        upstream, &QTcpSocket::errorOccurred, this, [=, this](QAbstractSocket::SocketError error) {
            if (upstream->state() == QAbstractSocket::ConnectedState ||
                error == QAbstractSocket::RemoteHostClosedError) {
                return; // after the tunnel is up: disconnected() ends it
            }
            if (m_machine.phase() == Phase::Tunnel) {
                finishTunnel(upstream->errorString());
                m_machine.close();
                return;
            }
            connectTimer->stop();
            failBeforeConnected(error == QAbstractSocket::ConnectionRefusedError
                                    ? QStringLiteral("the server refused the connection (%1:%2)")
                                          .arg(QString::fromLatin1(host))
                                          .arg(port)
                                    : QStringLiteral("connection to %1:%2 failed: %3")
                                          .arg(QString::fromLatin1(host))
                                          .arg(port)
                                          .arg(upstream->errorString()));
        });
    connect(upstream, &QTcpSocket::connected, this, [=, this] {
        connectTimer->stop();
        m_tunnelCapture.upstreamAddress = upstream->peerAddress().toString().toLatin1();
        m_tunnelCapture.upstreamPort = upstream->peerPort();
        m_tunnelCapture.firstByteAtMs = now();
        m_tunnelCapture.status = 200;
        m_machine.tunnelOpened();
        m_socket->write("HTTP/1.1 200 Connection Established\r\n\r\n");
        relayToUpstream();
    });
    connect(upstream, &QTcpSocket::readyRead, this, &ClientConnection::relayToClient);
    connect(upstream, &QTcpSocket::bytesWritten, this, [this] {
        if (m_tunnelSocket && m_tunnelSocket->bytesToWrite() <= maxUnsentBytes / 2)
            relayToUpstream();
    });
    connect(upstream, &QTcpSocket::disconnected, this, [this] {
        if (m_machine.phase() != Phase::Tunnel)
            return;
        relayToClient();
        finishTunnel({});
        m_machine.close();
    });
    connectTimer->start(m_options.connectTimeoutMs);
    upstream->connectToHost(QString::fromLatin1(host), port);
}

void ClientConnection::relayToUpstream()
{
    if (!m_tunnelSocket || m_tunnelSocket->state() != QAbstractSocket::ConnectedState)
        return;
    if (m_tunnelSocket->bytesToWrite() > maxUnsentBytes)
        return; // resumed by the upstream's bytesWritten
    const http::ReadResult read = http::readAvailable(m_socket);
    m_tunnelCapture.tunnel.bytesFromClient += read.bytes.size();
    if (!read.bytes.isEmpty())
        m_tunnelSocket->write(read.bytes.data(), read.bytes.size());
    if (read.ended)
        onClientDisconnected();
}

void ClientConnection::relayToClient()
{
    if (!m_tunnelSocket || m_machine.phase() != Phase::Tunnel)
        return;
    if (m_socket->bytesToWrite() > maxUnsentBytes)
        return; // resumed by onBytesWritten
    const QByteArrayView bytes = http::readAvailable(m_tunnelSocket).bytes; // buffered
    m_tunnelCapture.tunnel.bytesFromServer += bytes.size();
    if (!bytes.isEmpty())
        m_socket->write(bytes.data(), bytes.size());
}

void ClientConnection::finishTunnel(const QString &error)
{
    if (m_tunnelRecorded)
        return;
    m_tunnelRecorded = true;
    if (!error.isEmpty())
        m_tunnelCapture.error = error;
    record(m_tunnelCapture);
}

void ClientConnection::startInterception(const QByteArray &host, quint16 port)
{
    // With interception on, the listener hands out QSslSockets (see proxy_server.cpp).
    auto *tls = qobject_cast<QSslSocket *>(m_socket);
    Q_ASSERT(tls);
    m_socket->write("HTTP/1.1 200 Connection Established\r\n\r\n");
    m_machine.handshakeStarted();
    m_tunnelCapture.tunnel.intercepted = true;
    tls->setSslConfiguration(m_options.certificateAuthority->serverConfiguration(host));
    connect(tls, &QSslSocket::encrypted, this, [this, tls, host, port] {
        m_tunnelCapture.tunnel.tlsVersion = tls->sessionProtocol() == QSsl::TlsV1_3
                                                ? QByteArrayLiteral("TLSv1.3")
                                                : QByteArrayLiteral("TLSv1.2");
        m_tunnelCapture.tunnel.alpn = tls->sslConfiguration().nextNegotiatedProtocol();
        m_tunnelRecorded = true; // the requests inside are the capture
        m_machine.tunnelEncrypted(host, port, m_tunnelCapture.tunnel.tlsVersion,
                                  m_tunnelCapture.tunnel.alpn);
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    });
    connect(tls, &QSslSocket::errorOccurred, this, [this] {
        if (m_machine.phase() != Phase::Handshaking)
            return;
        finishTunnel(QStringLiteral("TLS with the browser failed: %1 (does it trust the CORS Lab "
                                    "CA? Export it, or start the browser with the launcher)")
                         .arg(m_socket->errorString()));
        m_machine.abandon();
        m_socket->abort();
    });
    tls->startServerEncryption();
}

} // namespace corslab::proxy
