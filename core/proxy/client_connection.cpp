#include "client_connection.h"

#include "base/header_list.h"
#include "certificate_authority.h"
#include "error_page.h"
#include "http/socket_io.h"
#include "override_rules.h"
#include "override_store.h"

#include <QDateTime>
#include <QSslSocket>
#include <QTcpSocket>

namespace corslab::proxy {

namespace {

// A browser that sends faster than the upstream answers stops being read at this many requests.
constexpr size_t maxQueuedRequests = 16;
// Relayed bytes not yet taken by the receiving side: beyond this the sending side is not read.
constexpr qint64 maxUnsentBytes = 4 * 1024 * 1024;
constexpr qint64 readBufferBytes = 256 * 1024;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The parser hands out the decoded body within the cap already; the size comes from it too.
void appendCapped(session::CapturedBody &body, QByteArrayView bytes, qsizetype cap)
{
    const qsizetype room = cap - body.stored.size();
    if (room > 0)
        body.stored.append(bytes.first(qMin(room, bytes.size())));
}

// What override rules match on: the host with its port, always ("api.example.com:443").
QByteArray hostWithPort(const UpstreamTarget &target)
{
    const QByteArray host = target.host.contains(':') ? '[' + target.host + ']' : target.host;
    return host + ':' + QByteArray::number(target.port);
}

QByteArray pathOf(const QByteArray &requestTarget)
{
    const qsizetype q = requestTarget.indexOf('?');
    return q < 0 ? requestTarget : requestTarget.first(q);
}

// Override rules must not change how the body is framed: it is relayed as the server framed it.
void keepFraming(const base::HeaderList &original, base::HeaderList *changed)
{
    for (const char *name : {"content-length", "transfer-encoding"}) {
        if (base::getHeader(original, name) == base::getHeader(*changed, name))
            continue;
        changed->removeIf([&](const auto &h) { return base::equalsIgnoreCase(h.first, name); });
        for (const auto &h : original) {
            if (base::equalsIgnoreCase(h.first, name))
                changed->append(h);
        }
    }
}

} // namespace

ClientConnection::ClientConnection(QTcpSocket *socket, const ProxyOptions &options,
                                   Recorder recorder, QObject *parent)
    : QObject(parent), m_socket(socket), m_options(options), m_recorder(std::move(recorder)),
      m_parser(std::make_unique<http::RequestParser>(options.limits)), m_idle([this] {
          if (!m_inFlight && m_state == State::Http)
              closeAfterWrite();
      })
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(readBufferBytes);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_clientAddress = m_socket->peerAddress().toString().toLatin1();
    m_clientPort = m_socket->peerPort();
    if (options.mode == ProxyOptions::Mode::Reverse) {
        m_context.mode = TargetContext::Mode::Reverse;
        m_context.reverseBase = options.reverseTarget;
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &ClientConnection::onClientDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ClientConnection::onBytesWritten);
    m_idle.arm(m_options.clientIdleTimeoutMs);
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
    switch (m_state) {
    case State::Tunnel:
        relayToUpstream();
        return;
    case State::Handshaking:
        return;
    case State::Closing:
        if (http::readAvailable(m_socket).ended) // drained; an unbuffered socket's end is seen here
            onClientDisconnected();
        return;
    case State::Http:
        break;
    }
    if (m_queue.size() >= maxQueuedRequests || m_parseError) {
        m_readDeferred = true; // resumed when the queue drains
        return;
    }
    m_readDeferred = false;
    m_idle.arm(m_options.clientIdleTimeoutMs);
    const http::ReadResult read = http::readAvailable(m_socket);
    if (read.ended) {
        onClientDisconnected();
        return;
    }
    const QByteArrayView bytes = read.bytes;
    if (bytes.isEmpty())
        return;
    http::RequestParser::Output out = m_parser->feed(bytes);
    for (http::HttpRequest &request : out.requests)
        m_queue.push_back(std::move(request));
    if (out.expectContinue && !m_inFlight && m_queue.empty())
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (out.error)
        m_parseError = out.error;
    processNext();
}

