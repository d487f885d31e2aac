#pragma once

#include "cors/fix_finder.h"
#include "cors_policy.h"

#include <QStringList>

namespace corslab::policy {

/// \brief "Apply this fix to the playground server": the smallest change to \a policy after
/// which the playground answers as \a fix asks (the header values the fix sets, in the policy's
/// own terms: an origin joins the allowlist, a method or header name joins its list...).
///
/// Returns false with \a error when the fix needs what a policy cannot give (a change on the
/// page's side, a redirect). \a changes gets one sentence per field changed. Origins of \a origins
/// are written as their placeholders (`{app}`), so the policy keeps working if ports change.
bool applyFixToPolicy(const cors::Fix &fix, const DemoOrigins &origins, CorsPolicy *policy,
                      QStringList *changes, QString *error);

} // namespace corslab::policy
