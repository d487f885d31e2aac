// The playground over real loopback sockets: the three origins, every preset on the wire, policy
// fields changed live while the server runs, the exchange log, and a clean stop.
#include "server/playground_server.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QtTest>

using namespace corslab;
using namespace corslab::server;
using namespace corslab::policy;

namespace {
struct Reply
{
    int status = 0;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray body;
    std::optional<QByteArray> header(const QByteArray &name) const
    {
        std::optional<QByteArray> out;
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                out = out ? *out + ", " + h.second : h.second;
        }
        return out;
    }
};

Reply send(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
           const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkRequest request(url);
    // Cookies travel only where a test sets them by hand (no cookie jar in between).
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = nam.sendCustomRequest(request, method);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        qWarning("no reply within 10 s");
    Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            reply->rawHeaderPairs(), reply->readAll()};
    reply->deleteLater();
    return r;
}
} // namespace

class TestPlaygroundServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<PlaygroundServer> m_server;
    QNetworkAccessManager m_nam;
    QUrl api(const char *path) const
    {
        return QUrl(QString::fromLatin1(m_server->origins().api + path));
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<PlaygroundServer>(
            PlaygroundServer::Options{},
            *CorsPolicy::preset(QStringLiteral("Credentialed allowlist")));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_nam.clearConnectionCache();
    }
    void cleanup() { m_server.reset(); }

    void originsAreOnLoopback()
    {
        const DemoOrigins o = m_server->origins();
        QVERIFY(o.api.startsWith("http://localhost:"));
        QVERIFY(o.app.startsWith("http://localhost:"));
        QVERIFY(o.evil.startsWith("http://127.0.0.1:"));
        QVERIFY(o.api != o.app && o.app != o.evil);
        const Reply page = send(m_nam, "GET", m_server->appPageUrl());
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains(o.api));
        QVERIFY(page.body.contains("trusted app"));
        QVERIFY(send(m_nam, "GET", m_server->evilPageUrl()).body.contains("untrusted site"));
    }

    void answersOnIpv6LoopbackToo()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHostIPv6,
                             m_server->origins().api.split(':').last().toUShort());
        if (!socket.waitForConnected(3000))
            QSKIP("no IPv6 loopback on this machine");
        socket.write("GET /public HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        QVERIFY(socket.waitForDisconnected(5000) || socket.bytesAvailable() > 0);
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 200"));
    }

    void presetsOnTheWire_data()
    {
        QTest::addColumn<QString>("preset");
        for (const QString &name : CorsPolicy::presetNames())
            QTest::newRow(qPrintable(name)) << name;
    }
    void presetsOnTheWire()
    {
        // Over the socket, every preset answers exactly what answerFor() computes.
        QFETCH(QString, preset);
        const CorsPolicy policy = *CorsPolicy::preset(preset);
        m_server->setPolicy(policy);
        const DemoOrigins o = m_server->origins();
        for (const QByteArray &origin : {o.app, o.evil}) {
            const Reply actual = send(m_nam, "GET", api("/public"), {{"Origin", origin}});
            const PolicyAnswer expected =
                answerFor(policy, o, origin, "GET", std::nullopt, std::nullopt);
            for (const auto &h : expected.headers)
                QVERIFY2(actual.header(h.first).value_or(QByteArray()).contains(h.second),
                         qPrintable(preset + QStringLiteral(": ") + QString::fromLatin1(h.first)));
            QCOMPARE(
                actual.header("Access-Control-Allow-Origin").has_value(),
                std::any_of(expected.headers.begin(), expected.headers.end(), [](const auto &h) {
                    return h.first == "Access-Control-Allow-Origin";
                }));
            const Reply pf = send(m_nam, "OPTIONS", api("/echo"),
                                  {{"Origin", origin},
                                   {"Access-Control-Request-Method", "PUT"},
                                   {"Access-Control-Request-Headers", "content-type"}});
            const PolicyAnswer expectedPf = answerFor(
                policy, o, origin, "OPTIONS", QByteArray("PUT"), QByteArray("content-type"));
            QCOMPARE(pf.status, expectedPf.status);
        }
    }

    void policyChangesLive()
    {
        const QByteArray app = m_server->origins().app;
        QCOMPARE(send(m_nam, "GET", api("/public"), {{"Origin", app}})
                     .header("Access-Control-Allow-Origin")
                     .value(),
                 app);
        CorsPolicy p = m_server->policy();
        p.allowOrigin = CorsPolicy::OriginMode::Wildcard;
        p.allowCredentials = false;
        m_server->setPolicy(p);
        QCOMPARE(send(m_nam, "GET", api("/public"), {{"Origin", app}})
                     .header("Access-Control-Allow-Origin")
                     .value(),
                 QByteArray("*"));
        p.exposeHeaders = {QStringLiteral("X-One"), QStringLiteral("X-Two")};
        p.varyOrigin = false;
        m_server->setPolicy(p);
        const Reply r = send(m_nam, "GET", api("/public"), {{"Origin", app}});
        QCOMPARE(r.header("Access-Control-Expose-Headers").value(), QByteArray("X-One, X-Two"));
        QVERIFY(!r.header("Vary"));
        QVERIFY(!r.header("Access-Control-Allow-Credentials"));
        p.maxAge = 42;
        p.preflightStatus = 200;
        p.allowMethods = CorsPolicy::ListMode::Echo;
        m_server->setPolicy(p);
        const Reply pf = send(m_nam, "OPTIONS", api("/echo"),
                              {{"Origin", app}, {"Access-Control-Request-Method", "PATCH"}});
        QCOMPARE(pf.status, 200);
        QCOMPARE(pf.header("Access-Control-Max-Age").value(), QByteArray("42"));
        QCOMPARE(pf.header("Access-Control-Allow-Methods").value(), QByteArray("PATCH"));
        p.answerPreflight = false;
        p.extraHeaders = {{"Access-Control-Allow-Origin", "null"}};
        m_server->setPolicy(p);
        QCOMPARE(send(m_nam, "OPTIONS", api("/echo"),
                      {{"Origin", app}, {"Access-Control-Request-Method", "PATCH"}})
                     .status,
                 404);
        QCOMPARE(send(m_nam, "GET", api("/public"), {{"Origin", app}})
                     .header("Access-Control-Allow-Origin")
                     .value(),
                 QByteArray("*, null"));
    }

    void exchangesArePublished()
    {
        QSignalSpy recorded(m_server.get(), &PlaygroundServer::exchangeRecorded);
        send(m_nam, "GET", api("/public"), {{"Origin", m_server->origins().app}});
        send(m_nam, "FOO", api("/echo"));
        QTRY_COMPARE(recorded.size(), 2);
        const QList<http::HttpExchange> log = m_server->exchanges();
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).request.method, QByteArray("GET"));
        QCOMPARE(log.at(0).request.listener, QStringLiteral("api"));
        QCOMPARE(log.at(1).request.method, QByteArray("FOO"));
        QVERIFY(log.at(0).finishedAtMs >= log.at(0).startedAtMs);
        m_server->clearExchanges();
        QVERIFY(m_server->exchanges().isEmpty());
    }

    void cookieFlowOverSockets()
    {
        const QByteArray app = m_server->origins().app;
        const Reply login = send(m_nam, "POST", api("/login"), {{"Origin", app}});
        QCOMPARE(login.status, 200);
        const QByteArray setCookie = login.header("Set-Cookie").value();
        const QByteArray cookie = setCookie.left(setCookie.indexOf(';'));
        QCOMPARE(send(m_nam, "GET", api("/private"), {{"Origin", app}, {"Cookie", cookie}}).status,
                 200);
        QCOMPARE(send(m_nam, "GET", api("/private"), {{"Origin", app}}).status, 401);
    }

    void portsInUseAreReported()
    {
        PlaygroundServer::Options taken;
        taken.apiPort = m_server->origins().api.split(':').last().toUShort();
        PlaygroundServer second(taken);
        QString error;
        QVERIFY(!second.start(&error));
        QVERIFY2(error.contains(QStringLiteral("cannot listen for the api origin")),
                 qPrintable(error));
    }

    void stopsCleanlyWithOpenConnections()
    {
        QTcpSocket idle;
        idle.connectToHost(QHostAddress::LocalHost,
                           m_server->origins().api.split(':').last().toUShort());
        QVERIFY(idle.waitForConnected(3000));
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost,
                           m_server->origins().api.split(':').last().toUShort());
        QVERIFY(slow.waitForConnected(3000));
        slow.write("GET /slow?ms=5000 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        slow.flush();
        QTest::qWait(100);
        QElapsedTimer timer;
        timer.start();
        m_server->stop();
        QVERIFY(timer.elapsed() < 3000);
        QVERIFY(!m_server->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundServer)
#include "tst_playground_server.moc"
