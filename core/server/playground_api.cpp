#include "playground_api.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

namespace corslab::server {

namespace {

const QByteArray kSessionCookie = QByteArrayLiteral("corslab_session");
constexpr int kMaxSlowMs = 30000;

http::HttpResponse json(int status, const QJsonObject &body)
{
    http::HttpResponse r;
    r.status = status;
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';
    return r;
}

QJsonArray headersJson(const base::HeaderList &headers)
{
    QJsonArray out;
    for (const auto &h : headers)
        out.append(QJsonArray{QString::fromLatin1(h.first), QString::fromLatin1(h.second)});
    return out;
}

// The value of cookie \a name in the request's Cookie header(s), or an empty array.
QByteArray cookieValue(const http::HttpRequest &request, const QByteArray &name)
{
    const std::optional<QByteArray> header = request.header("cookie");
    if (!header)
        return {};
    for (const QByteArray &part : header->split(';')) {
        const QByteArray pair = part.trimmed();
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0 && pair.left(eq) == name)
            return pair.mid(eq + 1);
    }
    return {};
}

} // namespace

PlaygroundApi::PlaygroundApi(policy::DemoOrigins origins, CookieOptions cookies,
                             QByteArray pageTemplate)
    : m_origins(std::move(origins)), m_pageTemplate(std::move(pageTemplate)),
      m_cookies(std::move(cookies))
{
}

void PlaygroundApi::setCookieOptions(const CookieOptions &options)
{
    QMutexLocker lock(&m_mutex);
    m_cookies = options;
}

bool PlaygroundApi::loggedIn(const http::HttpRequest &request) const
{
    const QByteArray token = cookieValue(request, kSessionCookie);
    QMutexLocker lock(&m_mutex);
    return !token.isEmpty() && m_sessions.contains(token);
}

http::HttpResponse PlaygroundApi::handle(const http::HttpRequest &request,
                                         const policy::CorsPolicy &policy)
{
    return handle(request, policy::CompiledPolicy(policy, m_origins));
}

http::HttpResponse PlaygroundApi::handle(const http::HttpRequest &request,
                                         const policy::CompiledPolicy &policy)
{
    if (request.listener == QLatin1String("api"))
        return handleApi(request, policy);
    return handlePage(request);
}

// The page origins serve the playground page with the demo origins filled in.
http::HttpResponse PlaygroundApi::handlePage(const http::HttpRequest &request) const
{
    const QByteArray path = request.path();
    if (request.method == "POST" && path == "/__results")
        return json(204, {}); // tests read the posted results from the exchange log
    if (path == "/favicon.ico") {
        http::HttpResponse r;
        r.status = 204;
        return r;
    }
    if (path != "/" && path != "/index.html")
        return json(404, {{QStringLiteral("error"),
                           QStringLiteral("not found: the playground page is at /")}});
    const bool evil = request.listener == QLatin1String("evil");
    QByteArray page = m_pageTemplate;
    page.replace("{ROLE_TITLE}", evil ? "untrusted site" : "trusted app")
        .replace("{ROLE}", evil ? "evil" : "app")
        .replace("{PAGE_ORIGIN}", evil ? m_origins.evil : m_origins.app)
        .replace("{API_ORIGIN}", m_origins.api)
        .replace("{APP_ORIGIN}", m_origins.app)
        .replace("{EVIL_ORIGIN}", m_origins.evil);
    http::HttpResponse r;
    r.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/html; charset=utf-8")});
    r.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    r.body = page;
    return r;
}

