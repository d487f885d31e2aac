// NetworkAssembler and the Fetch domain's overrides: the Network events Chromium 156 sends for
// requests overridden through Fetch (a preflight answered at the Request stage has no ExtraInfo;
// at the Response stage responseReceivedExtraInfo keeps the server's answer while
// responseReceived shows the changed one), replayed with the overrides FetchOverrides reports.
#include "attach/network_assembler.h"

#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

const QString kSession = u"S1"_s;
const QString kOrigin = u"http://127.0.0.1:5173"_s;
const QString kApi = u"http://localhost:8080"_s;
/// The events are handled at 0 ms: later than the grace period for late ExtraInfo, earlier than
/// the wait for a preflight (a request still waits for its preflight to go out first).
constexpr qint64 kAfterGraceMs = 1000;

QJsonObject request(const QString &method, const QString &url, const QJsonObject &headers)
{
    return {{u"method"_s, method}, {u"url"_s, url}, {u"headers"_s, headers}};
}

QJsonObject willBeSent(const QString &id, double at, const QJsonObject &req,
                       const QJsonObject &initiator = {{u"type"_s, u"script"_s}})
{
    return {{u"requestId"_s, id},
            {u"timestamp"_s, at},
            {u"wallTime"_s, 1.8e9 + at},
            {u"request"_s, req},
            {u"initiator"_s, initiator}};
}

QJsonObject received(const QString &id, int status, const QJsonObject &headers)
{
    return {{u"requestId"_s, id},
            {u"response"_s, QJsonObject{{u"status"_s, status}, {u"headers"_s, headers}}}};
}

QJsonObject extraInfo(const QString &id, int status, const QJsonObject &headers)
{
    return {{u"requestId"_s, id}, {u"statusCode"_s, status}, {u"headers"_s, headers}};
}

QJsonObject finished(const QString &id, double at)
{
    return {{u"requestId"_s, id}, {u"timestamp"_s, at}};
}

attach::AppliedOverride applied(const QByteArray &method, const QString &url, int status,
                                const base::HeaderList &headers)
{
    attach::AppliedOverride o;
    o.method = method;
    o.url = url.toUtf8();
    o.rule = u"dev front end"_s;
    o.status = status;
    o.headers = headers;
    return o;
}

attach::NetworkAssembler assembler()
{
    attach::NetworkAssembler::Options options;
    options.bodyCap = 0; // no body requests to answer
    return attach::NetworkAssembler(options);
}

} // namespace

class TestAssemblerOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void preflightAnsweredLocallyAndResponseChanged();
    void onlyTheOverriddenHopOfARedirect();
};

void TestAssemblerOverrides::preflightAnsweredLocallyAndResponseChanged()
{
    attach::NetworkAssembler a = assembler();
    const QString url = kApi + u"/api/items"_s;
    const base::HeaderList answer{{"Access-Control-Allow-Origin", kOrigin.toLatin1()},
                                  {"Access-Control-Allow-Methods", "PUT"}};
    // Fetch pauses the preflight before Network announces it.
    attach::AppliedOverride local = applied("OPTIONS", url, 204, answer);
    local.answeredLocally = true;
    a.noteOverride(u"P"_s, local, 0);
    a.handle(kSession, u"Network.requestWillBeSent"_s,
             willBeSent(u"A"_s, 1.0, request(u"PUT"_s, url, {{u"X-Custom"_s, u"1"_s}})), 0);
    a.handle(kSession, u"Network.requestWillBeSent"_s,
             willBeSent(
                 u"P"_s, 1.1,
                 request(u"OPTIONS"_s, url,
                         {{u"Origin"_s, kOrigin}, {u"Access-Control-Request-Method"_s, u"PUT"_s}}),
                 {{u"type"_s, u"preflight"_s}, {u"requestId"_s, u"A"_s}}),
             0);
    a.handle(kSession, u"Network.responseReceived"_s,
             received(u"P"_s, 204,
                      {{u"Access-Control-Allow-Origin"_s, kOrigin},
                       {u"Access-Control-Allow-Methods"_s, u"PUT"_s}}),
             0);
    a.handle(kSession, u"Network.loadingFinished"_s, finished(u"P"_s, 1.2), 0);
    // The actual request reaches the server, whose answer lacks Allow-Origin.
    a.handle(kSession, u"Network.requestWillBeSentExtraInfo"_s,
             {{u"requestId"_s, u"A"_s},
              {u"headers"_s, QJsonObject{{u"Origin"_s, kOrigin}, {u"X-Custom"_s, u"1"_s}}}},
             0);
    a.handle(kSession, u"Network.responseReceivedExtraInfo"_s,
             extraInfo(u"A"_s, 200, {{u"Content-Type"_s, u"application/json"_s}}), 0);
    a.noteOverride(
        u"A"_s,
        [&] {
            attach::AppliedOverride o =
                applied("PUT", url, 200,
                        {{"Content-Type", "application/json"},
                         {"Access-Control-Allow-Origin", kOrigin.toLatin1()}});
            o.upstreamStatus = 200;
            o.upstreamHeaders = {{"Content-Type", "application/json"}};
            return o;
        }(),
        0);
    a.handle(kSession, u"Network.responseReceived"_s,
             received(u"A"_s, 200,
                      {{u"Content-Type"_s, u"application/json"_s},
                       {u"Access-Control-Allow-Origin"_s, kOrigin}}),
             0);
    a.handle(kSession, u"Network.loadingFinished"_s, finished(u"A"_s, 1.4), 0);

    const QList<session::CapturedExchange> out = a.takeReady(kAfterGraceMs);
    QCOMPARE(out.size(), 2);
    const session::CapturedExchange &preflight = out.at(0);
    QCOMPARE(preflight.method, QByteArray("OPTIONS"));
    QVERIFY(preflight.overridden);
    QVERIFY(preflight.answeredLocally);
    QCOMPARE(preflight.overrideRule, u"dev front end"_s);
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.responseHeaders, answer);
    QCOMPARE(preflight.upstreamStatus, 0);
    QVERIFY(preflight.upstreamResponseHeaders.isEmpty());
    QCOMPARE(base::getHeader(preflight.requestHeaders, "Access-Control-Request-Method"),
             std::optional<QByteArray>("PUT"));

    const session::CapturedExchange &actual = out.at(1);
    QCOMPARE(actual.method, QByteArray("PUT"));
    QVERIFY(actual.overridden);
    QVERIFY(!actual.answeredLocally);
    QCOMPARE(actual.status, 200);
    QCOMPARE(base::getHeader(actual.responseHeaders, "Access-Control-Allow-Origin"),
             std::optional<QByteArray>(kOrigin.toLatin1()));
    // What the server sent: responseReceivedExtraInfo's.
    QCOMPARE(actual.upstreamStatus, 200);
    QCOMPARE(actual.upstreamResponseHeaders,
             base::HeaderList({{"Content-Type", "application/json"}}));
    QVERIFY(actual.browserReport);
    QVERIFY(actual.browserReport->corsError.isEmpty());
}

