#pragma once

#include "browser_profile.h"
#include "scenario.h"
#include "verdict.h"

#include <QString>

namespace corslab::cors {

/// Where a check looked, e.g. "preflight", "redirect #1", "response".
QString phaseName(Phase phase, int hop);
/// A plain sentence on what the browser sent, what the server answered and why that passes or
/// fails, for a junior developer.
QString explainCheck(const Check &check, const Scenario &scenario, const Verdict &verdict,
                     const BrowserProfile &profile);
/// Why a header or method makes the request need a preflight.
QString explainReason(const PreflightReason &reason);
/// The warning as a sentence with its consequence.
QString explainWarning(const Warning &warning, const BrowserProfile &profile);
/// One sentence for the whole verdict.
QString summarizeVerdict(const Verdict &verdict, const Scenario &scenario,
                         const BrowserProfile &profile);
/// Chrome's full console line for a blocked request ("Access to fetch at ... has been blocked").
QString chromiumConsoleLine(const Verdict &verdict, const Scenario &scenario);
/// Firefox's console reason key for a blocked request ("CORSMissingAllowOrigin"): the key of the
/// verdict's error, but for a list of origins in one Access-Control-Allow-Origin line, which
/// Firefox reports as not matching (two lines it reports as multiple: checked in Firefox ESR).
QString firefoxReasonKey(const Verdict &verdict);

} // namespace corslab::cors
