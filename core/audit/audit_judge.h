#pragma once

#include "audit_finding.h"

/// Turning the audit's responses into findings: which classes hold, how severe, why.
namespace corslab::audit {

/// Judges \a outcomes (every probe of planAudit(), in order) under each of the options' browser
/// profiles and both credentials modes; the report's findings are sorted, its fix filled in.
AuditReport judgeAudit(const AuditOptions &options, const QList<ProbeOutcome> &outcomes);

} // namespace corslab::audit
