#include "proxy_server.h"

#include "client_connection.h"

#include <QSet>
#include <QSslSocket>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

namespace corslab::proxy {

namespace {

// Captured exchanges leave the network thread this long after the first of a batch.
constexpr int batchIntervalMs = 20;

// Accepts every connection as a QSslSocket, unencrypted until a CONNECT is intercepted, so the
// same socket can switch to TLS in place.
class SslCapableListener : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        addPendingConnection(socket);
    }
};

} // namespace

namespace detail {

// Owns the listeners and connections; lives on the network thread.
class ProxyCore : public QObject
{
public:
    explicit ProxyCore(ProxyServer *server) : m_server(server), m_batchTimer(this)
    {
        m_batchTimer.setSingleShot(true);
        connect(&m_batchTimer, &QTimer::timeout, this, &ProxyCore::flush);
    }

    quint16 listen(const QHostAddress &address, quint16 port, QString *error)
    {
        // Plain sockets unless interception is on: QSslSocket relays every byte through an inner
        // socket, which costs throughput for nothing when no tunnel is ever decrypted.
        QTcpServer *listener = m_server->m_options.certificateAuthority
                                   ? new SslCapableListener(this)
                                   : new QTcpServer(this);
        listener->setListenBacklogSize(1024);
        if (!listener->listen(address, port)) {
            if (error)
                *error = listener->errorString();
            delete listener;
            return 0;
        }
        connect(listener, &QTcpServer::newConnection, this, [this, listener] {
            while (QTcpSocket *socket = listener->nextPendingConnection()) {
                auto *connection = new ClientConnection(
                    socket, m_server->m_options,
                    [this](session::CapturedExchange &&x) { record(std::move(x)); }, this);
                m_connections.insert(connection);
                connect(connection, &QObject::destroyed, this,
                        [this, connection] { m_connections.remove(connection); });
            }
        });
        m_listeners.append(listener);
        return listener->serverPort();
    }

    void closeAll()
    {
        qDeleteAll(m_listeners);
        m_listeners.clear();
        const QSet<ClientConnection *> connections = m_connections;
        for (ClientConnection *c : connections)
            delete c;
        m_connections.clear();
        flush();
    }

    void record(session::CapturedExchange &&exchange)
    {
        m_batch.append(std::move(exchange));
        if (!m_batchTimer.isActive())
            m_batchTimer.start(batchIntervalMs);
    }

    void flush()
    {
        m_batchTimer.stop();
        if (m_batch.isEmpty())
            return;
        const QList<session::CapturedExchange> batch = std::move(m_batch);
        m_batch.clear();
        Q_EMIT m_server->exchangesCaptured(batch);
    }

private:
    ProxyServer *m_server;
    QList<QTcpServer *> m_listeners;
    QSet<ClientConnection *> m_connections;
    QList<session::CapturedExchange> m_batch;
    QTimer m_batchTimer;
};

} // namespace detail

ProxyServer::ProxyServer(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)),
      m_thread(std::make_unique<http::NetworkThread>(QStringLiteral("corslab-proxy")))
{
    qRegisterMetaType<corslab::session::CapturedExchange>();
    qRegisterMetaType<QList<corslab::session::CapturedExchange>>();
    m_core = new detail::ProxyCore(this);
    m_thread->adopt(m_core);
}

ProxyServer::~ProxyServer()
{
    close();
    delete m_core; // its thread is stopped, so deleting from here is safe
}

const ProxyServer::Options &ProxyServer::options() const
{
    return m_options;
}

QThread *ProxyServer::networkThread() const
{
    return m_thread->thread();
}

quint16 ProxyServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_options.mode == Options::Mode::Reverse) {
        const QUrl &target = m_options.reverseTarget;
        if (!target.isValid() || target.host().isEmpty() ||
            (target.scheme() != QLatin1String("http") &&
             target.scheme() != QLatin1String("https"))) {
            if (error)
                *error = QStringLiteral("the reverse target must be an http:// or https:// URL "
                                        "with a host; got \"%1\"")
                             .arg(target.toString());
            return 0;
        }
    }
    quint16 bound = 0;
    m_thread->run([&] { bound = m_core->listen(address, port, error); });
    return bound;
}

void ProxyServer::close()
{
    m_thread->stop([this] { m_core->closeAll(); });
}

} // namespace corslab::proxy
