#pragma once

#include "audit_finding.h"

/// The sentences of an audit: why each finding holds and what to change.
namespace corslab::audit {

/// Why an origin finding holds: what the API answered, who reads it, what it exposes; \a
/// accepted lists every probe origin of its class the API trusted.
QString originExplanation(const AuditFinding &finding, const QList<QByteArray> &accepted);
QString wildcardExplanation(const session::CapturedExchange &exchange);
QString varyExplanation(const session::CapturedExchange &first, const QByteArray &firstOrigin,
                        const session::CapturedExchange &second, const QByteArray &secondOrigin);
QString preflightGrantExplanation(AuditClass auditClass,
                                  const session::CapturedExchange &preflight);
/// What to change for a finding of \a auditClass, naming the trusted origins of \a options.
QString classFixSummary(AuditClass auditClass, const AuditOptions &options);
/// "Chromium, Firefox and Safari".
QString browserList(const QStringList &profileNames);

} // namespace corslab::audit
