#pragma once

#include "cors_error.h"
#include "fetch_rules.h"
#include "headers.h"

#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace corslab::cors {

/// The Fetch-standard step a check implements. Each has a name and a spec anchor (stepInfo()).
enum class Step {
    ForbiddenMethod,        ///< #dom-request (step 24.2): forbidden methods throw
    UrlCredentials,         ///< #dom-request (step 5.3): URLs with credentials throw
    ForbiddenHeaders,       ///< #concept-headers-append: the "request" guard drops them
    NoCorsHeaders,          ///< #concept-headers-append: the "request-no-cors" guard
    NoCorsMethod,           ///< #dom-request (step 30.1): no-cors needs a safelisted method
    SameOrigin,             ///< #main-fetch (step 12): same-origin requests skip CORS
    RequestMode,            ///< #main-fetch (step 12): same-origin / no-cors / cors
    CorsScheme,             ///< #main-fetch: only HTTP(S) schemes take part in CORS
    PreflightNeeded,        ///< #http-fetch (step 4.1): is a CORS-preflight needed
    PreflightResponseKnown, ///< #cors-preflight-fetch (step 6): the preflight got an answer
    PreflightRedirect,      ///< #cors-preflight-fetch (step 7): no redirects for a preflight
    AllowOrigin,            ///< #cors-check (steps 1-4): Access-Control-Allow-Origin
    AllowCredentials,       ///< #cors-check (steps 5-7): Access-Control-Allow-Credentials
    PreflightStatus,        ///< #cors-preflight-fetch (step 7): ok status
    AllowMethodsParse,      ///< #cors-preflight-fetch (step 7.1-7.2): extract methods
    AllowHeadersParse,      ///< #cors-preflight-fetch (step 7.3-7.4): extract header names
    MethodAllowed,          ///< #cors-preflight-fetch (step 7.6)
    HeadersAllowed,         ///< #cors-preflight-fetch (steps 7.7-7.8)
    PreflightCache,         ///< #cors-preflight-fetch (steps 7.9-7.12): max-age and cache
    RedirectModeCheck,      ///< #http-fetch (step 9): redirect mode error / manual
    RedirectLocation,       ///< #http-redirect-fetch (steps 3-6): location URL
    RedirectCredentials,    ///< #http-redirect-fetch (step 8): credentials in location
    RedirectTaint,          ///< #http-redirect-fetch (step 14): tainted origin
    RedirectMethod,         ///< #http-redirect-fetch (step 12): 301/302 POST and 303 become GET
    ExposedHeaders,         ///< #concept-filtered-response-cors: what JS can read
};

struct StepInfo
{
    const char *name;   ///< e.g. "CORS check: Access-Control-Allow-Origin"
    const char *anchor; ///< e.g. "cors-check" (https://fetch.spec.whatwg.org/#cors-check)
};
StepInfo stepInfo(Step step);

/// Which response a check looked at.
enum class Phase { Request, Preflight, Redirect, Response };

/// \brief Which case of its step a check met, where the sentence (or the fix) differs by case.
///
/// A step with a single case, and most failures (their CorsError tells them apart), use None.
enum class CheckVariant {
    None,
    // Step::RequestMode
    ModeSameOrigin, ///< mode "same-origin" and another origin: refused
    ModeNoCors,     ///< mode "no-cors": an opaque response
    // Step::PreflightNeeded
    SimpleRequest,     ///< safelisted method and headers: sent without a preflight
    PreflightRequired, ///< an unsafe method or header: a preflight goes first
    // Step::AllowOrigin
    AllowOriginWildcard,      ///< '*' (fails with credentials)
    AllowOriginExact,         ///< the serialized origin itself
    AllowOriginNull,          ///< 'null', matching an opaque origin
    AllowOriginListInOneLine, ///< several origins in one header line (failing)
    AllowOriginRepeated,      ///< the header sent more than once (failing)
    // Step::AllowCredentials, failing
    AllowCredentialsMissing, ///< no Access-Control-Allow-Credentials header
    AllowCredentialsNotTrue, ///< a value other than exactly "true"
    // Step::MethodAllowed, passing
    MethodSafelisted, ///< GET, HEAD or POST
    MethodListed,     ///< named in Access-Control-Allow-Methods
    MethodWildcard,   ///< covered by '*' (no credentials)
    // Step::HeadersAllowed
    HeadersListed,                     ///< every unsafe name listed
    HeadersWildcard,                   ///< covered by '*' (no credentials)
    AuthorizationNotCoveredByWildcard, ///< '*' never covers Authorization (the standard)
    // Step::PreflightCache
    MaxAgeAbsent,   ///< no Access-Control-Max-Age: the profile's default lifetime
    MaxAgeValue,    ///< a valid number of seconds, used as is
    MaxAgeCapped,   ///< a valid number above the profile's cap
    MaxAgeInvalid,  ///< not a number of seconds: the profile's lifetime for invalid values
    MaxAgeNegative, ///< a negative integer: the profile's lifetime for those
    CacheHit,       ///< a cached preflight result covered the request: no preflight sent
    // Step::RedirectLocation, failing
    LocationUnparsable, ///< no Location, or not a URL
    LocationNotHttp,    ///< a URL whose scheme is not http(s)
    TooManyRedirects,   ///< more than 20 redirects
    // Step::ExposedHeaders
    ExposeAll,      ///< a same-origin ("basic") response: every header but Set-Cookie
    ExposeListed,   ///< CORS-safelisted names plus Access-Control-Expose-Headers
    ExposeWildcard, ///< Access-Control-Expose-Headers: * (no credentials)
};

