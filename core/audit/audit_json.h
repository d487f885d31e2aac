#pragma once

#include "audit_finding.h"

#include <QJsonObject>

namespace corslab::audit {

/// The report as docs/audit.md § Output shows it (`--format json`).
QJsonObject auditReportToJson(const AuditReport &report);
/// One finding, with the report's fix.
QJsonObject findingToJson(const AuditFinding &finding, const AuditFix &fix);
QJsonObject fixToJson(const AuditFix &fix);

} // namespace corslab::audit
