#include "playground_server.h"

#include <QFile>
#include <QLoggingCategory>
#include <atomic>

Q_LOGGING_CATEGORY(lcPlayground, "corslab.playground")

namespace corslab::server {

namespace {
QByteArray loadPageTemplate()
{
    QFile file(QStringLiteral(":/corslab/playground.html"));
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcPlayground) << "playground page missing from resources";
        return QByteArrayLiteral("<!doctype html><p>CORS Lab playground page is missing.</p>");
    }
    return file.readAll();
}
} // namespace

PlaygroundServer::PlaygroundServer(Options options, policy::CorsPolicy policy, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_policy(std::move(policy))
{
}

PlaygroundServer::~PlaygroundServer()
{
    stop();
}

bool PlaygroundServer::start(QString *error)
{
    if (m_running)
        return true;
    // The API object must exist before the first request; the origins it serves are filled in
    // once the ports are known, so it is created after binding but before anything can connect
    // (the handler refuses requests until then).
    auto apiSlot = std::make_shared<std::atomic<PlaygroundApi *>>(nullptr);
    policy::PolicyStore *policy = &m_policy;
    m_http = std::make_unique<http::HttpServer>(
        [apiSlot, policy](const http::HttpRequest &request) {
            PlaygroundApi *api = apiSlot->load();
            if (!api) {
                http::HttpResponse r;
                r.status = 503;
                r.body = "starting\n";
                return r;
            }
            return api->handle(request, *policy->compiled());
        },
        m_options.http);
    // Exchanges cross to this thread in batches: one posted event per batch, not per request, so
    // a busy server does not flood the GUI's event loop.
    connect(m_http.get(), &http::HttpServer::exchangesCompleted, this, &PlaygroundServer::record,
            Qt::QueuedConnection);

    const bool loopback = m_options.address == QHostAddress::LocalHost;
    struct Binding
    {
        QString listener;
        quint16 wanted;
        quint16 bound = 0;
    };
    Binding bindings[] = {{QStringLiteral("api"), m_options.apiPort},
                          {QStringLiteral("app"), m_options.appPort},
                          {QStringLiteral("evil"), m_options.evilPort}};
    for (Binding &b : bindings) {
        QString why;
        b.bound = m_http->listen(m_options.address, b.wanted, b.listener, &why);
        if (b.bound == 0) {
            *error = QStringLiteral("cannot listen for the %1 origin on %2:%3: %4")
                         .arg(b.listener, m_options.address.toString())
                         .arg(b.wanted)
                         .arg(why);
            m_http->close();
            m_http.reset();
            return false;
        }
        // Browsers may resolve "localhost" to ::1 first; answer there too where IPv6 exists.
        if (loopback && b.listener != QLatin1String("evil")) {
            QString ignored;
            m_http->listen(QHostAddress::LocalHostIPv6, b.bound, b.listener, &ignored);
        }
    }
    const QByteArray host =
        loopback ? QByteArrayLiteral("localhost") : m_options.address.toString().toLatin1();
    const QByteArray evilHost = loopback ? QByteArrayLiteral("127.0.0.1") : host;
    m_origins.api = "http://" + host + ':' + QByteArray::number(bindings[0].bound);
    m_origins.app = "http://" + host + ':' + QByteArray::number(bindings[1].bound);
    m_origins.evil = "http://" + evilHost + ':' + QByteArray::number(bindings[2].bound);
    m_policy.setOrigins(m_origins);
    m_api = std::make_unique<PlaygroundApi>(m_origins, m_options.cookies, loadPageTemplate());
    apiSlot->store(m_api.get());
    m_running = true;
    qCDebug(lcPlayground) << "playground API" << m_origins.api << "app" << m_origins.app
                          << "untrusted" << m_origins.evil;
    return true;
}

void PlaygroundServer::stop()
{
    if (m_http)
        m_http->close(); // joins the network thread: no handler runs after this
    m_http.reset();
    m_api.reset();
    m_running = false;
}

QUrl PlaygroundServer::appPageUrl() const
{
    return QUrl(QString::fromLatin1(m_origins.app + '/'));
}

QUrl PlaygroundServer::evilPageUrl() const
{
    return QUrl(QString::fromLatin1(m_origins.evil + '/'));
}

void PlaygroundServer::setPolicy(const policy::CorsPolicy &policy)
{
    m_policy.set(policy);
    Q_EMIT policyChanged();
}

void PlaygroundServer::setCookieOptions(const CookieOptions &options)
{
    m_options.cookies = options;
    if (m_api)
        m_api->setCookieOptions(options);
}

QList<http::HttpExchange> PlaygroundServer::exchanges() const
{
    QMutexLocker lock(&m_logMutex);
    return m_log;
}

void PlaygroundServer::clearExchanges()
{
    QMutexLocker lock(&m_logMutex);
    m_log.clear();
}

void PlaygroundServer::record(const QList<http::HttpExchange> &batch)
{
    {
        QMutexLocker lock(&m_logMutex);
        m_log.append(batch);
        // Trim in steps of a quarter of the limit: dropping the oldest one by one would move the
        // whole log on every request once it is full.
        if (m_log.size() > m_options.logLimit + m_options.logLimit / 4)
            m_log.remove(0, m_log.size() - m_options.logLimit);
    }
    for (const http::HttpExchange &exchange : batch)
        Q_EMIT exchangeRecorded(exchange);
}

} // namespace corslab::server
