#pragma once

#include "audit/audit_runner.h"

#include <QObject>
#include <QPointer>
#include <optional>

namespace corslab::lab {

class Lab;

/// \brief An audit the app runs (the Audit panel, docs/audit.md): each probe's exchanges go into
/// the Lab's session as the probe ends, where the views show them like any capture, and
/// finished() brings the report once every one of them is there.
class LabAuditRun : public QObject
{
    Q_OBJECT

public:
    explicit LabAuditRun(Lab *lab);

    /// Starts the audit of \a options (validateAuditOptions() has passed).
    void start(const audit::AuditOptions &options);
    /// Stops sending; what was sent stays in the session. cancelled() follows.
    void cancel();
    bool running() const;
    /// Where \a finding's evidence is in the session, in its order; -1 for an exchange the
    /// session no longer holds (it was cleared or replaced since).
    QList<qsizetype> evidenceIndexes(const audit::AuditFinding &finding) const;

Q_SIGNALS:
    /// Probe \a done of \a total ended (its exchanges go into the session).
    void progress(int done, int total);
    /// The audit ended and every exchange it sent is in the session.
    void finished(const corslab::audit::AuditReport &report);
    /// cancel() took effect; what was sent is in the session.
    void cancelled();

private:
    /// An exchange the audit sent, and where it landed in the session.
    struct Landed
    {
        qint64 startedAtMs = 0;
        quint16 clientPort = 0;
        QByteArray url;
        qsizetype index = -1;
    };

    void onProbeDone(int done, int total, const audit::ProbeOutcome &outcome);
    void endWhenAppended();

    QPointer<Lab> m_lab;
    audit::AuditRunner m_runner;
    QList<Landed> m_landed;
    std::optional<audit::AuditReport> m_report; ///< held until every append is done
    int m_pendingAppends = 0;
    bool m_runnerDone = true; ///< until start(), nothing runs
};

} // namespace corslab::lab
