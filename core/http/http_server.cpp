#include "http_server.h"

#include "base/header_list.h"
#include "lazy_deadline.h"
#include "socket_io.h"

#include <QDateTime>
#include <QMetaMethod>
#include <QPointer>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <deque>
#include <exception>
#include <sys/socket.h>

namespace corslab::http {

namespace {

// Backpressure: a client that pipelines without reading its responses stops being read once
// this many requests wait or this many response bytes are unsent (TCP then slows it down).
constexpr qsizetype maxQueuedRequests = 32;
constexpr qint64 maxUnsentBytes = 4 * 1024 * 1024;
constexpr qint64 socketReadBufferBytes = 256 * 1024;
// How long a closing connection keeps draining what the client still sends after our last
// response, so the close does not turn into a reset that destroys that response (RFC 9112 §9.6).
constexpr int lingerMs = 2000;
// exchangesCompleted: a batch goes out this long after its first exchange, or when this big.
constexpr int batchIntervalMs = 20;
constexpr qsizetype maxBatch = 4096;
// A connection's output buffer is kept for the next responses unless a large one grew it.
constexpr qsizetype keptOutputCapacity = 64 * 1024;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

namespace detail {

class Connection;

// Owns the listeners and connections; lives on the network thread.
class ServerCore : public QObject
{
public:
    ServerCore(HttpServer::Handler handler, HttpServer::Options options, HttpServer *server)
        : m_handler(std::move(handler)), m_options(options), m_server(server), m_batchTimer(this)
    {
        m_batchTimer.setSingleShot(true);
        connect(&m_batchTimer, &QTimer::timeout, this, &ServerCore::flushBatch);
    }

    quint16 listen(const QHostAddress &address, quint16 port, const QString &listener,
                   QString *error, const QSslConfiguration *tls = nullptr);
    void closeAll();
    void remove(Connection *connection) { m_connections.remove(connection); }
    void report(HttpExchange &&exchange);
    void flushBatch();

    HttpServer::Handler m_handler;
    HttpServer::Options m_options;
    HttpServer *m_server;
    QList<QTcpServer *> m_listeners;
    QSet<Connection *> m_connections;
    QList<HttpExchange> m_batch;
    QTimer m_batchTimer;
};

// One client connection: parser, ordered response queue, timers.
class Connection : public QObject
{
public:
    Connection(QTcpSocket *socket, const QString &listener, ServerCore *core);
    ~Connection() override { m_core->remove(this); }

    void abort() { m_socket->abort(); }

private:
    struct Pending
    {
        HttpRequest request;
        bool continueOnly = false; // an interim "100 Continue", sent in its turn
    };

    void onReadyRead();
    void processQueue();
    HttpResponse callHandler(const HttpRequest &request);
    void send(HttpRequest &&request, HttpResponse response);
    void refuse(const ParseError &error);
    void flushOutput();
    void closeAfterWrite();
    void lingerClose();
    void updateTimers(bool headRestarted);
    void onIdleTimeout();
    void onHeadTimeout();
    bool backpressured() const
    {
        return m_queue.size() >= size_t(maxQueuedRequests) ||
               m_socket->bytesToWrite() > maxUnsentBytes;
    }
    HttpRequest stamp(HttpRequest request) const;

