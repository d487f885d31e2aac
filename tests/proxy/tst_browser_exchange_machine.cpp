// The HTTP/1.1 side of a browser connection to the proxy, without sockets: scripted transcripts
// (what the browser sends, what the upstream answers) against what the machine asks for (bytes
// for the browser, requests for the upstream, captures, closing), in order.
#include "http/response_parser.h"
#include "proxy/browser_exchange_machine.h"
#include "proxy/override_rules.h"
#include "proxy/override_store.h"

#include <QtTest>

using namespace corslab;
using proxy::BrowserClose;
using proxy::BrowserExchangeMachine;
using session::CapturedExchange;

namespace {

QByteArray firstLine(QByteArrayView bytes)
{
    const qsizetype end = bytes.indexOf("\r\n");
    return (end < 0 ? bytes : bytes.first(end)).toByteArray();
}

QStringList lines(std::initializer_list<const char *> texts)
{
    QStringList list;
    for (const char *text : texts)
        list << QString::fromLatin1(text);
    return list;
}

QString lineOf(const CapturedExchange &x)
{
    return QStringLiteral("capture %1 %2 %3")
        .arg(x.status)
        .arg(QString::fromLatin1(x.method), QString::fromLatin1(x.url))
        .simplified(); // no method nor URL: "capture 400"
}

/// \brief One browser connection on a script: the test plays the browser, the upstream and the
/// event loop; the machine's actions are written down as lines ("send GET /a HTTP/1.1 to
/// api.test:80", "capture 200 GET http://api.test/a", "write HTTP/1.1 200 OK", "close"), the
/// bytes for the browser and the captures kept whole. Timer actions are state, not lines.
class Playbook : public proxy::BrowserExchangeActions
{
public:
    explicit Playbook(proxy::ProxyOptions options = {})
        : m_options(std::move(options)), m_machine(m_options, *this, {"127.0.0.1", 50000})
    {
        m_machine.start();
    }

    BrowserExchangeMachine &machine() { return m_machine; }

    // ---- what happens (the script) ----

    /// The browser sends \a bytes: read as ClientConnection reads them (unless put off).
    Playbook &browser(QByteArrayView bytes)
    {
        m_unread += bytes;
        readBrowser();
        return *this;
    }
    Playbook &browserCloses()
    {
        m_machine.browserClosed(tick());
        return *this;
    }
    /// The upstream sends \a bytes for the request in flight, reported as UpstreamConnection
    /// reports a read.
    Playbook &upstream(QByteArrayView bytes)
    {
        http::ResponseParser::Output out = m_upstreamParser.feed(bytes);
        report(out);
        return *this;
    }
    /// The upstream closes its connection: a close-delimited body ends, anything else was cut.
    Playbook &upstreamCloses()
    {
        http::ResponseParser::Output out = m_upstreamParser.finish();
        if (!out.error && !out.complete)
            out.error = http::ParseError{502, QByteArrayLiteral("connection closed")};
        report(out);
        return *this;
    }
    Playbook &upstreamFails(int status, const QString &reason)
    {
        m_machine.upstreamFailed(status, reason, m_upstreamPeer, m_upstreamParser.bodyBytes(),
                                 tick());
        return *this;
    }
    /// The event loop runs what was asked of it for later, as ClientConnection does it.
    Playbook &eventLoop()
    {
        while (m_resumeAsked || m_readAsked) {
            if (std::exchange(m_resumeAsked, false)) {
                m_machine.resume(tick());
                if (httpIdle() && (m_machine.readDeferred() || !m_unread.isEmpty()))
                    readBrowser();
            }
            if (std::exchange(m_readAsked, false))
                readBrowser();
        }
        return *this;
    }

    // ---- what the machine did ----

