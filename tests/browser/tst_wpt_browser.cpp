// The web-platform-tests CORS cases (wpt_cases.json) in one real headless browser session, case
// by case: the engine's profile for that browser predicts what the browser did (as
// tst_browser_agreement does for browser_cases.cpp), and the browser gives WPT's expected outcome
// (exposed or blocked, a preflight or none) but for the cases listed in knownWptDifferences(),
// which docs/BROWSERS.md records. Built once per browser (tests/browser/CMakeLists.txt).

#include "agreement_check.h"
#include "browser_under_test.h"
#include "cors/browser_profile.h"
#include "wpt_cases.h"

#include <QHash>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace browser_under_test;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 300000;

/// Cases where this browser does not do what WPT's stored file expects, and why.
const QHash<QString, QString> &knownWptDifferences()
{
    // Chromium 156 and Firefox 153 ESR alike (docs/BROWSERS.md, "web-platform-tests").
    static const QHash<QString, QString> kKnown{
        {u"wpt-safelisted-lei-1"_s,
         u"Last-Event-ID is not CORS-safelisted: a preflight, which the row's server refuses"_s},
        {u"wpt-xhr-basic-put-last-event-id-safe"_s,
         u"the same: Last-Event-ID gets a preflight, which the row's server refuses"_s},
    };
    return kKnown;
}

} // namespace

class TestWptBrowser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreement_data();
    void agreement();
    void cleanupTestCase();

private:
    AgreementCheck m_check{BrowserProfile::get(kBrowser)};
    QHash<QString, WptCase> m_rows;
};

void TestWptBrowser::initTestCase()
{
    QList<WptCase> rows;
    QString error;
    QVERIFY2(loadWptCases(&rows, &error), qPrintable(error));
    QList<BrowserCase> cases;
    for (const WptCase &row : std::as_const(rows)) {
        m_rows.insert(row.browserCase.id, row);
        cases.append(row.browserCase);
    }
    m_check.setCases(cases);
    Runner runner;
    if (!runner.isAvailable())
        QSKIP(qPrintable(u"Debian package '%1' is not installed (./test installs it)"_s.arg(
            QLatin1String(kPackage))));
    qInfo("browser: %s", qPrintable(runner.version()));
    const bool ok = m_check.run(runner, BrowserTimeoutMs);
    if (!ok)
        qWarning("browser run failed: %s", qPrintable(m_check.runError()));
    QVERIFY2(m_check.completedCount() > 0,
             qPrintable(runner.name() + u" reported no case at all: "_s + m_check.runError()));
}

void TestWptBrowser::agreement_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_check.cases())
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestWptBrowser::agreement()
{
    QFETCH(QString, id);
    const WptCase &row = m_rows[id];
    // The engine cannot read a NUL in a header value; the browser's outcome is still WPT's.
    const CaseComparison comparison = row.answersHoldNul ? CaseComparison{} : m_check.compare(id);
    QVERIFY2(comparison.error.isEmpty(), qPrintable(comparison.error));
    const BrowserObservation observation = m_check.observation(id);
    QVERIFY2(observation.completed && !observation.attempts.isEmpty(),
             qPrintable(id + u": the page did not report this case"_s));
    QStringList wpt;
    const BrowserAttempt &first = observation.attempts.first();
    const bool exposed = first.resolved && first.type == u"cors"_s;
    if (exposed != row.exposed)
        wpt.append(u"exposed: WPT %1, browser %2"_s.arg(row.exposed ? u"yes"_s : u"no"_s,
                                                        exposed ? u"yes"_s : u"no"_s));
    if (row.preflight && *row.preflight != (observation.preflightCount() > 0))
        wpt.append(u"preflight: WPT %1, browser %2"_s.arg(
            *row.preflight ? u"yes"_s : u"no"_s,
            observation.preflightCount() > 0 ? u"yes"_s : u"no"_s));
    const bool known = knownWptDifferences().contains(id);
    QStringList failures;
    if (!comparison.report.isEmpty())
        failures.append(u"engine and browser: "_s + comparison.report);
    if (!wpt.isEmpty() && !known)
        failures.append(u"browser and WPT (%1): "_s.arg(row.wptFile) + wpt.join(u"; "_s));
    if (wpt.isEmpty() && known)
        failures.append(u"listed as differing from WPT, but the browser now agrees"_s);
    if (!failures.isEmpty())
        QFAIL(qPrintable(failures.join(u'\n')));
}

void TestWptBrowser::cleanupTestCase()
{
    m_check.logSummary();
}

QTEST_GUILESS_MAIN(TestWptBrowser)
#include "tst_wpt_browser.moc"
