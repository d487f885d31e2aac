// "Apply in browser": which requests the Fetch domain pauses for a set of override rules, and the
// one command each paused request gets (the proxy's own matching and edits decide).
#include "attach/fetch_overrides.h"
#include "rule_coverage_rows.h"

#include <QJsonArray>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;
using attach::FetchPattern;
using attach::FetchStage;
using attach::PausedDecision;

namespace {

const QString kOrigin = QStringLiteral("http://127.0.0.1:5173");

/// JSON written with single quotes (moc reads a glob's "/*" in a raw string as a comment).
QByteArray json(const char *singleQuoted)
{
    return QByteArray(singleQuoted).replace('\'', '"');
}

proxy::OverrideSet rulesFrom(const QByteArray &singleQuoted)
{
    proxy::OverrideSet set;
    QString error;
    if (!proxy::OverrideSet::fromJson(json(singleQuoted.constData()), &set, &error))
        qFatal("bad rules in the test: %s", qPrintable(error));
    return set;
}

/// Chromium's Fetch pattern matching, for the test's own check that a pattern covers a URL:
/// '*' any run, '?' one character, '\' makes the next character literal.
bool patternMatches(QStringView pattern, QStringView url)
{
    if (pattern.isEmpty())
        return url.isEmpty();
    if (pattern.front() == u'*')
        return patternMatches(pattern.mid(1), url) ||
               (!url.isEmpty() && patternMatches(pattern, url.mid(1)));
    if (url.isEmpty())
        return false;
    if (pattern.front() == u'\\' && pattern.size() > 1)
        return pattern.at(1) == url.front() && patternMatches(pattern.mid(2), url.mid(1));
    return (pattern.front() == u'?' || pattern.front() == url.front()) &&
           patternMatches(pattern.mid(1), url.mid(1));
}

bool covered(const QList<FetchPattern> &patterns, FetchStage stage, const QString &url)
{
    return std::any_of(patterns.begin(), patterns.end(), [&](const FetchPattern &p) {
        return p.stage == stage && patternMatches(p.urlPattern, url);
    });
}

QJsonObject headersObject(const base::HeaderList &headers)
{
    QJsonObject out;
    for (const auto &[name, value] : headers)
        out.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    return out;
}

QJsonObject pausedAtRequest(const QString &method, const QString &url,
                            const base::HeaderList &headers)
{
    return {{QStringLiteral("requestId"), QStringLiteral("interception-job-3.0")},
            {QStringLiteral("networkId"), QStringLiteral("NET-1")},
            {QStringLiteral("resourceType"), QStringLiteral("XHR")},
            {QStringLiteral("request"),
             QJsonObject{{QStringLiteral("method"), method},
                         {QStringLiteral("url"), url},
                         {QStringLiteral("headers"), headersObject(headers)}}}};
}

QJsonObject pausedAtResponse(const QString &method, const QString &url,
                             const base::HeaderList &headers, int status,
                             const base::HeaderList &responseHeaders)
{
    QJsonObject paused = pausedAtRequest(method, url, headers);
    QJsonArray list;
    for (const auto &[name, value] : responseHeaders)
        list.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                {QStringLiteral("value"), QString::fromLatin1(value)}});
    paused.insert(QStringLiteral("responseStatusCode"), status);
    paused.insert(QStringLiteral("responseStatusText"), QStringLiteral("Server's Phrase"));
    paused.insert(QStringLiteral("responseHeaders"), list);
    return paused;
}

base::HeaderList preflightHeaders()
{
    return {{"Origin", kOrigin.toLatin1()},
            {"Access-Control-Request-Method", "PUT"},
            {"Access-Control-Request-Headers", "x-custom"}};
}

QByteArray headerOf(const QJsonArray &headers, const QString &name)
{
    for (const QJsonValue h : headers)
        if (h[QStringLiteral("name")].toString().compare(name, Qt::CaseInsensitive) == 0)
            return h[QStringLiteral("value")].toString().toLatin1();
    return {};
}

const QByteArray kPolicyRule =
    "{'rules': [{'name': 'api', 'host': 'localhost:8080', 'path': '/api/*', "
    "'policy': {'allow_origin': {'mode': 'allowlist', 'origins': ['http://127.0.0.1:5173']}, "
    "'allow_methods': {'mode': 'list', 'values': ['PUT']}, "
    "'allow_headers': {'mode': 'list', 'values': ['X-Custom']}}}]}";

const QByteArray kLocalPreflightRule =
    "{'rules': [{'name': 'local', 'host': 'localhost:8080', 'path': '/api/*', "
    "'answer_preflights': true, 'set': [['Access-Control-Allow-Origin', 'http://127.0.0.1:5173'], "
    "['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'X-Custom']]}]}";

} // namespace

class TestFetchOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void patternsCoverWhatTheRulesMatch_data();
    void patternsCoverWhatTheRulesMatch();
    void patternsOfRulesWithoutWork();
    void patternsAreEscapedAndUnique();
    void preflightAnsweredAtTheRequestStage();
    void otherRequestsContinueAtTheRequestStage();
    void responseChangedAtTheResponseStage();
    void preflightChangedAtTheResponseStage();
    void responsesNoRuleChangesContinue();
};