    QTcpSocket *m_socket;
    QString m_listener;
    QHostAddress m_peerAddress; // the socket's, read once
    quint16 m_peerPort = 0;
    quint16 m_localPort = 0;
    ServerCore *m_core;
    RequestParser m_parser;
    std::deque<Pending> m_queue;
    std::optional<ParseError> m_error;
    bool m_waiting = false; // a delayed response is pending
    HttpRequest m_delayedRequest;
    HttpResponse m_delayedResponse;
    bool m_closing = false;
    bool m_lingering = false;
    QByteArray m_output; // responses serialized but not yet written (flushOutput)
    // Moved on every request: deadlines, not QTimer restarts (see LazyDeadline).
    LazyDeadline m_idle{[this] { onIdleTimeout(); }};
    LazyDeadline m_headTimeout{[this] { onHeadTimeout(); }}; // slowloris
    QTimer m_delayTimer;
    QTimer m_lingerTimer;
};

Connection::Connection(QTcpSocket *socket, const QString &listener, ServerCore *core)
    : QObject(core), m_socket(socket), m_listener(listener), m_peerAddress(socket->peerAddress()),
      m_peerPort(socket->peerPort()), m_localPort(socket->localPort()), m_core(core),
      m_parser(core->m_options.limits)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(socketReadBufferBytes);
    // Responses are written whole; Nagle's algorithm would only hold back pipelined ones.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    for (QTimer *t : {&m_delayTimer, &m_lingerTimer})
        t->setSingleShot(true);
    m_delayTimer.setTimerType(Qt::PreciseTimer);

