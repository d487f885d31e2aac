#include "proxy_tls_playground.h"

#include <QFile>
#include <QHostAddress>
#include <atomic>

using namespace Qt::StringLiterals;
using namespace corslab;

TlsPlayground::TlsPlayground(policy::CorsPolicy policy, QSslConfiguration tls, QObject *parent)
    : QObject(parent), m_policy(std::move(policy)), m_tls(std::move(tls))
{
}

TlsPlayground::~TlsPlayground()
{
    stop();
}

bool TlsPlayground::start(QString *error)
{
    QFile page(u":/corslab/playground.html"_s);
    if (!page.open(QIODevice::ReadOnly)) {
        *error = u"the playground page is missing from the resources (:/corslab/playground.html)"_s;
        return false;
    }
    const QByteArray pageTemplate = page.readAll();

    // As in PlaygroundServer: the handler exists before the ports (hence the origins) are known,
    // and answers 503 until the API object is made from them.
    auto apiSlot = std::make_shared<std::atomic<server::PlaygroundApi *>>(nullptr);
    policy::PolicyStore *policy = &m_policy;
    m_http =
        std::make_unique<http::HttpServer>([apiSlot, policy](const http::HttpRequest &request) {
            server::PlaygroundApi *api = apiSlot->load();
            if (!api)
                return http::HttpResponse::text(503, "starting\n", true);
            return api->handle(request, *policy->compiled());
        });
    connect(m_http.get(), &http::HttpServer::exchangesCompleted, this, &TlsPlayground::record,
            Qt::QueuedConnection);

    struct Binding
    {
        QString listener;
        bool tls;
        bool ipv6; ///< also on ::1: the proxy may resolve "localhost" to it first
        quint16 port = 0;
    };
    Binding bindings[] = {
        {u"api"_s, true, true}, {u"app"_s, false, true}, {u"evil"_s, false, false}};
    for (Binding &b : bindings) {
        QString why;
        b.port = b.tls ? m_http->listenTls(QHostAddress::LocalHost, 0, b.listener, m_tls, &why)
                       : m_http->listen(QHostAddress::LocalHost, 0, b.listener, &why);
        if (b.port == 0) {
            *error = u"cannot listen for the %1 origin on 127.0.0.1: %2"_s.arg(b.listener, why);
            stop();
            return false;
        }
        if (b.ipv6) {
            QString ignored; // no IPv6 on this machine: 127.0.0.1 alone serves "localhost"
            if (b.tls)
                m_http->listenTls(QHostAddress::LocalHostIPv6, b.port, b.listener, m_tls, &ignored);
            else
                m_http->listen(QHostAddress::LocalHostIPv6, b.port, b.listener, &ignored);
        }
    }
    m_origins.api = "https://localhost:" + QByteArray::number(bindings[0].port);
    m_origins.app = "http://localhost:" + QByteArray::number(bindings[1].port);
    m_origins.evil = "http://127.0.0.1:" + QByteArray::number(bindings[2].port);
    m_policy.setOrigins(m_origins);
    m_api =
        std::make_unique<server::PlaygroundApi>(m_origins, server::CookieOptions{}, pageTemplate);
    apiSlot->store(m_api.get());
    return true;
}

void TlsPlayground::stop()
{
    if (m_http)
        m_http->close(); // joins the network thread: no handler runs after this
    m_http.reset();
    m_api.reset();
}

QUrl TlsPlayground::appPageUrl() const
{
    return QUrl(QString::fromLatin1(m_origins.app + '/'));
}

QUrl TlsPlayground::evilPageUrl() const
{
    return QUrl(QString::fromLatin1(m_origins.evil + '/'));
}

QList<http::HttpExchange> TlsPlayground::exchanges() const
{
    QMutexLocker lock(&m_logMutex);
    return m_log;
}

void TlsPlayground::record(const QList<http::HttpExchange> &batch)
{
    {
        QMutexLocker lock(&m_logMutex);
        m_log.append(batch);
    }
    for (const http::HttpExchange &exchange : batch)
        Q_EMIT exchangeRecorded(exchange);
}
