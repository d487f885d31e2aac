// Judging captured exchanges: the credentials mode inferred from what was sent (and said), the
// preflight's answer judged on the actual request as the browser reports it, the compact
// summary against the full verdict.
#include "base/header_list.h"
#include "chromium_exchanges.h"
#include "cors/cors_error.h"
#include "session/exchange_evaluator.h"
#include "session/session.h"

#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
const QByteArray kUrl = "https://api.example.net/items";

X get(const base::HeaderList &response, qint64 at = kT0)
{
    return X("GET", kUrl, at)
        .request(chromiumFetch(kApi, kApp, "cross-site"))
        .response(200, response);
}

QString notes(const ExchangeEvaluation &e)
{
    return e.notes.join(QLatin1Char('\n'));
}
} // namespace

class TestExchangeEvaluator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cookieMeansInclude()
    {
        Session s;
        s.append({get({{"Access-Control-Allow-Origin", "*"}}).add("Cookie", "sid=1")});
        const ExchangeRow row = s.row(0);
        QCOMPARE(row.verdict.state, VerdictState::Blocked);
        QCOMPARE(row.verdict.corsError(), cors::CorsError::WildcardOriginNotAllowed);
        QCOMPARE(row.verdict.credentialsMode(), cors::CredentialsMode::Include);
        QVERIFY(row.verdict.assumptions & Assumption::CredentialsFromCookie);
        QCOMPARE(row.errorName(), QStringLiteral("WildcardOriginNotAllowed"));
        const ExchangeEvaluation e = s.evaluation(0);
        QVERIFY2(notes(e).contains(QLatin1String(
                     "assumed credentials: 'include' because a Cookie header was sent")),
                 qPrintable(notes(e)));
        QVERIFY(!e.credentialedVerdict);
        QCOMPARE(e.summary, row.verdict);
    }

    void noCookieIsJudgedBothWays()
    {
        Session s;
        s.append({get({{"Access-Control-Allow-Origin", "*"}})});
        const ExchangeRow row = s.row(0);
        // Exposed as sent; blocked had the page asked for credentials.
        QCOMPARE(row.verdict.state, VerdictState::Warning);
        QCOMPARE(row.verdict.corsError(), cors::CorsError::WildcardOriginNotAllowed);
        QVERIFY(row.verdict.assumptions & Assumption::CredentialsUnknown);
        QVERIFY(row.verdict.assumptions & Assumption::ErrorWithCredentials);
        const ExchangeEvaluation e = s.evaluation(0);
        QVERIFY(e.verdict->exposed);
        QVERIFY(e.credentialedVerdict && !e.credentialedVerdict->exposed);
        QVERIFY2(notes(e).contains(QLatin1String("credentials mode unknown")) &&
                     notes(e).contains(QLatin1String(
                         "judged as sent (without credentials) and with credentials: 'include'")),
                 qPrintable(notes(e)));
        QCOMPARE(row.verdict.failedCheck, qint8(e.credentialedVerdict->failedCheck() -
                                                e.credentialedVerdict->checks.data()));
    }

    void noCookieBothWaysExposed()
    {
        Session s;
        s.append({get({{"Access-Control-Allow-Origin", kApp},
                       {"Access-Control-Allow-Credentials", "true"},
                       {"Vary", "Origin"}})});
        QCOMPARE(s.row(0).verdict.state, VerdictState::Exposed);
        QCOMPARE(s.row(0).verdict.error, quint8(0));
    }

    void authorizationInference_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<bool>("include");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("Basic, no preflight announced it: the browser's HTTP auth")
            << QByteArray("Basic dXNlcjpwdw==") << true
            << "assumed credentials: 'include' because an Authorization header was sent that no "
               "preflight announced";
        QTest::newRow("Bearer: a script's token")
            << QByteArray("Bearer eyJhbGciOi") << false << "credentials mode unknown";
    }
    void authorizationInference()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(bool, include);
        QFETCH(QString, sentence);
        const CapturedExchange x =
            get({{"Access-Control-Allow-Origin", kApp}}).add("Authorization", authorization);
        const CredentialsInference ci = inferCredentials(x, nullptr);
        QCOMPARE(ci.include, include);
        Session s;
        s.append({x});
        QVERIFY2(notes(s.evaluation(0)).contains(sentence), qPrintable(notes(s.evaluation(0))));
    }

    void authorizationAnnouncedByThePreflightIsTheScripts()
    {
        const CapturedExchange x = get({}).add("Authorization", "Basic dXNlcjpwdw==");
        const QList<QByteArray> announced{"authorization"};
        QVERIFY(!inferCredentials(x, &announced).include);
        QVERIFY(inferCredentials(x, nullptr).include);
    }

    void blockedPreflightIsReportedOnItsActualRequest()
    {
        // The preflight's answer does not list X-Token: Chromium blocks the fetch with
        // HeaderDisallowedByPreflightResponse. (A capture can hold the actual request anyway: sent
        // by another browser, or judged under another profile.)
        Session s;
        s.append({X("OPTIONS", kUrl, kT0)
                      .request(chromiumPreflight(kApi, kApp, "PUT", "content-type,x-token"))
                      .response(204, {{"Access-Control-Allow-Origin", kApp},
                                      {"Access-Control-Allow-Credentials", "true"},
                                      {"Access-Control-Allow-Methods", "PUT"},
                                      {"Access-Control-Allow-Headers", "content-type"}}),
                  X("PUT", kUrl, kT0 + 15)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .add("Content-Type", "application/json")
                      .add("X-Token", "t")
                      .add("Cookie", "sid=1")
                      .response(200, {{"Access-Control-Allow-Origin", kApp},
                                      {"Access-Control-Allow-Credentials", "true"}})});
        QCOMPARE(s.row(1).pairing, PairingState::Paired);
        QCOMPARE(s.row(0).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(1).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(1).verdict.corsError(),
                 cors::CorsError::HeaderDisallowedByPreflightResponse);
        const ExchangeEvaluation e = s.evaluation(1);
        const cors::Check &failed = e.verdict->checks.at(s.row(1).verdict.failedCheck);
        QCOMPARE(failed.phase, cors::Phase::Preflight);
        QCOMPARE(failed.seen, QByteArray("x-token"));
        QVERIFY(e.scenario.preflight.has_value());
    }

    void aHeaderThePreflightAnnouncedIsThePages()
    {
        // Cache-Control usually comes from the browser (DevTools' "Disable cache"), but the
        // preflight announced it: the script set it, and the answer does not allow it.
        Session s;
        s.append({X("OPTIONS", kUrl, kT0)
                      .request(chromiumPreflight(kApi, kApp, "GET", "cache-control"))
                      .response(204, {{"Access-Control-Allow-Origin", "*"},
                                      {"Access-Control-Allow-Headers", "content-type"}}),
                  X("GET", kUrl, kT0 + 12)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .add("Cache-Control", "no-cache")
                      .response(200, {{"Access-Control-Allow-Origin", "*"}})});
        QCOMPARE(s.row(1).pairing, PairingState::Paired);
        QCOMPARE(s.row(1).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(1).verdict.corsError(),
                 cors::CorsError::HeaderDisallowedByPreflightResponse);
        QVERIFY(base::containsHeader(s.evaluation(1).scenario.headers, "cache-control"));
    }

    void preflightErrorStatus()
    {
        Session s;
        s.append({X("OPTIONS", kUrl, kT0)
                      .request(chromiumPreflight(kApi, kApp, "DELETE", {}))
                      .response(404, {{"Access-Control-Allow-Origin", "*"}}),
                  X("DELETE", kUrl, kT0 + 15)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .response(204, {{"Access-Control-Allow-Origin", "*"}})});
        QCOMPARE(s.row(1).verdict.corsError(), cors::CorsError::PreflightInvalidStatus);
        QCOMPARE(s.row(0).verdict.corsError(), cors::CorsError::PreflightInvalidStatus);
    }

    void preflightTakesCredentialsFromItsActualRequest()
    {
        // Without Access-Control-Allow-Credentials the preflight passes a credentials-less request
        // only. Alone it is a warning; once its actual request shows a cookie, it is blocked.
        const X preflight = X("OPTIONS", kUrl, kT0)
                                .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
                                .response(204, {{"Access-Control-Allow-Origin", kApp},
                                                {"Access-Control-Allow-Methods", "PUT"},
                                                {"Access-Control-Allow-Headers", "content-type"}});
        Session s;
        s.append({preflight});
        QCOMPARE(s.row(0).verdict.state, VerdictState::Warning);
        QCOMPARE(s.row(0).verdict.corsError(), cors::CorsError::PreflightInvalidAllowCredentials);
        QVERIFY(notes(s.evaluation(0))
                    .contains(QLatin1String("a preflight never carries credentials")));
        s.append({X("PUT", kUrl, kT0 + 10)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .add("Content-Type", "application/json")
                      .add("Cookie", "sid=1")
                      .response(200, {{"Access-Control-Allow-Origin", kApp}})});
        QCOMPARE(s.row(0).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(0).verdict.corsError(), cors::CorsError::PreflightInvalidAllowCredentials);
        QVERIFY2(
            notes(s.evaluation(0))
                .contains(QLatin1String(
                    "credentials: 'include' taken from the actual request #2 (it sent a Cookie)")),
            qPrintable(notes(s.evaluation(0))));
        QCOMPARE(s.row(1).verdict.corsError(), cors::CorsError::PreflightInvalidAllowCredentials);
    }

    void notApplicableKinds()
    {
        Session s;
        s.append(
            {X("GET", "https://app.example.com/").request(chromiumNavigation("app.example.com")),
             X("GET", "https://cdn.other.org/a.png")
                 .request(chromiumImage("cdn.other.org", kApp + "/"))});
        QCOMPARE(s.row(0).verdict.state, VerdictState::NotApplicable);
        QCOMPARE(s.row(1).verdict.state, VerdictState::NotApplicable);
        QVERIFY(notes(s.evaluation(0)).contains(QLatin1String("CORS does not apply")));
        QVERIFY(notes(s.evaluation(1)).contains(QLatin1String("opaque")));
    }

    void noResponseIsUnknown()
    {
        Session s;
        s.append({get({}).failed(QStringLiteral("upstream refused the connection: 127.0.0.1:9"))});
        QCOMPARE(s.row(0).verdict.state, VerdictState::Unknown);
        QVERIFY(s.row(0).failed);
        QVERIFY(notes(s.evaluation(0)).contains(QLatin1String("upstream refused the connection")));
    }

    void modeAssumedWithoutSecFetch()
    {
        Session s;
        s.append({X("GET", "http://api.test:8081/items")
                      .request(chromiumPlainHttpFetch("api.test:8081", "http://app.test:8080"))
                      .response(200, {{"Access-Control-Allow-Origin", "http://app.test:8080"},
                                      {"Vary", "Origin"}})});
        QCOMPARE(s.row(0).kind, ExchangeKind::SimpleCors);
        QVERIFY(s.row(0).verdict.assumptions & Assumption::ModeAssumed);
        QVERIFY(notes(s.evaluation(0)).contains(QLatin1String("request mode assumed 'cors'")));
    }

    void warningsFromTheEngine()
    {
        // An echoed origin without Vary: Origin passes today, poisons caches tomorrow.
        Session s;
        s.append({get({{"Access-Control-Allow-Origin", kApp},
                       {"Access-Control-Allow-Credentials", "true"}})
                      .add("Cookie", "sid=1")});
        QCOMPARE(s.row(0).verdict.state, VerdictState::Warning);
        QCOMPARE(s.row(0).verdict.error, quint8(0));
        QVERIFY(s.row(0).verdict.warnings >= 1);
    }

    void evaluationKeyIgnoresWhatCannotChangeAVerdict()
    {
        const cors::BrowserProfile &chromium = cors::BrowserProfile::get(cors::Browser::Chromium);
        CapturedExchange a =
            get({{"Date", "Wed, 01 May 2024 10:40:00 GMT"}, {"Access-Control-Allow-Origin", "*"}});
        CapturedExchange b = a;
        b.url += "?page=2";
        b.responseHeaders[0].second = "Wed, 01 May 2024 10:41:00 GMT";
        const Classification c = classifyExchange(a, chromium);
        QCOMPARE(evaluationKey(a, c, {}), evaluationKey(b, classifyExchange(b, chromium), {}));
        CapturedExchange d = a;
        d.responseHeaders[1].second = "https://other.example";
        QVERIFY(evaluationKey(a, c, {}) != evaluationKey(d, classifyExchange(d, chromium), {}));
    }
};

QTEST_GUILESS_MAIN(TestExchangeEvaluator)
#include "tst_exchange_evaluator.moc"