    connect(m_socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_closing) {
            if (!m_lingering && m_socket->bytesToWrite() == 0)
                lingerClose();
        } else if (m_socket->bytesAvailable() > 0 && !backpressured()) {
            onReadyRead();
        }
    });
    connect(&m_delayTimer, &QTimer::timeout, this, [this] {
        m_waiting = false;
        send(std::move(m_delayedRequest), std::move(m_delayedResponse));
        m_delayedRequest = {};
        m_delayedResponse = {};
        processQueue();
    });
    connect(&m_lingerTimer, &QTimer::timeout, this, [this] {
        m_socket->abort();
        deleteLater();
    });
    updateTimers(false);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpRequest Connection::stamp(HttpRequest request) const
{
    request.listener = m_listener;
    request.peerAddress = m_peerAddress;
    request.peerPort = m_peerPort;
    request.localPort = m_localPort;
    return request;
}

void Connection::onReadyRead()
{
    if (m_closing || m_error) {
        m_socket->readAll(); // refused or closing: drained, nothing more is parsed
        return;
    }
    if (backpressured())
        return; // resumed from processQueue / bytesWritten
    // All that is buffered, in one read and one feed.
    const QByteArrayView bytes = readAvailable(m_socket).bytes; // buffered: ends by signal
    if (bytes.isEmpty())
        return;
    RequestParser::Output out = m_parser.feed(bytes);
    for (HttpRequest &request : out.requests)
        m_queue.push_back({stamp(std::move(request)), false});
    if (out.expectContinue)
        m_queue.push_back({{}, true});
    if (out.error)
        m_error = out.error;
    updateTimers(!out.requests.isEmpty());
    processQueue();
}

HttpResponse Connection::callHandler(const HttpRequest &request)
{
    // The handler is user code (the playground); an exception must not take the thread down.
    try {
        return m_core->m_handler(request);
    } catch (const std::exception &e) {
        return HttpResponse::text(500, "Handler failed: " + QByteArray(e.what()) + '\n', false);
    } catch (...) {
        return HttpResponse::text(500, QByteArrayLiteral("Handler failed\n"), false);
    }
}

void Connection::processQueue()
{
    while (!m_waiting && !m_closing && !m_queue.empty()) {
        Pending pending = std::move(m_queue.front());
        m_queue.pop_front();
        if (pending.continueOnly) {
            m_output += QByteArrayView("HTTP/1.1 100 Continue\r\n\r\n");
            continue;
        }
        HttpResponse response = callHandler(pending.request);
        if (response.delayMs > 0) {
            m_waiting = true;
            m_delayedRequest = std::move(pending.request);
            m_delayedResponse = std::move(response);
            m_delayTimer.start(m_delayedResponse.delayMs);
            break;
        }
        send(std::move(pending.request), std::move(response));
    }
    flushOutput(); // the responses to pipelined requests in one write
    if (!m_waiting && !m_closing && m_queue.empty() && m_error)
        refuse(*m_error);
    updateTimers(false);
    if (!m_closing && m_socket->bytesAvailable() > 0 && !backpressured())
        QMetaObject::invokeMethod(this, &Connection::onReadyRead, Qt::QueuedConnection);
}

// Queues the response in m_output; processQueue or closeAfterWrite writes it.
void Connection::send(HttpRequest &&request, HttpResponse response)
{
    const bool close =
        !request.keepAlive() || hasHeaderToken(response.headers, "connection", "close");
    const bool hasConnection = base::containsHeader(response.headers, "connection");
    if (close && !hasConnection)
        response.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    else if (!close && request.versionMinor == 0 && !hasConnection)
        response.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive")});
    response.addContentLength(); // the log shows the headers exactly as sent
    response.serializeTo(m_output, request.method == "HEAD");
    const qint64 startedAt = request.receivedAtMs;
    m_core->report(HttpExchange{std::move(request), std::move(response), startedAt, now(), {}});
    if (close)
        closeAfterWrite();
}

void Connection::refuse(const ParseError &error)
{
    if (m_closing)
        return;
    HttpResponse response = HttpResponse::text(error.status, error.reason + '\n', true);
    response.addContentLength();
    response.serializeTo(m_output, false);
    HttpRequest request = stamp({});
    request.method.clear();
    request.receivedAtMs = now();
    const qint64 startedAt = request.receivedAtMs;
    m_core->report(HttpExchange{std::move(request), std::move(response), startedAt, now(),
                                QString::fromUtf8(error.reason)});
    closeAfterWrite();
}

void Connection::flushOutput()
{
    if (m_output.isEmpty())
        return;
    writeNow(m_socket, m_output); // straight to the kernel when it can (not for TLS)
    if (m_output.capacity() > keptOutputCapacity)
        m_output.clear();
    else
        m_output.resize(0);
}

void Connection::closeAfterWrite()
{
    flushOutput();
    m_closing = true;
    m_queue.clear();
    m_idle.disarm();
    m_headTimeout.disarm();
    m_delayTimer.stop();
    if (m_socket->bytesToWrite() == 0)
        lingerClose();
    else
        m_lingerTimer.start(lingerMs * 5); // a client that never reads cannot hold us forever
}

void Connection::lingerClose()
{
    // Half-close: the client sees EOF after our response, while what it may still be sending
    // (a refused body) is drained instead of answered with a reset.
    m_lingering = true;
    m_socket->flush();
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    m_socket->readAll();
    m_lingerTimer.start(lingerMs);
}

void Connection::updateTimers(bool headRestarted)
{
    if (m_closing)
        return;
    // The head timeout runs from the head's first byte, not from its latest one.
    if (!m_parser.readingHead())
        m_headTimeout.disarm();
    else if (!m_headTimeout.isArmed() || headRestarted)
        m_headTimeout.arm(m_core->m_options.headerTimeoutMs);
    if (m_waiting || !m_queue.empty())
        m_idle.disarm();
    else
        m_idle.arm(m_core->m_options.idleTimeoutMs);
}

void Connection::onIdleTimeout()
{
    // Nothing in progress for idleTimeoutMs (no request, or a body that stopped coming).
    m_closing = true;
    m_socket->abort();
    deleteLater();
}

void Connection::onHeadTimeout()
{
    // Slowloris. The 408 goes out after the responses still owed (it is refused in turn).
    if (!m_error)
        m_error =
            ParseError{408, "Request head not complete within " +
                                QByteArray::number(m_core->m_options.headerTimeoutMs) + " ms"};
    processQueue();
}

void ServerCore::report(HttpExchange &&exchange)
{
    const bool wantsBatch = m_server->m_reportBatch.load(std::memory_order_relaxed);
    if (m_server->m_reportSingle.load(std::memory_order_relaxed))
        Q_EMIT m_server->exchangeCompleted(exchange);
    if (!wantsBatch)
        return;
    if (m_batch.isEmpty())
        m_batch.reserve(256); // the batch before went out with its buffer
    m_batch.append(std::move(exchange));
    if (m_batch.size() >= maxBatch)
        flushBatch();
    else if (!m_batchTimer.isActive())
        m_batchTimer.start(batchIntervalMs);
}

void ServerCore::flushBatch()
{
    m_batchTimer.stop();
    if (m_batch.isEmpty())
        return;
    const QList<HttpExchange> batch = std::exchange(m_batch, {});
    Q_EMIT m_server->exchangesCompleted(batch);
}

quint16 ServerCore::listen(const QHostAddress &address, quint16 port, const QString &listener,
                           QString *error, const QSslConfiguration *tls)
{
    QTcpServer *server;
    if (tls) {
        auto *sslServer = new QSslServer(this);
        sslServer->setSslConfiguration(*tls);
        server = sslServer;
    } else {
        server = new QTcpServer(this);
    }
    server->setListenBacklogSize(1024); // bursts of connections (tests open 200 at once)
    if (!server->listen(address, port)) {
        if (error)
            *error = server->errorString();
        delete server;
        return 0;
    }
    // pendingConnectionAvailable: for a QSslServer, once the TLS handshake is done.
    QObject::connect(server, &QTcpServer::pendingConnectionAvailable, this,
                     [this, server, listener] {
                         while (QTcpSocket *socket = server->nextPendingConnection())
                             m_connections.insert(new Connection(socket, listener, this));
                     });
    m_listeners.append(server);
    return server->serverPort();
}

void ServerCore::closeAll()
{
    qDeleteAll(m_listeners);
    m_listeners.clear();
    const QSet<Connection *> connections = m_connections;
    for (Connection *c : connections) {
        c->abort();
        delete c;
    }
    m_connections.clear();
    flushBatch(); // what was answered before the close is still reported
}

} // namespace detail