void TestAssemblerOverrides::onlyTheOverriddenHopOfARedirect()
{
    attach::NetworkAssembler a = assembler();
    const QString first = kApi + u"/redir"_s;
    const QString second = kApi + u"/api/r"_s;
    a.handle(kSession, u"Network.requestWillBeSent"_s,
             willBeSent(u"R"_s, 1.0, request(u"GET"_s, first, {})), 0);
    a.handle(kSession, u"Network.responseReceivedExtraInfo"_s,
             extraInfo(u"R"_s, 302, {{u"Location"_s, u"/api/r"_s}}), 0);
    QJsonObject hop2 = willBeSent(u"R"_s, 1.1, request(u"GET"_s, second, {}));
    hop2.insert(
        u"redirectResponse"_s,
        QJsonObject{{u"status"_s, 302}, {u"headers"_s, QJsonObject{{u"Location"_s, u"/api/r"_s}}}});
    a.handle(kSession, u"Network.requestWillBeSent"_s, hop2, 0);
    a.handle(kSession, u"Network.responseReceivedExtraInfo"_s,
             extraInfo(u"R"_s, 200, {{u"X-Server"_s, u"yes"_s}}), 0);
    attach::AppliedOverride o =
        applied("GET", second, 200, {{"X-Server", "yes"}, {"Access-Control-Allow-Origin", "*"}});
    o.upstreamStatus = 200;
    o.upstreamHeaders = {{"X-Server", "yes"}};
    a.noteOverride(u"R"_s, o, 0);
    a.handle(kSession, u"Network.responseReceived"_s,
             received(u"R"_s, 200,
                      {{u"X-Server"_s, u"yes"_s}, {u"Access-Control-Allow-Origin"_s, u"*"_s}}),
             0);
    a.handle(kSession, u"Network.loadingFinished"_s, finished(u"R"_s, 1.2), 0);

    const QList<session::CapturedExchange> out = a.takeReady(kAfterGraceMs);
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.at(0).url, first.toUtf8());
    QVERIFY(!out.at(0).overridden);
    QCOMPARE(out.at(0).status, 302);
    QCOMPARE(out.at(1).url, second.toUtf8());
    QVERIFY(out.at(1).overridden);
    QCOMPARE(out.at(1).upstreamResponseHeaders, base::HeaderList({{"X-Server", "yes"}}));
    QCOMPARE(base::getHeader(out.at(1).responseHeaders, "Access-Control-Allow-Origin"),
             std::optional<QByteArray>("*"));
}

QTEST_GUILESS_MAIN(TestAssemblerOverrides)
#include "tst_assembler_overrides.moc"
