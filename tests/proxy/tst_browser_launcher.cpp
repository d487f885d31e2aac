// The launched browser's command line and profile: Chromium gets the proxy and the switches that
// keep its background traffic off the network (each once: Chromium keeps only the last of a
// repeated switch), Firefox a user.js whose every line is a valid preference, the proxy ones and
// the quiet ones; a stand-in Firefox started by start() finds that user.js in its profile.
#include "proxy/browser_launcher.h"

#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using proxy::BrowserLauncher;

namespace {

BrowserLauncher::Options options()
{
    BrowserLauncher::Options o;
    o.proxyHostPort = "127.0.0.1:8899";
    o.startUrl = QUrl(QStringLiteral("http://localhost:3000/"));
    return o;
}

/// "--name=value" -> "--name"; "--flag" stays.
QString switchName(const QString &argument)
{
    return argument.section(QLatin1Char('='), 0, 0);
}

/// The name -> value of each user_pref line of \a userJs; a line that is not one fails the test
/// (QTest::currentTestFailed() tells).
QMap<QString, QString> parsePreferences(const QByteArray &userJs)
{
    // A JS literal: true, false, an integer or a string without quotes or backslashes inside.
    static const QRegularExpression line(QStringLiteral(
        "^user_pref\\(\"([A-Za-z0-9._-]+)\", (true|false|-?\\d+|\"[^\"\\\\]*\")\\);$"));
    QMap<QString, QString> prefs;
    for (const QByteArray &text : userJs.split('\n')) {
        if (text.isEmpty())
            continue;
        const QRegularExpressionMatch m = line.match(QString::fromUtf8(text));
        if (!m.hasMatch()) {
            QTest::qFail(
                qPrintable(QStringLiteral("not a preference line: ") + QString::fromUtf8(text)),
                __FILE__, __LINE__);
            return prefs;
        }
        if (prefs.contains(m.captured(1))) {
            QTest::qFail(qPrintable(QStringLiteral("set twice: ") + m.captured(1)), __FILE__,
                         __LINE__);
            return prefs;
        }
        prefs.insert(m.captured(1), m.captured(2));
    }
    return prefs;
}

} // namespace

class TstBrowserLauncher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chromiumIsQuietAndProxied()
    {
        const QStringList args =
            BrowserLauncher::chromiumArguments(options(), QStringLiteral("/tmp/profile"));
        QVERIFY(args.contains(QStringLiteral("--proxy-server=http://127.0.0.1:8899")));
        QVERIFY(args.contains(QStringLiteral("--proxy-bypass-list=<-loopback>")));
        QCOMPARE(args.last(), QStringLiteral("http://localhost:3000/"));
        for (const QString &quiet : BrowserLauncher::chromiumQuietArguments())
            QVERIFY2(args.contains(quiet), qPrintable(quiet));
        for (const char *expected :
             {"--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-domain-reliability", "--no-pings", "--metrics-recording-only",
              "--disable-breakpad"})
            QVERIFY2(args.contains(QLatin1String(expected)), expected);
        // Each switch once: Chromium keeps only the last --disable-features.
        QStringList names;
        for (const QString &argument : args.first(args.size() - 1))
            names << switchName(argument);
        QCOMPARE(QSet<QString>(names.begin(), names.end()).size(), names.size());
    }

    void chromiumFeaturesOff()
    {
        const QStringList args = BrowserLauncher::chromiumQuietArguments();
        const auto it = std::find_if(args.begin(), args.end(), [](const QString &a) {
            return a.startsWith(QLatin1String("--disable-features="));
        });
        QVERIFY(it != args.end());
        const QStringList features =
            it->section(QLatin1Char('='), 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const char *expected :
             {"OptimizationHints", "NetworkTimeServiceQuerying", "AutofillServerCommunication"})
            QVERIFY2(features.contains(QLatin1String(expected)), expected);
        // Nothing that changes what a page may do: the capture must show CORS as users get it.
        for (const QString &argument : args)
            QVERIFY2(!argument.contains(QLatin1String("web-security")) &&
                         !argument.contains(QLatin1String("site-isolation")) &&
                         !argument.contains(QLatin1String("Cors")) &&
                         !argument.contains(QLatin1String("PrivateNetwork")),
                     qPrintable(argument));
    }

    void firefoxIsQuietAndProxied()
    {
        const QMap<QString, QString> prefs =
            parsePreferences(BrowserLauncher::firefoxPreferences(options()));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(prefs.value(QStringLiteral("network.proxy.http")),
                 QStringLiteral("\"127.0.0.1\""));
        QCOMPARE(prefs.value(QStringLiteral("network.proxy.http_port")), QStringLiteral("8899"));
        QCOMPARE(prefs.value(QStringLiteral("network.proxy.allow_hijacking_localhost")),
                 QStringLiteral("true"));
        // What the measurement saw go out, each stopped.
        const QList<std::pair<const char *, const char *>> quiet = {
            {"network.connectivity-service.enabled", "false"}, // detectportal.firefox.com
            {"app.normandy.enabled", "false"},                 // normandy.cdn.mozilla.net
            {"dom.push.connection.enabled", "false"},          // push.services.mozilla.com
            {"browser.region.network.url", "\"\""},            // location.services.mozilla.com
            {"media.gmp-manager.updateEnabled", "false"},      // aus5.mozilla.org
            {"browser.safebrowsing.malware.enabled", "false"}, // safebrowsing.googleapis.com
            {"extensions.getAddons.cache.enabled", "false"},   // services.addons.mozilla.org
            {"browser.newtabpage.enabled", "false"},           // ads.mozilla.org
            {"datareporting.policy.firstRunURL", "\"\""},      // www.mozilla.org
        };
        for (const auto &[name, value] : quiet)
            QCOMPARE(prefs.value(QLatin1String(name)), QLatin1String(value));
        // The quiet lines are part of the whole, and valid on their own too.
        QVERIFY(BrowserLauncher::firefoxPreferences(options()).contains(
            BrowserLauncher::firefoxQuietPreferences()));
        QVERIFY(!parsePreferences(BrowserLauncher::firefoxQuietPreferences()).isEmpty());
    }

    // start() writes the user.js into the fresh profile it hands a Firefox-named binary.
    void firefoxFindsItsPreferencesInItsProfile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fake = dir.filePath(QStringLiteral("firefox-stand-in"));
        const QString copy = dir.filePath(QStringLiteral("user.js.seen"));
        QFile script(fake);
        QVERIFY(script.open(QIODevice::WriteOnly));
        // Arguments: --profile DIR --no-remote URL.
        script.write("#!/bin/sh\ncp \"$2/user.js\" '" + copy.toUtf8() + "'\n");
        script.close();
        QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

        BrowserLauncher launcher;
        QSignalSpy finished(&launcher, &BrowserLauncher::finished);
        BrowserLauncher::Options o = options();
        o.binary = fake;
        QString error;
        QVERIFY2(launcher.start(o, &error), qPrintable(error));
        QVERIFY(finished.wait(10000));
        QFile seen(copy);
        QVERIFY(seen.open(QIODevice::ReadOnly));
        QCOMPARE(seen.readAll(), BrowserLauncher::firefoxPreferences(o));
    }
};

QTEST_GUILESS_MAIN(TstBrowserLauncher)
#include "tst_browser_launcher.moc"
