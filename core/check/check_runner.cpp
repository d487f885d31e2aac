#include "check_runner.h"

#include "cors/browser_profile.h"

#include <QEventLoop>

namespace corslab::check {

CheckRunner::CheckRunner(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<CheckResult>();
}

CheckRunner::~CheckRunner()
{
    qDeleteAll(m_clients);
}

void CheckRunner::start(QList<CheckJob> jobs)
{
    cancel();
    m_jobs = std::move(jobs);
    m_results = QList<CheckResult>(m_jobs.size());
    m_next = 0;
    m_done = 0;
    if (m_jobs.isEmpty()) {
        QMetaObject::invokeMethod(this, &CheckRunner::finished, Qt::QueuedConnection);
        return;
    }
    for (int i = 0; i < std::max(m_options.parallel, 1); ++i)
        launchNext();
}

void CheckRunner::cancel()
{
    if (!running())
        return;
    ++m_generation;
    for (client::BrowserClient *c : std::as_const(m_clients))
        c->deleteLater(); // one may be inside its own signal
    m_clients.clear();
    m_next = int(m_jobs.size());
    m_done = int(m_jobs.size());
    Q_EMIT finished();
}

bool CheckRunner::running() const
{
    return m_done < m_jobs.size();
}

void CheckRunner::launchNext()
{
    if (m_next >= m_jobs.size())
        return;
    const int index = m_next++;
    const CheckJob &job = m_jobs.at(index);
    client::BrowserClient::Options o;
    o.timeoutMs = m_options.timeoutMs;
    o.caCertificates = m_options.caCertificates;
    o.verifyCertificates = m_options.verifyCertificates;
    o.localPorts = m_options.localPorts;
    // A fresh client per job: its own preflight cache and cookies, as a newly opened page.
    auto *c = new client::BrowserClient(o);
    m_clients.append(c);
    const cors::BrowserProfile *profile = cors::BrowserProfile::byName(job.browser);
    c->setProfile(profile ? *profile : cors::BrowserProfile::get(cors::Browser::Chromium));
    const quint64 generation = m_generation;
    connect(c, &client::BrowserClient::finished, this,
            [this, c, index, generation](const client::FetchOutcome &outcome) {
                if (generation != m_generation)
                    return;
                m_clients.removeOne(c);
                c->deleteLater();
                onFinished(index, outcome);
            });
    c->fetch(job.request);
}

void CheckRunner::onFinished(int index, const client::FetchOutcome &outcome)
{
    CheckResult &r = m_results[index];
    r.browser = m_jobs.at(index).browser;
    r.outcome = outcome;
    r.observation = observe(outcome, r.browser);
    ++m_done;
    const quint64 generation = m_generation;
    Q_EMIT resultReady(index, r);
    if (generation != m_generation)
        return; // cancelled (or restarted) from a slot: finished() has been emitted
    Q_EMIT progress(m_done, int(m_jobs.size()));
    if (m_done == m_jobs.size())
        Q_EMIT finished();
    else
        launchNext();
}

QList<CheckResult> runChecks(const QList<CheckJob> &jobs, const CheckRunner::Options &options)
{
    CheckRunner runner(options);
    QEventLoop loop;
    QObject::connect(&runner, &CheckRunner::finished, &loop, &QEventLoop::quit);
    runner.start(jobs);
    loop.exec();
    return runner.results();
}

} // namespace corslab::check
