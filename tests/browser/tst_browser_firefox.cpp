// Runs the CORS scenarios of browser_cases.cpp in real headless Firefox ESR (Debian's firefox-esr,
// driven over WebDriver BiDi by FirefoxRunner; one browser session for all of them) and checks,
// case by case, that the engine's Firefox profile predicts what the browser did: preflight or
// not, exposed or blocked, readable response headers, the preflight's Access-Control-Request-*
// headers, and preflight caching for repeated fetches (Firefox's preflight cache and its
// Access-Control-Max-Age handling). The cases are browser-neutral; the Chromium-only ones (client
// hints) check that Firefox does NOT safelist those headers. The comparison and the process
// bookkeeping are shared with tst_browser_chromium (agreement_check.h).

#include "agreement_check.h"
#include "browser_cases.h"
#include "cors/browser_profile.h"
#include "firefox_runner.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 180000;

} // namespace

class TestBrowserFirefox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreement_data();
    void agreement();
    void noBrowserProcessLeftOver();
    void cleanupTestCase();

private:
    AgreementCheck m_check{BrowserProfile::get(Browser::Firefox)};
};

void TestBrowserFirefox::initTestCase()
{
    m_check.setCases(browserCases());
    QVERIFY2(m_check.cases().size() >= 45,
             qPrintable(u"expected at least 45 cases, browserCases() gave %1"_s.arg(
                 m_check.cases().size())));

    FirefoxRunner runner;
    if (!runner.isAvailable())
        QSKIP("/usr/bin/firefox-esr is not installed (Debian package 'firefox-esr'; ./test "
              "installs it): cannot compare the engine with a real browser");
    qInfo("browser: %s", qPrintable(runner.version()));
    AgreementCheck::reportForeignBrowsers(runner);

    const bool ok = m_check.run(runner, BrowserTimeoutMs);
    if (runner.lastStartupMs() >= 0)
        qInfo("firefox start-up (launch to WebDriver BiDi session) took %lld ms",
              static_cast<long long>(runner.lastStartupMs()));
    if (!ok) {
        qWarning("browser run failed: %s\nfirefox stderr:\n%s", qPrintable(m_check.runError()),
                 qPrintable(runner.stderrTail().right(4000)));
    }
    QVERIFY2(m_check.completedCount() > 0,
             qPrintable(u"Firefox reported no case at all: "_s + m_check.runError()));
}

void TestBrowserFirefox::agreement_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_check.cases())
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestBrowserFirefox::agreement()
{
    QFETCH(QString, id);
    const CaseComparison comparison = m_check.compare(id);
    QVERIFY2(comparison.error.isEmpty(), qPrintable(comparison.error));
    if (!comparison.report.isEmpty())
        QFAIL(qPrintable(comparison.report));
}

void TestBrowserFirefox::noBrowserProcessLeftOver()
{
    QVERIFY2(m_check.leftovers().isEmpty(),
             qPrintable(u"browser processes outlived FirefoxRunner::stop() (killed now):\n"_s +
                        m_check.leftovers()));
}

void TestBrowserFirefox::cleanupTestCase()
{
    m_check.logSummary();
}

QTEST_GUILESS_MAIN(TestBrowserFirefox)
#include "tst_browser_firefox.moc"
