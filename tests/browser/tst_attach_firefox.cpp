// CORS Lab attached to a real headless Firefox ESR over WebDriver BiDi (core/attach:
// BidiAttachment, BidiAssembler), while the browser runs the browser-neutral cases of
// browser_cases.cpp, as tst_attach_chromium does for Chromium. Firefox allows one BiDi session,
// which the attachment holds, so the test drives the page without one: Firefox starts on a
// launch pad page that polls the test for the page to open. Checked:
// - every request the scenario servers logged is in the session (method and URL, as often);
// - every preflight in the session is paired with its request;
// - for every exchange Firefox reported on, its own verdict (the reason its console printed, or
//   none) equals the engine's under the firefox profile: any disagreement fails with the case;
// - a second attachment is refused while the first holds the session, and after detaching (the
//   session ended) Firefox takes a new one: the attachment never leaves Firefox locked.
// CORSLAB_DUMP_CASE=<case id> prints that case's exchanges as the session holds them.

#include "attach/bidi_attachment.h"
#include "attach/browser_endpoint.h"
#include "attach_checks.h"
#include "browser_cases.h"
#include "browser_harness.h"
#include "cors/browser_profile.h"
#include "firefox_runner.h"
#include "http_connection.h"
#include "scenario_server.h"
#include "session/session.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>
#include <csignal>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kMinimumCases = 40;
constexpr int kAttachTimeoutMs = 15000;
constexpr int kDrainTimeoutMs = 10000;

/// The page Firefox starts on: it asks /next every 100 ms and goes where the answer says. The
/// pad's other pages do the same, so the browser stays driven until it leaves the pad's origin:
/// /probe fetches /blocked from the other loopback origin (localhost), which answers without
/// Access-Control-Allow-Origin.
class LaunchPad
{
public:
    bool start(QString *error)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                new HttpConnection(socket, [this](const HttpRequest &r) { return answer(r); });
        });
        if (m_server.listen(QHostAddress::LocalHost, 0))
            return true;
        *error = u"launch pad: "_s + m_server.errorString();
        return false;
    }
    QUrl url(const QString &path = u"/pad"_s) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server.serverPort()).arg(path));
    }
    QUrl blockedUrl() const
    {
        return QUrl(u"http://localhost:%1/blocked"_s.arg(m_server.serverPort()));
    }
    void go(const QUrl &page) { m_next = page.toString(QUrl::FullyEncoded).toUtf8(); }

private:
    HttpResponse answer(const HttpRequest &request) const
    {
        HttpResponse response;
        response.headers = {{"Content-Type", "text/html"}, {"Cache-Control", "no-store"}};
        if (request.path() == "/next") {
            response.body = m_next;
        } else if (request.path() == "/blocked") {
            response.headers = {{"Content-Type", "text/plain"}};
            response.body = "not for other origins";
        } else {
            const QByteArray probe =
                request.path() == "/probe"
                    ? "fetch('" + blockedUrl().toEncoded() + "').catch(() => {});"
                    : QByteArray();
            response.body = "<!doctype html><title>launch pad</title><script>" + probe + R"(
setInterval(async () => {
  const next = await (await fetch('/next')).text();
  if (next && next !== location.href) location.href = next;
}, 100);
</script>)";
        }
        return response;
    }

    QTcpServer m_server;
    QByteArray m_next;
};

/// Puts the Firefox on the launch pad onto the harness's page.
class PadRunner : public BrowserRunner
{
public:
    PadRunner(FirefoxRunner &firefox, LaunchPad &pad) : m_firefox(firefox), m_pad(pad) {}
    QString name() const override { return QStringLiteral("firefox"); }
    bool isAvailable() const override { return m_firefox.isAvailable(); }
    bool open(const QUrl &url, QString *error) override
    {
        if (!m_firefox.processRunning()) {
            *error = u"firefox is not running"_s;
            return false;
        }
        m_pad.go(url);
        return true;
    }
    void stop() override {} // the test stops the browser once the attachment has drained
    QString version() const override { return m_firefox.version(); }

private:
    FirefoxRunner &m_firefox;
    LaunchPad &m_pad;
};

} // namespace

