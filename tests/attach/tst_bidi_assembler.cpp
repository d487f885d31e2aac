// Firefox's WebDriver BiDi events into session exchanges (attach/bidi_assembler) and Firefox's
// console sentences into its reason keys (attach/firefox_console), without a browser: the event
// sequences are those Firefox ESR 153 sent in the research runs (docs/attach.md), written by hand
// with the fields the assembler reads.
#include "attach/bidi_assembler.h"
#include "attach/firefox_console.h"

#include <QJsonArray>
#include <QtTest>

using namespace corslab;
using namespace corslab::attach;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kT0 = 1'796'673'517'000;
const QString kPage = u"http://127.0.0.1:8000"_s;
const QString kApi = u"http://127.0.0.1:9000"_s;
const QString kTab = u"tab-1"_s;

QJsonArray bidiHeaders(const QList<std::pair<QString, QString>> &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers)
        out.append(
            QJsonObject{{u"name"_s, name},
                        {u"value"_s, QJsonObject{{u"type"_s, u"string"_s}, {u"value"_s, value}}}});
    return out;
}

/// Builds the events of one page's requests, with a clock that moves a millisecond per event.
class Events
{
public:
    explicit Events(BidiAssembler &assembler) : m_assembler(assembler) {}

    qint64 now() const { return m_now; }
    void wait(qint64 ms) { m_now += ms; }

    void send(const QString &id, const QString &method, const QString &url,
              const QList<std::pair<QString, QString>> &headers, int redirectCount = 0,
              const QString &context = kTab)
    {
        emitEvent(u"network.beforeRequestSent"_s, redirectCount, context,
                  {{u"request"_s, request(id, method, url, headers)}});
    }
    void respond(const QString &id, const QString &method, const QString &url, int status,
                 const QList<std::pair<QString, QString>> &headers, int redirectCount = 0,
                 const QString &context = kTab, int bodySize = 0)
    {
        const QJsonObject response{{u"url"_s, url},
                                   {u"protocol"_s, u"http/1.1"_s},
                                   {u"status"_s, status},
                                   {u"statusText"_s, status == 200 ? u"OK"_s : u""_s},
                                   {u"headers"_s, bidiHeaders(headers)},
                                   // As Firefox gives them: the size on the wire, content 0.
                                   {u"bodySize"_s, bodySize},
                                   {u"content"_s, QJsonObject{{u"size"_s, 0}}}};
        for (const QString &event : {u"network.responseStarted"_s, u"network.responseCompleted"_s})
            emitEvent(event, redirectCount, context,
                      {{u"request"_s, request(id, method, url, {})}, {u"response"_s, response}});
    }
    /// responseStarted alone (Firefox then fails the request: fetchError follows).
    void startResponse(const QString &id, const QString &method, const QString &url, int status,
                       const QList<std::pair<QString, QString>> &headers, int redirectCount = 0)
    {
        const QJsonObject response{{u"status"_s, status}, {u"headers"_s, bidiHeaders(headers)}};
        emitEvent(u"network.responseStarted"_s, redirectCount, kTab,
                  {{u"request"_s, request(id, method, url, {})}, {u"response"_s, response}});
    }
    void fail(const QString &id, const QString &method, const QString &url,
              const QString &errorText, int redirectCount = 0, const QString &context = kTab)
    {
        emitEvent(u"network.fetchError"_s, redirectCount, context,
                  {{u"request"_s, request(id, method, url, {})}, {u"errorText"_s, errorText}});
    }
    void console(const QString &text, const QString &context = kTab)
    {
        ++m_now;
        m_assembler.handle(u"log.entryAdded"_s,
                           {{u"level"_s, u"error"_s},
                            {u"type"_s, u"javascript"_s},
                            {u"text"_s, text},
                            {u"timestamp"_s, double(m_now)},
                            {u"source"_s, QJsonObject{{u"context"_s, context}}}},
                           m_now);
    }

private:
    static QJsonObject request(const QString &id, const QString &method, const QString &url,
                               const QList<std::pair<QString, QString>> &headers)
    {
        return {{u"request"_s, id},
                {u"method"_s, method},
                {u"url"_s, url},
                {u"headers"_s, bidiHeaders(headers)}};
    }
    void emitEvent(const QString &event, int redirectCount, const QString &context,
                   QJsonObject params)
    {
        ++m_now;
        params.insert(u"context"_s, context);
        params.insert(u"redirectCount"_s, redirectCount);
        params.insert(u"timestamp"_s, double(m_now));
        m_assembler.handle(event, params, m_now);
    }

