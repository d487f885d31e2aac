#include "audit_judge.h"

#include "audit_fix.h"
#include "audit_text.h"
#include "probe_reading.h"
#include "response_findings.h"

#include <algorithm>

namespace corslab::audit {

namespace {

using Mode = cors::CredentialsMode;

// A page can only send an origin its browser keeps as a host.
bool browserSends(const ProbeOrigin &probe, const cors::BrowserProfile &profile)
{
    return probe.specialCharacter == 0 ||
           profile.hostSpecialCharacters.contains(probe.specialCharacter);
}

// The strongest way one probe origin was trusted: credentialed before not, the simple request
// before the preflighted one.
struct OriginRead
{
    ProbeOrigin probe;
    bool credentials = false;
    const ProbeOutcome *evidence = nullptr;
    QStringList browsers;
    cors::Verdict verdict; ///< the first browser's
};

std::optional<OriginRead> strongestRead(const ProbeOrigin &probe,
                                        const QList<const ProbeOutcome *> &requests,
                                        const QStringList &browsers)
{
    for (const Mode mode : {Mode::Include, Mode::Omit}) {
        for (const ProbeOutcome *request : requests) {
            OriginRead read{probe, mode == Mode::Include, request, {}, {}};
            for (const QString &name : browsers) {
                const cors::BrowserProfile &profile = *cors::BrowserProfile::byName(name);
                if (!browserSends(probe, profile))
                    continue;
                Reading r = readAs(*request, profile, mode);
                if (!r.originTrusted)
                    continue;
                if (read.browsers.isEmpty())
                    read.verdict = std::move(r.verdict);
                read.browsers << name;
            }
            if (!read.browsers.isEmpty())
                return read;
        }
    }
    return std::nullopt;
}

QList<OriginRead> trustedProbeOrigins(const QList<ProbeOutcome> &outcomes,
                                      const QStringList &browsers)
{
    QList<OriginRead> reads;
    for (qsizetype i = 0; i < outcomes.size(); ++i) {
        const ProbeOutcome &o = outcomes.at(i);
        if (o.probe.kind != ProbeKind::Simple || !o.probe.probe)
            continue;
        QList<const ProbeOutcome *> requests{&o};
        if (i + 1 < outcomes.size() && outcomes.at(i + 1).probe.kind == ProbeKind::Preflighted)
            requests.append(&outcomes.at(i + 1));
        if (std::optional<OriginRead> read = strongestRead(*o.probe.probe, requests, browsers))
            reads.append(std::move(*read));
    }
    return reads;
}

// docs/audit.md: a class is left out when an earlier class that holds predicts its probe.
bool explainedByBroaderClass(const OriginRead &read, const QList<OriginRead> &all)
{
    return std::any_of(all.begin(), all.end(), [&](const OriginRead &broader) {
        if (broader.probe.auditClass >= read.probe.auditClass)
            return false;
        cors::Origin trusted;
        QString ignored;
        cors::Origin::parse(QString::fromLatin1(broader.probe.trusted), &trusted, &ignored);
        return predicts(broader.probe.auditClass, trusted, read.probe.origin);
    });
}

Severity originSeverity(AuditClass c, bool credentials)
{
    if (!credentials)
        return Severity::Low;
    const bool needsFoothold = c == AuditClass::AnySubdomain || c == AuditClass::HttpOriginTrusted;
    return needsFoothold ? Severity::Medium : Severity::High;
}

Exposure exposureOf(const OriginRead &read)
{
    Exposure e;
    const client::FetchOutcome &fetch = read.evidence->result.outcome;
    e.status = fetch.scenario.response.status;
    e.readableHeaders = read.verdict.readableHeaders;
    if (!fetch.exchanges.isEmpty())
        e.bodyBytes = fetch.exchanges.last().responseBody.size;
    return e;
}

AuditFinding originFinding(const OriginRead &read)
{
    AuditFinding f;
    f.auditClass = read.probe.auditClass;
    f.credentials = read.credentials;
    f.severity = originSeverity(f.auditClass, f.credentials);
    f.origin = read.probe.origin;
    f.trustedOrigin = read.probe.trusted;
    f.preflight = read.evidence->probe.kind == ProbeKind::Preflighted;
    f.browsers = read.browsers;
    f.exposes = exposureOf(read);
    f.evidence = read.evidence->result.outcome.exchanges;
    return f;
}

// Probes of one class made for one trusted origin (the special characters, the shared hosts)
// are one flaw: one finding, with the strongest read and every browser any of them reached.
void mergeInto(QList<AuditFinding> *findings, AuditFinding f)
{
    for (AuditFinding &existing : *findings) {
        if (existing.auditClass != f.auditClass || existing.trustedOrigin != f.trustedOrigin)
            continue;
        for (const QString &b : std::as_const(f.browsers))
            if (!existing.browsers.contains(b))
                existing.browsers << b;
        if (f.severity > existing.severity) {
            f.browsers = existing.browsers;
            existing = std::move(f);
        }
        return;
    }
    findings->append(std::move(f));
}

QList<AuditFinding> originFindings(const QList<ProbeOutcome> &outcomes, const QStringList &browsers)
{
    const QList<OriginRead> reads = trustedProbeOrigins(outcomes, browsers);
    QList<AuditFinding> findings;
    for (const OriginRead &read : reads) {
        if (!explainedByBroaderClass(read, reads))
            mergeInto(&findings, originFinding(read));
    }
    for (AuditFinding &f : findings) {
        QList<QByteArray> accepted;
        for (const OriginRead &read : reads)
            if (read.probe.auditClass == f.auditClass && read.probe.trusted == f.trustedOrigin)
                accepted << read.probe.origin;
        f.explanation = originExplanation(f, accepted);
    }
    return findings;
}

} // namespace

AuditReport judgeAudit(const AuditOptions &options, const QList<ProbeOutcome> &outcomes)
{
    AuditReport report;
    report.target = options.target;
    report.trustedOrigins = options.trustedOrigins;
    report.browsers = options.judgeBrowsers;
    report.sentAs = options.sendAs;
    report.outcomes = outcomes;
    for (const ProbeOutcome &o : outcomes) {
        if (o.result.outcome.networkFailure == client::NetworkFailure::None)
            continue;
        ++report.failedProbes;
        if (o.probe.kind == ProbeKind::Baseline && report.networkFailure.isEmpty())
            report.networkFailure = o.result.outcome.failure;
    }
    if (!report.networkFailure.isEmpty())
        return report;
    report.findings = originFindings(outcomes, options.judgeBrowsers);
    report.findings += responseFindings(outcomes, options.judgeBrowsers);
    for (AuditFinding &f : report.findings)
        f.fixSummary = classFixSummary(f.auditClass, options);
    std::stable_sort(report.findings.begin(), report.findings.end(),
                     [](const AuditFinding &a, const AuditFinding &b) {
                         if (a.severity != b.severity)
                             return a.severity > b.severity;
                         return a.auditClass < b.auditClass;
                     });
    report.fix = allowlistFix(options, outcomes);
    return report;
}

std::optional<Severity> AuditReport::worstSeverity() const
{
    if (findings.isEmpty())
        return std::nullopt;
    return findings.first().severity; // sorted, high first
}

} // namespace corslab::audit
