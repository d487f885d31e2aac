// `corslab-cli check` vs. a real browser: the cases of browser_cases.cpp run once in one headless
// browser session (runInBrowser) and once through corslab::check::runChecks() under that
// browser's profile, against the SAME loopback scenario servers (their request log is cleared
// between the two runs, so what they hold afterwards is check's alone).
//
// Per case it compares what the page saw with check's outcome: exposed or blocked, the response
// type, whether a preflight went out, the readable response headers. And what the servers
// received from the browser with what they received from check: the requests in order (method,
// server, path), then request by request (the k-th preflight with the k-th preflight, the k-th
// actual request with the k-th actual request) every header either side wrote, value by value
// (Origin, Access-Control-Request-Method/-Headers and Sec-Fetch-* always, even when both leave
// them out), and the order of the headers both wrote, with and without the script's headers.
//
// Cases check cannot reproduce are skipped by category (kSkipCategories, with the reason).
// Disagreements with a known, documented cause (headers only the browser writes, check's own
// User-Agent, ...) are listed in kKnownExceptions: they are logged in one table, by reason, and
// do not fail. Every other disagreement fails the test in one table (case, field, browser's
// value, check's value), followed by the details of each case involved.
//
// Built twice (tests/browser/CMakeLists.txt): as tst_check_agreement_chromium and, with
// CORSLAB_AGREEMENT_FIREFOX, as tst_check_agreement_firefox (ctest: check_agreement_chromium,
// check_agreement_firefox).

#include "agreement_check.h"
#include "browser_cases.h"
#include "browser_under_test.h"
#include "check/check_runner.h"
#include "cors/browser_profile.h"
#include "cors/scenario.h"
#include "cors/scenario_json.h"

#include <QJsonArray>
#include <QSet>
#include <QtTest>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;
using namespace browser_under_test;
using namespace corslab;

