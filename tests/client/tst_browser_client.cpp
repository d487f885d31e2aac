// BrowserClient against the real playground over loopback: the headers a browser's fetch() sends,
// preflights and the preflight cache, cookies and SameSite, redirects, network failures,
// validation, local port registration, and the curl / fetch() snippets.
#include "base/header_list.h"
#include "client/browser_client.h"
#include "client/fetch_headers.h"
#include "http/http_server.h"
#include "http/local_client_ports.h"
#include "proxy/certificate_authority.h"
#include "server/playground_server.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace corslab::client;
using corslab::cors::CorsError;
using corslab::cors::CredentialsMode;

namespace {

constexpr int guardMs = 30000; // a hang guard only: every wait ends on a signal

std::optional<QByteArray> header(const base::HeaderList &headers, QByteArrayView name)
{
    return base::getHeader(headers, name);
}

/// The names of \a headers, lowercase, comma-joined: the order they go out in.
QByteArray headerOrder(const base::HeaderList &headers)
{
    QByteArrayList names;
    for (const auto &h : headers)
        names.append(h.first.toLower());
    return names.join(", ");
}

/// A loopback server that reads one request head and answers with \a reply (or never, when it
/// is empty), recording whether the client's port was registered while it was connected.
class RawServer : public QObject
{
public:
    explicit RawServer(QByteArray reply, std::shared_ptr<http::LocalClientPorts> ports = {})
        : m_reply(std::move(reply)), m_ports(std::move(ports))
    {
        m_server.listen(QHostAddress::LocalHost); // port() stays 0 when this fails
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                m_received += socket->readAll();
                if (!m_received.contains("\r\n\r\n"))
                    return;
                if (m_ports)
                    portRegisteredWhileConnected = m_ports->contains(socket->peerPort());
                if (!m_reply.isEmpty()) {
                    socket->write(m_reply);
                    socket->disconnectFromHost();
                }
            });
        });
    }
    quint16 port() const { return m_server.isListening() ? m_server.serverPort() : 0; }
    QByteArray received() const { return m_received; }
    std::optional<bool> portRegisteredWhileConnected;

private:
    QTcpServer m_server;
    QByteArray m_reply;
    std::shared_ptr<http::LocalClientPorts> m_ports;
    QByteArray m_received;
};

} // namespace

class TestBrowserClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<server::PlaygroundServer> m_server;
    std::unique_ptr<BrowserClient> m_client;
    policy::DemoOrigins m_origins;

    void startServer(const policy::CorsPolicy &policy)
    {
        m_server =
            std::make_unique<server::PlaygroundServer>(server::PlaygroundServer::Options{}, policy);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_origins = m_server->origins();
    }
    static policy::CorsPolicy preset(const char *name)
    {
        return *policy::CorsPolicy::preset(QString::fromLatin1(name));
    }
    QUrl api(const char *path) const { return QUrl(QString::fromLatin1(m_origins.api + path)); }
    ComposedRequest request(const QByteArray &origin, const char *path,
                            const QByteArray &method = "GET") const
    {
        ComposedRequest r;
        r.origin = origin;
        r.url = api(path);
        r.method = method;
        return r;
    }

    static FetchOutcome run(BrowserClient &client, const ComposedRequest &r)
    {
        QSignalSpy finished(&client, &BrowserClient::finished);
        const quint64 id = client.fetch(r);
        if (finished.isEmpty() && !finished.wait(guardMs))
            qWarning("no outcome within the guard time");
        if (finished.size() != 1)
            return {};
        const auto outcome = finished.at(0).at(0).value<FetchOutcome>();
        if (outcome.requestId != id)
            qWarning("outcome of another request");
        return outcome;
    }
    FetchOutcome run(const ComposedRequest &r) { return run(*m_client, r); }

