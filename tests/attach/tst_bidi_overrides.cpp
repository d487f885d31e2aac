// "Apply in browser" for Firefox: which requests WebDriver BiDi intercepts for a set of override
// rules, and the one command each blocked request gets (the proxy's own matching and edits
// decide). The events carry the fields Firefox ESR 153 sends (docs/attach.md).
#include "attach/bidi_overrides.h"
#include "rule_coverage_rows.h"

#include <QJsonArray>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;
using attach::BidiIntercept;
using attach::BidiPhase;
using attach::BlockedDecision;

namespace {

const QString kOrigin = u"http://127.0.0.1:5173"_s;

/// JSON written with single quotes (moc reads a glob's "/*" in a raw string as a comment).
proxy::OverrideSet rulesFrom(const char *singleQuoted)
{
    proxy::OverrideSet set;
    QString error;
    if (!proxy::OverrideSet::fromJson(QByteArray(singleQuoted).replace('\'', '"'), &set, &error))
        qFatal("bad rules in the test: %s", qPrintable(error));
    return set;
}

/// WebDriver BiDi's URL pattern matching, for the test's own check that an intercept covers a
/// URL: each component a pattern holds equals the URL's (a default port is no port).
bool patternMatches(const QJsonObject &pattern, const QUrl &url)
{
    const auto holds = [&pattern](const char *key) { return pattern.contains(QLatin1String(key)); };
    if (holds("hostname") && pattern[u"hostname"_s].toString() != url.host())
        return false;
    const int defaultPort = url.scheme() == u"https"_s ? 443 : 80;
    const QString port =
        url.port(defaultPort) == defaultPort ? QString() : QString::number(url.port());
    return !holds("port") || pattern[u"port"_s].toString() == port;
}

bool covered(const QList<BidiIntercept> &intercepts, BidiPhase phase, const QString &url)
{
    return std::any_of(intercepts.begin(), intercepts.end(), [&](const BidiIntercept &i) {
        return i.phase == phase &&
               std::any_of(i.urlPatterns.begin(), i.urlPatterns.end(), [&](const QJsonValue &p) {
                   return patternMatches(p.toObject(), QUrl(url));
               });
    });
}

QJsonArray headers(const base::HeaderList &list)
{
    QJsonArray out;
    for (const auto &[name, value] : list)
        out.append(
            QJsonObject{{u"name"_s, QString::fromLatin1(name)},
                        {u"value"_s, QJsonObject{{u"type"_s, u"string"_s},
                                                 {u"value"_s, QString::fromLatin1(value)}}}});
    return out;
}

QByteArray headerOf(const QJsonArray &list, const QString &name)
{
    for (const QJsonValue h : list)
        if (h[u"name"_s].toString().compare(name, Qt::CaseInsensitive) == 0)
            return h[u"value"_s][u"value"_s].toString().toLatin1();
    return {};
}

QJsonObject blockedBeforeSent(const QString &method, const QString &url,
                              const base::HeaderList &requestHeaders, int redirectCount = 0)
{
    return {{u"isBlocked"_s, true},
            {u"intercepts"_s, QJsonArray{u"intercept-1"_s}},
            {u"redirectCount"_s, redirectCount},
            {u"request"_s, QJsonObject{{u"request"_s, u"7-abc"_s},
                                       {u"method"_s, method},
                                       {u"url"_s, url},
                                       {u"headers"_s, headers(requestHeaders)}}}};
}

QJsonObject blockedResponse(const QString &method, const QString &url,
                            const base::HeaderList &requestHeaders, int status,
                            const QString &statusText, const base::HeaderList &responseHeaders,
                            int redirectCount = 0)
{
    QJsonObject params = blockedBeforeSent(method, url, requestHeaders, redirectCount);
    params.insert(u"response"_s, QJsonObject{{u"status"_s, status},
                                             {u"statusText"_s, statusText},
                                             {u"headers"_s, headers(responseHeaders)}});
    return params;
}

base::HeaderList preflightHeaders()
{
    return {{"Origin", kOrigin.toLatin1()},
            {"Access-Control-Request-Method", "PUT"},
            {"Access-Control-Request-Headers", "x-custom"}};
}

const char *const kPolicyRule =
    "{'rules': [{'name': 'api', 'host': 'localhost:8080', 'path': '/api/*', "
    "'policy': {'allow_origin': {'mode': 'allowlist', 'origins': ['http://127.0.0.1:5173']}, "
    "'allow_methods': {'mode': 'list', 'values': ['PUT']}, "
    "'allow_headers': {'mode': 'list', 'values': ['X-Custom']}}}]}";

const char *const kLocalPreflightRule =
    "{'rules': [{'name': 'local', 'host': 'localhost:8080', 'path': '/api/*', "
    "'answer_preflights': true, 'set': [['Access-Control-Allow-Origin', 'http://127.0.0.1:5173'], "
    "['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'X-Custom']]}]}";

const QString kApiUrl = u"http://localhost:8080/api/items?page=2"_s;

} // namespace

class TestBidiOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interceptsCoverWhatTheRulesMatch_data();
    void interceptsCoverWhatTheRulesMatch();
    void interceptsOfRulesWithoutWork();
    void interceptsAreShared();
    void preflightAnsweredBeforeItIsSent();
    void otherRequestsContinueBeforeTheyAreSent();
    void responseChangedWhenItStarts();
    void preflightStatusChangedWithItsPhrase();
    void responsesNoRuleChangesContinue();
    void eventsNotBlockedGetNoCommand();
};

void TestBidiOverrides::interceptsCoverWhatTheRulesMatch_data()
{
    addRuleCoverageRows();
}

void TestBidiOverrides::interceptsCoverWhatTheRulesMatch()
{
    QFETCH(QByteArray, rule);
    QFETCH(QString, url);
    QFETCH(bool, answersPreflights);
    const proxy::OverrideSet set = rulesFrom(("{'rules': [" + rule + "]}").constData());
    // The rule itself matches the URL (the premise), so an intercept must pause it.
    const std::optional<attach::PausedRequest> request =
        attach::pausedRequest("GET", url.toUtf8(), {});
    QVERIFY(request);
    QCOMPARE(set.matchingRule(request->request, request->host, request->path), 0);
    const QList<BidiIntercept> intercepts = attach::bidiIntercepts(set);
    QVERIFY2(covered(intercepts, BidiPhase::ResponseStarted, url), qPrintable(url));
    QCOMPARE(covered(intercepts, BidiPhase::BeforeRequestSent, url), answersPreflights);
}

void TestBidiOverrides::interceptsOfRulesWithoutWork()
{
    QVERIFY(attach::bidiIntercepts(proxy::OverrideSet{}).isEmpty());
    QVERIFY(
        attach::bidiIntercepts(rulesFrom("{'rules': [{'host': 'a.example', 'enabled': false}]}"))
            .isEmpty());
    // Another host or port is not paused.
    const QList<BidiIntercept> intercepts =
        attach::bidiIntercepts(rulesFrom("{'rules': [{'host': 'localhost:8080'}]}"));
    QVERIFY(!covered(intercepts, BidiPhase::ResponseStarted, u"http://localhost:9090/"_s));
    QVERIFY(!covered(intercepts, BidiPhase::ResponseStarted, u"http://example.com:8080/"_s));
}

