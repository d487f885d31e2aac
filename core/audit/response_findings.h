#pragma once

#include "audit_finding.h"

namespace corslab::audit {

/// The classes that do not hang on one probe origin being trusted: wildcard-with-credentials,
/// missing-vary-origin, preflight-reflects-any-header and preflight-allows-any-method
/// (docs/audit.md § How a class is decided).
QList<AuditFinding> responseFindings(const QList<ProbeOutcome> &outcomes,
                                     const QStringList &browsers);

} // namespace corslab::audit
