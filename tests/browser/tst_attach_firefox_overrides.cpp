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
#include "session/session.h"

#include <QMutex>
#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 15000;
const QString kBothBlocked = u"blocked | blocked"_s;
const QString kBothPass = uR"(200 {"ok":true} | 200 {"ok":true})"_s;

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

struct Found
{
    session::CapturedExchange exchange;
    session::ExchangeRow row;
};

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
    bool loadCaptured();
    QStringList takeApiLog();
    std::optional<Found> findLatest(qsizetype first, const QByteArray &method, const QString &path);
    proxy::OverrideSet rules() const;
    void attachTo(attach::BidiAttachment &attachment);

    FirefoxRunner m_firefox;
    std::unique_ptr<http::HttpServer> m_api;
    std::unique_ptr<http::HttpServer> m_page;
    quint16 m_apiPort = 0;
    QUrl m_pageUrl;
    QMutex m_mutex; ///< the servers answer on their own threads
    QStringList m_apiLog; ///< "METHOD /path" as the API got them
    bool m_runRequested = false;
    QString m_outcome;
    session::Session m_session;
    qsizetype m_loadStart = 0; ///< the session's size when the last run began
};

void TestAttachFirefoxOverrides::initTestCase()
{
    if (!m_firefox.isAvailable())
        QSKIP("firefox-esr is not installed (scripts/deps.sh test)");
    // The API answers no preflight (404, like a framework without an OPTIONS route) and sends no
    // CORS header: the page's fetches are blocked.
    m_api = std::make_unique<http::HttpServer>([this](const http::HttpRequest &request) {
        {
            QMutexLocker lock(&m_mutex);
            m_apiLog.append(QString::fromLatin1(request.method + ' ' + request.path()));
        }
        if (request.method == "OPTIONS")
            return http::HttpResponse{404, {}, {{"X-Server", "yes"}}, "no OPTIONS route", 0};
        return http::HttpResponse{200,
                                  {},
                                  {{"Content-Type", "application/json"}, {"X-Server", "yes"}},
                                  R"({"ok":true})",
                                  0};
    });
    QString error;
    m_apiPort = m_api->listen(QHostAddress::LocalHost, 0, u"api"_s, &error);
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

// The override rules a user would apply for this page: the API's own answer replaced by a
// policy (its preflights still go to the server), and the other path's preflights answered in
// the browser. Max-Age 0: no preflight result is cached from one run to the next.
proxy::OverrideSet TestAttachFirefoxOverrides::rules() const
{
    const QString json = uR"({"rules": [
      {"name": "api answers CORS", "host": "localhost:%1", "path": "/api/*",
       "policy": {"allow_origin": {"mode": "allowlist", "origins": ["%2"]},
                  "allow_methods": {"mode": "list", "values": ["PUT"]},
                  "allow_headers": {"mode": "list", "values": ["X-Custom"]}, "max_age": 0}},
      {"name": "local preflights", "host": "localhost:%1", "path": "/local/*",
       "answer_preflights": true,
       "set": [["Access-Control-Allow-Origin", "%2"], ["Access-Control-Allow-Methods", "PUT"],
               ["Access-Control-Allow-Headers", "X-Custom"], ["Access-Control-Max-Age", "0"]]}
    ]})"_s.arg(m_apiPort)
                             .arg(m_pageUrl.adjusted(QUrl::RemovePath).toString());
    proxy::OverrideSet set;
    QString error;
    if (!proxy::OverrideSet::fromJson(json.toUtf8(), &set, &error))
        qFatal("the test's rules do not load: %s", qPrintable(error));
    return set;
}

void TestAttachFirefoxOverrides::attachTo(attach::BidiAttachment &attachment)
{
    QObject::connect(&attachment, &attach::Attachment::exchangesCaptured, &m_session,
                     &session::Session::append);
    QSignalSpy attached(&attachment, &attach::Attachment::attached);
    QSignalSpy detached(&attachment, &attach::Attachment::detached);
    QString error;
    QVERIFY2(attachment.attach(m_firefox.bidiEndpoint(), &error), qPrintable(error));
    QVERIFY2(attached.wait(kWaitMs), qPrintable(detached.isEmpty()
                                                    ? u"no answer"_s
                                                    : detached.first().first().toString()));
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

// The run's last request is in the session, so everything of this run is (the assembler hands
// exchanges out in order) and nothing of it will come during the next.
bool TestAttachFirefoxOverrides::loadCaptured()
{
    return QTest::qWaitFor(
        [this] { return findLatest(m_loadStart, "PUT", u"/local/items"_s).has_value(); }, kWaitMs);
}

QStringList TestAttachFirefoxOverrides::takeApiLog()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_apiLog, {});
}

std::optional<Found> TestAttachFirefoxOverrides::findLatest(qsizetype first,
                                                            const QByteArray &method,
                                                            const QString &path)
{
    for (qsizetype i = m_session.count() - 1; i >= first; --i) {
        const session::ExchangeRow row = m_session.row(i);
        if (row.method == method && QUrl(QString::fromUtf8(row.url)).path() == path)
            return Found{m_session.exchange(i), row};
    }
    return std::nullopt;
}