void TestBidiOverrides::interceptsAreShared()
{
    // One intercept per phase, each pattern once, in the shape network.addIntercept takes.
    const proxy::OverrideSet set =
        rulesFrom("{'rules': [{'host': 'localhost:8080', 'path': '/a'}, "
                  "{'host': 'localhost:8080', 'path': '/b', 'answer_preflights': true}, "
                  "{'host': 'api.test'}]}");
    const QList<BidiIntercept> intercepts = attach::bidiIntercepts(set);
    QCOMPARE(intercepts.size(), 2);
    const QJsonObject local{
        {u"type"_s, u"pattern"_s}, {u"hostname"_s, u"localhost"_s}, {u"port"_s, u"8080"_s}};
    const QJsonObject api{{u"type"_s, u"pattern"_s}, {u"hostname"_s, u"api.test"_s}};
    QCOMPARE(intercepts.at(0).params(),
             QJsonObject({{u"phases"_s, QJsonArray{u"responseStarted"_s}},
                          {u"urlPatterns"_s, QJsonArray{local, api}}}));
    QCOMPARE(intercepts.at(1).params(),
             QJsonObject({{u"phases"_s, QJsonArray{u"beforeRequestSent"_s}},
                          {u"urlPatterns"_s, QJsonArray{local}}}));
}

void TestBidiOverrides::preflightAnsweredBeforeItIsSent()
{
    const BlockedDecision d =
        attach::decideBlocked(rulesFrom(kLocalPreflightRule), u"network.beforeRequestSent"_s,
                              blockedBeforeSent(u"OPTIONS"_s, kApiUrl, preflightHeaders()));
    QCOMPARE(d.action, BlockedDecision::Action::AnswerPreflight);
    QCOMPARE(d.command(), u"network.provideResponse"_s);
    const QJsonObject params = d.params();
    QCOMPARE(params[u"request"_s].toString(), u"7-abc"_s);
    QCOMPARE(params[u"statusCode"_s].toInt(), 204);
    QCOMPARE(params[u"reasonPhrase"_s].toString(), u"No Content"_s);
    QCOMPARE(headerOf(params[u"headers"_s].toArray(), u"Access-Control-Allow-Origin"_s),
             kOrigin.toLatin1());
    QCOMPARE(headerOf(params[u"headers"_s].toArray(), u"Access-Control-Allow-Headers"_s),
             "X-Custom");
    QVERIFY(d.applied);
    QVERIFY(d.applied->answeredLocally);
    QCOMPARE(d.applied->rule, u"local"_s);
    QCOMPARE(d.applied->method, "OPTIONS");
    QCOMPARE(d.applied->url, kApiUrl.toUtf8());
    QCOMPARE(d.applied->upstreamStatus, 0);
}

void TestBidiOverrides::otherRequestsContinueBeforeTheyAreSent()
{
    // The PUT itself, and a preflight of a rule that does not answer them, go to the server.
    const QList<std::pair<const char *, QJsonObject>> cases{
        {kLocalPreflightRule,
         blockedBeforeSent(u"PUT"_s, kApiUrl, {{"Origin", kOrigin.toLatin1()}})},
        {kPolicyRule, blockedBeforeSent(u"OPTIONS"_s, kApiUrl, preflightHeaders())},
        {kLocalPreflightRule,
         blockedBeforeSent(u"OPTIONS"_s, u"http://localhost:8080/other"_s, preflightHeaders())}};
    for (const auto &[rules, event] : cases) {
        const BlockedDecision d =
            attach::decideBlocked(rulesFrom(rules), u"network.beforeRequestSent"_s, event);
        QCOMPARE(d.action, BlockedDecision::Action::Continue);
        QCOMPARE(d.command(), u"network.continueRequest"_s);
        QCOMPARE(d.params(), QJsonObject({{u"request"_s, u"7-abc"_s}}));
        QVERIFY(!d.applied);
    }
}

