// "Apply in browser": CORS Lab attached to a real headless Chromium applies the proxy's override
// rules inside the browser through the DevTools Fetch domain (core/attach/fetch_overrides), live.
// A loopback page fetch()es a loopback API on another origin whose preflights get 404 and whose
// responses lack Access-Control-Allow-Origin: blocked. Checked, reloading the page each time:
// - with the rules set through the attachment, both fetches pass; the session marks the
//   exchanges overridden and keeps what the server sent; a rule's preflight changed at the
//   Response stage still reached the server, the one answered locally never did;
// - removing one rule, then all, blocks again what they fixed;
// - detaching removes them too.

#include "attach/cdp_attachment.h"
#include "attach/protocol_connection.h"
#include "cdp_client.h"
#include "cors/browser_profile.h"
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

/// The page: two PUTs with a custom header (so each is preflighted), the outcome in a promise.
QByteArray pageHtml(quint16 apiPort)
{
    return QStringLiteral(R"(<!doctype html><title>overrides</title><script>
window.outcome = (async () => {
  const put = async (path) => {
    try {
      const r = await fetch('http://localhost:%1' + path,
                            {method: 'PUT', headers: {'X-Custom': '1'}, cache: 'no-store'});
      return r.status + ' ' + (await r.text());
    } catch (e) { return 'blocked'; }
  };
  return [await put('/api/items'), await put('/local/items')].join(' | ');
})();
</script>)")
        .arg(apiPort)
        .toUtf8();
}

/// What a test looks for in the session: one exchange by method and path.
struct Found
{
    session::CapturedExchange exchange;
    session::ExchangeRow row;
};

} // namespace

class TestAttachOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rulesApplyLiveAndGoAway();

private:
    QString reloadAndRead();
    bool loadCaptured();
    QStringList takeApiLog();
    std::optional<Found> findLatest(qsizetype first, const QByteArray &method, const QString &path);
    proxy::OverrideSet rules() const;

    CdpClient m_client;
    std::unique_ptr<http::HttpServer> m_api;
    std::unique_ptr<http::HttpServer> m_page;
    quint16 m_apiPort = 0;
    QUrl m_pageUrl;
    QMutex m_logMutex;
    QStringList m_apiLog; ///< "METHOD /path" as the API got them
    session::Session m_session;
    qsizetype m_loadStart = 0; ///< the session's size when the last load began
};

