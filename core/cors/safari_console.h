#pragma once

#include "scenario.h"
#include "verdict.h"

#include <QString>

namespace corslab::cors {

/// \brief The sentence Safari's (WebKit's) console prints for a blocked verdict \a v of
/// scenario \a s, or empty when there is none (the request was not blocked, or WebKit prints only
/// its generic "Fetch API cannot load ... due to access control checks.").
///
/// Checked sentence by sentence against WebKitGTK 2.50 (tests/browser/tst_webkit_console.cpp):
/// WebKit words the Access-Control-Allow-Origin failures from the header's value (a '*' with
/// credentials, a list with a comma, anything else with the response's status code), names a
/// refused request header in its own spelling, and prefixes a failure on a redirect response
/// with the redirection it refused.
QString safariConsoleText(const Scenario &s, const Verdict &v);

} // namespace corslab::cors
