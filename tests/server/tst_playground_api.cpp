// The playground's endpoints and pages, called directly (no sockets): each endpoint's answer,
// the policy's headers on every API response (errors included), the login cookie, the page.
#include "server/playground_api.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace corslab;
using namespace corslab::server;
using namespace corslab::policy;

namespace {
const DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                           "http://127.0.0.1:6666"};

http::HttpRequest request(const QByteArray &method, const QByteArray &target,
                          base::HeaderList headers = {},
                          const QString &listener = QStringLiteral("api"))
{
    http::HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    r.listener = listener;
    return r;
}

std::optional<QByteArray> header(const http::HttpResponse &r, const QByteArray &name)
{
    std::optional<QByteArray> out;
    for (const auto &h : r.headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            out = out ? *out + ", " + h.second : h.second;
    }
    return out;
}

QJsonObject body(const http::HttpResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}
} // namespace

class TestPlaygroundApi : public QObject
{
    Q_OBJECT

private:
    PlaygroundApi m_api{kOrigins, CookieOptions{},
                        QByteArrayLiteral("<p>{ROLE_TITLE} {PAGE_ORIGIN} {API_ORIGIN}</p>")};
    CorsPolicy m_policy = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));

private Q_SLOTS:
    void publicEndpoint()
    {
        const auto r =
            m_api.handle(request("GET", "/public", {{"Origin", kOrigins.app}}), m_policy);
        QCOMPARE(r.status, 200);
        QCOMPARE(header(r, "Content-Type").value(), QByteArray("application/json"));
        QCOMPARE(header(r, "X-Total-Count").value(), QByteArray("3"));
        QCOMPARE(header(r, "Access-Control-Allow-Origin").value(), kOrigins.app);
        QCOMPARE(header(r, "Access-Control-Allow-Credentials").value(), QByteArray("true"));
        QCOMPARE(header(r, "Access-Control-Expose-Headers").value(), QByteArray("X-Total-Count"));
        QCOMPARE(body(r).value(QStringLiteral("items")).toArray().size(), 3);
    }

    void untrustedOriginGetsNoAcao()
    {
        const auto r =
            m_api.handle(request("GET", "/public", {{"Origin", kOrigins.evil}}), m_policy);
        QCOMPARE(r.status, 200);
        QVERIFY(!header(r, "Access-Control-Allow-Origin"));
    }

    void loginPrivateLogout()
    {
        auto r = m_api.handle(request("GET", "/private", {{"Origin", kOrigins.app}}), m_policy);
        QCOMPARE(r.status, 401);
        QCOMPARE(body(r).value(QStringLiteral("error")).toString(),
                 QStringLiteral("please log in"));
        QCOMPARE(header(r, "Access-Control-Allow-Origin").value(),
                 kOrigins.app); // errors carry CORS too

        r = m_api.handle(request("POST", "/login", {{"Origin", kOrigins.app}}), m_policy);
        QCOMPARE(r.status, 200);
        const QByteArray setCookie = header(r, "Set-Cookie").value();
        QVERIFY(setCookie.startsWith("corslab_session="));
        QVERIFY(setCookie.contains("HttpOnly"));
        QVERIFY(setCookie.contains("SameSite=Lax"));
        QVERIFY(!setCookie.contains("Secure"));
        const QByteArray cookie = setCookie.left(setCookie.indexOf(';'));

        r = m_api.handle(
            request("GET", "/private", {{"Origin", kOrigins.app}, {"Cookie", "a=b; " + cookie}}),
            m_policy);
        QCOMPARE(r.status, 200);
        QCOMPARE(body(r).value(QStringLiteral("user")).toString(), QStringLiteral("alice"));

        r = m_api.handle(request("POST", "/logout", {{"Cookie", cookie}}), m_policy);
        QVERIFY(header(r, "Set-Cookie").value().contains("Max-Age=0"));
        r = m_api.handle(request("GET", "/private", {{"Cookie", cookie}}), m_policy);
        QCOMPARE(r.status, 401);
        QCOMPARE(body(r).value(QStringLiteral("cookie_received")).toBool(), true);
    }

    void cookieOptions()
    {
        PlaygroundApi api(kOrigins, CookieOptions{"None", true}, {});
        const auto r = api.handle(request("POST", "/login"), m_policy);
        QVERIFY(header(r, "Set-Cookie").value().contains("SameSite=None; Secure"));
    }

    void echoAnyMethod()
    {
        const auto r =
            m_api.handle(request("FOO", "/echo?x=1", {{"X-A", "1"}, {"x-a", "2"}}), m_policy);
        QCOMPARE(r.status, 200);
        const QJsonObject o = body(r);
        QCOMPARE(o.value(QStringLiteral("method")).toString(), QStringLiteral("FOO"));
        QCOMPARE(o.value(QStringLiteral("target")).toString(), QStringLiteral("/echo?x=1"));
        QCOMPARE(o.value(QStringLiteral("headers")).toArray().size(), 2);
    }

    void slowStatusRedirect()
    {
        auto r = m_api.handle(request("GET", "/slow?ms=250"), m_policy);
        QCOMPARE(r.delayMs, 250);
        r = m_api.handle(request("GET", "/slow?ms=abc"), m_policy);
        QCOMPARE(r.status, 400);
        QVERIFY(body(r)
                    .value(QStringLiteral("error"))
                    .toString()
                    .startsWith(QStringLiteral("ms: expected")));
        r = m_api.handle(request("GET", "/slow?ms=999999"), m_policy);
        QCOMPARE(r.status, 400);
        r = m_api.handle(request("GET", "/status/418"), m_policy);
        QCOMPARE(r.status, 418);
        r = m_api.handle(request("GET", "/status/99"), m_policy);
        QCOMPARE(r.status, 400);
        r = m_api.handle(request("GET", "/redirect?to=http%3A%2F%2Flocalhost%3A8080%2Fpublic"),
                         m_policy);
        QCOMPARE(r.status, 302);
        QCOMPARE(header(r, "Location").value(), QByteArray("http://localhost:8080/public"));
        r = m_api.handle(request("GET", "/redirect"), m_policy);
        QCOMPARE(r.status, 400);
        r = m_api.handle(request("GET", "/nope"), m_policy);
        QCOMPARE(r.status, 404);
    }

    void preflightFollowsPolicy()
    {
        const base::HeaderList pf{{"Origin", kOrigins.app},
                                  {"Access-Control-Request-Method", "PUT"},
                                  {"Access-Control-Request-Headers", "content-type"}};
        auto r = m_api.handle(request("OPTIONS", "/echo", pf), m_policy);
        QCOMPARE(r.status, 204);
        QCOMPARE(header(r, "Access-Control-Allow-Methods").value(),
                 QByteArray("GET, POST, PUT, DELETE"));
        QCOMPARE(header(r, "Access-Control-Max-Age").value(), QByteArray("600"));
        CorsPolicy changed = m_policy;
        changed.preflightStatus = 403;
        r = m_api.handle(request("OPTIONS", "/echo", pf), changed);
        QCOMPARE(r.status, 403);
        r = m_api.handle(request("OPTIONS", "/echo"), m_policy); // plain OPTIONS, not a preflight
        QCOMPARE(r.status, 204);
        QVERIFY(header(r, "Allow").has_value());
    }

    void pages()
    {
        auto r = m_api.handle(request("GET", "/", {}, QStringLiteral("app")), m_policy);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body,
                 QByteArray("<p>trusted app http://localhost:3000 http://localhost:8080</p>"));
        r = m_api.handle(request("GET", "/", {}, QStringLiteral("evil")), m_policy);
        QCOMPARE(r.body,
                 QByteArray("<p>untrusted site http://127.0.0.1:6666 http://localhost:8080</p>"));
        r = m_api.handle(request("GET", "/nope", {}, QStringLiteral("app")), m_policy);
        QCOMPARE(r.status, 404);
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundApi)
#include "tst_playground_api.moc"
