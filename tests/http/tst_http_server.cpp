// HttpServer over real sockets on 127.0.0.1: raw bytes in, raw bytes out. The test thread plays the
// clients with blocking QTcpSocket calls while the server answers on its own network thread.
#include "http/http_server.h"
#include "proxy/certificate_authority.h"

#include <QElapsedTimer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <memory>
#include <stdexcept>

using namespace corslab::http;

namespace {

struct Response
{
    bool ok = false;
    int status = 0;
    HeaderList headers;
    QByteArray body;
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

// Reads one response (head, then Content-Length bytes unless \a head) from \a socket.
Response readResponse(QTcpSocket &socket, bool head = false, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    QByteArray buffer;
    auto fill = [&] {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(10))
            return timer.elapsed() < timeoutMs && socket.state() == QTcpSocket::ConnectedState;
        return true;
    };
    Response r;
    while (!buffer.contains("\r\n\r\n")) {
        if (!fill())
            return r;
        // Read byte by byte up to the end of the head, so the body (or the next response)
        // stays in the socket.
        char c;
        while (!buffer.contains("\r\n\r\n") && socket.getChar(&c))
            buffer += c;
    }
    const QList<QByteArray> lines = buffer.trimmed().split('\n');
    const QList<QByteArray> status = lines.value(0).trimmed().split(' ');
    r.status = status.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        r.headers.append({line.first(colon), line.sliced(colon + 1).trimmed()});
    }
    const qsizetype length = head ? 0 : r.header("content-length").toLongLong();
    while (r.body.size() < length) {
        if (!fill())
            return r;
        r.body += socket.read(length - r.body.size());
    }
    r.ok = true;
    return r;
}

// True when the server closed the connection (EOF) within \a timeoutMs.
bool waitClosed(QTcpSocket &socket, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (socket.state() == QTcpSocket::UnconnectedState)
            return true;
        socket.waitForReadyRead(20);
        socket.readAll();
    }
    return socket.state() == QTcpSocket::UnconnectedState;
}

std::unique_ptr<QTcpSocket> connectTo(quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->waitForConnected(5000))
        qFatal("cannot connect");
    return socket;
}

void send(QTcpSocket &socket, const QByteArray &bytes)
{
    socket.write(bytes);
    socket.waitForBytesWritten(5000);
}

QByteArray get(const QByteArray &target, const QByteArray &method = "GET")
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

    std::atomic<QThread *> m_handlerThread{nullptr};

    // /echo answers "METHOD target|body"; /slow?ms=N waits N ms; /throw throws; /close closes.
    HttpServer::Handler handler()
    {
        return [this](const HttpRequest &request) {
            m_handlerThread = QThread::currentThread();
            HttpResponse r;
            r.headers = {{"Content-Type", "text/plain"}, {"X-Listener", request.listener.toUtf8()}};
            const QByteArray path = request.path();
            if (path == "/slow")
                r.delayMs = request.query().queryItemValue(QStringLiteral("ms")).toInt();
            if (path == "/throw")
                throw std::runtime_error("boom");
            if (path == "/close")
                r.headers.append(qMakePair(QByteArray("Connection"), QByteArray("close")));
            r.body = request.method + ' ' + request.target + '|' + request.body;
            return r;
        };
    }

    struct Server
    {
        std::unique_ptr<HttpServer> http;
        quint16 port = 0;
    };
    Server start(HttpServer::Options options = {})
    {
        Server s;
        s.http = std::make_unique<HttpServer>(handler(), options);
        QString error;
        s.port = s.http->listen(QHostAddress::LocalHost, 0, QStringLiteral("test"), &error);
        if (s.port == 0)
            qFatal("listen failed: %s", qPrintable(error));
        return s;
    }

