#include "observation.h"

#include "cors/browser_profile.h"
#include "cors/explanation.h"
#include "cors/fix_finder.h"

namespace corslab::check {

bool varyCoversOrigin(const base::HeaderList &responseHeaders)
{
    // Vary may come as several fields; every member of every one counts.
    const base::ExtractedValues vary = base::extractHeaderListValues(responseHeaders, "vary");
    return vary.contains("*") || vary.containsIgnoreCase("origin");
}

namespace {

// The preflight's Access-Control-Max-Age as sent (not as the profile caps it); none when absent
// or not a number of seconds.
std::optional<qint64> sentMaxAge(const session::CapturedExchange &preflight)
{
    const std::optional<QByteArray> value =
        base::getHeader(preflight.responseHeaders, "access-control-max-age");
    bool ok = false;
    const qint64 seconds = value ? value->trimmed().toLongLong(&ok) : 0;
    return ok ? std::optional<qint64>(seconds) : std::nullopt;
}

} // namespace

Observation observe(const client::FetchOutcome &outcome, const QString &browser)
{
    Observation o;
    o.browser = browser;
    o.exposed = outcome.exposed;
    o.error = outcome.error;
    o.preflightSent = outcome.preflightSent;
    if (outcome.networkFailure != client::NetworkFailure::None)
        o.networkFailure = outcome.failure;
    for (const session::CapturedExchange &x : outcome.exchanges) {
        if (x.method == "OPTIONS" && outcome.preflightSent && !o.preflightMaxAgeSeconds)
            o.preflightMaxAgeSeconds = sentMaxAge(x);
    }
    if (outcome.actualSent && !outcome.exchanges.isEmpty())
        o.varyOrigin = varyCoversOrigin(outcome.exchanges.last().responseHeaders);
    if (!outcome.judged) {
        o.explanation = outcome.failure;
        return o;
    }
    const cors::BrowserProfile *profile = cors::BrowserProfile::byName(browser);
    const cors::BrowserProfile &p =
        profile ? *profile : cors::BrowserProfile::get(cors::Browser::Chromium);
    o.readableHeaders = outcome.verdict.readableHeaders;
    o.explanation = cors::summarizeVerdict(outcome.verdict, outcome.scenario, p);
    if (const std::optional<cors::Fix> fix = cors::findFix(outcome.scenario, outcome.verdict, p))
        o.fix = fix->summary();
    return o;
}

} // namespace corslab::check
