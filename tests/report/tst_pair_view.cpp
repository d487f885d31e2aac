// The pair view and the explanation built from real sessions of Chromium captures: both halves of
// a pair, the decisive header, missing headers, absent sides and why, the fix, browser texts.
#include "../session/chromium_exchanges.h"
#include "report/pair_view.h"
#include "session/session.h"

#include <QtTest>

using namespace corslab;
using namespace corslab::report;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
const QByteArray kItems = "https://api.example.net/items";

// A preflight for PUT with Content-Type, answered by \a answer with \a status.
X preflight(qint64 at, int status, const base::HeaderList &answer)
{
    return X("OPTIONS", kItems, at)
        .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
        .response(status, answer);
}

// The preflight answer that allows the app with credentials.
base::HeaderList allowingAnswer(const QByteArray &maxAge = "600")
{
    return {{"Access-Control-Allow-Origin", kApp},
            {"Access-Control-Allow-Credentials", "true"},
            {"Access-Control-Allow-Methods", "GET, PUT"},
            {"Access-Control-Allow-Headers", "Content-Type"},
            {"Access-Control-Max-Age", maxAge},
            {"Vary", "Origin"}};
}

X put(qint64 at, bool cookie, const base::HeaderList &answer)
{
    X x("PUT", kItems, at);
    x.request(chromiumFetch(kApi, kApp, "cross-site")).add("Content-Type", "application/json");
    if (cookie)
        x.add("Cookie", "sid=1");
    return x.response(200, answer);
}

X simpleGet(qint64 at, const QByteArray &allowOrigin)
{
    return X("GET", kItems, at)
        .request(chromiumFetch(kApi, kApp, "cross-site"))
        .response(200, {{"Access-Control-Allow-Origin", allowOrigin},
                        {"Content-Type", "application/json"}});
}

QString dump(const PairSide &side)
{
    QStringList lines{side.title, side.absentReason, side.status.text()};
    for (const HeaderLine &l : side.requestHeaders)
        lines << QStringLiteral("-> ") + l.text() + QLatin1Char(' ') + markWord(l.mark);
    for (const HeaderLine &l : side.responseHeaders)
        lines << QStringLiteral("<- ") + l.text() + QLatin1Char(' ') + markWord(l.mark) +
                     (l.decisive ? QStringLiteral(" decisive") : QString());
    return lines.join(QLatin1Char('\n'));
}

int countDecisive(const PairSide &side)
{
    int n = side.status.decisive ? 1 : 0;
    for (const HeaderLine &l : side.responseHeaders)
        n += l.decisive ? 1 : 0;
    return n;
}
} // namespace

