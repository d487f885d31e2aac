// The playground page in real headless Chromium, against the engine.
//
// For each policy (presets of CorsPolicy) and each page origin (the trusted app, same site as the
// API, and the untrusted page on another site), a fresh PlaygroundServer serves the page, Chromium
// opens `<page origin>/?autorun=1`, the page runs every action of its ACTIONS list in order and
// posts what JavaScript saw to /__results. The API exchanges each action caused are then matched
// to it (the page runs the actions one after the other) and compared:
//
//   - preflight: judgeExchange() on the OPTIONS exchange says "preflight ok" iff Chromium went on
//     to send the actual request; on the actual exchange the engine says whether a preflight was
//     needed, which must match whether Chromium sent one;
//   - exposed or blocked: judgeExchange() on the actual exchange vs. what the page saw (fetch():
//     a "cors"/"basic" response; XHR: onload), and the readable response headers when both say
//     exposed;
//   - cookies: a request carries the session cookie exactly when the page is the same-site app,
//     asked for credentials and has logged in (and not out) before; the untrusted page never sends
//     it (Chromium blocks third-party cookies); for /private the engine's verdict carries the
//     ThirdPartyCookies warning exactly for a credentialed request from the other site;
//   - the browser saw what the server sent: the status of every readable response; /private
//     answers 200 with the cookie and 401 without.
//
// On failure the test prints a table of action x check x expected x actual. Browser processes are
// tracked and cleaned up by AgreementCheck::run() (agreement_check.h), as in the other browser
// tests.

#include "agreement_check.h"
#include "browser_runner.h"
#include "chromium_runner.h"
#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/preflight_cache.h"
#include "cors/verdict.h"
#include "playground_results.h"
#include "policy/cors_policy.h"
#include "server/playground_server.h"
#include "session/exchange_judge.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;
using namespace corslab;

namespace {

constexpr int PageTimeoutMs = 60000;

const QByteArray SessionCookie = "corslab_session=";

std::optional<QByteArray> responseHeader(const http::HttpResponse &response, QByteArrayView name)
{
    for (const auto &header : response.headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return std::nullopt;
}

bool carriesSessionCookie(const http::HttpRequest &request)
{
    const std::optional<QByteArray> cookie = request.header("cookie");
    if (!cookie)
        return false;
    for (const QByteArray &part : cookie->split(';')) {
        const QByteArray pair = part.trimmed();
        if (pair.startsWith(SessionCookie) && pair.size() > SessionCookie.size())
            return true;
    }
    return false;
}

/// The response as it went on the wire: the exchange log keeps the response as the handler built
/// it, without the Content-Length that HttpResponse::serialize() adds, and the browser (so the
/// engine) must see the headers Chromium saw.
http::HttpResponse wireResponse(const http::HttpResponse &logged)
{
    http::HttpResponse wire = logged;
    wire.headers.clear();
    const QByteArray bytes = logged.serialize(false);
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = bytes.left(end).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            wire.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return wire;
}

QString exchangeLine(const http::HttpExchange &exchange)
{
    const http::HttpRequest &request = exchange.request;
    QString line = u"%1 %2 -> %3"_s.arg(QString::fromLatin1(request.method),
                                        QString::fromLatin1(request.target),
                                        QString::number(exchange.response.status));
    if (const auto acrm = request.header("access-control-request-method"))
        line += u" [ACRM %1]"_s.arg(QString::fromLatin1(*acrm));
    if (const auto acrh = request.header("access-control-request-headers"))
        line += u" [ACRH %1]"_s.arg(QString::fromLatin1(*acrh));
    line += carriesSessionCookie(request) ? u" [cookie]"_s : u" [no cookie]"_s;
    for (const QByteArrayView name : {QByteArrayView("Access-Control-Allow-Origin"),
                                      QByteArrayView("Access-Control-Allow-Credentials")}) {
        if (const auto value = responseHeader(exchange.response, name))
            line += u" %1: %2;"_s.arg(QString::fromLatin1(name.toByteArray()),
                                      QString::fromLatin1(*value));
    }
    return line;
}

QString verdictText(const cors::Verdict &verdict)
{
    QString text =
        verdict.exposed ? u"exposed"_s : u"blocked (%1)"_s.arg(cors::corsErrorName(verdict.error));
    return text;
}

bool hasWarning(const cors::Verdict &verdict, cors::WarningKind kind)
{
    return std::any_of(verdict.warnings.cbegin(), verdict.warnings.cend(),
                       [kind](const cors::Warning &w) { return w.kind == kind; });
}

QString joined(QList<QByteArray> values)
{
    std::sort(values.begin(), values.end());
    QStringList list;
    for (const QByteArray &value : values)
        list.append(QString::fromLatin1(value));
    return u"["_s + list.join(u", "_s) + u"]"_s;
}

} // namespace

class TestBrowserPlayground : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pageAgreesWithEngine_data();
    void pageAgreesWithEngine();
    void cleanupTestCase();

private:
    QStringList m_mismatches; ///< one line per mismatch, over all rows, for the closing summary
};