    BidiAssembler &m_assembler;
    qint64 m_now = kT0;
};

QString blockedAt(const QString &url, const QString &reason)
{
    return u"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
           "resource at "_s +
           url + u". (Reason: "_s + reason;
}

QList<std::pair<QString, QString>> originHeader()
{
    return {{u"Host"_s, u"127.0.0.1:9000"_s}, {u"Origin"_s, kPage}};
}

BidiAssembler::Options keepingAtMost(qsizetype maxPending)
{
    BidiAssembler::Options options;
    options.maxPending = maxPending;
    return options;
}

QList<session::CapturedExchange> drain(BidiAssembler &assembler, Events &events)
{
    events.wait(10'000);
    return assembler.takeReady(events.now());
}

} // namespace

class TestBidiAssembler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void consoleSentences_data();
    void consoleSentences();
    void otherConsoleTextIsNotABlock();
    void exposedRequest();
    void blockedRequestGetsTheConsolesReason();
    void waitsForTheConsoleWithinTheGrace();
    void preflightFailedRequestIsNotSent();
    void preflightGoesOutBeforeItsRequest();
    void refusedRedirectHopIsLeftOut();
    void followedRedirectIsOneExchangePerHop();
    void workersBlockedRequestHasNoReason();
    void networkErrorIsNotACorsError();
    void consoleNamesTheLatestRequestOfItsContext();
    void nonHttpAndUnannouncedAreIgnored();
    void bodiesAreAskedForWithinTheCap();
    void takeAllKeepsUnfinished();
    void oldestGoOutBeyondTheLimit();
    void latePreflightOfAnEvictedRequestStaysAlone();
    void eachSpecificReasonNamesAnotherRequest();
    void overriddenHopsKeepTheServersAnswer();
};

void TestBidiAssembler::consoleSentences_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("parameter");
    const QString u = kApi + u"/case/x"_s;
    QTest::newRow("missing") << blockedAt(u, u"CORS header ‘Access-Control-Allow-Origin’ "
                                             "missing). Status code: 200."_s)
                             << u << u"CORSMissingAllowOrigin2"_s << u"200"_s;
    QTest::newRow("not matching")
        << blockedAt(u, u"CORS header ‘Access-Control-Allow-Origin’ does not match "
                        "‘http://a.test, http://b.test’)."_s)
        << u << u"CORSAllowOriginNotMatchingOrigin"_s << u"http://a.test, http://b.test"_s;
    QTest::newRow("multiple")
        << blockedAt(u, u"Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."_s) << u
        << u"CORSMultipleAllowOriginNotAllowed"_s << QString();
    QTest::newRow("credentials with *, the URL in quotes")
        << u"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
           "resource at ‘"_s +
               u +
               u"’. (Reason: Credential is not supported if the CORS header "
               "‘Access-Control-Allow-Origin’ is ‘*’)."_s
        << u << u"CORSNotSupportingCredentials"_s << QString();
    QTest::newRow("credentials")
        << blockedAt(u, u"expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)."_s)
        << u << u"CORSMissingAllowCredentials"_s << QString();
    QTest::newRow("method")
        << blockedAt(u, u"Did not find method in CORS header ‘Access-Control-Allow-Methods’)."_s)
        << u << u"CORSMethodNotFound"_s << QString();
    QTest::newRow("header")
        << blockedAt(u, u"header ‘x-foo’ is not allowed according to header "
                        "‘Access-Control-Allow-Headers’ from CORS preflight response)."_s)
        << u << u"CORSMissingAllowHeaderFromPreflight2"_s << u"x-foo"_s;
    QTest::newRow("preflight status")
        << blockedAt(u, u"CORS preflight response did not succeed). Status code: 404."_s) << u
        << u"CORSPreflightDidNotSucceed3"_s << u"404"_s;
    QTest::newRow("did not succeed")
        << blockedAt(u, u"CORS request did not succeed). Status code: (null)."_s) << u
        << u"CORSDidNotSucceed2"_s << u"(null)"_s;
    QTest::newRow("external redirect")
        << blockedAt(u, u"CORS request external redirect not allowed)."_s) << u
        << u"CORSExternalRedirectNotAllowed"_s << QString();
    QTest::newRow("invalid method token")
        << blockedAt(u, u"invalid token ‘P T’ in CORS header ‘Access-Control-Allow-Methods’)."_s)
        << u << u"CORSInvalidAllowMethod"_s << u"P T"_s;
    QTest::newRow("a reason not known here") << blockedAt(u, u"Something new happened)."_s) << u
                                             << QString() << u"Something new happened"_s;
}

