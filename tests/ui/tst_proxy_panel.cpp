// The proxy panel driven like a user: the signals carry the settings in the fields, a bad reverse
// target is refused with the field named, the rules editor validates as the user types and
// applies to a real OverrideStore (whose rules then change a real response), invalid JSON
// leaves the rules in force untouched, and addRule() appends to both.
#include "proxy/override_store.h"
#include "proxy_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

using namespace corslab;
using Mode = proxy::ProxyOptions::Mode;

namespace {

template<typename Edit> void retype(Edit *edit, const QString &text)
{
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(edit, Qt::Key_Delete);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(edit, Qt::Key_Return);
        QTest::keyClicks(edit, lines[i]);
    }
}

/// Clicks a check box on its indicator (a form row stretches the box far beyond its text).
void clickCheckBox(QCheckBox *box)
{
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(6, box->height() / 2));
}

const QByteArray kTwoRules = R"({"rules": [
  {"name": "health", "host": "*.example.com", "path": "/health"},
  {"name": "cors", "host": "api.example.com", "set": [["Access-Control-Allow-Origin", "*"]]}
]})";

/// The header list \a rules make of a 200 response to GET \a url's path on \a host.
base::HeaderList applied(const proxy::OverrideSet &rules, const QByteArray &host,
                         const QByteArray &path)
{
    http::HttpRequest request;
    request.method = "GET";
    request.target = path;
    request.headers = {{"Host", host}, {"Origin", "http://localhost:3000"}};
    int status = 200;
    base::HeaderList headers{{"Content-Type", "application/json"}};
    QString rule;
    rules.applyToResponse(request, host + ":443", path, &status, &headers, &rule);
    return headers;
}

} // namespace

class TestProxyPanel : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<proxy::OverrideStore> m_store;
    std::unique_ptr<ui::ProxyPanel> m_panel;

    template<typename T> T *field(const char *name) const
    {
        T *widget = m_panel->findChild<T *>(QLatin1String(name));
        if (!widget)
            qFatal("no widget named %s", name);
        return widget;
    }
    QString rulesStatus() const { return field<QLabel>("rulesStatus")->text(); }

