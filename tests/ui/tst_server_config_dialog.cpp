// "Server configuration": the playground policy (or a fix) written for real servers, chosen in
// the dialog and copied.
#include "policy/cors_policy.h"
#include "server_config_dialog.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QPushButton>
#include <QtTest>

using namespace corslab;

class TestServerConfigDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("CORS Lab test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_server_config_dialog"));
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.path().toLocal8Bit());
    }

    void everyTargetWritesThePolicy()
    {
        const policy::DemoOrigins origins{"http://localhost:8080", "http://localhost:3000",
                                          "http://127.0.0.1:6666"};
        policy::CorsPolicy policy =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        ui::ServerConfigDialog dialog(policy, origins, QStringLiteral("the test policy"));
        auto *target = dialog.findChild<QComboBox *>(QStringLiteral("serverTarget"));
        QVERIFY(target);
        QCOMPARE(target->count(), 8);
        for (int i = 0; i < target->count(); ++i) {
            target->setCurrentIndex(i);
            // The allowlisted origin, resolved from {app}, is in every target's configuration.
            QVERIFY2(dialog.configText().contains(QStringLiteral("http://localhost:3000")),
                     qPrintable(target->currentText()));
        }
        dialog.selectTarget(QStringLiteral("express"));
        QVERIFY(dialog.configText().contains(QStringLiteral("cors(")));
        dialog.findChild<QPushButton *>(QStringLiteral("copyConfig"))->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), dialog.configText());
    }

    void theLastTargetIsRemembered()
    {
        const policy::DemoOrigins origins{"http://localhost:8080", "http://localhost:3000",
                                          "http://127.0.0.1:6666"};
        {
            ui::ServerConfigDialog dialog({}, origins, QStringLiteral("a policy"));
            dialog.selectTarget(QStringLiteral("flask"));
        }
        ui::ServerConfigDialog again({}, origins, QStringLiteral("a policy"));
        QCOMPARE(
            again.findChild<QComboBox *>(QStringLiteral("serverTarget"))->currentData().toString(),
            QStringLiteral("flask"));
    }

private:
    QTemporaryDir m_home;
};

QTEST_MAIN(TestServerConfigDialog)
#include "tst_server_config_dialog.moc"
