#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <functional>
#include <memory>

class QEventLoop;
class QProcess;
class QTemporaryDir;
class QWebSocket;

/// One Chrome DevTools Protocol event of the page, as received.
struct CdpEvent
{
    QString method; ///< "Network.requestWillBeSent"
    QJsonObject params;
    QByteArray raw; ///< the whole message as sent: JSON objects there keep their key order
                    ///< (QJsonObject sorts keys; header order lives in the raw text)
};

/// \brief A small Chrome DevTools Protocol client for tests: launches headless Chromium on a
/// fresh profile, attaches to its page, sends commands and records the page's events.
///
/// start() runs `chromium --headless --no-sandbox --disable-gpu --disable-background-networking
/// --no-first-run --remote-debugging-port=0 --user-data-dir=<fresh dir> about:blank`, reads the
/// port and browser endpoint from the DevToolsActivePort file Chromium writes into the profile,
/// connects a WebSocket to it and attaches to the page target with flat sessions
/// (Target.attachToTarget, flatten: true), so page commands carry the session id.
///
/// Everything is synchronous: each call spins a local QEventLoop bounded by a timeout, so a
/// QCoreApplication must exist and calls must come from its thread. Events keep arriving (and
/// are recorded) whenever a call or waitFor() spins the loop. The browser runs in its own process
/// group, so stop() ends it with every helper process it spawned.
class CdpClient
{
public:
    explicit CdpClient(QString program = QStringLiteral("/usr/bin/chromium"));
    ~CdpClient();

    CdpClient(const CdpClient &) = delete;
    CdpClient &operator=(const CdpClient &) = delete;

    /// True when the browser's executable is installed.
    bool isAvailable() const;
    /// Launches the browser and attaches to its page. False with \a error when it cannot.
    bool start(QString *error, const QStringList &extraArguments = {});
    /// Closes the browser, its helpers and its profile. Safe to call more than once.
    void stop();
    bool isRunning() const;
    /// "Chrome/156.0.8078.79" (Browser.getVersion's product), empty before start().
    QString product() const { return m_product; }
    /// The browser's DevTools WebSocket (ws://127.0.0.1:PORT/devtools/browser/ID), empty before
    /// start(): other clients (CORS Lab's attachment) may connect to it too.
    QUrl browserEndpoint() const { return m_endpoint; }

    /// Sends \a method to the page (or to the browser when \a toBrowser) and waits for its reply;
    /// \a result receives its "result". False with \a error on a protocol error or a timeout.
    bool command(const QString &method, const QJsonObject &params, QJsonObject *result,
                 QString *error, int timeoutMs = 30000, bool toBrowser = false);

    /// Like command(), to another target's flat session (the sessionId Target.attachToTarget
    /// answered with): a second tab, a worker. Its events are not recorded.
    bool commandTo(const QString &sessionId, const QString &method, const QJsonObject &params,
                   QJsonObject *result, QString *error, int timeoutMs = 30000);

    /// Enables the domains whose events tests read: Page, Network, Runtime, Log.
    bool enableDomains(QString *error);
    /// Page.navigate, then waits for Page.loadEventFired (false on a navigation error).
    bool navigate(const QUrl &url, QString *error, int timeoutMs = 30000);
    /// Runtime.evaluate with awaitPromise and returnByValue: the value, or undefined with
    /// \a error when the script threw or the protocol failed.
    QJsonValue evaluate(const QString &expression, QString *error, int timeoutMs = 30000);

    /// Spins the event loop until \a done returns true (checked after each message) or
    /// \a timeoutMs passes; returns \a done's last answer.
    bool waitFor(const std::function<bool()> &done, int timeoutMs);

    /// Every page event since start() (or clearEvents()), in arrival order.
    const QList<CdpEvent> &events() const { return m_events; }
    /// The events named \a method.
    QList<CdpEvent> events(const QString &method) const;
    void clearEvents() { m_events.clear(); }

    /// Runtime.consoleAPICalled params (console.log/error... calls of the page).
    QList<QJsonObject> consoleCalls() const;
    /// Log.entryAdded entries (browser-side messages: network errors, CORS, violations).
    QList<QJsonObject> logEntries() const;
    /// Network.requestWillBeSent params: every request the page made.
    QList<QJsonObject> requestsSent() const;

    /// The last lines the browser printed (for diagnosing failures).
    QByteArray output() const { return m_output; }

private:
    bool connectTo(const QUrl &endpoint, QString *error);
    /// Sends \a method to \a sessionId (empty: the browser) and waits for its reply.
    bool send(const QString &sessionId, const QString &method, const QJsonObject &params,
              QJsonObject *result, QString *error, int timeoutMs);
    void onMessage(const QString &text);
    void killProcessGroup();

    QString m_program;
    std::unique_ptr<QTemporaryDir> m_profile;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QWebSocket> m_socket;
    qint64 m_group = 0;
    QString m_sessionId;
    QString m_product;
    QUrl m_endpoint;
    int m_nextId = 1;
    QHash<int, QJsonObject> m_replies;
    QList<CdpEvent> m_events;
    QEventLoop *m_loop = nullptr;
    QByteArray m_output;
};
