#include "audit_markdown.h"

#include "audit_text.h"
#include "report/markdown_text.h"

#include <algorithm>

namespace corslab::audit {

namespace {

using report::markdownCode;
using report::markdownFence;
using report::markdownText;

constexpr Severity kSeveritiesHighFirst[] = {Severity::High, Severity::Medium, Severity::Low,
                                             Severity::Info};

QStringList headerLines(const base::HeaderList &headers)
{
    QStringList lines;
    for (const base::Header &h : headers)
        lines << QString::fromLatin1(h.first + ": " + h.second);
    return lines;
}

// The exchange as an HTTP-ish block: request line and headers, a blank line, status and headers.
QStringList exchangeLines(const session::CapturedExchange &x)
{
    QStringList lines{QString::fromLatin1(x.method + ' ' + x.url)};
    lines << headerLines(x.requestHeaders) << QString();
    lines << (x.error.isEmpty()
                  ? QStringLiteral("%1 %2").arg(x.status).arg(QString::fromLatin1(x.reason))
                  : QStringLiteral("no response: %1").arg(x.error));
    lines << headerLines(x.responseHeaders);
    return lines;
}

class MarkdownWriter
{
public:
    MarkdownWriter(const AuditReport &r, int sectionLevel) : m_r(r), m_level(sectionLevel) {}

    QString render()
    {
        m_o += QStringLiteral("Target %1, trusted origins %2, judged as %3: %4 requests sent as "
                              "%5.\n\n")
                   .arg(markdownCode(m_r.target.toString()),
                        markdownText(m_r.trustedOrigins.join(", ")),
                        markdownText(browserList(m_r.browsers)),
                        QString::number(m_r.outcomes.size()), markdownText(m_r.sentAs));
        summary();
        findings();
        classesChecked();
        return m_o;
    }

private:
    void heading(const QString &text, int below = 0)
    {
        m_o += QString(m_level + below, QLatin1Char('#')) + QLatin1Char(' ') + text +
               QStringLiteral("\n\n");
    }

    qsizetype count(Severity s) const
    {
        return std::count_if(m_r.findings.begin(), m_r.findings.end(),
                             [s](const AuditFinding &f) { return f.severity == s; });
    }

    void summary()
    {
        heading(QStringLiteral("Summary"));
        if (!m_r.networkFailure.isEmpty()) {
            m_o += QStringLiteral("The trusted origin's own request failed: %1. Nothing was "
                                  "judged.\n\n")
                       .arg(markdownText(m_r.networkFailure));
            return;
        }
        m_o += QStringLiteral("| Severity | Findings |\n| --- | ---: |\n");
        for (const Severity s : kSeveritiesHighFirst)
            m_o += QStringLiteral("| %1 | %2 |\n").arg(severityName(s)).arg(count(s));
        if (m_r.failedProbes > 0)
            m_o += QStringLiteral("\n%1 requests got no response (counted, not judged).\n")
                       .arg(m_r.failedProbes);
        m_o += QStringLiteral("\n%1\n\n").arg(markdownText(m_r.fix.summary));
        m_o +=
            markdownFence(headerLines(m_r.fix.headers), QStringLiteral("http")) + QLatin1Char('\n');
    }

    void finding(const AuditFinding &f)
    {
        const ClassInfo &info = classInfo(f.auditClass);
        heading(QStringLiteral("%1: %2").arg(severityName(f.severity).toUpper(),
                                             markdownText(info.title)),
                1);
        m_o += QStringLiteral("%1 · origin %2 · %3 · %4 · %5\n\n")
                   .arg(markdownCode(info.id), markdownCode(f.origin),
                        f.credentials ? QStringLiteral("with credentials")
                                      : QStringLiteral("without credentials"),
                        f.preflight ? QStringLiteral("preflighted request")
                                    : QStringLiteral("simple request"),
                        markdownText(browserList(f.browsers)));
        for (const session::CapturedExchange &x : f.evidence)
            m_o += markdownFence(exchangeLines(x), QStringLiteral("http")) + QLatin1Char('\n');
        m_o += QStringLiteral("%1\n\n**Fix:** %2\n\n")
                   .arg(markdownText(f.explanation), markdownText(f.fixSummary));
    }

    void findings()
    {
        if (!m_r.networkFailure.isEmpty())
            return;
        heading(QStringLiteral("Findings"));
        if (m_r.findings.isEmpty())
            m_o += QStringLiteral("✓ No class of misconfiguration holds: no probe origin was "
                                  "trusted.\n\n");
        for (const AuditFinding &f : m_r.findings)
            finding(f);
        heading(QStringLiteral("Server configuration for the fix"));
        for (const config::GeneratedConfig &c : m_r.fix.serverConfigs) {
            m_o += QStringLiteral("**%1**\n\n").arg(markdownText(c.target));
            m_o += markdownFence(c.text.trimmed().split(QLatin1Char('\n')), c.language) +
                   QLatin1Char('\n');
        }
    }

    void classesChecked()
    {
        heading(QStringLiteral("Classes checked"));
        m_o += QStringLiteral("| Class | What it is | Result |\n| --- | --- | --- |\n");
        for (const ClassInfo &info : auditClasses()) {
            const auto found =
                std::find_if(m_r.findings.begin(), m_r.findings.end(), [&](const AuditFinding &f) {
                    return f.auditClass == info.auditClass;
                });
            m_o += QStringLiteral("| %1 | %2 | %3 |\n")
                       .arg(markdownCode(info.id), markdownText(info.description),
                            found == m_r.findings.end() ? QStringLiteral("✓ not found")
                                                        : severityName(found->severity));
        }
        m_o += QLatin1Char('\n');
    }

    const AuditReport &m_r;
    int m_level;
    QString m_o;
};

} // namespace

QString auditReportToMarkdown(const AuditReport &report, int sectionLevel)
{
    return MarkdownWriter(report, sectionLevel).render();
}

} // namespace corslab::audit
