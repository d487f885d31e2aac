// Preferences through a real QSettings file: the round trip, defaults, fallbacks for values
// missing, mistyped or out of range, validation messages, and the dialog's fields driven like a
// user (OK disabled while a field is wrong).
#include "preferences.h"
#include "preferences_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab::ui;

namespace {

void retype(QWidget *edit, const QString &text)
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

} // namespace

class TestPreferences : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString settingsPath(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaultsWhenNothingIsStored()
    {
        QSettings settings(settingsPath("empty.ini"), QSettings::IniFormat);
        const Preferences p = Preferences::load(settings);
        QCOMPARE(p, Preferences{});
        QCOMPARE(p.proxyPort, quint16(8899));
        QCOMPARE(p.bodyCaptureBytes, 64 * 1024);
        QCOMPARE(p.browserProfile, QStringLiteral("chromium"));
        QVERIFY(p.startProxyAtLaunch);
        QVERIFY(!p.showBrowserBackground); // the list hides the browser's background traffic
        QVERIFY(p.problems().isEmpty());
    }

    void roundTripThroughAFile()
    {
        Preferences p;
        p.apiPort = 18080;
        p.appPort = 13000;
        p.evilPort = 16666;
        p.proxyPort = 0;
        p.bodyCaptureBytes = 5 * 1024 * 1024;
        p.browserBinary = QCoreApplication::applicationFilePath(); // an executable that exists
        p.browserProfile = QStringLiteral("firefox");
        p.startProxyAtLaunch = false;
        p.showBrowserBackground = true;
        p.keepExchanges = 1000000;
        p.keepDiskBytes = qint64(20) << 30;
        p.keepAgeSeconds = 7 * 86400;
        QVERIFY(p.problems().isEmpty());
        QCOMPARE(p.retention().maxExchanges, qint64(1000000));
        QCOMPARE(p.retention().maxDiskBytes, qint64(20) << 30);
        QCOMPARE(p.retention().maxAgeSeconds, qint64(7 * 86400));
        {
            QSettings settings(settingsPath("round.ini"), QSettings::IniFormat);
            p.save(settings);
        }
        QSettings reread(settingsPath("round.ini"), QSettings::IniFormat);
        QCOMPARE(reread.value(QStringLiteral("preferences/proxyPort")).toInt(), 0);
        QCOMPARE(Preferences::load(reread), p);
    }

    void badValuesFallBackToDefaults_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QVariant>("value");
        QTest::newRow("port too high") << QStringLiteral("proxyPort") << QVariant(70000);
        QTest::newRow("negative port") << QStringLiteral("apiPort") << QVariant(-1);
        QTest::newRow("port not a number")
            << QStringLiteral("appPort") << QVariant(QStringLiteral("eighty"));
        QTest::newRow("port with junk")
            << QStringLiteral("evilPort") << QVariant(QStringLiteral("80abc"));
        QTest::newRow("body cap too small") << QStringLiteral("bodyCaptureBytes") << QVariant(512);
        QTest::newRow("body cap too large")
            << QStringLiteral("bodyCaptureBytes") << QVariant(qint64(1) << 40);
        QTest::newRow("unknown profile")
            << QStringLiteral("browserProfile") << QVariant(QStringLiteral("netscape"));
        QTest::newRow("start proxy not a bool")
            << QStringLiteral("startProxyAtLaunch") << QVariant(QStringLiteral("maybe"));
        QTest::newRow("show background not a bool")
            << QStringLiteral("showBrowserBackground") << QVariant(QStringLiteral("1"));
    }
    void badValuesFallBackToDefaults()
    {
        QFETCH(QString, key);
        QFETCH(QVariant, value);
        const QString path = settingsPath("bad.ini");
        QFile::remove(path);
        {
            QSettings settings(path, QSettings::IniFormat);
            Preferences good;
            good.proxyPort = 9000;
            good.bodyCaptureBytes = 2048;
            good.browserProfile = QStringLiteral("safari");
            good.startProxyAtLaunch = false;
            good.showBrowserBackground = true;
            good.save(settings);
            settings.setValue(QStringLiteral("preferences/") + key, value);
        }
        QSettings settings(path, QSettings::IniFormat);
        const Preferences loaded = Preferences::load(settings);
        const Preferences defaults;
        if (key == QLatin1String("proxyPort"))
            QCOMPARE(loaded.proxyPort, defaults.proxyPort);
        else
            QCOMPARE(loaded.proxyPort, quint16(9000)); // the other values are kept
        if (key == QLatin1String("apiPort"))
            QCOMPARE(loaded.apiPort, defaults.apiPort);
        if (key == QLatin1String("appPort"))
            QCOMPARE(loaded.appPort, defaults.appPort);
        if (key == QLatin1String("evilPort"))
            QCOMPARE(loaded.evilPort, defaults.evilPort);
        QCOMPARE(loaded.bodyCaptureBytes,
                 key == QLatin1String("bodyCaptureBytes") ? defaults.bodyCaptureBytes : 2048);
        QCOMPARE(loaded.browserProfile, key == QLatin1String("browserProfile")
                                            ? defaults.browserProfile
                                            : QStringLiteral("safari"));
        QCOMPARE(loaded.startProxyAtLaunch, key == QLatin1String("startProxyAtLaunch"));
        QCOMPARE(loaded.showBrowserBackground, key != QLatin1String("showBrowserBackground"));
        QVERIFY(loaded.problems().isEmpty());
    }

    void clashingPortsFallBackToDefaults()
    {
        const QString path = settingsPath("clash.ini");
        {
            QSettings settings(path, QSettings::IniFormat);
            settings.setValue(QStringLiteral("preferences/apiPort"), 8080);
            settings.setValue(QStringLiteral("preferences/proxyPort"), 8080);
        }
        QSettings settings(path, QSettings::IniFormat);
        const Preferences loaded = Preferences::load(settings);
        QCOMPARE(loaded.apiPort, quint16(0));
        QCOMPARE(loaded.proxyPort, quint16(8899));
    }

    // Session limits out of range, negative or not numbers are off (0), not refused at start.
    void sessionLimitsOutOfRangeAreOff()
    {
        const QString path = settingsPath("limits.ini");
        {
            QSettings settings(path, QSettings::IniFormat);
            settings.setValue(QStringLiteral("preferences/session/keepExchanges"), -5);
            settings.setValue(QStringLiteral("preferences/session/keepDiskBytes"), 4096);
            settings.setValue(QStringLiteral("preferences/session/keepAgeSeconds"),
                              QStringLiteral("a week"));
        }
        QSettings settings(path, QSettings::IniFormat);
        const Preferences loaded = Preferences::load(settings);
        QCOMPARE(loaded.keepExchanges, qint64(0));
        QCOMPARE(loaded.keepDiskBytes, qint64(0));
        QCOMPARE(loaded.keepAgeSeconds, qint64(0));
        QVERIFY(!loaded.retention().any());
        settings.setValue(QStringLiteral("preferences/session/keepAgeSeconds"), 10);
        QCOMPARE(Preferences::load(settings).keepAgeSeconds, qint64(0)); // under a minute
        settings.setValue(QStringLiteral("preferences/session/keepAgeSeconds"), 3600);
        QCOMPARE(Preferences::load(settings).keepAgeSeconds, qint64(3600));
    }

    void problemsNameTheField()
    {
        Preferences p;
        p.appPort = 3000;
        p.evilPort = 3000;
        p.bodyCaptureBytes = 100;
        p.browserBinary = m_dir.filePath(QStringLiteral("no-such-browser"));
        p.browserProfile = QStringLiteral("opera");
        const QStringList problems = p.problems();
        QCOMPARE(problems.size(), 4);
        QVERIFY(
            problems[0].startsWith(QStringLiteral("untrusted site port: expected a port "
                                                  "different from the trusted app port (3000)")));
        QVERIFY(
            problems[1].startsWith(QStringLiteral("body capture limit: expected 1 KB to 64 MB")));
        QVERIFY(problems[1].endsWith(QStringLiteral("got 100")));
        QVERIFY(problems[2].startsWith(QStringLiteral("browser binary: expected an executable")));
        QVERIFY(problems[3].contains(QStringLiteral("got \"opera\"")));
        Preferences limits;
        limits.keepDiskBytes = 1000;
        limits.keepAgeSeconds = 5;
        const QStringList limitProblems = limits.problems();
        QCOMPARE(limitProblems.size(), 2);
        QVERIFY2(limitProblems[0].startsWith(
                     QStringLiteral("keep at most this much on disk: expected at least 1 MB")),
                 qPrintable(limitProblems[0]));
        QVERIFY(limitProblems[1].startsWith(
            QStringLiteral("drop exchanges older than: expected 1 minute")));
        // 0 (any free port) never clashes.
        Preferences zeros;
        zeros.proxyPort = 0;
        QVERIFY(zeros.problems().isEmpty());
    }

    void dialogEditsThePreferences()
    {
        Preferences initial;
        initial.apiPort = 8080;
        initial.browserProfile = QStringLiteral("firefox");
        initial.showBrowserBackground = true; // no field here: kept as it was
        PreferencesDialog dialog(initial);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.preferences(), initial);
        QCOMPARE(dialog.findChild<QSpinBox *>(QStringLiteral("appPort"))->text(),
                 QStringLiteral("any free port"));
        QCOMPARE(dialog.findChild<QSpinBox *>(QStringLiteral("bodyCaptureKb"))->value(), 64);
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *problems = dialog.findChild<QLabel *>(QStringLiteral("problems"));
        QVERIFY(ok->isEnabled());
        QVERIFY(!problems->isVisible());

        retype(dialog.findChild<QSpinBox *>(QStringLiteral("proxyPort")), QStringLiteral("8080"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(problems->text().contains(QStringLiteral("proxy port: expected a port different")),
                 qPrintable(problems->text()));
        retype(dialog.findChild<QSpinBox *>(QStringLiteral("proxyPort")), QStringLiteral("9999"));
        QVERIFY(ok->isEnabled());

        retype(dialog.findChild<QLineEdit *>(QStringLiteral("browserBinary")),
               m_dir.filePath(QStringLiteral("missing")));
        QVERIFY(!ok->isEnabled());
        QVERIFY(problems->text().contains(QStringLiteral("browser binary")));
        retype(dialog.findChild<QLineEdit *>(QStringLiteral("browserBinary")),
               QCoreApplication::applicationFilePath());
        QVERIFY(ok->isEnabled());

        retype(dialog.findChild<QSpinBox *>(QStringLiteral("bodyCaptureKb")),
               QStringLiteral("256"));
        auto *profile = dialog.findChild<QComboBox *>(QStringLiteral("browserProfile"));
        profile->setFocus();
        QTest::keyClick(profile, Qt::Key_Down);
        clickCheckBox(dialog.findChild<QCheckBox *>(QStringLiteral("startProxy")));

        QTest::mouseClick(ok, Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const Preferences edited = dialog.preferences();
        QCOMPARE(edited.apiPort, quint16(8080));
        QCOMPARE(edited.proxyPort, quint16(9999));
        QCOMPARE(edited.bodyCaptureBytes, 256 * 1024);
        QCOMPARE(edited.browserBinary, QCoreApplication::applicationFilePath());
        QCOMPARE(edited.browserProfile, QStringLiteral("safari"));
        QVERIFY(!edited.startProxyAtLaunch);
        QVERIFY(edited.showBrowserBackground);
        QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("browseBrowser")));
    }

    // The Session group: each limit behind its check box, sizes and durations typed with units,
    // text that is neither refused naming the field, the values read back as typed.
    void dialogEditsTheSessionLimits()
    {
        Preferences initial;
        initial.keepDiskBytes = qint64(1536) << 20; // 1.5 GB: shown exactly, as 1536M
        PreferencesDialog dialog(initial);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.preferences(), initial);
        auto *diskBox = dialog.findChild<QCheckBox *>(QStringLiteral("keepDiskBox"));
        auto *disk = dialog.findChild<QLineEdit *>(QStringLiteral("keepDisk"));
        auto *ageBox = dialog.findChild<QCheckBox *>(QStringLiteral("keepAgeBox"));
        auto *age = dialog.findChild<QLineEdit *>(QStringLiteral("keepAge"));
        auto *countBox = dialog.findChild<QCheckBox *>(QStringLiteral("keepExchangesBox"));
        auto *count = dialog.findChild<QSpinBox *>(QStringLiteral("keepExchanges"));
        QVERIFY(diskBox && disk && ageBox && age && countBox && count);
        QVERIFY(diskBox->isChecked());
        QCOMPARE(disk->text(), QStringLiteral("1536M"));
        QVERIFY(!ageBox->isChecked());
        QVERIFY(!age->isEnabled());
        QVERIFY(!countBox->isChecked());
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *problems = dialog.findChild<QLabel *>(QStringLiteral("problems"));
        QVERIFY(ok->isEnabled());

        retype(disk, QStringLiteral("plenty"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(problems->text().contains(QStringLiteral(
                     "keep at most this much on disk: expected a size like 500M or 20G, got "
                     "\"plenty\"")),
                 qPrintable(problems->text()));
        retype(disk, QStringLiteral("512K"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(problems->text().contains(QStringLiteral("expected at least 1 MB")));
        retype(disk, QStringLiteral("20G"));
        QVERIFY(ok->isEnabled());

        clickCheckBox(ageBox);
        QVERIFY(age->isEnabled());
        retype(age, QStringLiteral("next week"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(problems->text().contains(QStringLiteral("drop exchanges older than: expected a "
                                                         "duration like 30m, 12h or 7d")));
        retype(age, QStringLiteral("12h"));
        QVERIFY(ok->isEnabled());

        clickCheckBox(countBox);
        retype(count, QStringLiteral("250000"));
        QTest::mouseClick(ok, Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const Preferences edited = dialog.preferences();
        QCOMPARE(edited.keepDiskBytes, qint64(20) << 30);
        QCOMPARE(edited.keepAgeSeconds, qint64(12 * 3600));
        QCOMPARE(edited.keepExchanges, qint64(250000));

        // Reopened with those values: the same fields; a limit turned off is 0.
        PreferencesDialog again(edited);
        QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("keepDisk"))->text(),
                 QStringLiteral("20G"));
        QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("keepAge"))->text(),
                 QStringLiteral("12h"));
        QCOMPARE(again.preferences(), edited);
        again.findChild<QCheckBox *>(QStringLiteral("keepDiskBox"))->setChecked(false);
        QCOMPARE(again.preferences().keepDiskBytes, qint64(0));
    }
};

QTEST_MAIN(TestPreferences)
#include "tst_preferences.moc"
