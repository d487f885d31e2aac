// attach::NetworkAssembler fed with hand-written DevTools protocol events (the shapes Chromium
// sends, docs/attach.md and /work/shared/cdp-notes.md): events of a request in every order the
// protocol allows; a simple exposed GET; a CORS-blocked GET (no responseReceived); a preflight
// and its request, the preflight first and the request starting after it; a failed preflight
// whose request was never sent; redirects (one exchange per hop, ExtraInfo per hop in order);
// raw headers (headersText's wire order and duplicates, "\n"-joined values, HTTP/2
// pseudo-headers); bodies (fetched, unavailable, capped); withheld and refused cookies; non-HTTP
// URLs; the grace period; a preflight that never finishes; the pending limit; and what takeAll
// hands out when the capture ends.
#include "attach/network_assembler.h"
#include "base/header_list.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>
#include <algorithm>

using namespace corslab;
using namespace corslab::attach;
using namespace Qt::StringLiterals;
using session::BlockedCookie;
using session::CapturedExchange;

namespace {

// The protocol's monotonic clock at the first event, and the wall time it maps to. Times in the
// tests are multiples of 1/8 s, exact in binary, so the milliseconds compare exactly.
constexpr double kMono = 100.0;
constexpr double kWallOffset = 1714559900.0; // wallTime - timestamp
constexpr qint64 kNow = 1000;                // the caller's clock at the first event
constexpr qint64 kGraceMs = 300;
const QString kSession = u"S1"_s;
const QString kBrowser = u"Chrome/156.0.8078.129"_s;
const QString kPage = u"http://127.0.0.1:8001"_s;
const QString kApi = u"http://localhost:8002"_s;

qint64 wallMs(double mono)
{
    return qint64((mono + kWallOffset) * 1000.0);
}

struct Event
{
    QString method;
    QJsonObject params;
};

QJsonObject with(QJsonObject params, const QJsonObject &more)
{
    for (auto it = more.begin(); it != more.end(); ++it)
        params.insert(it.key(), it.value());
    return params;
}

Event willBeSent(const QString &id, const QString &method, const QString &url, double mono,
                 const QJsonObject &pageHeaders = {}, const QJsonObject &more = {})
{
    return {
        u"Network.requestWillBeSent"_s,
        with({{u"requestId"_s, id},
              {u"loaderId"_s, u"L1"_s},
              {u"documentURL"_s, kPage + u"/"_s},
              {u"timestamp"_s, mono},
              {u"wallTime"_s, mono + kWallOffset},
              {u"type"_s, u"Fetch"_s},
              {u"initiator"_s, QJsonObject{{u"type"_s, u"script"_s}}},
              {u"request"_s,
               QJsonObject{{u"url"_s, url}, {u"method"_s, method}, {u"headers"_s, pageHeaders}}}},
             more)};
}

Event preflightOf(const QString &id, const QString &actualId, const QString &url, double mono)
{
    return willBeSent(
        id, u"OPTIONS"_s, url, mono, {},
        {{u"type"_s, u"Other"_s},
         {u"initiator"_s, QJsonObject{{u"type"_s, u"preflight"_s}, {u"requestId"_s, actualId}}}});
}

Event sentExtra(const QString &id, const QJsonObject &headers, const QJsonArray &cookies = {})
{
    return {u"Network.requestWillBeSentExtraInfo"_s,
            {{u"requestId"_s, id}, {u"headers"_s, headers}, {u"associatedCookies"_s, cookies}}};
}

QJsonObject timing(double requestTime, double sendStartMs, double headersEndMs)
{
    return {{u"requestTime"_s, requestTime},
            {u"sendStart"_s, sendStartMs},
            {u"receiveHeadersEnd"_s, headersEndMs}};
}

Event received(const QString &id, int status, const QJsonObject &headers,
               const QJsonObject &more = {}, const QString &type = u"Fetch"_s)
{
    return {u"Network.responseReceived"_s,
            {{u"requestId"_s, id},
             {u"type"_s, type},
             {u"response"_s, with({{u"url"_s, kApi},
                                   {u"status"_s, status},
                                   {u"statusText"_s, QString()},
                                   {u"headers"_s, headers},
                                   {u"protocol"_s, u"http/1.1"_s},
                                   {u"remoteIPAddress"_s, u"127.0.0.1"_s},
                                   {u"remotePort"_s, 8002}},
                                  more)}}};
}

Event receivedExtra(const QString &id, int status, const QJsonObject &headers,
                    const QString &headersText = {}, const QJsonArray &blockedCookies = {})
{
    QJsonObject params{{u"requestId"_s, id},
                       {u"statusCode"_s, status},
                       {u"headers"_s, headers},
                       {u"blockedCookies"_s, blockedCookies},
                       {u"resourceIPAddressSpace"_s, u"Loopback"_s}};
    if (!headersText.isEmpty())
        params.insert(u"headersText"_s, headersText);
    return {u"Network.responseReceivedExtraInfo"_s, params};
}

Event finished(const QString &id, double mono)
{
    return {u"Network.loadingFinished"_s,
            {{u"requestId"_s, id}, {u"timestamp"_s, mono}, {u"encodedDataLength"_s, 120}}};
}

Event failed(const QString &id, double mono, const QString &corsError = {},
             const QString &failedParameter = {}, const QString &errorText = u"net::ERR_FAILED"_s)
{
    QJsonObject params{{u"requestId"_s, id},
                       {u"timestamp"_s, mono},
                       {u"type"_s, u"Fetch"_s},
                       {u"errorText"_s, errorText},
                       {u"canceled"_s, false}};
    if (!corsError.isEmpty())
        params.insert(u"corsErrorStatus"_s, QJsonObject{{u"corsError"_s, corsError},
                                                        {u"failedParameter"_s, failedParameter}});
    return {u"Network.loadingFailed"_s, params};
}

NetworkAssembler::Options options()
{
    NetworkAssembler::Options o;
    o.graceMs = kGraceMs;
    o.browser = kBrowser;
    return o;
}

void feed(NetworkAssembler &a, const QList<Event> &events, qint64 now = kNow)
{
    for (const Event &e : events)
        a.handle(kSession, e.method, e.params, now);
}

/// Answers every body request with \a body.
void answerBodies(NetworkAssembler &a, const QByteArray &body = "{\"ok\":true}")
{
    for (const NetworkAssembler::BodyRequest &b : a.takeBodyRequests())
        a.setResponseBody(b.requestId, body, true);
}

QStringList urlsOf(const QList<CapturedExchange> &list)
{
    QStringList out;
    for (const CapturedExchange &x : list)
        out.append(QString::fromUtf8(x.method + ' ' + x.url));
    return out;
}

// The events of one exposed GET: its page headers, the headers sent, the response with its
// timing, the server's raw head, the end.
const QJsonObject kGetPageHeaders{{u"Accept"_s, u"*/*"_s}};
const QJsonObject kGetSentHeaders{
    {u"Accept"_s, u"*/*"_s}, {u"Origin"_s, kPage}, {u"Sec-Fetch-Mode"_s, u"cors"_s}};
const QString kGetHeadersText = u"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Access-Control-Allow-Origin: http://127.0.0.1:8001\r\n"
                                "Content-Length: 11\r\n\r\n"_s;
const QJsonObject kGetResponseHeaders{{u"Access-Control-Allow-Origin"_s, kPage},
                                      {u"Content-Length"_s, u"11"_s},
                                      {u"Content-Type"_s, u"application/json"_s}};

Event getWillBeSent()
{
    return willBeSent(u"1"_s, u"GET"_s, kApi + u"/data"_s, kMono, kGetPageHeaders);
}
Event getSentExtra()
{
    return sentExtra(u"1"_s, kGetSentHeaders);
}
Event getReceived()
{
    return received(u"1"_s, 200, kGetResponseHeaders,
                    {{u"timing"_s, timing(kMono, 125, 250)}, {u"statusText"_s, u"OK"_s}});
}
Event getReceivedExtra()
{
    return receivedExtra(u"1"_s, 200, kGetResponseHeaders, kGetHeadersText);
}
Event getFinished()
{
    return finished(u"1"_s, kMono + 0.5);
}

/// The exposed GET's exchange, with every field the events give.
void checkExposedGet(const CapturedExchange &x)
{
    QCOMPARE(x.source, u"browser (DevTools protocol)"_s);
    QCOMPARE(x.method, QByteArray("GET"));
    QCOMPARE(x.url, QByteArray("http://localhost:8002/data"));
    // The headers really sent (ExtraInfo), not the page's.
    QCOMPARE(x.requestHeaders, (base::HeaderList{{"Accept", "*/*"},
                                                 {"Origin", "http://127.0.0.1:8001"},
                                                 {"Sec-Fetch-Mode", "cors"}}));
    QCOMPARE(x.status, 200);
    QCOMPARE(x.reason, QByteArray("OK"));
    // The server's head in wire order (headersText), not the dict's sorted order.
    QCOMPARE(x.responseHeaders,
             (base::HeaderList{{"Content-Type", "application/json"},
                               {"Access-Control-Allow-Origin", "http://127.0.0.1:8001"},
                               {"Content-Length", "11"}}));
    QCOMPARE(x.httpVersion, QByteArray("HTTP/1.1"));
    QCOMPARE(x.upstreamAddress, QByteArray("127.0.0.1"));
    QCOMPARE(x.upstreamPort, quint16(8002));
    QCOMPARE(x.startedAtMs, wallMs(kMono + 0.125));  // timing.sendStart
    QCOMPARE(x.firstByteAtMs, wallMs(kMono + 0.25)); // timing.receiveHeadersEnd
    QCOMPARE(x.finishedAtMs, wallMs(kMono + 0.5));   // loadingFinished
    QCOMPARE(x.responseBody.stored, QByteArray("{\"ok\":true}"));
    QCOMPARE(x.responseBody.size, 11);
    QVERIFY2(x.error.isEmpty(), qPrintable(x.error));
    QVERIFY(x.browserReport);
    QCOMPARE(x.browserReport->browser, kBrowser);
    QCOMPARE(x.browserReport->corsError, QString());
    QVERIFY(!x.browserReport->notSent);
    QVERIFY(!x.browserReport->bodyUnavailable);
    QVERIFY(x.browserReport->blockedCookies.isEmpty());
}

} // namespace

