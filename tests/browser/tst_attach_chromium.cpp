// CORS Lab attached to a real headless Chromium over the DevTools protocol (core/attach), while
// the browser runs the browser-neutral cases of browser_cases.cpp (fetch() calls from a loopback
// page to two other loopback origins: blocked and exposed, preflighted, credentialed, redirected,
// cached preflights). The attachment captures into a session, which pairs and judges as it does
// a proxy's capture. Checked:
// - every request the scenario servers logged is in the session (method and URL, as often);
// - every preflight in the session is linked to the request it was sent for;
// - for every exchange the browser reported on, Chromium's own verdict (its corsErrorStatus, or
//   none) equals the engine's under the chromium profile: any disagreement fails with the case.

#include "attach/cdp_attachment.h"
#include "attach_checks.h"
#include "browser_cases.h"
#include "browser_harness.h"
#include "cdp_client.h"
#include "cors/browser_profile.h"
#include "scenario_server.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kMinimumCases = 40;
constexpr int kDrainTimeoutMs = 10000;

/// Puts the page of a browser that CdpClient started (and CORS Lab attached to) on the page.
class AttachedChromium : public BrowserRunner
{
public:
    explicit AttachedChromium(CdpClient &client) : m_client(client) {}
    QString name() const override { return QStringLiteral("chromium"); }
    bool isAvailable() const override { return m_client.isAvailable(); }
    bool open(const QUrl &url, QString *error) override
    {
        QJsonObject result;
        return m_client.command(QStringLiteral("Page.navigate"),
                                {{QStringLiteral("url"), url.toString()}}, &result, error);
    }
    void stop() override {} // the test stops the browser once the attachment has drained
    QString version() const override { return m_client.product(); }

private:
    CdpClient &m_client;
};

} // namespace

class TestAttachChromium : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void capturesEveryRequestWithTheBrowsersVerdict();

private:
    CdpClient m_client;
};

void TestAttachChromium::initTestCase()
{
    if (!m_client.isAvailable())
        QSKIP("chromium is not installed (scripts/deps.sh test)");
    QString error;
    QVERIFY2(m_client.start(&error), qPrintable(error));
}

void TestAttachChromium::cleanupTestCase()
{
    m_client.stop();
}

void TestAttachChromium::capturesEveryRequestWithTheBrowsersVerdict()
{
    const QList<BrowserCase> cases = browserCases();
    QVERIFY(cases.size() >= kMinimumCases);
    session::Session session;
    session.setProfile(*cors::BrowserProfile::byName(QStringLiteral("chromium")));
    attach::CdpAttachment attachment({});
    QObject::connect(&attachment, &attach::CdpAttachment::exchangesCaptured, &session,
                     &session::Session::append);
    QSignalSpy attached(&attachment, &attach::CdpAttachment::attached);
    QString error;
    QVERIFY2(attachment.attach(m_client.browserEndpoint(), &error), qPrintable(error));
    QVERIFY(attached.wait(10000));
    QCOMPARE(attached.first().first().toString(), m_client.product());

    // A second attachment to the same browser is refused, with a message that says so.
    attach::CdpAttachment second({});
    QString refused;
    QVERIFY(!second.attach(m_client.browserEndpoint(), &refused));
    QVERIFY2(refused.contains(QStringLiteral("already attached")), qPrintable(refused));

    ScenarioServer server;
    QVERIFY2(server.start(cases, &error), qPrintable(error));
    AttachedChromium runner(m_client);
    QList<BrowserObservation> observations;
    QVERIFY2(runInBrowser(runner, server, cases, &observations, &error), qPrintable(error));
    // Every finished request has left the attachment's grace period.
    QTRY_VERIFY_WITH_TIMEOUT(session.count() > 0, kDrainTimeoutMs);
    QTest::qWait(1500);
    attachment.detach();
    QVERIFY(!attachment.isAttached());

    // 1. What the servers logged is in the session, as often.
    const AttachFindings f = checkAttachedCapture(session, observations, u"Chrome"_s);
    QVERIFY2(f.missing.isEmpty(), qPrintable(f.missing.join(u'\n')));
    QVERIFY2(f.unpaired.isEmpty(),
             qPrintable(u"preflights not linked to their request:\n"_s + f.unpaired.join(u'\n')));
    QVERIFY2(f.disagreements.isEmpty(),
             qPrintable(u"Chrome and CORS Lab disagree:\n"_s + f.disagreements.join(u'\n')));
    // What the browser reported survives the session file and HAR, exchange by exchange.
    const QString lost = browserReportRoundTripFailure(session);
    QVERIFY2(lost.isEmpty(), qPrintable(lost));
    qInfo("%lld exchanges captured from %lld cases; %d judged the same by Chrome and the engine",
          static_cast<long long>(session.count()), static_cast<long long>(cases.size()),
          f.judgedByBoth);
    QVERIFY(f.judgedByBoth >= kMinimumCases);
}

QTEST_GUILESS_MAIN(TestAttachChromium)
#include "tst_attach_chromium.moc"
