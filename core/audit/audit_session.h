#pragma once

#include "audit_finding.h"

#include <QString>

namespace corslab::audit {

/// Every exchange the audit put on the wire, in order.
QList<session::CapturedExchange> auditExchanges(const AuditReport &report);

/// Writes auditExchanges() as a session file at \a path (atomically), to open in the app or
/// turn into a report; \a createdBy names the program. False with \a error (the path and why).
bool writeAuditSession(const AuditReport &report, const QString &path, const QString &createdBy,
                       QString *error);

} // namespace corslab::audit
