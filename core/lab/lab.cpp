#include "lab.h"

#include "audit/audit_appendix.h"
#include "browser_attach.h"
#include "http/local_client_ports.h"
#include "lab_audit_run.h"
#include "lab_check_run.h"
#include "playground_capture.h"
#include "proxy/browser_launcher.h"
#include "proxy/certificate_authority.h"
#include "proxy/override_store.h"
#include "proxy/proxy_server.h"
#include "report/har_export.h"
#include "report/har_import.h"
#include "session/session_json.h"
#include "session_feeder.h"
#include "workspace/workspace_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcLab, "corslab.lab")

namespace corslab::lab {

namespace {
/// How often the playground's own exchanges are handed to the session (one batch, one judge).
constexpr int kPlaygroundBatchMs = 20;
} // namespace

Lab::Lab(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)),
      m_localPorts(std::make_shared<http::LocalClientPorts>())
{
    session::Session::Options sessionOptions;
    sessionOptions.bodyCap = m_options.bodyCap;
    m_session = std::make_unique<session::Session>(sessionOptions);
    if (const cors::BrowserProfile *p = cors::BrowserProfile::byName(m_options.profile))
        m_session->setProfile(*p);

    m_sessionThread = std::make_unique<QThread>();
    m_sessionThread->setObjectName(QStringLiteral("corslab-session"));
    m_feeder = new SessionFeeder(m_session.get());
    m_feeder->moveToThread(m_sessionThread.get());
    connect(m_sessionThread.get(), &QThread::finished, m_feeder, &QObject::deleteLater);
    m_sessionThread->start();

    m_playground =
        std::make_unique<server::PlaygroundServer>(m_options.playground, m_options.policy);
    m_overrides = std::make_shared<proxy::OverrideStore>();
    m_launcher = std::make_unique<proxy::BrowserLauncher>();
    m_attach = std::make_unique<BrowserAttach>(m_feeder, m_options.bodyCap);

    client::BrowserClient::Options clientOptions;
    clientOptions.bodyCaptureBytes = m_options.bodyCap;
    clientOptions.localPorts = m_localPorts;
    m_client = std::make_unique<client::BrowserClient>(clientOptions);
    m_client->setProfile(m_session->profile());
    connect(m_client.get(), &client::BrowserClient::finished, this,
            [this](const client::FetchOutcome &outcome) {
                // Only the composer's fetches: the tour appends its own (it shares the client).
                if (!m_composedIds.remove(outcome.requestId))
                    return;
                appendToSession(outcome.exchanges, [this, outcome](qsizetype first) {
                    Q_EMIT composed(outcome, first);
                });
            });

    m_playgroundFlush.setSingleShot(true);
    m_playgroundFlush.setInterval(kPlaygroundBatchMs);
    connect(&m_playgroundFlush, &QTimer::timeout, this, &Lab::flushPlayground);
    connect(m_playground.get(), &server::PlaygroundServer::exchangeRecorded, this,
            &Lab::takePlaygroundExchange);
    // The last audit belongs to the session its exchanges went into.
    connect(m_session.get(), &session::Session::cleared, this, [this] { m_lastAudit.reset(); });
}

Lab::~Lab()
{
    m_storeTicker.stop();
    for (QThread *worker : std::as_const(m_workers))
        worker->wait(); // a file job still refers to the session
    m_attach.reset();   // hands its last captures to the session thread
    m_launcher->stop();
    stopProxy();
    m_playground->stop();
    // Let the session thread finish what was queued (it refers to this object), then stop it.
    QMetaObject::invokeMethod(
        m_feeder, [] {}, Qt::BlockingQueuedConnection);
    m_sessionThread->quit();
    m_sessionThread->wait();
    closeStore();
}

void Lab::start()
{
    QString error;
    if (m_playground->start(&error)) {
        m_overrides->setOrigins(m_playground->origins());
        m_attach->setOrigins(m_playground->origins());
        m_playgroundError.clear();
    } else {
        m_playgroundError = error;
        qCWarning(lcLab) << "playground:" << error;
    }
    // Started after the user answered about what a crash left (hasRecovery()).
    if (m_options.autosave && !hasRecovery())
        startStore();
    if (m_options.startProxy && !startProxy(m_options.proxy, &error)) {
        // The preferred port taken (another CORS Lab, another proxy): any free port does, the
        // status bar shows which.
        ProxySettings anyPort = m_options.proxy;
        anyPort.port = 0;
        if (m_options.proxy.port == 0 || !startProxy(anyPort, &error))
            qCWarning(lcLab) << "proxy:" << error;
    }
}