private Q_SLOTS:
    void tlsListenerEncryptsEveryResponse()
    {
        // A certificate from a CA made for this test; the client trusts that CA only.
        QTemporaryDir dir;
        QString error;
        auto ca = corslab::proxy::CertificateAuthority::loadOrCreate(dir.path(), &error);
        QVERIFY2(ca, qPrintable(error));
        HttpServer server(handler());
        const quint16 port = server.listenTls(QHostAddress::LocalHost, 0, QStringLiteral("tls"),
                                              ca->serverConfiguration("localhost"), &error);
        QVERIFY2(port, qPrintable(error));
        QSslSocket client;
        QSslConfiguration config = client.sslConfiguration();
        config.setCaCertificates({ca->certificate()});
        client.setSslConfiguration(config);
        client.connectToHostEncrypted(QStringLiteral("localhost"), port);
        QVERIFY2(client.waitForEncrypted(10000), qPrintable(client.errorString()));
        for (int i = 0; i < 3; ++i) { // keep-alive: later responses too are encrypted
            send(client, get("/echo?i=" + QByteArray::number(i)));
            const Response r = readResponse(client);
            QVERIFY2(r.ok, qPrintable(client.errorString()));
            QCOMPARE(r.body, "GET /echo?i=" + QByteArray::number(i) + '|');
            QCOMPARE(r.header("X-Listener"), QByteArray("tls"));
        }
    }

    void keepAlive()
    {
        Server s = start();
        auto c = connectTo(s.port);
        for (int i = 0; i < 3; ++i) {
            send(*c, get("/echo?i=" + QByteArray::number(i)));
            const Response r = readResponse(*c);
            QVERIFY(r.ok);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, "GET /echo?i=" + QByteArray::number(i) + '|');
            QCOMPARE(r.header("X-Listener"), QByteArray("test"));
        }
        QCOMPARE(c->state(), QTcpSocket::ConnectedState);
    }

    void handlerRunsOnTheNetworkThread()
    {
        Server s = start();
        auto c = connectTo(s.port);
        send(*c, get("/"));
        QVERIFY(readResponse(*c).ok);
        QVERIFY(m_handlerThread.load() != QThread::currentThread());
        QCOMPARE(m_handlerThread.load(), s.http->networkThread());
    }

    void pipelinedAnsweredInOrder()
    {
        Server s = start();
        auto c = connectTo(s.port);
        // The first one is the slowest: order must still be kept.
        send(*c, get("/slow?ms=200") + get("/echo/a") +
                     "POST /echo/b HTTP/1.1\r\nHost: x\r\n"
                     "Content-Length: 3\r\n\r\nxyz" +
                     get("/echo/c", "FOO"));
        const QList<QByteArray> expected = {"GET /slow?ms=200|", "GET /echo/a|", "POST /echo/b|xyz",
                                            "FOO /echo/c|"};
        for (const QByteArray &body : expected) {
            const Response r = readResponse(*c);
            QVERIFY(r.ok);
            QCOMPARE(r.body, body);
        }
    }

    void partialWritesByteByByte()
    {
        Server s = start();
        auto c = connectTo(s.port);
        const QByteArray request = "PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                   "\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        for (char ch : request) {
            send(*c, QByteArray(1, ch));
            QThread::usleep(300);
        }
        const Response r = readResponse(*c);
        QVERIFY(r.ok);
        QCOMPARE(r.body, QByteArray("PUT /echo|abcde"));
    }

    void expectContinue()
    {
        Server s = start();
        auto c = connectTo(s.port);
        send(*c,
             "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        const Response interim = readResponse(*c, true);
        QVERIFY(interim.ok);
        QCOMPARE(interim.status, 100);
        send(*c, "hello");
        const Response r = readResponse(*c);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("POST /echo|hello"));
    }

    void expectContinueOverTheLimit()
    {
        HttpServer::Options options;
        options.limits.maxBodyBytes = 10;
        Server s = start(options);
        auto c = connectTo(s.port);
        // The body is never sent: the answer must come from the head alone.
        send(*c,
             "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
        const Response r = readResponse(*c);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY(waitClosed(*c));
    }

    void headHasNoBody()
    {
        Server s = start();
        auto c = connectTo(s.port);
        send(*c, get("/doc", "HEAD") + get("/doc"));
        const Response head = readResponse(*c, true);
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("Content-Length"),
                 QByteArray::number(QByteArray("HEAD /doc|").size()));
        // The next bytes are the next response, so no body was written for HEAD.
        const Response next = readResponse(*c);
        QCOMPARE(next.status, 200);
        QCOMPARE(next.body, QByteArray("GET /doc|"));
    }

    void delayDoesNotBlockOtherConnections()
    {
        Server s = start();
        auto slow = connectTo(s.port);
        auto fast = connectTo(s.port);
        QElapsedTimer timer;
        timer.start();
        send(*slow, get("/slow?ms=800"));
        QThread::msleep(50);
        send(*fast, get("/fast"));
        const Response f = readResponse(*fast);
        const qint64 fastMs = timer.elapsed();
        QVERIFY(f.ok);
        QVERIFY2(fastMs < 600, QByteArray::number(fastMs));
        QCOMPARE(slow->bytesAvailable(), 0); // still waiting
        const Response r = readResponse(*slow);
        QVERIFY(r.ok);
        QVERIFY2(timer.elapsed() >= 790, QByteArray::number(timer.elapsed()));
    }

    void limitsOverTheSocket_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("431 header block")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX: " + QByteArray(600, 'v') + "\r\n\r\n")
            << 431;
        QByteArray many = "GET / HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 11; ++i)
            many += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("431 too many headers") << many + "\r\n" << 431;
        QTest::newRow("414 target")
            << QByteArray("GET /" + QByteArray(600, 'a') + " HTTP/1.1\r\n") << 414;
        QTest::newRow("413 body") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65"
                                                "\r\n\r\n" +
                                                QByteArray(65, 'b'))
                                  << 413;
        QTest::newRow("400 syntax")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n") << 400;
        QTest::newRow("400 method") << QByteArray("G(T / HTTP/1.1\r\n") << 400;
        QTest::newRow("505 version") << QByteArray("GET / HTTP/2.0\r\n") << 505;
    }
    void limitsOverTheSocket()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpServer::Options options;
        options.limits = {512, 10, 64};
        Server s = start(options);
        auto c = connectTo(s.port);
        send(*c, request);
        const Response r = readResponse(*c);
        QVERIFY(r.ok);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY2(r.body.size() > 5, r.body); // the parser's reason
        QVERIFY(waitClosed(*c));
    }

    void idleTimeoutCloses()
    {
        HttpServer::Options options;
        options.idleTimeoutMs = 300;
        Server s = start(options);
        auto c = connectTo(s.port);
        send(*c, get("/"));
        QVERIFY(readResponse(*c).ok);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(waitClosed(*c, 3000));
        QVERIFY2(timer.elapsed() >= 250, QByteArray::number(timer.elapsed()));
    }

    void slowHeaderTimeout()
    {
        HttpServer::Options options;
        options.headerTimeoutMs = 400;
        options.idleTimeoutMs = 5000;
        Server s = start(options);
        auto c = connectTo(s.port);
        QElapsedTimer timer;
        timer.start();
        // Slowloris: a byte every 50 ms keeps the connection busy but never ends the head.
        send(*c, "GET / HTTP/1.1\r\n");
        QByteArray got;
        while (timer.elapsed() < 3000 && c->state() == QTcpSocket::ConnectedState) {
            send(*c, "X");
            c->waitForReadyRead(50);
            got += c->readAll();
            if (got.contains("\r\n\r\n"))
                break;
        }
        QVERIFY2(got.startsWith("HTTP/1.1 408 "), got);
        QVERIFY2(timer.elapsed() < 1500, QByteArray::number(timer.elapsed()));
        QVERIFY(waitClosed(*c));
    }

    void slowHeaderAfterPipelinedRequestKeepsOrder()
    {
        // The 408 for a slow second head goes out after the (delayed) first response.
        HttpServer::Options options;
        options.headerTimeoutMs = 200;
        Server s = start(options);
        auto c = connectTo(s.port);
        send(*c, get("/slow?ms=500") + "GET / HTTP/1.1\r\nHo");
        const Response first = readResponse(*c);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.body, QByteArray("GET /slow?ms=500|"));
        const Response second = readResponse(*c);
        QCOMPARE(second.status, 408);
        QVERIFY(waitClosed(*c));
    }

    void manyConcurrentConnections()
    {
        Server s = start();
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < 200; ++i)
            clients.push_back(connectTo(s.port));
        for (int i = 0; i < 200; ++i)
            clients[size_t(i)]->write(get("/echo/" + QByteArray::number(i)));
        for (int i = 0; i < 200; ++i) {
            const Response r = readResponse(*clients[size_t(i)]);
            QVERIFY(r.ok);
            QCOMPARE(r.body, "GET /echo/" + QByteArray::number(i) + '|');
        }
    }

    void exchangeCompletedWithTimings()
    {
        Server s = start();
        QList<HttpExchange> exchanges;
        QObject context;
        connect(
            s.http.get(), &HttpServer::exchangeCompleted, &context,
            [&](const HttpExchange &e) { exchanges.append(e); }, Qt::QueuedConnection);
        auto c = connectTo(s.port);
        send(*c,
             get("/slow?ms=150") + "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
        QVERIFY(readResponse(*c).ok);
        QVERIFY(readResponse(*c).ok);
        QTRY_COMPARE(exchanges.size(), 2);
        const HttpExchange &slow = exchanges.at(0);
        QCOMPARE(slow.request.target, QByteArray("/slow?ms=150"));
        QCOMPARE(slow.request.listener, QStringLiteral("test"));
        QCOMPARE(slow.request.peerAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(slow.request.peerPort, c->localPort());
        QCOMPARE(slow.request.localPort, s.port);
        QCOMPARE(slow.response.status, 200);
        QVERIFY(slow.startedAtMs > 0);
        QVERIFY2(slow.finishedAtMs - slow.startedAtMs >= 140,
                 QByteArray::number(slow.finishedAtMs - slow.startedAtMs));
        QVERIFY(slow.error.isEmpty());
        QCOMPARE(exchanges.at(1).request.body, QByteArray("hi"));
        QVERIFY(exchanges.at(1).finishedAtMs >= slow.finishedAtMs);

        // A refused request is reported too, with its error.
        auto bad = connectTo(s.port);
        send(*bad, "G(T / HTTP/1.1\r\n");
        QTRY_COMPARE(exchanges.size(), 3);
        QCOMPARE(exchanges.at(2).response.status, 400);
        QVERIFY(!exchanges.at(2).error.isEmpty());
    }

    void exchangesCompletedInBatches()
    {
        Server s = start();
        QList<HttpExchange> batched;
        int batches = 0;
        QList<HttpExchange> single;
        QObject context;
        connect(
            s.http.get(), &HttpServer::exchangesCompleted, &context,
            [&](const QList<HttpExchange> &list) {
                ++batches;
                batched += list;
            },
            Qt::QueuedConnection);
        connect(
            s.http.get(), &HttpServer::exchangeCompleted, &context,
            [&](const HttpExchange &e) { single.append(e); }, Qt::QueuedConnection);
        auto c = connectTo(s.port);
        QByteArray pipelined;
        for (int i = 0; i < 20; ++i)
            pipelined += get("/echo/" + QByteArray::number(i));
        send(*c, pipelined);
        for (int i = 0; i < 20; ++i)
            QVERIFY(readResponse(*c).ok);
        QTRY_COMPARE(batched.size(), 20);
        QTRY_COMPARE(single.size(), 20); // both signals, each with every exchange
        QVERIFY2(batches < 20, QByteArray::number(batches));
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(batched.at(i).request.target, "/echo/" + QByteArray::number(i));
            QCOMPARE(batched.at(i).request.listener, QStringLiteral("test"));
            QCOMPARE(batched.at(i).response.status, 200);
            QCOMPARE(batched.at(i).response.body, single.at(i).response.body);
        }

        // Refused requests are batched too.
        auto bad = connectTo(s.port);
        send(*bad, "G(T / HTTP/1.1\r\n");
        QTRY_COMPARE(batched.size(), 21);
        QCOMPARE(batched.last().response.status, 400);
        QVERIFY(!batched.last().error.isEmpty());

        // What is answered right before close() is still reported.
        send(*c, get("/echo/last"));
        QVERIFY(readResponse(*c).ok);
        s.http->close();
        QTRY_COMPARE(batched.size(), 22);
        QCOMPARE(batched.last().request.target, QByteArray("/echo/last"));
    }

    void connectionCloseHonoured()
    {
        Server s = start();
        auto c = connectTo(s.port);
        send(*c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + get("/ignored"));
        const Response r = readResponse(*c);
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY(waitClosed(*c));

        auto d = connectTo(s.port);
        send(*d, get("/close"));
        QCOMPARE(readResponse(*d).header("Connection"), QByteArray("close"));
        QVERIFY(waitClosed(*d));

        // HTTP/1.0 without keep-alive closes; with keep-alive it stays open and says so.
        auto e = connectTo(s.port);
        send(*e, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(readResponse(*e).header("Connection"), QByteArray("keep-alive"));
        send(*e, "GET / HTTP/1.0\r\n\r\n");
        QVERIFY(readResponse(*e).ok);
        QVERIFY(waitClosed(*e));
    }

    void handlerExceptionIs500()
    {
        Server s = start();
        auto c = connectTo(s.port);
        send(*c, get("/throw") + get("/after"));
        const Response r = readResponse(*c);
        QCOMPARE(r.status, 500);
        QVERIFY(r.body.contains("boom"));
        QCOMPARE(readResponse(*c).body, QByteArray("GET /after|"));
    }

    void listenErrors()
    {
        Server s = start();
        HttpServer other(handler());
        QString error;
        QCOMPARE(other.listen(QHostAddress::LocalHost, s.port, QStringLiteral("x"), &error), 0);
        QVERIFY(!error.isEmpty());
        // Two listeners on one server, each tagging its requests.
        const quint16 second =
            s.http->listen(QHostAddress::LocalHost, 0, QStringLiteral("evil"), &error);
        QVERIFY(second != 0);
        auto c = connectTo(second);
        send(*c, get("/"));
        QCOMPARE(readResponse(*c).header("X-Listener"), QByteArray("evil"));
    }

    void cleanCloseWithOpenConnections()
    {
        Server s = start();
        auto idle = connectTo(s.port);
        auto partial = connectTo(s.port);
        auto waiting = connectTo(s.port);
        send(*partial, "GET / HTTP/1.1\r\nHo");
        send(*waiting, get("/slow?ms=5000"));
        QThread::msleep(100);
        QElapsedTimer timer;
        timer.start();
        s.http->close();
        QVERIFY2(timer.elapsed() < 1000, QByteArray::number(timer.elapsed()));
        QVERIFY(!s.http->networkThread()->isRunning());
        QVERIFY(waitClosed(*idle));
        QVERIFY(waitClosed(*partial));
        QVERIFY(waitClosed(*waiting));
        // The server can listen again after close().
        QString error;
        const quint16 port =
            s.http->listen(QHostAddress::LocalHost, 0, QStringLiteral("again"), &error);
        QVERIFY(port != 0);
        auto c = connectTo(port);
        send(*c, get("/"));
        QVERIFY(readResponse(*c).ok);
        s.http.reset(); // the destructor joins as well
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_http_server.moc"