    /// The action lines since the last take().
    QStringList take() { return std::exchange(m_lines, {}); }
    /// The bytes written to the browser since the last takeWritten().
    QByteArray takeWritten() { return std::exchange(m_written, {}); }
    QList<CapturedExchange> captures;
    bool idleArmed = false;
    int idleMs = 0;
    QList<QByteArray> upstreamRequests; ///< whole, as sent
    CapturedExchange tunnelCapture;     ///< what openTunnel() was given
    QByteArray unread() const { return m_unread; }

private:
    qint64 tick() { return ++m_now; }
    bool httpIdle() const
    {
        return m_machine.phase() == BrowserExchangeMachine::Phase::Http && !m_machine.inFlight();
    }
    void readBrowser()
    {
        if (m_machine.phase() != BrowserExchangeMachine::Phase::Http ||
            !m_machine.beginBrowserRead() || m_unread.isEmpty())
            return;
        const QByteArray bytes = std::exchange(m_unread, {});
        m_machine.browserBytes(bytes, tick());
    }
    // UpstreamConnection::handle(), without a socket.
    void report(http::ResponseParser::Output &out)
    {
        for (const http::ResponseHead &interim : out.interim)
            m_machine.upstreamInterim(interim);
        if (out.head)
            m_machine.upstreamHead(*out.head, m_upstreamPeer, tick());
        if (out.error) {
            upstreamFails(502, QString::fromLatin1(out.error->reason));
            return;
        }
        if (!out.rawBody.isEmpty())
            m_machine.upstreamBody(out.rawBody, out.decodedBody, m_upstreamParser.bodyBytes());
        if (!out.complete)
            m_machine.upstreamFlush();
        else
            m_machine.upstreamComplete(tick());
    }

    // BrowserExchangeActions
    void writeToBrowser(QByteArrayView bytes) override
    {
        m_written += bytes;
        m_lines << (bytes.startsWith("HTTP/")
                        ? QStringLiteral("write ") + QString::fromLatin1(firstLine(bytes))
                        : QStringLiteral("write %1 body bytes").arg(bytes.size()));
    }
    void sendUpstream(const proxy::UpstreamTarget &target, const QByteArray &requestBytes,
                      QByteArrayView method) override
    {
        upstreamRequests << requestBytes;
        m_upstreamParser.startResponse(method, m_options.bodyCaptureBytes);
        m_lines << QStringLiteral("send %1 to %2:%3")
                       .arg(QString::fromLatin1(firstLine(requestBytes)),
                            QString::fromLatin1(target.host))
                       .arg(target.port);
    }
    void abortUpstream() override { m_lines << QStringLiteral("abort upstream"); }
    void capture(CapturedExchange &&exchange) override
    {
        m_lines << lineOf(exchange);
        captures << std::move(exchange);
    }
    void closeBrowser(BrowserClose how) override
    {
        m_lines << (how == BrowserClose::AfterWrite ? QStringLiteral("close")
                                                    : QStringLiteral("close after failure"));
    }
    void armIdleTimeout(int ms) override
    {
        idleArmed = true;
        idleMs = ms;
    }
    void disarmIdleTimeout() override { idleArmed = false; }
    void resumeLater() override
    {
        m_resumeAsked = true;
        m_lines << QStringLiteral("resume later");
    }
    void readBrowserLater() override
    {
        m_readAsked = true;
        m_lines << QStringLiteral("read later");
    }
    bool browserHasUnreadBytes() override { return !m_unread.isEmpty(); }
    void openTunnel(const CapturedExchange &capture, const QByteArray &host, quint16 port) override
    {
        tunnelCapture = capture;
        m_lines << QStringLiteral("tunnel %1:%2").arg(QString::fromLatin1(host)).arg(port);
    }

    proxy::ProxyOptions m_options;
    BrowserExchangeMachine m_machine;
    http::ResponseParser m_upstreamParser;
    proxy::UpstreamPeer m_upstreamPeer{QByteArrayLiteral("10.0.0.2"), 80, {}};
    QStringList m_lines;
    QByteArray m_written;
    QByteArray m_unread; // sent by the browser, not read by the machine yet
    bool m_resumeAsked = false;
    bool m_readAsked = false;
    qint64 m_now = 1000;
};

QByteArray get(QByteArrayView path, QByteArrayView extra = {})
{
    return "GET http://api.test" + path.toByteArray() + " HTTP/1.1\r\nHost: api.test\r\n" +
           extra.toByteArray() + "\r\n";
}

QByteArray ok(QByteArrayView body, QByteArrayView extra = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" +
           extra.toByteArray() + "\r\n" + body.toByteArray();
}

std::shared_ptr<proxy::OverrideStore> rulesFrom(const QByteArray &json)
{
    proxy::OverrideSet rules;
    QString error;
    if (!proxy::OverrideSet::fromJson(json, &rules, &error)) {
        qWarning("rules: %s", qPrintable(error));
        return nullptr;
    }
    auto store = std::make_shared<proxy::OverrideStore>();
    store->set(rules);
    return store;
}

} // namespace