HttpServer::HttpServer(Handler handler, Options options, QObject *parent)
    : QObject(parent), m_thread(std::make_unique<NetworkThread>(QStringLiteral("corslab-http")))
{
    qRegisterMetaType<corslab::http::HttpExchange>();
    qRegisterMetaType<QList<corslab::http::HttpExchange>>();
    m_core = new detail::ServerCore(std::move(handler), options, this);
    m_thread->adopt(m_core);
}

HttpServer::~HttpServer()
{
    close();
    delete m_core; // its thread is stopped, so deleting from here is safe
}

// Qt calls these with an internal mutex of QObject held (a receiver being destroyed, for one):
// they must not call back into QObject (isSignalConnected() deadlocks there), so receivers are
// counted instead.
void HttpServer::connectNotify(const QMetaMethod &signal)
{
    countReceivers(signal, +1);
}

void HttpServer::disconnectNotify(const QMetaMethod &signal)
{
    // An invalid signal is "every signal" of a receiver: counts stay, reporting stays on (extra
    // work, never a lost exchange).
    countReceivers(signal, -1);
}

void HttpServer::countReceivers(const QMetaMethod &signal, int delta)
{
    static const QMetaMethod single = QMetaMethod::fromSignal(&HttpServer::exchangeCompleted);
    static const QMetaMethod batched = QMetaMethod::fromSignal(&HttpServer::exchangesCompleted);
    if (signal == single)
        m_reportSingle.store((m_singleReceivers += delta) > 0);
    else if (signal == batched)
        m_reportBatch.store((m_batchReceivers += delta) > 0);
}

QThread *HttpServer::networkThread() const
{
    return m_thread->thread();
}

void HttpServer::runOnNetworkThread(const std::function<void()> &work)
{
    m_thread->run(work);
}

quint16 HttpServer::listen(const QHostAddress &address, quint16 port, const QString &listener,
                           QString *error)
{
    quint16 bound = 0;
    runOnNetworkThread([&] { bound = m_core->listen(address, port, listener, error); });
    return bound;
}

quint16 HttpServer::listenTls(const QHostAddress &address, quint16 port, const QString &listener,
                              const QSslConfiguration &tls, QString *error)
{
    quint16 bound = 0;
    runOnNetworkThread([&] { bound = m_core->listen(address, port, listener, error, &tls); });
    return bound;
}

void HttpServer::close()
{
    m_thread->stop([this] { m_core->closeAll(); });
}

} // namespace corslab::http
