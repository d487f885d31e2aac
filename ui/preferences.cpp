#include "preferences.h"

#include <QFileInfo>
#include <QSettings>

namespace corslab::ui {

namespace {

const QString kApiPort = QStringLiteral("preferences/apiPort");
const QString kAppPort = QStringLiteral("preferences/appPort");
const QString kEvilPort = QStringLiteral("preferences/evilPort");
const QString kProxyPort = QStringLiteral("preferences/proxyPort");
const QString kBodyCapture = QStringLiteral("preferences/bodyCaptureBytes");
const QString kBrowserBinary = QStringLiteral("preferences/browserBinary");
const QString kBrowserProfile = QStringLiteral("preferences/browserProfile");
const QString kStartProxy = QStringLiteral("preferences/startProxyAtLaunch");
const QString kShowBackground = QStringLiteral("preferences/showBrowserBackground");
const QString kKeepExchanges = QStringLiteral("preferences/session/keepExchanges");
const QString kKeepDisk = QStringLiteral("preferences/session/keepDiskBytes");
const QString kKeepAge = QStringLiteral("preferences/session/keepAgeSeconds");

/// A whole number in [\a min, \a max] stored under \a key, or \a fallback.
qint64 readInteger(QSettings &settings, const QString &key, qint64 min, qint64 max, qint64 fallback)
{
    const QVariant value = settings.value(key);
    if (!value.isValid())
        return fallback;
    bool ok = false;
    // INI files hand back strings; toLongLong() parses them and rejects "12abc".
    const qint64 number = value.toString().trimmed().toLongLong(&ok);
    return ok && number >= min && number <= max ? number : fallback;
}

quint16 readPort(QSettings &settings, const QString &key, quint16 fallback)
{
    return quint16(readInteger(settings, key, 0, 65535, fallback));
}

/// true/false (as a bool or as the text INI files keep), or \a fallback: QVariant::toBool()
/// would read any other text as true.
bool readBool(QSettings &settings, const QString &key, bool fallback)
{
    const QVariant value = settings.value(key);
    if (value.typeId() == QMetaType::Bool)
        return value.toBool();
    const QString text = value.toString().trimmed().toLower();
    if (text == QLatin1String("true"))
        return true;
    if (text == QLatin1String("false"))
        return false;
    return fallback;
}

} // namespace

QStringList Preferences::browserProfiles()
{
    return {QStringLiteral("chromium"), QStringLiteral("firefox"), QStringLiteral("safari")};
}

Preferences Preferences::load(QSettings &settings)
{
    const Preferences defaults;
    Preferences p;
    p.apiPort = readPort(settings, kApiPort, defaults.apiPort);
    p.appPort = readPort(settings, kAppPort, defaults.appPort);
    p.evilPort = readPort(settings, kEvilPort, defaults.evilPort);
    p.proxyPort = readPort(settings, kProxyPort, defaults.proxyPort);
    p.bodyCaptureBytes = readInteger(settings, kBodyCapture, kMinBodyCaptureBytes,
                                     kMaxBodyCaptureBytes, defaults.bodyCaptureBytes);
    p.browserBinary = settings.value(kBrowserBinary, defaults.browserBinary).toString();
    const QString profile = settings.value(kBrowserProfile).toString().trimmed().toLower();
    p.browserProfile = browserProfiles().contains(profile) ? profile : defaults.browserProfile;
    p.startProxyAtLaunch = readBool(settings, kStartProxy, defaults.startProxyAtLaunch);
    p.showBrowserBackground = readBool(settings, kShowBackground, defaults.showBrowserBackground);
    // 0 (off) or a limit in range; anything else falls back to off.
    p.keepExchanges = readInteger(settings, kKeepExchanges, 0, kMaxKeepExchanges, 0);
    p.keepDiskBytes = readInteger(settings, kKeepDisk, 0, kMaxKeepDiskBytes, 0);
    if (p.keepDiskBytes > 0 && p.keepDiskBytes < kMinKeepDiskBytes)
        p.keepDiskBytes = 0;
    p.keepAgeSeconds = readInteger(settings, kKeepAge, 0, kMaxKeepAgeSeconds, 0);
    if (p.keepAgeSeconds > 0 && p.keepAgeSeconds < kMinKeepAgeSeconds)
        p.keepAgeSeconds = 0;
    // Two listeners cannot share a port: such a file was not written by save(), so the ports
    // start from their defaults rather than make the playground or the proxy fail at launch.
    const QList<quint16> ports = {p.apiPort, p.appPort, p.evilPort, p.proxyPort};
    for (qsizetype i = 0; i < ports.size(); ++i) {
        if (ports[i] != 0 && ports.indexOf(ports[i]) != i) {
            p.apiPort = defaults.apiPort;
            p.appPort = defaults.appPort;
            p.evilPort = defaults.evilPort;
            p.proxyPort = defaults.proxyPort;
            break;
        }
    }
    return p;
}

void Preferences::save(QSettings &settings) const
{
    settings.setValue(kApiPort, apiPort);
    settings.setValue(kAppPort, appPort);
    settings.setValue(kEvilPort, evilPort);
    settings.setValue(kProxyPort, proxyPort);
    settings.setValue(kBodyCapture, bodyCaptureBytes);
    settings.setValue(kBrowserBinary, browserBinary);
    settings.setValue(kBrowserProfile, browserProfile);
    settings.setValue(kStartProxy, startProxyAtLaunch);
    settings.setValue(kShowBackground, showBrowserBackground);
    settings.setValue(kKeepExchanges, keepExchanges);
    settings.setValue(kKeepDisk, keepDiskBytes);
    settings.setValue(kKeepAge, keepAgeSeconds);
}

session::StoreRetention Preferences::retention() const
{
    session::StoreRetention r;
    r.maxExchanges = keepExchanges;
    r.maxDiskBytes = keepDiskBytes;
    r.maxAgeSeconds = keepAgeSeconds;
    return r;
}

QStringList Preferences::problems() const
{
    QStringList out;
    const QList<QPair<QString, quint16>> ports = {{QStringLiteral("API port"), apiPort},
                                                  {QStringLiteral("trusted app port"), appPort},
                                                  {QStringLiteral("untrusted site port"), evilPort},
                                                  {QStringLiteral("proxy port"), proxyPort}};
    for (qsizetype i = 0; i < ports.size(); ++i) {
        for (qsizetype j = i + 1; j < ports.size(); ++j) {
            if (ports[i].second != 0 && ports[i].second == ports[j].second)
                out << QStringLiteral("%1: expected a port different from the %2 (%3), or 0 for "
                                      "any free port")
                           .arg(ports[j].first, ports[i].first)
                           .arg(ports[i].second);
        }
    }
    if (bodyCaptureBytes < kMinBodyCaptureBytes || bodyCaptureBytes > kMaxBodyCaptureBytes)
        out << QStringLiteral("body capture limit: expected 1 KB to 64 MB (%1 to %2 bytes), got %3")
                   .arg(kMinBodyCaptureBytes)
                   .arg(kMaxBodyCaptureBytes)
                   .arg(bodyCaptureBytes);
    if (!browserBinary.isEmpty()) {
        const QFileInfo binary(browserBinary);
        if (!binary.isFile() || !binary.isExecutable())
            out << QStringLiteral("browser binary: expected an executable file, or empty for "
                                  "Chromium's default, got \"%1\"")
                       .arg(browserBinary);
    }
    if (!browserProfiles().contains(browserProfile))
        out << QStringLiteral("default browser profile: expected one of %1, got \"%2\"")
                   .arg(browserProfiles().join(QStringLiteral(", ")), browserProfile);
    if (keepExchanges < 0 || keepExchanges > kMaxKeepExchanges)
        out << QStringLiteral("keep at most N exchanges: expected 1 to %1, got %2")
                   .arg(kMaxKeepExchanges)
                   .arg(keepExchanges);
    if (keepDiskBytes != 0 &&
        (keepDiskBytes < kMinKeepDiskBytes || keepDiskBytes > kMaxKeepDiskBytes))
        out << QStringLiteral("keep at most this much on disk: expected at least 1 MB (like 500M "
                              "or 20G), got %1 bytes")
                   .arg(keepDiskBytes);
    if (keepAgeSeconds != 0 &&
        (keepAgeSeconds < kMinKeepAgeSeconds || keepAgeSeconds > kMaxKeepAgeSeconds))
        out << QStringLiteral("drop exchanges older than: expected 1 minute to 3650 days (like "
                              "30m, 12h or 7d), got %1 seconds")
                   .arg(keepAgeSeconds);
    return out;
}

} // namespace corslab::ui
