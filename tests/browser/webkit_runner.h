#pragma once

#include "browser_runner.h"

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>
#include <sys/types.h>

class QNetworkAccessManager;
class QTemporaryDir;

/// \brief Runs WebKitGTK (Debian's webkit2gtk-driver: WebKitWebDriver and MiniBrowser) on its own
/// Xvfb display.
///
/// WebKitGTK runs WebKit's own CORS code, the code Safari runs. Two ways to drive it:
/// - Mode::WebDriver (the default): WebKitWebDriver on a free loopback port starts MiniBrowser in
///   automation mode (an ephemeral data store) and navigates it over W3C WebDriver (HTTP).
/// - Mode::Console: MiniBrowser opens the page directly, outside automation, with the setting that
///   writes console messages out (WebKit prints none in automation sessions). consoleOutput() then
///   holds WebKit's own sentences for blocked requests ("CONSOLE SECURITY ERROR ...").
///
/// Each of Xvfb and the browser (driver) gets its own process group, ended as a whole by stop().
/// Synchronous: waits spin a local event loop bounded by a timeout, so a QCoreApplication must
/// exist and calls must come from its thread.
class WebKitRunner : public BrowserRunner
{
public:
    enum class Mode { WebDriver, Console };

    explicit WebKitRunner(Mode mode = Mode::WebDriver);
    ~WebKitRunner() override;

    WebKitRunner(const WebKitRunner &) = delete;
    WebKitRunner &operator=(const WebKitRunner &) = delete;

    QString name() const override { return QStringLiteral("webkit"); }
    bool isAvailable() const override;
    bool open(const QUrl &url, QString *error) override;
    void stop() override;
    QString version() const override;

    /// Everything MiniBrowser and its web processes wrote (Mode::Console: the console messages).
    /// Complete once stop() has returned.
    QString consoleOutput() const { return QString::fromUtf8(m_browserOutput); }
    /// What the driver and Xvfb wrote, for diagnosing failures.
    QString diagnostics() const;

    static QString driverExecutable();      ///< /usr/bin/WebKitWebDriver
    static QString miniBrowserExecutable(); ///< WebKitGTK's MiniBrowser (4.1 API)
    static QString xvfbExecutable();        ///< /usr/bin/Xvfb

private:
    bool startDisplay(QString *error);
    bool startDriver(QString *error);
    bool startSession(QString *error);
    bool navigate(const QUrl &url, QString *error);
    bool startConsoleBrowser(const QUrl &url, QString *error);
    /// One WebDriver command; returns the reply's "value" (an object, or wrapped as {"value": v}).
    bool driverCommand(const QByteArray &verb, const QString &path, const QJsonObject &body,
                       QJsonObject *value, QString *error);
    /// Starts \a program as the leader of a new process group (its pid is the group's id).
    std::unique_ptr<QProcess> startGroupLeader(const QString &program, const QStringList &arguments,
                                               QProcess::ProcessChannelMode channels, pid_t *group);
    /// Ends the group, keeps what the process wrote in \a output and forgets the process.
    static void endGroup(std::unique_ptr<QProcess> &process, pid_t *group, QByteArray *output);

    Mode m_mode;
    std::unique_ptr<QTemporaryDir> m_profile; ///< XDG dirs of the console browser
    std::unique_ptr<QProcess> m_display;      ///< Xvfb
    std::unique_ptr<QProcess> m_browser;      ///< WebKitWebDriver, or MiniBrowser in console mode
    std::unique_ptr<QNetworkAccessManager> m_network;
    pid_t m_displayGroup = 0;
    pid_t m_browserGroup = 0;
    QString m_displayName; ///< ":N" once Xvfb runs
    quint16 m_driverPort = 0;
    QString m_sessionId;
    QByteArray m_browserOutput;
    QByteArray m_displayOutput;
    mutable QString m_version;
};
