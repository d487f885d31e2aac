#include "audit_session.h"

#include "session/session.h"
#include "session/session_json.h"

namespace corslab::audit {

QList<session::CapturedExchange> auditExchanges(const AuditReport &report)
{
    QList<session::CapturedExchange> all;
    for (const ProbeOutcome &o : report.outcomes)
        all += o.result.outcome.exchanges;
    return all;
}

bool writeAuditSession(const AuditReport &report, const QString &path, const QString &createdBy,
                       QString *error)
{
    session::Session s;
    s.append(auditExchanges(report));
    return session::writeSessionFile(s, path, error, createdBy);
}

} // namespace corslab::audit