void TestFetchOverrides::patternsCoverWhatTheRulesMatch_data()
{
    addRuleCoverageRows();
}

void TestFetchOverrides::patternsCoverWhatTheRulesMatch()
{
    QFETCH(QByteArray, rule);
    QFETCH(QString, url);
    QFETCH(bool, answersPreflights);
    const proxy::OverrideSet set = rulesFrom("{'rules': [" + rule + "]}");
    // The rule itself matches the URL (the premise), so a pattern must let it be paused.
    const QUrl u(url);
    http::HttpRequest request;
    request.method = "GET";
    const QByteArray host =
        (u.host().contains(u':') ? u'[' + u.host() + u']' : u.host()).toLatin1() + ':' +
        QByteArray::number(u.port(u.scheme() == u"https" ? 443 : 80));
    QCOMPARE(set.matchingRule(request, host, u.path(QUrl::FullyEncoded).toLatin1()), 0);
    const QList<FetchPattern> patterns = attach::fetchPatterns(set);
    QVERIFY2(covered(patterns, FetchStage::Response, url), qPrintable(url));
    QCOMPARE(covered(patterns, FetchStage::Request, url), answersPreflights);
}

void TestFetchOverrides::patternsOfRulesWithoutWork()
{
    QVERIFY(attach::fetchPatterns(proxy::OverrideSet{}).isEmpty());
    const proxy::OverrideSet disabled =
        rulesFrom("{'rules': [{'host': 'a.example', 'enabled': false}]}");
    QVERIFY(attach::fetchPatterns(disabled).isEmpty());
    // Another host is not paused.
    const QList<FetchPattern> patterns =
        attach::fetchPatterns(rulesFrom("{'rules': [{'host': 'localhost:8080'}]}"));
    QVERIFY(!covered(patterns, FetchStage::Response, u"http://localhost:9090/"_s));
    QVERIFY(!covered(patterns, FetchStage::Response, u"http://example.com/"_s));
}

void TestFetchOverrides::patternsAreEscapedAndUnique()
{
    // A backslash in a path glob is literal; in a Fetch pattern it escapes the next character.
    const QByteArray rule =
        "{'host': 'localhost:8080', 'path': '/a\\\\b', 'answer_preflights': true}";
    const proxy::OverrideSet set = rulesFrom("{'rules': [" + rule + ", " + rule + "]}");
    const QList<FetchPattern> patterns = attach::fetchPatterns(set);
    const QList<FetchPattern> expected{{u"*://localhost:8080/a\\\\b*"_s, FetchStage::Request},
                                       {u"*://localhost:8080/a\\\\b*"_s, FetchStage::Response}};
    QCOMPARE(patterns, expected);
    QVERIFY(covered(patterns, FetchStage::Response, u"http://localhost:8080/a\\b?x"_s));
    QVERIFY(!covered(patterns, FetchStage::Response, u"http://localhost:8080/ab"_s));
}

void TestFetchOverrides::preflightAnsweredAtTheRequestStage()
{
    const proxy::OverrideSet set = rulesFrom(kLocalPreflightRule);
    const PausedDecision d = attach::decidePaused(
        set, pausedAtRequest(u"OPTIONS"_s, u"http://localhost:8080/api/items?x=1"_s,
                             preflightHeaders()));
    QCOMPARE(d.action, PausedDecision::Action::AnswerPreflight);
    QCOMPARE(d.command(), u"Fetch.fulfillRequest"_s);
    QCOMPARE(d.networkId, u"NET-1"_s);
    const QJsonObject params = d.params();
    QCOMPARE(params[u"requestId"_s].toString(), u"interception-job-3.0"_s);
    QCOMPARE(params[u"responseCode"_s].toInt(), 204);
    const QJsonArray headers = params[u"responseHeaders"_s].toArray();
    QCOMPARE(headerOf(headers, u"Access-Control-Allow-Origin"_s), kOrigin.toLatin1());
    QCOMPARE(headerOf(headers, u"Access-Control-Allow-Methods"_s), QByteArray("PUT"));
    QVERIFY(d.applied);
    QVERIFY(d.applied->answeredLocally);
    QCOMPARE(d.applied->rule, u"local"_s);
    QCOMPARE(d.applied->status, 204);
    QCOMPARE(d.applied->upstreamStatus, 0);
    QCOMPARE(d.applied->url, QByteArray("http://localhost:8080/api/items?x=1"));
}

