// WebKit's console sentence for each blocked request against the safari profile's.
//
// WebKit prints no console message in automation sessions, so this test opens the harness page
// outside automation: MiniBrowser on Xvfb with its console written out (WebKitRunner's console
// mode). Every case of browser_cases.cpp and every WPT row the engine can read runs once; for each
// the engine's verdict under the safari profile must agree with WebKitGTK as in
// tst_browser_webkit (outside automation too), and its sentence (cors::safariConsoleText) must be
// the first "CONSOLE SECURITY ERROR" line WebKit printed for that case, or both must have none.
// (cors::safariConsoleText is what reports and explanations print as Safari's console.)

#include "agreement_check.h"
#include "browser_cases.h"
#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/safari_console.h"
#include "webkit_console.h"
#include "webkit_runner.h"
#include "wpt_cases.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 300000;

QString sentenceOrNone(const QString &sentence)
{
    return sentence.isEmpty() ? u"(none)"_s : u"\""_s + sentence + u"\""_s;
}

} // namespace

class TestWebKitConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sentence_data();
    void sentence();
    void noBrowserProcessLeftOver();
    void cleanupTestCase();

private:
    AgreementCheck m_check{BrowserProfile::get(Browser::Safari)};
    QHash<QString, QStringList> m_sentences;
    int m_sentencesCompared = 0;
};

void TestWebKitConsole::initTestCase()
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

    WebKitRunner runner(WebKitRunner::Mode::Console);
    if (!runner.isAvailable())
        QSKIP("Debian package 'webkit2gtk-driver' is not installed (./test installs it)");
    qInfo("browser: %s (outside automation, console on stdout)", qPrintable(runner.version()));
    if (!m_check.run(runner, BrowserTimeoutMs))
        qWarning("browser run failed: %s\n%s", qPrintable(m_check.runError()),
                 qPrintable(runner.diagnostics()));
    QVERIFY2(m_check.completedCount() > 0,
             qPrintable(u"webkit reported no case at all: "_s + m_check.runError()));
    m_sentences = webkitSecurityErrorsByCase(runner.consoleOutput());
    QVERIFY2(!m_sentences.isEmpty(),
             qPrintable(u"no CONSOLE SECURITY ERROR line in MiniBrowser's output:\n"_s +
                        runner.consoleOutput().right(4000)));
}

void TestWebKitConsole::sentence_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_check.cases())
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestWebKitConsole::sentence()
{
    QFETCH(QString, id);
    const CaseComparison comparison = m_check.compare(id);
    QVERIFY2(comparison.error.isEmpty(), qPrintable(comparison.error));
    QVERIFY2(comparison.report.isEmpty(), qPrintable(comparison.report));

    QString error;
    const std::optional<Scenario> scenario = m_check.engineScenario(id, &error);
    QVERIFY2(scenario, qPrintable(error));
    const Verdict verdict = evaluate(*scenario, BrowserProfile::get(Browser::Safari));
    const QString engine = safariConsoleText(*scenario, verdict);
    const QString webkit = m_sentences.value(id).value(0);
    ++m_sentencesCompared;
    QVERIFY2(engine == webkit, qPrintable(u"%1 (%2): safari profile %3, WebKitGTK %4"_s.arg(
                                   id, corsErrorName(verdict.error), sentenceOrNone(engine),
                                   sentenceOrNone(webkit))));
}

void TestWebKitConsole::noBrowserProcessLeftOver()
{
    QVERIFY2(m_check.leftovers().isEmpty(),
             qPrintable(u"browser processes outlived the runner's stop() (killed now):\n"_s +
                        m_check.leftovers()));
}

void TestWebKitConsole::cleanupTestCase()
{
    qInfo("compared WebKit's console sentence on %d cases (%lld of them with a sentence)",
          m_sentencesCompared, static_cast<long long>(m_sentences.size()));
}

QTEST_GUILESS_MAIN(TestWebKitConsole)
#include "tst_webkit_console.moc"
