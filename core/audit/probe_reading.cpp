#include "probe_reading.h"

#include "cors/cors_engine.h"

namespace corslab::audit {

Reading readAs(const ProbeOutcome &outcome, const cors::BrowserProfile &profile,
               cors::CredentialsMode mode)
{
    Reading r;
    const client::FetchOutcome &fetch = outcome.result.outcome;
    if (!fetch.judged)
        return r;
    r.judged = true;
    cors::Scenario s = fetch.scenario;
    s.credentials = mode;
    s.browser = profile.name;
    r.verdict = cors::evaluate(s, profile);
    // '*' never names an origin: a wildcard is judged by wildcard-with-credentials alone.
    const std::optional<QByteArray> allowOrigin =
        base::getHeader(s.response.headers, "access-control-allow-origin");
    r.originTrusted = r.verdict.exposed && allowOrigin &&
                      base::normalizeHeaderValue(*allowOrigin) == outcome.probe.request.origin;
    return r;
}

} // namespace corslab::audit
