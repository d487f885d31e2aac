#pragma once

#include "http/http_message.h"
#include "http/http_server.h"
#include "policy/cors_policy.h"
#include "policy/policy_store.h"
#include "server/playground_api.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>
#include <memory>

/// \brief The playground with its API origin over HTTPS, for the proxy's interception test.
///
/// Like server::PlaygroundServer (same page, same API handler, same listener tags), except that
/// the API listens on https://localhost:S with the TLS configuration the caller gives (a test
/// CA's certificate for "localhost"). The pages stay plain: the trusted app on
/// http://localhost:Q and the untrusted page on http://127.0.0.1:R, whose script then calls the
/// https API. Mirrors PlaygroundServer's interface so that one test helper drives both.
class TlsPlayground : public QObject
{
    Q_OBJECT

public:
    TlsPlayground(corslab::policy::CorsPolicy policy, QSslConfiguration tls,
                  QObject *parent = nullptr);
    ~TlsPlayground() override;

    /// Binds the three origins (the API and the app on 127.0.0.1 and, where IPv6 exists, ::1).
    /// Returns false with \a error naming the origin and the reason.
    bool start(QString *error);
    /// Stops the server; what it logged stays available.
    void stop();

    corslab::policy::DemoOrigins origins() const { return m_origins; }
    QUrl appPageUrl() const;
    QUrl evilPageUrl() const;

    /// The exchanges handled so far, oldest first (thread-safe copy).
    QList<corslab::http::HttpExchange> exchanges() const;

Q_SIGNALS:
    /// One per response written, in the object's thread.
    void exchangeRecorded(const corslab::http::HttpExchange &exchange);

private:
    void record(const QList<corslab::http::HttpExchange> &batch);

    corslab::policy::PolicyStore m_policy;
    QSslConfiguration m_tls;
    corslab::policy::DemoOrigins m_origins;
    std::unique_ptr<corslab::server::PlaygroundApi> m_api;
    std::unique_ptr<corslab::http::HttpServer> m_http;
    mutable QMutex m_logMutex;
    QList<corslab::http::HttpExchange> m_log;
};
