// Runs the CORS scenarios of browser_cases.cpp in real headless Chromium (one browser session for
// all of them) and checks, case by case, that the engine's Chromium profile predicts what the
// browser did: preflight or not, exposed or blocked, readable response headers, the preflight's
// Access-Control-Request-* headers, and preflight caching for repeated fetches. The comparison
// and the process bookkeeping are shared with tst_browser_firefox (agreement_check.h).

#include "agreement_check.h"
#include "browser_cases.h"
#include "chromium_runner.h"
#include "cors/browser_profile.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 180000;

} // namespace

class TestBrowserChromium : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreement_data();
    void agreement();
    void noBrowserProcessLeftOver();
    void cleanupTestCase();

private:
    AgreementCheck m_check{BrowserProfile::get(Browser::Chromium)};
};

void TestBrowserChromium::initTestCase()
{
    m_check.setCases(browserCases());
    QVERIFY2(m_check.cases().size() >= 45,
             qPrintable(u"expected at least 45 cases, browserCases() gave %1"_s.arg(
                 m_check.cases().size())));

    ChromiumRunner runner;
    if (!runner.isAvailable())
        QSKIP("/usr/bin/chromium is not installed (Debian package 'chromium'; ./test installs it): "
              "cannot compare the engine with a real browser");
    qInfo("browser: %s", qPrintable(runner.version()));
    AgreementCheck::reportForeignBrowsers(runner);

    const bool ok = m_check.run(runner, BrowserTimeoutMs);
    if (!ok) {
        qWarning("browser run failed: %s\nbrowser output:\n%s", qPrintable(m_check.runError()),
                 runner.output().right(4000).constData());
    }
    QVERIFY2(m_check.completedCount() > 0,
             qPrintable(u"Chromium reported no case at all: "_s + m_check.runError()));
}

void TestBrowserChromium::agreement_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_check.cases())
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestBrowserChromium::agreement()
{
    QFETCH(QString, id);
    const CaseComparison comparison = m_check.compare(id);
    QVERIFY2(comparison.error.isEmpty(), qPrintable(comparison.error));
    if (!comparison.report.isEmpty())
        QFAIL(qPrintable(comparison.report));
}

void TestBrowserChromium::noBrowserProcessLeftOver()
{
    QVERIFY2(m_check.leftovers().isEmpty(),
             qPrintable(u"browser processes outlived ChromiumRunner::stop() (killed now):\n"_s +
                        m_check.leftovers()));
}

void TestBrowserChromium::cleanupTestCase()
{
    m_check.logSummary();
}

QTEST_GUILESS_MAIN(TestBrowserChromium)
#include "tst_browser_chromium.moc"
