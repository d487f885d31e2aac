#include "lab_check_run.h"

#include "lab.h"

namespace corslab::lab {

LabCheckRun::LabCheckRun(Lab *lab, const check::CheckRunner::Options &options)
    : QObject(lab), m_lab(lab), m_runner(options)
{
    connect(&m_runner, &check::CheckRunner::resultReady, this, &LabCheckRun::onResult);
    connect(&m_runner, &check::CheckRunner::progress, this, &LabCheckRun::progress);
    connect(&m_runner, &check::CheckRunner::finished, this, [this] {
        m_runnerDone = true;
        finishWhenAppended();
    });
}

void LabCheckRun::start(QList<check::CheckJob> jobs)
{
    m_firstIndex = QList<qsizetype>(jobs.size(), -1);
    m_runnerDone = false;
    m_runner.start(std::move(jobs));
}

void LabCheckRun::cancel()
{
    m_runner.cancel();
}

bool LabCheckRun::running() const
{
    return !m_runnerDone || m_pendingAppends > 0;
}

void LabCheckRun::onResult(int index, const check::CheckResult &result)
{
    if (!m_lab)
        return;
    ++m_pendingAppends;
    m_lab->appendToSession(result.outcome.exchanges, [this, guard = QPointer<LabCheckRun>(this),
                                                      index, result](qsizetype first) {
        if (!guard)
            return;
        m_firstIndex[index] = first;
        --m_pendingAppends;
        Q_EMIT resultReady(index, result, first);
        finishWhenAppended();
    });
}

void LabCheckRun::finishWhenAppended()
{
    if (m_runnerDone && m_pendingAppends == 0)
        Q_EMIT finished();
}

} // namespace corslab::lab
