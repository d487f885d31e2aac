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
#include "browser_cases.h"
#include "browser_harness.h"
#include "cdp_client.h"
#include "cors/browser_profile.h"
#include "report/har_export.h"
#include "report/har_import.h"
#include "scenario_server.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QBuffer>
#include <QRegularExpression>
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
        const bool sent = !(x.browserReport && x.browserReport->notSent);
        if (sent && row.status != 0)
            ++captured[id + u' ' + QString::fromLatin1(row.method) + u' ' + pathOf(row.url)];
        if (row.kind == session::ExchangeKind::Preflight &&
            row.pairing == session::PairingState::None)
            unpaired.append(
                QStringLiteral("#%1 %2 %3").arg(row.id).arg(id, QString::fromUtf8(row.url)));
        switch (row.browserAgreement()) {
        case session::BrowserAgreement::Disagrees:
            disagreements.append(
                QStringLiteral("%1 (#%2 %3 %4): Chrome says %5, CORS Lab says %6 %7")
                    .arg(id)
                    .arg(row.id)
                    .arg(QString::fromLatin1(row.method), QString::fromUtf8(row.url),
                         x.browserReport->corsError.isEmpty() ? QStringLiteral("no CORS error")
                                                              : x.browserReport->corsError,
                         session::verdictStateName(row.verdict.state), row.errorName()));
            break;
        case session::BrowserAgreement::Agrees:
            ++judgedByBoth;
            break;
        default:
            break;
        }
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
             qPrintable(u"Chrome and CORS Lab disagree:\n"_s + disagreements.join(u'\n')));
    // What the browser reported survives the session file and HAR, exchange by exchange.
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
        const session::CapturedExchange x = session.exchange(i);
        QCOMPARE(reread.exchange(i).browserReport, x.browserReport);
        QCOMPARE(fromHar.at(i).browserReport, x.browserReport);
        QCOMPARE(fromHar.at(i).source, x.source);
        QCOMPARE(reread.row(i).browserAgreement(), session.row(i).browserAgreement());
    }
    qInfo("%lld exchanges captured from %lld cases; %d judged the same by Chrome and the engine",
          static_cast<long long>(session.count()), static_cast<long long>(cases.size()),
          judgedByBoth);
    QVERIFY(judgedByBoth >= kMinimumCases);
}

QTEST_GUILESS_MAIN(TestAttachChromium)
#include "tst_attach_chromium.moc"
