#pragma once

#include "audit_finding.h"
#include "report/session_report.h"

namespace corslab::audit {

/// The audit as a section of the session report (the app's File → Export report): its HTML,
/// Markdown and JSON, rendered here so that `report` never needs to know what an audit is.
report::ReportAppendix auditAppendix(const AuditReport &report);

} // namespace corslab::audit
