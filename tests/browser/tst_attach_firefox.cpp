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
#include "browser_cases.h"
#include "browser_harness.h"
#include "cors/browser_profile.h"
#include "firefox_runner.h"
#include "http_connection.h"
#include "report/har_export.h"
#include "report/har_import.h"
#include "scenario_server.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QBuffer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kMinimumCases = 40;
constexpr int kAttachTimeoutMs = 15000;
constexpr int kDrainTimeoutMs = 10000;

/// The page Firefox starts on: it asks /next every 100 ms and goes where the answer says.
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
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/pad"_s.arg(m_server.serverPort())); }
    void go(const QUrl &page) { m_next = page.toString(QUrl::FullyEncoded).toUtf8(); }

private:
    HttpResponse answer(const HttpRequest &request) const
    {
        HttpResponse response;
        response.headers = {{"Content-Type", "text/html"}, {"Cache-Control", "no-store"}};
        if (request.path() == "/next") {
            response.body = m_next;
            return response;
        }
        response.body = R"(<!doctype html><title>launch pad</title><script>
setInterval(async () => {
  const next = await (await fetch('/next')).text();
  if (next) location.href = next;
}, 100);
</script>)";
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

QString caseOf(const QByteArray &url)
{
    static const QRegularExpression re(QStringLiteral("/case/([^/]+)/"));
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(url));
    return m.hasMatch() ? m.captured(1) : QString();
}

QString pathOf(const QByteArray &url)
{
    const QUrl u(QString::fromUtf8(url));
    return u.path(QUrl::FullyEncoded) +
           (u.hasQuery() ? QLatin1Char('?') + u.query(QUrl::FullyEncoded) : QString());
}

QString disagreement(const QString &id, const session::ExchangeRow &row,
                     const session::CapturedExchange &x)
{
    return QStringLiteral("%1 (#%2 %3 %4): Firefox says %5, CORS Lab says %6 %7")
        .arg(id)
        .arg(row.id)
        .arg(QString::fromLatin1(row.method), QString::fromUtf8(row.url),
             x.browserReport->corsError.isEmpty()
                 ? QStringLiteral("no CORS error")
                 : x.browserReport->corsError + u" ("_s + x.browserReport->failedParameter + u')',
             session::verdictStateName(row.verdict.state), row.errorName());
}

} // namespace

class TestAttachFirefox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
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

    QHash<QString, int> logged; // "case METHOD path" -> count
    QHash<QString, int> captured;
    for (const BrowserObservation &o : std::as_const(observations))
        for (const ObservedRequest &r : o.requests)
            ++logged[o.id + u' ' + r.method + u' ' + r.path];
    QStringList disagreements;
    QStringList unpaired;
    int judgedByBoth = 0;
    for (qsizetype i = 0; i < session.count(); ++i) {
        const session::ExchangeRow row = session.row(i);
        const QString id = caseOf(row.url);
        if (id.isEmpty())
            continue;
        const session::CapturedExchange x = session.exchange(i);
        if (qEnvironmentVariableIsSet("CORSLAB_DUMP_CASE") &&
            id == qEnvironmentVariable("CORSLAB_DUMP_CASE")) {
            QStringList heads;
            for (const auto &h : x.requestHeaders)
                heads.append(QString::fromLatin1(h.first + ": " + h.second));
            qInfo() << row.id << row.method << row.url << int(row.kind) << int(row.pairing)
                    << x.startedAtMs << x.finishedAtMs << row.status << heads;
        }
        const bool sent = !(x.browserReport && x.browserReport->notSent);
        if (sent && row.status != 0)
            ++captured[id + u' ' + QString::fromLatin1(row.method) + u' ' + pathOf(row.url)];
        if (row.kind == session::ExchangeKind::Preflight &&
            row.pairing == session::PairingState::None)
            unpaired.append(
                QStringLiteral("#%1 %2 %3").arg(row.id).arg(id, QString::fromUtf8(row.url)));
        if (row.browserAgreement() == session::BrowserAgreement::Disagrees)
            disagreements.append(disagreement(id, row, x));
        else if (row.browserAgreement() == session::BrowserAgreement::Agrees)
            ++judgedByBoth;
    }
    QStringList missing;
    for (auto it = logged.cbegin(); it != logged.cend(); ++it)
        if (captured.value(it.key()) != it.value())
            missing.append(QStringLiteral("%1: the server saw %2, the session holds %3")
                               .arg(it.key())
                               .arg(it.value())
                               .arg(captured.value(it.key())));
    for (auto it = captured.cbegin(); it != captured.cend(); ++it)
        if (!logged.contains(it.key()))
            missing.append(QStringLiteral("%1: in the session %2 times, never on the server")
                               .arg(it.key())
                               .arg(it.value()));
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u'\n')));
    QVERIFY2(unpaired.isEmpty(),
             qPrintable(u"preflights not linked to their request:\n"_s + unpaired.join(u'\n')));
    QVERIFY2(disagreements.isEmpty(),
             qPrintable(u"Firefox and CORS Lab disagree:\n"_s + disagreements.join(u'\n')));
    // What Firefox reported survives the session file and HAR, exchange by exchange.
    QBuffer file;
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY2(session::writeSession(session, &file, &error), qPrintable(error));
    session::Session reread;
    QVERIFY2(session::readSession(file.data(), &reread, &error), qPrintable(error));
    QBuffer har;
    QVERIFY(har.open(QIODevice::WriteOnly));
    QVERIFY2(report::writeHar(session, &har, &error), qPrintable(error));
    QList<session::CapturedExchange> fromHar;
    QVERIFY2(report::readHar(har.data(), &fromHar, &error), qPrintable(error));
    QCOMPARE(reread.count(), session.count());
    QCOMPARE(fromHar.size(), session.count());
    for (qsizetype i = 0; i < session.count(); ++i) {
        QCOMPARE(reread.exchange(i).browserReport, session.exchange(i).browserReport);
        QCOMPARE(fromHar.at(i).browserReport, session.exchange(i).browserReport);
        QCOMPARE(reread.row(i).browserAgreement(), session.row(i).browserAgreement());
    }
    qInfo("%lld exchanges captured from %lld cases; %d judged the same by Firefox and the engine",
          static_cast<long long>(session.count()), static_cast<long long>(cases.size()),
          judgedByBoth);
    QVERIFY(judgedByBoth >= kMinimumCases);
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

QTEST_GUILESS_MAIN(TestAttachFirefox)
#include "tst_attach_firefox.moc"
