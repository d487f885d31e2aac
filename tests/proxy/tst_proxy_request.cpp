// What the proxy makes of a request without sockets: the upstream and the browser's URL from a
// request target, and the bytes of the heads it writes (hop-by-hop fields left behind).
#include "proxy/proxy_request.h"

#include <QtTest>

using namespace corslab;
using proxy::TargetContext;
using proxy::UpstreamTarget;

class TstProxyRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void forwardTarget_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("requestTarget");
        QTest::addColumn<QByteArray>("hostHeader");
        QTest::addColumn<QByteArray>("browserUrl");
        QTest::newRow("canonical, as browsers send it")
            << QByteArray("http://127.0.0.1:8080/v1/x?y=1") << false << QByteArray("127.0.0.1")
            << 8080 << QByteArray("/v1/x?y=1") << QByteArray("127.0.0.1:8080")
            << QByteArray("http://127.0.0.1:8080/v1/x?y=1");
        QTest::newRow("default port dropped")
            << QByteArray("http://api.test:80/a") << false << QByteArray("api.test") << 80
            << QByteArray("/a") << QByteArray("api.test") << QByteArray("http://api.test/a");
        QTest::newRow("https default port")
            << QByteArray("https://api.test:443/a") << true << QByteArray("api.test") << 443
            << QByteArray("/a") << QByteArray("api.test") << QByteArray("https://api.test/a");
        QTest::newRow("scheme in capitals")
            << QByteArray("HTTP://api.test/a") << false << QByteArray("api.test") << 80
            << QByteArray("/a") << QByteArray("api.test") << QByteArray("http://api.test/a");
        QTest::newRow("no path") << QByteArray("http://api.test:81") << false
                                 << QByteArray("api.test") << 81 << QByteArray("/")
                                 << QByteArray("api.test:81") << QByteArray("http://api.test:81/");
        QTest::newRow("query right after the host")
            << QByteArray("http://api.test?q=1") << false << QByteArray("api.test") << 80
            << QByteArray("/?q=1") << QByteArray("api.test") << QByteArray("http://api.test/?q=1");
        QTest::newRow("fragment left out")
            << QByteArray("http://api.test/a#top") << false << QByteArray("api.test") << 80
            << QByteArray("/a") << QByteArray("api.test") << QByteArray("http://api.test/a");
        QTest::newRow("IPv6 literal")
            << QByteArray("http://[::1]:8080/x") << false << QByteArray("::1") << 8080
            << QByteArray("/x") << QByteArray("[::1]:8080") << QByteArray("http://[::1]:8080/x");
        QTest::newRow("IPv6 literal, default port")
            << QByteArray("http://[::1]/x") << false << QByteArray("::1") << 80 << QByteArray("/x")
            << QByteArray("[::1]") << QByteArray("http://[::1]/x");
    }
    void forwardTarget()
    {
        QFETCH(QByteArray, target);
        http::HttpRequest request;
        request.method = "GET";
        request.target = target;
        QString error;
        const std::optional<UpstreamTarget> t = proxy::resolveTarget(request, {}, &error);
        QVERIFY2(t, qPrintable(error));
        QTEST(t->tls, "tls");
        QTEST(t->host, "host");
        QTEST(int(t->port), "port");
        QTEST(t->requestTarget, "requestTarget");
        QTEST(t->hostHeader, "hostHeader");
        QTEST(t->browserUrl, "browserUrl");
    }

    void forwardTargetRefused_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("reason");
        QTest::newRow("origin-form") << QByteArray("/x") << QStringLiteral("absolute URL");
        QTest::newRow("other scheme")
            << QByteArray("ftp://h/x") << QStringLiteral("unsupported scheme \"ftp\"");
        QTest::newRow("credentials")
            << QByteArray("http://u:p@h/x") << QStringLiteral("credentials in the request URL");
        QTest::newRow("bad port") << QByteArray("http://h:99999/x")
                                  << QStringLiteral("bad host in the request URL");
    }
    void forwardTargetRefused()
    {
        QFETCH(QByteArray, target);
        QFETCH(QString, reason);
        http::HttpRequest request;
        request.method = "GET";
        request.target = target;
        QString error;
        QVERIFY(!proxy::resolveTarget(request, {}, &error));
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void upstreamRequestBytes()
    {
        http::HttpRequest request;
        request.method = "POST";
        request.target = "http://api.test:8080/save";
        request.headers = {
            {"Host", "api.test:8080"},           {"Proxy-Connection", "keep-alive"},
            {"Connection", "keep-alive, X-Hop"}, {"X-Hop", "only for the proxy"},
            {"Origin", "http://localhost:3000"}, {"Transfer-Encoding", "chunked"},
            {"Expect", "100-continue"},          {"Content-Type", "application/json"}};
        request.body = "{\"a\":1}";
        QString error;
        const std::optional<UpstreamTarget> t = proxy::resolveTarget(request, {}, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(proxy::serializeUpstreamRequest(request, *t),
                 QByteArray("POST /save HTTP/1.1\r\nHost: api.test:8080\r\n"
                            "Origin: http://localhost:3000\r\nContent-Type: application/json\r\n"
                            "Content-Length: 7\r\n\r\n{\"a\":1}"));
        // No body and no framing: no Content-Length either.
        request.method = "GET";
        request.headers = {{"Accept", "*/*"}};
        request.body.clear();
        QCOMPARE(proxy::serializeUpstreamRequest(request, *t),
                 QByteArray("GET /save HTTP/1.1\r\nHost: api.test:8080\r\nAccept: */*\r\n\r\n"));
    }

    void responseHeadBytes()
    {
        const base::HeaderList headers = {
            {"Content-Type", "text/plain"},       {"Connection", "keep-alive, X-Hop"},
            {"Keep-Alive", "timeout=5"},          {"X-Hop", "x"},
            {"Access-Control-Allow-Origin", "*"}, {"Content-Length", "2"}};
        QByteArray out = "(before)";
        proxy::appendResponseHead(200, "OK", headers, false, out);
        QCOMPARE(out, QByteArray("(before)HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 "Access-Control-Allow-Origin: *\r\nContent-Length: 2\r\n\r\n"));
        out.clear();
        proxy::appendResponseHead(204, {}, {}, true, out); // the standard phrase when none
        QCOMPARE(out, QByteArray("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"));
        out.clear();
        proxy::appendResponseHead(599, {}, {{"A", ""}}, false, out); // no phrase known, empty value
        QVERIFY2(out.startsWith("HTTP/1.1 599 ") && out.endsWith("\r\nA: \r\n\r\n"),
                 out.constData());
    }
};

QTEST_GUILESS_MAIN(TstProxyRequest)
#include "tst_proxy_request.moc"