void TestBidiAssembler::consoleSentences()
{
    QFETCH(QString, text);
    QFETCH(QString, url);
    QFETCH(QString, reason);
    QFETCH(QString, parameter);
    const std::optional<FirefoxCorsMessage> m = parseFirefoxCorsMessage(text);
    QVERIFY(m);
    QCOMPARE(QString::fromUtf8(m->url), url);
    QCOMPARE(m->reason, reason);
    QCOMPARE(m->parameter, parameter);
}

void TestBidiAssembler::otherConsoleTextIsNotABlock()
{
    QVERIFY(!parseFirefoxCorsMessage(u"case-start simple #0"_s));
    QVERIFY(!parseFirefoxCorsMessage(QString()));
    QVERIFY(!parseFirefoxCorsMessage(u"Cross-Origin Request Blocked: something else"_s));
}

void TestBidiAssembler::exposedRequest()
{
    BidiAssembler::Options options;
    options.browser = u"Firefox/153.8.0"_s;
    BidiAssembler a(options);
    Events e(a);
    const QString url = kApi + u"/ok"_s;
    e.send(u"1"_s, u"GET"_s, url, originHeader());
    e.respond(u"1"_s, u"GET"_s, url, 200,
              {{u"Access-Control-Allow-Origin"_s, kPage}, {u"X-Dup"_s, u"one, two"_s}});
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 1);
    const session::CapturedExchange &x = out.first();
    QCOMPARE(x.method, "GET");
    QCOMPARE(x.url, url.toUtf8());
    QCOMPARE(x.status, 200);
    QCOMPARE(x.reason, "OK");
    QCOMPARE(base::getHeader(x.requestHeaders, "origin"), kPage.toUtf8());
    QCOMPARE(base::getHeader(x.responseHeaders, "x-dup"), QByteArray("one, two"));
    QCOMPARE(x.source, u"browser (WebDriver BiDi)"_s);
    QVERIFY(x.error.isEmpty());
    QVERIFY(x.startedAtMs > kT0 && x.firstByteAtMs >= x.startedAtMs &&
            x.finishedAtMs >= x.firstByteAtMs);
    QVERIFY(x.browserReport);
    QCOMPARE(x.browserReport->browser, u"Firefox/153.8.0"_s);
    QVERIFY(x.browserReport->corsError.isEmpty());
    QVERIFY(!x.browserReport->notSent);
    QCOMPARE(a.pendingCount(), 0);
}