void ClientConnection::processNext()
{
    if (m_inFlight || m_state != State::Http)
        return;
    if (m_queue.empty()) {
        if (m_parseError) {
            const http::ParseError error = *m_parseError;
            m_parseError.reset();
            m_inFlight = true;
            m_capture = {};
            m_capture.startedAtMs = now();
            m_capture.clientAddress = m_clientAddress;
            m_capture.clientPort = m_clientPort;
            if (const http::HttpRequest *partial = m_parser->partialRequest()) {
                m_capture.method = partial->method;
                m_capture.url = partial->target;
            }
            m_clientKeepAlive = false;
            const QString reason = QStringLiteral("the browser's request could not be parsed: %1")
                                       .arg(QString::fromLatin1(error.reason));
            answerLocally(errorPage(error.status, QStringLiteral("Bad request"), reason, true),
                          reason);
        } else if (m_parser->finished() && m_socket->bytesAvailable() == 0) {
            closeAfterWrite();
        }
        return;
    }
    http::HttpRequest request = std::move(m_queue.front());
    m_queue.pop_front();
    startExchange(std::move(request));
    if (m_state == State::Http && !m_inFlight)
        processNext();
    else if (m_state == State::Http && m_readDeferred) // onReadyRead reads while in flight too
        QMetaObject::invokeMethod(this, &ClientConnection::onReadyRead, Qt::QueuedConnection);
}

session::CapturedExchange ClientConnection::beginCapture(const http::HttpRequest &request) const
{
    session::CapturedExchange c;
    c.startedAtMs = request.receivedAtMs ? request.receivedAtMs : now();
    c.clientAddress = m_clientAddress;
    c.clientPort = m_clientPort;
    c.method = request.method;
    c.url = request.target;
    c.httpVersion =
        request.versionMinor == 0 ? QByteArrayLiteral("HTTP/1.0") : QByteArrayLiteral("HTTP/1.1");
    c.requestHeaders = request.headers;
    c.requestBody.size = request.body.size();
    c.requestBody.stored = request.body.left(m_options.bodyCaptureBytes);
    if (m_context.mode == TargetContext::Mode::Tunnel) {
        c.tunnel.host = m_context.tunnelHost;
        c.tunnel.port = m_context.tunnelPort;
        c.tunnel.intercepted = true;
        c.tunnel.tlsVersion = m_tunnelCapture.tunnel.tlsVersion;
        c.tunnel.alpn = m_tunnelCapture.tunnel.alpn;
    }
    return c;
}

void ClientConnection::startExchange(http::HttpRequest &&request)
{
    m_inFlight = true;
    m_headSent = false;
    m_idle.disarm();
    m_request = std::move(request);
    m_capture = beginCapture(m_request);
    m_clientKeepAlive = m_request.keepAlive();
    m_closeAfterResponse = !m_clientKeepAlive;

    if (m_request.method == "CONNECT") {
        startConnect(m_request);
        return;
    }
    QString error;
    std::optional<UpstreamTarget> target = resolveTarget(m_request, m_context, &error);
    if (!target) {
        answerLocally(errorPage(400, QStringLiteral("Not a proxy request"), error, false), error);
        return;
    }
    m_target = std::move(*target);
    m_capture.url = m_target.browserUrl;

    if (m_options.overrides) {
        const std::shared_ptr<const OverrideSet> rules = m_options.overrides->current();
        if (rules && !rules->isEmpty()) {
            if (std::optional<OverrideOutcome> local = rules->localPreflightAnswer(
                    m_request, hostWithPort(m_target), pathOf(m_target.requestTarget))) {
                m_capture.answeredLocally = true;
                m_capture.overridden = true;
                m_capture.overrideRule = local->ruleName;
                answerLocally(local->response, {});
                return;
            }
        }
    }

    if (m_upstream && !m_upstream->reusableFor(m_target)) {
        m_upstream->abort();
        m_upstream->deleteLater();
        m_upstream = nullptr;
    }
    if (!m_upstream)
        m_upstream = new UpstreamConnection(m_target, m_options, this, this);
    m_upstream->send(serializeUpstreamRequest(m_request, m_target), m_request.method);
}

void ClientConnection::answerLocally(const http::HttpResponse &response, const QString &error)
{
    const bool head = m_request.method == "HEAD";
    m_out += response.serialize(head); // written by finishExchange()
    m_capture.firstByteAtMs = now();
    m_capture.status = response.status;
    m_capture.reason = response.reason;
    m_capture.responseHeaders = response.headers;
    m_capture.responseBody.size = head ? 0 : response.body.size();
    m_capture.responseBody.stored =
        head ? QByteArray() : response.body.left(m_options.bodyCaptureBytes);
    if (!error.isEmpty())
        m_capture.error = error;
    if (http::hasHeaderToken(response.headers, "connection", "close"))
        m_closeAfterResponse = true;
    finishExchange();
}