void TestFetchOverrides::otherRequestsContinueAtTheRequestStage()
{
    const proxy::OverrideSet set = rulesFrom(kLocalPreflightRule);
    // The actual request: its response is changed at the Response stage, not here.
    PausedDecision d =
        attach::decidePaused(set, pausedAtRequest(u"PUT"_s, u"http://localhost:8080/api/items"_s,
                                                  {{"Origin", kOrigin.toLatin1()}}));
    QCOMPARE(d.action, PausedDecision::Action::Continue);
    QCOMPARE(d.command(), u"Fetch.continueRequest"_s);
    QCOMPARE(d.params(), QJsonObject({{u"requestId"_s, u"interception-job-3.0"_s}}));
    QVERIFY(!d.applied);
    // A preflight the rule does not decide (another path), a rule without answer_preflights.
    d = attach::decidePaused(
        set, pausedAtRequest(u"OPTIONS"_s, u"http://localhost:8080/other"_s, preflightHeaders()));
    QCOMPARE(d.action, PausedDecision::Action::Continue);
    d = attach::decidePaused(
        rulesFrom(kPolicyRule),
        pausedAtRequest(u"OPTIONS"_s, u"http://localhost:8080/api/items"_s, preflightHeaders()));
    QCOMPARE(d.action, PausedDecision::Action::Continue);
    // No rules; a URL that is not http(s).
    d = attach::decidePaused(
        proxy::OverrideSet{},
        pausedAtRequest(u"OPTIONS"_s, u"http://localhost:8080/api/items"_s, preflightHeaders()));
    QCOMPARE(d.action, PausedDecision::Action::Continue);
    d = attach::decidePaused(
        rulesFrom("{'rules': [{'answer_preflights': true}]}"),
        pausedAtRequest(u"OPTIONS"_s, u"ws://localhost:8080/api/items"_s, preflightHeaders()));
    QCOMPARE(d.action, PausedDecision::Action::Continue);
}

void TestFetchOverrides::responseChangedAtTheResponseStage()
{
    const base::HeaderList server{{"Content-Type", "application/json"}, {"X-Server", "yes"}};
    const PausedDecision d = attach::decidePaused(
        rulesFrom(kPolicyRule),
        pausedAtResponse(u"PUT"_s, u"http://localhost:8080/api/items"_s,
                         {{"Origin", kOrigin.toLatin1()}, {"X-Custom", "1"}}, 200, server));
    QCOMPARE(d.action, PausedDecision::Action::ChangeResponse);
    QCOMPARE(d.command(), u"Fetch.continueResponse"_s);
    const QJsonObject params = d.params();
    QCOMPARE(params[u"responseCode"_s].toInt(), 200);
    QCOMPARE(params[u"responsePhrase"_s].toString(), u"Server's Phrase"_s);
    const QJsonArray headers = params[u"responseHeaders"_s].toArray();
    QCOMPARE(headerOf(headers, u"Access-Control-Allow-Origin"_s), kOrigin.toLatin1());
    QCOMPARE(headerOf(headers, u"X-Server"_s), QByteArray("yes")); // the server's are kept
    QVERIFY(d.applied);
    QVERIFY(!d.applied->answeredLocally);
    QCOMPARE(d.applied->rule, u"api"_s);
    QCOMPARE(d.applied->upstreamStatus, 200);
    QCOMPARE(d.applied->upstreamHeaders, server);
    QCOMPARE(base::getHeader(d.applied->headers, "Access-Control-Allow-Origin"),
             std::optional<QByteArray>(kOrigin.toLatin1()));
}

void TestFetchOverrides::preflightChangedAtTheResponseStage()
{
    // The server's 404 preflight becomes the policy's 204: the phrase is not the server's then.
    const PausedDecision d = attach::decidePaused(
        rulesFrom(kPolicyRule), pausedAtResponse(u"OPTIONS"_s, u"http://localhost:8080/api/x"_s,
                                                 preflightHeaders(), 404, {{"X-Server", "yes"}}));
    QCOMPARE(d.action, PausedDecision::Action::ChangeResponse);
    const QJsonObject params = d.params();
    QCOMPARE(params[u"responseCode"_s].toInt(), 204);
    QVERIFY(!params.contains(u"responsePhrase"_s));
    const QJsonArray headers = params[u"responseHeaders"_s].toArray();
    QCOMPARE(headerOf(headers, u"Access-Control-Allow-Methods"_s), QByteArray("PUT"));
    QCOMPARE(d.applied->upstreamStatus, 404);
}

void TestFetchOverrides::responsesNoRuleChangesContinue()
{
    const proxy::OverrideSet set = rulesFrom(
        "{'rules': [{'host': 'localhost:8080', 'set': [['Access-Control-Allow-Origin', '*']]}]}");
    // Already what the rule sets: untouched, and not marked.
    PausedDecision d =
        attach::decidePaused(set, pausedAtResponse(u"GET"_s, u"http://localhost:8080/"_s, {}, 200,
                                                   {{"Access-Control-Allow-Origin", "*"}}));
    QCOMPARE(d.action, PausedDecision::Action::Continue);
    QVERIFY(!d.applied);
    // A response that failed on the network has nothing to change.
    QJsonObject failed = pausedAtRequest(u"GET"_s, u"http://localhost:8080/"_s, {});
    failed.insert(u"responseErrorReason"_s, u"ConnectionRefused"_s);
    d = attach::decidePaused(set, failed);
    QCOMPARE(d.action, PausedDecision::Action::Continue);
    QCOMPARE(d.command(), u"Fetch.continueRequest"_s);
}

QTEST_GUILESS_MAIN(TestFetchOverrides)
#include "tst_fetch_overrides.moc"
