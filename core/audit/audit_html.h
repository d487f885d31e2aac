#pragma once

#include "audit_finding.h"

#include <QByteArray>

namespace corslab::audit {

/// The report as one self-contained HTML page in the session report's style: a summary by
/// severity, every finding with its evidence side by side, the explanation and the fix with its
/// server configurations, and the classes that were checked and not found. Loads nothing; every
/// value from the wire is escaped.
QByteArray auditReportToHtml(const AuditReport &report, const QString &generatedBy);

/// The same sections (summary, findings, server configurations, classes checked) as a fragment
/// for a page in the session report's style (its audit appendix): section headings at
/// \a sectionLevel (a finding's one below), every anchor starting with \a idPrefix so that
/// none clashes with the page's own.
QString auditReportToHtmlFragment(const AuditReport &report, int sectionLevel,
                                  const QString &idPrefix);
/// The rules the audit's sections add to the session report's style sheet (severity badges
/// and cards).
const char *auditStyleSheet();

} // namespace corslab::audit
