#pragma once

#include "browser_runner.h"

#include <QByteArray>
#include <QStringList>
#include <memory>
#include <sys/types.h>

class QProcess;
class QTemporaryDir;

/// \brief Runs headless Chromium from the command line on a fresh temporary profile.
///
/// The browser gets its own process group so that stop() can end it together with every helper
/// process it spawned (zygotes, renderers, GPU/utility processes).
class ChromiumRunner : public BrowserRunner
{
public:
    /// \a program is the launcher; Debian's /usr/bin/chromium is a shell wrapper that execs the
    /// real binary, so the process we start becomes the browser process.
    explicit ChromiumRunner(const QString &program = QStringLiteral("/usr/bin/chromium"));
    ~ChromiumRunner() override;

    QString name() const override { return QStringLiteral("chromium"); }
    bool isAvailable() const override;
    bool open(const QUrl &url, QString *error) override;
    void stop() override;
    QString version() const override;

    /// Console output (stdout and stderr) of the last browser run, for diagnosing failures.
    /// Complete once stop() has returned.
    QByteArray output() const { return m_output; }

    /// With \a on, every host name resolves to 127.0.0.1 (next open()): pages can live on made-up
    /// hosts, and no lookup leaves the machine.
    void setAllHostsToLoopback(bool on) { m_allHostsToLoopback = on; }
    /// With \a on, the page's console messages are written to output() (next open()), one line
    /// each: `[…:INFO:CONSOLE:N] "<message>", source: <url> (N)`.
    void setConsoleLogging(bool on) { m_consoleLogging = on; }

private:
    QStringList arguments(const QString &profileDir, const QUrl &url) const;
    void killProcessGroup();

    QString m_program;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QTemporaryDir> m_profile;
    pid_t m_group = 0; ///< The browser's process group (its pid, thanks to setsid()).
    bool m_allHostsToLoopback = false;
    bool m_consoleLogging = false;
    QByteArray m_output;
};