http::HttpResponse PlaygroundApi::handleApi(const http::HttpRequest &request,
                                            const policy::CompiledPolicy &policy)
{
    const policy::PolicyAnswer answer = policy.answer(
        request.header("origin"), request.method, request.header("access-control-request-method"),
        request.header("access-control-request-headers"));
    http::HttpResponse r;
    const QByteArray path = request.path();
    const QUrlQuery query = request.query();
    if (answer.isPreflight) {
        r.status = answer.status;
    } else if (request.method == "OPTIONS") {
        r.status = 204;
        r.headers.append({QByteArrayLiteral("Allow"),
                          QByteArrayLiteral("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")});
    } else if (path == "/public") {
        // The busiest endpoint never changes: build it once (the benchmark's hot path).
        static const http::HttpResponse publicResponse = [] {
            http::HttpResponse p = json(
                200,
                {{QStringLiteral("message"), QStringLiteral("public data: anyone may read this")},
                 {QStringLiteral("items"),
                  QJsonArray{QStringLiteral("apple"), QStringLiteral("pear"),
                             QStringLiteral("plum")}}});
            p.headers.append({QByteArrayLiteral("X-Total-Count"), QByteArrayLiteral("3")});
            p.addContentLength();
            return p;
        }();
        r = publicResponse;
    } else if (path == "/private") {
        if (loggedIn(request))
            r = json(200, {{QStringLiteral("user"), QStringLiteral("alice")},
                           {QStringLiteral("secret"), QStringLiteral("alice's private data")}});
        else
            r = json(401,
                     {{QStringLiteral("error"), QStringLiteral("please log in")},
                      {QStringLiteral("cookie_received"), request.header("cookie").has_value()}});
    } else if (path == "/login") {
        const QByteArray token = QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        CookieOptions cookies;
        {
            QMutexLocker lock(&m_mutex);
            m_sessions.insert(token);
            cookies = m_cookies;
        }
        r = json(200, {{QStringLiteral("logged_in"), true},
                       {QStringLiteral("user"), QStringLiteral("alice")}});
        QByteArray cookie =
            kSessionCookie + '=' + token + "; Path=/; HttpOnly; SameSite=" + cookies.sameSite;
        if (cookies.secure)
            cookie += "; Secure";
        r.headers.append({QByteArrayLiteral("Set-Cookie"), cookie});
    } else if (path == "/logout") {
        const QByteArray token = cookieValue(request, kSessionCookie);
        {
            QMutexLocker lock(&m_mutex);
            m_sessions.remove(token);
        }
        r = json(200, {{QStringLiteral("logged_in"), false}});
        r.headers.append(
            {QByteArrayLiteral("Set-Cookie"), kSessionCookie + "=; Path=/; Max-Age=0"});
    } else if (path == "/echo") {
        r = json(200, {{QStringLiteral("method"), QString::fromLatin1(request.method)},
                       {QStringLiteral("target"), QString::fromLatin1(request.target)},
                       {QStringLiteral("headers"), headersJson(request.headers)},
                       {QStringLiteral("body"), QString::fromUtf8(request.body)}});
    } else if (path == "/slow") {
        bool ok = false;
        const int ms = query.queryItemValue(QStringLiteral("ms")).toInt(&ok);
        if (!ok || ms < 0 || ms > kMaxSlowMs) {
            r = json(400,
                     {{QStringLiteral("error"),
                       QStringLiteral("ms: expected a whole number of milliseconds from 0 to %1")
                           .arg(kMaxSlowMs)}});
        } else {
            r = json(200, {{QStringLiteral("slept_ms"), ms}});
            r.delayMs = ms;
        }
    } else if (path.startsWith("/status/")) {
        bool ok = false;
        const int code = path.mid(8).toInt(&ok);
        if (!ok || code < 200 || code > 599)
            r = json(400,
                     {{QStringLiteral("error"),
                       QStringLiteral("expected /status/{code} with a code from 200 to 599")}});
        else
            r = json(code, {{QStringLiteral("status"), code}});
    } else if (path == "/redirect") {
        const QString to = query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded);
        if (to.isEmpty()) {
            r = json(400,
                     {{QStringLiteral("error"),
                       QStringLiteral(
                           "to: expected the URL to redirect to, e.g. /redirect?to=/public")}});
        } else {
            r.status = 302;
            r.headers.append({QByteArrayLiteral("Location"), to.toUtf8()});
        }
    } else {
        r = json(404, {{QStringLiteral("error"), QStringLiteral("no such endpoint")},
                       {QStringLiteral("endpoints"),
                        QStringLiteral("/public /private /login /logout /echo /slow?ms= "
                                       "/status/{code} /redirect?to=")}});
    }
    // Every API response carries the policy's CORS headers, errors included: browsers CORS-check
    // them too, and a 401 hidden by CORS is a classic source of confusion.
    r.headers.append(answer.headers);
    return r;
}

} // namespace corslab::server
