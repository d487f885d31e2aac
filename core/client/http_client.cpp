#include "http_client.h"

#include "cors/origin.h"
#include "http/local_client_ports.h"

#include <QDateTime>
#include <QSslConfiguration>
#include <QSslSocket>

namespace corslab::client {

namespace {

qint64 epochMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// "15", "0.3": seconds as people write them.
QString seconds(int ms)
{
    return QString::number(ms / 1000.0);
}

int effectivePort(const QUrl &url)
{
    return url.port(cors::defaultPort(url.scheme().toLatin1()));
}

} // namespace

QByteArray requestTarget(const QUrl &url)
{
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return target;
}

QByteArray hostHeaderValue(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = url.port();
    if (port >= 0 && port != cors::defaultPort(url.scheme().toLatin1()))
        host += ':' + QByteArray::number(port);
    return host;
}

QByteArray absoluteUrl(const QUrl &url)
{
    return url.scheme().toLatin1() + "://" + hostHeaderValue(url) + requestTarget(url);
}

HttpClient::HttpClient(HttpClientOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpClient::onTimeout);
}

HttpClient::~HttpClient()
{
    closeSocket();
}

void HttpClient::send(const OutgoingRequest &request, Callback done)
{
    closeSocket();
    m_done = std::move(done);
    m_finished = false;
    m_failure = NetworkFailure::None;
    m_connected = false;
    m_exchange = session::CapturedExchange();
    m_exchange.startedAtMs = epochMs();
    m_exchange.method = request.method;
    m_exchange.url = absoluteUrl(request.url);
    m_exchange.requestHeaders = request.headers;
    m_exchange.requestBody.stored = request.body.left(m_options.bodyCaptureBytes);
    m_exchange.requestBody.size = request.body.size();

    m_wire = request.method + ' ' + requestTarget(request.url) + " HTTP/1.1\r\n";
    for (const auto &[name, value] : request.headers)
        m_wire += name + ": " + value + "\r\n";
    m_wire += "\r\n";
    m_wire += request.body;

    m_host = request.url.host(QUrl::FullyEncoded).toLatin1();
    m_port = quint16(effectivePort(request.url));
    m_tls = request.url.scheme() == QLatin1String("https");
    m_parser.startResponse(request.method, qsizetype(qMax<qint64>(m_options.bodyCaptureBytes, 0)));

    if (m_tls) {
        auto *socket = new QSslSocket(this);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        if (!m_options.caCertificates.isEmpty())
            config.addCaCertificates(m_options.caCertificates);
        config.setPeerVerifyMode(m_options.verifyCertificates ? QSslSocket::VerifyPeer
                                                              : QSslSocket::VerifyNone);
        config.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
        socket->setSslConfiguration(config);
        connect(socket, &QSslSocket::encrypted, this, &HttpClient::onEncrypted);
        m_socket = socket;
    } else {
        m_socket = new QTcpSocket(this);
    }
    connect(m_socket, &QTcpSocket::connected, this, &HttpClient::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpClient::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpClient::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpClient::onError);
    m_deadline.start(qMax(m_options.timeoutMs, 1));

    const QString host = QString::fromLatin1(m_host);
    if (m_tls)
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(host, m_port, host);
    else
        m_socket->connectToHost(host, m_port);
}

void HttpClient::onConnected()
{
    m_localPort = m_socket->localPort();
    if (m_options.localPorts)
        m_options.localPorts->add(m_localPort);
    m_exchange.clientAddress = m_socket->localAddress().toString().toLatin1();
    m_exchange.clientPort = m_localPort;
    m_exchange.upstreamAddress = m_socket->peerAddress().toString().toLatin1();
    m_exchange.upstreamPort = m_socket->peerPort();
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_tls)
        return; // the request goes out once the handshake is done (onEncrypted)
    m_connected = true;
    m_socket->write(m_wire);
}

void HttpClient::onEncrypted()
{
    m_connected = true;
    m_socket->write(m_wire);
}

void HttpClient::onReadyRead()
{
    if (m_finished)
        return;
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    if (m_exchange.firstByteAtMs == 0)
        m_exchange.firstByteAtMs = epochMs();
    handle(m_parser.feed(bytes));
}

void HttpClient::handle(const http::ResponseParser::Output &out)
{
    if (out.head) {
        m_exchange.status = out.head->status;
        m_exchange.reason = out.head->reason;
        m_exchange.responseHeaders = out.head->headers;
    }
    if (out.error) {
        finish(NetworkFailure::Malformed,
               QStringLiteral("malformed response from %1: %2")
                   .arg(where(), QString::fromLatin1(out.error->reason)));
        return;
    }
    m_exchange.responseBody.stored.append(out.decodedBody);
    if (out.complete)
        finish(NetworkFailure::None, QString());
}

