// The console text a browser prints for each blocked request against the engine's.
//
// Every case of browser_cases.cpp and every WPT row the engine can read runs once in a browser
// whose console is written to its output, read back per case (browser_console.cpp). For each
// case the engine's verdict under the browser's profile must agree with the browser as in
// tst_browser_* (the six checks), and the engine's console text must be the first one the
// browser printed for that case, or both must have none. Built twice (tests/browser/CMakeLists):
// - console_chromium: headless Chromium with --enable-logging=stderr; its "Access to fetch at …
//   has been blocked by CORS policy: …" lines against cors::chromiumConsoleLine();
// - console_webkit (CORSLAB_CONSOLE_WEBKIT): WebKit prints no console message in automation
//   sessions, so MiniBrowser opens the page outside automation on Xvfb with its console written
//   out (WebKitRunner's console mode); its "CONSOLE SECURITY ERROR" sentences against
//   cors::safariConsoleText().
// Both functions are what reports and explanations print as that browser's console.

#include "agreement_check.h"
#include "browser_cases.h"
#include "browser_console.h"
#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/explanation.h"
#include "cors/safari_console.h"
#include "wpt_cases.h"

#ifdef CORSLAB_CONSOLE_WEBKIT
#include "webkit_runner.h"
#else
#include "chromium_runner.h"
#endif

#include <QtTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 300000;

/// The browser under test, its profile, how its console is switched on and read, and the
/// engine's text for it.
#ifdef CORSLAB_CONSOLE_WEBKIT
constexpr Browser kBrowser = Browser::Safari;
constexpr const char *kPackage = "webkit2gtk-driver";

std::unique_ptr<WebKitRunner> consoleRunner()
{
    return std::make_unique<WebKitRunner>(WebKitRunner::Mode::Console);
}

QString consoleOutput(const WebKitRunner &runner)
{
    return runner.consoleOutput();
}

QHash<QString, QStringList> messagesByCase(const QString &output)
{
    return webkitSecurityErrorsByCase(output);
}

QString engineText(const Scenario &s, const Verdict &v)
{
    return safariConsoleText(s, v);
}
#else
constexpr Browser kBrowser = Browser::Chromium;
constexpr const char *kPackage = "chromium";

std::unique_ptr<ChromiumRunner> consoleRunner()
{
    auto runner = std::make_unique<ChromiumRunner>();
    runner->setConsoleLogging(true);
    return runner;
}

QString consoleOutput(const ChromiumRunner &runner)
{
    return QString::fromUtf8(runner.output());
}

QHash<QString, QStringList> messagesByCase(const QString &output)
{
    return chromiumCorsMessagesByCase(output);
}

/// Chromium prints a console line for most of its CORS errors only (a TypeError such as a
/// redirect refused by redirect: "error" goes to the page, not to the console).
QString engineText(const Scenario &s, const Verdict &v)
{
    return v.exposed || !chromiumLogsConsoleLine(v.error) ? QString() : chromiumConsoleLine(v, s);
}
#endif

QString textOrNone(const QString &text)
{
    return text.isEmpty() ? u"(none)"_s : u"\""_s + text + u"\""_s;
}

} // namespace

class TestConsoleText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void consoleText_data();
    void consoleText();
    void noBrowserProcessLeftOver();
    void cleanupTestCase();

private:
    AgreementCheck m_check{BrowserProfile::get(kBrowser)};
    QHash<QString, QStringList> m_messages;
    int m_compared = 0;
};

void TestConsoleText::initTestCase()
{
    QList<BrowserCase> cases = browserCases();
    QList<WptCase> rows;
    QString error;
    QVERIFY2(loadWptCases(&rows, &error), qPrintable(error));
    for (const WptCase &row : std::as_const(rows)) {
        if (!row.answersHoldNul) // the engine cannot read a NUL in a header value
            cases.append(row.browserCase);
    }
    m_check.setCases(cases);

    const auto runner = consoleRunner();
    if (!runner->isAvailable())
        QSKIP(qPrintable(u"Debian package '%1' is not installed (./test installs it)"_s.arg(
            QLatin1String(kPackage))));
    qInfo("browser: %s (console written to its output)", qPrintable(runner->version()));
    if (!m_check.run(*runner, BrowserTimeoutMs))
        qWarning("browser run failed: %s", qPrintable(m_check.runError()));
    QVERIFY2(m_check.completedCount() > 0,
             qPrintable(runner->name() + u" reported no case at all: "_s + m_check.runError()));
    const QString output = consoleOutput(*runner);
    m_messages = messagesByCase(output);
    QVERIFY2(!m_messages.isEmpty(),
             qPrintable(u"no console message about a blocked request in the browser's output:\n"_s +
                        output.right(4000)));
}

void TestConsoleText::consoleText_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_check.cases())
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestConsoleText::consoleText()
{
    QFETCH(QString, id);
    const CaseComparison comparison = m_check.compare(id);
    QVERIFY2(comparison.error.isEmpty(), qPrintable(comparison.error));
    QVERIFY2(comparison.report.isEmpty(), qPrintable(comparison.report));

    QString error;
    const std::optional<Scenario> scenario = m_check.engineScenario(id, &error);
    QVERIFY2(scenario, qPrintable(error));
    const Verdict verdict = evaluate(*scenario, BrowserProfile::get(kBrowser));
    const QString engine = engineText(*scenario, verdict);
    const QString browser = m_messages.value(id).value(0);
    ++m_compared;
    QVERIFY2(engine == browser,
             qPrintable(u"%1 (%2): engine %3, browser %4"_s.arg(
                 id, corsErrorName(verdict.error), textOrNone(engine), textOrNone(browser))));
}

void TestConsoleText::noBrowserProcessLeftOver()
{
    QVERIFY2(m_check.leftovers().isEmpty(),
             qPrintable(u"browser processes outlived the runner's stop() (killed now):\n"_s +
                        m_check.leftovers()));
}

void TestConsoleText::cleanupTestCase()
{
    qInfo("compared the console text on %d cases (%lld of them with a message)", m_compared,
          static_cast<long long>(m_messages.size()));
}

QTEST_GUILESS_MAIN(TestConsoleText)
#include "tst_console_text.moc"
