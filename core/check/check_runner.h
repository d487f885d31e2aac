#pragma once

#include "client/browser_client.h"
#include "observation.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <memory>

namespace corslab::http {
class LocalClientPorts;
}

namespace corslab::check {

/// The browsers `check --browser all` and "Check in all browsers" run, in this order.
inline const QStringList kCheckBrowsers = {QStringLiteral("chromium"), QStringLiteral("firefox"),
                                           QStringLiteral("safari")};

/// One request to send as one browser would.
struct CheckJob
{
    client::ComposedRequest request;
    QString browser = QStringLiteral("chromium"); ///< a cors::BrowserProfile name
};

/// What the browser's fetch() did on the real wire, and the facts a contract is judged on.
struct CheckResult
{
    QString browser;
    client::FetchOutcome outcome;
    Observation observation;
};

/// \brief Sends check jobs on the real wire, each as a fresh page in its browser (its own
/// preflight cache and cookie jar), a few at a time; never blocks the thread it lives in.
class CheckRunner : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int timeoutMs = 15000;                 ///< per request: connect and the whole response
        QList<QSslCertificate> caCertificates; ///< trusted besides the system's store
        bool verifyCertificates = true;
        int parallel = 4; ///< jobs in flight at once
        /// Where the client sockets register (may be null): the app's playground leaves them out.
        std::shared_ptr<http::LocalClientPorts> localPorts;
    };

    explicit CheckRunner(Options options, QObject *parent = nullptr);
    ~CheckRunner() override;

    /// Starts \a jobs (after any still running are cancelled); resultReady() comes once per job,
    /// then finished(). An empty list finishes at once (queued).
    void start(QList<CheckJob> jobs);
    /// Stops sending: requests in flight are dropped, finished() follows.
    void cancel();
    bool running() const;
    /// The results so far, by job index (an unfinished job's browser is empty).
    const QList<CheckResult> &results() const { return m_results; }

Q_SIGNALS:
    void resultReady(int index, const corslab::check::CheckResult &result);
    void progress(int done, int total);
    void finished();

private:
    void launchNext();
    void onFinished(int index, const client::FetchOutcome &outcome);

    Options m_options;
    QList<CheckJob> m_jobs;
    QList<CheckResult> m_results;
    int m_next = 0;
    int m_done = 0;
    quint64 m_generation = 0; ///< bumped by cancel(): late answers of an old run are ignored
    QList<client::BrowserClient *> m_clients;
};

/// Runs \a jobs to the end in a local event loop: for command lines.
QList<CheckResult> runChecks(const QList<CheckJob> &jobs, const CheckRunner::Options &options);

} // namespace corslab::check

Q_DECLARE_METATYPE(corslab::check::CheckResult)