class TstBrowserExchangeMachine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void simpleGet()
    {
        Playbook p;
        p.browser(get("/a"));
        QCOMPARE(p.take(), lines({"send GET /a HTTP/1.1 to api.test:80"}));
        QVERIFY2(!p.idleArmed, "no idle timeout while a request is in flight");
        QVERIFY(p.upstreamRequests.value(0).contains("\r\nHost: api.test\r\n"));

        p.upstream(ok("hi", "X-Upstream: yes\r\n"));
        QCOMPARE(p.take(), lines({"capture 200 GET http://api.test/a", "write HTTP/1.1 200 OK"}));
        QCOMPARE(p.takeWritten(), QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                             "X-Upstream: yes\r\n\r\nhi"));
        const CapturedExchange &x = p.captures.value(0);
        QCOMPARE(x.responseBody.stored, QByteArray("hi"));
        QCOMPARE(x.responseBody.size, 2);
        QCOMPARE(x.upstreamAddress, QByteArray("10.0.0.2"));
        QCOMPARE(x.clientPort, 50000);
        QVERIFY(x.error.isEmpty());
        QVERIFY(x.firstByteAtMs > 0 && x.finishedAtMs > x.firstByteAtMs);
        QVERIFY2(p.idleArmed, "kept alive: the idle timeout runs again");
    }

    void keepAliveServesTwoRequests()
    {
        Playbook p;
        p.browser(get("/a")).upstream(ok("one"));
        QCOMPARE(p.take(), lines({"send GET /a HTTP/1.1 to api.test:80",
                                  "capture 200 GET http://api.test/a", "write HTTP/1.1 200 OK"}));
        p.browser(get("/b")).upstream(ok("two"));
        QCOMPARE(p.take(), lines({"send GET /b HTTP/1.1 to api.test:80",
                                  "capture 200 GET http://api.test/b", "write HTTP/1.1 200 OK"}));
        QVERIFY(!p.takeWritten().contains("Connection: close"));
        // Idle for too long: the proxy closes it.
        QCOMPARE(p.idleMs, proxy::ProxyOptions{}.clientIdleTimeoutMs);
        p.machine().idleTimeoutExpired();
        QCOMPARE(p.take(), lines({"abort upstream", "close"}));
    }

    void connectionCloseEndsAfterTheResponse()
    {
        Playbook p;
        p.browser(get("/a", "Connection: close\r\n")).upstream(ok("x"));
        QCOMPARE(p.take(),
                 lines({"send GET /a HTTP/1.1 to api.test:80", "capture 200 GET http://api.test/a",
                        "write HTTP/1.1 200 OK", "abort upstream", "close"}));
        QVERIFY(p.takeWritten().contains("\r\nConnection: close\r\n"));
    }

    void pipelinedRequestsAnsweredInOrder()
    {
        Playbook p;
        p.browser(get("/1") + get("/2") + get("/3"));
        QCOMPARE(p.take(), lines({"send GET /1 HTTP/1.1 to api.test:80"}));
        p.upstream(ok("first"));
        // The next one starts from the event loop, not inside the upstream's report.
        QCOMPARE(p.take(), lines({"capture 200 GET http://api.test/1", "write HTTP/1.1 200 OK",
                                  "resume later"}));
        p.eventLoop();
        QCOMPARE(p.take(), lines({"send GET /2 HTTP/1.1 to api.test:80"}));
        p.upstream(ok("second")).eventLoop().upstream(ok("third"));
        QCOMPARE(p.take(), lines({"capture 200 GET http://api.test/2", "write HTTP/1.1 200 OK",
                                  "resume later", "send GET /3 HTTP/1.1 to api.test:80",
                                  "capture 200 GET http://api.test/3", "write HTTP/1.1 200 OK"}));
        const QByteArray written = p.takeWritten();
        QVERIFY(written.indexOf("first") < written.indexOf("second"));
        QVERIFY(written.indexOf("second") < written.indexOf("third"));
    }

    void fullQueuePutsReadingOff()
    {
        Playbook p;
        QByteArray many;
        for (int i = 0; i < 17; ++i)
            many += get("/" + QByteArray::number(i));
        p.browser(many);
        p.take();
        // 16 queued behind the one in flight: the next bytes wait in the socket.
        p.browser(get("/late"));
        QVERIFY(p.machine().readDeferred());
        QCOMPARE(p.unread(), get("/late"));
        p.upstream(ok("0")).eventLoop();
        QCOMPARE(p.take(),
                 lines({"capture 200 GET http://api.test/0", "write HTTP/1.1 200 OK",
                        "resume later", "send GET /1 HTTP/1.1 to api.test:80", "read later"}));
        QVERIFY2(p.unread().isEmpty(), "the room made was used to read");
        QVERIFY(!p.machine().readDeferred());
    }

    void expectContinueAnsweredByTheProxy()
    {
        Playbook p;
        p.browser("POST http://api.test/up HTTP/1.1\r\nHost: api.test\r\nContent-Length: 5\r\n"
                  "Expect: 100-continue\r\n\r\n");
        QCOMPARE(p.take(), lines({"write HTTP/1.1 100 Continue"}));
        p.browser("hello");
        QCOMPARE(p.take(), lines({"send POST /up HTTP/1.1 to api.test:80"}));
        QVERIFY(p.upstreamRequests.value(0).endsWith("\r\n\r\nhello"));
        // The server's own 100 is not relayed: the browser has had one.
        p.takeWritten();
        p.upstream("HTTP/1.1 100 Continue\r\n\r\n" + ok("done"));
        QCOMPARE(p.take(), lines({"capture 200 POST http://api.test/up", "write HTTP/1.1 200 OK"}));
        QVERIFY(!p.takeWritten().contains("100 Continue"));
        QCOMPARE(p.captures.value(0).requestBody.stored, QByteArray("hello"));
    }

    void expectContinueWaitsForEarlierResponses()
    {
        Playbook p;
        p.browser(get("/first"));
        p.browser("POST http://api.test/up HTTP/1.1\r\nHost: api.test\r\nContent-Length: 2\r\n"
                  "Expect: 100-continue\r\n\r\n");
        QCOMPARE(p.take(), lines({"send GET /first HTTP/1.1 to api.test:80"}));
        QVERIFY2(!p.takeWritten().contains("100 Continue"),
                 "a 100 Continue must not overtake the response in flight");
    }

    void preflightAnsweredLocallyByARule()
    {
        proxy::ProxyOptions options;
        options.overrides =
            rulesFrom(R"({"rules":[{"name":"local preflights","answer_preflights":true,)"
                      R"("policy":{"allow_origin":{"mode":"echo"},)"
                      R"("allow_methods":{"mode":"list","values":["PUT"]}}}]})");
        QVERIFY(options.overrides);
        Playbook p(options);
        p.browser("OPTIONS http://api.test/thing HTTP/1.1\r\nHost: api.test\r\n"
                  "Origin: http://localhost:3000\r\nAccess-Control-Request-Method: PUT\r\n\r\n");
        const QStringList got = p.take();
        QCOMPARE(got.size(), 2); // never sent upstream
        QVERIFY2(got[0].startsWith(QLatin1String("capture 2")), qPrintable(got[0]));
        QVERIFY2(got[1].startsWith(QLatin1String("write HTTP/1.1 2")), qPrintable(got[1]));
        QVERIFY(p.upstreamRequests.isEmpty());
        const QByteArray written = p.takeWritten().toLower();
        QVERIFY(written.contains("access-control-allow-origin: http://localhost:3000\r\n"));
        QVERIFY(written.contains("access-control-allow-methods: put\r\n"));
        const CapturedExchange &x = p.captures.value(0);
        QVERIFY(x.answeredLocally);
        QVERIFY(x.overridden);
        QCOMPARE(x.overrideRule, QStringLiteral("local preflights"));
        QVERIFY(x.error.isEmpty());
        QVERIFY(p.idleArmed);
    }

    void overrideRuleAppliedToTheResponse()
    {
        proxy::ProxyOptions options;
        options.overrides =
            rulesFrom(R"({"rules":[{"name":"allow app","path":"/data",)"
                      R"("set":[["Access-Control-Allow-Origin","http://localhost:3000"]],)"
                      R"("remove":["X-Upstream"]}]})");
        QVERIFY(options.overrides);
        Playbook p(options);
        p.browser(get("/data", "Origin: http://localhost:3000\r\n"));
        p.upstream(ok("{}", "X-Upstream: yes\r\n"));
        const QByteArray written = p.takeWritten();
        QVERIFY(written.contains("\r\nAccess-Control-Allow-Origin: http://localhost:3000\r\n"));
        QVERIFY(!written.contains("X-Upstream"));
        QVERIFY2(written.contains("\r\nContent-Length: 2\r\n"), "the framing is never overridden");
        QVERIFY(written.endsWith("\r\n\r\n{}"));
        const CapturedExchange &x = p.captures.value(0);
        QVERIFY(x.overridden);
        QCOMPARE(x.overrideRule, QStringLiteral("allow app"));
        QCOMPARE(x.upstreamStatus, 200);
        QVERIFY(x.upstreamResponseHeaders.contains({"X-Upstream", "yes"}));
        QVERIFY(!x.responseHeaders.contains({"X-Upstream", "yes"}));
        // Another path: untouched, and not marked.
        p.browser(get("/other")).upstream(ok("x", "X-Upstream: yes\r\n"));
        QVERIFY(p.takeWritten().contains("X-Upstream: yes"));
        QVERIFY(!p.captures.value(1).overridden);
    }

    void browserGoesAwayBeforeTheResponse()
    {
        Playbook p;
        p.browser(get("/slow")).browserCloses();
        QCOMPARE(p.take(), lines({"send GET /slow HTTP/1.1 to api.test:80", "abort upstream",
                                  "capture 0 GET http://api.test/slow"}));
        QVERIFY(p.captures.value(0).error.contains(QLatin1String("before the response arrived")));
        QCOMPARE(p.machine().phase(), BrowserExchangeMachine::Phase::Closing);
    }

    void browserGoesAwayMidResponse()
    {
        Playbook p;
        p.browser(get("/big")).upstream("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        QCOMPARE(p.take(),
                 lines({"send GET /big HTTP/1.1 to api.test:80", "write HTTP/1.1 200 OK"}));
        p.browserCloses();
        QCOMPARE(p.take(), lines({"abort upstream", "capture 200 GET http://api.test/big"}));
        const CapturedExchange &x = p.captures.value(0);
        QVERIFY2(x.error.contains(QLatin1String("before the end of the response (10 body bytes")),
                 qPrintable(x.error));
        QCOMPARE(x.responseBody.stored, QByteArray("0123456789"));
    }

    void browserGoesAwayMidRequest()
    {
        Playbook p;
        p.browser("POST http://api.test/upload HTTP/1.1\r\nHost: api.test\r\n"
                  "Content-Length: 1000\r\n\r\npart");
        p.browserCloses();
        QCOMPARE(p.take(), lines({"capture 0 POST http://api.test/upload"}));
        const CapturedExchange &x = p.captures.value(0);
        QVERIFY(x.error.contains(QLatin1String("middle of its request")));
        QVERIFY(x.requestHeaders.contains({"Content-Length", "1000"}));
        QVERIFY(p.upstreamRequests.isEmpty());
    }

    void upstreamFailsMidBody()
    {
        Playbook p;
        p.browser(get("/cut")).upstream("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
        p.upstreamCloses();
        // The head and the ten bytes went out; the browser learns by the connection ending.
        QCOMPARE(p.take(), lines({"send GET /cut HTTP/1.1 to api.test:80", "write HTTP/1.1 200 OK",
                                  "capture 200 GET http://api.test/cut", "close after failure"}));
        QVERIFY(p.takeWritten().endsWith("\r\n\r\nonly ten b"));
        const CapturedExchange &x = p.captures.value(0);
        QVERIFY2(!x.error.isEmpty(), "a cut response is recorded as failed");
        QCOMPARE(x.responseBody.size, 10);
        QCOMPARE(p.machine().phase(), BrowserExchangeMachine::Phase::Closing);
        // Nothing more is served on it.
        p.browser(get("/next"));
        QVERIFY(p.take().isEmpty());
    }

    void upstreamRefusedGives502()
    {
        Playbook p;
        p.browser(get("/x"));
        p.upstreamFails(502, QStringLiteral("the server refused the connection (api.test:80)"));
        QCOMPARE(p.take(),
                 lines({"send GET /x HTTP/1.1 to api.test:80", "capture 502 GET http://api.test/x",
                        "write HTTP/1.1 502 Bad Gateway"}));
        const QByteArray page = p.takeWritten();
        QVERIFY(page.contains("\r\nX-CorsLab-Error: the server refused the connection"));
        QVERIFY(!page.contains("Connection: close"));
        QVERIFY(p.captures.value(0).error.contains(QLatin1String("refused")));
        // The connection stays usable.
        p.browser(get("/ok")).upstream(ok("fine"));
        QCOMPARE(p.take(), lines({"send GET /ok HTTP/1.1 to api.test:80",
                                  "capture 200 GET http://api.test/ok", "write HTTP/1.1 200 OK"}));
    }

    void upstreamTimeoutGives504()
    {
        Playbook p;
        p.browser(get("/x"));
        p.upstreamFails(504, QStringLiteral("the server api.test:80 sent nothing for 60 s"));
        QCOMPARE(p.take(),
                 lines({"send GET /x HTTP/1.1 to api.test:80", "capture 504 GET http://api.test/x",
                        "write HTTP/1.1 504 Gateway Timeout"}));
        QVERIFY(p.takeWritten().contains("Gateway timeout"));
        QVERIFY(p.captures.value(0).error.contains(QLatin1String("sent nothing")));
    }

    void malformedUpstreamResponseGives502()
    {
        Playbook p;
        p.browser(get("/x")).upstream("HTTP/1.1 abc Nope\r\n\r\n");
        QCOMPARE(p.take(),
                 lines({"send GET /x HTTP/1.1 to api.test:80", "capture 502 GET http://api.test/x",
                        "write HTTP/1.1 502 Bad Gateway"}));
    }

    void malformedRequestAnswered400()
    {
        Playbook p;
        p.browser(get("/ok") + "GET http://api.test/ HTTP/1.1\r\nBad Header\r\n\r\n");
        p.upstream(ok("fine")).eventLoop();
        // The request before the error is served first; then 400, then the connection closes.
        QCOMPARE(p.take(),
                 lines({"send GET /ok HTTP/1.1 to api.test:80",
                        "capture 200 GET http://api.test/ok", "write HTTP/1.1 200 OK",
                        "resume later", "capture 400", // the parser keeps nothing of a bad request
                        "write HTTP/1.1 400 Bad Request", "abort upstream", "close"}));
        QVERIFY(p.takeWritten().contains("\r\nConnection: close\r\n"));
        QVERIFY(p.captures.value(1).error.contains(QLatin1String("could not be parsed")));
    }

    void originFormToAForwardProxyAnswered400()
    {
        Playbook p;
        p.browser("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(p.take(), lines({"capture 400 GET /api", "write HTTP/1.1 400 Bad Request"}));
        QVERIFY(p.takeWritten().contains("absolute URL"));
    }

    void headRequestGetsNoBody()
    {
        Playbook p;
        p.browser("HEAD /api HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QVERIFY(p.takeWritten().endsWith("\r\n\r\n"));
        QCOMPARE(p.captures.value(0).responseBody.size, 0);
    }

    // Recorded before the last bytes of its response leave (the browser may send its next
    // request on another connection at once); bytes flushed before that go out first.
    void captureBeforeTheLastBytes()
    {
        Playbook p;
        p.browser(get("/chunked"));
        p.upstream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        p.upstream("6\r\n world\r\n");
        p.upstream("0\r\n\r\n");
        QCOMPARE(p.take(),
                 lines({"send GET /chunked HTTP/1.1 to api.test:80", "write HTTP/1.1 200 OK",
                        "write 11 body bytes", "capture 200 GET http://api.test/chunked",
                        "write 5 body bytes"}));
        QCOMPARE(p.captures.value(0).responseBody.stored, QByteArray("hello world"));
    }

    void capturedBodiesAreCapped()
    {
        proxy::ProxyOptions options;
        options.bodyCaptureBytes = 4;
        Playbook p(options);
        p.browser("POST http://api.test/up HTTP/1.1\r\nHost: api.test\r\nContent-Length: 10\r\n"
                  "\r\n0123456789");
        p.upstream(ok("abcdefghij"));
        QVERIFY(p.takeWritten().endsWith("abcdefghij")); // relayed whole
        const CapturedExchange &x = p.captures.value(0);
        QCOMPARE(x.requestBody.stored, QByteArray("0123"));
        QCOMPARE(x.requestBody.size, 10);
        QCOMPARE(x.responseBody.stored, QByteArray("abcd"));
        QCOMPARE(x.responseBody.size, 10);
    }

    void closeDelimitedBodyClosesTheBrowserToo()
    {
        Playbook p;
        p.browser(get("/stream")).upstream("HTTP/1.1 200 OK\r\n\r\nsome");
        QVERIFY(p.takeWritten().contains("\r\nConnection: close\r\n"));
        p.upstreamCloses();
        QCOMPARE(p.take(),
                 lines({"send GET /stream HTTP/1.1 to api.test:80", "write HTTP/1.1 200 OK",
                        "capture 200 GET http://api.test/stream", "abort upstream", "close"}));
    }

    void connectIsHandedToTheTunnel()
    {
        Playbook p;
        p.browser("CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n");
        QCOMPARE(p.take(), lines({"tunnel api.test:443"}));
        CapturedExchange tunnel = p.tunnelCapture;
        QCOMPARE(tunnel.type, CapturedExchange::Type::Tunnel);
        tunnel.error = QStringLiteral("refused");
        p.machine().tunnelFailed(tunnel, tunnel.error, 5000);
        QCOMPARE(p.take(), lines({"capture 502 CONNECT api.test:443",
                                  "write HTTP/1.1 502 Bad Gateway", "abort upstream", "close"}));
        QCOMPARE(p.captures.value(0).type, CapturedExchange::Type::Tunnel);
    }

    void requestsInsideAnInterceptedTunnel()
    {
        Playbook p;
        p.browser("CONNECT api.test:8443 HTTP/1.1\r\nHost: api.test:8443\r\n\r\n");
        QCOMPARE(p.take(), lines({"tunnel api.test:8443"}));
        p.machine().handshakeStarted();
        QCOMPARE(p.machine().phase(), BrowserExchangeMachine::Phase::Handshaking);
        QVERIFY2(!p.machine().inFlight(), "the CONNECT is done with; TLS is the adapter's");
        p.machine().tunnelEncrypted("api.test", 8443, "TLSv1.3", "http/1.1");
        p.browser("GET /in?x=1 HTTP/1.1\r\nHost: api.test:8443\r\n\r\n").upstream(ok("s"));
        QCOMPARE(p.take(),
                 lines({"send GET /in?x=1 HTTP/1.1 to api.test:8443",
                        "capture 200 GET https://api.test:8443/in?x=1", "write HTTP/1.1 200 OK"}));
        const CapturedExchange &x = p.captures.value(0);
        QVERIFY(x.tunnel.intercepted);
        QCOMPARE(x.tunnel.host, QByteArray("api.test"));
        QCOMPARE(x.tunnel.tlsVersion, QByteArray("TLSv1.3"));
        QCOMPARE(x.tunnel.alpn, QByteArray("http/1.1"));
    }

    void idleTimeoutWaitsForTheExchangeInFlight()
    {
        Playbook p;
        p.browser(get("/slow"));
        p.machine().idleTimeoutExpired(); // a deadline that fired late
        QCOMPARE(p.take(), lines({"send GET /slow HTTP/1.1 to api.test:80"}));
        QCOMPARE(p.machine().phase(), BrowserExchangeMachine::Phase::Http);
        p.upstream(ok("done"));
        QCOMPARE(p.take(),
                 lines({"capture 200 GET http://api.test/slow", "write HTTP/1.1 200 OK"}));
    }

    void reverseProxyKeepsRedirectsOnTheProxy()
    {
        proxy::ProxyOptions options;
        options.mode = proxy::ProxyOptions::Mode::Reverse;
        options.reverseTarget = QUrl(QStringLiteral("https://api.test/base"));
        Playbook p(options);
        p.browser("GET /v1 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
        QCOMPARE(p.take(), lines({"send GET /base/v1 HTTP/1.1 to api.test:443"}));
        p.upstream("HTTP/1.1 302 Found\r\nLocation: https://api.test/base/v2\r\n"
                   "Content-Length: 0\r\n\r\n");
        QVERIFY(p.takeWritten().contains("\r\nLocation: http://localhost:8080/base/v2\r\n"));
        QCOMPARE(p.captures.value(0).url, QByteArray("http://localhost:8080/v1"));
    }

    void connectRefusedByAReverseProxy()
    {
        proxy::ProxyOptions options;
        options.mode = proxy::ProxyOptions::Mode::Reverse;
        options.reverseTarget = QUrl(QStringLiteral("http://api.test"));
        Playbook p(options);
        p.browser("CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n");
        QCOMPARE(p.take(),
                 lines({"capture 405 CONNECT api.test:443", "write HTTP/1.1 405 Method Not Allowed",
                        "abort upstream", "close"}));
    }
};

QTEST_GUILESS_MAIN(TstBrowserExchangeMachine)
#include "tst_browser_exchange_machine.moc"