class TestPairView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void preflightedPairFromEitherHalf()
    {
        Session s;
        s.append({preflight(kT0, 204, allowingAnswer()),
                  put(kT0 + 20, true,
                      {{"Access-Control-Allow-Origin", kApp},
                       {"Access-Control-Allow-Credentials", "true"},
                       {"Vary", "Origin"}})});
        for (qsizetype selected : {0, 1}) {
            const PairView v = buildPairView(s, selected);
            QCOMPARE(v.selectedIndex, selected);
            QCOMPARE(v.selectedId, selected + 1);
            QVERIFY(v.preflight.present);
            QVERIFY(v.actual.present);
            QCOMPARE(v.preflight.index, 0);
            QCOMPARE(v.actual.index, 1);
            QCOMPARE(v.preflight.title, QStringLiteral("PREFLIGHT #1"));
            QCOMPARE(v.actual.title, QStringLiteral("ACTUAL REQUEST #2"));
            QCOMPARE(v.preflight.requestLine(), QStringLiteral("OPTIONS ") + QLatin1String(kItems));
            QCOMPARE(v.actual.status.text(), QStringLiteral("200 OK"));
            QCOMPARE(v.preflight.status.text(), QStringLiteral("204 No Content"));
            // The explanation is the actual request's (it includes the preflight's checks).
            QCOMPARE(v.explanation.index, 1);
            QVERIFY(!v.explanation.preflightOnly);
            QCOMPARE(v.explanation.state, VerdictState::Exposed);
            QCOMPARE(v.explanation.headline, QStringLiteral("EXPOSED"));
            QVERIFY(!v.explanation.fix);
            QVERIFY(v.explanation.browserTexts.isEmpty());

            // CORS headers highlighted on both sides of the wire, checks marked ✓.
            QVERIFY(v.preflight.requestHeader("Origin")->cors);
            QVERIFY(v.preflight.requestHeader("Access-Control-Request-Method")->cors);
            QVERIFY(v.preflight.requestHeader("Access-Control-Request-Headers")->cors);
            QVERIFY(!v.preflight.requestHeader("User-Agent")->cors);
            QCOMPARE(v.preflight.responseHeader("access-control-allow-origin")->mark, Mark::Ok);
            QCOMPARE(v.preflight.responseHeader("Access-Control-Allow-Methods")->mark, Mark::Ok);
            QCOMPARE(v.preflight.responseHeader("Access-Control-Allow-Headers")->mark, Mark::Ok);
            QCOMPARE(v.preflight.responseHeader("Access-Control-Max-Age")->mark, Mark::Ok);
            QCOMPARE(v.preflight.status.mark, Mark::Ok);
            QCOMPARE(v.actual.responseHeader("Access-Control-Allow-Origin")->mark, Mark::Ok);
            QCOMPARE(v.actual.responseHeader("Access-Control-Allow-Credentials")->mark, Mark::Ok);
            QCOMPARE(v.actual.requestHeader("Content-Type")->note,
                     QStringLiteral("needs a preflight"));
            QCOMPARE(v.actual.requestHeader("Cookie")->note, QStringLiteral("credentials"));
            QCOMPARE(countDecisive(v.preflight) + countDecisive(v.actual), 0);

            // Checks in order, each with its Fetch step linked.
            QVERIFY(v.explanation.checks.size() >= 5);
            QCOMPARE(v.explanation.checks.first().step, cors::Step::PreflightNeeded);
            for (const ExplainedCheck &c : v.explanation.checks) {
                QVERIFY(c.ok);
                QVERIFY(!c.sentence.isEmpty());
                QVERIFY2(c.specUrl.startsWith(QLatin1String("https://fetch.spec.whatwg.org/#")),
                         qPrintable(c.specUrl));
            }
        }
    }

    void wildcardWithCredentialsBlocksTheActualRequest()
    {
        Session s;
        s.append(
            {preflight(kT0, 204, allowingAnswer()),
             put(kT0 + 20, true,
                 {{"Access-Control-Allow-Origin", "*"}, {"Content-Type", "application/json"}})});
        const PairView v = buildPairView(s, 1);
        QCOMPARE(v.explanation.state, VerdictState::Blocked);
        QCOMPARE(v.explanation.headline, QStringLiteral("BLOCKED — WildcardOriginNotAllowed"));

        const HeaderLine *acao = v.actual.responseHeader("Access-Control-Allow-Origin");
        QVERIFY(acao);
        QVERIFY2(acao->decisive, qPrintable(dump(v.actual)));
        QCOMPARE(acao->mark, Mark::Failed);
        QCOMPARE(acao->expected, kApp);
        const HeaderLine *acac = v.actual.responseHeader("Access-Control-Allow-Credentials");
        QVERIFY2(acac, qPrintable(dump(v.actual)));
        QVERIFY(acac->missing);
        QVERIFY(!acac->decisive);
        QCOMPARE(acac->mark, Mark::Failed);
        QCOMPARE(acac->text(), QStringLiteral("(Access-Control-Allow-Credentials missing)"));
        QCOMPARE(acac->copyText(), QStringLiteral("Access-Control-Allow-Credentials: true"));
        QCOMPARE(countDecisive(v.actual), 1);
        QCOMPARE(countDecisive(v.preflight), 0); // the preflight passed
        QCOMPARE(v.preflight.responseHeader("Access-Control-Allow-Origin")->mark, Mark::Ok);

        // The fix, as copyable lines for the response (not the preflight).
        QVERIFY(v.explanation.fix);
        QCOMPARE(v.explanation.fixTargets.size(), 1);
        QVERIFY(!v.explanation.fixTargets.first().preflight);
        QVERIFY(v.explanation.fixCondition.isEmpty());
        const QStringList lines = v.explanation.fixHeaderLines;
        QCOMPARE(lines.first(),
                 QStringLiteral("# Response (PUT ") + QLatin1String(kItems) + QLatin1Char(')'));
        QVERIFY2(
            lines.contains(QStringLiteral("Access-Control-Allow-Origin: ") + QLatin1String(kApp)),
            qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY(lines.contains(QStringLiteral("Access-Control-Allow-Credentials: true")));
        QVERIFY(lines.contains(QStringLiteral("Vary: Origin")));
        QCOMPARE(v.explanation.fixText(), lines.join(QLatin1Char('\n')));
        QVERIFY(!v.explanation.fixSteps.isEmpty());
        QVERIFY(v.explanation.fixSteps.first().contains(QLatin1String("instead of '*'")));
        // The failed check comes last, with a sentence saying why.
        QVERIFY(!v.explanation.checks.last().ok);
        QCOMPARE(v.explanation.checks.last().step, cors::Step::AllowOrigin);
        QCOMPARE(v.explanation.checks.last().phaseName, QStringLiteral("response"));
        QCOMPARE(v.explanation.checks.last().specUrl,
                 QStringLiteral("https://fetch.spec.whatwg.org/#cors-check"));
    }

    void failedPreflightMarksTheLeftSide()
    {
        Session s;
        // No Access-Control-Allow-Origin at all on the preflight: the PUT is never sent.
        s.append({preflight(kT0, 204, {{"Access-Control-Allow-Methods", "PUT"}})});
        const PairView v = buildPairView(s, 0);
        QVERIFY(v.preflight.present);
        QVERIFY(!v.actual.present);
        QCOMPARE(v.actual.index, -1);
        QVERIFY2(v.actual.absentReason.startsWith(
                     QLatin1String("never sent: the preflight failed (PreflightMissingAllowOrigin"
                                   "Header)")),
                 qPrintable(v.actual.absentReason));
        QVERIFY(v.explanation.preflightOnly);
        QCOMPARE(v.explanation.index, 0);
        QCOMPARE(v.explanation.headline,
                 QStringLiteral("BLOCKED — PreflightMissingAllowOriginHeader"));
        const HeaderLine *acao = v.preflight.responseHeader("Access-Control-Allow-Origin");
        QVERIFY2(acao, qPrintable(dump(v.preflight)));
        QVERIFY(acao->missing);
        QVERIFY(acao->decisive);
        QCOMPARE(acao->mark, Mark::Failed);
        QCOMPARE(acao->expected, kApp);
        // Only the preflight's checks: the stand-in actual response is not the server's.
        for (const ExplainedCheck &c : v.explanation.checks)
            QVERIFY(c.phase != cors::Phase::Response);
        QVERIFY(v.explanation.summary.contains(QLatin1String("never sent")));
        QCOMPARE(v.explanation.fixTargets.size(), 1);
        QVERIFY(v.explanation.fixTargets.first().preflight);
        QVERIFY(v.explanation.fixHeaderLines.contains(
            QStringLiteral("Access-Control-Allow-Origin: ") + QLatin1String(kApp)));
    }

    void preflightStatusIsDecisive()
    {
        Session s;
        // An auth layer rejects OPTIONS: the CORS headers are there, the status is not ok.
        s.append({preflight(kT0, 401,
                            {{"Access-Control-Allow-Origin", kApp},
                             {"Access-Control-Allow-Methods", "PUT"},
                             {"Access-Control-Allow-Headers", "Content-Type"}})});
        const PairView v = buildPairView(s, 0);
        QCOMPARE(v.explanation.headline, QStringLiteral("BLOCKED — PreflightInvalidStatus"));
        QVERIFY(v.preflight.status.decisive);
        QCOMPARE(v.preflight.status.mark, Mark::Failed);
        QCOMPARE(v.preflight.status.expected, std::optional<int>(204));
        QCOMPARE(v.preflight.responseHeader("Access-Control-Allow-Origin")->mark, Mark::Ok);
        QCOMPARE(countDecisive(v.preflight), 1);
        QVERIFY(v.explanation.fixHeaderLines.contains(QStringLiteral("HTTP/1.1 204 No Content")));
    }

    void preflightWithoutActualYet()
    {
        Session s;
        s.append({preflight(kT0, 204, allowingAnswer())});
        const PairView v = buildPairView(s, 0);
        QVERIFY(!v.actual.present);
        QVERIFY2(v.actual.absentReason.startsWith(QLatin1String("not seen yet: no PUT request")),
                 qPrintable(v.actual.absentReason));
        QCOMPARE(v.explanation.headline, QStringLiteral("PREFLIGHT PASSED"));
        QVERIFY(!v.explanation.fix);
        // Judged against a stand-in actual response that passes: none of its checks or
        // warnings is shown, they would describe nothing the server sent.
        QVERIFY(!v.explanation.checks.isEmpty());
        QCOMPARE(v.explanation.checks.last().step, cors::Step::PreflightCache);
        for (const ExplainedCheck &c : v.explanation.checks)
            QVERIFY(c.phase != cors::Phase::Response);
        QVERIFY(v.explanation.warnings.isEmpty());
    }

    void simpleRequestSaysWhyNoPreflight()
    {
        Session s;
        s.append({simpleGet(kT0, "*")});
        const PairView v = buildPairView(s, 0);
        QVERIFY(!v.preflight.present);
        QVERIFY(v.actual.present);
        QCOMPARE(v.actual.title, QStringLiteral("SIMPLE REQUEST #1"));
        QVERIFY2(v.preflight.absentReason.startsWith(QLatin1String("no preflight needed: GET "
                                                                   "with only CORS-safelisted")),
                 qPrintable(v.preflight.absentReason));
        QVERIFY(v.preflight.absentReason.contains(QLatin1String("simple request")));
        QCOMPARE(v.actual.responseHeader("Access-Control-Allow-Origin")->mark, Mark::Warning);
    }

    void simpleRequestFromAnUnknownOrigin()
    {
        Session s;
        s.append({simpleGet(kT0, "https://other.example.com")});
        const PairView v = buildPairView(s, 0);
        QCOMPARE(v.explanation.headline, QStringLiteral("BLOCKED — AllowOriginMismatch"));
        const HeaderLine *acao = v.actual.responseHeader("Access-Control-Allow-Origin");
        QVERIFY(acao->decisive);
        QCOMPARE(acao->expected, kApp);
        QVERIFY(v.actual.responseHeader("Vary")->missing); // the fix adds Vary: Origin
        QCOMPARE(v.actual.responseHeader("Vary")->mark, Mark::Warning);
    }

    void cachedActualNamesTheServingPreflight()
    {
        Session s;
        s.append({simpleGet(kT0 - 1000, "*"), preflight(kT0, 204, allowingAnswer("600")),
                  put(kT0 + 20, true,
                      {{"Access-Control-Allow-Origin", kApp},
                       {"Access-Control-Allow-Credentials", "true"},
                       {"Vary", "Origin"}}),
                  put(kT0 + 60'000, true,
                      {{"Access-Control-Allow-Origin", kApp},
                       {"Access-Control-Allow-Credentials", "true"},
                       {"Vary", "Origin"}})});
        QCOMPARE(s.row(3).pairing, PairingState::CacheHit);
        const PairView v = buildPairView(s, 3);
        QVERIFY(!v.preflight.present);
        QCOMPARE(v.preflight.referencedId, 2);
        QVERIFY2(v.preflight.absentReason.contains(QLatin1String("preflight cache, see #2")),
                 qPrintable(v.preflight.absentReason));
        QCOMPARE(v.actual.index, 3);
        QCOMPARE(v.explanation.state, VerdictState::Exposed);
    }

    void warningWhenCredentialsWouldBlock()
    {
        Session s;
        // No cookie: the capture cannot tell the credentials mode; '*' fails if it was 'include'.
        s.append({simpleGet(kT0, "*")});
        const PairView v = buildPairView(s, 0);
        QCOMPARE(v.explanation.state, VerdictState::Warning);
        QCOMPARE(v.explanation.headline,
                 QStringLiteral("WARNING — blocked with credentials: WildcardOriginNotAllowed"));
        QVERIFY(v.explanation.failsWithCredentials);
        QVERIFY(!v.explanation.failsWithCredentials->ok);
        QVERIFY(v.explanation.fix);
        QCOMPARE(v.explanation.fixCondition,
                 QStringLiteral("if the page sends credentials: 'include'"));
        const HeaderLine *acao = v.actual.responseHeader("Access-Control-Allow-Origin");
        QCOMPARE(acao->note, QStringLiteral("fails with credentials"));
        QVERIFY(!acao->decisive);
        QCOMPARE(countDecisive(v.actual), 0);
    }

    void browserTextsPerProfile_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<int>("browser");
        QTest::addColumn<QString>("firstText");
        QTest::newRow("chromium")
            << "chromium" << int(cors::Browser::Chromium)
            << "Access to fetch at 'https://api.example.net/items' from origin "
               "'https://app.example.com' has been blocked by CORS policy: ";
        QTest::newRow("firefox") << "firefox" << int(cors::Browser::Firefox)
                                 << "CORSAllowOriginNotMatchingOrigin";
        QTest::newRow("safari") << "safari" << int(cors::Browser::Safari)
                                << "Origin https://app.example.com is not allowed by "
                                   "Access-Control-Allow-Origin.";
    }

    void browserTextsPerProfile()
    {
        QFETCH(QString, profile);
        QFETCH(int, browser);
        QFETCH(QString, firstText);
        Session s;
        s.append({simpleGet(kT0, "https://other.example.com")});
        s.setProfile(*cors::BrowserProfile::byName(profile));
        const PairView v = buildPairView(s, 0);
        QCOMPARE(v.explanation.profileName, cors::BrowserProfile::byName(profile)->displayName);
        const QList<BrowserText> &texts = v.explanation.browserTexts;
        QVERIFY(texts.size() >= 4);
        QCOMPARE(int(texts.first().browser), browser);
        QVERIFY(texts.first().current);
        QVERIFY2(texts.first().text.startsWith(firstText), qPrintable(texts.first().text));
        // Every browser's own words are there, whichever profile judged.
        QSet<int> browsers;
        for (const BrowserText &t : texts) {
            browsers.insert(int(t.browser));
            QCOMPARE(t.current, int(t.browser) == browser);
            QVERIFY(!t.text.isEmpty());
        }
        QCOMPARE(browsers.size(), 3);
        auto find = [&](const QString &label) {
            for (const BrowserText &t : texts)
                if (t.label == label)
                    return t;
            return BrowserText{};
        };
        QCOMPARE(find(QStringLiteral("Chrome DevTools CorsError")).text,
                 QStringLiteral("AllowOriginMismatch"));
        QCOMPARE(find(QStringLiteral("Firefox console reason")).url,
                 QStringLiteral("https://developer.mozilla.org/docs/Web/HTTP/CORS/Errors/"
                                "CORSAllowOriginNotMatchingOrigin"));
    }

    void notCorsAndFailedExchanges()
    {
        Session s;
        s.append({X("GET", "https://app.example.com/", kT0)
                      .request(chromiumNavigation("app.example.com"))
                      .response(200, {{"Content-Type", "text/html"}}),
                  X("GET", kItems, kT0 + 1)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .failed(QStringLiteral("upstream refused the connection: 127.0.0.1:9"))});
        const PairView nav = buildPairView(s, 0);
        QCOMPARE(nav.explanation.headline, QStringLiteral("CORS DOES NOT APPLY"));
        QCOMPARE(nav.actual.title, QStringLiteral("NAVIGATION #1"));
        QVERIFY(nav.preflight.absentReason.startsWith(QLatin1String("no preflight: CORS does not "
                                                                    "apply (a navigation)")));
        const PairView failed = buildPairView(s, 1);
        QCOMPARE(failed.explanation.headline, QStringLiteral("CANNOT JUDGE"));
        QVERIFY(!failed.actual.status.received);
        QCOMPARE(failed.actual.status.text(),
                 QStringLiteral("no response: upstream refused the connection: 127.0.0.1:9"));
        QVERIFY(failed.explanation.summary.contains(QLatin1String("no response")));
    }

    void outOfRangeIsEmpty()
    {
        Session s;
        s.append({simpleGet(kT0, "*")});
        QVERIFY(buildPairView(s, 1).isEmpty());
        QVERIFY(buildPairView(s, -1).isEmpty());
        QCOMPARE(buildPairView(s, 1).explanation.index, -1);
    }
};

QTEST_GUILESS_MAIN(TestPairView)
#include "tst_pair_view.moc"
