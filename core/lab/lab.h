#pragma once

#include "audit/audit_finding.h"
#include "check/check_runner.h"
#include "client/browser_client.h"
#include "cors/browser_profile.h"
#include "proxy/proxy_options.h"
#include "report/report_output.h"
#include "server/playground_server.h"
#include "session/session.h"
#include "session/session_json.h"
#include "session/session_store.h"
#include "workspace/workspace_file.h"

#include <QMutex>
#include <QObject>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>

namespace corslab::http {
class LocalClientPorts;
}
namespace corslab::proxy {
class BrowserLauncher;
class CertificateAuthority;
class OverrideStore;
class ProxyServer;
} // namespace corslab::proxy

namespace corslab::lab {

class BrowserAttach;
class SessionFeeder;
class LabAuditRun;
class LabCheckRun;

/// How the desktop app's proxy runs (the proxy panel edits these).
struct ProxySettings
{
    quint16 port = 8899; ///< 0 picks a free port
    proxy::ProxyOptions::Mode mode = proxy::ProxyOptions::Mode::Forward;
    QUrl reverseTarget;        ///< Reverse mode: the API to stand in front of
    bool interceptTls = false; ///< HTTPS interception with the local CA

    bool operator==(const ProxySettings &) const = default;
};

/// \brief Everything the desktop app runs, without a widget: the playground server, the
/// intercepting proxy, the composer's browser client and the one session they all feed.
///
/// Data flows one way: the proxy's captures (on its network threads), the playground's own
/// exchanges with browsers that do not use the proxy, and the composer's fetches go into the
/// session; views read the session. An exchange is captured once: the playground leaves out
/// requests that come from the proxy's or the composer's own sockets (LocalClientPorts).
class Lab : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        server::PlaygroundServer::Options playground;
        policy::CorsPolicy policy =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        ProxySettings proxy;
        bool startProxy = true;
        QHostAddress proxyAddress = QHostAddress::LocalHost;
        qint64 bodyCap = 64 * 1024;
        QString caDirectory;   ///< empty: CertificateAuthority::defaultDirectory()
        QString browserBinary; ///< empty: BrowserLauncher's default (Chromium)
        QString profile = QStringLiteral("chromium");
        /// Where the session is kept on disk while the app runs (its store, `session.corslab`,
        /// is also the crash recovery); empty: the default directory.
        QString recoveryDirectory;
        bool autosave = true; ///< keep the session on disk (false: in memory, no recovery)
        session::StoreRetention retention; ///< how much of a long capture the session keeps
    };

    explicit Lab(Options options, QObject *parent = nullptr);
    ~Lab() override;

    /// Starts the playground and (when Options::startProxy) the proxy. Each can fail alone:
    /// playgroundError() / proxyError() say why; the app still opens.
    void start();

    session::Session &session() { return *m_session; }
    server::PlaygroundServer &playground() { return *m_playground; }
    bool playgroundRunning() const;
    QString playgroundError() const { return m_playgroundError; }

    /// (Re)starts the proxy with \a settings. False with \a error (the field and the reason).
    bool startProxy(const ProxySettings &settings, QString *error);
    void stopProxy();
    bool proxyRunning() const;
    ProxySettings proxySettings() const { return m_proxySettings; }
    /// "127.0.0.1:8899" while running, empty otherwise.
    QString proxyAddress() const;
    quint16 proxyPort() const { return m_proxyPort; }
    QString proxyError() const { return m_proxyError; }
    /// The live override rules (shared with the proxy; a change applies to the next request).
    std::shared_ptr<proxy::OverrideStore> overrides() const { return m_overrides; }
    /// Writes the interception CA's certificate to \a path (PEM; DER when the name ends in .der
    /// or .cer), creating the CA on first use.
    bool exportCaCertificate(const QString &path, QString *error);

    /// Opens \a url in Chromium (or Options::browserBinary) through the proxy, in a fresh
    /// profile. False with \a error when the proxy is stopped or the browser cannot start.
    bool openBrowser(const QUrl &url, QString *error);
    void setBrowserBinary(const QString &binary);

    /// The attachment to a browser the user runs (the DevTools protocol); its captures go into
    /// the session.
    BrowserAttach &browserAttach() { return *m_attach; }

    client::BrowserClient &client() { return *m_client; }
    /// Sends \a request like a browser; its exchanges go into the session. Returns the fetch id.
    quint64 compose(const client::ComposedRequest &request);

    /// Sends \a jobs on the real wire (each as a fresh page in its browser), their exchanges
    /// appended to the session as each job ends. The run reports on its own signals and is
    /// deleted with the Lab, or by the caller (deleteLater) once it is no longer needed.
    LabCheckRun *startChecks(QList<check::CheckJob> jobs);

    /// Audits the API \a options name for CORS misconfigurations (docs/audit.md), the probes on
    /// the real wire one at a time, their exchanges appended to the session as each ends. The
    /// report, once finished, is kept for the session report (lastAudit()). Returns nullptr with
    /// \a error (the option and what was expected) when validateAuditOptions() refuses \a options:
    /// then nothing is sent. The run is deleted with the Lab, or by the caller (deleteLater).
    LabAuditRun *startAudit(audit::AuditOptions options, QString *error);
    /// The report of the last audit that finished, until the session is cleared or replaced:
    /// exportReport() adds it to the session report.
    const std::optional<audit::AuditReport> &lastAudit() const { return m_lastAudit; }

    cors::BrowserProfile profile() const;
    /// Re-judges the session and switches the composer's browser.
    void setProfile(const cors::BrowserProfile &profile);
    void setBodyCap(qint64 bytes);

    /// Empties the session, the composer's preflight cache and the playground's log.
    void clear();

    /// Whether the last run left its session behind (it crashed or was killed).
    bool hasRecovery() const;
    /// Reopens the session the last run left like openSession() (the policy and rules it saved
    /// too), and goes on keeping it.
    quint64 recover();
    /// Deletes what the last run left (the user declined it).
    void discardRecovery();

    /// Where the session is kept on disk now: the app's own store, or a store the user opened
    /// (empty: in memory only).
    QString storeDirectory() const;
    /// What the session's store holds and costs, as of the last second.
    session::StoreStats storeStats() const { return m_storeStats; }
    session::StoreRetention retention() const { return m_options.retention; }
    /// Keeps at most what \a retention allows, dropping the oldest exchanges now if needed.
    void setRetention(const session::StoreRetention &retention);

    /// Reads the session file at \a path on a worker thread and, when it is valid, replaces the
    /// session with it (its profile, and the playground policy and override rules it saved).
    /// A session store (a `.corslab` directory) is opened for writing instead: the session lives
    /// in it from then on (captures go on into it) until another is opened or the session is
    /// cleared; it is closed whole, never deleted. fileJobFinished() follows. Returns the job's id.
    quint64 openSession(const QString &path);
    /// Writes the session, the playground policy and the override rules to \a path (atomically) on
    /// a worker thread; fileJobFinished() follows.
    quint64 saveSession(const QString &path);
    /// Reads the HAR at \a path (Chrome's or Firefox's DevTools, or ours) like openSession().
    quint64 importHar(const QString &path);
    /// Writes the session as HAR 1.2, on a worker thread, with fileJobProgress().
    quint64 exportHar(const QString &path);
    /// Writes the session's report (HTML, Markdown or JSON), with fileJobProgress().
    quint64 exportReport(const QString &path, report::ReportFormat format);
    /// Forgets job \a job: an open that has not replaced the session yet never will; a write
    /// already under way completes (the previous file stays whole until it does).
    void cancelFileJob(quint64 job);

