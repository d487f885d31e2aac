#include "classic_scenarios.h"

namespace corslab::tour {

namespace {

using cors::CorsError;
using cors::CredentialsMode;
using policy::CorsPolicy;

client::ComposedRequest request(const QByteArray &method, const QByteArray &origin,
                                const QString &url,
                                CredentialsMode credentials = CredentialsMode::SameOrigin,
                                const base::HeaderList &headers = {}, const QByteArray &body = {})
{
    client::ComposedRequest r;
    r.method = method;
    r.origin = origin;
    r.url = QUrl(url);
    r.credentials = credentials;
    r.headers = headers;
    r.body = body;
    return r;
}

ExpectedOutcome exposed(int status, std::optional<bool> preflightSent = std::nullopt)
{
    ExpectedOutcome e;
    e.exposed = true;
    e.status = status;
    e.preflightSent = preflightSent;
    return e;
}

ExpectedOutcome blocked(CorsError error, std::optional<bool> preflightSent = std::nullopt,
                        int status = 0)
{
    ExpectedOutcome e;
    e.exposed = false;
    e.error = error;
    e.preflightSent = preflightSent;
    e.status = status;
    return e;
}

// Logging in on the API's own origin is a same-origin request, so it sets the session cookie
// whatever the scenario's CORS policy is.
ScenarioStep loginStep()
{
    ScenarioStep s;
    s.request = request("POST", "{api}", QStringLiteral("{api}/login"));
    s.expected = exposed(200, false);
    s.caption = QStringLiteral("Log in on the API's own site: a same-origin request (CORS plays "
                               "no part) that sets alice's session cookie.");
    return s;
}

CorsPolicy appAllowlist(const QString &name)
{
    CorsPolicy p; // the defaults: the trusted app only, no credentials, Content-Type allowed
    p.name = name;
    return p;
}

const base::HeaderList kJson{
    {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
const QByteArray kJsonBody = QByteArrayLiteral("{\"name\":\"alice\"}");

ClassicScenario simpleGet()
{
    ClassicScenario c;
    c.id = QStringLiteral("simple-get");
    c.title = QStringLiteral("A simple GET: allowed, then blocked");
    c.lesson = QStringLiteral(
        "A GET without custom headers is a simple request: the browser sends it at once, with an "
        "Origin header and no preflight. The server answers either way; CORS only decides whether "
        "the page's JavaScript may read the answer. This API allows the trusted app alone, so the "
        "untrusted site's identical request gets a 200 that the browser hides from the page.");
    c.policy = appAllowlist(QStringLiteral("Tour: allow the trusted app"));

    ScenarioStep ok;
    ok.request = request("GET", "{app}", QStringLiteral("{api}/public"));
    ok.expected = exposed(200, false);
    ok.caption = QStringLiteral("The trusted app reads /public: Access-Control-Allow-Origin names "
                                "its origin.");
    ScenarioStep denied;
    denied.request = request("GET", "{evil}", QStringLiteral("{api}/public"));
    denied.expected = blocked(CorsError::MissingAllowOriginHeader, false, 200);
    denied.caption =
        QStringLiteral("The same GET from the untrusted site: the server answered 200, "
                       "but without Access-Control-Allow-Origin the page sees an "
                       "error.");
    c.steps = {ok, denied};
    c.landingStep = 1;
    return c;
}

ClassicScenario jsonPost()
{
    ClassicScenario c;
    c.id = QStringLiteral("json-post");
    c.title = QStringLiteral("A JSON POST needs a preflight");
    c.lesson = QStringLiteral(
        "HTML forms could always POST text/plain, urlencoded or multipart bodies, so those stay "
        "simple requests. application/json is not one of them: before the POST, the browser asks "
        "with an OPTIONS preflight naming the method and the content-type header. The preflight "
        "must answer 2xx, allow the page's origin and list Content-Type in "
        "Access-Control-Allow-Headers, or the POST is never sent.");
    c.policy = appAllowlist(QStringLiteral("Tour: allow the trusted app"));
    c.policy.methods = {QStringLiteral("GET"), QStringLiteral("POST")};

    ScenarioStep plain;
    plain.request = request(
        "POST", "{app}", QStringLiteral("{api}/echo"), CredentialsMode::SameOrigin,
        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain;charset=UTF-8")}},
        kJsonBody);
    plain.expected = exposed(200, false);
    plain.caption = QStringLiteral("POST as text/plain: a simple request, sent without a "
                                   "preflight.");
    ScenarioStep json;
    json.request = request("POST", "{app}", QStringLiteral("{api}/echo"),
                           CredentialsMode::SameOrigin, kJson, kJsonBody);
    json.expected = exposed(200, true);
    json.caption = QStringLiteral("The same POST as application/json: the preflight goes first "
                                  "and allows the origin and Content-Type.");
    ScenarioStep forgotten = json;
    forgotten.policyBefore = c.policy;
    forgotten.policyBefore->name = QStringLiteral("Tour: Content-Type not allowed");
    forgotten.policyBefore->allowHeaders = CorsPolicy::ListMode::None;
    forgotten.policyBefore->headers.clear();
    forgotten.clearPreflightCacheBefore = true;
    forgotten.expected = blocked(CorsError::HeaderDisallowedByPreflightResponse, true);
    forgotten.caption = QStringLiteral("A server that forgets Content-Type in "
                                       "Access-Control-Allow-Headers: the POST is never sent.");
    c.steps = {plain, json, forgotten};
    c.landingStep = 1;
    return c;
}

ClassicScenario customHeader()
{
    ClassicScenario c;
    c.id = QStringLiteral("custom-header");
    c.title = QStringLiteral("A custom header the server does not allow");
    c.lesson = QStringLiteral(
        "Any request header outside the CORS safelist, such as X-Requested-With, makes the "
        "browser send a preflight first. The server must name that header in "
        "Access-Control-Allow-Headers; when it does not, the preflight fails and the GET itself "
        "never leaves the browser. Adding the header to the list is the fix.");
    c.policy = appAllowlist(QStringLiteral("Tour: only Content-Type allowed"));

    ScenarioStep denied;
    denied.request =
        request("GET", "{app}", QStringLiteral("{api}/public"), CredentialsMode::SameOrigin,
                {{QByteArrayLiteral("X-Requested-With"), QByteArrayLiteral("XMLHttpRequest")}});
    denied.expected = blocked(CorsError::HeaderDisallowedByPreflightResponse, true);
    denied.caption = QStringLiteral("GET with X-Requested-With: the preflight's "
                                    "Access-Control-Allow-Headers lists only Content-Type.");
    ScenarioStep fixed = denied;
    fixed.policyBefore = c.policy;
    fixed.policyBefore->name = QStringLiteral("Tour: X-Requested-With allowed");
    fixed.policyBefore->headers << QStringLiteral("X-Requested-With");
    fixed.clearPreflightCacheBefore = true;
    fixed.expected = exposed(200, true);
    fixed.caption = QStringLiteral("The fix: X-Requested-With added to "
                                   "Access-Control-Allow-Headers, and the GET goes through.");
    c.steps = {denied, fixed};
    c.landingStep = 0;
    return c;
}

ClassicScenario credentialsWildcard()
{
    ClassicScenario c;
    c.id = QStringLiteral("credentials-wildcard");
    c.title = QStringLiteral("Credentials with Access-Control-Allow-Origin: *");
    c.lesson = QStringLiteral(
        "With credentials: 'include' the browser sends the user's cookie, and then it refuses "
        "the wildcard: Access-Control-Allow-Origin must name the page's origin exactly and "
        "Access-Control-Allow-Credentials must be true. Note that the server did answer with the "
        "private data; the browser only kept it from the page. The fix is an allowlist of the "
        "origins you trust, echoed one at a time, with Vary: Origin.");
    c.policy = *CorsPolicy::preset(QStringLiteral("Misconfigured: wildcard with credentials"));
    c.freshCookies = true;

    ScenarioStep denied;
    denied.request =
        request("GET", "{app}", QStringLiteral("{api}/private"), CredentialsMode::Include);
    denied.expected = blocked(CorsError::WildcardOriginNotAllowed, false, 200);
    denied.caption = QStringLiteral("The trusted app reads /private with its cookie: the server "
                                    "answers with '*', which credentials forbid.");
    ScenarioStep fixed = denied;
    fixed.policyBefore = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
    fixed.expected = exposed(200, false);
    fixed.caption = QStringLiteral("The fix: the server echoes the allowlisted origin and sends "
                                   "Access-Control-Allow-Credentials: true.");
    c.steps = {loginStep(), denied, fixed};
    c.landingStep = 1;
    return c;
}

ClassicScenario trustedThirdParty()
{
    ClassicScenario c;
    c.id = QStringLiteral("trusted-third-party");
    c.title = QStringLiteral("The trusted app reads private data; the untrusted site cannot");
    c.lesson = QStringLiteral(
        "The API trusts exactly one other origin, the app on localhost, and allows credentials "
        "for it, so the app reads alice's data with her cookie. The untrusted site on 127.0.0.1 "
        "is another site: the browser keeps the SameSite=Lax cookie home, the server answers "
        "401, and without an Access-Control-Allow-Origin for that origin the page cannot even "
        "read the refusal.");
    c.policy = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
    c.freshCookies = true;

    ScenarioStep trusted;
    trusted.request =
        request("GET", "{app}", QStringLiteral("{api}/private"), CredentialsMode::Include);
    trusted.expected = exposed(200, false);
    trusted.caption = QStringLiteral("The trusted app (same site as the API) sends the cookie and "
                                     "reads alice's private data.");
    ScenarioStep untrusted = trusted;
    untrusted.request.origin = QByteArrayLiteral("{evil}");
    untrusted.expected = blocked(CorsError::MissingAllowOriginHeader, false, 401);
    untrusted.caption =
        QStringLiteral("The untrusted site: no cookie (another site), a 401, and no "
                       "Access-Control-Allow-Origin for its origin.");
    c.steps = {loginStep(), trusted, untrusted};
    c.landingStep = 2;
    return c;
}

ClassicScenario exposeHeaders()
{
    ClassicScenario c;
    c.id = QStringLiteral("expose-headers");
    c.title = QStringLiteral("A response header JavaScript cannot read");
    c.lesson = QStringLiteral(
        "A cross-origin page can read only the CORS-safelisted response headers (Content-Type, "
        "Content-Length, Cache-Control and a few more). /public also sends X-Total-Count, but "
        "response.headers.get('X-Total-Count') returns null until the server lists it in "
        "Access-Control-Expose-Headers. The request succeeds both times: only what the page may "
        "see changes.");
    c.policy = appAllowlist(QStringLiteral("Tour: nothing exposed"));

    ScenarioStep hidden;
    hidden.request = request("GET", "{app}", QStringLiteral("{api}/public"));
    hidden.expected = exposed(200, false);
    hidden.expected.hiddenHeaders = {QByteArrayLiteral("x-total-count")};
    hidden.caption = QStringLiteral("X-Total-Count arrives, but the page cannot read it.");
    ScenarioStep shown = hidden;
    shown.policyBefore = c.policy;
    shown.policyBefore->name = QStringLiteral("Tour: X-Total-Count exposed");
    shown.policyBefore->exposeHeaders = {QStringLiteral("X-Total-Count")};
    shown.expected.hiddenHeaders.clear();
    shown.expected.readableHeaders = {QByteArrayLiteral("x-total-count")};
    shown.caption = QStringLiteral("The fix: Access-Control-Expose-Headers: X-Total-Count, and "
                                   "the page reads it.");
    c.steps = {hidden, shown};
    c.landingStep = 0;
    return c;
}

ClassicScenario maxAge()
{
    ClassicScenario c;
    c.id = QStringLiteral("max-age");
    c.title = QStringLiteral("Max-Age: preflights from the cache");
    c.lesson = QStringLiteral(
        "A passing preflight may be remembered for Access-Control-Max-Age seconds (capped by the "
        "browser: two hours in Chromium), so a second identical PUT goes without one. With "
        "Max-Age 0 nothing is cached and every PUT pays for a preflight round trip first. "
        "Without the header Chromium keeps the answer for 5 seconds.");
    c.policy = appAllowlist(QStringLiteral("Tour: Max-Age 600"));
    c.policy.maxAge = 600;

    ScenarioStep first;
    first.request = request("PUT", "{app}", QStringLiteral("{api}/echo"),
                            CredentialsMode::SameOrigin, kJson, kJsonBody);
    first.expected = exposed(200, true);
    first.caption = QStringLiteral("The first PUT: a preflight, answered with "
                                   "Access-Control-Max-Age: 600.");
    ScenarioStep cached = first;
    cached.expected.preflightSent = false;
    cached.expected.preflightFromCache = true;
    cached.caption = QStringLiteral("The same PUT again: the cached preflight covers it, only the "
                                    "PUT goes out.");
    ScenarioStep uncachedFirst = first;
    uncachedFirst.policyBefore = c.policy;
    uncachedFirst.policyBefore->name = QStringLiteral("Tour: Max-Age 0");
    uncachedFirst.policyBefore->maxAge = 0;
    uncachedFirst.clearPreflightCacheBefore = true;
    uncachedFirst.caption = QStringLiteral("With Access-Control-Max-Age: 0, a preflight again.");
    ScenarioStep uncachedSecond = first;
    uncachedSecond.expected.preflightFromCache = false;
    uncachedSecond.caption = QStringLiteral("And the next PUT needs one more: nothing was "
                                            "cached.");
    c.steps = {first, cached, uncachedFirst, uncachedSecond};
    c.landingStep = 1;
    return c;
}

ClassicScenario reflectAnyOrigin()
{
    ClassicScenario c;
    c.id = QStringLiteral("reflect-any-origin");
    c.title = QStringLiteral("Dangerous: reflecting any origin with credentials");
    c.lesson = QStringLiteral(
        "This server copies whatever Origin it gets into Access-Control-Allow-Origin and allows "
        "credentials: everything \"works\", and every website may read a logged-in user's "
        "responses. The untrusted site on 127.0.0.1 reads the answer; only the browser's cookie "
        "rules (a SameSite=Lax cookie stays off cross-site requests, third-party cookies are "
        "blocked) make it a 401 today. Any page of the same site, say a forgotten tool on "
        "another port or one XSS hole, gets the cookie and reads alice's private data.");
    c.policy =
        *CorsPolicy::preset(QStringLiteral("Misconfigured: reflect any origin with credentials"));
    c.freshCookies = true;

    ScenarioStep crossSite;
    crossSite.request =
        request("GET", "{evil}", QStringLiteral("{api}/private"), CredentialsMode::Include);
    crossSite.expected = exposed(401, false);
    crossSite.expected.warning = cors::WarningKind::CredentialedOriginReflection;
    crossSite.caption = QStringLiteral("The untrusted site reads the answer (CORS lets it); the "
                                       "cookie stayed home, so it is a 401.");
    ScenarioStep sameSite = crossSite;
    // Any origin works with this server; this one is on localhost, so it is the API's site.
    sameSite.request.origin = QByteArrayLiteral("http://localhost:4000");
    sameSite.expected.status = 200;
    sameSite.caption = QStringLiteral("A page on another port of localhost sends the cookie and "
                                      "reads alice's private data.");
    c.steps = {loginStep(), crossSite, sameSite};
    c.landingStep = 2;
    return c;
}

ClassicScenario preflightRejected()
{
    ClassicScenario c;
    c.id = QStringLiteral("preflight-rejected");
    c.title = QStringLiteral("A preflight stopped by authentication");
    c.lesson = QStringLiteral(
        "Preflights never carry cookies or Authorization, so a server that puts OPTIONS behind "
        "its login answers 401 and the browser gives up before the real request. The fix is to "
        "answer OPTIONS before authentication, with a 2xx status and the CORS headers.");
    c.policy = *CorsPolicy::preset(QStringLiteral("Misconfigured: preflight rejected (401)"));

    ScenarioStep denied;
    denied.request = request("PUT", "{app}", QStringLiteral("{api}/echo"), CredentialsMode::Include,
                             kJson, kJsonBody);
    denied.expected = blocked(CorsError::PreflightInvalidStatus, true);
    denied.caption = QStringLiteral("PUT with credentials: the preflight gets 401 and the PUT is "
                                    "never sent.");
    ScenarioStep fixed = denied;
    fixed.policyBefore = *CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
    fixed.clearPreflightCacheBefore = true;
    fixed.expected = exposed(200, true);
    fixed.caption = QStringLiteral("The fix: OPTIONS answered with 204 before authentication.");
    c.steps = {denied, fixed};
    c.landingStep = 0;
    return c;
}

// The classic advice of years-old articles, run against today's rules (each step's outcome is
// what Chromium, Firefox and WebKit do: tests/browser, docs/BROWSERS.md).
ClassicScenario oldArticles()
{
    ClassicScenario c;
    c.id = QStringLiteral("old-articles");
    c.title = QStringLiteral("What the old articles say, checked");
    c.lesson = QStringLiteral(
        "Much CORS advice predates today's Fetch standard. Last-Event-ID is no longer safelisted; "
        "'Access-Control-Allow-Credentials: false' is no value (leave the header out); simple "
        "methods never need to be listed in Access-Control-Allow-Methods; echoing "
        "Access-Control-Request-Headers is harmless without credentials but lets every header of "
        "every allowed origin through with them. JSONP is no alternative: it runs the other "
        "site's script in your page with the user's cookies (and IE's XDomainRequest is long "
        "gone). A server-side proxy does get around CORS, but it never carries the user's "
        "cookies for the other site, which is what the rule protects.");
    c.policy = appAllowlist(QStringLiteral("Tour: allow the trusted app, Content-Type only"));

    ScenarioStep lastEventId;
    lastEventId.request =
        request("GET", "{app}", QStringLiteral("{api}/echo"), CredentialsMode::SameOrigin,
                {{QByteArrayLiteral("Last-Event-ID"), QByteArrayLiteral("42")}});
    lastEventId.expected = blocked(CorsError::HeaderDisallowedByPreflightResponse, true);
    lastEventId.caption = QStringLiteral("\"Last-Event-ID is safelisted\": no longer. The GET "
                                         "gets a preflight, and this server does not allow it.");

    ScenarioStep credentialsFalse;
    credentialsFalse.policyBefore = c.policy;
    credentialsFalse.policyBefore->name = QStringLiteral("Tour: Allow-Credentials: false");
    credentialsFalse.policyBefore->extraHeaders = {
        {QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("false")}};
    credentialsFalse.request =
        request("GET", "{app}", QStringLiteral("{api}/echo"), CredentialsMode::Include);
    credentialsFalse.expected = blocked(CorsError::InvalidAllowCredentials, false);
    credentialsFalse.caption = QStringLiteral("\"Send Access-Control-Allow-Credentials: false\": "
                                              "no such value. A credentialed GET is blocked; "
                                              "without credentials the header is ignored.");

    ScenarioStep simpleMethods;
    simpleMethods.policyBefore = c.policy;
    simpleMethods.policyBefore->name = QStringLiteral("Tour: Allow-Methods lists PUT only");
    simpleMethods.policyBefore->methods = {QStringLiteral("PUT")};
    simpleMethods.request =
        request("POST", "{app}", QStringLiteral("{api}/echo"), CredentialsMode::SameOrigin,
                {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain")}},
                QByteArrayLiteral("hello"));
    simpleMethods.expected = exposed(200, false);
    simpleMethods.caption = QStringLiteral("\"Allow-Methods must list GET and POST\": a simple "
                                           "POST goes without a preflight and passes although "
                                           "the server lists PUT only.");

    ScenarioStep echoedHeaders;
    echoedHeaders.policyBefore = c.policy;
    echoedHeaders.policyBefore->name =
        QStringLiteral("Tour: echo Access-Control-Request-Headers, with credentials");
    echoedHeaders.policyBefore->allowHeaders = CorsPolicy::ListMode::Echo;
    echoedHeaders.policyBefore->allowCredentials = true;
    echoedHeaders.clearPreflightCacheBefore = true;
    echoedHeaders.request =
        request("GET", "{app}", QStringLiteral("{api}/echo"), CredentialsMode::Include,
                {{QByteArrayLiteral("X-Anything-At-All"), QByteArrayLiteral("1")}});
    echoedHeaders.expected = exposed(200, true);
    echoedHeaders.caption = QStringLiteral("\"Just echo Access-Control-Request-Headers\": with "
                                           "credentials, any header the page invents gets "
                                           "through with the user's cookies.");
    c.steps = {lastEventId, credentialsFalse, simpleMethods, echoedHeaders};
    c.landingStep = 3; // the one that "works", and why it should not
    return c;
}

QString errorName(CorsError error)
{
    return error == CorsError::None ? QStringLiteral("no error") : cors::corsErrorName(error);
}

QString yesNo(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

// The enum's own spelling, for the mismatch sentence.
QString warningName(cors::WarningKind kind)
{
    using W = cors::WarningKind;
    switch (kind) {
    case W::EchoedOriginWithoutVary:
        return QStringLiteral("EchoedOriginWithoutVary");
    case W::WildcardWithCookies:
        return QStringLiteral("WildcardWithCookies");
    case W::MaxAgeAboveCap:
        return QStringLiteral("MaxAgeAboveCap");
    case W::CredentialedOriginReflection:
        return QStringLiteral("CredentialedOriginReflection");
    case W::NullOriginAllowed:
        return QStringLiteral("NullOriginAllowed");
    case W::WildcardAuthorization:
        return QStringLiteral("WildcardAuthorization");
    case W::WildcardIgnoredWithCredentials:
        return QStringLiteral("WildcardIgnoredWithCredentials");
    case W::HiddenResponseHeaders:
        return QStringLiteral("HiddenResponseHeaders");
    case W::ForbiddenHeadersDropped:
        return QStringLiteral("ForbiddenHeadersDropped");
    case W::LocalNetworkAccess:
        return QStringLiteral("LocalNetworkAccess");
    case W::ThirdPartyCookies:
        return QStringLiteral("ThirdPartyCookies");
    }
    return QString::number(int(kind));
}

bool hasWarning(const std::optional<cors::Verdict> &verdict, cors::WarningKind kind)
{
    if (!verdict)
        return false;
    for (const cors::Warning &w : verdict->warnings) {
        if (w.kind == kind)
            return true;
    }
    return false;
}

} // namespace

QList<ClassicScenario> classicScenarios()
{
    return {simpleGet(),         jsonPost(),      customHeader(), credentialsWildcard(),
            trustedThirdParty(), exposeHeaders(), maxAge(),       reflectAnyOrigin(),
            preflightRejected(), oldArticles()};
}

std::optional<ClassicScenario> classicScenario(const QString &id)
{
    for (const ClassicScenario &c : classicScenarios()) {
        if (c.id == id)
            return c;
    }
    return std::nullopt;
}

client::ComposedRequest resolveRequest(const client::ComposedRequest &request,
                                       const policy::DemoOrigins &origins)
{
    client::ComposedRequest out = request;
    out.origin = origins.resolve(QString::fromUtf8(request.origin));
    // QUrl percent-encodes "{" and "}"; only the placeholders are decoded, so the rest of the
    // URL keeps its encoding.
    QString url = request.url.toString();
    for (const char *name : {"api", "app", "evil"}) {
        const QString placeholder = QStringLiteral("{%1}").arg(QLatin1String(name));
        url.replace(QStringLiteral("%7B%1%7D").arg(QLatin1String(name)), placeholder,
                    Qt::CaseInsensitive);
    }
    out.url = QUrl(QString::fromUtf8(origins.resolve(url)));
    return out;
}

QStringList outcomeMismatches(const ExpectedOutcome &expected, const client::FetchOutcome &outcome,
                              const session::ExchangeEvaluation *evaluation)
{
    QStringList out;
    if (!outcome.failure.isEmpty())
        out << QStringLiteral("the request failed: %1").arg(outcome.failure);
    if (outcome.exposed != expected.exposed)
        out << QStringLiteral("expected the response to be %1, but it was %2 (%3)")
                   .arg(expected.exposed ? QStringLiteral("exposed") : QStringLiteral("blocked"),
                        outcome.exposed ? QStringLiteral("exposed") : QStringLiteral("blocked"),
                        errorName(outcome.error));
    else if (outcome.error != expected.error)
        out << QStringLiteral("expected %1, got %2")
                   .arg(errorName(expected.error), errorName(outcome.error));
    if (expected.preflightSent && outcome.preflightSent != *expected.preflightSent)
        out << QStringLiteral("expected preflight sent: %1, got %2")
                   .arg(yesNo(*expected.preflightSent), yesNo(outcome.preflightSent));
    if (expected.preflightFromCache && outcome.preflightFromCache != *expected.preflightFromCache)
        out << QStringLiteral("expected preflight from the cache: %1, got %2")
                   .arg(yesNo(*expected.preflightFromCache), yesNo(outcome.preflightFromCache));
    if (expected.status != 0) {
        const int status = outcome.exchanges.isEmpty() || !outcome.actualSent
                               ? 0
                               : outcome.exchanges.constLast().status;
        if (status != expected.status)
            out << QStringLiteral("expected status %1, got %2")
                       .arg(expected.status)
                       .arg(status == 0 ? QStringLiteral("no response") : QString::number(status));
    }
    const bool needsVerdict = !expected.readableHeaders.isEmpty() ||
                              !expected.hiddenHeaders.isEmpty() || expected.warning.has_value();
    if (!needsVerdict)
        return out;
    if (!evaluation || !evaluation->verdict) {
        out << QStringLiteral("the session has no verdict on the step's exchange");
        return out;
    }
    for (const QByteArray &name : expected.readableHeaders) {
        if (!evaluation->verdict->readableHeaders.contains(name))
            out << QStringLiteral("expected %1 to be readable by the page")
                       .arg(QString::fromLatin1(name));
    }
    for (const QByteArray &name : expected.hiddenHeaders) {
        if (!evaluation->verdict->hiddenHeaders.contains(name))
            out << QStringLiteral("expected %1 to be hidden from the page")
                       .arg(QString::fromLatin1(name));
    }
    if (expected.warning && !hasWarning(evaluation->verdict, *expected.warning) &&
        !hasWarning(evaluation->credentialedVerdict, *expected.warning))
        out << QStringLiteral("expected the engine's warning %1 on the exchange")
                   .arg(warningName(*expected.warning));
    return out;
}

} // namespace corslab::tour