class TestNetworkAssembler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void simpleExposedGet()
    {
        NetworkAssembler a(options());
        feed(a,
             {getWillBeSent(), getSentExtra(), getReceived(), getReceivedExtra(), getFinished()});
        const QList<NetworkAssembler::BodyRequest> bodies = a.takeBodyRequests();
        QCOMPARE(bodies.size(), 1);
        QCOMPARE(bodies.first().sessionId, kSession);
        QCOMPARE(bodies.first().requestId, u"1"_s);
        QVERIFY(a.takeBodyRequests().isEmpty()); // each body is asked for once
        a.setResponseBody(u"1"_s, "{\"ok\":true}", true);
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 1);
        checkExposedGet(out.first());
        QCOMPARE(a.pendingCount(), 0);
        QVERIFY(a.takeAll(u"end"_s).isEmpty());
    }

    // requestWillBeSent, responseReceived and loadingFinished come in that order; the ExtraInfo
    // events anywhere: before requestWillBeSent, between, or after loadingFinished (within the
    // grace period). Every interleaving gives the same exchange.
    void anyEventOrder_data()
    {
        QTest::addColumn<QList<int>>("order"); // indexes into the events of eventsOfGet()
        // 0 willBeSent, 1 received, 2 finished (in that order); 3 sentExtra, 4 receivedExtra.
        QList<int> order{0, 1, 2, 3, 4};
        std::sort(order.begin(), order.end());
        do {
            const auto pos = [&](int e) { return order.indexOf(e); };
            if (pos(0) > pos(1) || pos(1) > pos(2))
                continue;
            QString name;
            for (int e : std::as_const(order))
                name += QString::number(e);
            QTest::newRow(qPrintable(name)) << order;
        } while (std::next_permutation(order.begin(), order.end()));
    }
    void anyEventOrder()
    {
        QFETCH(QList<int>, order);
        const QList<Event> events{getWillBeSent(), getReceived(), getFinished(), getSentExtra(),
                                  getReceivedExtra()};
        NetworkAssembler a(options());
        // One event every 50 ms of the caller's clock: the last ones arrive after loadingFinished
        // but within the grace period.
        qint64 now = kNow;
        qint64 finishedAt = 0;
        for (int e : std::as_const(order)) {
            feed(a, {events.at(e)}, now);
            if (e == 2)
                finishedAt = now;
            answerBodies(a);
            QVERIFY(a.takeReady(now).isEmpty());
            now += 50;
        }
        QVERIFY(a.takeReady(finishedAt + kGraceMs - 1).isEmpty());
        const QList<CapturedExchange> out = a.takeReady(finishedAt + kGraceMs);
        QCOMPARE(out.size(), 1);
        checkExposedGet(out.first());
    }

    // An ExtraInfo that arrives after loadingFinished but within the grace period is part of
    // the exchange.
    void lateExtraInfoWithinTheGracePeriod()
    {
        NetworkAssembler a(options());
        feed(a, {getWillBeSent(), getReceived(), getFinished()});
        answerBodies(a);
        QVERIFY(a.takeReady(kNow + kGraceMs - 1).isEmpty());
        feed(a, {getSentExtra(), getReceivedExtra()}, kNow + kGraceMs - 1);
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 1);
        checkExposedGet(out.first());
    }

    // A CORS-blocked response has no responseReceived: its status and headers come from
    // responseReceivedExtraInfo, the verdict from loadingFailed.corsErrorStatus.
    void corsBlockedGet()
    {
        NetworkAssembler a(options());
        feed(a, {willBeSent(u"7"_s, u"GET"_s, kApi + u"/blocked"_s, kMono),
                 sentExtra(u"7"_s, {{u"Origin"_s, kPage}}),
                 receivedExtra(u"7"_s, 200,
                               {{u"Content-Type"_s, u"text/plain"_s},
                                {u"Access-Control-Allow-Origin"_s, u"http://evil.test"_s}}),
                 failed(u"7"_s, kMono + 0.25, u"AllowOriginMismatch"_s, u"http://evil.test"_s)});
        QVERIFY(a.takeBodyRequests().isEmpty()); // a blocked response's body is not the page's
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 1);
        const CapturedExchange &x = out.first();
        QCOMPARE(x.status, 200);
        QCOMPARE(x.responseHeaders,
                 (base::HeaderList{{"Access-Control-Allow-Origin", "http://evil.test"},
                                   {"Content-Type", "text/plain"}}));
        QCOMPARE(x.requestHeaders, (base::HeaderList{{"Origin", "http://127.0.0.1:8001"}}));
        QVERIFY2(x.error.isEmpty(), qPrintable(x.error)); // a response came
        QCOMPARE(x.finishedAtMs, wallMs(kMono + 0.25));
        QVERIFY(x.browserReport);
        QCOMPARE(x.browserReport->corsError, u"AllowOriginMismatch"_s);
        QCOMPARE(x.browserReport->failedParameter, u"http://evil.test"_s);
        QVERIFY(!x.browserReport->notSent);
        QVERIFY(x.responseBody.stored.isEmpty());
    }

    // A request that failed without a response and without a CORS error: the browser's error
    // text is the exchange's error, the report has no CORS error.
    void failedWithoutResponse()
    {
        NetworkAssembler a(options());
        Event fail = failed(u"9"_s, kMono + 0.25, {}, {}, u"net::ERR_CONNECTION_REFUSED"_s);
        fail.params.insert(u"blockedReason"_s, u"mixed-content"_s);
        fail.params.insert(u"canceled"_s, true);
        feed(a, {willBeSent(u"9"_s, u"GET"_s, kApi + u"/down"_s, kMono), fail});
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().status, 0);
        QVERIFY2(out.first().error.contains(u"net::ERR_CONNECTION_REFUSED"_s),
                 qPrintable(out.first().error));
        QVERIFY2(out.first().error.contains(u"mixed-content"_s), qPrintable(out.first().error));
        QVERIFY2(out.first().error.contains(u"canceled"_s), qPrintable(out.first().error));
        QVERIFY(out.first().browserReport);
        QVERIFY(out.first().browserReport->corsError.isEmpty());
    }

    // The actual request's requestWillBeSent comes before its preflight's, and its events may
    // finish first: the preflight is still handed out first, the request starts no earlier than
    // the preflight's end, and only the request carries the browser's report.
    void preflightThenActual()
    {
        NetworkAssembler a(options());
        const QString url = kApi + u"/item"_s;
        const QJsonObject allow{{u"Access-Control-Allow-Origin"_s, kPage},
                                {u"Access-Control-Allow-Methods"_s, u"PUT"_s}};
        feed(
            a,
            {willBeSent(u"A"_s, u"PUT"_s, url, kMono, {{u"Content-Type"_s, u"application/json"_s}}),
             preflightOf(u"P"_s, u"A"_s, url, kMono + 0.125),
             sentExtra(u"P"_s,
                       {{u"Access-Control-Request-Method"_s, u"PUT"_s}, {u"Origin"_s, kPage}}),
             received(u"P"_s, 204, allow, {}, u"Preflight"_s), receivedExtra(u"P"_s, 204, allow),
             sentExtra(u"A"_s, {{u"Content-Type"_s, u"application/json"_s}, {u"Origin"_s, kPage}}),
             // The response's timing dates the request from before the preflight.
             received(u"A"_s, 200, {{u"Access-Control-Allow-Origin"_s, kPage}},
                      {{u"timing"_s, timing(kMono, 0, 375)}}),
             receivedExtra(u"A"_s, 200, {{u"Access-Control-Allow-Origin"_s, kPage}}),
             finished(u"A"_s, kMono + 0.5)});
        // The preflight's own end comes later on the caller's clock.
        feed(a, {finished(u"P"_s, kMono + 0.25)}, kNow + 100);
        const QList<NetworkAssembler::BodyRequest> bodies = a.takeBodyRequests();
        QCOMPARE(bodies.size(), 1); // the request's body; a preflight's is never fetched
        QCOMPARE(bodies.first().requestId, u"A"_s);
        a.setResponseBody(u"A"_s, "done", true);
        // The request is past its grace period, the preflight not yet: nothing goes out.
        QVERIFY(a.takeReady(kNow + kGraceMs).isEmpty());
        const QList<CapturedExchange> out = a.takeReady(kNow + 100 + kGraceMs);
        QCOMPARE(urlsOf(out), (QStringList{u"OPTIONS "_s + url, u"PUT "_s + url}));
        const CapturedExchange &preflight = out.at(0);
        const CapturedExchange &actual = out.at(1);
        QVERIFY(!preflight.browserReport); // the verdict belongs to the request
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.finishedAtMs, wallMs(kMono + 0.25));
        QCOMPARE(actual.startedAtMs, preflight.finishedAtMs);
        QCOMPARE(actual.firstByteAtMs, wallMs(kMono + 0.375));
        QVERIFY(actual.browserReport);
        QVERIFY(actual.browserReport->corsError.isEmpty());
        QCOMPARE(actual.responseBody.stored, QByteArray("done"));
        QCOMPARE(a.pendingCount(), 0);
    }

    // The preflight failed: the request was announced and never sent (no ExtraInfo, no
    // response). It is kept, marked so, with the preflight's Origin and Sec-Fetch-* (not its
    // Access-Control-Request-*), and the browser's error.
    void failedPreflightLeavesTheRequestUnsent()
    {
        NetworkAssembler a(options());
        const QString url = kApi + u"/pfbad"_s;
        feed(a, {willBeSent(u"A"_s, u"PUT"_s, url, kMono,
                            {{u"Content-Type"_s, u"application/json"_s}}),
                 preflightOf(u"P"_s, u"A"_s, url, kMono + 0.125),
                 sentExtra(u"P"_s, {{u"Accept"_s, u"*/*"_s},
                                    {u"Access-Control-Request-Headers"_s, u"content-type"_s},
                                    {u"Access-Control-Request-Method"_s, u"PUT"_s},
                                    {u"Origin"_s, kPage},
                                    {u"Referer"_s, kPage + u"/"_s},
                                    {u"Sec-Fetch-Dest"_s, u"empty"_s},
                                    {u"Sec-Fetch-Mode"_s, u"cors"_s},
                                    {u"Sec-Fetch-Site"_s, u"same-site"_s},
                                    {u"User-Agent"_s, u"Mozilla/5.0"_s}}),
                 received(u"P"_s, 204, {}, {}, u"Preflight"_s), receivedExtra(u"P"_s, 204, {}),
                 // The verdict, on the request's id, before the preflight's own end.
                 failed(u"A"_s, kMono + 0.25, u"PreflightMissingAllowOriginHeader"_s),
                 finished(u"P"_s, kMono + 0.25)});
        QVERIFY(a.takeBodyRequests().isEmpty());
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(urlsOf(out), (QStringList{u"OPTIONS "_s + url, u"PUT "_s + url}));
        QVERIFY(!out.at(0).browserReport);
        const CapturedExchange &x = out.at(1);
        QCOMPARE(x.status, 0);
        QVERIFY2(x.error.startsWith(u"not sent"_s), qPrintable(x.error));
        QCOMPARE(x.requestHeaders, (base::HeaderList{{"Content-Type", "application/json"},
                                                     {"Origin", "http://127.0.0.1:8001"},
                                                     {"Referer", "http://127.0.0.1:8001/"},
                                                     {"Sec-Fetch-Dest", "empty"},
                                                     {"Sec-Fetch-Mode", "cors"},
                                                     {"Sec-Fetch-Site", "same-site"},
                                                     {"User-Agent", "Mozilla/5.0"}}));
        QVERIFY(x.browserReport);
        QVERIFY(x.browserReport->notSent);
        QCOMPARE(x.browserReport->corsError, u"PreflightMissingAllowOriginHeader"_s);
        QVERIFY(x.startedAtMs >= out.at(0).finishedAtMs);
    }

    // A redirect reuses the request id: one exchange per hop, the n-th ExtraInfo of each kind
    // belongs to hop n whenever it arrives, and the browser's error is on the last hop only.
    void redirects_data()
    {
        QTest::addColumn<bool>("extraInfoLate");
        QTest::newRow("ExtraInfo with each hop") << false;
        QTest::newRow("ExtraInfo after the last hop") << true;
    }
    void redirects()
    {
        QFETCH(bool, extraInfoLate);
        NetworkAssembler a(options());
        const QString first = kApi + u"/r1"_s;
        const QString second = u"http://127.0.0.1:8003/r2"_s;
        const QList<Event> hop1Extra{
            sentExtra(u"R"_s, {{u"X-Hop"_s, u"1"_s}}),
            receivedExtra(u"R"_s, 302, {},
                          u"HTTP/1.1 302 Found\r\nLocation: "_s + second + u"\r\n\r\n"_s)};
        const QList<Event> hop2Extra{
            sentExtra(u"R"_s, {{u"X-Hop"_s, u"2"_s}}),
            receivedExtra(u"R"_s, 200, {{u"Content-Type"_s, u"text/plain"_s}})};
        const Event hop2 =
            willBeSent(u"R"_s, u"GET"_s, second, kMono + 0.25, {},
                       {{u"redirectResponse"_s,
                         QJsonObject{{u"status"_s, 302},
                                     {u"statusText"_s, u"Found"_s},
                                     {u"headers"_s, QJsonObject{{u"Location"_s, second}}},
                                     {u"remoteIPAddress"_s, u"127.0.0.1"_s},
                                     {u"remotePort"_s, 8002}}}});
        QList<Event> events{willBeSent(u"R"_s, u"GET"_s, first, kMono)};
        if (!extraInfoLate)
            events += hop1Extra;
        events.append(hop2);
        if (!extraInfoLate)
            events += hop2Extra;
        events.append(received(u"R"_s, 200, {{u"Content-Type"_s, u"text/plain"_s}}));
        if (extraInfoLate)
            events += hop1Extra + hop2Extra;
        events.append(failed(u"R"_s, kMono + 0.5, u"MissingAllowOriginHeader"_s));
        feed(a, events);
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(urlsOf(out), (QStringList{u"GET "_s + first, u"GET "_s + second}));
        const CapturedExchange &h1 = out.at(0);
        const CapturedExchange &h2 = out.at(1);
        QCOMPARE(h1.requestHeaders, (base::HeaderList{{"X-Hop", "1"}}));
        QCOMPARE(h1.status, 302);
        QCOMPARE(h1.reason, QByteArray("Found"));
        QCOMPARE(h1.responseHeaders, (base::HeaderList{{"Location", second.toLatin1()}}));
        QCOMPARE(h1.finishedAtMs, wallMs(kMono + 0.25));
        QVERIFY(h1.error.isEmpty());
        QVERIFY(h1.browserReport);
        QVERIFY(h1.browserReport->corsError.isEmpty());
        QCOMPARE(h2.requestHeaders, (base::HeaderList{{"X-Hop", "2"}}));
        QCOMPARE(h2.status, 200);
        QCOMPARE(h2.startedAtMs, wallMs(kMono + 0.25));
        QCOMPARE(h2.finishedAtMs, wallMs(kMono + 0.5));
        QVERIFY(h2.browserReport);
        QCOMPARE(h2.browserReport->corsError, u"MissingAllowOriginHeader"_s);
    }

    // headersText keeps the wire order, duplicates and the reason phrase; without it, the
    // headers dict's "\n"-joined values are split; HTTP/2 pseudo-headers are dropped.
    void rawHeaders()
    {
        NetworkAssembler a(options());
        feed(a, {willBeSent(u"1"_s, u"GET"_s, kApi + u"/text"_s, kMono),
                 receivedExtra(u"1"_s, 200, {{u"Set-Cookie"_s, u"a=1\nb=2"_s}, {u"X-B"_s, u"1"_s}},
                               u"HTTP/1.1 200 Fine Thanks\r\nX-B: 1\r\nSet-Cookie: a=1\r\n"
                               "x-b:   2  \r\nSet-Cookie: b=2\r\n\r\n"_s),
                 received(u"1"_s, 200, {}), finished(u"1"_s, kMono + 0.5),
                 willBeSent(u"2"_s, u"GET"_s, kApi + u"/dict"_s, kMono),
                 sentExtra(u"2"_s, {{u":authority"_s, u"localhost:8002"_s},
                                    {u":method"_s, u"GET"_s},
                                    {u"accept"_s, u"text/html\napplication/json"_s}}),
                 receivedExtra(u"2"_s, 200,
                               {{u":status"_s, u"200"_s},
                                {u"set-cookie"_s, u"a=1\nb=2"_s},
                                {u"vary"_s, u"Origin"_s}}),
                 received(u"2"_s, 200, {}, {{u"protocol"_s, u"h2"_s}}),
                 finished(u"2"_s, kMono + 0.5)});
        answerBodies(a);
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).reason, QByteArray("Fine Thanks"));
        QCOMPARE(out.at(0).responseHeaders,
                 (base::HeaderList{
                     {"X-B", "1"}, {"Set-Cookie", "a=1"}, {"x-b", "2"}, {"Set-Cookie", "b=2"}}));
        QCOMPARE(out.at(1).requestHeaders,
                 (base::HeaderList{{"accept", "text/html"}, {"accept", "application/json"}}));
        QCOMPARE(
            out.at(1).responseHeaders,
            (base::HeaderList{{"set-cookie", "a=1"}, {"set-cookie", "b=2"}, {"vary", "Origin"}}));
        QCOMPARE(out.at(1).httpVersion, QByteArray("HTTP/2"));
    }

    // A body the browser still has is kept (up to the cap, the rest counted); one it no longer
    // has is marked, not left silently empty; with a cap of 0 none is asked for.
    void bodies_data()
    {
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<bool>("available");
        QTest::addColumn<QByteArray>("stored");
        QTest::addColumn<qint64>("size");
        QTest::newRow("kept") << qint64(1 << 20) << true << QByteArray("0123456789abcdef")
                              << qint64(16);
        QTest::newRow("capped") << qint64(10) << true << QByteArray("0123456789") << qint64(16);
        QTest::newRow("unavailable") << qint64(1 << 20) << false << QByteArray() << qint64(0);
    }
    void bodies()
    {
        QFETCH(qint64, cap);
        QFETCH(bool, available);
        QFETCH(QByteArray, stored);
        QFETCH(qint64, size);
        NetworkAssembler::Options o = options();
        o.bodyCap = cap;
        NetworkAssembler a(o);
        feed(a,
             {getWillBeSent(), getSentExtra(), getReceived(), getReceivedExtra(), getFinished()});
        const QList<NetworkAssembler::BodyRequest> wanted = a.takeBodyRequests();
        QCOMPARE(wanted.size(), 1);
        // The request waits for its body's answer, however long past the grace period.
        QVERIFY(a.takeReady(kNow + 100 * kGraceMs).isEmpty());
        a.setResponseBody(u"1"_s, available ? QByteArray("0123456789abcdef") : QByteArray(),
                          available);
        const QList<CapturedExchange> out = a.takeReady(kNow + 100 * kGraceMs);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().responseBody.stored, stored);
        QCOMPARE(out.first().responseBody.size, size);
        QVERIFY(out.first().browserReport);
        QCOMPARE(out.first().browserReport->bodyUnavailable, !available);
    }
    void noBodiesWithoutACap()
    {
        NetworkAssembler::Options o = options();
        o.bodyCap = 0;
        NetworkAssembler a(o);
        feed(a,
             {getWillBeSent(), getSentExtra(), getReceived(), getReceivedExtra(), getFinished()});
        QVERIFY(a.takeBodyRequests().isEmpty());
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 1);
        QVERIFY(out.first().responseBody.stored.isEmpty());
        QVERIFY(!out.first().browserReport->bodyUnavailable);
    }

    // Cookies the browser withheld (associatedCookies with reasons; the others were sent) and
    // Set-Cookie lines it refused (blockedCookies: the cookie's name, else the line's).
    void cookies()
    {
        NetworkAssembler a(options());
        const QJsonArray withheld{
            QJsonObject{{u"blockedReasons"_s, QJsonArray{u"SameSiteLax"_s}},
                        {u"cookie"_s, QJsonObject{{u"name"_s, u"sid"_s}, {u"value"_s, u"1"_s}}}},
            QJsonObject{{u"blockedReasons"_s, QJsonArray{}},
                        {u"cookie"_s, QJsonObject{{u"name"_s, u"sent"_s}}}},
            QJsonObject{{u"blockedReasons"_s,
                         QJsonArray{u"ThirdPartyPhaseout"_s, u"SameSiteUnspecifiedTreatedAsLax"_s}},
                        {u"cookie"_s, QJsonObject{{u"name"_s, u"theme"_s}}}}};
        const QJsonArray refused{
            QJsonObject{{u"blockedReasons"_s, QJsonArray{u"SameSiteNoneInsecure"_s}},
                        {u"cookieLine"_s, u"track=1; SameSite=None"_s},
                        {u"cookie"_s, QJsonObject{{u"name"_s, u"track"_s}}}},
            QJsonObject{{u"blockedReasons"_s, QJsonArray{u"InvalidDomain"_s}},
                        {u"cookieLine"_s, u" other=2; Domain=evil.test"_s}}};
        feed(a, {getWillBeSent(), sentExtra(u"1"_s, kGetSentHeaders, withheld), getReceived(),
                 receivedExtra(u"1"_s, 200, kGetResponseHeaders, kGetHeadersText, refused),
                 getFinished()});
        answerBodies(a);
        const QList<CapturedExchange> out = a.takeReady(kNow + kGraceMs);
        QCOMPARE(out.size(), 1);
        QVERIFY(out.first().browserReport);
        const QList<BlockedCookie> expected{
            {"sid", {u"SameSiteLax"_s}, false},
            {"theme", {u"ThirdPartyPhaseout"_s, u"SameSiteUnspecifiedTreatedAsLax"_s}, false},
            {"track", {u"SameSiteNoneInsecure"_s}, true},
            {"other", {u"InvalidDomain"_s}, true}};
        QCOMPARE(out.first().browserReport->blockedCookies, expected);
    }

    // data:, blob: and chrome: loads are not HTTP exchanges: nothing comes out, and nothing is
    // held for them.
    void nonHttpUrlsAreIgnored()
    {
        NetworkAssembler a(options());
        const QStringList urls{u"data:text/plain,hello"_s,
                               u"blob:http://127.0.0.1:8001/9b1deb4d-3b7d"_s,
                               u"chrome://favicon/"_s};
        for (qsizetype i = 0; i < urls.size(); ++i) {
            const QString id = u"n"_s + QString::number(i);
            feed(a, {willBeSent(id, u"GET"_s, urls.at(i), kMono),
                     received(id, 200, {{u"Content-Type"_s, u"text/plain"_s}}),
                     finished(id, kMono + 0.125)});
        }
        QVERIFY(a.takeBodyRequests().isEmpty());
        QVERIFY(a.takeReady(kNow + kGraceMs).isEmpty());
        QCOMPARE(a.pendingCount(), 0);
        QVERIFY(a.takeAll(u"end"_s).isEmpty());
    }

    // Nothing is ready before the grace period after its end has passed, whatever its length.
    void gracePeriod_data()
    {
        QTest::addColumn<qint64>("graceMs");
        QTest::newRow("300 ms") << qint64(300);
        QTest::newRow("2 s") << qint64(2000);
    }
    void gracePeriod()
    {
        QFETCH(qint64, graceMs);
        NetworkAssembler::Options o = options();
        o.graceMs = graceMs;
        o.bodyCap = 0;
        NetworkAssembler a(o);
        feed(a, {getWillBeSent(), getSentExtra(), getReceived(), getReceivedExtra()});
        QVERIFY(a.takeReady(kNow + 100 * graceMs).isEmpty()); // not finished
        feed(a, {getFinished()}, kNow + 10);
        QVERIFY(a.takeReady(kNow + 10).isEmpty());
        QVERIFY(a.takeReady(kNow + 10 + graceMs - 1).isEmpty());
        QCOMPARE(a.takeReady(kNow + 10 + graceMs).size(), 1);
    }

    // A request waits for its preflight, but not forever: after preflightWaitMs it goes out
    // alone; the preflight, never finished, comes out when the capture ends, saying why.
    void requestWhosePreflightNeverFinishes()
    {
        NetworkAssembler::Options o = options();
        o.preflightWaitMs = 5000;
        NetworkAssembler a(o);
        const QString url = kApi + u"/slow-preflight"_s;
        feed(a, {willBeSent(u"A"_s, u"PUT"_s, url, kMono),
                 preflightOf(u"P"_s, u"A"_s, url, kMono + 0.125),
                 failed(u"A"_s, kMono + 0.25, u"PreflightInvalidStatus"_s)});
        QVERIFY(a.takeReady(kNow + kGraceMs).isEmpty());
        QVERIFY(a.takeReady(kNow + o.preflightWaitMs - 1).isEmpty());
        const QList<CapturedExchange> out = a.takeReady(kNow + o.preflightWaitMs);
        QCOMPARE(urlsOf(out), QStringList{u"PUT "_s + url});
        QCOMPARE(out.first().browserReport->corsError, u"PreflightInvalidStatus"_s);
        QCOMPARE(a.pendingCount(), 1);
        const QList<CapturedExchange> rest = a.takeAll(u"the browser closed"_s);
        QCOMPARE(urlsOf(rest), QStringList{u"OPTIONS "_s + url});
        QVERIFY2(rest.first().error.contains(u"the browser closed"_s),
                 qPrintable(rest.first().error));
        QCOMPARE(a.pendingCount(), 0);
    }

    // Beyond maxPending unfinished requests the oldest go out as far as seen, saying why.
    void pendingLimitHandsOutTheOldest()
    {
        NetworkAssembler::Options o = options();
        o.maxPending = 3;
        o.bodyCap = 0;
        NetworkAssembler a(o);
        for (int i = 1; i <= 5; ++i)
            feed(a, {willBeSent(QString::number(i), u"GET"_s,
                                kApi + u"/long/"_s + QString::number(i), kMono + i / 8.0)});
        const QList<CapturedExchange> out = a.takeReady(kNow);
        QCOMPARE(urlsOf(out),
                 (QStringList{u"GET "_s + kApi + u"/long/1"_s, u"GET "_s + kApi + u"/long/2"_s}));
        for (const CapturedExchange &x : out)
            QVERIFY2(x.error.contains(u"too many requests"_s), qPrintable(x.error));
        QCOMPARE(a.pendingCount(), 3);
        for (int i = 3; i <= 5; ++i)
            feed(a,
                 {received(QString::number(i), 200, {}), finished(QString::number(i), kMono + 1)});
        QCOMPARE(a.takeReady(kNow + kGraceMs).size(), 3);
        QCOMPARE(a.pendingCount(), 0);
    }

    // The capture ends: everything held comes out in the order first seen; a finished request
    // as it is, an unfinished one with the reason as its error, whether a response had begun
    // or not.
    void takeAllHandsOutEverything()
    {
        NetworkAssembler::Options o = options();
        o.bodyCap = 0;
        NetworkAssembler a(o);
        feed(a, {willBeSent(u"1"_s, u"GET"_s, kApi + u"/done"_s, kMono), received(u"1"_s, 200, {}),
                 finished(u"1"_s, kMono + 0.25),
                 willBeSent(u"2"_s, u"GET"_s, kApi + u"/no-answer"_s, kMono + 0.125),
                 willBeSent(u"3"_s, u"GET"_s, kApi + u"/stream"_s, kMono + 0.25),
                 receivedExtra(u"3"_s, 200, {{u"Content-Type"_s, u"text/event-stream"_s}}),
                 received(u"3"_s, 200, {{u"Content-Type"_s, u"text/event-stream"_s}})});
        const QList<CapturedExchange> out = a.takeAll(u"the browser closed"_s);
        QCOMPARE(urlsOf(out),
                 (QStringList{u"GET "_s + kApi + u"/done"_s, u"GET "_s + kApi + u"/no-answer"_s,
                              u"GET "_s + kApi + u"/stream"_s}));
        QVERIFY2(out.at(0).error.isEmpty(), qPrintable(out.at(0).error));
        QCOMPARE(out.at(1).status, 0);
        QVERIFY2(out.at(1).error.contains(u"the browser closed"_s), qPrintable(out.at(1).error));
        QCOMPARE(out.at(2).status, 200);
        QVERIFY2(out.at(2).error.contains(u"the browser closed"_s), qPrintable(out.at(2).error));
        QCOMPARE(a.pendingCount(), 0);
    }

    // The capture ends right after a preflighted request: its preflight still goes out first,
    // whether it finished within the grace period or not at all.
    void takeAllKeepsAPreflightBeforeItsRequest_data()
    {
        QTest::addColumn<bool>("preflightFinished");
        QTest::newRow("both finished, within the grace period") << true;
        QTest::newRow("the preflight unfinished") << false;
    }
    void takeAllKeepsAPreflightBeforeItsRequest()
    {
        QFETCH(bool, preflightFinished);
        NetworkAssembler a(options());
        const QString url = kApi + u"/item"_s;
        feed(a, {willBeSent(u"A"_s, u"PUT"_s, url, kMono),
                 preflightOf(u"P"_s, u"A"_s, url, kMono + 0.125),
                 sentExtra(u"P"_s,
                           {{u"Access-Control-Request-Method"_s, u"PUT"_s}, {u"Origin"_s, kPage}}),
                 failed(u"A"_s, kMono + 0.25, u"PreflightInvalidStatus"_s)});
        if (preflightFinished)
            feed(a, {receivedExtra(u"P"_s, 500, {}), finished(u"P"_s, kMono + 0.25)});
        const QList<CapturedExchange> out = a.takeAll(u"detached"_s);
        QCOMPARE(urlsOf(out), (QStringList{u"OPTIONS "_s + url, u"PUT "_s + url}));
        QCOMPARE(out.at(0).error.contains(u"detached"_s), !preflightFinished);
        QCOMPARE(out.at(1).browserReport->corsError, u"PreflightInvalidStatus"_s);
        // Never sent: it has the preflight's Origin, which it could take only after it.
        QVERIFY(out.at(1).browserReport->notSent);
        QCOMPARE(base::getHeader(out.at(1).requestHeaders, "origin"), kPage.toLatin1());
    }

    // Events of another domain, or without a request id, change nothing.
    void otherEventsAreIgnored()
    {
        NetworkAssembler a(options());
        a.handle(kSession, u"Page.frameNavigated"_s, {{u"requestId"_s, u"1"_s}}, kNow);
        a.handle(kSession, u"Network.dataReceived"_s, {{u"requestId"_s, u"1"_s}}, kNow);
        a.handle(kSession, u"Network.requestWillBeSent"_s,
                 {{u"request"_s, QJsonObject{{u"url"_s, kApi}}}}, kNow);
        QVERIFY(a.takeReady(kNow + kGraceMs).isEmpty());
        QVERIFY(a.takeAll(u"end"_s).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestNetworkAssembler)
#include "tst_network_assembler.moc"
