// The proxy over real loopback sockets: the test thread is the browser (blocking raw sockets),
// upstreams are scripted servers on threads of their own, the proxy runs on its network thread.
#include "proxy/certificate_authority.h"
#include "proxy/override_rules.h"
#include "proxy/override_store.h"
#include "proxy/proxy_server.h"
#include "proxy_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace proxytest;
using session::CapturedExchange;

namespace {

QByteArray okResponse(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

// Answers every request with 200 and the request line as the body.
void echoLine(QTcpSocket *socket, const ReceivedRequest &request)
{
    socket->write(okResponse(request.requestLine(), "X-Upstream: yes\r\n"));
}

} // namespace

class TstProxy : public QObject
{
    Q_OBJECT

private:
    // A proxy with \a options on a free port, recording what it captures.
    struct Running
    {
        std::unique_ptr<proxy::ProxyServer> server;
        quint16 port = 0;
        std::shared_ptr<QMutex> mutex = std::make_shared<QMutex>();
        std::shared_ptr<QList<CapturedExchange>> captured =
            std::make_shared<QList<CapturedExchange>>();

        QList<CapturedExchange> waitFor(int count, int timeoutMs = 10000) const
        {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < timeoutMs) {
                {
                    QMutexLocker lock(mutex.get());
                    if (captured->size() >= count)
                        return *captured;
                }
                QThread::msleep(10);
            }
            QMutexLocker lock(mutex.get());
            return *captured;
        }
    };

    Running start(proxy::ProxyOptions options = {})
    {
        Running r;
        r.server = std::make_unique<proxy::ProxyServer>(std::move(options));
        auto mutex = r.mutex;
        auto captured = r.captured;
        connect(
            r.server.get(), &proxy::ProxyServer::exchangesCaptured, r.server.get(),
            [mutex, captured](const QList<CapturedExchange> &batch) {
                QMutexLocker lock(mutex.get());
                captured->append(batch);
            },
            Qt::DirectConnection);
        QString error;
        r.port = r.server->listen(QHostAddress::LocalHost, 0, &error);
        if (r.port == 0)
            qFatal("proxy did not listen: %s", qPrintable(error));
        return r;
    }

    static bool connectTo(QTcpSocket &socket, quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(5000);
    }

    // Where the test keeps its CA (interception) and its upstream's test CA.
    QTemporaryDir m_dir;

private Q_SLOTS:
    void forwardGetIsRelayedAndCaptured()
    {
        ScriptedUpstream upstream(echoLine);
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray url =
            "http://127.0.0.1:" + QByteArray::number(upstream.port()) + "/v1/x?y=1";
        client.write("GET " + url +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost:3000"
                     "\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive, X-Hop\r\n"
                     "X-Hop: for the proxy only\r\nX-End: kept\r\n\r\n");
        const RawResponse r = readResponse(client);
        QVERIFY(r.complete);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("GET /v1/x?y=1 HTTP/1.1"));
        QCOMPARE(r.header("x-upstream"), QByteArray("yes"));

        const ReceivedRequest sent = upstream.received().value(0);
        QCOMPARE(sent.header("host"), "127.0.0.1:" + QByteArray::number(upstream.port()));
        QCOMPARE(sent.header("origin"), QByteArray("http://localhost:3000"));
        QVERIFY2(sent.header("proxy-connection").isEmpty(), "hop-by-hop header forwarded");
        QVERIFY2(sent.header("x-hop").isEmpty(), "a field named by Connection was forwarded");
        QCOMPARE(sent.header("x-end"), QByteArray("kept"));