void TestBidiAssembler::blockedRequestGetsTheConsolesReason()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/missing"_s;
    e.send(u"1"_s, u"GET"_s, url, originHeader());
    e.respond(u"1"_s, u"GET"_s, url, 200, {});
    e.console(blockedAt(url, u"CORS header ‘Access-Control-Allow-Origin’ missing). Status "
                             "code: 200."_s));
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().status, 200); // blocked, yet it ended like a success
    QCOMPARE(out.first().browserReport->corsError, u"CORSMissingAllowOrigin2"_s);
    QCOMPARE(out.first().browserReport->failedParameter, u"200"_s);
}

void TestBidiAssembler::waitsForTheConsoleWithinTheGrace()
{
    BidiAssembler::Options options;
    options.graceMs = 500;
    BidiAssembler a(options);
    Events e(a);
    const QString url = kApi + u"/late"_s;
    e.send(u"1"_s, u"GET"_s, url, originHeader());
    e.respond(u"1"_s, u"GET"_s, url, 200, {});
    e.wait(400);
    QVERIFY(a.takeReady(e.now()).isEmpty()); // still within the grace
    e.console(blockedAt(url, u"CORS header ‘Access-Control-Allow-Origin’ missing). Status "
                             "code: 200."_s));
    e.wait(400);
    QVERIFY(a.takeReady(e.now()).isEmpty()); // the console line restarted it
    e.wait(200);
    const QList<session::CapturedExchange> out = a.takeReady(e.now());
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().browserReport->corsError, u"CORSMissingAllowOrigin2"_s);
}

void TestBidiAssembler::preflightFailedRequestIsNotSent()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/put"_s;
    // Firefox announces the request, then its preflight; both end in fetchError.
    e.send(u"7"_s, u"PUT"_s, url, originHeader());
    e.send(u"8"_s, u"OPTIONS"_s, url,
           originHeader() + QList<std::pair<QString, QString>>{
                                {u"Access-Control-Request-Method"_s, u"PUT"_s},
                                {u"Access-Control-Request-Headers"_s, u"content-type"_s}});
    e.startResponse(u"8"_s, u"OPTIONS"_s, url, 204, {{u"Access-Control-Allow-Origin"_s, kPage}});
    e.fail(u"8"_s, u"OPTIONS"_s, url, u"NS_ERROR_DOM_BAD_URI"_s);
    e.fail(u"7"_s, u"PUT"_s, url, u"NS_ERROR_DOM_BAD_URI"_s);
    e.console(blockedAt(url, u"Did not find method in CORS header "
                             "‘Access-Control-Allow-Methods’)."_s));
    e.console(blockedAt(url, u"CORS request did not succeed). Status code: (null)."_s));
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 2);
    const session::CapturedExchange &preflight = out.at(0);
    const session::CapturedExchange &actual = out.at(1);
    QCOMPARE(preflight.method, "OPTIONS");
    QCOMPARE(preflight.status, 204);
    QVERIFY(!preflight.browserReport); // the verdict is its request's
    QCOMPARE(actual.method, "PUT");
    QCOMPARE(actual.status, 0);
    QCOMPARE(actual.error, u"not sent: the browser stopped at its preflight"_s);
    QVERIFY(actual.browserReport->notSent);
    // The specific reason, not the "did not succeed" that follows it.
    QCOMPARE(actual.browserReport->corsError, u"CORSMethodNotFound"_s);
    QVERIFY(actual.startedAtMs >= preflight.finishedAtMs);
}

