// Bad scenario JSON gets a clear error naming the field and what was expected; good JSON parses
// with the documented defaults.
#include "cors/scenario_json.h"

#include <QtTest>

using namespace corslab::cors;

class TestScenarioJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        Scenario s;
        QString error;
        const QByteArray json =
            "{\"request\": {\"url\": \"http://a.test/x\", \"origin\": \"http://b.test\"},\n"
            "                                    \"response\": {\"status\": 200}}";
        QVERIFY2(scenarioFromJsonText(json, &s, &error), qPrintable(error));
        QCOMPARE(s.browser, QStringLiteral("chromium"));
        QCOMPARE(s.method, QByteArray("GET"));
        QCOMPARE(s.credentials, CredentialsMode::SameOrigin);
        QCOMPARE(s.mode, RequestMode::Cors);
        QCOMPARE(s.redirect, RedirectMode::Follow);
        QVERIFY(!s.preflight);
        QVERIFY(s.redirects.isEmpty());
    }

    void roundTrip()
    {
        Scenario s;
        QString error;
        const QByteArray json = "{\"browser\": \"firefox\",\n"
                                "            \"request\": {\"url\": \"http://a.test/x\", "
                                "\"origin\": \"http://b.test\", \"method\": \"PUT\",\n"
                                "                        \"headers\": [[\"X-A\", \"1\"], [\"X-A\", "
                                "\"2\"]], \"credentials\": \"include\"},\n"
                                "            \"preflight\": {\"status\": 204, \"headers\": "
                                "[[\"Access-Control-Allow-Origin\", \"*\"]]},\n"
                                "            \"redirects\": [{\"status\": 307, \"headers\": "
                                "[[\"Location\", \"/y\"]]}],\n"
                                "            \"response\": {\"status\": 201, \"headers\": []}}";
        QVERIFY(scenarioFromJsonText(json, &s, &error));
        QCOMPARE(s.headers.size(), 2); // duplicates kept
        Scenario again;
        QVERIFY(scenarioFromJson(scenarioToJson(s), &again, &error));
        QCOMPARE(scenarioToJson(again), scenarioToJson(s));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        const QByteArray r = "\"response\": {\"status\": 200}";
        auto with = [&](const QByteArray &request, const QByteArray &rest = QByteArray()) {
            return "{\"request\": " + request + ", " + (rest.isEmpty() ? r : rest) + "}";
        };
        const QByteArray ok = "{\"url\": \"http://a.test/x\", \"origin\": \"http://b.test\"";
        QTest::newRow("syntax error")
            << QByteArray("{\"request\": ") << QStringLiteral("invalid JSON at line 1");
        QTest::newRow("top level array")
            << QByteArray("[]") << QStringLiteral("expected a JSON object");
        QTest::newRow("request missing")
            << QByteArray("{" + r + "}") << QStringLiteral("request: expected an object");
        QTest::newRow("url missing") << with("{\"origin\": \"http://b.test\"}")
                                     << QStringLiteral("request.url: expected an absolute URL");
        QTest::newRow("url relative")
            << with("{\"url\": \"/x\", \"origin\": \"http://b.test\"}")
            << QStringLiteral("request.url: expected an absolute URL with a host");
        QTest::newRow("url number")
            << with("{\"url\": 5, \"origin\": \"http://b.test\"}") << QStringLiteral("got 5");
        QTest::newRow("origin with path")
            << with("{\"url\": \"http://a.test/x\", \"origin\": \"http://b.test/\"}")
            << QStringLiteral("request.origin: expected a serialized origin");
        QTest::newRow("origin missing")
            << with("{\"url\": \"http://a.test/x\"}")
            << QStringLiteral("request.origin: expected the page's origin");
        QTest::newRow("method not a token")
            << with(ok + ", \"method\": \"P UT\"}")
            << QStringLiteral("request.method: expected an HTTP method token");
        QTest::newRow("credentials unknown")
            << with(ok + ", \"credentials\": \"yes\"}")
            << QStringLiteral("request.credentials: expected one of \"omit\", \"same-origin\", "
                              "\"include\", got \"yes\"");
        QTest::newRow("mode unknown") << with(ok + ", \"mode\": \"navigate\"}")
                                      << QStringLiteral("request.mode: expected one of");
        QTest::newRow("redirect unknown") << with(ok + ", \"redirect\": 1}")
                                          << QStringLiteral("request.redirect: expected one of");
        QTest::newRow("headers not array")
            << with(ok + ", \"headers\": {\"a\": \"b\"}}")
            << QStringLiteral("request.headers: expected an array of [name, value] pairs");
        QTest::newRow("header not pair")
            << with(ok + ", \"headers\": [[\"a\"]]}")
            << QStringLiteral("request.headers[0]: expected a [name, value] pair");
        QTest::newRow("header bad name")
            << with(ok + ", \"headers\": [[\"a b\", \"c\"]]}")
            << QStringLiteral("request.headers[0][0]: expected a header name");
        QTest::newRow("header value newline")
            << with(ok + ", \"headers\": [[\"a\", \"b\\nc\"]]}")
            << QStringLiteral("request.headers[0][1]: expected a header value");
        QTest::newRow("unknown request field")
            << with(ok + ", \"metod\": \"PUT\"}") << QStringLiteral("request.metod: unknown field");
        QTest::newRow("unknown top field")
            << QByteArray("{\"request\": " + ok + "}, " + r + ", \"extra\": 1}")
            << QStringLiteral("extra: unknown field");
        QTest::newRow("browser unknown")
            << QByteArray("{\"browser\": \"edge\", \"request\": " + ok + "}, " + r + "}")
            << QStringLiteral("browser: expected one of \"chromium\", \"firefox\", \"safari\", "
                              "\"spec\", got \"edge\"");
        QTest::newRow("response missing")
            << QByteArray("{\"request\": " + ok + "}}") << QStringLiteral("response: missing");
        QTest::newRow("status not integer")
            << with(ok + "}", "\"response\": {\"status\": 200.5}")
            << QStringLiteral("response.status: expected an HTTP status code");
        QTest::newRow("status out of range")
            << with(ok + "}", "\"response\": {\"status\": 999}")
            << QStringLiteral(
                   "response.status: expected an HTTP status code from 100 to 599, got 999");
        QTest::newRow("preflight not object") << with(ok + "}", "\"preflight\": 204, " + r)
                                              << QStringLiteral("preflight: expected an object");
        QTest::newRow("redirects not array") << with(ok + "}", "\"redirects\": {}, " + r)
                                             << QStringLiteral("redirects: expected an array");
        QTest::newRow("redirect not 3xx")
            << with(ok + "}",
                    "\"redirects\": [{\"status\": 200, \"headers\": [[\"Location\", \"/\"]]}], " +
                        r)
            << QStringLiteral("redirects[0].status: expected a redirect status");
        QTest::newRow("redirect without Location")
            << with(ok + "}", "\"redirects\": [{\"status\": 302}], " + r)
            << QStringLiteral("redirects[0].headers: expected a Location header");
    }
    void badInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        Scenario s;
        QString error;
        QVERIFY(!scenarioFromJsonText(json, &s, &error));
        QVERIFY2(error.contains(message), qPrintable(QStringLiteral("got: ") + error));
    }
};

QTEST_GUILESS_MAIN(TestScenarioJson)
#include "tst_scenario_json.moc"
