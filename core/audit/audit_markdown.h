#pragma once

#include "audit_finding.h"

#include <QString>

namespace corslab::audit {

/// The report as Markdown (GitHub flavour) for a ticket or the session report's audit section:
/// a count per severity and the fix, every finding with its evidence as fenced header blocks, its
/// explanation and what to change, the fix's server configurations, and the classes checked.
/// Section headings are at \a sectionLevel (a finding's one below); text from the wire is escaped
/// outside code blocks and fenced inside them (report/markdown_text.h).
QString auditReportToMarkdown(const AuditReport &report, int sectionLevel);

} // namespace corslab::audit
