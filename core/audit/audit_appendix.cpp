#include "audit_appendix.h"

#include "audit_html.h"
#include "audit_json.h"
#include "audit_markdown.h"

namespace corslab::audit {

namespace {

// The session report's sections are <h2>: the audit's go one below, inside its appendix.
constexpr int kAppendixSectionLevel = 3;

// One level down, the audit's headings look as on its own page: the report's h3 has no room
// above it and its h4 is a small caption, right for "Fix" but not for a finding's title.
const char kAppendixStyle[] = R"css(
#appendix-audit section>h3{margin:24px 0 10px}
#appendix-audit .pair .head h4{font-size:15px;margin:0;color:inherit;text-transform:none;
letter-spacing:normal}
)css";

} // namespace

report::ReportAppendix auditAppendix(const AuditReport &report)
{
    report::ReportAppendix a;
    a.id = QStringLiteral("audit");
    a.title = QStringLiteral("CORS audit: %1").arg(report.target.toString());
    a.html = auditReportToHtmlFragment(report, kAppendixSectionLevel, QStringLiteral("audit-"));
    a.css = QString::fromLatin1(auditStyleSheet()) + QLatin1String(kAppendixStyle);
    a.markdown = auditReportToMarkdown(report, kAppendixSectionLevel);
    a.json = auditReportToJson(report);
    return a;
}

} // namespace corslab::audit