void TestBidiAssembler::preflightGoesOutBeforeItsRequest()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/put-ok"_s;
    e.send(u"7"_s, u"PUT"_s, url, originHeader());
    e.send(u"8"_s, u"OPTIONS"_s, url,
           originHeader() +
               QList<std::pair<QString, QString>>{{u"Access-Control-Request-Method"_s, u"PUT"_s}});
    e.respond(
        u"8"_s, u"OPTIONS"_s, url, 204,
        {{u"Access-Control-Allow-Origin"_s, kPage}, {u"Access-Control-Allow-Methods"_s, u"PUT"_s}});
    const qint64 preflightEnd = e.now();
    e.wait(50);
    e.respond(u"7"_s, u"PUT"_s, url, 200, {{u"Access-Control-Allow-Origin"_s, kPage}});
    // The preflight is ready before its request: it goes alone, the request follows.
    const QList<session::CapturedExchange> first = a.takeReady(preflightEnd + 510);
    QCOMPARE(first.size(), 1);
    QCOMPARE(first.first().method, "OPTIONS");
    const QList<session::CapturedExchange> second = drain(a, e);
    QCOMPARE(second.size(), 1);
    QCOMPARE(second.first().method, "PUT");
    QCOMPARE(second.first().status, 200);
    QVERIFY(!second.first().browserReport->notSent);
    QVERIFY(second.first().startedAtMs >= first.first().finishedAtMs);
}

void TestBidiAssembler::refusedRedirectHopIsLeftOut()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/redirect"_s;
    const QString next = u"http://127.0.0.1:9100/final"_s;
    e.send(u"3"_s, u"GET"_s, url, originHeader());
    e.startResponse(u"3"_s, u"GET"_s, url, 302, {{u"Location"_s, next}});
    e.console(blockedAt(url, u"CORS header ‘Access-Control-Allow-Origin’ missing). Status "
                             "code: 302."_s));
    e.fail(u"3"_s, u"GET"_s, url, u"NS_ERROR_DOM_BAD_URI"_s);
    // Firefox still announces the next hop, which never goes on the wire.
    e.send(u"3"_s, u"GET"_s, next, {}, 1);
    e.fail(u"3"_s, u"GET"_s, next, u"NS_ERROR_UNEXPECTED"_s, 1);
    e.console(blockedAt(url, u"CORS request did not succeed). Status code: (null)."_s));
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().url, url.toUtf8());
    QCOMPARE(out.first().status, 302);
    QCOMPARE(out.first().browserReport->corsError, u"CORSMissingAllowOrigin2"_s);
    QCOMPARE(out.first().browserReport->failedParameter, u"302"_s);
}

void TestBidiAssembler::followedRedirectIsOneExchangePerHop()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/redirect"_s;
    const QString next = u"http://127.0.0.1:9100/final"_s;
    e.send(u"3"_s, u"GET"_s, url, originHeader());
    e.respond(u"3"_s, u"GET"_s, url, 302,
              {{u"Access-Control-Allow-Origin"_s, kPage}, {u"Location"_s, next}});
    e.send(u"3"_s, u"GET"_s, next, {{u"Origin"_s, u"null"_s}}, 1);
    e.respond(u"3"_s, u"GET"_s, next, 200, {{u"Access-Control-Allow-Origin"_s, u"*"_s}}, 1);
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.at(0).status, 302);
    QCOMPARE(out.at(1).url, next.toUtf8());
    QCOMPARE(base::getHeader(out.at(1).requestHeaders, "origin"), QByteArray("null"));
    QCOMPARE(out.at(1).status, 200);
    QVERIFY(out.at(0).browserReport->corsError.isEmpty());
    QVERIFY(out.at(1).browserReport->corsError.isEmpty());
}

void TestBidiAssembler::workersBlockedRequestHasNoReason()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/from-worker"_s;
    e.send(u"9"_s, u"GET"_s, url, originHeader(), 0, QString());
    e.startResponse(u"9"_s, u"GET"_s, url, 200, {});
    e.fail(u"9"_s, u"GET"_s, url, u"NS_ERROR_DOM_BAD_URI"_s, 0, QString());
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().status, 200);
    QCOMPARE(out.first().browserReport->corsError, u"NS_ERROR_DOM_BAD_URI"_s);
    QVERIFY(!out.first().browserReport->notSent);
}