void TestAttachOverrides::initTestCase()
{
    if (!m_client.isAvailable())
        QSKIP("chromium is not installed (scripts/deps.sh test)");
    // The API answers no preflight (404, like a framework without an OPTIONS route) and sends no
    // CORS header: the page's fetches are blocked.
    m_api = std::make_unique<http::HttpServer>([this](const http::HttpRequest &request) {
        {
            QMutexLocker lock(&m_logMutex);
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
    m_page = std::make_unique<http::HttpServer>([html](const http::HttpRequest &) {
        return http::HttpResponse{200, {}, {{"Content-Type", "text/html"}}, html, 0};
    });
    const quint16 pagePort = m_page->listen(QHostAddress::LocalHost, 0, u"page"_s, &error);
    QVERIFY2(pagePort, qPrintable(error));
    m_pageUrl = QUrl(u"http://127.0.0.1:%1/"_s.arg(pagePort));
    QVERIFY2(m_client.start(&error), qPrintable(error));
    QVERIFY2(m_client.enableDomains(&error), qPrintable(error));
    m_session.setProfile(*cors::BrowserProfile::byName(u"chromium"_s));
}

void TestAttachOverrides::cleanupTestCase()
{
    m_client.stop();
}

// The override rules a user would apply for this page: the API's own answer replaced by a
// policy (its preflights still go to the server), and the other path's preflights answered in
// the browser. Max-Age 0: no preflight result is cached from one reload to the next.
proxy::OverrideSet TestAttachOverrides::rules() const
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

QString TestAttachOverrides::reloadAndRead()
{
    m_loadStart = m_session.count();
    QString error;
    if (!m_client.navigate(m_pageUrl, &error))
        return u"no page: "_s + error;
    const QJsonValue outcome = m_client.evaluate(u"window.outcome"_s, &error);
    return outcome.isString() ? outcome.toString() : u"no outcome: "_s + error;
}

// The page's last request is in the session, so everything of this load is (the assembler hands
// exchanges out in order) and nothing of it will come during the next.
bool TestAttachOverrides::loadCaptured()
{
    return QTest::qWaitFor(
        [this] { return findLatest(m_loadStart, "PUT", u"/local/items"_s).has_value(); }, kWaitMs);
}

QStringList TestAttachOverrides::takeApiLog()
{
    QMutexLocker lock(&m_logMutex);
    return std::exchange(m_apiLog, {});
}

std::optional<Found> TestAttachOverrides::findLatest(qsizetype first, const QByteArray &method,
                                                     const QString &path)
{
    // The newest: a load's last exchanges may reach the session after the next load began.
    for (qsizetype i = m_session.count() - 1; i >= first; --i) {
        const session::ExchangeRow row = m_session.row(i);
        if (row.method == method && QUrl(QString::fromUtf8(row.url)).path() == path)
            return Found{m_session.exchange(i), row};
    }
    return std::nullopt;
}

void TestAttachOverrides::rulesApplyLiveAndGoAway()
{
    attach::CdpAttachment attachment({});
    QObject::connect(&attachment, &attach::CdpAttachment::exchangesCaptured, &m_session,
                     &session::Session::append);
    QSignalSpy attached(&attachment, &attach::CdpAttachment::attached);
    QString error;
    QVERIFY2(attachment.attach(m_client.browserEndpoint(), &error), qPrintable(error));
    QVERIFY(attached.wait(kWaitMs));

    // Without rules: blocked, both preflights reached the server, no PUT did.
    QCOMPARE(reloadAndRead(), kBothBlocked);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));

    // "Apply in browser": live, the next load uses them.
    QSignalSpy applied(&attachment, &attach::CdpAttachment::overridesApplied);
    attachment.setOverrides(rules());
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QCOMPARE(attachment.overrides().rules().size(), 2);
    QCOMPARE(reloadAndRead(), kBothPass);
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
    QVERIFY(base::getHeader(p.responseHeaders, "Access-Control-Allow-Origin"));

    const std::optional<Found> localPreflight =
        findLatest(m_loadStart, "OPTIONS", u"/local/items"_s);
    QVERIFY(localPreflight);
    QVERIFY(localPreflight->exchange.overridden);
    QVERIFY(localPreflight->exchange.answeredLocally);
    QCOMPARE(localPreflight->exchange.overrideRule, u"local preflights"_s);
    QCOMPARE(localPreflight->exchange.status, 204);
    QCOMPARE(localPreflight->exchange.upstreamStatus, 0);

    for (const QString &path : {u"/api/items"_s, u"/local/items"_s}) {
        const std::optional<Found> put = findLatest(m_loadStart, "PUT", path);
        QVERIFY2(put, qPrintable(path));
        const session::CapturedExchange &x = put->exchange;
        QVERIFY2(x.overridden, qPrintable(path));
        QCOMPARE(x.upstreamStatus, 200);
        QVERIFY(!base::getHeader(x.upstreamResponseHeaders, "Access-Control-Allow-Origin"));
        QCOMPARE(
            base::getHeader(x.responseHeaders, "Access-Control-Allow-Origin"),
            std::optional<QByteArray>(m_pageUrl.adjusted(QUrl::RemovePath).toString().toLatin1()));
        // Chrome let it through, and the engine, judging what the browser got, agrees.
        QVERIFY(x.browserReport);
        QCOMPARE(x.browserReport->corsError, QString());
        QCOMPARE(put->row.browserAgreement(), session::BrowserAgreement::Agrees);
    }

    // Removing a rule takes its fix away at once; the other stays.
    applied.clear();
    QVERIFY(attachment.removeOverride(0));
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QCOMPARE(reloadAndRead(), uR"(blocked | 200 {"ok":true})"_s);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"PUT /local/items"_s}));
    applied.clear();
    attachment.clearOverrides();
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QVERIFY(attachment.overrides().rules().isEmpty());
    QCOMPARE(reloadAndRead(), kBothBlocked);
    QVERIFY(loadCaptured());
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));

    // Detaching removes them: Fetch.disable goes to every tab before the connection closes.
    applied.clear();
    attachment.setOverrides(rules());
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > 0, kWaitMs);
    QCOMPARE(reloadAndRead(), kBothPass);
    QVERIFY(loadCaptured());
    takeApiLog();
    auto *connection = attachment.findChild<attach::ProtocolConnection *>();
    QVERIFY(connection);
    QSignalSpy closed(connection, &attach::ProtocolConnection::closed);
    attachment.detach();
    QVERIFY(attachment.overrides().rules().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(closed.count() > 0, kWaitMs); // the browser has let go of it
    QCOMPARE(reloadAndRead(), kBothBlocked);
    QCOMPARE(takeApiLog(), QStringList({u"OPTIONS /api/items"_s, u"OPTIONS /local/items"_s}));
}

QTEST_GUILESS_MAIN(TestAttachOverrides)
#include "tst_attach_overrides.moc"
