#include "cors_engine.h"

#include "fetch_rules.h"

#include <algorithm>
#include <limits>

namespace corslab::cors {

const Check *Verdict::failedCheck() const
{
    for (const Check &c : checks) {
        if (!c.ok)
            return &c;
    }
    return nullptr;
}

namespace {

enum class Tainting { Basic, Cors, Opaque };

// Explanation variants (Check::kind); explanation.cpp switches on the same values.
namespace kind {
constexpr int WildcardOrigin = 1, ExactOrigin = 2, NullOrigin = 3;
constexpr int PreflightNotNeeded = 0, PreflightNeeded = 1;
constexpr int MethodSafelisted = 1, MethodListed = 2, MethodWildcard = 3;
constexpr int AuthorizationNotCoveredByWildcard = 4;
constexpr int ModeNoCors = 1, ModeSameOrigin = 2;
constexpr int MaxAgeDefault = 0, MaxAgeValue = 1, MaxAgeCapped = 2, MaxAgeInvalid = 3,
              MaxAgeNegative = 4, CacheHit = 5;
} // namespace kind

// Small numbers (statuses, short lifetimes) as text, built once: checks record them on every
// verdict and a fresh QByteArray::number() would allocate each time.
QByteArray statusText(int n)
{
    static const QList<QByteArray> table = [] {
        QList<QByteArray> t;
        t.reserve(600);
        for (int i = 0; i < 600; ++i)
            t.append(QByteArray::number(i));
        return t;
    }();
    return n >= 0 && n < table.size() ? table.at(n) : QByteArray::number(n);
}

// Chromium tells an invalid Access-Control-Allow-Origin from a mismatching one with GURL's
// validity: a scheme, "://" and a host. Checked by hand: this runs on every failing check.
bool looksLikeUrlWithHost(QByteArrayView value)
{
    const qsizetype sep = value.indexOf("://");
    if (sep <= 0 || sep + 3 >= value.size())
        return false;
    for (qsizetype i = 0; i < sep; ++i) {
        const char ch = value[i];
        const bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!alpha && !(i > 0 && ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.')))
            return false;
    }
    const char first = value[sep + 3];
    return first != '/' && first != ':' && first != '?' && first != '#';
}

class Evaluation
{
public:
    Evaluation(const Scenario &s, const BrowserProfile &p, const PreflightCache *cache = nullptr,
               qint64 nowMs = 0)
        : m_s(s), m_p(p), m_cache(cache), m_nowMs(nowMs)
    {
        m_v.profile = p.name;
        m_v.checks.reserve(12); // one allocation for a typical verdict
    }

    Verdict run();

private:
    bool constructRequest();
    bool fetchHop(int hop);
    bool preflight(const QList<UnsafeHeader> &unsafe);
    bool corsCheck(const ResponseSpec &response, Phase phase, int hop);
    bool followRedirect(const ResponseSpec &response, int hop);
    void exposeResponse();
    void addWarnings();
    void addContextWarnings();

    void pass(Check c) { m_v.checks.append(std::move(c)); }
    bool fail(Check c)
    {
        c.ok = false;
        m_v.error = c.error;
        m_v.errorDetail = c.seen;
        m_v.checks.append(std::move(c));
        m_v.exposed = false;
        m_v.responseType = QStringLiteral("error");
        m_v.finalUrl = m_current.isEmpty() ? m_s.url() : m_current;
        m_v.serializedOrigin = serializedOrigin();
        return false;
    }
    const QByteArray &serializedOrigin() const
    {
        static const QByteArray null = QByteArrayLiteral("null");
        return m_tainted ? null : m_s.origin.serialize();
    }
    bool includeCredentials() const { return m_s.credentials == CredentialsMode::Include; }
    const ResponseSpec &responseAt(int hop) const
    {
        return hop < m_s.redirects.size() ? m_s.redirects.at(hop) : m_s.response;
    }

    const Scenario &m_s;
    const BrowserProfile &m_p;
    const PreflightCache *m_cache;
    qint64 m_nowMs;
    Verdict m_v;
    QByteArray m_method;
    HeaderList m_headers;
    QUrl m_current;
    Origin m_currentOrigin; ///< Origin of m_current, computed once per hop
    bool m_tainted = false;
    bool m_reasonsRecorded = false;
    Tainting m_tainting = Tainting::Basic;
};

Verdict Evaluation::run()
{
    if (!constructRequest())
        return m_v;
    m_current = m_s.url();
    m_currentOrigin = m_s.urlOrigin();
    for (int hop = 0;; ++hop) {
        if (!fetchHop(hop)) {
            addContextWarnings();
            return m_v;
        }
        if (hop >= m_s.redirects.size())
            break;
        if (!followRedirect(m_s.redirects.at(hop), hop)) {
            addContextWarnings();
            return m_v;
        }
    }
    m_v.finalUrl = m_current;
    m_v.serializedOrigin = serializedOrigin();
    exposeResponse();
    addWarnings();
    addContextWarnings();
    return m_v;
}

// new Request() and the Headers guards: what the script asked for becomes what is sent.
bool Evaluation::constructRequest()
{
    if (isForbiddenMethod(m_s.method))
        return fail({Step::ForbiddenMethod,
                     Phase::Request,
                     0,
                     false,
                     CorsError::ForbiddenMethod,
                     m_s.method,
                     {},
                     0});
    m_method = normalizeMethod(m_s.method);
    if (!m_s.url().userInfo().isEmpty())
        return fail({Step::UrlCredentials,
                     Phase::Request,
                     0,
                     false,
                     CorsError::UrlContainsCredentials,
                     m_s.url().userInfo().toUtf8(),
                     {},
                     0});
    if (m_s.mode == RequestMode::NoCors && !isCorsSafelistedMethod(m_method))
        return fail({Step::NoCorsMethod,
                     Phase::Request,
                     0,
                     false,
                     CorsError::NoCorsMethodNotAllowed,
                     m_method,
                     {},
                     0});

    m_headers.reserve(m_s.headers.size());
    QByteArray forbidden;
    QByteArray noCorsDropped;
    for (const Header &h : m_s.headers) {
        const QByteArray value = normalizeHeaderValue(h.second);
        if (isForbiddenRequestHeader(h.first, value)) {
            forbidden += (forbidden.isEmpty() ? "" : ", ") + h.first;
            continue;
        }
        if (m_s.mode == RequestMode::NoCors &&
            !(isNoCorsSafelistedRequestHeaderName(h.first) &&
              isCorsSafelistedRequestHeader(h.first, value, m_p))) {
            noCorsDropped += (noCorsDropped.isEmpty() ? "" : ", ") + h.first;
            continue;
        }
        m_headers.append({h.first, value});
    }
    if (!forbidden.isEmpty()) {
        pass({Step::ForbiddenHeaders, Phase::Request, 0, true, CorsError::None, forbidden, {}, 0});
        m_v.warnings.append(
            {WarningKind::ForbiddenHeadersDropped, Severity::Warning, forbidden, {}});
    }
    if (!noCorsDropped.isEmpty())
        pass({Step::NoCorsHeaders, Phase::Request, 0, true, CorsError::None, noCorsDropped, {}, 0});
    m_v.sentHeaders = m_headers;
    m_v.sentMethod = m_method;
    return true;
}

// One pass of main fetch for the request's current URL: decide CORS or not, preflight when
// needed, then the CORS check of the response this hop got.
bool Evaluation::fetchHop(int hop)
{
    const Origin &current = m_currentOrigin;
    const ResponseSpec &response = responseAt(hop);
    const Phase phase = hop < m_s.redirects.size() ? Phase::Redirect : Phase::Response;

    // #main-fetch step 12: same origin (and never tainted) means a "basic" fetch without CORS.
    if (m_tainting == Tainting::Basic && !m_tainted && m_s.origin.sameOriginAs(current)) {
        pass({Step::SameOrigin, phase, hop, true, CorsError::None, m_s.origin.serialize(),
              current.serialize(), 0});
        return true;
    }
    if (m_s.mode == RequestMode::SameOrigin)
        return fail({Step::RequestMode, phase, hop, false, CorsError::DisallowedByMode,
                     current.serialize(), m_s.origin.serialize(), kind::ModeSameOrigin});
    if (m_s.mode == RequestMode::NoCors) {
        if (m_s.redirect != RedirectMode::Follow && phase == Phase::Redirect)
            return fail({Step::RedirectModeCheck,
                         phase,
                         hop,
                         false,
                         CorsError::RedirectModeError,
                         redirectModeName(m_s.redirect).toLatin1(),
                         {},
                         0});
        m_tainting = Tainting::Opaque;
        return true;
    }
    if (!current.isHttpFamily())
        return fail({Step::CorsScheme,
                     phase,
                     hop,
                     false,
                     CorsError::CorsDisabledScheme,
                     m_current.scheme().toLatin1(),
                     {},
                     0});
    m_tainting = Tainting::Cors;

    // #http-fetch step 4.1: a preflight when the method or a header is not safelisted.
    const QList<UnsafeHeader> unsafe = corsUnsafeRequestHeaderNames(m_headers, m_p);
    bool needed = !isCorsSafelistedMethod(m_method) || !unsafe.isEmpty();
    if (!m_reasonsRecorded) {
        m_reasonsRecorded = true;
        if (needed)
            m_v.preflightReasons.reserve(unsafe.size() + 1);
        if (!isCorsSafelistedMethod(m_method))
            m_v.preflightReasons.append({PreflightReason::Kind::Method, m_method, {}, {}});
        for (const UnsafeHeader &u : unsafe) {
            QByteArray value;
            for (const Header &h : m_headers) {
                if (equalsIgnoreCase(h.first, u.name))
                    value = h.second;
            }
            m_v.preflightReasons.append({PreflightReason::Kind::Header, u.name, u.why, value});
        }
    }
    pass({Step::PreflightNeeded,
          Phase::Request,
          hop,
          true,
          CorsError::None,
          m_method,
          {},
          needed ? kind::PreflightNeeded : kind::PreflightNotNeeded});
    if (needed && m_cache && m_cache->size() > 0) {
        QList<QByteArray> names;
        for (const UnsafeHeader &u : unsafe)
            names.append(u.name);
        if (m_cache->covers(serializedOrigin(), m_current, includeCredentials(), m_method, names,
                            m_nowMs, m_p)) {
            m_v.preflightFromCache = true;
            pass({Step::PreflightCache,
                  Phase::Preflight,
                  hop,
                  true,
                  CorsError::None,
                  m_method,
                  {},
                  kind::CacheHit});
            needed = false;
        }
    }
    if (needed && !preflight(unsafe))
        return false;
    return corsCheck(response, phase, hop);
}

// #cors-preflight-fetch, steps 1-7.
bool Evaluation::preflight(const QList<UnsafeHeader> &unsafe)
{
    const bool first = !m_v.preflightRequired;
    m_v.preflightRequired = true;
    if (first) {
        m_v.preflightRequest.reserve(3);
        m_v.preflightRequest.append({QByteArrayLiteral("Origin"), serializedOrigin()});
        m_v.preflightRequest.append({QByteArrayLiteral("Access-Control-Request-Method"), m_method});
        if (!unsafe.isEmpty()) {
            QByteArray names;
            for (const UnsafeHeader &u : unsafe)
                names += (names.isEmpty() ? "" : ",") + u.name;
            m_v.preflightRequest.append(
                {QByteArrayLiteral("Access-Control-Request-Headers"), names});
        }
    }
    if (!m_s.preflight)
        return fail({Step::PreflightResponseKnown,
                     Phase::Preflight,
                     0,
                     false,
                     CorsError::InvalidResponse,
                     {},
                     {},
                     0});
    const ResponseSpec &pf = *m_s.preflight;
    m_v.preflightEvaluated = true;

    if (m_p.preflightRedirectIsOwnError && isRedirectStatus(pf.status) &&
        containsHeader(pf.headers, "location"))
        return fail({Step::PreflightRedirect,
                     Phase::Preflight,
                     0,
                     false,
                     CorsError::PreflightDisallowedRedirect,
                     statusText(pf.status),
                     {},
                     0});
    if (!corsCheck(pf, Phase::Preflight, 0))
        return false;
    if (!isOkStatus(pf.status))
        return fail({Step::PreflightStatus, Phase::Preflight, 0, false,
                     CorsError::PreflightInvalidStatus, statusText(pf.status), "204", 0});
    pass({Step::PreflightStatus,
          Phase::Preflight,
          0,
          true,
          CorsError::None,
          statusText(pf.status),
          {},
          0});

    const ExtractedValues methods =
        extractHeaderListValues(pf.headers, "access-control-allow-methods");
    if (methods.state == ExtractedValues::State::Failure)
        return fail({Step::AllowMethodsParse, Phase::Preflight, 0, false,
                     CorsError::InvalidAllowMethodsPreflightResponse,
                     getHeader(pf.headers, "access-control-allow-methods").value_or(QByteArray()),
                     methods.offending, 0});
    const ExtractedValues headerNames =
        extractHeaderListValues(pf.headers, "access-control-allow-headers");
    if (headerNames.state == ExtractedValues::State::Failure)
        return fail({Step::AllowHeadersParse, Phase::Preflight, 0, false,
                     CorsError::InvalidAllowHeadersPreflightResponse,
                     getHeader(pf.headers, "access-control-allow-headers").value_or(QByteArray()),
                     headerNames.offending, 0});

    // '*' is a literal name for credentialed requests: say so whatever happens next.
    if (includeCredentials() && (methods.contains("*") || headerNames.contains("*")))
        m_v.warnings.append({WarningKind::WildcardIgnoredWithCredentials,
                             Severity::Warning,
                             methods.contains("*") ? "Access-Control-Allow-Methods"
                                                   : "Access-Control-Allow-Headers",
                             {}});
    // Step 7.6: the method must be safelisted, listed, or covered by `*` (not with credentials).
    const QByteArray &compared = m_method; // byte-exact, as Chromium 156 also does
    const bool wildcardMethods = !includeCredentials() && methods.contains("*");
    if (isCorsSafelistedMethod(compared))
        pass({Step::MethodAllowed,
              Phase::Preflight,
              0,
              true,
              CorsError::None,
              m_method,
              {},
              kind::MethodSafelisted});
    else if (methods.contains(compared))
        pass({Step::MethodAllowed, Phase::Preflight, 0, true, CorsError::None, m_method, compared,
              kind::MethodListed});
    else if (wildcardMethods)
        pass({Step::MethodAllowed,
              Phase::Preflight,
              0,
              true,
              CorsError::None,
              m_method,
              {},
              kind::MethodWildcard});
    else {
        // A listed method that differs only in case is the usual culprit ('patch' vs 'PATCH').
        QByteArray nearMiss;
        for (QByteArrayView m : methods.values) {
            if (equalsIgnoreCase(m, m_method))
                nearMiss = m.toByteArray();
        }
        return fail({Step::MethodAllowed, Phase::Preflight, 0, false,
                     CorsError::MethodDisallowedByPreflightResponse, m_method, nearMiss, 0});
    }

    // Steps 7.7-7.8: every CORS-unsafe header name must be listed or covered by `*`.
    const bool wildcardHeaders = !includeCredentials() && headerNames.contains("*");
    auto listed = [&](const QByteArray &name) { return headerNames.containsIgnoreCase(name); };
    for (const UnsafeHeader &u : unsafe) {
        if (listed(u.name))
            continue;
        if (wildcardHeaders && isCorsNonWildcardRequestHeaderName(u.name)) {
            if (!m_p.wildcardCoversAuthorization)
                return fail({Step::HeadersAllowed,
                             Phase::Preflight,
                             0,
                             false,
                             CorsError::HeaderDisallowedByPreflightResponse,
                             u.name,
                             {},
                             kind::AuthorizationNotCoveredByWildcard});
            m_v.warnings.append(
                {WarningKind::WildcardAuthorization, Severity::Warning, u.name, {}});
            continue;
        }
        if (!wildcardHeaders)
            return fail({Step::HeadersAllowed,
                         Phase::Preflight,
                         0,
                         false,
                         CorsError::HeaderDisallowedByPreflightResponse,
                         u.name,
                         {},
                         0});
    }
    if (!unsafe.isEmpty())
        pass({Step::HeadersAllowed,
              Phase::Preflight,
              0,
              true,
              CorsError::None,
              {},
              {},
              wildcardHeaders ? 1 : 0});
    // Steps 7.9-7.12: how long this result may be reused.
    const std::optional<QList<QByteArray>> maxAge =
        getDecodeAndSplit(pf.headers, "access-control-max-age");
    qint64 seconds = m_p.defaultMaxAgeSeconds;
    int maxAgeKind = kind::MaxAgeDefault;
    QByteArray raw;
    if (maxAge) {
        raw = getHeader(pf.headers, "access-control-max-age").value_or(QByteArray());
        bool ok = false;
        const qint64 parsed = raw.toLongLong(&ok);
        const bool digitsOnly =
            maxAge->size() == 1 && !raw.isEmpty() &&
            std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digitsOnly) {
            seconds = ok ? parsed : std::numeric_limits<qint64>::max();
            maxAgeKind = kind::MaxAgeValue;
            if (m_p.maxAgeCapSeconds >= 0 && seconds > m_p.maxAgeCapSeconds) {
                seconds = m_p.maxAgeCapSeconds;
                maxAgeKind = kind::MaxAgeCapped;
                m_v.warnings.append({WarningKind::MaxAgeAboveCap, Severity::Info, raw,
                                     QByteArray::number(m_p.maxAgeCapSeconds)});
            }
        } else if (ok && parsed < 0 && maxAge->size() == 1) {
            seconds = m_p.negativeMaxAgeSeconds;
            maxAgeKind = kind::MaxAgeNegative;
        } else {
            seconds = m_p.invalidMaxAgeSeconds;
            maxAgeKind = kind::MaxAgeInvalid;
        }
    }
    if (first) {
        m_v.preflightCacheSeconds = seconds;
        m_v.preflightResult = PreflightResult{
            serializedOrigin(), m_current, includeCredentials(), seconds, methods, headerNames};
    }
    pass({Step::PreflightCache, Phase::Preflight, 0, true, CorsError::None, raw,
          seconds >= 0 && seconds < 600 ? statusText(int(seconds)) : QByteArray::number(seconds),
          maxAgeKind});
    m_v.preflightOk = true;
    return true;
}

// #cors-check, with Chromium's finer error names for the failure.
bool Evaluation::corsCheck(const ResponseSpec &response, Phase phase, int hop)
{
    const bool pf = phase == Phase::Preflight;
    auto err = [pf](CorsError actual, CorsError preflight) { return pf ? preflight : actual; };
    const QByteArray &origin = serializedOrigin();
    const std::optional<QByteArray> acao =
        getHeader(response.headers, "access-control-allow-origin");
    if (!acao)
        return fail(
            {Step::AllowOrigin,
             phase,
             hop,
             false,
             err(CorsError::MissingAllowOriginHeader, CorsError::PreflightMissingAllowOriginHeader),
             {},
             origin,
             0});
    if (*acao == "*") {
        if (includeCredentials())
            return fail({Step::AllowOrigin, phase, hop, false,
                         err(CorsError::WildcardOriginNotAllowed,
                             CorsError::PreflightWildcardOriginNotAllowed),
                         *acao, origin, kind::WildcardOrigin});
        pass({Step::AllowOrigin, phase, hop, true, CorsError::None, *acao, origin,
              kind::WildcardOrigin});
    } else if (*acao != origin) {
        CorsError e = err(CorsError::AllowOriginMismatch, CorsError::PreflightAllowOriginMismatch);
        if (acao->contains(' ') || acao->contains(','))
            e = err(CorsError::MultipleAllowOriginValues,
                    CorsError::PreflightMultipleAllowOriginValues);
        else if (*acao != "null") {
            if (!looksLikeUrlWithHost(*acao))
                e = err(CorsError::InvalidAllowOriginValue,
                        CorsError::PreflightInvalidAllowOriginValue);
        }
        return fail({Step::AllowOrigin, phase, hop, false, e, *acao, origin, 0});
    } else {
        pass({Step::AllowOrigin, phase, hop, true, CorsError::None, *acao, origin,
              origin == "null" ? kind::NullOrigin : kind::ExactOrigin});
    }
    if (!includeCredentials())
        return true;
    const std::optional<QByteArray> acac =
        getHeader(response.headers, "access-control-allow-credentials");
    if (acac != QByteArrayLiteral("true"))
        return fail(
            {Step::AllowCredentials, phase, hop, false,
             err(CorsError::InvalidAllowCredentials, CorsError::PreflightInvalidAllowCredentials),
             acac.value_or(QByteArray()), "true", acac ? 1 : 0});
    pass({Step::AllowCredentials, phase, hop, true, CorsError::None, *acac, "true", 0});
    return true;
}

// #http-fetch step 9 and #http-redirect-fetch.
bool Evaluation::followRedirect(const ResponseSpec &response, int hop)
{
    const QByteArray status = statusText(response.status);
    if (m_s.redirect == RedirectMode::Error)
        return fail({Step::RedirectModeCheck, Phase::Redirect, hop, false,
                     CorsError::RedirectModeError, "error", status, 0});
    if (m_s.redirect == RedirectMode::Manual) {
        fail({Step::RedirectModeCheck, Phase::Redirect, hop, false, CorsError::OpaqueRedirect,
              "manual", status, 0});
        m_v.responseType = QStringLiteral("opaqueredirect");
        return false;
    }
    const QByteArray location = getHeader(response.headers, "location").value_or(QByteArray());
    const QUrl target = m_current.resolved(QUrl(QString::fromUtf8(location)));
    if (location.isEmpty() || !target.isValid())
        return fail({Step::RedirectLocation,
                     Phase::Redirect,
                     hop,
                     false,
                     CorsError::InvalidRedirectLocation,
                     location,
                     {},
                     0});
    const QString scheme = target.scheme();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return fail({Step::RedirectLocation,
                     Phase::Redirect,
                     hop,
                     false,
                     m_tainting == Tainting::Cors ? CorsError::CorsDisabledScheme
                                                  : CorsError::InvalidRedirectLocation,
                     location,
                     {},
                     1});
    if (hop + 1 > 20)
        return fail({Step::RedirectLocation,
                     Phase::Redirect,
                     hop,
                     false,
                     CorsError::TooManyRedirects,
                     location,
                     {},
                     2});
    const Origin from = m_currentOrigin;
    const Origin to = Origin::fromUrl(target);
    if (m_s.mode == RequestMode::Cors && !target.userInfo().isEmpty() &&
        !m_s.origin.sameOriginAs(to))
        return fail({Step::RedirectCredentials,
                     Phase::Redirect,
                     hop,
                     false,
                     CorsError::RedirectContainsCredentials,
                     target.toString().toUtf8(),
                     {},
                     0});
    pass({Step::RedirectLocation, Phase::Redirect, hop, true, CorsError::None,
          target.toString().toUtf8(), status, 0});

    // Step 12: 301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET.
    if (((response.status == 301 || response.status == 302) && m_method == "POST") ||
        (response.status == 303 && m_method != "GET" && m_method != "HEAD")) {
        const QByteArray before = m_method;
        m_method = "GET";
        m_headers.removeIf([](const Header &h) { return isRequestBodyHeaderName(h.first); });
        pass(
            {Step::RedirectMethod, Phase::Redirect, hop, true, CorsError::None, before, status, 0});
    }
    // Step 14: a hop from one foreign origin to another makes the origin opaque ("null").
    if (!to.sameOriginAs(from) && !m_s.origin.sameOriginAs(from) && !m_tainted) {
        m_tainted = true;
        pass({Step::RedirectTaint, Phase::Redirect, hop, true, CorsError::None, from.serialize(),
              to.serialize(), 0});
    }
    m_current = target;
    m_currentOrigin = to;
    m_v.redirectCount = hop + 1;
    return true;
}

// #concept-filtered-response-basic / -cors / -opaque: what the script gets to read.
void Evaluation::exposeResponse()
{
    const HeaderList &headers = m_s.response.headers;
    if (m_tainting == Tainting::Opaque) {
        m_v.exposed = false;
        m_v.error = CorsError::OpaqueResponse;
        m_v.responseType = QStringLiteral("opaque");
        m_v.checks.append({Step::RequestMode,
                           Phase::Response,
                           m_v.redirectCount,
                           false,
                           CorsError::OpaqueResponse,
                           {},
                           {},
                           kind::ModeNoCors});
        return;
    }
    m_v.exposed = true;
    m_v.responseType =
        m_tainting == Tainting::Cors ? QStringLiteral("cors") : QStringLiteral("basic");
    ExtractedValues exposedNames;
    bool all = m_tainting == Tainting::Basic;
    if (m_tainting == Tainting::Cors) {
        exposedNames = extractHeaderListValues(headers, "access-control-expose-headers");
        all = !includeCredentials() && exposedNames.contains("*");
    }
    QList<QByteArray> readable;
    QList<QByteArray> hidden;
    for (const Header &h : headers) {
        const QByteArray name = asciiLower(h.first);
        if (readable.contains(name) || hidden.contains(name))
            continue;
        const bool isExposed = all || isCorsSafelistedResponseHeaderName(name) ||
                               exposedNames.containsIgnoreCase(name);
        if (isExposed && !isForbiddenResponseHeaderName(name))
            readable.append(name);
        else if (!name.startsWith("access-control-") && !isForbiddenResponseHeaderName(name))
            hidden.append(name);
    }
    std::sort(readable.begin(), readable.end());
    std::sort(hidden.begin(), hidden.end());
    m_v.readableHeaders = readable;
    m_v.hiddenHeaders = hidden;
    QByteArray readableText;
    for (const QByteArray &r : readable)
        readableText += (readableText.isEmpty() ? "" : ", ") + r;
    m_v.checks.append({Step::ExposedHeaders,
                       Phase::Response,
                       m_v.redirectCount,
                       true,
                       CorsError::None,
                       readableText,
                       {},
                       m_tainting == Tainting::Cors ? (all ? 2 : 1) : 0});
}

// Findings that pass today but bite later; none of them changes the verdict.
// Findings about the context of the request, true whether or not it was blocked: a blocked
// credentialed call may be blocked *and* cookieless, and the user needs to hear both.
void Evaluation::addContextWarnings()
{
    // Cookies ride along only when the target is same-site with the page (ports do not count);
    // Chromium blocks third-party cookies by default.
    if (m_tainting == Tainting::Cors && includeCredentials() && m_p.browser == Browser::Chromium &&
        !m_s.origin.opaque && !sameSite(m_currentOrigin, m_s.origin))
        m_v.warnings.append({WarningKind::ThirdPartyCookies, Severity::Info, m_currentOrigin.host,
                             m_s.origin.host});
    if (m_p.localNetworkAccessPrompt && !m_s.origin.opaque) {
        const AddressSpace to = addressSpaceOfHost(m_s.urlOrigin().host);
        const bool toLocal = to == AddressSpace::Loopback || to == AddressSpace::Local;
        const AddressSpace from =
            toLocal ? addressSpaceOfHost(m_s.origin.host) : AddressSpace::Unknown;
        if (toLocal && (from == AddressSpace::Public ||
                        (from == AddressSpace::Local && to == AddressSpace::Loopback)))
            m_v.warnings.append({WarningKind::LocalNetworkAccess, Severity::Warning,
                                 m_s.origin.serialize(), m_s.urlOrigin().host});
    }
}

void Evaluation::addWarnings()
{
    const HeaderList &headers = m_s.response.headers;
    if (m_tainting == Tainting::Cors) {
        const QByteArray acao =
            getHeader(headers, "access-control-allow-origin").value_or(QByteArray());
        const QByteArray vary = getHeader(headers, "vary").value_or(QByteArray()).toLower();
        const bool varyOrigin = vary.contains("origin") || vary.trimmed() == "*";
        if (acao != "*" && acao == m_v.serializedOrigin && !varyOrigin && acao != "null")
            m_v.warnings.append(
                {WarningKind::EchoedOriginWithoutVary, Severity::Warning, acao, {}});
        if (acao == "*" &&
            (containsHeader(headers, "set-cookie") ||
             getHeader(headers, "access-control-allow-credentials") == QByteArrayLiteral("true")))
            m_v.warnings.append({WarningKind::WildcardWithCookies, Severity::Warning, {}, {}});
        if (acao == "null")
            m_v.warnings.append({WarningKind::NullOriginAllowed, Severity::Security, {}, {}});
        else if (includeCredentials() && acao == m_v.serializedOrigin)
            m_v.warnings.append(
                {WarningKind::CredentialedOriginReflection, Severity::Security, acao, {}});
        if (includeCredentials()) {
            const ExtractedValues expose =
                extractHeaderListValues(headers, "access-control-expose-headers");
            if (expose.contains("*"))
                m_v.warnings.append({WarningKind::WildcardIgnoredWithCredentials,
                                     Severity::Warning,
                                     "Access-Control-Expose-Headers",
                                     {}});
        }
        if (!m_v.hiddenHeaders.isEmpty()) {
            QByteArray names;
            for (const QByteArray &h : m_v.hiddenHeaders)
                names += (names.isEmpty() ? "" : ", ") + h;
            m_v.warnings.append({WarningKind::HiddenResponseHeaders, Severity::Info, names, {}});
        }
    }
}

} // namespace

Verdict evaluate(const Scenario &scenario, const BrowserProfile &profile)
{
    return Evaluation(scenario, profile).run();
}

Verdict evaluate(const Scenario &scenario, const BrowserProfile &profile,
                 const PreflightCache &cache, qint64 nowMs)
{
    return Evaluation(scenario, profile, &cache, nowMs).run();
}

Verdict evaluate(const Scenario &scenario)
{
    const BrowserProfile *profile = BrowserProfile::byName(scenario.browser);
    return evaluate(scenario, profile ? *profile : BrowserProfile::get(Browser::Chromium));
}

QString credentialsModeName(CredentialsMode mode)
{
    switch (mode) {
    case CredentialsMode::Omit:
        return QStringLiteral("omit");
    case CredentialsMode::SameOrigin:
        return QStringLiteral("same-origin");
    case CredentialsMode::Include:
        break;
    }
    return QStringLiteral("include");
}

QString requestModeName(RequestMode mode)
{
    switch (mode) {
    case RequestMode::Cors:
        return QStringLiteral("cors");
    case RequestMode::NoCors:
        return QStringLiteral("no-cors");
    case RequestMode::SameOrigin:
        break;
    }
    return QStringLiteral("same-origin");
}

QString redirectModeName(RedirectMode mode)
{
    switch (mode) {
    case RedirectMode::Follow:
        return QStringLiteral("follow");
    case RedirectMode::Manual:
        return QStringLiteral("manual");
    case RedirectMode::Error:
        break;
    }
    return QStringLiteral("error");
}

} // namespace corslab::cors