void TestBidiOverrides::responseChangedWhenItStarts()
{
    const base::HeaderList server{{"Content-Type", "application/json"}, {"X-Server", "yes"}};
    const BlockedDecision d =
        attach::decideBlocked(rulesFrom(kPolicyRule), u"network.responseStarted"_s,
                              blockedResponse(u"PUT"_s, kApiUrl, {{"Origin", kOrigin.toLatin1()}},
                                              200, u"Fine Thanks"_s, server, 1));
    QCOMPARE(d.action, BlockedDecision::Action::ChangeResponse);
    QCOMPARE(d.command(), u"network.continueResponse"_s);
    QCOMPARE(d.hop, 1);
    const QJsonObject params = d.params();
    QCOMPARE(params[u"statusCode"_s].toInt(), 200);
    QCOMPARE(params[u"reasonPhrase"_s].toString(), u"Fine Thanks"_s); // the server's, kept
    const QJsonArray sent = params[u"headers"_s].toArray();
    QCOMPARE(headerOf(sent, u"Access-Control-Allow-Origin"_s), kOrigin.toLatin1());
    QCOMPARE(headerOf(sent, u"X-Server"_s), "yes"); // every header of the server's stays
    QCOMPARE(headerOf(sent, u"Content-Type"_s), "application/json");
    QVERIFY(d.applied);
    QCOMPARE(d.applied->rule, u"api"_s);
    QCOMPARE(d.applied->upstreamStatus, 200);
    QCOMPARE(d.applied->upstreamHeaders, server);
    QVERIFY(!d.applied->answeredLocally);
}

void TestBidiOverrides::preflightStatusChangedWithItsPhrase()
{
    // Without a phrase Firefox would keep the server's: "204 Not Found".
    const BlockedDecision d =
        attach::decideBlocked(rulesFrom(kPolicyRule), u"network.responseStarted"_s,
                              blockedResponse(u"OPTIONS"_s, kApiUrl, preflightHeaders(), 404,
                                              u"Not Found"_s, {{"X-Server", "yes"}}));
    QCOMPARE(d.action, BlockedDecision::Action::ChangeResponse);
    QCOMPARE(d.params()[u"statusCode"_s].toInt(), 204);
    QCOMPARE(d.params()[u"reasonPhrase"_s].toString(), u"No Content"_s);
    QCOMPARE(d.applied->upstreamStatus, 404);
}

void TestBidiOverrides::responsesNoRuleChangesContinue()
{
    const QList<std::pair<proxy::OverrideSet, QJsonObject>> cases{
        // no rule at all (the rules were cleared while the request was blocked)
        {proxy::OverrideSet{}, blockedResponse(u"PUT"_s, kApiUrl, {}, 200, u"OK"_s, {})},
        // another path
        {rulesFrom(kPolicyRule),
         blockedResponse(u"PUT"_s, u"http://localhost:8080/other"_s, {}, 200, u"OK"_s, {})},
        // not an HTTP URL
        {rulesFrom("{'rules': [{'host': '*'}]}"),
         blockedResponse(u"GET"_s, u"data:text/plain,x"_s, {}, 200, u"OK"_s, {})}};
    for (const auto &[rules, event] : cases) {
        const BlockedDecision d = attach::decideBlocked(rules, u"network.responseStarted"_s, event);
        QCOMPARE(d.action, BlockedDecision::Action::Continue);
        QCOMPARE(d.command(), u"network.continueResponse"_s);
        QCOMPARE(d.params(), QJsonObject({{u"request"_s, u"7-abc"_s}}));
    }
}

void TestBidiOverrides::eventsNotBlockedGetNoCommand()
{
    QJsonObject event = blockedResponse(u"PUT"_s, kApiUrl, {}, 200, u"OK"_s, {});
    const proxy::OverrideSet rules = rulesFrom(kPolicyRule);
    QVERIFY(
        attach::decideBlocked(rules, u"network.responseCompleted"_s, event).requestId.isEmpty());
    event.insert(u"isBlocked"_s, false);
    QVERIFY(attach::decideBlocked(rules, u"network.responseStarted"_s, event).requestId.isEmpty());
    QVERIFY(attach::decideBlocked(rules, u"network.responseStarted"_s, {}).requestId.isEmpty());
}

QTEST_GUILESS_MAIN(TestBidiOverrides)
#include "tst_bidi_overrides.moc"
