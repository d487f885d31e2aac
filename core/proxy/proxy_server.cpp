#include "proxy_server.h"

#include "client_connection.h"
#include "http/network_thread.h"

#include <QMutex>
#include <QSet>
#include <QSslSocket>
#include <QTcpServer>
#include <QThread>
#include <QTimer>
#include <unistd.h>

namespace corslab::proxy {

namespace {

// Captured exchanges leave the proxy this long after the first of a batch.
constexpr int batchIntervalMs = 20;
constexpr int maxDefaultThreads = 4;

int threadCountFor(const ProxyOptions &options)
{
    if (options.networkThreads > 0)
        return options.networkThreads;
    return qBound(1, QThread::idealThreadCount(), maxDefaultThreads);
}

} // namespace

namespace detail {

// One network thread's share of the browser connections; lives on that thread.
class ProxyWorker : public QObject
{
public:
    using Recorder = ClientConnection::Recorder;

    ProxyWorker(const ProxyOptions &options, Recorder recorder)
        : m_options(options), m_recorder(std::move(recorder))
    {
    }

    // A connection the listener accepted, now served by this thread.
    void adopt(qintptr descriptor)
    {
        // With interception on, a QSslSocket, unencrypted until a CONNECT is intercepted, so the
        // same socket can switch to TLS in place. Plain sockets otherwise: QSslSocket relays
        // every byte through an inner socket, which costs throughput for nothing.
        QTcpSocket *socket =
            m_options.certificateAuthority ? new QSslSocket(this) : new QTcpSocket(this);
        // Plain sockets unbuffered: read straight from the kernel (see http::readAvailable).
        const QIODevice::OpenMode mode = m_options.certificateAuthority
                                             ? QIODevice::ReadWrite
                                             : QIODevice::ReadWrite | QIODevice::Unbuffered;
        if (!socket->setSocketDescriptor(descriptor, QAbstractSocket::ConnectedState, mode)) {
            delete socket;
            ::close(int(descriptor));
            return;
        }
        auto *connection = new ClientConnection(socket, m_options, m_recorder, this);
        m_connections.insert(connection);
        connect(connection, &QObject::destroyed, this,
                [this, connection] { m_connections.remove(connection); });
    }

    void closeAll()
    {
        const QSet<ClientConnection *> connections = m_connections;
        for (ClientConnection *c : connections)
            delete c;
        m_connections.clear();
    }

private:
    const ProxyOptions &m_options;
    Recorder m_recorder;
    QSet<ClientConnection *> m_connections;
};

// Owns the listeners (on thread 0), deals accepted connections out to the workers in turn, and
// gathers what every thread captured into one batch, in the order the exchanges ended.
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
        auto *listener = new Listener(this);
        listener->setListenBacklogSize(1024);
        if (!listener->listen(address, port)) {
            if (error)
                *error = listener->errorString();
            delete listener;
            return 0;
        }
        m_listeners.append(listener);
        return listener->serverPort();
    }

    void closeListeners()
    {
        qDeleteAll(m_listeners);
        m_listeners.clear();
    }

    // From any network thread.
    void record(session::CapturedExchange &&exchange)
    {
        bool schedule = false;
        {
            QMutexLocker lock(&m_batchMutex);
            m_batch.append(std::move(exchange));
            schedule = !m_flushScheduled;
            m_flushScheduled = true;
        }
        if (!schedule)
            return;
        if (QThread::currentThread() == thread())
            m_batchTimer.start(batchIntervalMs);
        else
            QMetaObject::invokeMethod(
                this, [this] { m_batchTimer.start(batchIntervalMs); }, Qt::QueuedConnection);
    }

    void flush()
    {
        m_batchTimer.stop();
        QList<session::CapturedExchange> batch;
        {
            QMutexLocker lock(&m_batchMutex);
            batch.swap(m_batch);
            m_flushScheduled = false;
        }
        if (!batch.isEmpty())
            Q_EMIT m_server->exchangesCaptured(batch);
    }

private:
    class Listener : public QTcpServer
    {
    public:
        explicit Listener(ProxyCore *core) : QTcpServer(core), m_core(core) {}

    protected:
        void incomingConnection(qintptr descriptor) override { m_core->dispatch(descriptor); }

    private:
        ProxyCore *m_core;
    };

    void dispatch(qintptr descriptor)
    {
        const std::vector<ProxyWorker *> &workers = m_server->m_workers;
        ProxyWorker *worker = workers[m_nextWorker++ % workers.size()];
        if (worker->thread() == QThread::currentThread())
            worker->adopt(descriptor);
        else
            QMetaObject::invokeMethod(
                worker, [worker, descriptor] { worker->adopt(descriptor); }, Qt::QueuedConnection);
    }

    ProxyServer *m_server;
    QList<QTcpServer *> m_listeners;
    size_t m_nextWorker = 0;
    QMutex m_batchMutex; // guards the two below: every network thread records
    QList<session::CapturedExchange> m_batch;
    bool m_flushScheduled = false;
    QTimer m_batchTimer;
};

} // namespace detail

ProxyServer::ProxyServer(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<corslab::session::CapturedExchange>();
    qRegisterMetaType<QList<corslab::session::CapturedExchange>>();
    m_core = new detail::ProxyCore(this);
    const auto recorder = [core = m_core](session::CapturedExchange &&x) {
        core->record(std::move(x));
    };
    const int count = threadCountFor(m_options);
    for (int i = 0; i < count; ++i) {
        const QString name = count == 1 ? QStringLiteral("corslab-proxy")
                                        : QStringLiteral("corslab-proxy-%1").arg(i);
        m_threads.push_back(std::make_unique<http::NetworkThread>(name));
        m_workers.push_back(new detail::ProxyWorker(m_options, recorder));
        if (i == 0) {
            m_threads[0]->adopt(m_core);
            m_workers[0]->moveToThread(m_threads[0]->thread());
        } else {
            m_threads[i]->adopt(m_workers[i]);
        }
    }
}

ProxyServer::~ProxyServer()
{
    close();
    // The threads are stopped, so deleting their objects from here is safe.
    qDeleteAll(m_workers);
    delete m_core;
}

const ProxyServer::Options &ProxyServer::options() const
{
    return m_options;
}

int ProxyServer::networkThreadCount() const
{
    return int(m_threads.size());
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
    for (size_t i = 1; i < m_threads.size(); ++i)
        m_threads[i]->run([] {}); // started before the first connection is dealt to them
    quint16 bound = 0;
    m_threads[0]->run([&] { bound = m_core->listen(address, port, error); });
    return bound;
}

void ProxyServer::close()
{
    if (!m_threads[0]->thread()->isRunning())
        return;
    m_threads[0]->run([this] { m_core->closeListeners(); });
    // Connections dealt to a thread before the listeners closed are adopted, then closed.
    for (size_t i = 1; i < m_threads.size(); ++i)
        m_threads[i]->stop([worker = m_workers[i]] { worker->closeAll(); });
    m_threads[0]->stop([this] {
        m_workers[0]->closeAll();
        m_core->flush();
    });
}

} // namespace corslab::proxy
