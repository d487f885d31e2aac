#pragma once

#include "audit_class.h"
#include "audit_plan.h"
#include "config/server_config.h"
#include "policy/cors_policy.h"
#include "session/captured_exchange.h"

#include <QList>
#include <QStringList>

/// What an audit found: findings with their evidence, and the fix they share.
namespace corslab::audit {

/// What an attacker's page reads from a response it may read.
struct Exposure
{
    int status = 0;
    QList<QByteArray> readableHeaders; ///< lower-case names JavaScript can read
    qint64 bodyBytes = 0;
};

/// The allowlist policy that closes every finding, written for each server the generator knows.
struct AuditFix
{
    QString summary;                              ///< one sentence
    base::HeaderList headers;                     ///< what a trusted origin's response carries
    policy::CorsPolicy policy;                    ///< the allowlist, for the playground and docs
    QList<config::GeneratedConfig> serverConfigs; ///< nginx, Apache, Express, ...
};

struct AuditFinding
{
    AuditClass auditClass = AuditClass::ReflectAnyOrigin;
    Severity severity = Severity::Info;
    QByteArray origin;        ///< the probe origin that was trusted (or the trusted origin)
    QByteArray trustedOrigin; ///< the trusted origin the probe was derived from; empty if none
    bool credentials = false; ///< it holds for a credentialed request
    bool preflight = false;   ///< the evidence is a preflighted request (its preflight included)
    QStringList browsers;     ///< the profiles in which it holds
    Exposure exposes;         ///< for an origin read: what the attacker's page reads
    QList<session::CapturedExchange> evidence; ///< the exchanges that show it, in wire order
    QString explanation;
    QString fixSummary; ///< what to change for this finding; the full fix is the report's
};

/// One request of the audit and what came of it.
struct ProbeOutcome
{
    AuditProbe probe;
    check::CheckResult result;
};

struct AuditReport
{
    QUrl target;
    QList<QByteArray> trustedOrigins;
    QStringList browsers; ///< the profiles judged
    QString sentAs;       ///< whose fetch() wrote the probes
    QList<ProbeOutcome> outcomes;
    QList<AuditFinding> findings; ///< high first, then by class
    AuditFix fix;
    /// Non-empty when the trusted origin's own request failed on the network: nothing was
    /// judged (exit 3).
    QString networkFailure;
    int failedProbes = 0; ///< probes without a response (counted, not judged)

    /// The highest severity found, or nullopt when nothing was found.
    std::optional<Severity> worstSeverity() const;
};

} // namespace corslab::audit
