#include "browser_launcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <unistd.h>

namespace corslab::proxy {

namespace {

bool isFirefox(const QString &binary)
{
    return QFileInfo(binary).fileName().contains(QLatin1String("firefox"));
}

} // namespace

BrowserLauncher::BrowserLauncher(QObject *parent) : QObject(parent)
{
    connect(&m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus) { Q_EMIT finished(exitCode); });
}

BrowserLauncher::~BrowserLauncher()
{
    stop();
}

QString BrowserLauncher::resolveBinary(const QString &binary)
{
    QString name = binary;
    if (name.isEmpty())
        name = qEnvironmentVariable("CORSLAB_BROWSER");
    if (name.isEmpty())
        name = QStringLiteral("chromium");
    if (name.contains(QLatin1Char('/')))
        return name;
    return QStandardPaths::findExecutable(name);
}

QStringList BrowserLauncher::chromiumArguments(const Options &options, const QString &profileDir)
{
    QStringList args{
        QStringLiteral("--user-data-dir=") + profileDir,
        QStringLiteral("--proxy-server=http://") + QString::fromLatin1(options.proxyHostPort),
        // Chromium never sends loopback traffic to a proxy unless told to.
        QStringLiteral("--proxy-bypass-list=<-loopback>"),
        QStringLiteral("--no-first-run"),
        QStringLiteral("--no-default-browser-check"),
        // Fewer of Chromium's own requests to Google in the capture (some still come through).
        QStringLiteral("--disable-background-networking"),
        QStringLiteral("--disable-component-update"),
        QStringLiteral("--disable-sync"),
    };
    if (!options.spkiHash.isEmpty())
        args << QStringLiteral("--ignore-certificate-errors-spki-list=") +
                    QString::fromLatin1(options.spkiHash);
    if (options.headless)
        args << QStringLiteral("--headless") << QStringLiteral("--disable-gpu");
    // Chromium refuses to run as root with its sandbox on (containers, CI).
    if (::geteuid() == 0)
        args << QStringLiteral("--no-sandbox");
    args << options.extraArguments;
    if (options.startUrl.isValid())
        args << options.startUrl.toString(QUrl::FullyEncoded);
    return args;
}

QByteArray BrowserLauncher::firefoxPreferences(const Options &options)
{
    const qsizetype colon = options.proxyHostPort.lastIndexOf(':');
    const QByteArray host = options.proxyHostPort.left(colon);
    const QByteArray port = options.proxyHostPort.mid(colon + 1);
    QByteArray prefs;
    prefs += "user_pref(\"network.proxy.type\", 1);\n";
    for (const char *scheme : {"http", "ssl"}) {
        prefs += "user_pref(\"network.proxy." + QByteArray(scheme) + "\", \"" + host + "\");\n";
        prefs += "user_pref(\"network.proxy." + QByteArray(scheme) + "_port\", " + port + ");\n";
    }
    // Firefox sends localhost traffic to the proxy only with these two.
    prefs += "user_pref(\"network.proxy.no_proxies_on\", \"\");\n";
    prefs += "user_pref(\"network.proxy.allow_hijacking_localhost\", true);\n";
    prefs += "user_pref(\"browser.shell.checkDefaultBrowser\", false);\n";
    return prefs;
}

bool BrowserLauncher::start(const Options &options, QString *error)
{
    stop();
    const QString binary = resolveBinary(options.binary);
    if (binary.isEmpty() || !QFileInfo(binary).isExecutable()) {
        *error = QStringLiteral("browser not found: \"%1\" (install Debian's chromium, or choose a "
                                "browser binary)")
                     .arg(options.binary.isEmpty() ? QStringLiteral("chromium") : options.binary);
        return false;
    }
    m_profile = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                QStringLiteral("/corslab-browser-XXXXXX"));
    if (!m_profile->isValid()) {
        *error = QStringLiteral("cannot create a browser profile directory: %1")
                     .arg(m_profile->errorString());
        return false;
    }
    QStringList args;
    if (isFirefox(binary)) {
        QFile prefs(m_profile->filePath(QStringLiteral("user.js")));
        if (!prefs.open(QIODevice::WriteOnly) || prefs.write(firefoxPreferences(options)) < 0) {
            *error =
                QStringLiteral("cannot write %1: %2").arg(prefs.fileName(), prefs.errorString());
            return false;
        }
        args << QStringLiteral("--profile") << m_profile->path() << QStringLiteral("--no-remote");
        if (options.headless)
            args << QStringLiteral("--headless");
        args << options.extraArguments;
        if (options.startUrl.isValid())
            args << options.startUrl.toString(QUrl::FullyEncoded);
    } else {
        args = chromiumArguments(options, m_profile->path());
    }
    m_process.setProgram(binary);
    m_process.setArguments(args);
    // Chromium logs a lot that is no use to the user of the proxy.
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setStandardErrorFile(QProcess::nullDevice());
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(binary, m_process.errorString());
        return false;
    }
    return true;
}

void BrowserLauncher::stop()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(3000);
        }
    }
    m_profile.reset();
}

bool BrowserLauncher::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

qint64 BrowserLauncher::processId() const
{
    return m_process.processId();
}

QString BrowserLauncher::profileDirectory() const
{
    return m_profile ? m_profile->path() : QString();
}

} // namespace corslab::proxy