namespace {

constexpr int BrowserTimeoutMs = 180000;
/// The test must compare at least this many cases (browserCases() minus the skipped ones).
constexpr int MinComparedCases = 60;

// Cases check cannot reproduce, by category. Every request field of a case (origin, url, method,
// headers, credentials, mode — no-cors and same-origin included —, redirect — manual and error
// included —, body) maps onto a ComposedRequest, and no case needs a page feature beyond one
// fetch() (window.open, forms, workers...), so what remains is what a single fetch() from a
// freshly opened page cannot do:
struct SkipCategory
{
    const char *name;
    const char *reason;
    bool (*applies)(const BrowserCase &);
};

const SkipCategory kSkipCategories[] = {
    {"repeated fetches (preflight cache)",
     "the page runs the fetch several times to observe the browser's preflight cache; a check "
     "job is one fetch() from a freshly opened page (its own, empty preflight cache) and check "
     "has no option to repeat it",
     [](const BrowserCase &c) { return c.repeat > 1; }},
};

// Disagreements with a known cause: logged (one table, by reason), not failed. `browser` and
// `caseId` empty mean any; `field` matches the field name up to its " (hop N)" suffix, either
// whole or as its last words ("user-agent" matches "actual user-agent" and "preflight
// user-agent"); `checkValue`, when set, must be check's value (a header check leaves out is
// excused, a header check sends with another value is not).
struct KnownException
{
    const char *browser;
    const char *caseId;
    const char *field;
    const char *checkValue;
    const char *reason;
};

constexpr char kAbsent[] = "(absent)";

const KnownException kKnownExceptions[] = {
    // Headers the browsers write that check does not send (no CORS rule reads them).
    {"", "", "user-agent", "",
     "check names itself in User-Agent (CORS-Lab-Composer/<version>; behaves-as <browser>) "
     "rather than impersonating the browser's UA string"},
    {"", "", "connection", kAbsent,
     "the browser says keep-alive; check's HTTP/1.1 client sends no Connection header (HTTP/1.1 "
     "connections are persistent by default)"},
    {"", "", "referer", kAbsent,
     "the page's URL under its referrer policy; check has no page document to refer from"},
    {"", "", "accept-encoding", kAbsent,
     "check's client does not decode content codings, so it offers none (the server answers "
     "with the identity coding)"},
    {"", "", "accept-language", kAbsent,
     "the browser's UI languages; check has no locale to announce (a script's Accept-Language "
     "is compared like any header)"},
    {"chromium", "", "sec-ch-ua", kAbsent,
     "Chromium's default User-Agent client hints on a secure context (127.0.0.1, localhost); "
     "check sends no client hints"},
    {"chromium", "", "sec-ch-ua-mobile", kAbsent,
     "Chromium's default User-Agent client hints on a secure context; check sends none"},
    {"chromium", "", "sec-ch-ua-platform", kAbsent,
     "Chromium's default User-Agent client hints on a secure context; check sends none"},
    {"firefox", "", "priority", kAbsent,
     "Firefox's RFC 9218 priority signal (u=4 for fetch()); check does not prioritise"},
    // Where the headers go.
    {"chromium", "", "actual header order with the script's headers", "",
     "Chromium writes the script's headers in the order of Blink's header map, which follows the "
     "names' hashes (X-Custom before User-Agent, Content-Language after it, a safelisted Range "
     "last), not the script's order; check puts them where most land, after User-Agent, in the "
     "script's order. The order of Chromium's own headers is asserted (\"actual header order\")"},
    // What goes on the wire at all.
    {"firefox", "redirect-303-put-to-get", "requests", "",
     "Firefox preflights again after a 303 turned the preflighted PUT into a GET (OPTIONS with "
     "Access-Control-Request-Method: GET and no -Headers): it keeps the original request's "
     "unsafe header names (LoadInfo's CORS unsafe headers) across the redirect, although "
     "Content-Type is gone. Fetch decides per hop, and so do the engine's profiles and check; "
     "modelling it is a preflight decision of the engine (core/cors), not of the client"},
};

/// One field on which check and the browser disagree for one case.
struct Disagreement
{
    QString id;
    QString field;
    QString browser;
    QString check;
    QString knownReason; ///< set when kKnownExceptions explains it
};

QString boolText(bool value)
{
    return value ? u"yes"_s : u"no"_s;
}

QString joined(const QStringList &values)
{
    return u"["_s + values.join(u", "_s) + u"]"_s;
}

std::optional<QByteArray> headerValue(const ObservedRequest &request, const QByteArray &name)
{
    for (const auto &[headerName, value] : request.headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

QString optionalText(const std::optional<QByteArray> &value)
{
    return value ? u"\""_s + QString::fromLatin1(*value) + u"\""_s : u"(absent)"_s;
}

bool attemptExposed(const BrowserAttempt &attempt)
{
    return attempt.resolved && (attempt.type == u"cors"_s || attempt.type == u"basic"_s);
}

QString attemptText(const BrowserAttempt &attempt)
{
    if (!attempt.resolved)
        return u"rejected (%1)"_s.arg(attempt.error);
    return u"resolved type=%1 status=%2 headers=%3"_s.arg(
        attempt.type, QString::number(attempt.status), joined(attempt.readableHeaders));
}

QString requestLine(const ObservedRequest &request)
{
    return request.method + u' ' + request.server + u' ' + request.path;
}

QString sequenceText(const QList<ObservedRequest> &requests)
{
    QStringList lines;
    for (const ObservedRequest &request : requests)
        lines.append(requestLine(request));
    return lines.isEmpty() ? u"(none)"_s : lines.join(u"; "_s);
}

QString requestsText(const QList<ObservedRequest> &requests)
{
    QStringList lines;
    for (const ObservedRequest &request : requests) {
        QStringList headers;
        for (const auto &[name, value] : request.headers)
            headers.append(QString::fromLatin1(name) + u": "_s + QString::fromLatin1(value));
        lines.append(u"    "_s + requestLine(request) + u"\n      "_s + headers.join(u" | "_s));
    }
    return lines.isEmpty() ? u"    (none)"_s : lines.join(u'\n');
}

/// The request the page's fetch() made, as check takes it.
std::optional<client::ComposedRequest> composedRequest(const QJsonObject &resolvedScenario,
                                                       QString *error)
{
    // scenarioFromJson reads method, headers, credentials, mode and redirect as fetch() does;
    // the body is a fetch() detail the engine's scenario does not hold.
    QJsonObject json = resolvedScenario;
    QJsonObject request = json.value(u"request"_s).toObject();
    const QByteArray body = request.take(u"body"_s).toString().toUtf8();
    json.insert(u"request"_s, request);
    cors::Scenario scenario;
    if (!cors::scenarioFromJson(json, &scenario, error))
        return std::nullopt;
    client::ComposedRequest composed;
    composed.origin = request.value(u"origin"_s).toString().toUtf8();
    composed.url = QUrl(request.value(u"url"_s).toString());
    composed.method = scenario.method;
    composed.headers = scenario.headers;
    composed.credentials = scenario.credentials;
    composed.mode = scenario.mode;
    composed.redirect = scenario.redirect;
    composed.body = body;
    if (!composed.validate(error))
        return std::nullopt;
    return composed;
}

/// The preflights (OPTIONS) or the actual requests (every other method) of a request log.
QList<ObservedRequest> requestsOfKind(const QList<ObservedRequest> &requests, bool preflight)
{
    QList<ObservedRequest> kind;
    for (const ObservedRequest &request : requests) {
        if ((request.method == u"OPTIONS"_s) == preflight)
            kind.append(request);
    }
    return kind;
}

/// The names (lowercase) of the headers the page's script set: its header list, and the
/// Content-Type fetch() adds for a string body.
QSet<QByteArray> scriptHeaderNames(const QJsonObject &resolvedScenario)
{
    const QJsonObject request = resolvedScenario.value(u"request"_s).toObject();
    QSet<QByteArray> names;
    for (const auto &pair : request.value(u"headers"_s).toArray())
        names.insert(pair.toArray().at(0).toString().toLatin1().toLower());
    if (!request.value(u"body"_s).toString().isEmpty())
        names.insert("content-type"_ba);
    return names;
}

/// The names (lowercase) of \a request's headers that \a other also carries, in \a request's
/// order, leaving out \a excluded: the relative order of the headers both sides wrote.
QString sharedHeaderOrder(const ObservedRequest &request, const ObservedRequest &other,
                          const QSet<QByteArray> &excluded = {})
{
    QStringList names;
    for (const auto &[name, value] : request.headers) {
        if (headerValue(other, name) && !excluded.contains(name.toLower()))
            names.append(QString::fromLatin1(name.toLower()));
    }
    return names.join(u", "_s);
}

/// Everything compared for one case, browser first.
QList<Disagreement> compareCase(const QString &id, const BrowserObservation &browser,
                                const QList<ObservedRequest> &checkRequests,
                                const check::CheckResult &result)
{
    const QSet<QByteArray> scriptNames = scriptHeaderNames(browser.resolvedScenario);
    QList<Disagreement> out;
    const auto compare = [&](const QString &field, const QString &browserValue,
                             const QString &checkValue) {
        if (browserValue != checkValue)
            out.append({id, field, browserValue, checkValue, {}});
    };
    const client::FetchOutcome &outcome = result.outcome;
    const BrowserAttempt &attempt = browser.attempts.first();

    // What the page got.
    compare(u"exposed"_s, boolText(attemptExposed(attempt)), boolText(outcome.exposed));
    // A rejected fetch() is the engine's "error" response type.
    compare(u"response type"_s, attempt.resolved ? attempt.type : u"error"_s,
            outcome.judged ? outcome.verdict.responseType : u"(not judged)"_s);
    compare(u"preflight sent"_s, boolText(browser.preflightCount() > 0),
            boolText(outcome.preflightSent));
    if (attemptExposed(attempt) && outcome.exposed) {
        QStringList checkReadable;
        for (const QByteArray &name : outcome.verdict.readableHeaders)
            checkReadable.append(QString::fromLatin1(name));
        compare(u"readable headers"_s, joined(attempt.readableHeaders), joined(checkReadable));
    }

    // What the servers received: the same requests in the same order...
    compare(u"requests"_s, sequenceText(browser.requests), sequenceText(checkRequests));

    // ...and, request by request, every header either side wrote: the ones Fetch and Fetch
    // Metadata decide first (compared even when both leave them out), then any other.
    struct Kind
    {
        bool preflight;
        QString label;
        QList<QByteArray> headers;
    };
    const QList<Kind> kinds = {
        {true,
         u"preflight"_s,
         {"origin", "access-control-request-method", "access-control-request-headers",
          "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest"}},
        {false, u"actual"_s, {"origin", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest"}},
    };
    for (const Kind &kind : kinds) {
        const QList<ObservedRequest> fromBrowser = requestsOfKind(browser.requests, kind.preflight);
        const QList<ObservedRequest> fromCheck = requestsOfKind(checkRequests, kind.preflight);
        // A request only one side sent is already a "requests" (and maybe "preflight sent")
        // disagreement; its headers have nothing to be compared with.
        for (qsizetype k = 0; k < std::min(fromBrowser.size(), fromCheck.size()); ++k) {
            const QString suffix = k == 0 ? QString() : u" (hop %1)"_s.arg(k + 1);
            const ObservedRequest &b = fromBrowser.at(k);
            const ObservedRequest &c = fromCheck.at(k);
            QList<QByteArray> names = kind.headers;
            for (const ObservedRequest *request : {&b, &c}) {
                for (const auto &[name, value] : request->headers) {
                    if (!names.contains(name.toLower()))
                        names.append(name.toLower());
                }
            }
            for (const QByteArray &name : std::as_const(names))
                compare(kind.label + u' ' + QString::fromLatin1(name) + suffix,
                        optionalText(headerValue(b, name)), optionalText(headerValue(c, name)));
            // The order of the headers the browser writes itself, then with the script's.
            compare(kind.label + u" header order"_s + suffix, sharedHeaderOrder(b, c, scriptNames),
                    sharedHeaderOrder(c, b, scriptNames));
            compare(kind.label + u" header order with the script's headers"_s + suffix,
                    sharedHeaderOrder(b, c), sharedHeaderOrder(c, b));
        }
    }
    return out;
}

QString knownReason(const QString &browserName, const Disagreement &d)
{
    for (const KnownException &known : kKnownExceptions) {
        if (*known.reason == '\0')
            continue;
        if (*known.browser != '\0' && browserName != QLatin1String(known.browser))
            continue;
        if (*known.caseId != '\0' && d.id != QLatin1String(known.caseId))
            continue;
        const QString field = d.field.section(u" (hop"_s, 0, 0);
        const QString knownField = QLatin1String(known.field);
        if (!knownField.isEmpty() && field != knownField && !field.endsWith(u' ' + knownField))
            continue;
        if (*known.checkValue != '\0' && d.check != QLatin1String(known.checkValue))
            continue;
        return QString::fromUtf8(known.reason);
    }
    return {};
}

/// \a cells (a header row first) as aligned text; every column but the last is padded (to at
/// most 60 characters).
QString formatTable(const QList<QStringList> &cells)
{
    QList<qsizetype> widths(cells.first().size(), 0);
    for (const QStringList &row : cells) {
        for (qsizetype i = 0; i < row.size() - 1; ++i)
            widths[i] = std::max(widths[i], std::min<qsizetype>(row.at(i).size(), 60));
    }
    QStringList lines;
    for (const QStringList &row : cells) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            line +=
                i + 1 < row.size() ? row.at(i).leftJustified(widths.at(i)) + u" | "_s : row.at(i);
        }
        lines.append(u"  "_s + line);
    }
    return lines.join(u'\n');
}

/// The failure table: one row per disagreement.
QString disagreementTable(const QList<Disagreement> &rows, const QString &browserName)
{
    QList<QStringList> cells = {{u"case"_s, u"field"_s, browserName, u"check"_s}};
    for (const Disagreement &d : rows)
        cells.append({d.id, d.field, d.browser, d.check});
    return formatTable(cells);
}

/// The known disagreements: one row per known reason and field (hops folded), with how many
/// cases showed it and the first one's values.
QString knownTable(const QList<Disagreement> &rows, const QString &browserName)
{
    QList<QStringList> cells = {
        {u"field"_s, u"cases"_s, u"e.g. case"_s, browserName, u"check"_s, u"known reason"_s}};
    QStringList keys;
    QHash<QString, QSet<QString>> cases;
    QHash<QString, Disagreement> first;
    for (const Disagreement &d : rows) {
        const QString key = d.knownReason + u'\n' + d.field.section(u" (hop"_s, 0, 0);
        if (!first.contains(key)) {
            keys.append(key);
            first.insert(key, d);
        }
        cases[key].insert(d.id);
    }
    for (const QString &key : std::as_const(keys)) {
        const Disagreement &d = first.value(key);
        cells.append({key.section(u'\n', 1), QString::number(cases.value(key).size()), d.id,
                      d.browser, d.check, d.knownReason});
    }
    return formatTable(cells);
}

} // namespace

class TestCheckAgreement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void checkAgreesWithBrowser();
    void noUnmatchedRequests();
    void noBrowserProcessLeftOver();

private:
    const cors::BrowserProfile &m_profile = cors::BrowserProfile::get(kBrowser);
    AgreementCheck m_browser{m_profile};
    ScenarioServer m_server;
    QList<BrowserCase> m_cases; ///< the cases compared
    QStringList m_skipped;      ///< "id: category", for the log
    QHash<QString, QList<ObservedRequest>> m_checkRequests;
    QHash<QString, check::CheckResult> m_checkResults;
    QHash<QString, QString> m_checkErrors; ///< cases check could not even build a request for
    QList<ObservedRequest> m_unmatched;
};

void TestCheckAgreement::initTestCase()
{
    for (const BrowserCase &browserCase : browserCases()) {
        const auto skip = std::find_if(
            std::begin(kSkipCategories), std::end(kSkipCategories),
            [&](const SkipCategory &category) { return category.applies(browserCase); });
        if (skip != std::end(kSkipCategories))
            m_skipped.append(browserCase.id + u": "_s + QLatin1String(skip->name) + u" — "_s +
                             QString::fromUtf8(skip->reason));
        else
            m_cases.append(browserCase);
    }
    qInfo("%d cases to compare, %d skipped:\n  %s", static_cast<int>(m_cases.size()),
          static_cast<int>(m_skipped.size()), qPrintable(m_skipped.join(u"\n  "_s)));
    QVERIFY2(m_cases.size() >= MinComparedCases,
             qPrintable(u"expected at least %1 cases check can reproduce, got %2"_s.arg(
                 QString::number(MinComparedCases), QString::number(m_cases.size()))));

    Runner runner;
    if (!runner.isAvailable())
        QSKIP(qPrintable(u"Debian package '%1' is not installed (./test installs it): cannot "
                         "compare check with a real browser"_s.arg(QLatin1String(kPackage))));
    qInfo("browser: %s", qPrintable(runner.version()));
    AgreementCheck::reportForeignBrowsers(runner);

    // 1. The browser, on servers that stay up for check afterwards.
    QString error;
    QVERIFY2(m_server.start(m_cases, &error), qPrintable(error));
    m_browser.setCases(m_cases);
    if (!m_browser.run(runner, BrowserTimeoutMs, &m_server))
        qWarning("browser run failed: %s\nbrowser output:\n%s", qPrintable(m_browser.runError()),
                 qPrintable(browserOutput(runner)));
    QVERIFY2(m_browser.completedCount() > 0,
             qPrintable(runner.name() + u" reported no case at all: "_s + m_browser.runError()));
    m_unmatched = m_server.unmatchedRequests();

    // 2. check, on the same servers with a cleared log: what they receive now is check's.
    m_server.clearRequests();
    QList<check::CheckJob> jobs;
    QStringList jobIds;
    for (const BrowserCase &browserCase : std::as_const(m_cases)) {
        const std::optional<client::ComposedRequest> request =
            composedRequest(m_server.resolvedScenario(browserCase.id), &error);
        if (!request) {
            m_checkErrors.insert(browserCase.id, error);
            continue;
        }
        jobs.append({*request, m_profile.name});
        jobIds.append(browserCase.id);
    }
    check::CheckRunner::Options options;
    options.timeoutMs = 10000;
    const QList<check::CheckResult> results = check::runChecks(jobs, options);
    QCOMPARE(results.size(), jobs.size());
    for (qsizetype i = 0; i < results.size(); ++i) {
        m_checkResults.insert(jobIds.at(i), results.at(i));
        m_checkRequests.insert(jobIds.at(i), m_server.requests(jobIds.at(i)));
    }
    m_unmatched += m_server.unmatchedRequests();
    m_server.stop();
}

void TestCheckAgreement::checkAgreesWithBrowser()
{
    const QString browserName = m_profile.name;
    QList<Disagreement> failing;
    QList<Disagreement> known;
    QStringList notCompared;
    QStringList details;
    int compared = 0;
    for (const BrowserCase &browserCase : std::as_const(m_cases)) {
        const QString &id = browserCase.id;
        const BrowserObservation observation = m_browser.observation(id);
        if (!observation.completed || observation.attempts.isEmpty()) {
            notCompared.append(id + u": the page did not report it ("_s + m_browser.runError() +
                               u')');
            continue;
        }
        if (m_checkErrors.contains(id)) {
            notCompared.append(id + u": check cannot build the request: "_s +
                               m_checkErrors.value(id));
            continue;
        }
        const check::CheckResult &result = m_checkResults[id];
        if (result.browser.isEmpty()) {
            notCompared.append(id + u": check gave no result"_s);
            continue;
        }
        ++compared;
        bool caseFails = false;
        for (Disagreement d : compareCase(id, observation, m_checkRequests.value(id), result)) {
            d.knownReason = knownReason(browserName, d);
            caseFails = caseFails || d.knownReason.isEmpty();
            (d.knownReason.isEmpty() ? failing : known).append(d);
        }
        if (caseFails) {
            const client::FetchOutcome &outcome = result.outcome;
            details.append(u"case %1 (%2):\n  %3: %4\n  check: exposed=%5 error=%6 failure=%7\n"
                           "  %3 sent:\n%8\n  check sent:\n%9"_s.arg(
                               id, browserCase.scenario.value(u"comment"_s).toString(), browserName,
                               attemptText(observation.attempts.first()), boolText(outcome.exposed),
                               cors::corsErrorName(outcome.error),
                               outcome.failure.isEmpty() ? u"-"_s : outcome.failure,
                               requestsText(observation.requests),
                               requestsText(m_checkRequests.value(id))));
        }
    }

    qInfo("check and %s compared on %d cases (%d skipped, %d not comparable)",
          qPrintable(browserName), compared, static_cast<int>(m_skipped.size()),
          static_cast<int>(notCompared.size()));
    if (!known.isEmpty())
        qInfo("%d known disagreement(s), not failed:\n%s", static_cast<int>(known.size()),
              qPrintable(knownTable(known, browserName)));
    for (const KnownException &exception : kKnownExceptions) {
        if (*exception.reason == '\0')
            continue;
        const bool seen = std::any_of(known.begin(), known.end(), [&](const Disagreement &d) {
            return d.knownReason == QString::fromUtf8(exception.reason);
        });
        if (!seen &&
            (*exception.browser == '\0' || browserName == QLatin1String(exception.browser)))
            qInfo("known exception no longer seen: %s / %s / %s", exception.caseId, exception.field,
                  exception.reason);
    }

    QVERIFY2(notCompared.isEmpty(),
             qPrintable(u"cases not compared:\n  "_s + notCompared.join(u"\n  "_s)));
    QVERIFY2(compared >= MinComparedCases,
             qPrintable(u"only %1 cases compared, expected at least %2"_s.arg(
                 QString::number(compared), QString::number(MinComparedCases))));
    if (!failing.isEmpty())
        QFAIL(qPrintable(u"%1 disagreement(s) between check and %2:\n%3\n\n%4"_s.arg(
            QString::number(failing.size()), browserName, disagreementTable(failing, browserName),
            details.join(u"\n\n"_s))));
}

void TestCheckAgreement::noUnmatchedRequests()
{
    QVERIFY2(m_unmatched.isEmpty(),
             qPrintable(u"requests that matched no case:\n"_s + requestsText(m_unmatched)));
}

void TestCheckAgreement::noBrowserProcessLeftOver()
{
    QVERIFY2(m_browser.leftovers().isEmpty(),
             qPrintable(u"browser processes outlived the runner's stop() (killed now):\n"_s +
                        m_browser.leftovers()));
}

QTEST_GUILESS_MAIN(TestCheckAgreement)
#include "tst_check_agreement.moc"