void TestBidiAssembler::networkErrorIsNotACorsError()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = u"http://127.0.0.1:9/closed"_s;
    e.send(u"4"_s, u"GET"_s, url, originHeader());
    e.fail(u"4"_s, u"GET"_s, url, u"NS_ERROR_CONNECTION_REFUSED"_s);
    e.console(blockedAt(url, u"CORS request did not succeed). Status code: (null)."_s));
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().status, 0);
    QCOMPARE(out.first().error, u"the browser reports NS_ERROR_CONNECTION_REFUSED"_s);
    QVERIFY(!out.first().browserReport->notSent);
    QCOMPARE(out.first().browserReport->corsError, u"CORSDidNotSucceed2"_s);
}

void TestBidiAssembler::consoleNamesTheLatestRequestOfItsContext()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/same"_s;
    e.send(u"1"_s, u"GET"_s, url, originHeader());
    e.respond(u"1"_s, u"GET"_s, url, 200, {{u"Access-Control-Allow-Origin"_s, kPage}});
    e.send(u"2"_s, u"GET"_s, url, originHeader(), 0, u"tab-2"_s);
    e.respond(u"2"_s, u"GET"_s, url, 200, {}, 0, u"tab-2"_s);
    e.send(u"3"_s, u"GET"_s, url, originHeader());
    e.respond(u"3"_s, u"GET"_s, url, 200, {});
    e.console(blockedAt(url, u"CORS header ‘Access-Control-Allow-Origin’ missing). Status "
                             "code: 200."_s));
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 3);
    QVERIFY(out.at(0).browserReport->corsError.isEmpty());
    QVERIFY(out.at(1).browserReport->corsError.isEmpty()); // another tab's
    QCOMPARE(out.at(2).browserReport->corsError, u"CORSMissingAllowOrigin2"_s);
}

void TestBidiAssembler::nonHttpAndUnannouncedAreIgnored()
{
    BidiAssembler a({});
    Events e(a);
    e.send(u"1"_s, u"GET"_s, u"data:text/plain,hi"_s, {});
    e.respond(u"1"_s, u"GET"_s, u"data:text/plain,hi"_s, 200, {});
    e.respond(u"2"_s, u"GET"_s, kApi + u"/never-announced"_s, 200, {});
    e.console(u"hello"_s);
    a.handle(u"browsingContext.load"_s, {}, e.now());
    QCOMPARE(a.pendingCount(), 0);
    QVERIFY(drain(a, e).isEmpty());
}

void TestBidiAssembler::bodiesAreAskedForWithinTheCap()
{
    BidiAssembler::Options options;
    options.bodyCap = 100;
    BidiAssembler a(options);
    Events e(a);
    const QString url = kApi + u"/body"_s;
    e.send(u"1"_s, u"GET"_s, url, originHeader());
    e.respond(u"1"_s, u"GET"_s, url, 200, {}, 0, kTab, 12);
    e.send(u"2"_s, u"GET"_s, url, originHeader());
    e.respond(u"2"_s, u"GET"_s, url, 200, {}, 0, kTab, 5000); // over the cap: not asked for
    e.send(u"3"_s, u"GET"_s, url, originHeader());
    e.respond(u"3"_s, u"GET"_s, url, 200, {}, 0, kTab, 7);
    QCOMPARE(a.takeBodyRequests(), (QStringList{u"1"_s, u"3"_s}));
    QVERIFY(a.takeBodyRequests().isEmpty()); // each is asked for once
    e.wait(10'000);
    // Those waiting for their body stay.
    QList<session::CapturedExchange> out = a.takeReady(e.now());
    QCOMPARE(out.size(), 1);
    QVERIFY(out.first().responseBody.stored.isEmpty());
    a.setResponseBody(u"1"_s, "hello, world", true);
    a.setResponseBody(u"3"_s, {}, false);
    a.setResponseBody(u"99"_s, "nobody asked", true); // ignored
    out = a.takeReady(e.now());
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.at(0).responseBody.stored, QByteArray("hello, world"));
    QCOMPARE(out.at(0).responseBody.size, 12);
    QVERIFY(!out.at(0).browserReport->bodyUnavailable);
    QVERIFY(out.at(1).responseBody.stored.isEmpty());
    QVERIFY(out.at(1).browserReport->bodyUnavailable);
}

