#pragma once

#include "audit_finding.h"

#include <QJsonObject>

namespace corslab::audit {

/// The report as SARIF 2.1.0 for code-scanning dashboards: one rule per class (with GitHub's
/// `security-severity`), one result per finding located at the audited URL, \a toolVersion as
/// the driver's version.
QJsonObject auditReportToSarif(const AuditReport &report, const QString &toolVersion);

} // namespace corslab::audit