private Q_SLOTS:
    void init()
    {
        m_store = std::make_shared<proxy::OverrideStore>();
        m_panel = std::make_unique<ui::ProxyPanel>(m_store);
        m_panel->resize(420, 1200);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    }
    void cleanup()
    {
        m_panel.reset();
        m_store.reset();
    }

    void startCarriesTheSettingsInTheFields()
    {
        QSignalSpy start(m_panel.get(), &ui::ProxyPanel::startRequested);
        QSignalSpy stop(m_panel.get(), &ui::ProxyPanel::stopRequested);
        QCOMPARE(m_panel->settings(), lab::ProxySettings{});
        auto *port = field<QSpinBox>("port");
        port->setFocus();
        QTest::keyClick(port, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(port, QStringLiteral("9123"));
        clickCheckBox(field<QCheckBox>("interceptTls"));
        QTest::mouseClick(field<QPushButton>("startStop"), Qt::LeftButton);
        QCOMPARE(start.size(), 1);
        const auto sent = start[0][0].value<lab::ProxySettings>();
        QCOMPARE(sent.port, quint16(9123));
        QCOMPARE(sent.mode, Mode::Forward);
        QVERIFY(sent.interceptTls);
        QCOMPARE(stop.size(), 0);

        m_panel->setState(true, QStringLiteral("127.0.0.1:9123"), {});
        QVERIFY(m_panel->isRunning());
        QVERIFY(field<QLabel>("proxyState")->text().contains(QStringLiteral("127.0.0.1:9123")));
        QVERIFY(field<QLabel>("instructions")
                    ->text()
                    .contains(QStringLiteral("--proxy-server=http://127.0.0.1:9123")));
        QVERIFY(!field<QSpinBox>("port")->isEnabled()); // the running proxy's settings
        QTest::mouseClick(field<QPushButton>("startStop"), Qt::LeftButton);
        QCOMPARE(stop.size(), 1);
        QCOMPARE(start.size(), 1);

        m_panel->setState(false, {}, QStringLiteral("port 9123 is in use"));
        QVERIFY(
            field<QLabel>("proxyState")->text().contains(QStringLiteral("port 9123 is in use")));
        QVERIFY(field<QSpinBox>("port")->isEnabled());
    }

    void reverseModeNeedsAnAbsoluteHttpUrl()
    {
        QSignalSpy start(m_panel.get(), &ui::ProxyPanel::startRequested);
        auto *mode = field<QComboBox>("mode");
        mode->setFocus();
        QTest::keyClick(mode, Qt::Key_Down);
        QCOMPARE(m_panel->settings().mode, Mode::Reverse);
        auto *target = field<QLineEdit>("reverseTarget");
        QVERIFY(target->isEnabled());

        for (const QString &bad :
             {QString(), QStringLiteral("api.example.com"), QStringLiteral("ftp://api.example.com"),
              QStringLiteral("/relative/path")}) {
            retype(target, bad);
            QVERIFY2(
                m_panel->settingsError().startsWith(QStringLiteral("reverse target: expected")),
                qPrintable(bad));
            QVERIFY(field<QLabel>("settingsError")->isVisible());
            QVERIFY(!field<QPushButton>("startStop")->isEnabled());
        }
        QCOMPARE(start.size(), 0);

        retype(target, QStringLiteral("https://api.example.com/v2"));
        QVERIFY(m_panel->settingsError().isEmpty());
        QVERIFY(!field<QLabel>("settingsError")->isVisible());
        QTest::mouseClick(field<QPushButton>("startStop"), Qt::LeftButton);
        QCOMPARE(start.size(), 1);
        const auto sent = start[0][0].value<lab::ProxySettings>();
        QCOMPARE(sent.mode, Mode::Reverse);
        QCOMPARE(sent.reverseTarget, QUrl(QStringLiteral("https://api.example.com/v2")));
        QVERIFY(field<QLabel>("instructions")
                    ->text()
                    .contains(QStringLiteral("instead of https://api.example.com/v2")));
    }

    void setSettingsFillsTheFields()
    {
        lab::ProxySettings s;
        s.port = 0;
        s.mode = Mode::Reverse;
        s.reverseTarget = QUrl(QStringLiteral("http://localhost:5000"));
        s.interceptTls = true;
        m_panel->setSettings(s);
        QCOMPARE(m_panel->settings(), s);
        QCOMPARE(field<QSpinBox>("port")->text(), QStringLiteral("any free port"));
        QCOMPARE(field<QLineEdit>("reverseTarget")->text(),
                 QStringLiteral("http://localhost:5000"));
    }

    void exportCaIsASignal()
    {
        QSignalSpy exportCa(m_panel.get(), &ui::ProxyPanel::exportCaRequested);
        QTest::mouseClick(field<QPushButton>("exportCa"), Qt::LeftButton);
        QCOMPARE(exportCa.size(), 1);
    }

    void rulesApplyToTheStore()
    {
        auto *box = field<QGroupBox>("rulesBox");
        auto *apply = field<QPushButton>("applyRules");
        QCOMPARE(box->title(), QStringLiteral("Rules (0)"));
        QVERIFY(!apply->isEnabled());

        retype(field<QPlainTextEdit>("rulesEditor"), QString::fromUtf8(kTwoRules));
        QVERIFY2(rulesStatus().startsWith(QStringLiteral("✓ Valid: 2 rules")),
                 qPrintable(rulesStatus()));
        QVERIFY(m_store->current()->rules().isEmpty()); // typing applies nothing
        QVERIFY(apply->isEnabled());

        QTest::mouseClick(apply, Qt::LeftButton);
        QCOMPARE(m_store->current()->rules().size(), 2);
        QCOMPARE(m_store->current()->rules()[1].name, QStringLiteral("cors"));
        QCOMPARE(box->title(), QStringLiteral("Rules (2)"));
        QVERIFY(!apply->isEnabled());
        QVERIFY2(rulesStatus().contains(QStringLiteral("2 rules in force")),
                 qPrintable(rulesStatus()));

        // The rules in force really change a response, and the first match decides.
        const base::HeaderList cors = applied(*m_store->current(), "api.example.com", "/items");
        QVERIFY(
            cors.contains(qMakePair(QByteArray("Access-Control-Allow-Origin"), QByteArray("*"))));
        const base::HeaderList health = applied(*m_store->current(), "api.example.com", "/health");
        QVERIFY(!health.contains(
            qMakePair(QByteArray("Access-Control-Allow-Origin"), QByteArray("*"))));

        // Emptying the editor and applying removes every rule.
        retype(field<QPlainTextEdit>("rulesEditor"), QString());
        QVERIFY(apply->isEnabled());
        QTest::mouseClick(apply, Qt::LeftButton);
        QVERIFY(m_store->current()->rules().isEmpty());
        QCOMPARE(box->title(), QStringLiteral("Rules (0)"));
    }

    void invalidRulesLeaveTheRulesInForceUntouched()
    {
        proxy::OverrideSet initial;
        QString error;
        QVERIFY2(proxy::OverrideSet::fromJson(kTwoRules, &initial, &error), qPrintable(error));
        m_store->set(initial);
        m_panel = std::make_unique<ui::ProxyPanel>(m_store);
        // The editor starts with the rules in force.
        QVERIFY(field<QPlainTextEdit>("rulesEditor")
                    ->toPlainText()
                    .contains(QStringLiteral("\"cors\"")));
        QCOMPARE(field<QGroupBox>("rulesBox")->title(), QStringLiteral("Rules (2)"));

        auto *editor = field<QPlainTextEdit>("rulesEditor");
        retype(editor, QStringLiteral("{\"rules\": [\n  {\"host\": \"a.test\"},\n]}"));
        QVERIFY2(rulesStatus().contains(QStringLiteral("invalid JSON at line 3, column")),
                 qPrintable(rulesStatus()));
        QVERIFY(rulesStatus().contains(QStringLiteral("unchanged")));
        QVERIFY(!field<QPushButton>("applyRules")->isEnabled());

        retype(editor, QStringLiteral("{\"rules\": [{\"host\": \"https://api.example.com\"}]}"));
        QVERIFY2(rulesStatus().contains(QStringLiteral("rules[0].host: expected")),
                 qPrintable(rulesStatus()));
        retype(editor, QStringLiteral("{\"rules\": [{\"hots\": \"a.test\"}]}"));
        QVERIFY2(rulesStatus().contains(QStringLiteral("rules[0].hots: unknown field")),
                 qPrintable(rulesStatus()));
        QVERIFY(!field<QPushButton>("applyRules")->isEnabled());
        // Clicking the disabled button does nothing either.
        QTest::mouseClick(field<QPushButton>("applyRules"), Qt::LeftButton);
        QCOMPARE(m_store->current()->rules(), initial.rules());
        QCOMPARE(field<QGroupBox>("rulesBox")->title(), QStringLiteral("Rules (2)"));
    }

    void addRuleAppendsToTheRulesInForceAndTheEditor()
    {
        retype(field<QPlainTextEdit>("rulesEditor"), QString::fromUtf8(kTwoRules));
        QTest::mouseClick(field<QPushButton>("applyRules"), Qt::LeftButton);

        proxy::OverrideRule rule;
        rule.name = QStringLiteral("Fix from #13");
        rule.host = QStringLiteral("localhost:8080");
        rule.path = QStringLiteral("/items");
        rule.policy = *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        rule.answerPreflights = true;
        QVERIFY(m_panel->addRule(rule));
        QCOMPARE(m_store->current()->rules().size(), 3);
        QCOMPARE(m_store->current()->rules().last(), rule);
        QCOMPARE(field<QGroupBox>("rulesBox")->title(), QStringLiteral("Rules (3)"));
        const QString text = field<QPlainTextEdit>("rulesEditor")->toPlainText();
        QVERIFY(text.contains(QStringLiteral("Fix from #13")));
        // The editor's text is the rules in force: nothing is left to apply.
        QVERIFY(!field<QPushButton>("applyRules")->isEnabled());
        proxy::OverrideSet reparsed;
        QString error;
        QVERIFY2(proxy::OverrideSet::fromJson(text.toUtf8(), &reparsed, &error), qPrintable(error));
        QCOMPARE(reparsed.rules(), m_store->current()->rules());

        proxy::OverrideRule bad;
        bad.host = QStringLiteral("https://nope.example");
        QString why;
        QVERIFY(!m_panel->addRule(bad, &why));
        QVERIFY2(why.contains(QStringLiteral("rules[3].host")), qPrintable(why));
        QVERIFY(rulesStatus().contains(why));
        QCOMPARE(m_store->current()->rules().size(), 3);
    }

    void worksWithoutAStore()
    {
        ui::ProxyPanel panel(nullptr);
        QVERIFY(!panel.findChild<QGroupBox *>(QStringLiteral("rulesBox"))->isEnabled());
        QVERIFY(!panel.addRule({}));
    }
};

QTEST_MAIN(TestProxyPanel)
#include "tst_proxy_panel.moc"
