// The app's attach dialog and "Attached browser" dock driven like a user, against a real
// headless Firefox ESR started with remote debugging (no BiDi session of its own): the dialog
// offers the installed browsers to start, a port with nothing behind it gets the advice to start
// the browser with --remote-debugging-port, Firefox's port attaches (the dialog closes, the dock
// names Firefox and WebDriver BiDi), the page's requests reach the session while attached (the
// capture runs on a thread of its own), and the dock's Detach ends the capture (the session
// ended: attaching again works). The first run found the capture's timers left on the GUI
// thread: nothing reached the session before detaching.

#include "attach_dialog.h"
#include "attach_panel.h"
#include "firefox_runner.h"
#include "http_connection.h"
#include "lab/browser_attach.h"
#include "lab/session_feeder.h"
#include "session/session.h"

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTcpServer>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {
constexpr int kTimeoutMs = 20000;

QPushButton *buttonNamed(QWidget *parent, const QString &text)
{
    for (QPushButton *b : parent->findChildren<QPushButton *>())
        if (b->text() == text)
            return b;
    return nullptr;
}

/// A page that asks its server for /tick five times a second, for as long as it is open.
class TickingPage
{
public:
    bool start()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                new HttpConnection(socket, [](const HttpRequest &request) {
                    HttpResponse response;
                    response.headers = {{"Content-Type", "text/html"}};
                    response.body =
                        request.path() == "/tick"
                            ? QByteArray("ok")
                            : "<script>setInterval(() => fetch('/tick'), 200);</script>";
                    return response;
                });
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/"_s.arg(m_server.serverPort())); }

private:
    QTcpServer m_server;
};

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when probe goes
}
} // namespace

class TestAttachDialogFirefox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void offersTheInstalledBrowsers();
    void aClosedPortGetsAdvice();
    void attachesToFirefoxAndDetachesFromTheDock();

private:
    FirefoxRunner m_firefox;
    TickingPage m_page;
    session::Session m_session;
    lab::SessionFeeder m_feeder{&m_session};
};

void TestAttachDialogFirefox::initTestCase()
{
    if (!m_firefox.isAvailable())
        QSKIP("firefox-esr is not installed (scripts/deps.sh test)");
    QString error;
    QVERIFY(m_page.start());
    QVERIFY2(m_firefox.launchWithoutSession(m_page.url(), &error), qPrintable(error));
}

void TestAttachDialogFirefox::cleanupTestCase()
{
    m_firefox.stop();
}

void TestAttachDialogFirefox::offersTheInstalledBrowsers()
{
    lab::BrowserAttach attach(&m_feeder, 1 << 16);
    ui::AttachDialog dialog(attach);
    const QStringList installed = lab::BrowserAttach::installedBrowsers();
    QCOMPARE(dialog.browserChoice()->count(), installed.size());
    QStringList offered;
    for (int i = 0; i < dialog.browserChoice()->count(); ++i)
        offered.append(dialog.browserChoice()->itemData(i).toString());
    QCOMPARE(offered, installed);
    QVERIFY2(std::any_of(offered.cbegin(), offered.cend(),
                         [](const QString &b) { return b.contains(u"firefox"_s); }),
             qPrintable(offered.join(u", "_s)));
}

void TestAttachDialogFirefox::aClosedPortGetsAdvice()
{
    lab::BrowserAttach attach(&m_feeder, 1 << 16);
    ui::AttachDialog dialog(attach);
    dialog.show();
    const quint16 port = closedPort();
    dialog.portField()->setValue(port);
    dialog.runningList()->setCurrentRow(-1);
    QPushButton *attachButton = buttonNamed(&dialog, u"&Attach"_s);
    QVERIFY(attachButton);
    QTest::mouseClick(attachButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.statusLabel()->text().contains(u"--remote-debugging-port"_s),
                             kTimeoutMs);
    QVERIFY(dialog.statusLabel()->text().contains(QString::number(port)));
    QVERIFY(!attach.isAttached());
    QVERIFY(dialog.isVisible());
}

void TestAttachDialogFirefox::attachesToFirefoxAndDetachesFromTheDock()
{
    for (int round = 0; round < 2;
         ++round) { // the second works only if the first ended its session
        lab::BrowserAttach attach(&m_feeder, 1 << 16);
        ui::AttachPanel panel(attach);
        ui::AttachDialog dialog(attach);
        dialog.show();
        dialog.portField()->setValue(m_firefox.bidiEndpoint().port());
        dialog.runningList()->setCurrentRow(-1);
        QTest::mouseClick(buttonNamed(&dialog, u"&Attach"_s), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(attach.isAttached(), qPrintable(dialog.statusLabel()->text()),
                                  kTimeoutMs);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY2(attach.product().startsWith(u"Firefox/"_s), qPrintable(attach.product()));
        QCOMPARE(attach.endpoint(), m_firefox.bidiEndpoint());
        QVERIFY2(panel.stateLabel()->text().contains(u"Capturing Firefox over WebDriver BiDi"_s),
                 qPrintable(panel.stateLabel()->text()));
        // The page's requests reach the session while attached, judged with Firefox's verdict.
        const qsizetype before = m_session.count();
        QTRY_VERIFY_WITH_TIMEOUT(m_session.count() > before + 2, kTimeoutMs);
        const session::CapturedExchange tick = m_session.exchange(m_session.count() - 1);
        QVERIFY2(tick.url.endsWith("/tick"), tick.url.constData());
        QVERIFY(tick.browserReport && tick.browserReport->browser.startsWith(u"Firefox/"_s));
        QPushButton *detach = buttonNamed(&panel, u"Detach"_s);
        QVERIFY(detach && detach->isEnabled());
        QTest::mouseClick(detach, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!attach.isAttached(), kTimeoutMs);
        QVERIFY2(panel.stateLabel()->text().startsWith(u"Not attached"_s),
                 qPrintable(panel.stateLabel()->text()));
        QVERIFY(buttonNamed(&panel, u"Attach…"_s)->isEnabled());
    }
}

QTEST_MAIN(TestAttachDialogFirefox)
#include "tst_attach_dialog_firefox.moc"
