#pragma once

#include "browser_profile.h"
#include "preflight_cache.h"
#include "scenario.h"
#include "verdict.h"

namespace corslab::cors {

/// \brief Judges one scenario the way the profile's browser does, following the Fetch standard's
/// CORS protocol step by step.
///
/// Pure: no I/O, no clock, no event loop; the same input always gives the same Verdict. The
/// sentences explaining each check are written later by explainCheck() (explanation.h), and the
/// fix by findFix() (fix_finder.h), so that judging itself stays in the microsecond range.
Verdict evaluate(const Scenario &scenario, const BrowserProfile &profile);

/// evaluate() with the browser's CORS-preflight cache as it stands at \a nowMs: a preflight that a
/// cached result covers is not sent (Verdict::preflightFromCache). The cache is only read; the
/// caller stores Verdict::preflightResult, so judging stays pure.
Verdict evaluate(const Scenario &scenario, const BrowserProfile &profile,
                 const PreflightCache &cache, qint64 nowMs);

/// evaluate() with the profile the scenario names (unknown names fall back to chromium; the JSON
/// reader rejects them before they get here).
Verdict evaluate(const Scenario &scenario);

} // namespace corslab::cors
