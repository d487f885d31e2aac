// "Apply in browser" for Firefox: CORS Lab attached to a real headless Firefox ESR over WebDriver
// BiDi applies the proxy's override rules inside the browser through network interception
// (core/attach/bidi_overrides), live, as tst_attach_overrides does for Chromium. Firefox allows
// one BiDi session, which the attachment holds, so the page drives itself: it asks the test
// (/next) whether to run, fetch()es a loopback API on another origin whose preflights get 404 and
// whose responses lack Access-Control-Allow-Origin, and posts what it saw (/report). Checked:
// - with the rules set through the attachment, both fetches pass; the session marks the
//   exchanges overridden and keeps what the server sent; a rule's preflight changed when its
//   response started still reached the server, the one answered locally never did;
// - removing one rule, then all, blocks again what they fixed;
// - detaching removes them (and ends the session: a new attachment is taken);
// - rules set before attaching are in force from the first request after attached().

#include "attach/bidi_attachment.h"
#include "cors/browser_profile.h"
#include "firefox_runner.h"
#include "http/http_server.h"
#include "override_checks.h"
#include "session/session.h"

#include <QMutex>
#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 15000;

/// The page: each time /next says so, two PUTs with a custom header (so each is preflighted),
/// the outcome posted to /report.
QByteArray pageHtml(quint16 apiPort)
{
    return QStringLiteral(R"(<!doctype html><title>overrides</title><script>
const put = async (path) => {
  try {
    const r = await fetch('http://localhost:%1' + path,
                          {method: 'PUT', headers: {'X-Custom': '1'}, cache: 'no-store'});
    return r.status + ' ' + (await r.text());
  } catch (e) { return 'blocked'; }
};
(async () => {
  for (;;) {
    try {
      if (await (await fetch('/next', {cache: 'no-store'})).text()) {
        const outcome = [await put('/api/items'), await put('/local/items')].join(' | ');
        await fetch('/report', {method: 'POST', body: outcome});
      }
    } catch (e) {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();
</script>)")
        .arg(apiPort)
        .toUtf8();
}

} // namespace

class TestAttachFirefoxOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rulesApplyLiveAndGoAway();
    void rulesSetBeforeAttachingApplyFromTheStart();

private:
    QString runPage();
    OverridePage page();
    /// page() once no attachment captures it.
    OverridePage detachedPage();
    bool loadCaptured();
    proxy::OverrideSet rules() const;
    void attachTo(attach::BidiAttachment &attachment);

    FirefoxRunner m_firefox;
    BlockingApi m_api;
    std::unique_ptr<http::HttpServer> m_page;
    quint16 m_apiPort = 0;
    QUrl m_pageUrl;
    QMutex m_mutex; ///< the page's server answers on its own thread
    bool m_runRequested = false;
    QString m_outcome;
    session::Session m_session;
    qsizetype m_loadStart = 0; ///< the session's size when the last run began
};

void TestAttachFirefoxOverrides::initTestCase()
{
    if (!m_firefox.isAvailable())
        QSKIP("firefox-esr is not installed (scripts/deps.sh test)");
    QString error;
    m_apiPort = m_api.start(&error);
    QVERIFY2(m_apiPort, qPrintable(error));
    const QByteArray html = pageHtml(m_apiPort);
    m_page = std::make_unique<http::HttpServer>([this, html](const http::HttpRequest &request) {
        const http::HeaderList plain{{"Content-Type", "text/plain"}, {"Cache-Control", "no-store"}};
        QMutexLocker lock(&m_mutex);
        if (request.path() == "/next")
            return http::HttpResponse{
                200, {}, plain, std::exchange(m_runRequested, false) ? "run" : "", 0};
        if (request.path() == "/report") {
            m_outcome = QString::fromUtf8(request.body);
            return http::HttpResponse{204, {}, plain, {}, 0};
        }
        return http::HttpResponse{200, {}, {{"Content-Type", "text/html"}}, html, 0};
    });
    const quint16 pagePort = m_page->listen(QHostAddress::LocalHost, 0, u"page"_s, &error);
    QVERIFY2(pagePort, qPrintable(error));
    m_pageUrl = QUrl(u"http://127.0.0.1:%1/"_s.arg(pagePort));
    QVERIFY2(m_firefox.launchWithoutSession(m_pageUrl, &error), qPrintable(error));
    m_session.setProfile(*cors::BrowserProfile::byName(u"firefox"_s));
}

void TestAttachFirefoxOverrides::cleanupTestCase()
{
    m_firefox.stop();
}

proxy::OverrideSet TestAttachFirefoxOverrides::rules() const
{
    return applyInBrowserRules(m_apiPort, m_pageUrl.adjusted(QUrl::RemovePath).toString());
}

void TestAttachFirefoxOverrides::attachTo(attach::BidiAttachment &attachment)
{
    QObject::connect(&attachment, &attach::Attachment::exchangesCaptured, &m_session,
                     &session::Session::append);
    QSignalSpy attached(&attachment, &attach::Attachment::attached);
    QSignalSpy detached(&attachment, &attach::Attachment::detached);
    QString error;
    QVERIFY2(attachment.attach(m_firefox.bidiEndpoint(), &error), qPrintable(error));
    QVERIFY2(attached.wait(kWaitMs),
             qPrintable(detached.isEmpty() ? u"no answer"_s : detached.first().first().toString()));
}

// Has the page run its two fetches once more and returns what it saw.
QString TestAttachFirefoxOverrides::runPage()
{
    m_loadStart = m_session.count();
    {
        QMutexLocker lock(&m_mutex);
        m_outcome.clear();
        m_runRequested = true;
    }
    QString outcome;
    const bool reported = QTest::qWaitFor(
        [this, &outcome] {
            QMutexLocker lock(&m_mutex);
            outcome = m_outcome;
            return !outcome.isEmpty();
        },
        kWaitMs);
    return reported ? outcome : u"the page reported nothing"_s;
}

OverridePage TestAttachFirefoxOverrides::page()
{
    return {m_api, m_session,
            [this] {
                const QString outcome = runPage();
                return loadCaptured() ? outcome : u"not captured: "_s + outcome;
            },
            m_pageUrl.adjusted(QUrl::RemovePath).toString().toLatin1()};
}

OverridePage TestAttachFirefoxOverrides::detachedPage()
{
    OverridePage detached = page();
    detached.load = [this] { return runPage(); };
    return detached;
}

// The run's last request is in the session, so everything of this run is (the assembler hands
// exchanges out in order) and nothing of it will come during the next.
bool TestAttachFirefoxOverrides::loadCaptured()
{
    return QTest::qWaitFor(
        [this] { return findLatest(m_session, m_loadStart, "PUT", u"/local/items"_s).has_value(); },
        kWaitMs);
}

void TestAttachFirefoxOverrides::rulesApplyLiveAndGoAway()
{
    attach::BidiAttachment attachment({});
    attachTo(attachment);
    if (QTest::currentTestFailed())
        return;

    const OverridePage page = this->page();
    checkBlocked(page);
    // "Apply in browser": live, the next run uses them; removed, they stop at once.
    QSignalSpy messages(&attachment, &attach::Attachment::message);
    checkRulesApply(attachment, page, rules());
    if (QTest::currentTestFailed())
        return;
    // A changed status goes with its own phrase (Firefox would keep the server's "Not Found").
    const std::optional<FoundExchange> preflight =
        findLatest(m_session, m_loadStart, "OPTIONS", u"/api/items"_s);
    QVERIFY(preflight);
    QCOMPARE(preflight->exchange.reason, "No Content");
    QVERIFY2(messages.isEmpty(),
             qPrintable(messages.isEmpty() ? QString() : messages.first().first().toString()));
    checkRulesGoAway(attachment, page);
    if (QTest::currentTestFailed())
        return;

    // Detaching removes them: the intercepts go before the session ends.
    checkRulesApply(attachment, page, rules());
    if (QTest::currentTestFailed())
        return;
    QSignalSpy changed(&attachment, &attach::Attachment::overridesChanged);
    attachment.detach();
    QVERIFY(attachment.overrides().rules().isEmpty());
    QVERIFY(changed.count() > 0);
    checkBlocked(detachedPage());
}

void TestAttachFirefoxOverrides::rulesSetBeforeAttachingApplyFromTheStart()
{
    // As `corslab-cli attach --rules` does: the session detached above was ended, so Firefox
    // takes this one, and the rules intercept before attached() is announced.
    attach::BidiAttachment attachment({});
    attachment.setOverrides(rules());
    attachTo(attachment);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(attachment.overrides().rules().size(), 2);
    const OverridePage page = this->page();
    QCOMPARE(page.load(), kBothPass);
    QCOMPARE(m_api.takeLog(),
             QStringList({u"OPTIONS /api/items"_s, u"PUT /api/items"_s, u"PUT /local/items"_s}));
    const QStringList problems = overriddenLoadProblems(m_session, m_loadStart, page.origin);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    attachment.detach();
    checkBlocked(detachedPage());
}

QTEST_GUILESS_MAIN(TestAttachFirefoxOverrides)
#include "tst_attach_firefox_overrides.moc"