void TestBidiAssembler::takeAllKeepsUnfinished()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/slow"_s;
    e.send(u"1"_s, u"GET"_s, url, originHeader());
    QVERIFY(a.takeReady(e.now() + 60'000).isEmpty()); // never ended: never ready
    const QList<session::CapturedExchange> out = a.takeAll(u"the browser closed"_s);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().error, u"the browser closed"_s);
    QCOMPARE(a.pendingCount(), 0);
}

void TestBidiAssembler::oldestGoOutBeyondTheLimit()
{
    BidiAssembler::Options options;
    options.maxPending = 3;
    BidiAssembler a(options);
    Events e(a);
    for (int i = 0; i < 5; ++i)
        e.send(QString::number(i), u"GET"_s, kApi + u"/n"_s + QString::number(i), originHeader());
    const QList<session::CapturedExchange> out = a.takeReady(e.now());
    QCOMPARE(out.size(), 2);
    QVERIFY(out.first().url.endsWith("/n0"));
    QVERIFY(out.first().error.startsWith(u"too many requests in flight"_s));
    QCOMPARE(a.pendingCount(), 3);
}

// The evicted request is gone from the lookups: a preflight for it links to nothing, and the next
// request to that URL gets its own preflight.
void TestBidiAssembler::latePreflightOfAnEvictedRequestStaysAlone()
{
    BidiAssembler a(keepingAtMost(1));
    Events e(a);
    const QString url = kApi + u"/evicted"_s;
    const auto preflightHeaders =
        originHeader() +
        QList<std::pair<QString, QString>>{{u"Access-Control-Request-Method"_s, u"PUT"_s}};
    e.send(u"a"_s, u"PUT"_s, url, originHeader());
    e.send(u"b"_s, u"GET"_s, kApi + u"/slow"_s, originHeader());
    QList<session::CapturedExchange> out = a.takeReady(e.now());
    QCOMPARE(out.size(), 1);
    QVERIFY(out.first().error.startsWith(u"too many requests in flight"_s));

    e.send(u"p1"_s, u"OPTIONS"_s, url, preflightHeaders);
    e.fail(u"p1"_s, u"OPTIONS"_s, url, u"NS_ERROR_DOM_BAD_URI"_s);
    out = drain(a, e);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().method, "OPTIONS");

    e.send(u"d"_s, u"PUT"_s, url, originHeader());
    e.send(u"p2"_s, u"OPTIONS"_s, url, preflightHeaders);
    e.fail(u"p2"_s, u"OPTIONS"_s, url, u"NS_ERROR_DOM_BAD_URI"_s);
    e.fail(u"d"_s, u"PUT"_s, url, u"NS_ERROR_DOM_BAD_URI"_s);
    out = drain(a, e);
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.at(0).method, "OPTIONS");
    QCOMPARE(out.at(1).method, "PUT");
    QCOMPARE(out.at(1).error, u"not sent: the browser stopped at its preflight"_s);
    QCOMPARE(a.pendingCount(), 1); // "b", never answered
}