void TestBrowserPlayground::initTestCase()
{
    ChromiumRunner runner;
    if (!runner.isAvailable())
        QSKIP("/usr/bin/chromium is not installed (Debian package 'chromium'; ./test installs it): "
              "cannot run the playground page in a real browser");
    qInfo("browser: %s", qPrintable(runner.version()));
    AgreementCheck::reportForeignBrowsers(runner);
}

void TestBrowserPlayground::pageAgreesWithEngine_data()
{
    QTest::addColumn<QString>("policyName");
    QTest::addColumn<QString>("role");
    const struct
    {
        const char *tag;
        QString policy;
    } policies[] = {
        {"credentialed-allowlist", u"Credentialed allowlist"_s},
        {"reflect-any-origin", u"Misconfigured: reflect any origin with credentials"_s},
        {"open-public-api", u"Open public API"_s},
        {"no-cors", u"No CORS"_s},
    };
    for (const auto &policy : policies) {
        for (const QString &role : {u"app"_s, u"evil"_s})
            QTest::addRow("%s/%s", policy.tag, qPrintable(role)) << policy.policy << role;
    }
}

void TestBrowserPlayground::pageAgreesWithEngine()
{
    QFETCH(QString, policyName);
    QFETCH(QString, role);
    const std::optional<policy::CorsPolicy> policy = policy::CorsPolicy::preset(policyName);
    QVERIFY2(policy, qPrintable(u"no preset called \""_s + policyName + u'"'));
    const cors::BrowserProfile &profile = cors::BrowserProfile::get(cors::Browser::Chromium);
    const bool crossSite = role == u"evil"_s;

    // 1. A fresh server (fresh sessions) and a fresh browser profile (no cookies) per row.
    server::PlaygroundServer playground(server::PlaygroundServer::Options{}, *policy);
    QString error;
    QVERIFY2(playground.start(&error), qPrintable(error));
    QUrl page = crossSite ? playground.evilPageUrl() : playground.appPageUrl();
    page.setQuery(u"autorun=1"_s);

    ChromiumRunner chromium;
    PlaygroundPageRun<server::PlaygroundServer> run(chromium, playground, page, role,
                                                    PageTimeoutMs);
    AgreementCheck processes(profile); // no cases: used for its process bookkeeping only
    processes.run(run, PageTimeoutMs);
    playground.stop();
    const QList<http::HttpExchange> all = playground.exchanges();

    QList<http::HttpExchange> api;
    for (const http::HttpExchange &exchange : all) {
        if (exchange.request.listener == u"api"_s)
            api.append(exchange);
    }
    QStringList exchangeLines;
    for (const http::HttpExchange &exchange : all)
        exchangeLines.append(u"    [%1] "_s.arg(exchange.request.listener) +
                             exchangeLine(exchange));
    const QString context = u"policy \"%1\", page %2\n  exchanges the server saw:\n%3"_s.arg(
        policyName, page.toString(), exchangeLines.join(u'\n'));

    const QString leftovers =
        processes.leftovers().isEmpty()
            ? QString()
            : u"\n  browser processes outlived ChromiumRunner::stop() (killed now):\n"_s +
                  processes.leftovers();
    if (!run.report()) {
        QFAIL(qPrintable(run.error() + u"\n  "_s + context + u"\n  browser output (tail):\n"_s +
                         QString::fromLocal8Bit(chromium.output().right(3000)) + leftovers));
    }
    const QJsonObject report = *run.report();
    QCOMPARE(report.value(u"role"_s).toString(), role);
    const QJsonArray results = report.value(u"results"_s).toArray();
    const QStringList reportedIds = reportedActionIds(results);
    const QStringList expectedIds = expectedActionIds();
    QVERIFY2(reportedIds == expectedIds,
             qPrintable(u"the page's actions changed: it reported [%1], the test knows [%2] "
                        "(update pageActions() to the page's ACTIONS)"_s.arg(
                            reportedIds.join(u", "_s), expectedIds.join(u", "_s))));

    // 2. Match each action's exchanges and compare.
    QList<CheckRow> rows;
    const auto check = [&rows](const QString &action, const QString &what, const QString &expected,
                               const QString &actual, const QString &note = QString()) {
        rows.append({action, what, expected, actual, expected == actual,
                     expected == actual ? QString() : note});
    };
    qsizetype next = 0;
    bool loggedIn = false; // the browser holds the session cookie for the API's site
    // The engine's model of Chromium's preflight cache, fed with the preflights that passed: a
    // later request it covers goes out without a preflight (e.g. PUT after a POST preflight that
    // allowed PUT and "*" headers).
    cors::PreflightCache preflightCache;
    for (qsizetype i = 0; i < pageActions().size(); ++i) {
        const PageAction &action = pageActions().at(i);
        const QString id = QString::fromLatin1(action.id);
        const QJsonObject result = results.at(i).toObject();
        const bool browserExposed = result.value(u"exposed"_s).toBool();
        const bool resolved = result.value(u"resolved"_s).toBool();

        const ActionExchanges matched = matchAction(api, &next, action);
        std::optional<http::HttpExchange> preflight;
        std::optional<http::HttpExchange> actual;
        if (matched.preflight >= 0)
            preflight = api.at(matched.preflight);
        if (matched.actual >= 0)
            actual = api.at(matched.actual);
        if (preflight)
            preflight->response = wireResponse(preflight->response);
        if (actual)
            actual->response = wireResponse(actual->response);
        const QUrl url(QString::fromLatin1(playground.origins().api + action.path));

        if (!preflight && !actual) {
            check(id, u"request reached the API"_s, u"yes"_s, u"no"_s,
                  u"browser: %1"_s.arg(result.value(u"error"_s).toString()));
            continue;
        }

        // Preflight: the engine's "preflight ok" vs. the browser sending the actual request.
        std::optional<cors::PreflightResult> passedPreflight; // stored after this action
        if (preflight) {
            const session::ExchangeJudgement judgement =
                session::judgeExchange(preflight->request, preflight->response, url, profile);
            if (judgement.kind != session::ExchangeJudgement::Kind::Preflight) {
                check(id, u"preflight judged as a preflight"_s, u"yes"_s, u"no"_s,
                      judgement.summary);
            } else {
                const cors::Verdict &verdict =
                    action.credentials ? *judgement.credentialedVerdict : *judgement.verdict;
                check(id, u"preflight ok / actual request sent"_s, yesNo(verdict.preflightOk),
                      yesNo(actual.has_value()),
                      u"engine: %1; preflight: %2"_s.arg(judgement.summary,
                                                         exchangeLine(*preflight)));
                passedPreflight = verdict.preflightResult;
            }
        }
        if (!actual) {
            // Blocked at the preflight: the page must have seen a failure.
            check(id, u"exposed"_s, u"no (no actual request)"_s,
                  browserExposed ? u"yes"_s : u"no (no actual request)"_s);
            continue;
        }

        // The actual request.
        const session::ExchangeJudgement judgement =
            session::judgeExchange(actual->request, actual->response, url, profile);
        if (judgement.kind != session::ExchangeJudgement::Kind::Actual || !judgement.verdict) {
            check(id, u"judged as a CORS request"_s, u"yes"_s, u"no"_s, judgement.summary);
            continue;
        }
        // A capture cannot tell a cookieless credentialed request from a plain one, so the judge
        // gives both verdicts; the page's own credentials mode picks the one to compare.
        const cors::Verdict &verdict = action.credentials && judgement.credentialedVerdict
                                           ? *judgement.credentialedVerdict
                                           : *judgement.verdict;

        // What the engine says when told the page's real credentials mode, for the notes.
        cors::Scenario known = judgement.scenario;
        known.credentials =
            action.credentials ? cors::CredentialsMode::Include : cors::CredentialsMode::SameOrigin;
        if (preflight)
            known.preflight =
                cors::ResponseSpec{preflight->response.status, preflight->response.headers};
        // Evaluated before this action's own preflight is stored: the cache as it was when
        // Chromium decided whether to preflight.
        const cors::Verdict knownVerdict =
            cors::evaluate(known, profile, preflightCache, actual->startedAtMs);
        if (passedPreflight)
            preflightCache.store(*passedPreflight, preflight->startedAtMs);
        check(id, u"preflight sent"_s, yesNo(knownVerdict.preflightRequired),
              yesNo(preflight.has_value()),
              u"engine: preflight needed=%1, covered by the preflight cache=%2"_s.arg(
                  yesNo(verdict.preflightRequired || verdict.preflightFromCache),
                  yesNo(knownVerdict.preflightFromCache)));
        const QString verdictNote =
            u"judgeExchange inferred credentials=%1 (Cookie %2) -> %3; with the page's "
            "credentials=%4 the engine says %5; response: %6"_s.arg(
                cors::credentialsModeName(judgement.scenario.credentials),
                actual->request.header("cookie") ? u"present"_s : u"absent"_s, verdictText(verdict),
                cors::credentialsModeName(known.credentials), verdictText(knownVerdict),
                exchangeLine(*actual));
        const QString browserOutcome =
            browserExposed ? u"exposed"_s : (resolved ? u"opaque"_s : u"blocked"_s);
        check(id, u"exposed"_s, verdict.exposed ? u"exposed"_s : u"blocked"_s, browserOutcome,
              verdictNote +
                  (resolved ? QString() : u"; page: "_s + result.value(u"error"_s).toString()));
        if (verdict.exposed && browserExposed) {
            QList<QByteArray> seen;
            for (const QJsonValue &name : result.value(u"headers"_s).toArray())
                seen.append(name.toString().toLatin1());
            check(id, u"readable headers"_s, joined(verdict.readableHeaders), joined(seen));
        }

        // Cookies: sent exactly from the same-site app, with credentials, once logged in.
        const bool cookieExpected = !crossSite && action.credentials && loggedIn;
        const bool cookieSent = carriesSessionCookie(actual->request);
        check(id, u"session cookie sent"_s, yesNo(cookieExpected), yesNo(cookieSent),
              crossSite
                  ? u"cross-site page: Chromium must withhold the API's cookie"_s
                  : u"same-site page, credentials=%1, logged in=%2"_s.arg(
                        action.credentials ? u"include"_s : u"same-origin"_s, yesNo(loggedIn)));
        if (action.path == "/private") {
            const bool warningExpected = crossSite && action.credentials;
            check(id, u"judge: ThirdPartyCookies warning"_s, yesNo(warningExpected),
                  yesNo(hasWarning(verdict, cors::WarningKind::ThirdPartyCookies)),
                  u"judgeExchange inferred credentials=%1 (Cookie %2); with the page's "
                  "credentials=%3 the engine warns: %4 (verdict %5); judge's cookie note: %6"_s.arg(
                      cors::credentialsModeName(judgement.scenario.credentials),
                      actual->request.header("cookie") ? u"present"_s : u"absent"_s,
                      cors::credentialsModeName(known.credentials),
                      yesNo(hasWarning(knownVerdict, cors::WarningKind::ThirdPartyCookies)),
                      verdictText(knownVerdict),
                      judgement.cookieNote.isEmpty() ? u"(none)"_s : judgement.cookieNote));
            // The server answers 200 to the session cookie, 401 without it.
            check(id, u"server status (/private)"_s, QString::number(cookieExpected ? 200 : 401),
                  QString::number(actual->response.status));
        }

        // The browser saw what the server sent.
        if (resolved && browserExposed)
            check(id, u"status the page read"_s, QString::number(actual->response.status),
                  QString::number(result.value(u"status"_s).toInt()));

        // Cookie state for the next actions: the session cookie is stored from a credentialed
        // same-site response (whatever CORS then says: Fetch stores cookies before the CORS
        // check) and removed by /logout.
        if (!crossSite && action.credentials && responseHeader(actual->response, "set-cookie")) {
            if (action.path == "/login")
                loggedIn = true;
            else if (action.path == "/logout")
                loggedIn = false;
        }
    }
    for (; next < api.size(); ++next)
        check(u"(none)"_s, u"API exchange matched to an action"_s, u"yes"_s, u"no"_s,
              exchangeLine(api.at(next)));

    // 3. Report.
    const auto failed =
        std::count_if(rows.cbegin(), rows.cend(), [](const CheckRow &row) { return !row.ok; });
    qInfo("%s / %s: %d checks on %d API exchanges, %d mismatch(es); page ran in %lld ms",
          qPrintable(policyName), qPrintable(role), static_cast<int>(rows.size()),
          static_cast<int>(api.size()), static_cast<int>(failed),
          static_cast<long long>(run.elapsedMs()));
    for (const CheckRow &row : rows) {
        if (!row.ok)
            m_mismatches.append(u"  %1 | %2 | %3 | %4 | expected: %5 | actual: %6"_s.arg(
                policyName, role, row.subject, row.check, row.expected, row.actual));
    }
    if (failed > 0 || !leftovers.isEmpty())
        QFAIL(qPrintable(u"%1 mismatch(es) between Chromium and the engine/test for %2\n"_s.arg(
                             QString::number(failed), context) +
                         u"  checks:\n"_s + checkTable(rows, u"action"_s, {6, 5, 24, 8}, true) +
                         leftovers));
}

void TestBrowserPlayground::cleanupTestCase()
{
    if (!m_mismatches.isEmpty())
        qWarning("%d mismatch(es) between Chromium and the engine/test "
                 "(policy | page | action | check | expected | actual):\n%s",
                 static_cast<int>(m_mismatches.size()), qPrintable(m_mismatches.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestBrowserPlayground)
#include "tst_browser_playground.moc"
