#include "explanation.h"

namespace corslab::cors {

namespace {
QString t(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}
QString quoted(const QByteArray &bytes)
{
    return QLatin1Char('\'') + t(bytes) + QLatin1Char('\'');
}
QString responseName(Phase phase, int hop)
{
    switch (phase) {
    case Phase::Preflight:
        return QStringLiteral("the preflight response");
    case Phase::Redirect:
        return QStringLiteral("redirect response #%1").arg(hop + 1);
    case Phase::Response:
        return QStringLiteral("the response");
    case Phase::Request:
        break;
    }
    return QStringLiteral("the request");
}
} // namespace

StepInfo stepInfo(Step step)
{
    switch (step) {
    case Step::ForbiddenMethod:
        return {"Request constructor: forbidden method", "forbidden-method"};
    case Step::UrlCredentials:
        return {"Request constructor: URL without credentials", "dom-request"};
    case Step::ForbiddenHeaders:
        return {"Headers guard \"request\": forbidden request-headers", "forbidden-request-header"};
    case Step::NoCorsHeaders:
        return {"Headers guard \"request-no-cors\"", "no-cors-safelisted-request-header"};
    case Step::NoCorsMethod:
        return {"Request constructor: no-cors needs a CORS-safelisted method",
                "cors-safelisted-method"};
    case Step::SameOrigin:
        return {"Main fetch: same-origin request, no CORS", "main-fetch"};
    case Step::RequestMode:
        return {"Main fetch: request mode", "concept-request-mode"};
    case Step::CorsScheme:
        return {"Main fetch: HTTP(S) scheme required for CORS", "main-fetch"};
    case Step::PreflightNeeded:
        return {"HTTP fetch: is a CORS-preflight request needed", "http-fetch"};
    case Step::PreflightResponseKnown:
        return {"CORS-preflight fetch: response received", "cors-preflight-fetch"};
    case Step::PreflightRedirect:
        return {"CORS-preflight fetch: no redirect", "cors-preflight-fetch"};
    case Step::AllowOrigin:
        return {"CORS check: Access-Control-Allow-Origin", "cors-check"};
    case Step::AllowCredentials:
        return {"CORS check: Access-Control-Allow-Credentials", "cors-check"};
    case Step::PreflightStatus:
        return {"CORS-preflight fetch: ok status", "cors-preflight-fetch"};
    case Step::AllowMethodsParse:
        return {"CORS-preflight fetch: parse Access-Control-Allow-Methods", "cors-preflight-fetch"};
    case Step::AllowHeadersParse:
        return {"CORS-preflight fetch: parse Access-Control-Allow-Headers", "cors-preflight-fetch"};
    case Step::MethodAllowed:
        return {"CORS-preflight fetch: method allowed", "cors-preflight-fetch"};
    case Step::HeadersAllowed:
        return {"CORS-preflight fetch: request headers allowed", "cors-preflight-fetch"};
    case Step::PreflightCache:
        return {"CORS-preflight cache: Access-Control-Max-Age", "concept-cache"};
    case Step::RedirectModeCheck:
        return {"HTTP fetch: redirect mode", "concept-request-redirect-mode"};
    case Step::RedirectLocation:
        return {"HTTP-redirect fetch: location URL", "http-redirect-fetch"};
    case Step::RedirectCredentials:
        return {"HTTP-redirect fetch: no credentials in a cross-origin location",
                "http-redirect-fetch"};
    case Step::RedirectTaint:
        return {"HTTP-redirect fetch: tainted origin", "concept-request-tainted-origin"};
    case Step::RedirectMethod:
        return {"HTTP-redirect fetch: method change", "http-redirect-fetch"};
    case Step::ExposedHeaders:
        return {"CORS filtered response: headers readable by JavaScript",
                "concept-filtered-response-cors"};
    }
    return {"", ""};
}

const char *wildcardHeaderName(WildcardHeader header)
{
    switch (header) {
    case WildcardHeader::AllowMethods:
        return "Access-Control-Allow-Methods";
    case WildcardHeader::AllowHeaders:
        return "Access-Control-Allow-Headers";
    case WildcardHeader::ExposeHeaders:
        break;
    }
    return "Access-Control-Expose-Headers";
}

QString phaseName(Phase phase, int hop)
{
    switch (phase) {
    case Phase::Request:
        return hop == 0 ? QStringLiteral("request")
                        : QStringLiteral("request after redirect #%1").arg(hop);
    case Phase::Preflight:
        return QStringLiteral("preflight");
    case Phase::Redirect:
        return QStringLiteral("redirect #%1").arg(hop + 1);
    case Phase::Response:
        break;
    }
    return QStringLiteral("response");
}

QString explainReason(const PreflightReason &r)
{
    if (r.kind == PreflightReason::Kind::Method)
        return QStringLiteral("%1 is not a CORS-safelisted method (only GET, HEAD and POST are).")
            .arg(t(r.name));
    switch (r.why) {
    case UnsafeHeader::Why::NotSafelistedName:
        // Old articles still list Last-Event-ID as safelisted; Fetch dropped it and every
        // browser preflights it (tst_browser_* and the WPT rows, docs/BROWSERS.md).
        if (r.name == "last-event-id")
            return QStringLiteral("the request sets Last-Event-ID, which is not a CORS-safelisted "
                                  "request header: older articles list it as safelisted, but "
                                  "the Fetch standard dropped it and Chromium, Firefox and "
                                  "Safari all preflight it today.");
        return QStringLiteral("the request sets %1, which is not a CORS-safelisted request header.")
            .arg(t(r.name));
    case UnsafeHeader::Why::TooLong:
        return QStringLiteral("the %1 value is longer than 128 bytes.").arg(t(r.name));
    case UnsafeHeader::Why::TotalOver1024:
        return QStringLiteral("the safelisted header values add up to more than 1024 bytes, so %1 "
                              "counts as unsafe.")
            .arg(t(r.name));
    case UnsafeHeader::Why::ValueNotSafelisted:
        break;
    }
    if (r.name == "content-type")
        return QStringLiteral("Content-Type %1 is not one of application/x-www-form-urlencoded, "
                              "multipart/form-data or text/plain.")
            .arg(quoted(r.value));
    if (r.name == "range")
        return QStringLiteral("Range %1 is not a single 'bytes=start-[end]' range.")
            .arg(quoted(r.value));
    return QStringLiteral(
               "the value %1 of %2 contains characters a safelisted header may not carry.")
        .arg(quoted(r.value), t(r.name));
}

namespace {

QString capitalized(const QString &text)
{
    return text.left(1).toUpper() + text.mid(1);
}

// #dom-request and #concept-headers-append: what new Request() and the Headers guards refuse.
QString explainRequestConstructor(const Check &c)
{
    switch (c.step) {
    case Step::ForbiddenMethod:
        return QStringLiteral(
                   "The page asked for method %1, which browsers refuse to send "
                   "(CONNECT, TRACE and TRACK are forbidden): fetch() throws a TypeError "
                   "before any request leaves.")
            .arg(t(c.seen));
    case Step::UrlCredentials:
        return QStringLiteral("The URL carries user:password; fetch() refuses such URLs with a "
                              "TypeError and sends nothing.");
    case Step::ForbiddenHeaders:
        return QStringLiteral("The page set %1, which only the browser may set: the browser drops "
                              "it silently and sends the request without it.")
            .arg(t(c.seen));
    case Step::NoCorsHeaders:
        return QStringLiteral(
                   "In mode 'no-cors' only Accept, Accept-Language, Content-Language and "
                   "a simple Content-Type survive; the browser drops %1.")
            .arg(t(c.seen));
    default:
        break;
    }
    return QStringLiteral("Mode 'no-cors' allows only GET, HEAD and POST, and the page asked for "
                          "%1: fetch() throws a TypeError.")
        .arg(t(c.seen));
}

// #main-fetch step 12: same origin, the request's mode, and the scheme CORS needs.
QString explainMainFetch(const Check &c)
{
    if (c.step == Step::SameOrigin)
        return QStringLiteral(
                   "The page (%1) and the URL (%2) have the same origin, so CORS does not "
                   "apply: the response is readable as is.")
            .arg(t(c.seen), t(c.expected));
    if (c.step == Step::CorsScheme)
        return QStringLiteral("The URL's scheme is '%1'; cross-origin requests work only over http "
                              "and https.")
            .arg(t(c.seen));
    if (c.variant == CheckVariant::ModeSameOrigin)
        return QStringLiteral("The request uses mode 'same-origin', but %1 is another origin than "
                              "the page's (%2): the browser refuses to fetch it at all.")
            .arg(t(c.seen), t(c.expected));
    return QStringLiteral("The request uses mode 'no-cors': the browser fetches the resource but "
                          "hands the page an opaque response (status 0, no headers, no body), "
                          "whatever the server answers.");
}

// #http-fetch step 4.1: is a CORS-preflight request needed.
QString explainPreflightNeeded(const Check &c, const Verdict &v)
{
    if (c.variant == CheckVariant::SimpleRequest)
        return QStringLiteral("%1 with only CORS-safelisted headers is a simple request: the "
                              "browser sends it directly, with an Origin header, and no preflight.")
            .arg(t(c.seen));
    QStringList reasons;
    for (const PreflightReason &r : v.preflightReasons)
        reasons << explainReason(r);
    return QStringLiteral("The browser first sends an OPTIONS preflight request because %1")
        .arg(reasons.isEmpty() ? QStringLiteral("the request is not simple.")
                               : reasons.join(QLatin1Char(' ')));
}

// #cors-preflight-fetch steps 6-7.4: an answer, no redirect, an ok status, parsable lists.
QString explainPreflightResponse(const Check &c, const BrowserProfile &p)
{
    switch (c.step) {
    case Step::PreflightResponseKnown:
        return QStringLiteral(
            "A preflight is needed but the scenario has no preflight response: "
            "the browser would send OPTIONS first, and without a usable answer the "
            "fetch fails before the actual request.");
    case Step::PreflightRedirect:
        return QStringLiteral(
                   "The server answered the preflight with a %1 redirect. %2 never follows "
                   "redirects for a preflight, so the request fails.")
            .arg(t(c.seen), p.displayName);
    case Step::PreflightStatus:
        if (c.ok)
            return QStringLiteral("The preflight response has status %1, an ok status (200-299).")
                .arg(t(c.seen));
        return QStringLiteral("The preflight response has status %1; a preflight must answer with "
                              "an ok status (200-299). Servers often reject OPTIONS in their "
                              "authentication layer or router.")
            .arg(t(c.seen));
    case Step::AllowMethodsParse:
        return QStringLiteral("Access-Control-Allow-Methods %1 does not parse: %2 is not a method "
                              "token. Separate methods with commas.")
            .arg(quoted(c.seen), quoted(c.expected));
    default:
        break;
    }
    return QStringLiteral("Access-Control-Allow-Headers %1 does not parse: %2 is not a header "
                          "name. Separate names with commas.")
        .arg(quoted(c.seen), quoted(c.expected));
}

// #cors-preflight-fetch step 7.6: the method is safelisted, listed, or covered by '*'.
QString explainMethodAllowed(const Check &c)
{
    switch (c.variant) {
    case CheckVariant::MethodSafelisted:
        return QStringLiteral("%1 is a CORS-safelisted method: always allowed.").arg(t(c.seen));
    case CheckVariant::MethodWildcard:
        return QStringLiteral("Access-Control-Allow-Methods is '*', which allows %1 because the "
                              "request has no credentials.")
            .arg(t(c.seen));
    case CheckVariant::MethodListed:
        return QStringLiteral("Access-Control-Allow-Methods lists %1.").arg(t(c.expected));
    default:
        break;
    }
    if (!c.expected.isEmpty())
        return QStringLiteral("The page sends method %1 and Access-Control-Allow-Methods lists "
                              "%2: methods compare case-sensitively, and fetch() upper-cases only "
                              "DELETE, GET, HEAD, OPTIONS, POST and PUT.")
            .arg(t(c.seen), t(c.expected));
    return QStringLiteral("The preflight asked for method %1 (Access-Control-Request-Method), "
                          "and Access-Control-Allow-Methods does not list it. Methods compare "
                          "case-sensitively, and '*' counts only without credentials.")
        .arg(t(c.seen));
}

// #cors-preflight-fetch steps 7.7-7.8: every unsafe header name is listed or covered by '*'.
QString explainHeadersAllowed(const Check &c, const Scenario &s)
{
    switch (c.variant) {
    case CheckVariant::HeadersWildcard:
        return QStringLiteral("Access-Control-Allow-Headers is '*', which covers every requested "
                              "header (no credentials).");
    case CheckVariant::HeadersListed:
        return QStringLiteral("Access-Control-Allow-Headers lists every header named in "
                              "Access-Control-Request-Headers.");
    case CheckVariant::AuthorizationNotCoveredByWildcard:
        return QStringLiteral("The request sends Authorization and the preflight allows '*'; the "
                              "Fetch standard never lets '*' cover Authorization, so it must be "
                              "named explicitly.");
    default:
        break;
    }
    return QStringLiteral("The request sends the header %1 (listed in "
                          "Access-Control-Request-Headers), and Access-Control-Allow-Headers does "
                          "not name it%2.")
        .arg(t(c.seen),
             s.credentials == CredentialsMode::Include
                 ? QStringLiteral(" ('*' would not help: with credentials it is a literal name)")
                 : QString());
}

// #cors-preflight-fetch steps 7.9-7.12 and #concept-cache: Access-Control-Max-Age.
QString explainPreflightCache(const Check &c, const BrowserProfile &p)
{
    const QString seconds = t(c.expected);
    switch (c.variant) {
    case CheckVariant::CacheHit:
        return QStringLiteral("A cached preflight result for this origin and URL (still within "
                              "its Access-Control-Max-Age) allows %1 and these headers: the "
                              "browser sends no preflight this time.")
            .arg(t(c.seen));
    case CheckVariant::MaxAgeAbsent:
        return QStringLiteral("No Access-Control-Max-Age: %1 reuses this preflight result for "
                              "%2 s, then preflights again.")
            .arg(p.displayName, seconds);
    case CheckVariant::MaxAgeCapped:
        return QStringLiteral("Access-Control-Max-Age is %1 s, but %2 caps it at %3 s.")
            .arg(t(c.seen), p.displayName, seconds);
    case CheckVariant::MaxAgeInvalid:
        return QStringLiteral("Access-Control-Max-Age %1 is not a number of seconds; %2 uses %3 s.")
            .arg(quoted(c.seen), p.displayName, seconds);
    case CheckVariant::MaxAgeNegative:
        return QStringLiteral("Access-Control-Max-Age %1 is negative; %2 uses %3 s.")
            .arg(quoted(c.seen), p.displayName, seconds);
    default:
        break;
    }
    return QStringLiteral("Access-Control-Max-Age: %1 — %2 reuses this preflight result for %3 s.")
        .arg(t(c.seen), p.displayName, seconds);
}

// Why an Access-Control-Allow-Origin that names an origin is not the page's: the usual slips.
QString originMismatchHint(const QByteArray &seen, const QByteArray &origin)
{
    if (seen == origin + "/")
        return QStringLiteral(" The only difference is the trailing slash: an origin has no path.");
    if (seen.compare(origin, Qt::CaseInsensitive) == 0)
        return QStringLiteral(" They differ only in letter case, and the comparison is exact.");
    if (origin == "null")
        return QStringLiteral(" After a redirect from one foreign origin to another, the browser "
                              "sends 'Origin: null'.");
    if (seen.startsWith("http") && origin.startsWith("http") &&
        seen.mid(seen.indexOf("://")) == origin.mid(origin.indexOf("://")))
        return QStringLiteral(" The scheme differs (http vs https).");
    return {};
}

// #cors-check steps 1-4, failing: the sentence for each of Chromium's finer error names.
QString explainAllowOriginFailure(const Check &c, const QString &where)
{
    const QString sent = QStringLiteral("The browser sent 'Origin: %1'").arg(t(c.expected));
    switch (c.error) {
    case CorsError::MissingAllowOriginHeader:
    case CorsError::PreflightMissingAllowOriginHeader:
        return QStringLiteral("%1, but %2 has no Access-Control-Allow-Origin header, so the "
                              "browser treats the origin as not allowed.")
            .arg(sent, where);
    case CorsError::WildcardOriginNotAllowed:
    case CorsError::PreflightWildcardOriginNotAllowed:
        return QStringLiteral(
                   "%1 with credentials: 'include'. %2 answers "
                   "'Access-Control-Allow-Origin: *', and '*' is never accepted for a "
                   "credentialed request, even with Access-Control-Allow-Credentials: true.")
            .arg(sent, capitalized(where));
    case CorsError::MultipleAllowOriginValues:
    case CorsError::PreflightMultipleAllowOriginValues:
        return QStringLiteral("%1, but %2 lists several origins (%3). The header takes exactly "
                              "one origin (or '*'); a list, or the header sent twice, always "
                              "fails.")
            .arg(sent, where, quoted(c.seen));
    case CorsError::InvalidAllowOriginValue:
    case CorsError::PreflightInvalidAllowOriginValue:
        return QStringLiteral("%1, but %2 has Access-Control-Allow-Origin %3, which is not an "
                              "origin (scheme://host[:port]).")
            .arg(sent, where, quoted(c.seen));
    default:
        break;
    }
    return QStringLiteral("%1, but %2 allows %3. The value must equal the origin byte for byte.%4")
        .arg(sent, where, quoted(c.seen), originMismatchHint(c.seen, c.expected));
}

// #cors-check steps 1-4: Access-Control-Allow-Origin.
QString explainAllowOrigin(const Check &c, const QString &where)
{
    if (!c.ok)
        return explainAllowOriginFailure(c, where);
    if (c.variant == CheckVariant::AllowOriginWildcard)
        return QStringLiteral("%1 has 'Access-Control-Allow-Origin: *', which allows any origin "
                              "for a request without credentials.")
            .arg(capitalized(where));
    return QStringLiteral("%1 allows exactly the origin the browser sent (%2).")
        .arg(capitalized(where), t(c.expected));
}

// #cors-check steps 5-7: Access-Control-Allow-Credentials.
QString explainAllowCredentials(const Check &c, const QString &where)
{
    if (c.ok)
        return QStringLiteral("The request carries credentials and %1 has "
                              "'Access-Control-Allow-Credentials: true'.")
            .arg(where);
    if (c.variant == CheckVariant::AllowCredentialsMissing)
        return QStringLiteral("The request carries credentials (credentials: 'include'), but %1 "
                              "has no Access-Control-Allow-Credentials header; it must be exactly "
                              "'true'.")
            .arg(where);
    const QString text =
        QStringLiteral("The request carries credentials (credentials: 'include'), but %1 has "
                       "Access-Control-Allow-Credentials %2; only the exact lowercase value "
                       "'true' is accepted.")
            .arg(where, quoted(c.seen));
    // Old articles show 'false' as a way to refuse credentials; it is no value at all.
    if (equalsIgnoreCase(c.seen.trimmed(), "false"))
        return text + QStringLiteral(" 'false' is not a value of this header (old articles show "
                                     "it): to refuse credentials, leave the header out.");
    return text;
}

// #http-fetch step 9: the request's redirect mode.
QString explainRedirectMode(const Check &c)
{
    if (c.error == CorsError::OpaqueRedirect)
        return QStringLiteral("The server redirected (%1) and the request uses redirect: "
                              "'manual': the page gets an opaque-redirect response (status 0, "
                              "no Location) it cannot read.")
            .arg(t(c.expected));
    return QStringLiteral("The server redirected (%1) and the request uses redirect: 'error': "
                          "fetch() fails with a network error.")
        .arg(t(c.expected));
}

// #http-redirect-fetch steps 3-6: the location URL. A non-HTTP(S) location is a network error
// like an unparsable one unless the request is a CORS one.
QString explainRedirectLocation(const Check &c)
{
    if (c.ok)
        return QStringLiteral("Redirect #%1 (%2) leads to %3; the browser follows it.")
            .arg(c.hop + 1)
            .arg(t(c.expected), t(c.seen));
    if (c.variant == CheckVariant::TooManyRedirects)
        return QStringLiteral("More than 20 redirects: the browser gives up with a network error.");
    if (c.error == CorsError::CorsDisabledScheme)
        return QStringLiteral("Redirect #%1 leads to %2, which is not an http(s) URL; a CORS "
                              "request cannot follow it.")
            .arg(c.hop + 1)
            .arg(quoted(c.seen));
    return QStringLiteral("Redirect #%1 has Location %2, which is not a valid URL: network error.")
        .arg(c.hop + 1)
        .arg(quoted(c.seen));
}

// #http-redirect-fetch steps 8, 12 and 14: credentials in the URL, method change, taint.
QString explainRedirectFetch(const Check &c)
{
    switch (c.step) {
    case Step::RedirectCredentials:
        return QStringLiteral(
                   "Redirect #%1 leads to %2, which carries user:password; a cross-origin "
                   "request may not be redirected to such a URL.")
            .arg(c.hop + 1)
            .arg(t(c.seen));
    case Step::RedirectTaint:
        return QStringLiteral(
                   "The redirect goes from %1 to %2, both foreign to the page: from now on "
                   "the browser sends 'Origin: null', and the server must allow 'null' (or '*').")
            .arg(t(c.seen), t(c.expected));
    default:
        break;
    }
    return QStringLiteral("A %1 redirect turns %2 into GET and drops the body and its "
                          "Content-* headers.")
        .arg(t(c.expected), t(c.seen));
}

// #concept-filtered-response-cors: the headers JavaScript may read.
QString explainExposedHeaders(const Check &c)
{
    if (c.variant == CheckVariant::ExposeAll)
        return QStringLiteral("Same-origin response: JavaScript reads every header except "
                              "Set-Cookie.");
    if (c.seen.isEmpty())
        return QStringLiteral("The response is readable; JavaScript sees no response headers "
                              "beyond the status and body.");
    return QStringLiteral("The response is readable; JavaScript can read the headers %1%2.")
        .arg(t(c.seen), c.variant == CheckVariant::ExposeWildcard
                            ? QStringLiteral(" (Access-Control-Expose-Headers: *)")
                            : QStringLiteral(" (CORS-safelisted names plus "
                                             "Access-Control-Expose-Headers)"));
}

} // namespace

QString explainCheck(const Check &c, const Scenario &s, const Verdict &v, const BrowserProfile &p)
{
    switch (c.step) {
    case Step::ForbiddenMethod:
    case Step::UrlCredentials:
    case Step::ForbiddenHeaders:
    case Step::NoCorsHeaders:
    case Step::NoCorsMethod:
        return explainRequestConstructor(c);
    case Step::SameOrigin:
    case Step::RequestMode:
    case Step::CorsScheme:
        return explainMainFetch(c);
    case Step::PreflightNeeded:
        return explainPreflightNeeded(c, v);
    case Step::PreflightResponseKnown:
    case Step::PreflightRedirect:
    case Step::PreflightStatus:
    case Step::AllowMethodsParse:
    case Step::AllowHeadersParse:
        return explainPreflightResponse(c, p);
    case Step::MethodAllowed:
        return explainMethodAllowed(c);
    case Step::HeadersAllowed:
        return explainHeadersAllowed(c, s);
    case Step::PreflightCache:
        return explainPreflightCache(c, p);
    case Step::AllowOrigin:
        return explainAllowOrigin(c, responseName(c.phase, c.hop));
    case Step::AllowCredentials:
        return explainAllowCredentials(c, responseName(c.phase, c.hop));
    case Step::RedirectModeCheck:
        return explainRedirectMode(c);
    case Step::RedirectLocation:
        return explainRedirectLocation(c);
    case Step::RedirectCredentials:
    case Step::RedirectTaint:
    case Step::RedirectMethod:
        return explainRedirectFetch(c);
    case Step::ExposedHeaders:
        return explainExposedHeaders(c);
    }
    return {};
}

QString explainWarning(const Warning &w, const BrowserProfile &p)
{
    switch (w.kind) {
    case WarningKind::EchoedOriginWithoutVary:
        return QStringLiteral(
                   "Access-Control-Allow-Origin names one origin (%1) but the response has "
                   "no 'Vary: Origin': a shared cache or CDN may serve this answer to "
                   "another origin, which then fails. Add 'Vary: Origin'.")
            .arg(t(w.headerText));
    case WarningKind::WildcardWithCookies:
        return QStringLiteral(
            "Access-Control-Allow-Origin is '*' on a response that sets cookies or "
            "allows credentials: this works only while the page sends no "
            "credentials. The day it uses credentials: 'include', it fails; answer "
            "with the exact origin instead.");
    case WarningKind::MaxAgeAboveCap:
        return QStringLiteral(
                   "Access-Control-Max-Age %1 is above %2's cap of %3 s; the browser uses "
                   "%3 s.")
            .arg(t(w.headerText), p.displayName, QString::number(w.capSeconds));
    case WarningKind::CredentialedOriginReflection:
        return QStringLiteral(
                   "Security: the server allows %1 with credentials. If it copies any "
                   "Origin into Access-Control-Allow-Origin, every website can read your "
                   "users' data with their cookies: check the origin against an exact "
                   "allowlist (no prefix/suffix matches, no 'null').")
            .arg(t(w.headerText));
    case WarningKind::NullOriginAllowed:
        return QStringLiteral("Security: 'Access-Control-Allow-Origin: null' also allows sandboxed "
                              "iframes and data: documents of any site. Allow 'null' only if you "
                              "must, and never with credentials.");
    case WarningKind::WildcardAuthorization:
        return QStringLiteral(
                   "Authorization passed only because %1 lets 'Access-Control-Allow-Headers: "
                   "*' cover it. The Fetch standard says it must be named explicitly "
                   "(whatwg/fetch#1919) and browsers are moving there: add Authorization "
                   "to the list.")
            .arg(p.displayName);
    case WarningKind::WildcardIgnoredWithCredentials:
        return QStringLiteral("%1 contains '*', which is a literal name, not a wildcard, for "
                              "requests with credentials: list the names explicitly.")
            .arg(QLatin1String(wildcardHeaderName(w.wildcardHeader)));
    case WarningKind::HiddenResponseHeaders:
        return QStringLiteral("The response has headers JavaScript cannot read: %1. To read them, "
                              "add 'Access-Control-Expose-Headers: %1'.")
            .arg(t(w.headerText));
    case WarningKind::ForbiddenHeadersDropped:
        return QStringLiteral("The browser silently drops %1: only the browser may set it.")
            .arg(t(w.headerText));
    case WarningKind::LocalNetworkAccess:
        return QStringLiteral(
                   "%1 asks the user for Local Network Access permission before a page "
                   "from %2 may reach %3; if the user (or a headless run) denies it, the "
                   "request fails with LocalNetworkAccessPermissionDenied, and no "
                   "response header can fix that.")
            .arg(p.displayName, t(w.page), t(w.targetHost));
    case WarningKind::ThirdPartyCookies:
        return QStringLiteral(
                   "%1 and %2 are different sites: %3 blocks third-party cookies by "
                   "default, so this credentialed request may carry no cookie even though "
                   "CORS allows it.")
            .arg(t(w.page), t(w.targetHost), p.displayName);
    }
    return {};
}

QString chromiumConsoleLine(const Verdict &v, const Scenario &s)
{
    if (v.exposed || !chromiumLogsConsoleLine(v.error))
        return chromiumConsoleText(v.error, t(v.errorDetail));
    QString target = QLatin1Char('\'') + s.url().toString() + QLatin1Char('\'');
    // A redirect to a scheme without CORS is refused before it is followed; Chromium names the
    // refused URL as the fetch's target.
    const Check *failed = v.failedCheck();
    const QUrl refusedRedirect = failed && failed->step == Step::RedirectLocation
                                     ? v.finalUrl.resolved(QUrl(QString::fromUtf8(failed->seen)))
                                     : QUrl();
    if (refusedRedirect.isValid() && !refusedRedirect.isEmpty())
        target = QStringLiteral("'%1' (redirected from '%2')")
                     .arg(refusedRedirect.toString(), s.url().toString());
    else if (v.redirectCount > 0 && !v.finalUrl.isEmpty())
        target = QStringLiteral("'%1' (redirected from '%2')")
                     .arg(v.finalUrl.toString(), s.url().toString());
    const QString line =
        QStringLiteral("Access to fetch at %1 from origin '%2' has been blocked by "
                       "CORS policy: ")
            .arg(target, t(s.origin.serialize()));
    return line + chromiumConsoleText(v.error, t(v.errorDetail));
}

QString firefoxReasonKey(const Verdict &v)
{
    const Check *failed = v.failedCheck();
    if (failed && failed->variant == CheckVariant::AllowOriginListInOneLine)
        return QStringLiteral("CORSAllowOriginNotMatchingOrigin");
    return firefoxReasonKey(v.error);
}

QString summarizeVerdict(const Verdict &v, const Scenario &s, const BrowserProfile &p)
{
    if (v.exposed) {
        if (v.responseType == QLatin1String("basic"))
            return QStringLiteral(
                "Same-origin request: no CORS involved, the response is readable.");
        return QStringLiteral("Allowed: %1 %2 the response to %3%4.")
            .arg(p.displayName,
                 v.preflightRequired
                     ? QStringLiteral("sends a preflight, which passes, and exposes")
                     : QStringLiteral("exposes"),
                 t(s.origin.serialize()),
                 v.readableHeaders.isEmpty() ? QString()
                                             : QStringLiteral(" (readable headers: %1)")
                                                   .arg(t(v.readableHeaders.join(", "))));
    }
    const Check *c = v.failedCheck();
    const QString step = c ? QString::fromLatin1(stepInfo(c->step).name) : QString();
    if (v.error == CorsError::OpaqueResponse)
        return QStringLiteral("Not readable: mode 'no-cors' gives the page an opaque response.");
    if (v.error == CorsError::OpaqueRedirect)
        return QStringLiteral("Not readable: redirect 'manual' gives the page an opaque-redirect "
                              "response.");
    return QStringLiteral("Blocked by %1 (%2) at \"%3\"%4.")
        .arg(p.displayName, corsErrorName(v.error), step,
             c ? QStringLiteral(" on the %1").arg(phaseName(c->phase, c->hop)) : QString());
}

} // namespace corslab::cors
