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
#include "override_checks.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 15000;

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
    proxy::OverrideSet rules() const;

    CdpClient m_client;
    BlockingApi m_api;
    std::unique_ptr<http::HttpServer> m_page;
    quint16 m_apiPort = 0;
    QUrl m_pageUrl;
    session::Session m_session;
    qsizetype m_loadStart = 0; ///< the session's size when the last load began
};

void TestAttachOverrides::initTestCase()
{
    if (!m_client.isAvailable())
        QSKIP("chromium is not installed (scripts/deps.sh test)");
    QString error;
    m_apiPort = m_api.start(&error);
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

proxy::OverrideSet TestAttachOverrides::rules() const
{
    return applyInBrowserRules(m_apiPort, m_pageUrl.adjusted(QUrl::RemovePath).toString());
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
        [this] { return findLatest(m_session, m_loadStart, "PUT", u"/local/items"_s).has_value(); },
        kWaitMs);
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

    const OverridePage page{m_api, m_session,
                            [this] {
                                const QString outcome = reloadAndRead();
                                return loadCaptured() ? outcome : u"not captured: "_s + outcome;
                            },
                            m_pageUrl.adjusted(QUrl::RemovePath).toString().toLatin1()};
    checkBlocked(page);
    // "Apply in browser": live, the next load uses them; removed, they stop at once.
    checkRulesApply(attachment, page, rules());
    if (QTest::currentTestFailed())
        return;
    checkRulesGoAway(attachment, page);
    if (QTest::currentTestFailed())
        return;

    // Detaching removes them: Fetch.disable goes to every tab before the connection closes.
    checkRulesApply(attachment, page, rules());
    if (QTest::currentTestFailed())
        return;
    auto *connection = attachment.findChild<attach::ProtocolConnection *>();
    QVERIFY(connection);
    QSignalSpy closed(connection, &attach::ProtocolConnection::closed);
    attachment.detach();
    QVERIFY(attachment.overrides().rules().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(closed.count() > 0, kWaitMs); // the browser has let go of it
    OverridePage detached = page;
    detached.load = [this] { return reloadAndRead(); }; // nothing captures it any more
    checkBlocked(detached);
}

QTEST_GUILESS_MAIN(TestAttachOverrides)
#include "tst_attach_overrides.moc"