Q_SIGNALS:
    void proxyStateChanged();
    /// A composed fetch finished; its exchanges are in the session from \a firstIndex on.
    void composed(const corslab::client::FetchOutcome &outcome, qsizetype firstIndex);
    /// A file \a job ended: \a error is empty on success. A cancelled job reports nothing.
    void fileJobFinished(quint64 job, const QString &path, const QString &error);
    /// A writing \a job has done \a done of \a total steps.
    void fileJobProgress(quint64 job, qsizetype done, qsizetype total);
    /// storeStats() changed (checked every second).
    void storeStatsChanged();
    /// Keeping the session on disk went wrong (a full disk...): \a text says what still works.
    void storeWarning(const QString &text);
    /// Keeping the session on disk works again after a storeWarning(): \a text says so.
    void storeRecovered(const QString &text);

private:
    friend class LabAuditRun;
    friend class LabCheckRun;
    /// Appends \a exchanges on the session thread, after what the playground saw before them;
    /// \a done gets the index of the first one, back on this thread.
    void appendToSession(const QList<session::CapturedExchange> &exchanges,
                         std::function<void(qsizetype first)> done);
    void takePlaygroundExchange(const http::HttpExchange &exchange);
    void flushPlayground();
    std::shared_ptr<const proxy::CertificateAuthority> certificateAuthority(QString *error);

    Options m_options;
    std::shared_ptr<http::LocalClientPorts> m_localPorts;
    std::unique_ptr<session::Session> m_session;
    std::unique_ptr<QThread> m_sessionThread; ///< every append, re-judge and clear runs here
    SessionFeeder *m_feeder = nullptr;        ///< lives on m_sessionThread
    std::unique_ptr<server::PlaygroundServer> m_playground;
    QString m_playgroundError;
    std::unique_ptr<proxy::ProxyServer> m_proxy;
    ProxySettings m_proxySettings;
    quint16 m_proxyPort = 0;
    QString m_proxyError;
    std::shared_ptr<proxy::OverrideStore> m_overrides;
    std::shared_ptr<const proxy::CertificateAuthority> m_ca;
    std::unique_ptr<proxy::BrowserLauncher> m_launcher;
    std::unique_ptr<BrowserAttach> m_attach;
    std::unique_ptr<client::BrowserClient> m_client;
    session::StoreStats m_storeStats;
    QTimer m_storeTicker;        ///< every second: store figures, retention by age
    QString m_storeDirectory;    ///< the session's store (the app's own or one opened), empty: none
    QSet<quint64> m_composedIds; ///< fetches started by compose(), not finished yet
    std::optional<audit::AuditReport> m_lastAudit;
    using JobProgress = std::function<bool(qsizetype done, qsizetype total)>;
    /// Reads \a path into the staging session, and the policy and rules when the file has them.
    using LoadWork = std::function<bool(const QString &path, session::Session *staging,
                                        workspace::Workspace *saved, QString *error)>;
    session::WriteOptions writeOptions() const;
    QString recoveryDirectory() const;
    /// The app's own store, where the session lives unless the user opened a store.
    QString storePath() const;
    QString openStorePointer() const;
    QString userStoreLeftOpen() const;
    session::StoreOptions ownStoreOptions() const;
    /// Keeps the session in a new store (what it holds now goes there first).
    void startStore();
    void startStoreTicker();
    void tickStore();
    quint64 openStore(const QString &path);
    void storeChanged(const QString &directory);
    void closeStore();
    // On the session thread:
    void createOwnStore(const session::StoreOptions &options,
                        const session::ExtensionValues &extensions);
    void watchStore(const session::StoreRetention &retention);
    bool inUserStore() const;
    QString currentStoreDirectory() const;
    QString adoptStaging(session::Session &staging, const session::StoreOptions &ownOptions);
    void clearOnSessionThread(const session::StoreOptions &ownOptions);
    using WriteWork = std::function<bool(const QString &, const JobProgress &, QString *)>;
    /// Reads into a staging session on a worker thread, then adopts it on the session thread.
    quint64 loadJob(const QString &path, const LoadWork &read);
    /// Writes from the session on a worker thread (the session is thread-safe).
    quint64 writeJob(const QString &path, const WriteWork &write);
    bool jobCancelled(quint64 job) const;
    /// Whether \a job was cancelled; forgets it either way.
    bool forgetJob(quint64 job);
    void startWorker(QThread *worker);
    QList<QThread *> m_workers; ///< file jobs under way
    quint64 m_lastJob = 0;
    mutable QMutex m_jobMutex; ///< the session thread reads the cancelled jobs too
    QSet<quint64> m_cancelledJobs;
    QList<session::CapturedExchange> m_playgroundBatch;
    QTimer m_playgroundFlush;
};

} // namespace corslab::lab