void ClientConnection::finishExchange()
{
    // Recorded before the response's last bytes leave: once the browser has them it may send
    // its next request on another connection, served by another thread, and the session must
    // see this exchange first (a preflight before the request it authorized).
    record(m_capture);
    writeOut();
    m_inFlight = false;
    m_request = {};
    if (m_closeAfterResponse) {
        closeAfterWrite();
        return;
    }
    m_idle.arm(m_options.clientIdleTimeoutMs);
    // Usually the browser waits for this response before it sends more: then the socket's next
    // readyRead carries on, and posting an event per exchange would only cost a wakeup. (What
    // arrived meanwhile was read and queued already, unless the read was deferred; asking the
    // socket would cost a system call per exchange on an unbuffered one.)
    if (m_queue.empty() && !m_parseError && !m_parser->finished() && !m_readDeferred)
        return;
    // Not from inside the upstream's report: the next request may reuse that connection.
    QMetaObject::invokeMethod(
        this,
        [this] {
            processNext();
            if (m_state == State::Http && !m_inFlight &&
                (m_readDeferred || m_socket->bytesAvailable() > 0))
                onReadyRead();
        },
        Qt::QueuedConnection);
}

void ClientConnection::closeAfterWrite()
{
    if (m_state == State::Closing)
        return;
    m_state = State::Closing;
    m_idle.disarm();
    if (m_upstream)
        m_upstream->abort();
    m_socket->disconnectFromHost(); // writes what is buffered, then closes
}

void ClientConnection::onBytesWritten()
{
    if (m_socket->bytesToWrite() > maxUnsentBytes / 2)
        return;
    if (m_upstream && m_inFlight)
        m_upstream->setPaused(false);
    if (m_state == State::Tunnel && m_tunnelSocket)
        relayToClient();
}

void ClientConnection::onClientDisconnected()
{
    if (m_disconnected)
        return; // an unbuffered socket's end is seen by a read, possibly more than once
    m_disconnected = true;
    if (m_state == State::Tunnel) {
        relayToUpstream();
        if (m_tunnelSocket)
            m_tunnelSocket->disconnectFromHost();
        finishTunnel({});
    } else if (m_state == State::Handshaking) {
        finishTunnel(QStringLiteral("the browser closed the connection during the TLS handshake "
                                    "(does it trust the CORS Lab CA?)"));
    } else if (m_inFlight) {
        m_capture.error = m_headSent
                              ? QStringLiteral("the browser closed the connection before the end "
                                               "of the response (%1 body bytes relayed)")
                                    .arg(m_capture.responseBody.size)
                              : QStringLiteral("the browser closed the connection before the "
                                               "response arrived");
        if (m_upstream)
            m_upstream->abort();
        m_inFlight = false;
        record(m_capture);
    } else if (const http::HttpRequest *partial = m_parser->partialRequest();
               partial && m_state == State::Http) {
        session::CapturedExchange c;
        c.startedAtMs = now();
        c.clientAddress = m_clientAddress;
        c.clientPort = m_clientPort;
        c.method = partial->method;
        c.url = partial->target;
        c.requestHeaders = partial->headers;
        c.error = QStringLiteral("the browser closed the connection in the middle of its request");
        record(c);
    }
    m_state = State::Closing;
    deleteLater();
}

// ---- CONNECT ------------------------------------------------------------------------------

void ClientConnection::startConnect(const http::HttpRequest &request)
{
    QByteArray host;
    quint16 port = 0;
    if (m_context.mode != TargetContext::Mode::Forward) {
        const QString reason = QStringLiteral("CONNECT is only accepted by a forward proxy");
        answerLocally(errorPage(405, QStringLiteral("Method not allowed"), reason, true), reason);
        return;
    }
    if (!parseAuthority(request.target, &host, &port)) {
        const QString reason = QStringLiteral("CONNECT needs host:port as its target; got \"%1\"")
                                   .arg(QString::fromLatin1(request.target.left(200)));
        answerLocally(errorPage(400, QStringLiteral("Bad CONNECT"), reason, true), reason);
        return;
    }
    m_tunnelCapture = m_capture;
    m_tunnelCapture.type = session::CapturedExchange::Type::Tunnel;
    m_tunnelCapture.url = request.target;
    m_tunnelCapture.tunnel.host = host;
    m_tunnelCapture.tunnel.port = port;
    m_tunnelRecorded = false;
    if (m_options.certificateAuthority)
        startInterception(host, port);
    else
        openTunnel(host, port);
}

