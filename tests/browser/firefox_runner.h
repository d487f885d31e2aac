#pragma once

#include "browser_runner.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>

class QEventLoop;
class QProcess;
class QTemporaryDir;
class QWebSocket;

/// \brief Drives Debian's firefox-esr over WebDriver BiDi (Firefox's built-in Remote Agent; no
/// geckodriver).
///
/// open() launches `firefox-esr --headless --no-remote --profile <fresh dir>
/// --remote-debugging-port <free port> about:blank`, waits for "WebDriver BiDi listening on
/// ws://..." on stderr, connects to ws://.../session, sends session.new, finds the top-level
/// browsing context and navigates it with wait "none". A second open() while the browser is still
/// up only navigates again.
///
/// Everything is synchronous: each step spins a local QEventLoop bounded by a timeout, so a
/// QCoreApplication must exist and calls must come from its thread. Not a QObject (no moc needed).
class FirefoxRunner : public BrowserRunner
{
public:
    explicit FirefoxRunner(QString executable = defaultExecutable());
    ~FirefoxRunner() override;

    FirefoxRunner(const FirefoxRunner &) = delete;
    FirefoxRunner &operator=(const FirefoxRunner &) = delete;

    static QString defaultExecutable(); ///< "/usr/bin/firefox-esr"

    QString name() const override;
    bool isAvailable() const override;
    bool open(const QUrl &url, QString *error) override;
    void stop() override;
    QString version() const override;

    /// Runs `script.evaluate` (awaitPromise: true) in the top-level context and returns the result
    /// as plain JSON: primitives as such, arrays/sets as arrays, objects/maps as objects, NaN,
    /// ±Infinity and bigints as strings, undefined as null, anything else (functions, nodes...) as
    /// {"type": ...}. On a thrown exception or a protocol failure returns undefined and sets \a
    /// error.
    QJsonValue evaluate(const QString &expression, QString *error);

    /// True while Firefox runs and the BiDi session is up.
    bool isRunning() const;

    /// Starts Firefox on \a startUrl without opening a BiDi session of its own (Firefox allows
    /// one, and an attachment under test is to hold it): returns once the Remote Agent listens
    /// on bidiEndpoint(). evaluate() and open() then have nothing to drive.
    bool launchWithoutSession(const QUrl &startUrl, QString *error);
    /// ws://127.0.0.1:PORT/session once Firefox listens; empty before.
    QUrl bidiEndpoint() const;
    /// True while the Firefox process runs (with or without a session).
    bool processRunning() const;

    void setStartupTimeoutMs(int ms)
    {
        m_startupTimeoutMs = ms;
    } ///< launch → session ready; default 30 000
    void setCommandTimeoutMs(int ms)
    {
        m_commandTimeoutMs = ms;
    } ///< per BiDi command; default 30 000

    /// Milliseconds the last launch took, from process start to a usable session (-1 if none).
    qint64 lastStartupMs() const { return m_lastStartupMs; }
    /// The last few KiB Firefox wrote to stderr (for diagnostics).
    QString stderrTail() const;

    /// The user.js written into each fresh profile (offline-friendly, quiet, loopback goes direct).
    static QByteArray userJs();

    /// With \a on, every host name resolves to 127.0.0.1 (next launch): pages can live on made-up
    /// hosts, and no lookup leaves the machine.
    void setAllHostsToLoopback(bool on) { m_allHostsToLoopback = on; }

private:
    bool start(QString *error);
    QByteArray profileUserJs() const; ///< userJs() plus this runner's own settings
    bool waitFor(const std::function<bool()> &done, int timeoutMs);
    void wake();
    void onStderr();
    void onMessage(const QString &text);
    /// Sends one BiDi command and waits for its reply; returns its "result" object.
    bool command(const QString &method, const QJsonObject &params, QJsonObject *result,
                 QString *error, int timeoutMs = -1);
    QString whyGone() const;
    void killProcessGroup();

    QString m_executable;
    int m_startupTimeoutMs = 30000;
    int m_commandTimeoutMs = 30000;
    qint64 m_lastStartupMs = -1;
    bool m_allHostsToLoopback = false;
    QUrl m_launchOnlyUrl; ///< launchWithoutSession()'s start page: no session is opened

    std::unique_ptr<QTemporaryDir> m_profile;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QWebSocket> m_socket;
    qint64 m_pid = 0;        // also the process-group id (Firefox is started as a group leader)
    QByteArray m_stderr;     // bounded tail
    QByteArray m_stderrLine; // partial line not yet parsed
    QString m_wsUrl;         // "ws://127.0.0.1:PORT" once Firefox said it listens
    bool m_sessionUp = false;
    QString m_context; // top-level browsing context id

    int m_nextId = 1;
    QHash<int, QJsonObject> m_replies;
    QEventLoop *m_loop = nullptr;

    mutable QString m_version; // cached `--version` output
};