/// \brief One check of a verdict, in the order the browser makes it.
///
/// Holds the facts (values seen, what was expected); the sentences are written on demand by
/// explainCheck() so that judging stays fast and texts stay in one place. Built with designated
/// initializers: Check{.step = Step::AllowOrigin, .phase = Phase::Response, ...}; every member
/// but the step has a default (also the byte arrays: GCC warns about any member left out that has
/// none).
struct Check
{
    Step step;
    Phase phase = Phase::Request;
    int hop = 0; ///< redirect index (Phase::Redirect), 0 otherwise
    bool ok = true;
    CorsError error = CorsError::None;
    QByteArray seen = {};     ///< the value the browser saw (a header value, a method, a status)
    QByteArray expected = {}; ///< the value that would pass, where one exists
    CheckVariant variant = CheckVariant::None;
};

/// Findings that do not block but bite later, each with a severity (like Wireshark's expert info).
enum class WarningKind {
    EchoedOriginWithoutVary,
    WildcardWithCookies,
    MaxAgeAboveCap,
    CredentialedOriginReflection,
    NullOriginAllowed,
    WildcardAuthorization,
    WildcardIgnoredWithCredentials,
    HiddenResponseHeaders,
    ForbiddenHeadersDropped,
    LocalNetworkAccess,
    ThirdPartyCookies,
};
enum class Severity { Info, Warning, Security };

/// The preflight and response headers in which '*' is a wildcard only without credentials.
enum class WildcardHeader { AllowMethods, AllowHeaders, ExposeHeaders };

/// "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers".
const char *wildcardHeaderName(WildcardHeader header);

/// \brief A finding; which fields it fills depends on its kind. Built with designated initializers,
/// like Check.
struct Warning
{
    WarningKind kind;
    Severity severity = Severity::Warning;
    /// The header text at fault: a response header's value, Access-Control-Allow-Origin
    /// (EchoedOriginWithoutVary, CredentialedOriginReflection) or Access-Control-Max-Age
    /// (MaxAgeAboveCap); or header names, comma-separated: the dropped request headers
    /// (ForbiddenHeadersDropped), the unreadable response headers (HiddenResponseHeaders), the
    /// request header '*' let through (WildcardAuthorization).
    QByteArray headerText = {};
    /// WildcardIgnoredWithCredentials: the header whose '*' is a literal name.
    WildcardHeader wildcardHeader = WildcardHeader::AllowMethods;
    qint64 capSeconds = 0; ///< MaxAgeAboveCap: the profile's cap
    /// The page: its serialized origin (LocalNetworkAccess) or its host (ThirdPartyCookies).
    QByteArray page = {};
    QByteArray targetHost = {}; ///< LocalNetworkAccess, ThirdPartyCookies: the host requested
};

/// Why a request needs a CORS-preflight request.
struct PreflightReason
{
    enum class Kind { Method, Header } kind;
    QByteArray name; ///< the method, or the lowercase header name
    UnsafeHeader::Why why = UnsafeHeader::Why::NotSafelistedName;
    QByteArray value; ///< the header's value, for the explanation
};

/// \brief What a passing preflight lets the browser remember: the input of Fetch's "create a new
/// cache entry" for each allowed method and header name (see PreflightCache).
struct PreflightResult
{
    QByteArray origin;           ///< serialized origin the preflight was made for
    QUrl url;                    ///< the request's current URL
    bool credentials = false;    ///< request's credentials mode was "include"
    qint64 maxAgeSeconds = 0;    ///< effective lifetime under the profile
    ExtractedValues methods;     ///< Access-Control-Allow-Methods, as parsed
    ExtractedValues headerNames; ///< Access-Control-Allow-Headers, as parsed
};

/// \brief The engine's answer for one scenario under one browser profile.
struct Verdict
{
    QString profile;
    bool preflightRequired = false;
    QList<PreflightReason> preflightReasons;
    HeaderList preflightRequest;     ///< the OPTIONS request's CORS headers, in the browser's order
    bool preflightEvaluated = false; ///< a preflight was sent and judged
    bool preflightOk = false;
    qint64 preflightCacheSeconds = -1; ///< effective lifetime; -1 when nothing was cached
    /// A preflight was needed but a cached preflight result covered it, so none was sent.
    bool preflightFromCache = false;
    /// The first passing preflight's result, for the caller to store in its PreflightCache.
    std::optional<PreflightResult> preflightResult;
    bool exposed = false;
    CorsError error = CorsError::None;
    QByteArray errorDetail;            ///< the offending value, for console texts
    QString responseType;              ///< "basic", "cors", "opaque", "opaqueredirect", "error"
    QList<QByteArray> readableHeaders; ///< lowercase, sorted
    QList<QByteArray> hiddenHeaders;   ///< present in the final response, not readable
    QList<Check> checks;
    QList<Warning> warnings;
    QByteArray serializedOrigin; ///< the Origin the browser sent on the last hop
    QUrl finalUrl;               ///< the URL of the last hop
    int redirectCount = 0;
    HeaderList sentHeaders; ///< the script's headers that the browser really sends
    QByteArray sentMethod;

    /// The first failed check, or nullptr.
    const Check *failedCheck() const;
};

} // namespace corslab::cors
