#include "http_server.h"

#include "cors/header_list.h"

#include <QDateTime>
#include <QPointer>
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

bool hasConnectionToken(const HeaderList &headers, QByteArrayView token)
{
    const auto tokens = cors::getDecodeAndSplit(headers, "connection");
    if (!tokens)
        return false;
    for (const QByteArray &t : *tokens) {
        if (cors::equalsIgnoreCase(t, token))
            return true;
    }
    return false;
}

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
        : m_handler(std::move(handler)), m_options(options), m_server(server)
    {
    }

    quint16 listen(const QHostAddress &address, quint16 port, const QString &listener,
                   QString *error);
    void closeAll();
    void remove(Connection *connection) { m_connections.remove(connection); }

    HttpServer::Handler m_handler;
    HttpServer::Options m_options;
    HttpServer *m_server;
    QList<QTcpServer *> m_listeners;
    QSet<Connection *> m_connections;
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
    void send(const HttpRequest &request, HttpResponse response);
    void refuse(const ParseError &error);
    void closeAfterWrite();
    void lingerClose();
    void updateTimers(bool headRestarted);
    bool backpressured() const
    {
        return m_queue.size() >= size_t(maxQueuedRequests) ||
               m_socket->bytesToWrite() > maxUnsentBytes;
    }
    HttpRequest stamp(HttpRequest request) const;

    QTcpSocket *m_socket;
    QString m_listener;
    ServerCore *m_core;
    RequestParser m_parser;
    std::deque<Pending> m_queue;
    std::optional<ParseError> m_error;
    bool m_waiting = false; // a delayed response is pending
    HttpRequest m_delayedRequest;
    HttpResponse m_delayedResponse;
    bool m_closing = false;
    bool m_lingering = false;
    QTimer m_idleTimer;
    QTimer m_headerTimer;
    QTimer m_delayTimer;
    QTimer m_lingerTimer;
};

Connection::Connection(QTcpSocket *socket, const QString &listener, ServerCore *core)
    : QObject(core), m_socket(socket), m_listener(listener), m_core(core),
      m_parser(core->m_options.limits)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(socketReadBufferBytes);
    for (QTimer *t : {&m_idleTimer, &m_headerTimer, &m_delayTimer, &m_lingerTimer})
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
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        // Nothing in progress for idleTimeoutMs (no request, or a body that stopped coming).
        m_closing = true;
        m_socket->abort();
        deleteLater();
    });
    connect(&m_headerTimer, &QTimer::timeout, this, [this] {
        // Slowloris. The 408 goes out after the responses still owed (it is refused in turn).
        if (!m_error)
            m_error =
                ParseError{408, "Request head not complete within " +
                                    QByteArray::number(m_core->m_options.headerTimeoutMs) + " ms"};
        processQueue();
    });
    connect(&m_delayTimer, &QTimer::timeout, this, [this] {
        m_waiting = false;
        send(m_delayedRequest, std::move(m_delayedResponse));
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
    request.peerAddress = m_socket->peerAddress();
    request.peerPort = m_socket->peerPort();
    request.localPort = m_socket->localPort();
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
    const QByteArray data = m_socket->readAll();
    if (data.isEmpty())
        return;
    RequestParser::Output out = m_parser.feed(data);
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
            m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
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
        send(pending.request, std::move(response));
    }
    if (!m_waiting && !m_closing && m_queue.empty() && m_error)
        refuse(*m_error);
    updateTimers(false);
    if (!m_closing && m_socket->bytesAvailable() > 0 && !backpressured())
        QMetaObject::invokeMethod(this, &Connection::onReadyRead, Qt::QueuedConnection);
}

void Connection::send(const HttpRequest &request, HttpResponse response)
{
    const bool close = !request.keepAlive() || hasConnectionToken(response.headers, "close");
    const bool hasConnection = cors::containsHeader(response.headers, "connection");
    if (close && !hasConnection)
        response.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    else if (!close && request.versionMinor == 0 && !hasConnection)
        response.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive")});
    response.addContentLength(); // the log shows the headers exactly as sent
    m_socket->write(response.serialize(request.method == "HEAD"));
    HttpExchange exchange{request, std::move(response), request.receivedAtMs, now(), {}};
    Q_EMIT m_core->m_server->exchangeCompleted(exchange);
    if (close)
        closeAfterWrite();
}

void Connection::refuse(const ParseError &error)
{
    if (m_closing)
        return;
    HttpResponse response = HttpResponse::text(error.status, error.reason + '\n', true);
    response.addContentLength();
    m_socket->write(response.serialize(false));
    HttpRequest request = stamp({});
    request.method.clear();
    request.receivedAtMs = now();
    HttpExchange exchange{request, std::move(response), request.receivedAtMs, now(),
                          QString::fromUtf8(error.reason)};
    Q_EMIT m_core->m_server->exchangeCompleted(exchange);
    closeAfterWrite();
}

void Connection::closeAfterWrite()
{
    m_closing = true;
    m_queue.clear();
    m_idleTimer.stop();
    m_headerTimer.stop();
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
    if (m_parser.readingHead()) {
        if (!m_headerTimer.isActive() || headRestarted)
            m_headerTimer.start(m_core->m_options.headerTimeoutMs);
    } else {
        m_headerTimer.stop();
    }
    if (m_waiting || !m_queue.empty())
        m_idleTimer.stop();
    else
        m_idleTimer.start(m_core->m_options.idleTimeoutMs);
}

quint16 ServerCore::listen(const QHostAddress &address, quint16 port, const QString &listener,
                           QString *error)
{
    auto *server = new QTcpServer(this);
    server->setListenBacklogSize(1024); // bursts of connections (tests open 200 at once)
    if (!server->listen(address, port)) {
        if (error)
            *error = server->errorString();
        delete server;
        return 0;
    }
    QObject::connect(server, &QTcpServer::newConnection, this, [this, server, listener] {
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
}

} // namespace detail

HttpServer::HttpServer(Handler handler, Options options, QObject *parent)
    : QObject(parent), m_thread(std::make_unique<QThread>())
{
    qRegisterMetaType<corslab::http::HttpExchange>();
    m_thread->setObjectName(QStringLiteral("corslab-http"));
    m_core = new detail::ServerCore(std::move(handler), options, this);
    m_core->moveToThread(m_thread.get());
}

HttpServer::~HttpServer()
{
    close();
    delete m_core; // its thread is stopped, so deleting from here is safe
}

QThread *HttpServer::networkThread() const
{
    return m_thread.get();
}

void HttpServer::runOnNetworkThread(const std::function<void()> &work)
{
    if (QThread::currentThread() == m_thread.get()) {
        work();
        return;
    }
    if (!m_thread->isRunning())
        m_thread->start();
    QMetaObject::invokeMethod(m_core, work, Qt::BlockingQueuedConnection);
}

quint16 HttpServer::listen(const QHostAddress &address, quint16 port, const QString &listener,
                           QString *error)
{
    quint16 bound = 0;
    runOnNetworkThread([&] { bound = m_core->listen(address, port, listener, error); });
    return bound;
}

void HttpServer::close()
{
    if (!m_thread->isRunning())
        return;
    runOnNetworkThread([this] { m_core->closeAll(); });
    m_thread->quit();
    if (QThread::currentThread() != m_thread.get()) // a thread cannot join itself
        m_thread->wait();
}

} // namespace corslab::http
