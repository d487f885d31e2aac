#include "response_findings.h"

#include "audit_text.h"
#include "check/observation.h"
#include "probe_reading.h"

namespace corslab::audit {

namespace {

std::optional<QByteArray> headerValue(const base::HeaderList &headers, QByteArrayView name)
{
    const std::optional<QByteArray> value = base::getHeader(headers, name);
    if (!value)
        return std::nullopt;
    return base::normalizeHeaderValue(*value);
}

bool wildcardWithCredentials(const session::CapturedExchange &x)
{
    return headerValue(x.responseHeaders, "access-control-allow-origin") == "*" &&
           headerValue(x.responseHeaders, "access-control-allow-credentials") == "true";
}

std::optional<AuditFinding> wildcardFinding(const QList<ProbeOutcome> &outcomes,
                                            const QStringList &browsers)
{
    for (const ProbeOutcome &o : outcomes) {
        for (const session::CapturedExchange &x : o.result.outcome.exchanges) {
            if (!wildcardWithCredentials(x))
                continue;
            AuditFinding f;
            f.auditClass = AuditClass::WildcardWithCredentials;
            f.severity = Severity::Info;
            f.origin = o.probe.request.origin;
            f.credentials = true;
            f.preflight = x.method == "OPTIONS";
            f.browsers = browsers;
            f.evidence = {x};
            f.explanation = wildcardExplanation(x);
            return f;
        }
    }
    return std::nullopt;
}

const ProbeOutcome *firstOfKind(const QList<ProbeOutcome> &outcomes, ProbeKind kind,
                                std::optional<AuditClass> probeClass = std::nullopt)
{
    for (const ProbeOutcome &o : outcomes) {
        if (o.probe.kind != kind)
            continue;
        if (probeClass && (!o.probe.probe || o.probe.probe->auditClass != *probeClass))
            continue;
        if (!o.result.outcome.exchanges.isEmpty())
            return &o;
    }
    return nullptr;
}

// An answer that names an origin must say that it varies with it.
bool namesOriginWithoutVary(const session::CapturedExchange &x)
{
    const std::optional<QByteArray> allowOrigin =
        headerValue(x.responseHeaders, "access-control-allow-origin");
    return allowOrigin && *allowOrigin != "*" && !check::varyCoversOrigin(x.responseHeaders);
}

std::optional<AuditFinding> varyFinding(const QList<ProbeOutcome> &outcomes,
                                        const QStringList &browsers)
{
    const ProbeOutcome *trusted = firstOfKind(outcomes, ProbeKind::Baseline);
    const ProbeOutcome *other =
        firstOfKind(outcomes, ProbeKind::Simple, AuditClass::ReflectAnyOrigin);
    if (!trusted || !other)
        return std::nullopt;
    const session::CapturedExchange &a = trusted->result.outcome.exchanges.last();
    const session::CapturedExchange &b = other->result.outcome.exchanges.last();
    const auto allowOrigin = [](const session::CapturedExchange &x) {
        return headerValue(x.responseHeaders, "access-control-allow-origin");
    };
    if (allowOrigin(a) == allowOrigin(b) ||
        (!namesOriginWithoutVary(a) && !namesOriginWithoutVary(b)))
        return std::nullopt;
    AuditFinding f;
    f.auditClass = AuditClass::MissingVaryOrigin;
    f.severity = Severity::Low;
    f.origin =
        namesOriginWithoutVary(a) ? trusted->probe.request.origin : other->probe.request.origin;
    f.browsers = browsers;
    f.evidence = {a, b};
    f.explanation =
        varyExplanation(a, trusted->probe.request.origin, b, other->probe.request.origin);
    return f;
}

// The trusted origin's preflight for a header or method nobody allows on purpose, granted to a
// credentialed request (so not by '*').
std::optional<AuditFinding> preflightGrantFinding(const QList<ProbeOutcome> &outcomes,
                                                  ProbeKind kind, const QStringList &browsers)
{
    const ProbeOutcome *probe = firstOfKind(outcomes, kind);
    if (!probe)
        return std::nullopt;
    AuditFinding f;
    f.auditClass = kind == ProbeKind::AnyHeader ? AuditClass::PreflightReflectsAnyHeader
                                                : AuditClass::PreflightAllowsAnyMethod;
    f.severity = Severity::Low;
    f.origin = probe->probe.request.origin;
    f.trustedOrigin = f.origin;
    f.credentials = true;
    f.preflight = true;
    for (const QString &name : browsers) {
        const Reading r =
            readAs(*probe, *cors::BrowserProfile::byName(name), cors::CredentialsMode::Include);
        if (r.verdict.preflightEvaluated && r.verdict.preflightOk)
            f.browsers << name;
    }
    if (f.browsers.isEmpty())
        return std::nullopt;
    f.evidence = {probe->result.outcome.exchanges.first()};
    f.explanation = preflightGrantExplanation(f.auditClass, f.evidence.first());
    return f;
}

} // namespace

QList<AuditFinding> responseFindings(const QList<ProbeOutcome> &outcomes,
                                     const QStringList &browsers)
{
    QList<AuditFinding> findings;
    for (std::optional<AuditFinding> f :
         {wildcardFinding(outcomes, browsers), varyFinding(outcomes, browsers),
          preflightGrantFinding(outcomes, ProbeKind::AnyHeader, browsers),
          preflightGrantFinding(outcomes, ProbeKind::AnyMethod, browsers)}) {
        if (f)
            findings.append(std::move(*f));
    }
    return findings;
}

} // namespace corslab::audit
