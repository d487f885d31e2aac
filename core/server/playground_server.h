#pragma once

#include "http/http_server.h"
#include "playground_api.h"
#include "policy/cors_policy.h"
#include "policy/policy_store.h"

#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QObject>
#include <memory>

namespace corslab::server {

/// \brief The embedded playground: a demo API origin, a trusted app origin (same site as the API)
/// and an untrusted origin (another site), served from one network thread, with a CORS policy the
/// user changes live.
///
/// The API listens on http://localhost:P (127.0.0.1 and ::1), the app on http://localhost:Q and
/// the untrusted page on http://127.0.0.1:R: `localhost` ports are one site (the app's cookie
/// travels, CORS still applies), `127.0.0.1` is another site (Chromium withholds third-party
/// cookies from it).
class PlaygroundServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost; ///< another address only when asked for
        quint16 apiPort = 0;                            ///< 0 picks a free port
        quint16 appPort = 0;
        quint16 evilPort = 0;
        CookieOptions cookies;
        http::HttpServer::Options http;
        int logLimit = 10000; ///< exchanges kept in memory (oldest dropped first, in batches)
    };

    explicit PlaygroundServer(Options options, policy::CorsPolicy policy = {},
                              QObject *parent = nullptr);
    ~PlaygroundServer() override;

    /// Binds the three origins. Returns false with \a error naming the origin and the reason.
    bool start(QString *error);
    void stop();
    bool isRunning() const { return m_running; }

    policy::DemoOrigins origins() const { return m_origins; }
    /// The URL of the playground page on the trusted app and on the untrusted origin.
    QUrl appPageUrl() const;
    QUrl evilPageUrl() const;

    policy::CorsPolicy policy() const { return m_policy.get(); }
    /// Takes effect on the next request (thread-safe).
    void setPolicy(const policy::CorsPolicy &policy);
    void setCookieOptions(const CookieOptions &options);

    /// The exchanges handled so far, oldest first (thread-safe copy).
    QList<http::HttpExchange> exchanges() const;
    void clearExchanges();

Q_SIGNALS:
    /// One per response written, in the object's thread.
    void exchangeRecorded(const corslab::http::HttpExchange &exchange);
    void policyChanged();

private:
    void record(const QList<http::HttpExchange> &batch);

    Options m_options;
    policy::PolicyStore m_policy;
    policy::DemoOrigins m_origins;
    std::unique_ptr<PlaygroundApi> m_api;
    std::unique_ptr<http::HttpServer> m_http;
    bool m_running = false;
    mutable QMutex m_logMutex;
    QList<http::HttpExchange> m_log;
};

} // namespace corslab::server
