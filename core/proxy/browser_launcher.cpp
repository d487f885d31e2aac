#include "browser_launcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <unistd.h>
#include <utility>

namespace corslab::proxy {

namespace {

bool isFirefox(const QString &binary)
{
    return QFileInfo(binary).fileName().contains(QLatin1String("firefox"));
}

// Chromium features that fetch from Google on their own, each name found in Chromium 156's
// binary (README, "Less noise from launched browsers", says what was measured). Still sent: an
// on-demand component check to update.googleapis.com that no switch stops; the list hides it.
constexpr const char *kChromiumQuietFeatures[] = {
    "OptimizationHints",            // optimizationguide-pa.googleapis.com
    "OptimizationHintsFetchingSRP", // the same, for search result pages
    "NetworkTimeServiceQuerying",   // clients2.google.com/time
    "AutofillServerCommunication",  // content-autofill.googleapis.com
    "MediaRouter",                  // Cast and DIAL discovery
    "DialMediaRouteProvider",
    "CastMediaRouteProvider",
    "Translate", // translate.googleapis.com (language lists, the bar)
};

// Firefox preferences (153 ESR) that stop its own requests to Mozilla and Google; most are
// among the ones Firefox's own automation sets (RecommendedPreferences.sys.mjs). Remote settings
// sync (firefox.settings.services.mozilla.com) stays: release builds ignore a profile's server
// override, and turning it off drops the built-in lists too (cookie and tracking exemptions,
// which CORS with credentials depends on); the list hides it.
constexpr std::pair<const char *, const char *> kFirefoxQuietPreferences[] = {
    // Captive portal and connectivity checks: detectportal.firefox.com.
    {"network.captive-portal-service.enabled", "false"},
    {"network.connectivity-service.enabled", "false"},
    // Studies and experiments: normandy.cdn.mozilla.net.
    {"app.normandy.enabled", "false"},
    {"app.normandy.api_url", "\"\""},
    {"app.shield.optoutstudies.enabled", "false"},
    // Telemetry and the privacy notice tab opened on first run (www.mozilla.org).
    {"datareporting.policy.dataSubmissionEnabled", "false"},
    {"datareporting.healthreport.uploadEnabled", "false"},
    {"datareporting.usage.uploadEnabled", "false"},
    {"datareporting.policy.dataSubmissionPolicyBypassNotification", "true"},
    {"datareporting.policy.firstRunURL", "\"\""},
    {"browser.startup.homepage_override.mstone", "\"ignore\""},
    {"browser.aboutwelcome.enabled", "false"},
    // Safe Browsing list updates: safebrowsing.googleapis.com.
    {"browser.safebrowsing.malware.enabled", "false"},
    {"browser.safebrowsing.phishing.enabled", "false"},
    {"browser.safebrowsing.blockedURIs.enabled", "false"},
    {"browser.safebrowsing.downloads.enabled", "false"},
    {"browser.safebrowsing.downloads.remote.enabled", "false"},
    // Web push's connection: push.services.mozilla.com.
    {"dom.push.connection.enabled", "false"},
    // Region and geolocation lookups: location.services.mozilla.com.
    {"browser.region.network.url", "\"\""},
    {"browser.region.update.enabled", "false"},
    {"geo.provider.network.url", "\"\""},
    // Media plugin and system add-on updates (aus5.mozilla.org, update.googleapis.com), add-on
    // updates and metadata (services.addons.mozilla.org), search engine updates.
    {"media.gmp-manager.updateEnabled", "false"},
    {"extensions.systemAddon.update.enabled", "false"},
    {"extensions.update.enabled", "false"},
    {"extensions.getAddons.cache.enabled", "false"},
    {"browser.discovery.enabled", "false"},
    {"browser.search.update", "false"},
    // The new tab page's stories, sponsored tiles and ads (ads.mozilla.org): new tabs are blank.
    {"browser.newtabpage.enabled", "false"},
    {"browser.newtab.preload", "false"},
    {"browser.newtabpage.activity-stream.showSponsored", "false"},
    {"browser.newtabpage.activity-stream.showSponsoredTopSites", "false"},
    {"browser.topsites.contile.enabled", "false"},
    // Local machine learning models are downloaded on demand.
    {"browser.ml.enable", "false"},
};

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
    };
    args << chromiumQuietArguments();
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

QStringList BrowserLauncher::chromiumQuietArguments()
{
    QStringList features;
    for (const char *feature : kChromiumQuietFeatures)
        features << QLatin1String(feature);
    return {
        // Component, extension and variations updates, the network time and most other
        // fetches of the browser's own (some features ignore it: see the features below).
        QStringLiteral("--disable-background-networking"),
        QStringLiteral("--disable-component-update"),
        QStringLiteral("--disable-sync"),
        QStringLiteral("--disable-default-apps"),
        QStringLiteral("--disable-domain-reliability"), // error beacons to Google
        QStringLiteral("--no-pings"),                   // <a ping> hyperlink auditing
        QStringLiteral("--metrics-recording-only"),     // metrics kept, never uploaded
        QStringLiteral("--disable-breakpad"),           // no crash report uploads
        QStringLiteral("--password-store=basic"),       // no wait on the desktop's keyring
        QStringLiteral("--disable-features=") + features.join(QLatin1Char(',')),
    };
}

QByteArray BrowserLauncher::firefoxQuietPreferences()
{
    QByteArray prefs;
    for (const auto &[name, value] : kFirefoxQuietPreferences)
        prefs += "user_pref(\"" + QByteArray(name) + "\", " + QByteArray(value) + ");\n";
    return prefs;
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
    prefs += firefoxQuietPreferences();
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
