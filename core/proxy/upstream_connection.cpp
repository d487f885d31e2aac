#include "upstream_connection.h"

#include "http/local_client_ports.h"
#include "http/socket_io.h"

#include <QSslConfiguration>
#include <QSslSocket>

namespace corslab::proxy {

namespace {

// Enough to keep a fast link busy; beyond it the socket stops reading (backpressure).
constexpr qint64 readBufferBytes = 256 * 1024;

QByteArray protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_2:
        return QByteArrayLiteral("TLSv1.2");
    case QSsl::TlsV1_3:
        return QByteArrayLiteral("TLSv1.3");
    default:
        return QByteArrayLiteral("TLS");
    }
}

} // namespace

UpstreamConnection::UpstreamConnection(const UpstreamTarget &target, const ProxyOptions &options,
                                       UpstreamListener *listener, QObject *parent)
    : QObject(parent), m_target(target), m_options(options), m_listener(listener),
      m_socket(target.tls ? new QSslSocket(this) : new QTcpSocket(this)), m_timeout([this] {
          if (!m_ready)
              fail(504, QStringLiteral("no connection to %1:%2 within %3 s")
                            .arg(QString::fromLatin1(m_target.host))
                            .arg(m_target.port)
                            .arg(m_options.connectTimeoutMs / 1000.0));
          else
              fail(504, QStringLiteral("the server %1:%2 sent nothing for %3 s")
                            .arg(QString::fromLatin1(m_target.host))
                            .arg(m_target.port)
                            .arg(m_options.responseTimeoutMs / 1000.0));
      })
{
    setUpSocket();
}

void UpstreamConnection::setUpSocket()
{
    m_socket->setReadBufferSize(readBufferBytes);
    if (m_target.tls) {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        if (!m_options.upstreamCaCertificates.isEmpty())
            config.addCaCertificates(m_options.upstreamCaCertificates);
        config.setPeerVerifyMode(m_options.verifyUpstreamCertificates ? QSslSocket::VerifyPeer
                                                                      : QSslSocket::VerifyNone);
        config.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
        tls()->setSslConfiguration(config);
        connect(tls(), &QSslSocket::encrypted, this, &UpstreamConnection::onConnected);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &UpstreamConnection::onConnected);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &UpstreamConnection::onError);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::onDisconnected);
}

QSslSocket *UpstreamConnection::tls() const
{
    return static_cast<QSslSocket *>(m_socket);
}

UpstreamConnection::~UpstreamConnection()
{
    m_socket->disconnect(this);
    m_socket->abort();
    forgetLocalPort();
}

void UpstreamConnection::forgetLocalPort()
{
    if (m_options.localPorts && m_localPort != 0)
        m_options.localPorts->release(m_localPort);
    m_localPort = 0;
}

bool UpstreamConnection::reusableFor(const UpstreamTarget &target) const
{
    return m_ready && m_reusable && !m_busy && !m_failed &&
           m_socket->state() == QAbstractSocket::ConnectedState && m_target.sameEndpoint(target);
}

