#pragma once

#include "audit_finding.h"

#include <QObject>

namespace corslab::audit {

/// \brief Sends an audit's probes one after the other (polite: never more than one request in
/// flight), then judges them; never blocks the thread it lives in.
class AuditRunner : public QObject
{
    Q_OBJECT

public:
    explicit AuditRunner(QObject *parent = nullptr);
    ~AuditRunner() override;

    /// Starts the audit of \a options (validateAuditOptions() must have passed); probeDone()
    /// comes once per request, then finished() with the report.
    void start(const AuditOptions &options);
    void cancel();
    bool running() const;

Q_SIGNALS:
    void probeDone(int done, int total, const corslab::audit::ProbeOutcome &outcome);
    void finished(const corslab::audit::AuditReport &report);
    void cancelled();

private:
    void onAllDone();

    check::CheckRunner *m_runner = nullptr;
    AuditOptions m_options;
    QList<AuditProbe> m_plan;
    bool m_cancelled = false;
};

/// Runs the audit to the end in a local event loop: for command lines.
AuditReport runAudit(const AuditOptions &options);

} // namespace corslab::audit

Q_DECLARE_METATYPE(corslab::audit::ProbeOutcome)
Q_DECLARE_METATYPE(corslab::audit::AuditReport)
