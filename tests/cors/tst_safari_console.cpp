// cors::safariConsoleText: the sentence WebKit's console prints for each kind of blocked fetch,
// and the safari profile's preflight precedence (status before the CORS check). The sentences
// were read off WebKitGTK 2.50 (tests/browser/tst_webkit_console.cpp checks them against the real
// engine on every harness case); these rows pin the rules down without a browser.

#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/safari_console.h"
#include "scenario_builder.h"

#include <QtTest>

using namespace corslab::cors;
using S = ScenarioBuilder;

namespace {

const char *const kRefusedOrigin =
    "Origin http://app.test:8080 is not allowed by Access-Control-Allow-Origin.";

QString sentenceFor(const Scenario &scenario)
{
    return safariConsoleText(scenario, evaluate(scenario, BrowserProfile::get(Browser::Safari)));
}

} // namespace

class TestSafariConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sentence_data();
    void sentence();
    void exposedHasNoSentence();
    void preflightStatusComesFirstInSafariOnly();
};

void TestSafariConsole::sentence_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::addColumn<QString>("expected");
    const QString refused = QString::fromLatin1(kRefusedOrigin);

    QTest::newRow("no ACAO: the status code follows")
        << Scenario(S().response(200, {})) << refused + QStringLiteral(" Status code: 200");
    QTest::newRow("mismatch on a 404")
        << Scenario(S().response(404, {{"Access-Control-Allow-Origin", "http://other.test"}}))
        << refused + QStringLiteral(" Status code: 404");
    QTest::newRow("a comma: more than one origin")
        << Scenario(S().response(200, {{"Access-Control-Allow-Origin", "http://app.test:8080"},
                                       {"Access-Control-Allow-Origin", "*"}}))
        << QStringLiteral("Access-Control-Allow-Origin cannot contain more than one origin.");
    QTest::newRow("a list without a comma is just not the origin")
        << Scenario(S().response(200, {{"Access-Control-Allow-Origin", "null *"}}))
        << refused + QStringLiteral(" Status code: 200");
    QTest::newRow("wildcard with credentials")
        << Scenario(S().include().response(200, {{"Access-Control-Allow-Origin", "*"}}))
        << QStringLiteral(
               "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.");
    QTest::newRow("a common header in WebKit's spelling")
        << Scenario(S().method("PUT")
                        .header("range", "bytes=0-1,4-5")
                        .preflight(200, {{"Access-Control-Allow-Origin", "http://app.test:8080"},
                                         {"Access-Control-Allow-Methods", "PUT"}}))
        << QStringLiteral(
               "Request header field Range is not allowed by Access-Control-Allow-Headers.");
    QTest::newRow("any other header as the script wrote it")
        << Scenario(S().header("X-Custom", "1")
                        .preflight(200, {{"Access-Control-Allow-Origin", "http://app.test:8080"}}))
        << QStringLiteral(
               "Request header field X-Custom is not allowed by Access-Control-Allow-Headers.");
    QTest::newRow("refused on a redirect: the redirection is named")
        << Scenario(S().redirect(302, {{"Location", "/next"}}).response(200, {}))
        << QStringLiteral("Cross-origin redirection to http://api.test:8081/next denied by "
                          "Cross-Origin Resource Sharing policy: ") +
               refused + QStringLiteral(" Status code: 302");
    QTest::newRow("redirect to another scheme")
        << Scenario(S().redirect(
               302, {{"Location", "foo://bar.cgi"}, {"Access-Control-Allow-Origin", "*"}}))
        << QStringLiteral("Cross-origin redirection to foo://bar.cgi denied by Cross-Origin "
                          "Resource Sharing policy: not allowed to follow a cross-origin CORS "
                          "redirection with non CORS scheme");
    QTest::newRow("redirect mode error")
        << Scenario(
               S().redirectMode(RedirectMode::Error)
                   .redirect(302, {{"Location", "/next"}, {"Access-Control-Allow-Origin", "*"}})
                   .response(200, {}))
        << QStringLiteral("Not allowed to follow a redirection while loading "
                          "http://api.test:8081/items");
    QTest::newRow("a refused preflight without ACAO fails on its status")
        << Scenario(S().method("PUT").preflight(400, {}))
        << QStringLiteral("Preflight response is not successful. Status code: 400");
}

void TestSafariConsole::sentence()
{
    QFETCH(Scenario, scenario);
    QFETCH(QString, expected);
    QCOMPARE(sentenceFor(scenario), expected);
}

void TestSafariConsole::exposedHasNoSentence()
{
    QVERIFY(sentenceFor(S().response(200, {{"Access-Control-Allow-Origin", "*"}})).isEmpty());
}

void TestSafariConsole::preflightStatusComesFirstInSafariOnly()
{
    const Scenario refused = S().method("PUT").preflight(403, {});
    QCOMPARE(evaluate(refused, BrowserProfile::get(Browser::Safari)).error,
             CorsError::PreflightInvalidStatus);
    QCOMPARE(evaluate(refused, BrowserProfile::get(Browser::Chromium)).error,
             CorsError::PreflightMissingAllowOriginHeader);
    QCOMPARE(evaluate(refused, BrowserProfile::get(Browser::Spec)).error,
             CorsError::PreflightMissingAllowOriginHeader);
    // An ok status still reaches the CORS check.
    QCOMPARE(
        evaluate(S().method("PUT").preflight(204, {}), BrowserProfile::get(Browser::Safari)).error,
        CorsError::PreflightMissingAllowOriginHeader);
}

QTEST_GUILESS_MAIN(TestSafariConsole)
#include "tst_safari_console.moc"
