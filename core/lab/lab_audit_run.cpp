#include "lab_audit_run.h"

#include "lab.h"

#include <algorithm>

namespace corslab::lab {

namespace {

// The session stores copies: an exchange is known again by when and from which socket it went.
bool sameExchange(const session::CapturedExchange &x, qint64 startedAtMs, quint16 clientPort,
                  const QByteArray &url)
{
    return x.startedAtMs == startedAtMs && x.clientPort == clientPort && x.url == url;
}

} // namespace

LabAuditRun::LabAuditRun(Lab *lab) : QObject(lab), m_lab(lab)
{
    connect(&m_runner, &audit::AuditRunner::probeDone, this, &LabAuditRun::onProbeDone);
    connect(&m_runner, &audit::AuditRunner::finished, this,
            [this](const audit::AuditReport &report) {
                m_report = report;
                m_runnerDone = true;
                endWhenAppended();
            });
    connect(&m_runner, &audit::AuditRunner::cancelled, this, [this] {
        m_runnerDone = true;
        endWhenAppended();
    });
    // Indexes from before a clear would name other exchanges.
    connect(&lab->session(), &session::Session::cleared, this, [this] {
        for (Landed &l : m_landed)
            l.index = -1;
    });
}

void LabAuditRun::start(const audit::AuditOptions &options)
{
    m_landed.clear();
    m_report.reset();
    m_runnerDone = false;
    m_runner.start(options);
}

void LabAuditRun::cancel()
{
    m_runner.cancel();
}

bool LabAuditRun::running() const
{
    return !m_runnerDone || m_pendingAppends > 0;
}

QList<qsizetype> LabAuditRun::evidenceIndexes(const audit::AuditFinding &finding) const
{
    QList<qsizetype> indexes;
    for (const session::CapturedExchange &x : finding.evidence) {
        const auto landed = std::find_if(m_landed.begin(), m_landed.end(), [&x](const Landed &l) {
            return sameExchange(x, l.startedAtMs, l.clientPort, l.url);
        });
        indexes.append(landed == m_landed.end() ? -1 : landed->index);
    }
    return indexes;
}

void LabAuditRun::onProbeDone(int done, int total, const audit::ProbeOutcome &outcome)
{
    Q_EMIT progress(done, total);
    if (!m_lab)
        return;
    const QList<session::CapturedExchange> &exchanges = outcome.result.outcome.exchanges;
    ++m_pendingAppends;
    m_lab->appendToSession(exchanges,
                           [this, guard = QPointer<LabAuditRun>(this), exchanges](qsizetype first) {
                               if (!guard)
                                   return;
                               for (qsizetype i = 0; i < exchanges.size(); ++i) {
                                   const session::CapturedExchange &x = exchanges.at(i);
                                   m_landed.append({x.startedAtMs, x.clientPort, x.url, first + i});
                               }
                               --m_pendingAppends;
                               endWhenAppended();
                           });
}

void LabAuditRun::endWhenAppended()
{
    if (!m_runnerDone || m_pendingAppends > 0)
        return;
    if (m_report)
        Q_EMIT finished(*m_report);
    else
        Q_EMIT cancelled();
}

} // namespace corslab::lab