void UpstreamConnection::send(const QByteArray &requestBytes, QByteArrayView method)
{
    m_busy = true;
    m_reusable = false;
    m_gotResponseBytes = false;
    m_retried = false;
    m_lastRequest = requestBytes;
    m_lastMethod = method.toByteArray();
    ++m_sentOnConnection;
    m_parser.startResponse(method, m_options.bodyCaptureBytes);
    if (m_ready) {
        m_timeout.arm(m_options.responseTimeoutMs);
        http::writeNow(m_socket, requestBytes);
        return;
    }
    m_pendingWrite = requestBytes;
    if (m_connecting)
        return;
    m_connecting = true;
    m_timeout.arm(m_options.connectTimeoutMs);
    const QString host = QString::fromLatin1(m_target.host);
    if (m_target.tls)
        tls()->connectToHostEncrypted(host, m_target.port, host);
    else
        m_socket->connectToHost(host, m_target.port, // read straight from the kernel
                                QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void UpstreamConnection::onConnected()
{
    m_ready = true;
    m_connecting = false;
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerAddress = m_socket->peerAddress().toString().toLatin1();
    m_peerPort = m_socket->peerPort();
    if (m_options.localPorts) {
        // An in-process server (the app's playground) then knows this request is already captured.
        forgetLocalPort();
        m_localPort = m_socket->localPort();
        m_options.localPorts->add(m_localPort);
    }
    if (m_target.tls)
        m_tlsVersion = protocolName(tls()->sessionProtocol());
    m_timeout.arm(m_options.responseTimeoutMs);
    http::writeNow(m_socket, m_pendingWrite);
    m_pendingWrite.clear();
}

void UpstreamConnection::setPaused(bool paused)
{
    m_paused = paused;
    // An unbuffered socket that was not read is not notified again (its end included): read.
    if (!paused && (http::isUnbuffered(m_socket) || m_socket->bytesAvailable() > 0))
        QMetaObject::invokeMethod(this, &UpstreamConnection::onReadyRead, Qt::QueuedConnection);
}

void UpstreamConnection::abort()
{
    m_failed = true;
    m_busy = false;
    m_timeout.disarm();
    m_socket->abort();
}

void UpstreamConnection::onReadyRead()
{
    if (m_paused || m_failed)
        return;
    const http::ReadResult read = http::readAvailable(m_socket);
    if (read.ended) {
        onDisconnected();
        return;
    }
    const QByteArrayView bytes = read.bytes;
    if (bytes.isEmpty())
        return;
    if (!m_busy) {
        // Bytes nobody asked for: the connection can no longer be trusted to frame the next one.
        m_failed = true;
        m_socket->abort();
        return;
    }
    m_timeout.arm(m_options.responseTimeoutMs);
    m_gotResponseBytes = true;
    http::ResponseParser::Output out = m_parser.feed(bytes);
    if (!out.error && out.complete && out.consumed < bytes.size()) {
        out.error = http::ParseError{
            502, QByteArrayLiteral("the server sent more bytes than its response framed")};
        out.complete = false;
        m_reusable = false;
    }
    handle(out);
}

void UpstreamConnection::handle(http::ResponseParser::Output &out)
{
    // Every report goes through the listener, which may delete this connection (a listener that
    // does so returns at once): nothing here touches members after the last call.
    for (const http::ResponseHead &interim : out.interim)
        m_listener->upstreamInterim(interim);
    if (out.head) {
        m_reusable = out.head->keepAlive && !out.head->upgrade;
        m_listener->upstreamHead(*out.head);
    }
    if (out.error) {
        fail(502, QStringLiteral("malformed response from the server: %1")
                      .arg(QString::fromLatin1(out.error->reason)));
        return;
    }
    if (!out.rawBody.isEmpty())
        m_listener->upstreamBody(out.rawBody, out.decodedBody);
    if (!out.complete) {
        m_listener->upstreamFlush();
        return;
    }
    m_busy = false;
    m_timeout.disarm();
    if (!m_reusable)
        m_socket->disconnectFromHost();
    m_listener->upstreamComplete(); // writes what is left, after recording the exchange
}

void UpstreamConnection::onDisconnected()
{
    m_ready = false;
    m_reusable = false;
    if (!m_busy || m_failed)
        return;
    // Read what is left, then let the parser decide: a close-delimited body ends here, anything
    // else was cut short.
    if (m_socket->bytesAvailable() > 0 && !m_paused)
        onReadyRead();
    if (!m_busy || m_failed)
        return;
    if (retryOnFreshConnection())
        return;
    http::ResponseParser::Output out = m_parser.finish();
    if (!out.error && !out.complete)
        out.error = http::ParseError{502, QByteArrayLiteral("connection closed")};
    if (out.error) {
        fail(502, QString::fromLatin1(out.error->reason));
        return;
    }
    handle(out);
}

void UpstreamConnection::onError()
{
    if (m_failed || !m_busy)
        return;
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError && m_ready)
        return; // onDisconnected decides whether the response was complete
    if (retryOnFreshConnection())
        return;
    fail(502, socketErrorReason());
}

QString UpstreamConnection::socketErrorReason() const
{
    const QString where =
        QStringLiteral("%1:%2").arg(QString::fromLatin1(m_target.host)).arg(m_target.port);
    switch (m_socket->error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return QStringLiteral("the server refused the connection (%1): nothing listens there")
            .arg(where);
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("DNS lookup failed: no address for %1")
            .arg(QString::fromLatin1(m_target.host));
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("the server %1 closed the connection before answering").arg(where);
    case QAbstractSocket::SslHandshakeFailedError: {
        QStringList errors;
        for (const QSslError &e : tls()->sslHandshakeErrors())
            errors << e.errorString();
        return QStringLiteral("TLS handshake with %1 failed: %2")
            .arg(where,
                 errors.isEmpty() ? m_socket->errorString() : errors.join(QStringLiteral("; ")));
    }
    default:
        return QStringLiteral("connection to %1 failed: %2").arg(where, m_socket->errorString());
    }
}

// A kept-alive connection the server closed (or reset) while idle fails the next request before
// any byte of a response: like browsers, send that request once more on a new connection.
bool UpstreamConnection::retryOnFreshConnection()
{
    if (m_retried || m_gotResponseBytes || m_sentOnConnection < 2 || m_failed)
        return false;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    forgetLocalPort();
    const QByteArray request = m_lastRequest;
    const QByteArray method = m_lastMethod;
    m_socket = m_target.tls ? new QSslSocket(this) : new QTcpSocket(this);
    setUpSocket();
    m_ready = false;
    m_connecting = false;
    m_sentOnConnection = 0;
    send(request, method);
    m_retried = true;
    return true;
}

void UpstreamConnection::fail(int status, const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    m_busy = false;
    m_timeout.disarm();
    m_socket->abort();
    m_listener->upstreamFailed(status, reason);
}

} // namespace corslab::proxy
