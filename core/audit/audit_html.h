#pragma once

#include "audit_finding.h"

#include <QByteArray>

namespace corslab::audit {

/// The report as one self-contained HTML page in the session report's style: a summary by
/// severity, every finding with its evidence side by side, the explanation and the fix with its
/// server configurations, and the classes that were checked and not found. Loads nothing; every
/// value from the wire is escaped.
QByteArray auditReportToHtml(const AuditReport &report, const QString &generatedBy);

} // namespace corslab::audit