void ClientConnection::openTunnel(const QByteArray &host, quint16 port)
{
    m_tunnelSocket = new QTcpSocket(this);
    m_tunnelSocket->setReadBufferSize(readBufferBytes);
    QTcpSocket *upstream = m_tunnelSocket;
    auto connectTimer = new QTimer(upstream);
    connectTimer->setSingleShot(true);
    const auto failBeforeConnected = [this, host, port](const QString &reason) {
        m_tunnelCapture.error = reason;
        m_capture = m_tunnelCapture;
        m_tunnelRecorded = true;
        m_tunnelSocket->disconnect(this);
        m_tunnelSocket->deleteLater();
        m_tunnelSocket = nullptr;
        m_closeAfterResponse = true;
        answerLocally(errorPage(502, QStringLiteral("Bad gateway"), reason, true), reason);
        Q_UNUSED(host);
        Q_UNUSED(port);
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
            if (m_state == State::Tunnel) {
                finishTunnel(upstream->errorString());
                closeAfterWrite();
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
        m_state = State::Tunnel;
        m_inFlight = false;
        m_socket->write("HTTP/1.1 200 Connection Established\r\n\r\n");
        relayToUpstream();
    });
    connect(upstream, &QTcpSocket::readyRead, this, &ClientConnection::relayToClient);
    connect(upstream, &QTcpSocket::bytesWritten, this, [this] {
        if (m_tunnelSocket && m_tunnelSocket->bytesToWrite() <= maxUnsentBytes / 2)
            relayToUpstream();
    });
    connect(upstream, &QTcpSocket::disconnected, this, [this] {
        if (m_state != State::Tunnel)
            return;
        relayToClient();
        finishTunnel({});
        closeAfterWrite();
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
    if (!m_tunnelSocket || m_state != State::Tunnel)
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
    m_state = State::Handshaking;
    m_inFlight = false;
    m_tunnelCapture.tunnel.intercepted = true;
    tls->setSslConfiguration(m_options.certificateAuthority->serverConfiguration(host));
    connect(tls, &QSslSocket::encrypted, this, [this, tls, host, port] {
        m_state = State::Http;
        m_context.mode = TargetContext::Mode::Tunnel;
        m_context.tunnelHost = host;
        m_context.tunnelPort = port;
        m_tunnelCapture.tunnel.tlsVersion = tls->sessionProtocol() == QSsl::TlsV1_3
                                                ? QByteArrayLiteral("TLSv1.3")
                                                : QByteArrayLiteral("TLSv1.2");
        m_tunnelCapture.tunnel.alpn = tls->sslConfiguration().nextNegotiatedProtocol();
        m_tunnelRecorded = true; // the requests inside are the capture
        m_parser = std::make_unique<http::RequestParser>(m_options.limits);
        m_idle.arm(m_options.clientIdleTimeoutMs);
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    });
    connect(tls, &QSslSocket::errorOccurred, this, [this] {
        if (m_state != State::Handshaking)
            return;
        finishTunnel(QStringLiteral("TLS with the browser failed: %1 (does it trust the CORS Lab "
                                    "CA? Export it, or start the browser with the launcher)")
                         .arg(m_socket->errorString()));
        m_state = State::Closing;
        m_socket->abort();
    });
    tls->startServerEncryption();
}

// ---- UpstreamListener ---------------------------------------------------------------------

void ClientConnection::upstreamInterim(const http::ResponseHead &head)
{
    if (head.status == 100)
        return; // the proxy already answered Expect: 100-continue itself
    appendResponseHead(head.status, head.reason, head.headers, false, m_out);
}

void ClientConnection::upstreamHead(const http::ResponseHead &head)
{
    m_capture.firstByteAtMs = now();
    m_capture.upstreamAddress = m_upstream->peerAddress();
    m_capture.upstreamPort = m_upstream->peerPort();
    if (m_target.tls && m_capture.tunnel.tlsVersion.isEmpty())
        m_capture.tunnel.tlsVersion = m_upstream->tlsVersion();
    int status = head.status;
    base::HeaderList headers = head.headers;
    // Chunked with a Content-Length too: the length is wrong by definition and must not reach the
    // browser (RFC 9112 §6.3).
    if (head.chunked)
        headers.removeIf(
            [](const auto &h) { return base::equalsIgnoreCase(h.first, "content-length"); });
    if (m_options.overrides) {
        const std::shared_ptr<const OverrideSet> rules = m_options.overrides->current();
        QString rule;
        if (rules && !rules->isEmpty() &&
            rules->applyToResponse(m_request, hostWithPort(m_target),
                                   pathOf(m_target.requestTarget), &status, &headers, &rule)) {
            keepFraming(head.headers, &headers);
            m_capture.overridden = true;
            m_capture.overrideRule = rule;
            m_capture.upstreamStatus = head.status;
            m_capture.upstreamResponseHeaders = head.headers;
        }
    }
    // A body that ends when the server closes can only reach the browser the same way.
    if (head.closeDelimited || head.upgrade)
        m_closeAfterResponse = true;
    m_capture.status = status;
    m_capture.reason = status == head.status ? head.reason : QByteArray();
    if (m_context.mode == TargetContext::Mode::Reverse)
        rewriteRedirectToProxy(&headers);
    m_capture.responseHeaders = withoutHopByHop(headers);
    appendResponseHead(status, m_capture.reason, headers, m_closeAfterResponse, m_out);
    m_headSent = true;
}

// A reverse proxy hides the server: a redirect to the server's own origin is turned into one to
// the proxy's (as nginx's proxy_redirect does), or the browser would leave the proxy.
void ClientConnection::rewriteRedirectToProxy(base::HeaderList *headers) const
{
    const QByteArray upstreamOrigin = (m_target.tls ? "https://" : "http://") + m_target.hostHeader;
    const QByteArray localOrigin =
        "http://" + m_request.header("host").value_or(QByteArrayLiteral("localhost"));
    for (auto &h : *headers) {
        if (!base::equalsIgnoreCase(h.first, "location"))
            continue;
        const QByteArray &value = h.second;
        if (value.startsWith(upstreamOrigin) &&
            (value.size() == upstreamOrigin.size() || value[upstreamOrigin.size()] == '/' ||
             value[upstreamOrigin.size()] == '?'))
            h.second = localOrigin + value.mid(upstreamOrigin.size());
    }
}

void ClientConnection::upstreamBody(QByteArrayView raw, QByteArrayView decoded)
{
    m_out += raw;
    appendCapped(m_capture.responseBody, decoded, m_options.bodyCaptureBytes);
    m_capture.responseBody.size = m_upstream->bodyBytes();
}

void ClientConnection::writeOut()
{
    if (m_out.isEmpty())
        return;
    http::writeNow(m_socket, m_out);
    m_out.resize(0); // keeps the capacity for the next response
}

void ClientConnection::upstreamFlush()
{
    writeOut();
    if (m_upstream && m_socket->bytesToWrite() > maxUnsentBytes)
        m_upstream->setPaused(true); // resumed by onBytesWritten
}

void ClientConnection::upstreamComplete()
{
    finishExchange();
}

void ClientConnection::upstreamFailed(int status, const QString &reason)
{
    if (m_upstream) {
        m_capture.responseBody.size = m_upstream->bodyBytes();
        m_capture.upstreamAddress = m_upstream->peerAddress();
        m_capture.upstreamPort = m_upstream->peerPort();
        // Not deleted here: this runs inside the upstream's own report.
        m_upstream->deleteLater();
        m_upstream = nullptr;
    }
    if (!m_headSent) {
        answerLocally(errorPage(status,
                                status == 504 ? QStringLiteral("Gateway timeout")
                                              : QStringLiteral("Bad gateway"),
                                reason, false),
                      reason);
        return;
    }
    // Part of the response already went out: the browser can only learn by the connection
    // ending early (after what was relayed so far).
    m_capture.error = reason;
    m_closeAfterResponse = true;
    record(m_capture);
    writeOut();
    m_inFlight = false;
    m_state = State::Closing;
    m_socket->disconnectFromHost(); // sends what is queued, then closes
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        QTimer::singleShot(2000, m_socket, [socket = m_socket] { socket->abort(); });
}

} // namespace corslab::proxy