class TestAttachFirefox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    // In this order: the pad drives Firefox until the big run takes it to the scenario page.
    void lookupOfThePortFindsFirefox();
    void cliAttachesRecordsAndDetachesOnCtrlC();
    void capturesEveryRequestWithTheBrowsersVerdict();
    void detachingEndsTheSession();

private:
    FirefoxRunner m_firefox;
    LaunchPad m_pad;
};

void TestAttachFirefox::initTestCase()
{
    if (!m_firefox.isAvailable())
        QSKIP("firefox-esr is not installed (scripts/deps.sh test)");
    QString error;
    QVERIFY2(m_pad.start(&error), qPrintable(error));
    QVERIFY2(m_firefox.launchWithoutSession(m_pad.url(), &error), qPrintable(error));
}

void TestAttachFirefox::cleanupTestCase()
{
    m_firefox.stop();
}

void TestAttachFirefox::capturesEveryRequestWithTheBrowsersVerdict()
{
    const QList<BrowserCase> cases = browserCases();
    QVERIFY(cases.size() >= kMinimumCases);
    session::Session session;
    session.setProfile(*cors::BrowserProfile::byName(QStringLiteral("firefox")));
    attach::BidiAttachment attachment({});
    QObject::connect(&attachment, &attach::Attachment::exchangesCaptured, &session,
                     &session::Session::append);
    QSignalSpy attached(&attachment, &attach::Attachment::attached);
    QString error;
    QVERIFY2(attachment.attach(m_firefox.bidiEndpoint(), &error), qPrintable(error));
    QVERIFY(attached.wait(kAttachTimeoutMs));
    QVERIFY2(attached.first().first().toString().startsWith(u"Firefox/"_s),
             qPrintable(attached.first().first().toString()));
    QVERIFY(attachment.targetCount() >= 1);

    // A second attachment to the same browser is refused, with a message that says so.
    attach::BidiAttachment second({});
    QString refused;
    QVERIFY(!second.attach(m_firefox.bidiEndpoint(), &refused));
    QVERIFY2(refused.contains(QStringLiteral("already attached")), qPrintable(refused));

    ScenarioServer server;
    QVERIFY2(server.start(cases, &error), qPrintable(error));
    PadRunner runner(m_firefox, m_pad);
    QList<BrowserObservation> observations;
    QVERIFY2(runInBrowser(runner, server, cases, &observations, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(session.count() > 0, kDrainTimeoutMs);
    QTest::qWait(1500); // every ended request has left the attachment's grace period
    m_pad.go(QUrl(u"about:blank"_s));
    attachment.detach();
    QVERIFY(!attachment.isAttached());

    const AttachFindings f = checkAttachedCapture(session, observations, u"Firefox"_s);
    QVERIFY2(f.missing.isEmpty(), qPrintable(f.missing.join(u'\n')));
    QVERIFY2(f.unpaired.isEmpty(),
             qPrintable(u"preflights not linked to their request:\n"_s + f.unpaired.join(u'\n')));
    QVERIFY2(f.disagreements.isEmpty(),
             qPrintable(u"Firefox and CORS Lab disagree:\n"_s + f.disagreements.join(u'\n')));
    // What the browser reported survives the session file and HAR, exchange by exchange.
    const QString lost = browserReportRoundTripFailure(session);
    QVERIFY2(lost.isEmpty(), qPrintable(lost));
    qInfo("%lld exchanges captured from %lld cases; %d judged the same by Firefox and the engine",
          static_cast<long long>(session.count()), static_cast<long long>(cases.size()),
          f.judgedByBoth);
    QVERIFY(f.judgedByBoth >= kMinimumCases);
    // Bodies come through the data collector (the scenario servers answer with a body).
    QVERIFY2(f.withBody >= kMinimumCases, qPrintable(QString::number(f.withBody)));
}

void TestAttachFirefox::detachingEndsTheSession()
{
    // Firefox keeps a BiDi session that was not ended and refuses every new one: attaching
    // again after a detach works only if the detach ended it.
    for (int round = 0; round < 2; ++round) {
        attach::BidiAttachment attachment({});
        QSignalSpy attached(&attachment, &attach::Attachment::attached);
        QSignalSpy detached(&attachment, &attach::Attachment::detached);
        QString error;
        QVERIFY2(attachment.attach(m_firefox.bidiEndpoint(), &error), qPrintable(error));
        QVERIFY2(
            attached.wait(kAttachTimeoutMs),
            qPrintable(detached.isEmpty() ? u"no answer"_s : detached.first().first().toString()));
        attachment.detach();
        QCOMPARE(detached.size(), 1);
        QCOMPARE(detached.first().first().toString(), u"detached"_s);
        QTest::qWait(300); // Firefox handles session.end, then the close
    }
}

void TestAttachFirefox::lookupOfThePortFindsFirefox()
{
    // `corslab-cli attach --port N` and the app's dialog look the port up the same way.
    attach::BrowserEndpointLookup lookup;
    QSignalSpy found(&lookup, &attach::BrowserEndpointLookup::found);
    QSignalSpy failed(&lookup, &attach::BrowserEndpointLookup::failed);
    lookup.lookUp(u"127.0.0.1"_s, quint16(m_firefox.bidiEndpoint().port()));
    QVERIFY(found.wait(kAttachTimeoutMs));
    QCOMPARE(found.first().at(0).toUrl(), m_firefox.bidiEndpoint());
    QCOMPARE(found.first().at(1).toString(), u"Firefox"_s);
    QVERIFY(attach::isBidiEndpoint(found.first().at(0).toUrl()));
    QCOMPARE(failed.size(), 0);
}

void TestAttachFirefox::cliAttachesRecordsAndDetachesOnCtrlC()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString record = dir.filePath(u"firefox.json"_s);
    QProcess cli;
    // However the test ends, the CLI ends its BiDi session (a killed one would lock Firefox).
    const auto interrupt = qScopeGuard([&cli] {
        if (cli.state() != QProcess::NotRunning) {
            ::kill(pid_t(cli.processId()), SIGINT);
            cli.waitForFinished(kAttachTimeoutMs);
        }
    });
    cli.start(QStringLiteral(CORSLAB_CLI),
              {u"attach"_s, u"--port"_s, QString::number(m_firefox.bidiEndpoint().port()),
               u"--record"_s, record});
    QByteArray out;
    auto read = [&] {
        out += cli.readAllStandardOutput();
        return out;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(read().contains("Attached to Firefox/"), out.constData(),
                              kAttachTimeoutMs);
    QVERIFY2(out.contains("verdicts for:    firefox"), out.constData());
    m_pad.go(m_pad.url(u"/probe"_s));
    // The line of the blocked fetch, with Firefox's verdict beside the engine's.
    const QByteArray blocked = m_pad.blockedUrl().toEncoded();
    QTRY_VERIFY2_WITH_TIMEOUT(read().contains(blocked), out.constData(), kDrainTimeoutMs);
    const QByteArray line = out.mid(out.indexOf(blocked)).split('\n').first();
    QVERIFY2(line.contains("browser: blocked (CORSMissingAllowOrigin), agrees"), line.constData());
    ::kill(pid_t(cli.processId()), SIGINT); // Ctrl+C
    QVERIFY(cli.waitForFinished(kAttachTimeoutMs));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 0);
    QFile file(record);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(record));
    const QByteArray saved = file.readAll();
    QVERIFY(saved.contains("CORSMissingAllowOrigin2"));
    QVERIFY(saved.contains("browser (WebDriver BiDi)"));
}

QTEST_GUILESS_MAIN(TestAttachFirefox)
#include "tst_attach_firefox.moc"