void HttpClient::onDisconnected()
{
    if (m_finished)
        return;
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (m_finished)
        return;
    // The server closed: a close-delimited body ends here, anything else was cut short.
    const http::ResponseParser::Output out = m_parser.finish();
    if (!out.error && !out.complete) {
        finish(NetworkFailure::Reset, QStringLiteral("%1 closed the connection").arg(where()));
        return;
    }
    if (out.error) {
        // Cut short by the close (a body shorter than its length, a head without its end).
        finish(NetworkFailure::Reset,
               QStringLiteral("%1: %2").arg(where(), QString::fromLatin1(out.error->reason)));
        return;
    }
    handle(out);
}

void HttpClient::onError()
{
    if (m_finished)
        return;
    // A close after the request went out: onDisconnected() lets the parser judge the response.
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError && m_connected)
        return;
    finish(socketFailure(), socketErrorReason());
}

void HttpClient::onTimeout()
{
    if (m_finished)
        return;
    if (!m_connected)
        finish(NetworkFailure::Timeout, QStringLiteral("no connection to %1 within %2 s")
                                            .arg(where(), seconds(m_options.timeoutMs)));
    else if (m_exchange.firstByteAtMs == 0)
        finish(NetworkFailure::Timeout, QStringLiteral("no response from %1 within %2 s")
                                            .arg(where(), seconds(m_options.timeoutMs)));
    else
        finish(NetworkFailure::Timeout,
               QStringLiteral("the response from %1 did not complete within %2 s")
                   .arg(where(), seconds(m_options.timeoutMs)));
}

QString HttpClient::where() const
{
    const QString host = QString::fromLatin1(m_host);
    return QStringLiteral("%1:%2")
        .arg(host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
        .arg(m_port);
}

QString HttpClient::socketErrorReason() const
{
    switch (m_socket->error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return QStringLiteral("connection refused by %1 (nothing listens there)").arg(where());
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("DNS lookup failed: no address for %1")
            .arg(QString::fromLatin1(m_host));
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection before the request was sent").arg(where());
    case QAbstractSocket::SslHandshakeFailedError: {
        QStringList errors;
        for (const QSslError &e : static_cast<QSslSocket *>(m_socket)->sslHandshakeErrors())
            errors << e.errorString();
        return QStringLiteral("TLS handshake with %1 failed: %2")
            .arg(where(),
                 errors.isEmpty() ? m_socket->errorString() : errors.join(QStringLiteral("; ")));
    }
    default:
        return QStringLiteral("connection to %1 failed: %2").arg(where(), m_socket->errorString());
    }
}

NetworkFailure HttpClient::socketFailure() const
{
    switch (m_socket->error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return NetworkFailure::Refused;
    case QAbstractSocket::HostNotFoundError:
        return NetworkFailure::Dns;
    case QAbstractSocket::RemoteHostClosedError:
        return NetworkFailure::Reset;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return NetworkFailure::Tls;
    case QAbstractSocket::SocketTimeoutError:
        return NetworkFailure::Timeout;
    default:
        return NetworkFailure::Other;
    }
}

QString networkFailureName(NetworkFailure failure)
{
    switch (failure) {
    case NetworkFailure::None:
        return {};
    case NetworkFailure::Dns:
        return QStringLiteral("dns");
    case NetworkFailure::Refused:
        return QStringLiteral("refused");
    case NetworkFailure::Tls:
        return QStringLiteral("tls");
    case NetworkFailure::Timeout:
        return QStringLiteral("timeout");
    case NetworkFailure::Reset:
        return QStringLiteral("reset");
    case NetworkFailure::Malformed:
        return QStringLiteral("malformed");
    case NetworkFailure::Other:
        break;
    }
    return QStringLiteral("other");
}

// Ends the exchange (failed with \a error, unless it is empty) and reports it; the callback
// comes last because it may schedule this client's deletion.
void HttpClient::finish(NetworkFailure failure, const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_failure = failure;
    m_deadline.stop();
    m_exchange.error = error;
    m_exchange.responseBody.size = m_parser.bodyBytes();
    closeSocket();
    m_exchange.finishedAtMs = epochMs();
    const Callback done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(m_exchange);
}

void HttpClient::closeSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater(); // a socket may be inside its own signal right now
    m_socket = nullptr;
    if (m_options.localPorts && m_localPort != 0)
        m_options.localPorts->release(m_localPort);
    m_localPort = 0;
}

} // namespace corslab::client
