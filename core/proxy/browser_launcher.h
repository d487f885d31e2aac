#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

namespace corslab::proxy {

/// \brief Starts a browser that talks through the proxy, in a fresh profile, without touching
/// the user's own profile or the system's certificate store.
///
/// Chromium-family browsers get `--proxy-server`, `--proxy-bypass-list=<-loopback>` (so that
/// localhost traffic goes through the proxy too) and, with interception on,
/// `--ignore-certificate-errors-spki-list` with the hash of the key the proxy's certificates
/// use. Firefox gets the same proxy through its profile's user.js. Both also get the switches or
/// preferences that keep the browser's own background traffic (updates, Safe Browsing, sync,
/// telemetry...) off the network, so the capture starts with the user's requests.
class BrowserLauncher : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString binary;           ///< empty: $CORSLAB_BROWSER, else Debian's /usr/bin/chromium
        QByteArray proxyHostPort; ///< "127.0.0.1:8888"
        QByteArray spkiHash; ///< base64 SHA-256 of the interception key; empty: no interception
        QUrl startUrl;       ///< the page to open (the playground's, usually)
        bool headless = false;
        QStringList extraArguments;
    };

    explicit BrowserLauncher(QObject *parent = nullptr);
    ~BrowserLauncher() override;

    /// The browser that start() runs for \a binary (the default when empty).
    static QString resolveBinary(const QString &binary);
    /// The command line for a Chromium-family browser with \a profileDir.
    static QStringList chromiumArguments(const Options &options, const QString &profileDir);
    /// The user.js preferences that point Firefox at the proxy, quiet ones included.
    static QByteArray firefoxPreferences(const Options &options);
    /// Chromium's switches that stop its own background requests (part of chromiumArguments()).
    static QStringList chromiumQuietArguments();
    /// Firefox's user.js lines that stop its own background requests (part of
    /// firefoxPreferences()).
    static QByteArray firefoxQuietPreferences();

    /// Starts the browser in a new temporary profile. False with \a error when the binary is
    /// missing or cannot be started.
    bool start(const Options &options, QString *error);
    /// Ends the browser (terminate, then kill after 3 s) and removes its profile.
    void stop();
    bool isRunning() const;
    qint64 processId() const;
    QString profileDirectory() const;

Q_SIGNALS:
    void finished(int exitCode);

private:
    std::unique_ptr<QTemporaryDir> m_profile;
    QProcess m_process;
};

} // namespace corslab::proxy