// A specific reason goes to the latest request of the URL not yet explained; a sentence without
// a context (a worker's) to the latest of any context.
void TestBidiAssembler::eachSpecificReasonNamesAnotherRequest()
{
    BidiAssembler a({});
    Events e(a);
    const QString url = kApi + u"/twice"_s;
    for (const QString &id : {u"1"_s, u"2"_s}) {
        e.send(id, u"GET"_s, url, originHeader());
        e.respond(id, u"GET"_s, url, 200, {});
    }
    e.send(u"3"_s, u"GET"_s, url, originHeader(), 0, u"tab-2"_s);
    e.respond(u"3"_s, u"GET"_s, url, 200, {}, 0, u"tab-2"_s);
    e.console(
        blockedAt(url, u"CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."_s));
    e.console(
        blockedAt(url, u"Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."_s));
    e.console(blockedAt(url, u"CORS request external redirect not allowed)."_s), QString());
    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 3);
    QCOMPARE(out.at(0).browserReport->corsError, u"CORSMultipleAllowOriginNotAllowed"_s);
    QCOMPARE(out.at(1).browserReport->corsError, u"CORSMissingAllowOrigin2"_s);
    QCOMPARE(out.at(2).browserReport->corsError, u"CORSExternalRedirectNotAllowed"_s);
}

// Firefox reports the head an override rule gave it (BidiOverrides); the rule's name and the
// server's own answer come from noteOverride, per hop.
void TestBidiAssembler::overriddenHopsKeepTheServersAnswer()
{
    BidiAssembler a(BidiAssembler::Options{});
    Events e(a);
    const QString url = kApi + u"/items"_s;
    const QList<std::pair<QString, QString>> allowed{{u"Access-Control-Allow-Origin"_s, kPage}};
    e.send(u"put"_s, u"PUT"_s, url, originHeader());
    e.send(u"pre"_s, u"OPTIONS"_s, url,
           {{u"Origin"_s, kPage}, {u"Access-Control-Request-Method"_s, u"PUT"_s}});
    AppliedOverride local;
    local.method = "OPTIONS";
    local.url = url.toUtf8();
    local.rule = u"local preflights"_s;
    local.answeredLocally = true;
    local.status = 204;
    local.headers = {{"Access-Control-Allow-Origin", kPage.toUtf8()}};
    a.noteOverride(u"pre"_s, 0, local, e.now());
    e.respond(u"pre"_s, u"OPTIONS"_s, url, 204, allowed);
    AppliedOverride changed;
    changed.method = "PUT";
    changed.url = url.toUtf8();
    changed.rule = u"api answers CORS"_s;
    changed.status = 200;
    changed.headers = {{"X-Server", "yes"}, {"Access-Control-Allow-Origin", kPage.toUtf8()}};
    changed.upstreamStatus = 200;
    changed.upstreamHeaders = {{"X-Server", "yes"}};
    a.noteOverride(u"put"_s, 0, changed, e.now());
    a.noteOverride(u"put"_s, 1, changed, e.now());     // a hop never announced: ignored
    a.noteOverride(u"unknown"_s, 0, changed, e.now()); // a request never announced: ignored
    e.respond(u"put"_s, u"PUT"_s, url, 200, {{u"X-Server"_s, u"yes"_s}, allowed.first()});

    const QList<session::CapturedExchange> out = drain(a, e);
    QCOMPARE(out.size(), 2);
    const session::CapturedExchange &preflight = out.at(0);
    QCOMPARE(preflight.method, "OPTIONS");
    QVERIFY(preflight.overridden);
    QVERIFY(preflight.answeredLocally);
    QCOMPARE(preflight.overrideRule, u"local preflights"_s);
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.upstreamStatus, 0);
    QVERIFY(preflight.upstreamResponseHeaders.isEmpty());
    const session::CapturedExchange &put = out.at(1);
    QVERIFY(put.overridden);
    QVERIFY(!put.answeredLocally);
    QCOMPARE(put.overrideRule, u"api answers CORS"_s);
    QCOMPARE(put.status, 200);
    QCOMPARE(put.reason, "OK");
    QCOMPARE(put.upstreamStatus, 200);
    QVERIFY(!base::getHeader(put.upstreamResponseHeaders, "Access-Control-Allow-Origin"));
    QCOMPARE(base::getHeader(put.responseHeaders, "Access-Control-Allow-Origin"), kPage.toUtf8());
}

QTEST_GUILESS_MAIN(TestBidiAssembler)
#include "tst_bidi_assembler.moc"
