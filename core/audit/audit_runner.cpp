#include "audit_runner.h"

#include "audit_judge.h"

#include <QEventLoop>

namespace corslab::audit {

AuditRunner::AuditRunner(QObject *parent) : QObject(parent)
{
}

AuditRunner::~AuditRunner() = default;

void AuditRunner::start(const AuditOptions &options)
{
    cancel();
    m_cancelled = false;
    m_options = options;
    m_plan = planAudit(options);
    check::CheckRunner::Options runnerOptions = options.runner;
    runnerOptions.parallel = 1; // one request at a time: an audit must not load the API
    // start() may be called from a slot of the previous run's signals: let that runner return
    // before it goes, and hear nothing more from it.
    if (m_runner) {
        m_runner->disconnect(this);
        m_runner->deleteLater();
    }
    m_runner = new check::CheckRunner(runnerOptions, this);
    connect(m_runner, &check::CheckRunner::resultReady, this,
            [this](int index, const check::CheckResult &result) {
                const int total = static_cast<int>(m_plan.size());
                const ProbeOutcome outcome{m_plan.at(index), result};
                Q_EMIT probeDone(index + 1, total, outcome);
                // Without the trusted origin's own answer nothing can be judged: stop sending.
                if (outcome.probe.kind == ProbeKind::Baseline &&
                    result.outcome.networkFailure != client::NetworkFailure::None)
                    m_runner->cancel();
            });
    connect(m_runner, &check::CheckRunner::finished, this, &AuditRunner::onAllDone);
    QList<check::CheckJob> jobs;
    for (const AuditProbe &p : std::as_const(m_plan))
        jobs.append({p.request, options.sendAs});
    m_runner->start(jobs);
}

void AuditRunner::cancel()
{
    if (m_runner && m_runner->running()) {
        m_cancelled = true;
        m_runner->cancel();
    }
}

bool AuditRunner::running() const
{
    return m_runner && m_runner->running();
}

void AuditRunner::onAllDone()
{
    if (m_cancelled) {
        Q_EMIT cancelled();
        return;
    }
    QList<ProbeOutcome> outcomes;
    const QList<check::CheckResult> &results = m_runner->results();
    for (qsizetype i = 0; i < m_plan.size() && i < results.size(); ++i) {
        if (!results.at(i).browser.isEmpty()) // empty: never sent (the audit stopped early)
            outcomes.append({m_plan.at(i), results.at(i)});
    }
    Q_EMIT finished(judgeAudit(m_options, outcomes));
}

AuditReport runAudit(const AuditOptions &options)
{
    AuditRunner runner;
    AuditReport report;
    QEventLoop loop;
    QObject::connect(&runner, &AuditRunner::finished, &loop, [&](const AuditReport &r) {
        report = r;
        loop.quit();
    });
    runner.start(options);
    loop.exec();
    return report;
}

} // namespace corslab::audit
