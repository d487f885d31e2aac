#pragma once

#include "http/http_message.h"
#include "policy/cors_policy.h"

#include <QMutex>
#include <QSet>

namespace corslab::server {

/// Cookie attributes of the demo login.
struct CookieOptions
{
    QByteArray sameSite = QByteArrayLiteral("Lax"); ///< Lax, Strict or None
    bool secure = false; ///< Secure cookies are not stored over plain http://, so off by default
};

/// \brief The demo API and pages: one request in, one response out, with the CORS policy applied.
///
/// No sockets here (PlaygroundServer carries the bytes), so every endpoint is testable by calling
/// handle(). Thread-safe: the session set has its own lock.
class PlaygroundApi
{
public:
    PlaygroundApi(policy::DemoOrigins origins, CookieOptions cookies, QByteArray pageTemplate);

    /// \a listener is "api", "app" or "evil": which demo origin received the request.
    http::HttpResponse handle(const http::HttpRequest &request,
                              const policy::CompiledPolicy &policy);
    /// The same with a policy compiled for this call (tests, one-off use).
    http::HttpResponse handle(const http::HttpRequest &request, const policy::CorsPolicy &policy);

    const policy::DemoOrigins &origins() const { return m_origins; }
    void setCookieOptions(const CookieOptions &options);

private:
    http::HttpResponse handleApi(const http::HttpRequest &request,
                                 const policy::CompiledPolicy &policy);
    http::HttpResponse handlePage(const http::HttpRequest &request) const;
    bool loggedIn(const http::HttpRequest &request) const;

    policy::DemoOrigins m_origins;
    QByteArray m_pageTemplate;
    mutable QMutex m_mutex;
    CookieOptions m_cookies;
    QSet<QByteArray> m_sessions;
};

} // namespace corslab::server