void TestAttachFirefoxOverrides::rulesApplyLiveAndGoAway()
{
    attach::BidiAttachment attachment({});
    attachTo(attachment);
    if (QTest::currentTestFailed())
        return;

    // Without rules: blocked, both preflights reached the server, no PUT did.
    QCOMPARE(runPage(), kBothBlocked);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));

    // "Apply in browser": live, the next run uses them.
    QSignalSpy applied(&attachment, &attach::Attachment::overridesApplied);
    QSignalSpy messages(&attachment, &attach::Attachment::message);
    attachment.setOverrides(rules());
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QCOMPARE(attachment.overrides().rules().size(), 2);
    QCOMPARE(runPage(), kBothPass);
    QVERIFY(loadCaptured());
    // The locally answered preflight never reached the server.
    QCOMPARE(takeApiLog(),
             QStringList({u"OPTIONS /api/items"_s, u"PUT /api/items"_s, u"PUT /local/items"_s}));

    // The session shows what the browser got, marked, with the server's answer kept.
    const std::optional<Found> apiPreflight = findLatest(m_loadStart, "OPTIONS", u"/api/items"_s);
    QVERIFY(apiPreflight);
    const session::CapturedExchange &p = apiPreflight->exchange;
    QVERIFY(p.overridden);
    QVERIFY(!p.answeredLocally);
    QCOMPARE(p.overrideRule, u"api answers CORS"_s);
    QCOMPARE(p.upstreamStatus, 404);
    QCOMPARE(base::getHeader(p.upstreamResponseHeaders, "X-Server"),
             std::optional<QByteArray>("yes"));
    QVERIFY(!base::getHeader(p.upstreamResponseHeaders, "Access-Control-Allow-Origin"));
    QCOMPARE(p.status, 204);
    QCOMPARE(p.reason, "No Content");
    QVERIFY(base::getHeader(p.responseHeaders, "Access-Control-Allow-Origin"));

    const std::optional<Found> localPreflight =
        findLatest(m_loadStart, "OPTIONS", u"/local/items"_s);
    QVERIFY(localPreflight);
    QVERIFY(localPreflight->exchange.overridden);
    QVERIFY(localPreflight->exchange.answeredLocally);
    QCOMPARE(localPreflight->exchange.overrideRule, u"local preflights"_s);
    QCOMPARE(localPreflight->exchange.status, 204);
    QCOMPARE(localPreflight->exchange.upstreamStatus, 0);

    const QByteArray pageOrigin = m_pageUrl.adjusted(QUrl::RemovePath).toString().toLatin1();
    for (const QString &path : {u"/api/items"_s, u"/local/items"_s}) {
        const std::optional<Found> put = findLatest(m_loadStart, "PUT", path);
        QVERIFY2(put, qPrintable(path));
        const session::CapturedExchange &x = put->exchange;
        QVERIFY2(x.overridden, qPrintable(path));
        QCOMPARE(x.upstreamStatus, 200);
        QVERIFY(!base::getHeader(x.upstreamResponseHeaders, "Access-Control-Allow-Origin"));
        QCOMPARE(base::getHeader(x.responseHeaders, "Access-Control-Allow-Origin"),
                 std::optional<QByteArray>(pageOrigin));
        // Firefox let it through, and the engine, judging what the browser got, agrees.
        QVERIFY(x.browserReport);
        QCOMPARE(x.browserReport->corsError, QString());
        QCOMPARE(put->row.browserAgreement(), session::BrowserAgreement::Agrees);
    }
    QVERIFY2(messages.isEmpty(), qPrintable(messages.isEmpty() ? QString()
                                                               : messages.first().first().toString()));

    // Removing a rule takes its fix away at once; the other stays.
    applied.clear();
    QVERIFY(attachment.removeOverride(0));
    QVERIFY(!attachment.removeOverride(5));
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QCOMPARE(runPage(), uR"(blocked | 200 {"ok":true})"_s);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"PUT /local/items"_s}));
    applied.clear();
    attachment.clearOverrides();
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QVERIFY(attachment.overrides().rules().isEmpty());
    QCOMPARE(runPage(), kBothBlocked);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));

    // Detaching removes them: the intercepts go before the session ends.
    applied.clear();
    attachment.setOverrides(rules());
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QCOMPARE(runPage(), kBothPass);
    QVERIFY(loadCaptured());
    takeApiLog();
    QSignalSpy changed(&attachment, &attach::Attachment::overridesChanged);
    attachment.detach();
    QVERIFY(attachment.overrides().rules().isEmpty());
    QVERIFY(changed.count() > 0);
    QCOMPARE(runPage(), kBothBlocked);
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));
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
    QCOMPARE(runPage(), kBothPass);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(),
             QStringList({u"OPTIONS /api/items"_s, u"PUT /api/items"_s, u"PUT /local/items"_s}));
    attachment.detach();
    QCOMPARE(runPage(), kBothBlocked);
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));
}

QTEST_GUILESS_MAIN(TestAttachFirefoxOverrides)
#include "tst_attach_firefox_overrides.moc"
