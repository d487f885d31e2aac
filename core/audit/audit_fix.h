#pragma once

#include "audit_finding.h"

namespace corslab::audit {

/// The allowlist that closes every origin finding: the trusted origins by name, credentials
/// when the API uses them (--credentials, or the trusted origin's own answer allows them), the
/// method and headers the audit was told about, Vary: Origin; written for every server the
/// configuration generator knows.
AuditFix allowlistFix(const AuditOptions &options, const QList<ProbeOutcome> &outcomes);

} // namespace corslab::audit
