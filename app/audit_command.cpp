#include "audit_command.h"

#include "audit/audit_html.h"
#include "audit/audit_json.h"
#include "audit/audit_runner.h"
#include "audit/audit_sarif.h"
#include "audit/audit_session.h"
#include "audit/audit_text.h"
#include "audit_command_options.h"
#include "cli_common.h"
#include "verdict_text.h"

#include <QJsonDocument>
#include <QTextStream>

using namespace corslab;

namespace {

enum ExitCode { kNothingAboveInfo = 0, kFindings = 1, kNetworkFailure = 3 };

const QString kCommand = QStringLiteral("corslab-cli audit: ");

void printFinding(const audit::AuditFinding &f, QTextStream &out)
{
    const audit::ClassInfo &info = audit::classInfo(f.auditClass);
    out << audit::severityName(f.severity).toUpper() << "  " << info.id << ": " << info.title
        << '\n'
        << "  origin " << QString::fromLatin1(f.origin) << " · "
        << (f.credentials ? "with credentials" : "without credentials") << " · "
        << (f.preflight ? "preflighted request" : "simple request") << " · "
        << audit::browserList(f.browsers) << "\n  " << f.explanation << "\n  Fix: " << f.fixSummary
        << "\n\n";
    printExchangesSideBySide(f.evidence, out);
}

QByteArray textReport(const audit::AuditReport &r)
{
    QString text;
    QTextStream out(&text);
    out << "CORS audit of " << r.target.toString()
        << "\nTrusted origins: " << QString::fromLatin1(r.trustedOrigins.join(", "))
        << "; judged as " << audit::browserList(r.browsers) << "; " << r.outcomes.size()
        << " requests sent as " << r.sentAs << " (" << r.failedProbes << " without a response)\n\n";
    if (!r.networkFailure.isEmpty()) {
        out << "The trusted origin's own request failed: " << r.networkFailure
            << "\nNothing was judged.\n";
        out.flush();
        return text.toUtf8();
    }
    for (const audit::AuditFinding &f : r.findings)
        printFinding(f, out);
    if (r.findings.isEmpty())
        out << "No misconfiguration found: no probe origin was trusted.\n";
    else
        out << r.findings.size() << (r.findings.size() == 1 ? " finding" : " findings")
            << ". The fix for all: " << r.fix.summary << '\n';
    for (const base::Header &h : r.fix.headers)
        out << "  " << QString::fromLatin1(h.first) << ": " << QString::fromLatin1(h.second)
            << '\n';
    if (!r.findings.isEmpty())
        out << "Server configurations for the fix: --format json (fix.server_configs) or "
               "--format html.\n";
    out.flush();
    return text.toUtf8();
}

QByteArray render(const audit::AuditReport &r, AuditCommandOptions::Format format)
{
    const QString by = QStringLiteral("corslab-cli %1").arg(QStringLiteral(CORSLAB_VERSION));
    switch (format) {
    case AuditCommandOptions::Format::Json:
        return QJsonDocument(audit::auditReportToJson(r)).toJson(QJsonDocument::Indented);
    case AuditCommandOptions::Format::Sarif:
        return QJsonDocument(audit::auditReportToSarif(r, QStringLiteral(CORSLAB_VERSION)))
            .toJson(QJsonDocument::Indented);
    case AuditCommandOptions::Format::Html:
        return audit::auditReportToHtml(r, by);
    case AuditCommandOptions::Format::Text:
        break;
    }
    return textReport(r);
}

int exitCode(const audit::AuditReport &r)
{
    if (!r.networkFailure.isEmpty())
        return kNetworkFailure;
    const std::optional<audit::Severity> worst = r.worstSeverity();
    return worst && *worst > audit::Severity::Info ? kFindings : kNothingAboveInfo;
}

} // namespace

int runAuditCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    AuditCommandOptions options;
    if (const std::optional<int> code = parseAuditCommand(arguments, out, err, &options))
        return *code;
    const QByteArray method = options.audit.method;
    if (method != "GET" && method != "HEAD" && method != "OPTIONS") {
        err << kCommand << "--method " << QString::fromLatin1(method)
            << ": the actual request is sent whenever a probe's preflight passes, and may "
               "change data on "
            << options.audit.target.toString() << '\n';
        err.flush();
    }
    const audit::AuditReport report = audit::runAudit(options.audit);
    if (!writeCliOutput(options.outputFile, render(report, options.format), kCommand,
                        QStringLiteral("-o"), out, err))
        return kCliUsageError;
    QString error;
    if (!options.recordFile.isEmpty() &&
        !audit::writeAuditSession(
            report, options.recordFile,
            QStringLiteral("corslab-cli %1").arg(QStringLiteral(CORSLAB_VERSION)), &error)) {
        err << kCommand << "--record: " << error << '\n';
        return kCliUsageError;
    }
    if (!report.networkFailure.isEmpty())
        err << kCommand << "network failure: " << report.networkFailure << '\n';
    return exitCode(report);
}