        const QList<CapturedExchange> captured = proxy.waitFor(1);
        QCOMPARE(captured.size(), 1);
        const CapturedExchange &x = captured.first();
        QCOMPARE(x.type, CapturedExchange::Type::Http);
        QCOMPARE(x.method, QByteArray("GET"));
        QCOMPARE(x.url, url);
        QCOMPARE(x.status, 200);
        QCOMPARE(x.responseBody.stored, QByteArray("GET /v1/x?y=1 HTTP/1.1"));
        QCOMPARE(x.upstreamAddress, QByteArray("127.0.0.1"));
        QCOMPARE(x.upstreamPort, upstream.port());
        QCOMPARE(x.clientAddress, QByteArray("127.0.0.1"));
        QVERIFY(x.startedAtMs > 0 && x.firstByteAtMs >= x.startedAtMs &&
                x.finishedAtMs >= x.firstByteAtMs);
        QVERIFY(x.error.isEmpty());
        QVERIFY(!x.overridden);
    }

    void keepAliveOnBothSides()
    {
        ScriptedUpstream upstream(echoLine);
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        for (int i = 0; i < 5; ++i) {
            client.write("GET " + base + "/n" + QByteArray::number(i) +
                         " HTTP/1.1\r\nHost: x\r\n\r\n");
            const RawResponse r = readResponse(client);
            QVERIFY(r.complete);
            QCOMPARE(r.body, "GET /n" + QByteArray::number(i) + " HTTP/1.1");
        }
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(upstream.connections(), 1);
        QCOMPARE(proxy.waitFor(5).size(), 5);
    }

    void staleKeptAliveUpstreamIsRetried()
    {
        // The server keeps connections alive but drops one when a second request comes on it
        // (as servers do with idle connections they already decided to close): the request
        // must go out again on a new connection instead of failing.
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &r) {
            if (s->property("served").toBool()) {
                s->abort();
                return;
            }
            s->setProperty("served", true);
            s->write(okResponse(r.requestLine()));
        });
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        client.write("GET " + base + "/first HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readResponse(client).status, 200);
        client.write("POST " + base + "/second HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("POST /second HTTP/1.1"));
        QCOMPARE(upstream.connections(), 2);
        QVERIFY(proxy.waitFor(2).value(1).error.isEmpty());
    }

    void pipelinedRequestsAnsweredInOrder()
    {
        ScriptedUpstream upstream(echoLine);
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        client.write("GET " + base + "/a HTTP/1.1\r\nHost: x\r\n\r\nGET " + base +
                     "/b HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray buffer; // both responses may come in one read
        QCOMPARE(readResponseFrom(client, buffer).body, QByteArray("GET /a HTTP/1.1"));
        QCOMPARE(readResponseFrom(client, buffer).body, QByteArray("GET /b HTTP/1.1"));
    }

    void manyPipelinedRequestsAllAnswered()
    {
        // Forty pipelined requests in two writes, the second while the first twenty still wait
        // behind a slow upstream: every one answered, in order.
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &r) {
            const QByteArray line = r.requestLine();
            QTimer::singleShot(10, s, [s, line] { s->write(okResponse(line)); });
        });
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        auto requests = [&](int from, int to) {
            QByteArray out;
            for (int i = from; i < to; ++i)
                out +=
                    "GET " + base + "/p" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            return out;
        };
        client.write(requests(0, 20));
        QVERIFY(client.waitForBytesWritten(5000));
        QTRY_VERIFY(upstream.requests() >= 1); // read and queued: 19 wait behind the first
        client.write(requests(20, 40));
        QByteArray buffer;
        for (int i = 0; i < 40; ++i)
            QCOMPARE(readResponseFrom(client, buffer).body,
                     "GET /p" + QByteArray::number(i) + " HTTP/1.1");
        QCOMPARE(proxy.waitFor(40).size(), 40);
    }

    void postBodyForwardedWithLength()
    {
        ScriptedUpstream upstream(
            [](QTcpSocket *s, const ReceivedRequest &r) { s->write(okResponse(r.body)); });
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("POST http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     "Content-Type: application/json\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.body, QByteArray("{\"a\":1}"));
        QCOMPARE(upstream.received().value(0).header("content-length"), QByteArray("7"));
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QCOMPARE(x.requestBody.stored, QByteArray("{\"a\":1}"));
        QCOMPARE(x.requestBody.size, 7);
    }

    void chunkedResponseRelayedAsFramed()
    {
        const QByteArray framed = "4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Trailer: t\r\n\r\n";
        ScriptedUpstream upstream([framed](QTcpSocket *s, const ReceivedRequest &) {
            s->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            s->flush();
            s->write(framed);
        });
        proxy::ProxyOptions options;
        options.bodyCaptureBytes = 5; // capture cap: the rest counted, not stored
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/c HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QVERIFY(r.complete);
        QCOMPARE(r.body, QByteArray("abcdefg"));
        QCOMPARE(r.rawBody, framed);
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QCOMPARE(x.responseBody.stored, QByteArray("abcde"));
        QCOMPARE(x.responseBody.size, 7);
        QVERIFY(x.responseBody.truncated());
    }

    void slowUpstreamDoesNotBlockOthers()
    {
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &r) {
            if (r.requestLine().contains("/slow")) {
                QTimer::singleShot(1500, s, [s] { s->write(okResponse("slow")); });
                return;
            }
            s->write(okResponse("fast"));
        });
        proxy::ProxyOptions options;
        options.networkThreads = 1; // both connections on one thread: it must not wait
        Running proxy = start(options);
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        QTcpSocket slow, fast;
        QVERIFY(connectTo(slow, proxy.port));
        QVERIFY(connectTo(fast, proxy.port));
        slow.write("GET " + base + "/slow HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE(upstream.requests(), 1);
        fast.write("GET " + base + "/fast HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse f = readResponse(fast);
        QCOMPARE(f.body, QByteArray("fast"));
        QCOMPARE(slow.bytesAvailable(), 0); // the slow one is still waiting
        QCOMPARE(readResponse(slow).body, QByteArray("slow"));
    }

    void closeDelimitedBodyRelayedToTheEnd()
    {
        // No length, no chunks: the body ends when the server closes (seen by a read that
        // finds the end of the stream), and the browser can only learn it the same way.
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
            QTimer::singleShot(100, s, [s] {
                s->write("the close");
                s->disconnectFromHost();
            });
        });
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/stream HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QVERIFY(r.complete);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("until the close"));
        QCOMPARE(r.header("connection"), QByteArray("close"));
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QVERIFY2(x.error.isEmpty(), qPrintable(x.error));
        QCOMPARE(x.responseBody.stored, QByteArray("until the close"));
    }

    void connectionsSharedAmongThreads()
    {
        ScriptedUpstream upstream(echoLine);
        proxy::ProxyOptions options;
        options.networkThreads = 3;
        Running proxy = start(options);
        QCOMPARE(proxy.server->networkThreadCount(), 3);
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        // Six connections, dealt out in turn: two per thread, all open at once.
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < 6; ++i) {
            clients.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(connectTo(*clients.back(), proxy.port));
        }
        for (int i = 0; i < 6; ++i)
            clients[size_t(i)]->write("GET " + base + "/c" + QByteArray::number(i) +
                                      " HTTP/1.1\r\nHost: x\r\n\r\n");
        for (int i = 0; i < 6; ++i)
            QCOMPARE(readResponse(*clients[size_t(i)]).body,
                     "GET /c" + QByteArray::number(i) + " HTTP/1.1");
        QCOMPARE(proxy.waitFor(6).size(), 6);

        // A preflight on one connection, then its actual request on the next (another thread):
        // captured in the order they ended, as the session's pairing needs, every time.
        for (int round = 0; round < 10; ++round) {
            QTcpSocket &first = *clients[size_t(round % 6)];
            QTcpSocket &second = *clients[size_t((round + 1) % 6)];
            first.write("OPTIONS " + base + "/r" + QByteArray::number(round) +
                        " HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n"
                        "Access-Control-Request-Method: PUT\r\n\r\n");
            QCOMPARE(readResponse(first).status, 200);
            second.write("PUT " + base + "/r" + QByteArray::number(round) +
                         " HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n"
                         "Content-Length: 0\r\n\r\n");
            QCOMPARE(readResponse(second).status, 200);
        }
        const QList<CapturedExchange> captured = proxy.waitFor(26);
        QCOMPARE(captured.size(), 26);
        for (int round = 0; round < 10; ++round) {
            const CapturedExchange &preflight = captured.at(6 + 2 * round);
            const CapturedExchange &actual = captured.at(7 + 2 * round);
            QCOMPARE(preflight.method, QByteArray("OPTIONS"));
            QCOMPARE(actual.method, QByteArray("PUT"));
            QVERIFY(preflight.url.endsWith("/r" + QByteArray::number(round)));
            QVERIFY(actual.url.endsWith("/r" + QByteArray::number(round)));
            QVERIFY(preflight.clientPort != actual.clientPort);
        }
    }

    void idleBrowserConnectionClosed()
    {
        ScriptedUpstream upstream(echoLine);
        proxy::ProxyOptions options;
        options.clientIdleTimeoutMs = 300;
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray request = "GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                                   "/x HTTP/1.1\r\n"
                                   "Host: x\r\n\r\n";
        // In use for twice the idle timeout, a request every 100 ms: never idle, never closed.
        for (int i = 0; i < 6; ++i) {
            client.write(request);
            QCOMPARE(readResponse(client).status, 200);
            QThread::msleep(100);
        }
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(upstream.connections(), 1);
        // Then silent: the proxy closes it.
        QVERIFY(client.state() == QAbstractSocket::UnconnectedState ||
                client.waitForDisconnected(5000));
        QCOMPARE(proxy.waitFor(6).size(), 6);
    }

    void responseTimeoutCountsSilenceOnly()
    {
        // Eight body bytes, one every 100 ms: never silent for the 300 ms timeout, though the
        // whole response takes longer than it.
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n");
            auto *timer = new QTimer(s);
            auto sent = std::make_shared<int>(0);
            QObject::connect(timer, &QTimer::timeout, s, [s, timer, sent] {
                s->write("x");
                if (++*sent == 8)
                    timer->stop();
            });
            timer->start(100);
        });
        proxy::ProxyOptions options;
        options.responseTimeoutMs = 300;
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/trickle HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QVERIFY(r.complete);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("xxxxxxxx"));
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QVERIFY2(x.error.isEmpty(), qPrintable(x.error));
        QCOMPARE(x.responseBody.size, 8);
    }

    void connectTunnelIsOpaque()
    {
        // The "server" behind the tunnel is a bare socket that the test drives: no HTTP at all.
        QTcpServer echo;
        QVERIFY(echo.listen(QHostAddress::LocalHost, 0));
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("CONNECT 127.0.0.1:" + QByteArray::number(echo.serverPort()) +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(client.waitForBytesWritten(2000));
        QVERIFY(echo.waitForNewConnection(5000));
        QTcpSocket *server = echo.nextPendingConnection();
        const RawResponse established = readResponse(client, true);
        QCOMPARE(established.status, 200);
        client.write("hello through the tunnel");
        QVERIFY(client.waitForBytesWritten(2000));
        QByteArray got;
        QTRY_VERIFY((got += server->readAll()).size() >= 24);
        QCOMPARE(got, QByteArray("hello through the tunnel"));
        server->write("ANSWER");
        QVERIFY(server->waitForBytesWritten(2000));
        QByteArray back;
        QTRY_VERIFY((back += client.readAll()).size() >= 6);
        QCOMPARE(back, QByteArray("ANSWER"));
        client.disconnectFromHost();
        const QList<CapturedExchange> captured = proxy.waitFor(1);
        QCOMPARE(captured.size(), 1);
        const CapturedExchange &t = captured.first();
        QCOMPARE(t.type, CapturedExchange::Type::Tunnel);
        QCOMPARE(t.tunnel.host, QByteArray("127.0.0.1"));
        QCOMPARE(t.tunnel.port, echo.serverPort());
        QVERIFY(!t.tunnel.intercepted);
        QCOMPARE(t.tunnel.bytesFromClient, 24);
        QCOMPARE(t.tunnel.bytesFromServer, 6);
        QVERIFY(t.finishedAtMs >= t.startedAtMs);
    }

    void interceptedHttpsIsCaptured()
    {
        QString error;
        // The test's own CA signs the upstream's certificate; the proxy trusts it as a company
        // CA would be trusted. A second CA is the proxy's own, which the client trusts.
        auto upstreamCa = proxy::CertificateAuthority::loadOrCreate(
            m_dir.filePath(QStringLiteral("upstream-ca")), &error);
        QVERIFY2(upstreamCa, qPrintable(error));
        std::shared_ptr<const proxy::CertificateAuthority> proxyCa =
            proxy::CertificateAuthority::loadOrCreate(m_dir.filePath(QStringLiteral("proxy-ca")),
                                                      &error);
        QVERIFY2(proxyCa, qPrintable(error));

        ScriptedUpstream upstream(
            [](QTcpSocket *s, const ReceivedRequest &r) {
                s->write(okResponse("secure " + r.requestLine(),
                                    "Access-Control-Allow-Origin: http://localhost:3000\r\n"));
            },
            upstreamCa->serverConfiguration("localhost"));
        proxy::ProxyOptions options;
        options.certificateAuthority = proxyCa;
        options.upstreamCaCertificates = {upstreamCa->certificate()};
        Running proxy = start(options);

        QSslSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray authority = "localhost:" + QByteArray::number(upstream.port());
        client.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
        QCOMPARE(readResponse(client, true).status, 200);
        QSslConfiguration config = client.sslConfiguration();
        config.setCaCertificates({proxyCa->certificate()});
        config.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
        client.setSslConfiguration(config);
        client.setPeerVerifyName(QStringLiteral("localhost"));
        client.startClientEncryption();
        QVERIFY2(client.waitForEncrypted(10000), qPrintable(client.errorString()));
        QCOMPARE(client.sslConfiguration().nextNegotiatedProtocol(), QByteArray("http/1.1"));
        client.write("GET /api/data HTTP/1.1\r\nHost: " + authority +
                     "\r\nOrigin: http://localhost:3000\r\n\r\n");
        const RawResponse r = readResponse(client);
        QVERIFY(r.complete);
        QCOMPARE(r.body, QByteArray("secure GET /api/data HTTP/1.1"));

        const CapturedExchange x = proxy.waitFor(1).value(0);
        QCOMPARE(x.url, "https://" + authority + "/api/data");
        QVERIFY(x.tunnel.intercepted);
        QCOMPARE(x.tunnel.host, QByteArray("localhost"));
        QCOMPARE(x.tunnel.alpn, QByteArray("http/1.1"));
        QVERIFY(x.tunnel.tlsVersion.startsWith("TLSv1."));
        QCOMPARE(x.status, 200);
    }

    void interceptionRefusedByClientIsRecorded()
    {
        QString error;
        std::shared_ptr<const proxy::CertificateAuthority> proxyCa =
            proxy::CertificateAuthority::loadOrCreate(m_dir.filePath(QStringLiteral("proxy-ca")),
                                                      &error);
        QVERIFY2(proxyCa, qPrintable(error));
        proxy::ProxyOptions options;
        options.certificateAuthority = proxyCa;
        Running proxy = start(options);
        QSslSocket client; // trusts only the system store: the proxy's certificate is refused
        QVERIFY(connectTo(client, proxy.port));
        client.write("CONNECT localhost:9 HTTP/1.1\r\nHost: localhost:9\r\n\r\n");
        QCOMPARE(readResponse(client, true).status, 200);
        client.setPeerVerifyName(QStringLiteral("localhost"));
        client.startClientEncryption();
        QVERIFY(!client.waitForEncrypted(5000));
        client.abort();
        const CapturedExchange t = proxy.waitFor(1).value(0);
        QCOMPARE(t.type, CapturedExchange::Type::Tunnel);
        QVERIFY(t.tunnel.intercepted);
        QVERIFY2(t.error.contains(QLatin1String("CORS Lab CA")), qPrintable(t.error));
    }

    void reverseModeRewritesHostAndPath()
    {
        ScriptedUpstream upstream(echoLine);
        proxy::ProxyOptions options;
        options.mode = proxy::ProxyOptions::Mode::Reverse;
        options.reverseTarget =
            QUrl(QStringLiteral("http://127.0.0.1:%1/base/").arg(upstream.port()));
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray local = "localhost:" + QByteArray::number(proxy.port);
        client.write("GET /v1/items?q=2 HTTP/1.1\r\nHost: " + local +
                     "\r\nOrigin: http://localhost:3000\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.body, QByteArray("GET /base/v1/items?q=2 HTTP/1.1"));
        QCOMPARE(upstream.received().value(0).header("host"),
                 "127.0.0.1:" + QByteArray::number(upstream.port()));
        // CORS is judged against what the browser asked for: the proxy's own origin.
        QCOMPARE(proxy.waitFor(1).value(0).url, "http://" + local + "/v1/items?q=2");
    }

    void reverseModeKeepsRedirectsOnTheProxy()
    {
        quint16 upstreamPort = 0;
        ScriptedUpstream upstream([&upstreamPort](QTcpSocket *s, const ReceivedRequest &) {
            s->write("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" +
                     QByteArray::number(upstreamPort) +
                     "/login?next=/\r\nContent-Length: 0\r\n\r\n");
        });
        upstreamPort = upstream.port();
        proxy::ProxyOptions options;
        options.mode = proxy::ProxyOptions::Mode::Reverse;
        options.reverseTarget = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(upstream.port()));
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET /account HTTP/1.1\r\nHost: localhost:4000\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 302);
        QCOMPARE(r.header("location"), QByteArray("http://localhost:4000/login?next=/"));
    }

    void overrideRulesApplyLive()
    {
        ScriptedUpstream upstream(echoLine); // sends no CORS header at all
        auto store = std::make_shared<proxy::OverrideStore>();
        proxy::ProxyOptions options;
        options.mode = proxy::ProxyOptions::Mode::Reverse;
        options.reverseTarget = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(upstream.port()));
        options.overrides = store;
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        const QByteArray request = "GET /data HTTP/1.1\r\nHost: localhost\r\nOrigin: "
                                   "http://localhost:3000\r\n\r\n";
        client.write(request);
        QVERIFY(readResponse(client).header("access-control-allow-origin").isEmpty());

        proxy::OverrideSet rules;
        QString error;
        QVERIFY2(
            proxy::OverrideSet::fromJson(
                QByteArray(R"({"rules":[{"name":"allow app","path":"/data",)"
                           R"("set":[["Access-Control-Allow-Origin","http://localhost:3000"]],)"
                           R"("remove":["X-Upstream"]}]})"),
                &rules, &error),
            qPrintable(error));
        store->set(rules); // live: same connection, no restart
        client.write(request);
        const RawResponse r = readResponse(client);
        QCOMPARE(r.header("access-control-allow-origin"), QByteArray("http://localhost:3000"));
        QVERIFY(r.header("x-upstream").isEmpty());
        QCOMPARE(r.header("content-length"), QByteArray::number(r.body.size()));

        const QList<CapturedExchange> captured = proxy.waitFor(2);
        QCOMPARE(captured.size(), 2);
        QVERIFY(!captured[0].overridden);
        const CapturedExchange &x = captured[1];
        QVERIFY(x.overridden);
        QCOMPARE(x.overrideRule, QStringLiteral("allow app"));
        QVERIFY(!x.answeredLocally);
        // What the server sent vs what the browser got.
        QVERIFY(x.upstreamResponseHeaders.contains({"X-Upstream", "yes"}));
        QVERIFY(
            x.responseHeaders.contains({"Access-Control-Allow-Origin", "http://localhost:3000"}));
    }

    void preflightAnsweredLocally()
    {
        ScriptedUpstream upstream(echoLine);
        auto store = std::make_shared<proxy::OverrideStore>();
        proxy::OverrideSet rules;
        QString error;
        QVERIFY2(proxy::OverrideSet::fromJson(
                     QByteArray(R"({"rules":[{"name":"local preflights","answer_preflights":true,)"
                                R"("policy":{"allow_origin":{"mode":"echo"},)"
                                R"("allow_methods":{"mode":"list","values":["PUT"]},)"
                                R"("allow_headers":{"mode":"list","values":["X-Token"]}}}]})"),
                     &rules, &error),
                 qPrintable(error));
        store->set(rules);
        proxy::ProxyOptions options;
        options.overrides = store;
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("OPTIONS http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/thing HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n"
                     "Access-Control-Request-Method: PUT\r\n"
                     "Access-Control-Request-Headers: x-token\r\n\r\n");
        const RawResponse r = readResponse(client);
        QVERIFY(r.complete);
        QVERIFY(r.status >= 200 && r.status < 300);
        QCOMPARE(r.header("access-control-allow-origin"), QByteArray("http://localhost:3000"));
        QCOMPARE(r.header("access-control-allow-methods"), QByteArray("PUT"));
        QCOMPARE(upstream.requests(), 0); // never forwarded
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QVERIFY(x.answeredLocally);
        QCOMPARE(x.overrideRule, QStringLiteral("local preflights"));
    }

    void upstreamRefusedGives502()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close(); // nothing listens there now
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(port) +
                     "/x HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 502);
        QVERIFY2(r.header("x-corslab-error").contains("refused"), r.head.constData());
        QVERIFY(r.body.contains("refused"));
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QCOMPARE(x.status, 502);
        QVERIFY(x.error.contains(QLatin1String("refused")));
        // The proxy stays up: the same connection still works for another request.
        ScriptedUpstream upstream(echoLine);
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/ok HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readResponse(client).status, 200);
    }

    void upstreamDnsFailureGives502()
    {
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://no-such-host.invalid/x HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 502);
        QVERIFY2(r.header("x-corslab-error").contains("DNS"), r.head.constData());
    }

    void upstreamResetMidBody()
    {
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &) {
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
            s->flush();
            QTimer::singleShot(50, s, [s] { s->abort(); });
        });
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/x HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 200); // the head was already relayed...
        QVERIFY(!r.complete);    // ...and the browser sees the body cut short
        QVERIFY(waitClosed(client));
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QVERIFY2(!x.error.isEmpty(), "a cut response must be recorded as failed");
        QCOMPARE(x.responseBody.size, 10);
    }

    void malformedUpstreamResponseGives502()
    {
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &) {
            s->write("HTTP/1.1 abc Nope\r\nBroken header line\r\n\r\n");
        });
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/x HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 502);
        QVERIFY2(r.header("x-corslab-error").contains("malformed"), r.head.constData());
        QVERIFY(!proxy.waitFor(1).value(0).error.isEmpty());
    }

    void upstreamTimeoutGives504()
    {
        ScriptedUpstream upstream([](QTcpSocket *, const ReceivedRequest &) {}); // never answers
        proxy::ProxyOptions options;
        options.responseTimeoutMs = 300;
        Running proxy = start(options);
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                     "/x HTTP/1.1\r\nHost: x\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 504);
        QVERIFY(proxy.waitFor(1).value(0).error.contains(QLatin1String("sent nothing")));
    }

    void clientDisconnectsMidRequest()
    {
        ScriptedUpstream upstream(echoLine);
        Running proxy = start();
        {
            QTcpSocket client;
            QVERIFY(connectTo(client, proxy.port));
            client.write("POST http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                         "/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npart");
            QVERIFY(client.waitForBytesWritten(2000));
            QThread::msleep(100);
            client.abort();
        }
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QCOMPARE(x.method, QByteArray("POST"));
        QVERIFY2(x.error.contains(QLatin1String("middle of its request")), qPrintable(x.error));
        QCOMPARE(upstream.requests(), 0);
        // Still serving.
        QTcpSocket again;
        QVERIFY(connectTo(again, proxy.port));
        again.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                    "/ok HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readResponse(again).status, 200);
    }

    void clientDisconnectsWhileWaiting()
    {
        ScriptedUpstream upstream([](QTcpSocket *s, const ReceivedRequest &) {
            QTimer::singleShot(800, s, [s] { s->write(okResponse("late")); });
        });
        Running proxy = start();
        {
            QTcpSocket client;
            QVERIFY(connectTo(client, proxy.port));
            client.write("GET http://127.0.0.1:" + QByteArray::number(upstream.port()) +
                         "/x HTTP/1.1\r\nHost: x\r\n\r\n");
            QTRY_COMPARE(upstream.requests(), 1);
            client.abort();
        }
        const CapturedExchange x = proxy.waitFor(1).value(0);
        QVERIFY2(x.error.contains(QLatin1String("before the response")), qPrintable(x.error));
    }

    void originFormToForwardProxyExplained()
    {
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 400);
        QVERIFY(r.body.contains("absolute URL"));
    }

    void malformedRequestAnswered400()
    {
        Running proxy = start();
        QTcpSocket client;
        QVERIFY(connectTo(client, proxy.port));
        client.write("GET http://x/ HTTP/1.1\r\nBad Header\r\n\r\n");
        const RawResponse r = readResponse(client);
        QCOMPARE(r.status, 400);
        QVERIFY(waitClosed(client));
        QVERIFY(!proxy.waitFor(1).value(0).error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstProxy)
#include "tst_proxy.moc"