private Q_SLOTS:
    void init() { m_client = std::make_unique<BrowserClient>(BrowserClient::Options{}); }
    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void simpleGetAllowedSendsBrowserHeaders()
    {
        startServer(preset("Credentialed allowlist"));
        const FetchOutcome o = run(request(m_origins.app, "/public"));
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QVERIFY(o.exposed);
        QCOMPARE(o.error, CorsError::None);
        QVERIFY(!o.preflightSent);
        QVERIFY(o.actualSent);
        QCOMPARE(o.exchanges.size(), 1);
        const session::CapturedExchange &e = o.exchanges.first();
        QCOMPARE(e.method, QByteArray("GET"));
        QCOMPARE(e.url, m_origins.api + "/public");
        QCOMPARE(e.status, 200);
        QVERIFY(e.responseBody.stored.contains("public data"));
        QCOMPARE(e.responseBody.size, e.responseBody.stored.size());
        QCOMPARE(header(e.requestHeaders, "host"), m_origins.api.mid(7));
        QCOMPARE(header(e.requestHeaders, "origin"), m_origins.app);
        QCOMPARE(header(e.requestHeaders, "accept"), QByteArray("*/*"));
        QCOMPARE(header(e.requestHeaders, "sec-fetch-mode"), QByteArray("cors"));
        QCOMPARE(header(e.requestHeaders, "sec-fetch-site"), QByteArray("same-site"));
        QCOMPARE(header(e.requestHeaders, "sec-fetch-dest"), QByteArray("empty"));
        QVERIFY(header(e.requestHeaders, "user-agent")->contains("CORS-Lab-Composer"));
        QVERIFY(!header(e.requestHeaders, "cookie"));
        QVERIFY(!header(e.requestHeaders, "content-length"));
        QCOMPARE(e.upstreamPort, quint16(m_origins.api.split(':').last().toUInt()));
        QVERIFY(e.clientPort != 0);
        QVERIFY(e.startedAtMs > 0 && e.firstByteAtMs >= e.startedAtMs &&
                e.finishedAtMs >= e.firstByteAtMs);
        // The server got exactly the recorded headers (its log is filled from its own thread).
        QTRY_COMPARE_WITH_TIMEOUT(m_server->exchanges().size(), 1, guardMs);
        QCOMPARE(m_server->exchanges().first().request.headers, e.requestHeaders);
    }

    void simpleGetRefused_data()
    {
        QTest::addColumn<QByteArray>("extraAllowOrigin");
        QTest::addColumn<int>("error");
        QTest::newRow("origin not in the allowlist")
            << QByteArray() << int(CorsError::MissingAllowOriginHeader);
        QTest::newRow("another origin allowed")
            << QByteArray("http://other.test") << int(CorsError::AllowOriginMismatch);
    }
    void simpleGetRefused()
    {
        QFETCH(QByteArray, extraAllowOrigin);
        QFETCH(int, error);
        policy::CorsPolicy policy = preset("Credentialed allowlist");
        if (!extraAllowOrigin.isEmpty()) {
            policy.allowOrigin = policy::CorsPolicy::OriginMode::None;
            policy.extraHeaders = {{"Access-Control-Allow-Origin", extraAllowOrigin}};
        }
        startServer(policy);
        const FetchOutcome o = run(request(m_origins.evil, "/public"));
        QVERIFY(o.failure.isEmpty());
        QVERIFY(!o.exposed);
        QCOMPARE(int(o.error), error);
        QCOMPARE(o.exchanges.size(), 1);
        QCOMPARE(o.exchanges.first().status, 200); // sent and answered, then blocked
        QCOMPARE(header(o.exchanges.first().requestHeaders, "origin"), m_origins.evil);
        QCOMPARE(header(o.exchanges.first().requestHeaders, "sec-fetch-site"),
                 QByteArray("cross-site"));
    }

    void jsonPostIsPreflighted()
    {
        startServer(preset("Credentialed allowlist"));
        ComposedRequest r = request(m_origins.app, "/echo", "POST");
        r.headers = {{"X-Requested-With", "XMLHttpRequest"}, {"Content-Type", "application/json"}};
        r.body = R"({"a":1})";
        const FetchOutcome o = run(r);
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QVERIFY(o.preflightSent);
        QVERIFY(!o.preflightFromCache);
        QVERIFY(o.actualSent);
        QVERIFY(o.exposed);
        QCOMPARE(o.exchanges.size(), 2);
        const session::CapturedExchange &pf = o.exchanges.at(0);
        QCOMPARE(pf.method, QByteArray("OPTIONS"));
        QCOMPARE(pf.status, 204);
        QCOMPARE(header(pf.requestHeaders, "access-control-request-method"), QByteArray("POST"));
        QCOMPARE(header(pf.requestHeaders, "access-control-request-headers"),
                 QByteArray("content-type,x-requested-with"));
        QCOMPARE(header(pf.requestHeaders, "origin"), m_origins.app);
        QCOMPARE(header(pf.requestHeaders, "accept"), QByteArray("*/*"));
        QVERIFY(!header(pf.requestHeaders, "content-type"));
        QVERIFY(!header(pf.requestHeaders, "x-requested-with"));
        QVERIFY(!header(pf.requestHeaders, "cookie"));
        const session::CapturedExchange &actual = o.exchanges.at(1);
        QCOMPARE(actual.method, QByteArray("POST"));
        QCOMPARE(header(actual.requestHeaders, "content-length"), QByteArray("7"));
        QCOMPARE(header(actual.requestHeaders, "content-type"), QByteArray("application/json"));
        QCOMPARE(actual.requestBody.stored, QByteArray(R"({"a":1})"));
        QVERIFY(actual.responseBody.stored.contains(R"(\"a\":1)"));
    }

    void failedPreflightStopsTheActualRequest_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("headerName");
        QTest::addColumn<int>("error");
        QTest::newRow("header not allowed")
            << QStringLiteral("Credentialed allowlist") << QByteArray("X-Custom")
            << int(CorsError::HeaderDisallowedByPreflightResponse);
        QTest::newRow("preflight answered 401")
            << QStringLiteral("Misconfigured: preflight rejected (401)") << QByteArray("X-Custom")
            << int(CorsError::PreflightInvalidStatus);
        QTest::newRow("no CORS at all") << QStringLiteral("No CORS") << QByteArray("X-Custom")
                                        << int(CorsError::PreflightMissingAllowOriginHeader);
    }
    void failedPreflightStopsTheActualRequest()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, headerName);
        QFETCH(int, error);
        startServer(*policy::CorsPolicy::preset(preset));
        ComposedRequest r = request(m_origins.app, "/echo", "PUT");
        r.headers = {{headerName, "1"}};
        const FetchOutcome o = run(r);
        QVERIFY(o.failure.isEmpty());
        QVERIFY(o.preflightSent);
        QVERIFY(!o.actualSent);
        QVERIFY(!o.exposed);
        QCOMPARE(int(o.error), error);
        QCOMPARE(o.exchanges.size(), 1);
        QCOMPARE(o.exchanges.first().method, QByteArray("OPTIONS"));
        // The PUT never reached the server: once a later request is in its log (kept in order),
        // the log holds the preflight and that request only.
        QVERIFY(run(request(m_origins.app, "/public")).actualSent);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->exchanges().size(), 2, guardMs);
        QCOMPARE(m_server->exchanges().at(0).request.method, QByteArray("OPTIONS"));
        QCOMPARE(m_server->exchanges().at(1).request.method, QByteArray("GET"));
    }

    void preflightCacheHonoursMaxAge()
    {
        policy::CorsPolicy policy = preset("Credentialed allowlist"); // Max-Age 600
        startServer(policy);
        ComposedRequest r = request(m_origins.app, "/echo", "PUT");
        r.headers = {{"Content-Type", "application/json"}};
        r.body = "{}";
        const FetchOutcome first = run(r);
        QVERIFY(first.preflightSent && first.exposed);
        const FetchOutcome second = run(r);
        QVERIFY(second.preflightFromCache);
        QVERIFY(!second.preflightSent);
        QVERIFY(second.exposed);
        QCOMPARE(second.exchanges.size(), 1);
        QCOMPARE(second.exchanges.first().method, QByteArray("PUT"));
        // The cache keeps every method the preflight allowed (GET, POST, PUT, DELETE), so a
        // DELETE with the same header is covered too.
        ComposedRequest del = r;
        del.method = "DELETE";
        del.body.clear();
        QVERIFY(run(del).preflightFromCache);
        // A header the preflight did not list is not covered.
        ComposedRequest custom = r;
        custom.headers.append(base::HeaderList::value_type("X-Other", "1"));
        QVERIFY(run(custom).preflightSent);

        m_client->clearPreflightCache();
        QVERIFY(run(r).preflightSent);

        policy.maxAge = 0; // nothing is cached
        m_server->setPolicy(policy);
        m_client->clearPreflightCache();
        QVERIFY(run(r).preflightSent);
        const FetchOutcome again = run(r);
        QVERIFY(again.preflightSent);
        QVERIFY(!again.preflightFromCache);
        QCOMPARE(again.exchanges.size(), 2);
    }

    void cookiesFollowCredentialsAndSite()
    {
        startServer(preset("Credentialed allowlist"));
        ComposedRequest login = request(m_origins.app, "/login", "POST");
        login.credentials = CredentialsMode::Include;
        const FetchOutcome loggedIn = run(login);
        QVERIFY(loggedIn.exposed);
        QVERIFY(header(loggedIn.exchanges.last().responseHeaders, "set-cookie"));

        // Same site (localhost, another port), credentials 'include': the cookie travels.
        ComposedRequest priv = request(m_origins.app, "/private");
        priv.credentials = CredentialsMode::Include;
        const FetchOutcome fromApp = run(priv);
        QVERIFY(fromApp.exposed);
        QCOMPARE(fromApp.exchanges.last().status, 200);
        QVERIFY(header(fromApp.exchanges.last().requestHeaders, "cookie")
                    ->startsWith("corslab_session="));

        // 'same-origin' credentials on a cross-origin request: no cookie.
        ComposedRequest sameOrigin = priv;
        sameOrigin.credentials = CredentialsMode::SameOrigin;
        const FetchOutcome withoutCookie = run(sameOrigin);
        QVERIFY(!header(withoutCookie.exchanges.last().requestHeaders, "cookie"));
        QCOMPARE(withoutCookie.exchanges.last().status, 401);

        // Another site (127.0.0.1): third-party cookies are blocked, whatever CORS says.
        ComposedRequest evil = priv;
        evil.origin = m_origins.evil;
        const FetchOutcome fromEvil = run(evil);
        QVERIFY(!header(fromEvil.exchanges.last().requestHeaders, "cookie"));
        QCOMPARE(fromEvil.exchanges.last().status, 401);
        QVERIFY(!fromEvil.exposed);

        // Logout answers Max-Age=0: the cookie is gone.
        ComposedRequest logout = request(m_origins.app, "/logout", "POST");
        logout.credentials = CredentialsMode::Include;
        QVERIFY(header(run(logout).exchanges.last().requestHeaders, "cookie"));
        const FetchOutcome afterLogout = run(priv);
        QVERIFY(!header(afterLogout.exchanges.last().requestHeaders, "cookie"));
        QCOMPARE(afterLogout.exchanges.last().status, 401);

        // clearCookies() forgets a fresh login.
        run(login);
        m_client->clearCookies();
        QVERIFY(!header(run(priv).exchanges.last().requestHeaders, "cookie"));
    }

    void wildcardWithCredentialsIsBlocked()
    {
        startServer(preset("Misconfigured: wildcard with credentials"));
        ComposedRequest r = request(m_origins.app, "/public");
        r.credentials = CredentialsMode::Include;
        const FetchOutcome o = run(r);
        QVERIFY(!o.exposed);
        QCOMPARE(o.error, CorsError::WildcardOriginNotAllowed);
        QCOMPARE(o.exchanges.size(), 1);
        // Without credentials the same answer is fine.
        r.credentials = CredentialsMode::Omit;
        QVERIFY(run(r).exposed);
    }

    void redirectIsFollowed()
    {
        startServer(preset("Credentialed allowlist"));
        const FetchOutcome o = run(request(m_origins.app, "/redirect?to=/public"));
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QVERIFY(o.exposed);
        QCOMPARE(o.exchanges.size(), 2);
        QCOMPARE(o.exchanges.at(0).status, 302);
        QCOMPARE(o.exchanges.at(1).url, m_origins.api + "/public");
        QCOMPARE(o.exchanges.at(1).status, 200);
        QCOMPARE(header(o.exchanges.at(1).requestHeaders, "origin"), m_origins.app);
    }

    void redirectChangesPostToGet()
    {
        startServer(preset("Credentialed allowlist"));
        ComposedRequest r = request(m_origins.app, "/redirect?to=/echo", "POST");
        r.body = "hello";
        const FetchOutcome o = run(r);
        QVERIFY(o.exposed);
        QCOMPARE(o.exchanges.size(), 2);
        QCOMPARE(header(o.exchanges.at(0).requestHeaders, "content-type"),
                 QByteArray("text/plain;charset=UTF-8"));
        const session::CapturedExchange &second = o.exchanges.at(1);
        QCOMPARE(second.method, QByteArray("GET"));
        QCOMPARE(second.requestBody.size, 0);
        QVERIFY(!header(second.requestHeaders, "content-type"));
        QVERIFY(!header(second.requestHeaders, "content-length"));
    }

    void crossOriginRedirectTaintsTheOrigin()
    {
        startServer(preset("Open public API"));
        const QByteArray to = QUrl::toPercentEncoding(QString::fromLatin1(m_origins.evil + "/"));
        const FetchOutcome o = run(request(m_origins.app, "/redirect?to=" + to));
        QCOMPARE(o.exchanges.size(), 2);
        QCOMPARE(o.exchanges.at(1).url, m_origins.evil + "/");
        QCOMPARE(header(o.exchanges.at(1).requestHeaders, "origin"), QByteArray("null"));
        QCOMPARE(header(o.exchanges.at(1).requestHeaders, "sec-fetch-site"),
                 QByteArray("cross-site"));
        QVERIFY(!o.exposed); // the page origin serves no CORS headers
        QCOMPARE(o.error, CorsError::MissingAllowOriginHeader);
    }

    void connectionRefused()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there any more
        ComposedRequest r;
        r.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(port));
        const FetchOutcome o = run(r);
        QVERIFY(!o.exposed);
        QCOMPARE(o.error, CorsError::None);
        QVERIFY2(
            o.failure.startsWith(QStringLiteral("connection refused by 127.0.0.1:%1").arg(port)),
            qPrintable(o.failure));
        QCOMPARE(o.exchanges.size(), 1);
        QCOMPARE(o.exchanges.first().error, o.failure);
        QCOMPARE(o.exchanges.first().status, 0);
    }

    void timeout()
    {
        RawServer silent{QByteArray()}; // reads the request, never answers
        BrowserClient::Options options;
        options.timeoutMs = 300;
        BrowserClient client(options);
        ComposedRequest r;
        r.url = QUrl(QStringLiteral("http://127.0.0.1:%1/slow").arg(silent.port()));
        const FetchOutcome o = run(client, r);
        QCOMPARE(o.failure,
                 QStringLiteral("no response from 127.0.0.1:%1 within 0.3 s").arg(silent.port()));
        QVERIFY(silent.received().startsWith("GET /slow HTTP/1.1\r\n"));
        QCOMPARE(client.pending(), 0);
    }

    void preflightNetworkFailureIsInvalidResponse()
    {
        RawServer silent{QByteArray()};
        BrowserClient::Options options;
        options.timeoutMs = 300;
        BrowserClient client(options);
        ComposedRequest r;
        r.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(silent.port()));
        r.method = "DELETE";
        const FetchOutcome o = run(client, r);
        QVERIFY(o.preflightSent);
        QVERIFY(!o.actualSent);
        QCOMPARE(o.error, CorsError::InvalidResponse);
        QVERIFY(o.failure.contains(QStringLiteral("no response from 127.0.0.1")));
        QVERIFY(silent.received().startsWith("OPTIONS /x HTTP/1.1\r\n"));
    }

    void invalidRequestsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("headerName");
        QTest::addColumn<QByteArray>("headerValue");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error");
        const QByteArray app = "http://localhost:3000";
        const QString url = QStringLiteral("http://localhost:8080/x");
        QTest::newRow("origin with a path")
            << QByteArray("http://localhost:3000/app") << url << QByteArray("GET") << QByteArray()
            << QByteArray() << QByteArray()
            << QStringLiteral("origin: expected a serialized origin");
        QTest::newRow("websocket origin")
            << QByteArray("ws://localhost:3000") << url << QByteArray("GET") << QByteArray()
            << QByteArray() << QByteArray()
            << QStringLiteral("origin: expected the page's http:// or "
                              "https:// origin");
        QTest::newRow("ftp url") << app << QStringLiteral("ftp://x/") << QByteArray("GET")
                                 << QByteArray() << QByteArray() << QByteArray()
                                 << QStringLiteral("url: expected an absolute http:// or "
                                                   "https:// URL with a host, got \"ftp://x/\"");
        QTest::newRow("relative url")
            << app << QStringLiteral("/api") << QByteArray("GET") << QByteArray() << QByteArray()
            << QByteArray() << QStringLiteral("url: expected an absolute");
        QTest::newRow("method with a space")
            << app << url << QByteArray("GE T") << QByteArray() << QByteArray() << QByteArray()
            << QStringLiteral("method: expected an HTTP method (an RFC 9110 token such as GET or "
                              "PATCH), got \"GE T\"");
        QTest::newRow("empty method")
            << app << url << QByteArray() << QByteArray() << QByteArray() << QByteArray()
            << QStringLiteral("method: expected an HTTP method");
        QTest::newRow("header name") << app << url << QByteArray("GET") << QByteArray("X Bad")
                                     << QByteArray("1") << QByteArray()
                                     << QStringLiteral("headers[1].name: expected a header name "
                                                       "(an RFC 9110 token such as X-Request-Id), "
                                                       "got \"X Bad\"");
        QTest::newRow("header value with CRLF")
            << app << url << QByteArray("GET") << QByteArray("X-A") << QByteArray("1\r\nX-B: 2")
            << QByteArray()
            << QStringLiteral("headers[1].value: expected a value without CR, LF or NUL bytes, got "
                              "\"1\\x0d\\x0aX-B: 2\"");
        QTest::newRow("body on GET")
            << app << url << QByteArray("get") << QByteArray() << QByteArray() << QByteArray("x")
            << QStringLiteral("body: expected no body for a GET request");
    }
    void invalidRequestsNameTheField()
    {
        QFETCH(QByteArray, origin);
        QFETCH(QString, url);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, headerName);
        QFETCH(QByteArray, headerValue);
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        ComposedRequest r;
        r.origin = origin;
        r.url = QUrl(url);
        r.method = method;
        r.headers = {{"X-Fine", "ok"}};
        if (!headerName.isEmpty())
            r.headers.append(base::HeaderList::value_type(headerName, headerValue));
        r.body = body;
        QString message;
        QVERIFY(!r.validate(&message));
        QVERIFY2(message.startsWith(error), qPrintable(message));
        // fetch() reports the same sentence, queued, and sends nothing.
        QSignalSpy finished(m_client.get(), &BrowserClient::finished);
        m_client->fetch(r);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(m_client->pending(), 1);
        QVERIFY(finished.wait(guardMs));
        const auto o = finished.at(0).at(0).value<FetchOutcome>();
        QCOMPARE(o.failure, message);
        QVERIFY(o.exchanges.isEmpty());
        QCOMPARE(m_client->pending(), 0);
    }

    void validRequestPassesValidation()
    {
        ComposedRequest r;
        r.url = QUrl(QStringLiteral("https://api.example.com/v1?x=1"));
        r.method = "PATCH";
        r.headers = {{"X-Empty", ""}, {"Content-Type", "application/json"}};
        r.body = "{}";
        QString message;
        QVERIFY2(r.validate(&message), qPrintable(message));
    }

    void forbiddenMethodSendsNothing()
    {
        ComposedRequest r;
        r.url = QUrl(QStringLiteral("http://127.0.0.1:9/"));
        r.method = "TRACE";
        const FetchOutcome o = run(r);
        QCOMPARE(o.error, CorsError::ForbiddenMethod);
        QVERIFY(o.failure.startsWith(QStringLiteral("method: TRACE is a forbidden method")));
        QVERIFY(o.exchanges.isEmpty());
    }

    void forbiddenHeadersAreDropped()
    {
        startServer(preset("Open public API"));
        ComposedRequest r = request(m_origins.app, "/public");
        r.headers = {{"Cookie", "stolen=1"}, {"Host", "evil.test"}, {"X-Kept", "yes"}};
        const FetchOutcome o = run(r);
        const base::HeaderList &sent = o.exchanges.last().requestHeaders;
        QCOMPARE(header(sent, "cookie"), std::nullopt);
        QCOMPARE(header(sent, "host"), m_origins.api.mid(7));
        QCOMPARE(header(sent, "x-kept"), QByteArray("yes"));
        QVERIFY(o.preflightSent); // X-Kept is not safelisted
        QVERIFY(o.exposed);       // the preset allows any header
    }

    // A no-cors GET goes out (no Origin, Sec-Fetch-Mode no-cors) and its response is opaque;
    // it used to stop before sending, taking the opaque filtering for mode "same-origin"'s error.
    void noCorsGetIsSentAndOpaque()
    {
        startServer(preset("Credentialed allowlist"));
        ComposedRequest r = request(m_origins.app, "/public");
        r.mode = cors::RequestMode::NoCors;
        const FetchOutcome o = run(r);
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QVERIFY(o.actualSent);
        QVERIFY(!o.preflightSent);
        QVERIFY(!o.exposed);
        QCOMPARE(o.error, CorsError::OpaqueResponse);
        QCOMPARE(o.exchanges.size(), 1);
        const base::HeaderList &sent = o.exchanges.first().requestHeaders;
        QCOMPARE(header(sent, "sec-fetch-mode"), QByteArray("no-cors"));
        QCOMPARE(header(sent, "origin"), std::nullopt);
        QCOMPARE(o.exchanges.first().status, 200);
    }

    void sameOriginModeToAnotherOriginSendsNothing()
    {
        ComposedRequest r;
        r.origin = "http://127.0.0.1:9";
        r.url = QUrl(QStringLiteral("http://localhost:9/"));
        r.mode = cors::RequestMode::SameOrigin;
        const FetchOutcome o = run(r);
        QCOMPARE(o.error, CorsError::DisallowedByMode);
        QVERIFY(!o.actualSent);
        QVERIFY(o.exchanges.isEmpty());
    }

    // The order each browser writes a fetch()'s headers in, as headless Chromium 156 and Firefox
    // ESR do on the wire (tests/browser/tst_check_agreement compares them live).
    void headerOrderIsTheBrowsers_data()
    {
        QTest::addColumn<QString>("browser");
        QTest::addColumn<bool>("methodChanged");
        QTest::addColumn<QByteArray>("actual");
        QTest::addColumn<QByteArray>("preflight");
        QTest::newRow("chromium")
            << QStringLiteral("chromium") << false
            << QByteArray("host, content-length, user-agent, x-b, content-type, x-a, accept, "
                          "origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest")
            << QByteArray("host, accept, access-control-request-method, "
                          "access-control-request-headers, origin, user-agent, sec-fetch-mode, "
                          "sec-fetch-site, sec-fetch-dest");
        // Chromium drops Origin with the body headers when a redirect turns the method into GET
        // and appends it again after Sec-Fetch-Dest.
        QTest::newRow("chromium after a 303")
            << QStringLiteral("chromium") << true
            << QByteArray("host, content-length, user-agent, x-b, content-type, x-a, accept, "
                          "sec-fetch-site, sec-fetch-mode, sec-fetch-dest, origin")
            << QByteArray("host, accept, access-control-request-method, "
                          "access-control-request-headers, origin, user-agent, sec-fetch-mode, "
                          "sec-fetch-site, sec-fetch-dest");
        QTest::newRow("firefox")
            << QStringLiteral("firefox") << false
            << QByteArray("host, user-agent, accept, x-b, content-type, x-a, content-length, "
                          "origin, sec-fetch-dest, sec-fetch-mode, sec-fetch-site")
            << QByteArray("host, user-agent, accept, access-control-request-method, "
                          "access-control-request-headers, origin, sec-fetch-dest, "
                          "sec-fetch-mode, sec-fetch-site");
        QTest::newRow("firefox after a 303")
            << QStringLiteral("firefox") << true
            << QByteArray("host, user-agent, accept, x-b, content-type, x-a, content-length, "
                          "origin, sec-fetch-dest, sec-fetch-mode, sec-fetch-site")
            << QByteArray("host, user-agent, accept, access-control-request-method, "
                          "access-control-request-headers, origin, sec-fetch-dest, "
                          "sec-fetch-mode, sec-fetch-site");
        // Profiles without a measured wire format write Chromium's.
        QTest::newRow("safari")
            << QStringLiteral("safari") << false
            << QByteArray("host, content-length, user-agent, x-b, content-type, x-a, accept, "
                          "origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest")
            << QByteArray("host, accept, access-control-request-method, "
                          "access-control-request-headers, origin, user-agent, sec-fetch-mode, "
                          "sec-fetch-site, sec-fetch-dest");
    }

    void headerOrderIsTheBrowsers()
    {
        QFETCH(QString, browser);
        QFETCH(bool, methodChanged);
        QFETCH(QByteArray, actual);
        QFETCH(QByteArray, preflight);
        const QUrl url(QStringLiteral("http://localhost:8080/api"));

        ActualRequestContext a;
        a.url = url;
        a.method = "POST";
        a.scriptHeaders = {{"X-B", "1"}, {"Content-Type", "application/json"}, {"X-A", "2"}};
        a.body = "{}";
        a.origin = QByteArray("http://127.0.0.1:3000");
        a.site = FetchSite::CrossSite;
        a.userAgent = "UA";
        a.browser = browser;
        a.methodChangedByRedirect = methodChanged;
        const base::HeaderList sent = actualRequestHeaders(a);
        QCOMPARE(headerOrder(sent), actual);
        // The script's headers keep their values and their order among themselves.
        QCOMPARE(header(sent, "content-type"), QByteArray("application/json"));
        QCOMPARE(header(sent, "content-length"), QByteArray("2"));

        PreflightRequestContext p;
        p.url = url;
        p.corsHeaders = {{"Origin", "http://127.0.0.1:3000"},
                         {"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "content-type,x-a,x-b"}};
        p.site = FetchSite::CrossSite;
        p.userAgent = "UA";
        p.browser = browser;
        p.pageOrigin = "http://127.0.0.1:3000";
        QCOMPARE(headerOrder(preflightRequestHeaders(p)), preflight);
    }

    // A header the script set twice goes out as one line in every browser; Firefox keeps only the
    // first Content-Type (tests/browser header-twice-*, check_agreement_*).
    void repeatedScriptHeadersAreOneLine_data()
    {
        QTest::addColumn<QString>("browser");
        QTest::addColumn<QByteArray>("contentType");
        QTest::newRow("chromium") << QStringLiteral("chromium")
                                  << QByteArray("text/plain, application/x-www-form-urlencoded");
        QTest::newRow("firefox") << QStringLiteral("firefox") << QByteArray("text/plain");
    }
    void repeatedScriptHeadersAreOneLine()
    {
        QFETCH(QString, browser);
        QFETCH(QByteArray, contentType);
        ActualRequestContext a;
        a.url = QUrl(QStringLiteral("http://localhost:8080/api"));
        a.method = "GET";
        a.scriptHeaders = {{"Content-Type", "text/plain"},
                           {"accept", "a"},
                           {"content-type", "application/x-www-form-urlencoded"},
                           {"Accept", "b"}};
        a.userAgent = "UA";
        a.browser = browser;
        const base::HeaderList sent = actualRequestHeaders(a);
        const auto lines = [&](const char *name) {
            return std::count_if(sent.cbegin(), sent.cend(), [&](const base::Header &h) {
                return base::equalsIgnoreCase(h.first, name);
            });
        };
        QCOMPARE(lines("content-type"), 1);
        QCOMPARE(lines("accept"), 1);
        QCOMPARE(header(sent, "content-type"), contentType);
        QCOMPARE(header(sent, "accept"), QByteArray("a, b"));
    }

    // After a cross-origin redirect the request's origin is "null": Chromium's preflight says so,
    // Firefox's still names the page's origin (its actual request says "null").
    void preflightOriginAfterCrossOriginRedirect_data()
    {
        QTest::addColumn<QString>("browser");
        QTest::addColumn<QByteArray>("origin");
        QTest::newRow("chromium") << QStringLiteral("chromium") << QByteArray("null");
        QTest::newRow("firefox") << QStringLiteral("firefox")
                                 << QByteArray("http://127.0.0.1:3000");
    }

    void preflightOriginAfterCrossOriginRedirect()
    {
        QFETCH(QString, browser);
        QFETCH(QByteArray, origin);
        PreflightRequestContext p;
        p.url = QUrl(QStringLiteral("http://localhost:9090/moved"));
        p.corsHeaders = {{"Origin", "null"}, {"Access-Control-Request-Method", "PUT"}};
        p.site = FetchSite::CrossSite;
        p.userAgent = "UA";
        p.browser = browser;
        p.pageOrigin = "http://127.0.0.1:3000";
        const base::HeaderList sent = preflightRequestHeaders(p);
        QCOMPARE(header(sent, "origin"), origin);
        QCOMPARE(header(sent, "access-control-request-method"), QByteArray("PUT"));
    }

    // Chromium and Firefox write Sec-Fetch-Storage-Access: none on a cross-site request with
    // credentials mode include; Firefox on its preflight too.
    void storageAccessHeader_data()
    {
        QTest::addColumn<QString>("browser");
        QTest::addColumn<int>("credentials");
        QTest::addColumn<int>("site");
        QTest::addColumn<bool>("onActual");
        QTest::addColumn<bool>("onPreflight");
        const int include = int(CredentialsMode::Include);
        const int crossSite = int(FetchSite::CrossSite);
        QTest::newRow("chromium include cross-site")
            << QStringLiteral("chromium") << include << crossSite << true << false;
        QTest::newRow("firefox include cross-site")
            << QStringLiteral("firefox") << include << crossSite << true << true;
        QTest::newRow("chromium include same-site")
            << QStringLiteral("chromium") << include << int(FetchSite::SameSite) << false << false;
        QTest::newRow("firefox same-origin credentials cross-site")
            << QStringLiteral("firefox") << int(CredentialsMode::SameOrigin) << crossSite << false
            << false;
        QTest::newRow("chromium omit cross-site")
            << QStringLiteral("chromium") << int(CredentialsMode::Omit) << crossSite << false
            << false;
    }

    void storageAccessHeader()
    {
        QFETCH(QString, browser);
        QFETCH(int, credentials);
        QFETCH(int, site);
        QFETCH(bool, onActual);
        QFETCH(bool, onPreflight);
        const std::optional<QByteArray> none = QByteArray("none");

        ActualRequestContext a;
        a.url = QUrl(QStringLiteral("http://localhost:8080/api"));
        a.method = "GET";
        a.origin = QByteArray("http://127.0.0.1:3000");
        a.site = FetchSite(site);
        a.credentials = CredentialsMode(credentials);
        a.userAgent = "UA";
        a.browser = browser;
        QCOMPARE(header(actualRequestHeaders(a), "sec-fetch-storage-access"),
                 onActual ? none : std::nullopt);

        PreflightRequestContext p;
        p.url = a.url;
        p.corsHeaders = {{"Origin", "http://127.0.0.1:3000"},
                         {"Access-Control-Request-Method", "PUT"}};
        p.site = FetchSite(site);
        p.credentials = CredentialsMode(credentials);
        p.userAgent = "UA";
        p.browser = browser;
        p.pageOrigin = "http://127.0.0.1:3000";
        QCOMPARE(header(preflightRequestHeaders(p), "sec-fetch-storage-access"),
                 onPreflight ? none : std::nullopt);
    }

    void localPortsAreRegisteredWhileConnected()
    {
        auto ports = std::make_shared<http::LocalClientPorts>(-1); // forgotten once released
        RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", ports);
        BrowserClient::Options options;
        options.localPorts = ports;
        BrowserClient client(options);
        ComposedRequest r;
        r.origin = "http://127.0.0.1:" + QByteArray::number(server.port());
        r.url = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(server.port()));
        const FetchOutcome o = run(client, r);
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QVERIFY(o.exposed); // same origin: no CORS
        QCOMPARE(header(o.exchanges.first().requestHeaders, "origin"), std::nullopt);
        QCOMPARE(header(o.exchanges.first().requestHeaders, "sec-fetch-site"),
                 QByteArray("same-origin"));
        QCOMPARE(server.portRegisteredWhileConnected, std::optional<bool>(true));
        QVERIFY(!ports->contains(o.exchanges.first().clientPort)); // released
        QCOMPARE(o.exchanges.first().responseBody.stored, QByteArray("ok"));
    }

    void httpsTrustsTheGivenCertificates()
    {
        QTemporaryDir dir;
        QString error;
        auto ca = proxy::CertificateAuthority::loadOrCreate(dir.path(), &error);
        QVERIFY2(ca, qPrintable(error));
        http::HttpServer server([](const http::HttpRequest &) {
            http::HttpResponse r = http::HttpResponse::text(200, "secret", false);
            r.headers.append(
                {QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*")});
            return r;
        });
        const quint16 port = server.listenTls(QHostAddress::LocalHost, 0, QStringLiteral("tls"),
                                              ca->serverConfiguration("localhost"), &error);
        QVERIFY2(port, qPrintable(error));
        ComposedRequest r;
        r.url = QUrl(QStringLiteral("https://localhost:%1/data").arg(port));

        BrowserClient::Options trusting;
        trusting.caCertificates = {ca->certificate()};
        BrowserClient client(trusting);
        const FetchOutcome o = run(client, r);
        QVERIFY2(o.failure.isEmpty(), qPrintable(o.failure));
        QVERIFY(o.exposed);
        QCOMPARE(o.exchanges.first().url,
                 "https://localhost:" + QByteArray::number(port) + "/data");
        QCOMPARE(o.exchanges.first().responseBody.stored, QByteArray("secret"));

        BrowserClient strict{BrowserClient::Options{}}; // the CA is not a system trust anchor
        const FetchOutcome refused = run(strict, r);
        QVERIFY2(refused.failure.startsWith(
                     QStringLiteral("TLS handshake with localhost:%1 failed: ").arg(port)),
                 qPrintable(refused.failure));
        QVERIFY(!refused.exposed);

        BrowserClient::Options lax;
        lax.verifyCertificates = false;
        BrowserClient unverified(lax);
        QVERIFY(run(unverified, r).exposed);
    }

    void bodyCaptureIsCapped()
    {
        startServer(preset("Open public API"));
        BrowserClient::Options options;
        options.bodyCaptureBytes = 10;
        BrowserClient client(options);
        ComposedRequest r = request(m_origins.app, "/echo", "POST");
        r.body = QByteArray(100, 'x');
        const FetchOutcome o = run(client, r);
        const session::CapturedExchange &e = o.exchanges.last();
        QCOMPARE(e.requestBody.stored, QByteArray(10, 'x'));
        QCOMPARE(e.requestBody.size, 100);
        QCOMPARE(e.responseBody.stored.size(), 10);
        QVERIFY(e.responseBody.size > 100);
        QVERIFY(e.responseBody.truncated());
    }

    void profileChangesThePreflightDecision()
    {
        // Chromium safelists well-formed client hints; Firefox does not, so it preflights.
        startServer(preset("Open public API"));
        ComposedRequest r = request(m_origins.app, "/public");
        r.headers = {{"DPR", "2"}};
        QCOMPARE(m_client->profile().name, QStringLiteral("chromium"));
        QVERIFY(!run(r).preflightSent);
        m_client->setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        const FetchOutcome firefox = run(r);
        QVERIFY(firefox.preflightSent);
        QCOMPARE(header(firefox.exchanges.first().requestHeaders, "access-control-request-headers"),
                 QByteArray("dpr"));
        QVERIFY(
            header(firefox.exchanges.first().requestHeaders, "user-agent")->contains("firefox"));
    }

    void curlCommandRepeatsTheRequest()
    {
        session::CapturedExchange e;
        e.method = "PUT";
        e.url = "http://localhost:8080/echo?q=a b";
        e.requestHeaders = {{"Host", "localhost:8080"},
                            {"Content-Type", "application/json"},
                            {"X-Empty", ""},
                            {"Accept", "*/*"}};
        e.requestBody.stored = "{\"it's\":1}";
        e.requestBody.size = e.requestBody.stored.size();
        QCOMPARE(curlCommand(e), QStringLiteral("curl \\\n"
                                                "  -X PUT \\\n"
                                                "  'http://localhost:8080/echo?q=a b' \\\n"
                                                "  -H 'Host: localhost:8080' \\\n"
                                                "  -H 'Content-Type: application/json' \\\n"
                                                "  -H 'X-Empty;' \\\n"
                                                "  -H 'Accept: */*' \\\n"
                                                "  -H User-Agent: \\\n"
                                                "  --data-raw '{\"it'\\''s\":1}'"));

        session::CapturedExchange get;
        get.method = "GET";
        get.url = "https://api.example.com/";
        get.requestHeaders = {{"Host", "api.example.com"}, {"User-Agent", "x"}};
        QCOMPARE(curlCommand(get), QStringLiteral("curl \\\n"
                                                  "  --http1.1 \\\n"
                                                  "  https://api.example.com/ \\\n"
                                                  "  -H 'Host: api.example.com' \\\n"
                                                  "  -H 'User-Agent: x' \\\n"
                                                  "  -H Accept:"));

        session::CapturedExchange binary;
        binary.method = "POST";
        binary.url = "http://h/";
        binary.requestHeaders = {{"Accept", "*/*"}, {"User-Agent", "u"}};
        binary.requestBody.stored = QByteArray("a\0%", 3);
        binary.requestBody.size = 3;
        QCOMPARE(curlCommand(binary), QStringLiteral("printf 'a\\000%%' | curl \\\n"
                                                     "  http://h/ \\\n"
                                                     "  -H 'Accept: */*' \\\n"
                                                     "  -H 'User-Agent: u' \\\n"
                                                     "  -H Content-Type: \\\n"
                                                     "  --data-binary @-"));
    }

    void capturedRequestsComposeAgain()
    {
        session::CapturedExchange actual;
        actual.method = "PUT";
        actual.url = "http://localhost:8080/items/1";
        actual.requestHeaders = {{"Host", "localhost:8080"},
                                 {"Content-Type", "application/json"},
                                 {"X-Requested-With", "XMLHttpRequest"},
                                 {"Origin", "http://localhost:3000"},
                                 {"Cookie", "session=abc"},
                                 {"Sec-Fetch-Mode", "cors"},
                                 {"User-Agent", "Mozilla/5.0"}};
        actual.requestBody.stored = "{}";
        client::ComposedRequest r = client::composedRequestFrom(actual);
        QCOMPARE(r.origin, QByteArray("http://localhost:3000"));
        QCOMPARE(r.url, QUrl(QStringLiteral("http://localhost:8080/items/1")));
        QCOMPARE(r.method, QByteArray("PUT"));
        QCOMPARE(r.credentials, cors::CredentialsMode::Include);
        QCOMPARE(r.body, QByteArray("{}"));
        const base::HeaderList script = {{"Content-Type", "application/json"},
                                         {"X-Requested-With", "XMLHttpRequest"}};
        QCOMPARE(r.headers, script);
        QString error;
        QVERIFY2(r.validate(&error), qPrintable(error));

        // A preflight becomes the request it announced, so sending it preflights again.
        session::CapturedExchange preflight;
        preflight.method = "OPTIONS";
        preflight.url = actual.url;
        preflight.requestHeaders = {{"Origin", "http://localhost:3000"},
                                    {"Access-Control-Request-Method", "DELETE"},
                                    {"Access-Control-Request-Headers", "content-type,x-token"}};
        preflight.credentialsIncluded = false;
        r = client::composedRequestFrom(preflight);
        QCOMPARE(r.method, QByteArray("DELETE"));
        QCOMPARE(r.credentials, cors::CredentialsMode::SameOrigin);
        QCOMPARE(r.headers.size(), 2);
        QCOMPARE(r.headers.at(0).first, QByteArray("content-type"));
        QCOMPARE(r.headers.at(1).first, QByteArray("x-token"));
        QVERIFY2(r.validate(&error), qPrintable(error));
    }

    void fetchSnippetMakesTheRequest()
    {
        ComposedRequest r;
        r.origin = "http://localhost:3000";
        r.url = QUrl(QStringLiteral("http://localhost:8080/echo"));
        r.method = "POST";
        r.headers = {{"Content-Type", "application/json"}, {"X-Note", "say \"hi\""}};
        r.body = "{\"a\":1}\n";
        r.credentials = CredentialsMode::Include;
        QCOMPARE(fetchSnippet(r),
                 QStringLiteral("// on a page at http://localhost:3000, e.g. in its DevTools "
                                "console\n"
                                "fetch(\"http://localhost:8080/echo\", {\n"
                                "  method: \"POST\",\n"
                                "  headers: {\n"
                                "    \"Content-Type\": \"application/json\",\n"
                                "    \"X-Note\": \"say \\\"hi\\\"\"\n"
                                "  },\n"
                                "  body: \"{\\\"a\\\":1}\\n\",\n"
                                "  credentials: \"include\",\n"
                                "  mode: \"cors\"\n"
                                "});"));

        ComposedRequest twice;
        twice.url = QUrl(QStringLiteral("http://localhost:8080/"));
        twice.headers = {{"X-A", "1"}, {"x-a", "2"}};
        QCOMPARE(fetchSnippet(twice),
                 QStringLiteral("// on a page at http://localhost:3000, e.g. in its DevTools "
                                "console\n"
                                "fetch(\"http://localhost:8080/\", {\n"
                                "  method: \"GET\",\n"
                                "  headers: [\n"
                                "    [\"X-A\", \"1\"],\n"
                                "    [\"x-a\", \"2\"]\n"
                                "  ],\n"
                                "  credentials: \"same-origin\",\n"
                                "  mode: \"cors\"\n"
                                "});"));
    }
};

QTEST_GUILESS_MAIN(TestBrowserClient)
#include "tst_browser_client.moc"