bool Lab::playgroundRunning() const
{
    return m_playground->isRunning();
}

std::shared_ptr<const proxy::CertificateAuthority> Lab::certificateAuthority(QString *error)
{
    if (!m_ca) {
        const QString dir = m_options.caDirectory.isEmpty()
                                ? proxy::CertificateAuthority::defaultDirectory()
                                : m_options.caDirectory;
        m_ca = proxy::CertificateAuthority::loadOrCreate(dir, error);
    }
    return m_ca;
}

bool Lab::startProxy(const ProxySettings &settings, QString *error)
{
    stopProxy();
    m_proxySettings = settings;
    auto failed = [&](const QString &why) {
        m_proxyError = why;
        if (error)
            *error = why;
        Q_EMIT proxyStateChanged();
        return false;
    };
    proxy::ProxyOptions options;
    options.mode = settings.mode;
    if (settings.mode == proxy::ProxyOptions::Mode::Reverse) {
        const QUrl &t = settings.reverseTarget;
        if (!t.isValid() || t.host().isEmpty() ||
            (t.scheme() != QLatin1String("http") && t.scheme() != QLatin1String("https")))
            return failed(QStringLiteral("reverse target: expected an absolute http:// or "
                                         "https:// URL, got \"%1\"")
                              .arg(t.toString()));
        options.reverseTarget = t;
    }
    if (settings.interceptTls && settings.mode == proxy::ProxyOptions::Mode::Forward) {
        QString why;
        options.certificateAuthority = certificateAuthority(&why);
        if (!options.certificateAuthority)
            return failed(QStringLiteral("HTTPS interception: %1").arg(why));
    }
    options.overrides = m_overrides;
    options.localPorts = m_localPorts;
    options.bodyCaptureBytes = m_session->bodyCap();
    auto server = std::make_unique<proxy::ProxyServer>(options);
    // Batches go to the session thread: a queued event each, the list implicitly shared.
    connect(server.get(), &proxy::ProxyServer::exchangesCaptured, m_feeder, &SessionFeeder::append,
            Qt::QueuedConnection);
    QString why;
    const quint16 port = server->listen(m_options.proxyAddress, settings.port, &why);
    if (port == 0)
        return failed(QStringLiteral("port %1: %2").arg(settings.port).arg(why));
    m_proxy = std::move(server);
    m_proxyPort = port;
    m_proxyError.clear();
    Q_EMIT proxyStateChanged();
    return true;
}

void Lab::stopProxy()
{
    if (!m_proxy)
        return;
    m_proxy->close(); // delivers what was captured so far (queued to the session thread)
    m_proxy.reset();
    m_proxyPort = 0;
    Q_EMIT proxyStateChanged();
}

bool Lab::proxyRunning() const
{
    return m_proxy != nullptr;
}

QString Lab::proxyAddress() const
{
    if (!m_proxy)
        return {};
    const QHostAddress &a = m_options.proxyAddress;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + a.toString() + QLatin1Char(']')
                             : a.toString();
    return host + QLatin1Char(':') + QString::number(m_proxyPort);
}

bool Lab::exportCaCertificate(const QString &path, QString *error)
{
    const auto ca = certificateAuthority(error);
    return ca && ca->exportCertificate(path, error);
}

bool Lab::openBrowser(const QUrl &url, QString *error)
{
    if (!m_proxy) {
        if (error)
            *error = QStringLiteral("the proxy is stopped: start it first, so that the browser's "
                                    "requests are captured");
        return false;
    }
    proxy::BrowserLauncher::Options options;
    options.binary = m_options.browserBinary;
    options.proxyHostPort = proxyAddress().toLatin1();
    if (m_proxySettings.interceptTls && m_ca)
        options.spkiHash = m_ca->spkiSha256Base64();
    options.startUrl = url;
    m_launcher->stop(); // one browser at a time, in a fresh profile each time
    return m_launcher->start(options, error);
}

void Lab::setBrowserBinary(const QString &binary)
{
    m_options.browserBinary = binary;
}

