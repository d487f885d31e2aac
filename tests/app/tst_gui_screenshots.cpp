// The real app under a real X server (Xvfb): started as a user would, it runs a classic scenario
// (one exposed pair, one blocked pair) and saves what the screen shows. The PNGs are checked for
// being the window and not a blank frame; scripts/screenshots.sh makes docs/screenshots/ the
// same way.
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestGuiScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("xvfb-run")).isEmpty())
            QFAIL("xvfb-run is missing: scripts/deps.sh test installs Debian's xvfb");
        QVERIFY(m_dir.isValid());
    }

    void scenarioScreenshots_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::newRow("first launch") << QString();
        QTest::newRow("exposed pair") << QStringLiteral("json-post");
        QTest::newRow("blocked pair") << QStringLiteral("credentials-wildcard");
    }

    void scenarioScreenshots()
    {
        QFETCH(QString, scenario);
        const QString png =
            m_dir.filePath((scenario.isEmpty() ? QStringLiteral("first-launch") : scenario) +
                           QStringLiteral(".png"));
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM")); // a real X server this time
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        app.setProcessEnvironment(env);
        QStringList args{QStringLiteral("-a"), QStringLiteral("-s"),
                         QStringLiteral("-screen 0 1600x1000x24"), QStringLiteral(CORSLAB_GUI)};
        if (!scenario.isEmpty())
            args << QStringLiteral("--scenario") << scenario;
        args << QStringLiteral("--screenshot") << png;
        app.start(QStringLiteral("xvfb-run"), args);
        QVERIFY(app.waitForFinished(60000));
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
        QVERIFY2(!app.readAllStandardError().contains("--scenario"), "the scenario failed");

        QImage image(png);
        QVERIFY2(!image.isNull(), qPrintable(png));
        QVERIFY(image.width() >= 1000 && image.height() >= 600);
        // A real frame has text and widgets: many colours, not one.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestGuiScreenshots)
#include "tst_gui_screenshots.moc"
