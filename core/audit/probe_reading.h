#pragma once

#include "audit_finding.h"
#include "cors/browser_profile.h"
#include "cors/verdict.h"

namespace corslab::audit {

/// One browser's reading of one probe's response in one credentials mode.
struct Reading
{
    bool judged = false;        ///< a response came (no network failure before it)
    bool originTrusted = false; ///< the page at the probe's origin reads it, named by the API
    cors::Verdict verdict;
};

/// The engine's verdict on \a outcome's scenario under \a profile in credentials \a mode: the
/// bytes on the wire are the same in both modes, only the browser's checks differ.
Reading readAs(const ProbeOutcome &outcome, const cors::BrowserProfile &profile,
               cors::CredentialsMode mode);

} // namespace corslab::audit
