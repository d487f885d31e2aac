// Runs the CORS scenarios of browser_cases.cpp in one real headless browser session and checks,
// case by case, that the engine's profile for that browser predicts what the browser did:
// preflight or not, exposed or blocked, readable response headers, the preflight's
// Access-Control-Request-* headers, and preflight caching for repeated fetches.
//
// Built twice (tests/browser/CMakeLists.txt): as tst_browser_chromium (Debian's Chromium, headless
// from the command line) and, with CORSLAB_AGREEMENT_FIREFOX, as tst_browser_firefox (firefox-esr
// over WebDriver BiDi). The cases are browser-neutral; the Chromium-only ones (client hints) check
// that Firefox does NOT safelist those headers. Comparison and process bookkeeping live in
// agreement_check.h.

#include "agreement_check.h"
#include "browser_cases.h"
#include "browser_under_test.h"
#include "cors/browser_profile.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace browser_under_test;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 180000;

} // namespace

class TestBrowserAgreement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreement_data();
    void agreement();
    void noBrowserProcessLeftOver();
    void cleanupTestCase();

private:
    AgreementCheck m_check{BrowserProfile::get(kBrowser)};
};

void TestBrowserAgreement::initTestCase()
{
    m_check.setCases(browserCases());
    QVERIFY2(m_check.cases().size() >= 45,
             qPrintable(u"expected at least 45 cases, browserCases() gave %1"_s.arg(
                 m_check.cases().size())));

    Runner runner;
    if (!runner.isAvailable())
        QSKIP(qPrintable(u"Debian package '%1' is not installed (./test installs it): cannot "
                         "compare the engine with a real browser"_s.arg(QLatin1String(kPackage))));
    qInfo("browser: %s", qPrintable(runner.version()));
    AgreementCheck::reportForeignBrowsers(runner);

    const bool ok = m_check.run(runner, BrowserTimeoutMs);
    reportStartup(runner);
    if (!ok) {
        qWarning("browser run failed: %s\nbrowser output:\n%s", qPrintable(m_check.runError()),
                 qPrintable(browserOutput(runner)));
    }
    QVERIFY2(m_check.completedCount() > 0,
             qPrintable(runner.name() + u" reported no case at all: "_s + m_check.runError()));
}

void TestBrowserAgreement::agreement_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_check.cases())
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestBrowserAgreement::agreement()
{
    QFETCH(QString, id);
    const CaseComparison comparison = m_check.compare(id);
    QVERIFY2(comparison.error.isEmpty(), qPrintable(comparison.error));
    if (!comparison.report.isEmpty())
        QFAIL(qPrintable(comparison.report));
}

void TestBrowserAgreement::noBrowserProcessLeftOver()
{
    QVERIFY2(m_check.leftovers().isEmpty(),
             qPrintable(u"browser processes outlived the runner's stop() (killed now):\n"_s +
                        m_check.leftovers()));
}

void TestBrowserAgreement::cleanupTestCase()
{
    m_check.logSummary();
}

QTEST_GUILESS_MAIN(TestBrowserAgreement)
#include "tst_browser_agreement.moc"
