#include "policy_facts.h"

namespace corslab::config {

namespace {

MaxAge maxAgeOf(const std::optional<int> &seconds)
{
    if (!seconds)
        return MaxAge::Unset;
    return *seconds > 0 ? MaxAge::Seconds : MaxAge::NotCached;
}

} // namespace

PolicyFacts PolicyFacts::of(const policy::CorsPolicy &p, const policy::DemoOrigins &origins)
{
    PolicyFacts f;
    f.name = p.name;
    f.origin = p.allowOrigin;
    for (const QString &o : p.allowedOrigins)
        f.allowlist << QString::fromUtf8(origins.resolve(o));
    f.pattern = p.originPattern;
    f.credentials = p.allowCredentials;
    f.wildcardWithCredentials = p.allowOrigin == OriginMode::Wildcard && p.allowCredentials;
    f.originDependent = p.allowOrigin == OriginMode::Echo ||
                        p.allowOrigin == OriginMode::Allowlist ||
                        p.allowOrigin == OriginMode::Pattern;
    f.methods = {p.allowMethods, p.methods};
    f.headers = {p.allowHeaders, p.headers};
    f.expose = p.exposeHeaders;
    f.maxAge = maxAgeOf(p.maxAge);
    f.maxAgeSeconds = p.maxAge.value_or(0);
    f.vary = p.varyOrigin;
    f.preflight = p.answerPreflight ? Preflight::Answered : Preflight::Unanswered;
    f.statusSetting = p.preflightStatus;
    f.preflightStatus = p.answerPreflight ? p.preflightStatus : 404;
    // Header names and values are bytes on the wire; the snippets are text (Latin-1 maps 1:1).
    for (const auto &h : p.extraHeaders)
        f.extraHeaders.append({QString::fromLatin1(h.first), QString::fromLatin1(h.second)});
    return f;
}

} // namespace corslab::config