void Lab::appendToSession(const QList<session::CapturedExchange> &exchanges,
                          std::function<void(qsizetype first)> done)
{
    flushPlayground(); // what the playground saw before stays before
    // Appended on the session thread (judging never holds up the GUI); the caller learns back
    // on this thread where the exchanges landed.
    QMetaObject::invokeMethod(
        m_feeder,
        [this, exchanges, done = std::move(done)] {
            const qsizetype first = m_session->append(exchanges);
            QMetaObject::invokeMethod(
                this, [done, first] { done(first); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

LabCheckRun *Lab::startChecks(QList<check::CheckJob> jobs)
{
    check::CheckRunner::Options options;
    options.localPorts = m_localPorts;
    auto *run = new LabCheckRun(this, options);
    run->start(std::move(jobs));
    return run;
}

LabAuditRun *Lab::startAudit(audit::AuditOptions options, QString *error)
{
    if (!audit::validateAuditOptions(&options, error))
        return nullptr;
    // The playground leaves the audit's own sockets out: its exchanges are appended once, here.
    options.runner.localPorts = m_localPorts;
    auto *run = new LabAuditRun(this);
    connect(run, &LabAuditRun::finished, this,
            [this](const audit::AuditReport &report) { m_lastAudit = report; });
    run->start(options);
    return run;
}

quint64 Lab::compose(const client::ComposedRequest &request)
{
    const quint64 id = m_client->fetch(request);
    m_composedIds.insert(id);
    return id;
}

cors::BrowserProfile Lab::profile() const
{
    return m_session->profile();
}

void Lab::setProfile(const cors::BrowserProfile &profile)
{
    flushPlayground();
    m_client->setProfile(profile);
    // On the session thread, after the batches queued before it: setProfile() waits for appends.
    QMetaObject::invokeMethod(
        m_feeder, [session = m_session.get(), profile] { session->setProfile(profile); },
        Qt::QueuedConnection);
}

void Lab::setBodyCap(qint64 bytes)
{
    m_session->setBodyCap(bytes);
    m_options.bodyCap = bytes;
}

void Lab::clear()
{
    m_playgroundBatch.clear();
    m_client->clearPreflightCache();
    m_playground->clearExchanges();
    QMetaObject::invokeMethod(
        m_feeder, [this, options = ownStoreOptions()] { clearOnSessionThread(options); },
        Qt::QueuedConnection);
}

session::WriteOptions Lab::writeOptions() const
{
    return workspace::writeOptions(
        QStringLiteral("CORS Lab %1").arg(QCoreApplication::applicationVersion()),
        workspace::Workspace{m_playground->policy(), *m_overrides->current()});
}

quint64 Lab::openSession(const QString &path)
{
    if (session::SessionStore::isStore(path))
        return openStore(path);
    return loadJob(path,
                   [](const QString &file, session::Session *staging, workspace::Workspace *saved,
                      QString *error) { return workspace::readFile(file, staging, saved, error); });
}

quint64 Lab::importHar(const QString &path)
{
    return loadJob(path, [](const QString &file, session::Session *staging, workspace::Workspace *,
                            QString *error) { return report::loadHarFile(file, staging, error); });
}

quint64 Lab::saveSession(const QString &path)
{
    const session::WriteOptions options = writeOptions();
    return writeJob(path,
                    [this, options](const QString &file, const JobProgress &, QString *error) {
                        return session::writeSessionFile(*m_session, file, error, options);
                    });
}

quint64 Lab::exportHar(const QString &path)
{
    return writeJob(path, [this](const QString &file, const JobProgress &progress, QString *error) {
        return report::writeHarFile(*m_session, file, error, progress);
    });
}

quint64 Lab::exportReport(const QString &path, report::ReportFormat format)
{
    return writeJob(path, [this, format, lastAudit = m_lastAudit](
                              const QString &file, const JobProgress &progress, QString *error) {
        report::SessionReport r;
        report::ReportOptions options;
        options.generatedBy =
            QStringLiteral("CORS Lab %1").arg(QCoreApplication::applicationVersion());
        switch (report::buildSessionReport(*m_session, &r, options, progress)) {
        case report::ReportStatus::Complete:
            if (lastAudit)
                r.appendices.append(audit::auditAppendix(*lastAudit));
            return report::saveReport(r, format, file, error);
        case report::ReportStatus::Cancelled:
            *error = QStringLiteral("cancelled");
            return false;
        case report::ReportStatus::SessionCleared:
            *error = QStringLiteral("the session was cleared while the report was being made");
            return false;
        }
        return false;
    });
}

quint64 Lab::loadJob(const QString &path, const LoadWork &read)
{
    const quint64 job = ++m_lastJob;
    auto staging = std::make_shared<session::Session>();
    QThread *worker =
        QThread::create([this, staging, path, job, read, ownOptions = ownStoreOptions()] {
            QString error;
            workspace::Workspace saved;
            const bool ok = read(path, staging.get(), &saved, &error);
            // Adopted on the session thread, between batches, unless the user cancelled meanwhile.
            QMetaObject::invokeMethod(
                m_feeder,
                [this, staging, path, job, ok, error, saved, ownOptions] {
                    const bool adopted = ok && !jobCancelled(job);
                    const QString storeNow =
                        adopted ? adoptStaging(*staging, ownOptions) : QString();
                    QMetaObject::invokeMethod(
                        this,
                        [this, path, job, error, adopted, saved, storeNow] {
                            if (adopted) {
                                storeChanged(storeNow);
                                // What the session was captured under comes back with it.
                                if (saved.policy)
                                    m_playground->setPolicy(*saved.policy);
                                if (saved.rules)
                                    m_overrides->set(*saved.rules);
                                m_client->setProfile(m_session->profile());
                                m_client->clearPreflightCache();
                            }
                            if (forgetJob(job))
                                return;
                            Q_EMIT fileJobFinished(job, path, error);
                        },
                        Qt::QueuedConnection);
                },
                Qt::QueuedConnection);
        });
    startWorker(worker);
    return job;
}

quint64 Lab::writeJob(const QString &path, const WriteWork &write)
{
    const quint64 job = ++m_lastJob;
    flushPlayground();
    QThread *worker = QThread::create([this, path, job, write] {
        // Progress reaches the GUI at most every 50 ms; a cancel is seen at the next step.
        QElapsedTimer sinceReport;
        sinceReport.start();
        const JobProgress progress = [this, job, &sinceReport](qsizetype done, qsizetype total) {
            if (sinceReport.elapsed() >= 50 || done == total) {
                sinceReport.restart();
                QMetaObject::invokeMethod(
                    this, [this, job, done, total] { Q_EMIT fileJobProgress(job, done, total); },
                    Qt::QueuedConnection);
            }
            return !jobCancelled(job);
        };
        QString error;
        write(path, progress, &error);
        QMetaObject::invokeMethod(
            this,
            [this, path, job, error] {
                if (!forgetJob(job))
                    Q_EMIT fileJobFinished(job, path, error);
            },
            Qt::QueuedConnection);
    });
    startWorker(worker);
    return job;
}

void Lab::cancelFileJob(quint64 job)
{
    QMutexLocker lock(&m_jobMutex);
    m_cancelledJobs.insert(job);
}

bool Lab::jobCancelled(quint64 job) const
{
    QMutexLocker lock(&m_jobMutex);
    return m_cancelledJobs.contains(job);
}

bool Lab::forgetJob(quint64 job)
{
    QMutexLocker lock(&m_jobMutex);
    return m_cancelledJobs.remove(job);
}

void Lab::startWorker(QThread *worker)
{
    m_workers.append(worker);
    connect(worker, &QThread::finished, this, [this, worker] {
        m_workers.removeOne(worker);
        worker->deleteLater();
    });
    worker->start();
}

void Lab::takePlaygroundExchange(const http::HttpExchange &exchange)
{
    // The proxy and the composer capture their own requests: only a browser talking to the
    // playground directly is captured here.
    if (exchange.request.peerAddress.isLoopback() &&
        m_localPorts->contains(exchange.request.peerPort))
        return;
    m_playgroundBatch.append(
        captureFromPlayground(exchange, m_playground->origins(), m_session->bodyCap()));
    if (!m_playgroundFlush.isActive())
        m_playgroundFlush.start();
}

void Lab::flushPlayground()
{
    m_playgroundFlush.stop();
    if (m_playgroundBatch.isEmpty())
        return;
    QMetaObject::invokeMethod(
        m_feeder,
        [feeder = m_feeder, batch = std::move(m_playgroundBatch)] { feeder->append(batch); },
        Qt::QueuedConnection);
    m_playgroundBatch.clear();
}

} // namespace corslab::lab
