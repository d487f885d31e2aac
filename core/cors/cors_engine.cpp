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

qsizetype headerLineCount(const HeaderList &headers, QByteArrayView name)
{
    return std::count_if(headers.cbegin(), headers.cend(), [&](const auto &h) {
        return QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0;
    });
}

enum class Tainting { Basic, Cors, Opaque };

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
// The port of an authority ("host:port/...") is digits up to 65535, or absent; Chromium reads
// "http://a:1%23" or "http://a:1:80" as no URL at all (InvalidAllowOriginValue).
bool hasValidPort(QByteArrayView authorityAndRest)
{
    qsizetype end = 0;
    while (end < authorityAndRest.size() && !QByteArrayView("/?#").contains(authorityAndRest[end]))
        ++end;
    const QByteArrayView authority = authorityAndRest.first(end);
    const qsizetype hostEnd = authority.startsWith('[') ? authority.indexOf(']') + 1 : 0;
    const qsizetype colon = authority.indexOf(':', hostEnd);
    if (colon < 0)
        return true;
    const QByteArrayView port = authority.sliced(colon + 1);
    constexpr qsizetype kMaxPortDigits = 5;
    constexpr int kMaxPort = 65535;
    if (port.size() > kMaxPortDigits)
        return false;
    for (const char ch : port) {
        if (ch < '0' || ch > '9')
            return false;
    }
    return port.isEmpty() || port.toInt() <= kMaxPort;
}

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
    if (first == '/' || first == ':' || first == '?' || first == '#')
        return false;
    return hasValidPort(value.sliced(sep + 3));
}

// Steps 7.9-7.12 of #cors-preflight-fetch: the lifetime Access-Control-Max-Age gives the result
// under a profile, and which case of the header that was.
struct MaxAge
{
    QByteArray raw = {}; ///< the header's value; empty when absent
    qint64 seconds = 0;
    CheckVariant variant = CheckVariant::MaxAgeAbsent;
};

MaxAge preflightMaxAge(const HeaderList &headers, const BrowserProfile &p)
{
    const std::optional<QList<QByteArray>> values =
        getDecodeAndSplit(headers, "access-control-max-age");
    if (!values)
        return {
            .raw = {}, .seconds = p.defaultMaxAgeSeconds, .variant = CheckVariant::MaxAgeAbsent};
    MaxAge m{.raw = getHeader(headers, "access-control-max-age").value_or(QByteArray())};
    bool ok = false;
    const qint64 parsed = m.raw.toLongLong(&ok);
    const bool digitsOnly =
        values->size() == 1 && !m.raw.isEmpty() &&
        std::all_of(m.raw.begin(), m.raw.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digitsOnly) {
        m.seconds = ok ? parsed : std::numeric_limits<qint64>::max();
        m.variant = CheckVariant::MaxAgeValue;
        if (p.maxAgeCapSeconds >= 0 && m.seconds > p.maxAgeCapSeconds) {
            m.seconds = p.maxAgeCapSeconds;
            m.variant = CheckVariant::MaxAgeCapped;
        }
    } else if (ok && parsed < 0 && values->size() == 1) {
        m.seconds = p.negativeMaxAgeSeconds;
        m.variant = CheckVariant::MaxAgeNegative;
    } else {
        m.seconds = p.invalidMaxAgeSeconds;
        m.variant = CheckVariant::MaxAgeInvalid;
    }
    return m;
}

// A listed method that differs only in case is the usual culprit ('patch' vs 'PATCH').
QByteArray sameMethodInOtherCase(const ExtractedValues &methods, const QByteArray &method)
{
    QByteArray found;
    for (QByteArrayView m : methods.values) {
        if (equalsIgnoreCase(m, method))
            found = m.toByteArray();
    }
    return found;
}

// The names joined by the separator: one name shared as is, several in one allocation.
QByteArray joined(const QList<QByteArray> &names, QByteArrayView separator)
{
    if (names.size() <= 1)
        return names.isEmpty() ? QByteArray() : names.first();
    qsizetype size = 0;
    for (const QByteArray &n : names)
        size += n.size() + separator.size();
    QByteArray out;
    out.reserve(size);
    for (const QByteArray &n : names) {
        if (!out.isEmpty())
            out += separator;
        out += n;
    }
    return out;
}

// #concept-filtered-response-cors: the lowercase names the script may read (all, safelisted or
// exposed, never forbidden ones) and the others worth mentioning, each sorted.
void sortHeaderNames(const HeaderList &headers, bool all, const ExtractedValues &exposedNames,
                     QList<QByteArray> &readable, QList<QByteArray> &hidden)
{
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
    bool applyHeadersGuards();
    bool fetchHop(int hop);
    enum class Route { Failed, WithoutCors, Cors };
    Route mainFetchMode(Phase phase, int hop);
    bool preflightNeeded(int hop, const QList<UnsafeHeader> &unsafe);
    void recordPreflightReasons(const QList<UnsafeHeader> &unsafe);
    bool cachedPreflightCovers(int hop, const QList<UnsafeHeader> &unsafe);
    bool preflight(const QList<UnsafeHeader> &unsafe);
    void recordPreflightRequest(const QList<UnsafeHeader> &unsafe);
    QList<QByteArray> unsafeNamePerLine(const QList<QByteArray> &unsafeNames) const;
    bool preflightResponseOk(const ResponseSpec &pf);
    bool preflightStatusOk(const ResponseSpec &pf);
    QList<UnsafeHeader> refusalOrder(const QList<UnsafeHeader> &unsafe) const;
    bool extractAllowLists(const ResponseSpec &pf, ExtractedValues &methods,
                           ExtractedValues &headerNames);
    void warnLiteralWildcards(const ExtractedValues &methods, const ExtractedValues &headerNames);
    bool methodAllowed(const ExtractedValues &methods);
    bool headersAllowed(const QList<UnsafeHeader> &unsafe, const ExtractedValues &headerNames);
    void cachePreflightResult(const ResponseSpec &pf, const ExtractedValues &methods,
                              const ExtractedValues &headerNames, bool first);
    bool corsCheck(const ResponseSpec &response, Phase phase, int hop);
    bool allowOrigin(const ResponseSpec &response, Phase phase, int hop);
    bool allowCredentials(const ResponseSpec &response, Phase phase, int hop);
    bool followRedirect(const ResponseSpec &response, int hop);
    bool redirectMode(const QByteArray &status, int hop);
    bool redirectLocation(const QUrl &target, const QByteArray &location, int hop);
    void redirectMethodChange(int status, const QByteArray &statusText, int hop);
    void exposeResponse();
    void addWarnings();
    void addContextWarnings();

    void pass(Check &&c) { m_v.checks.append(std::move(c)); }
    bool fail(Check &&c)
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
    Route failRoute(Check &&c)
    {
        fail(std::move(c));
        return Route::Failed;
    }
    void warn(Warning &&w) { m_v.warnings.append(std::move(w)); }
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

// #dom-request: new Request() refuses forbidden methods, URLs with credentials and, in mode
// "no-cors", unsafe methods; then the Headers guards decide what is sent.
bool Evaluation::constructRequest()
{
    if (isForbiddenMethod(m_s.method))
        return fail({.step = Step::ForbiddenMethod,
                     .error = CorsError::ForbiddenMethod,
                     .seen = m_s.method});
    m_method = normalizeMethod(m_s.method);
    if (!m_s.url().userInfo().isEmpty())
        return fail({.step = Step::UrlCredentials,
                     .error = CorsError::UrlContainsCredentials,
                     .seen = m_s.url().userInfo().toUtf8()});
    if (m_s.mode == RequestMode::NoCors && !isCorsSafelistedMethod(m_method))
        return fail({.step = Step::NoCorsMethod,
                     .error = CorsError::NoCorsMethodNotAllowed,
                     .seen = m_method});
    return applyHeadersGuards();
}

// #concept-headers-append: the "request" guard drops forbidden request-headers, the
// "request-no-cors" guard everything but no-CORS-safelisted ones.
bool Evaluation::applyHeadersGuards()
{
    m_headers.reserve(m_s.headers.size());
    QByteArray forbidden;
    QByteArray noCorsDropped;
    for (const Header &h : m_s.headers) {
        const QByteArray value = normalizeHeaderValue(h.second);
        if (isForbiddenRequestHeader(h.first, value) ||
            m_p.scriptIgnoredRequestHeaders.contains(asciiLower(h.first))) {
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
        pass({.step = Step::ForbiddenHeaders, .seen = forbidden});
        warn({.kind = WarningKind::ForbiddenHeadersDropped, .headerText = forbidden});
    }
    if (!noCorsDropped.isEmpty())
        pass({.step = Step::NoCorsHeaders, .seen = noCorsDropped});
    if (m_p.combinesRepeatedRequestHeaders)
        m_headers = combineRepeatedHeaders(m_headers);
    m_v.sentHeaders = m_headers;
    m_v.sentMethod = m_method;
    return true;
}

// One pass of main fetch for the request's current URL: decide CORS or not, preflight when
// needed, then the CORS check of the response this hop got.
bool Evaluation::fetchHop(int hop)
{
    const ResponseSpec &response = responseAt(hop);
    const Phase phase = hop < m_s.redirects.size() ? Phase::Redirect : Phase::Response;
    const Route route = mainFetchMode(phase, hop);
    if (route != Route::Cors)
        return route == Route::WithoutCors;
    const QList<UnsafeHeader> unsafe = corsUnsafeRequestHeaderNames(m_headers, m_p);
    if (preflightNeeded(hop, unsafe) && !cachedPreflightCovers(hop, unsafe) && !preflight(unsafe))
        return false;
    return corsCheck(response, phase, hop);
}

// #main-fetch step 12: same origin (and never tainted) means a "basic" fetch without CORS;
// otherwise the request's mode decides: refused, opaque, or a CORS fetch over HTTP(S).
Evaluation::Route Evaluation::mainFetchMode(Phase phase, int hop)
{
    const Origin &current = m_currentOrigin;
    if (m_tainting == Tainting::Basic && !m_tainted && m_s.origin.sameOriginAs(current)) {
        pass({.step = Step::SameOrigin,
              .phase = phase,
              .hop = hop,
              .seen = m_s.origin.serialize(),
              .expected = current.serialize()});
        return Route::WithoutCors;
    }
    if (m_s.mode == RequestMode::SameOrigin)
        return failRoute({.step = Step::RequestMode,
                          .phase = phase,
                          .hop = hop,
                          .error = CorsError::DisallowedByMode,
                          .seen = current.serialize(),
                          .expected = m_s.origin.serialize(),
                          .variant = CheckVariant::ModeSameOrigin});
    if (m_s.mode == RequestMode::NoCors) {
        if (m_s.redirect != RedirectMode::Follow && phase == Phase::Redirect)
            return failRoute({.step = Step::RedirectModeCheck,
                              .phase = phase,
                              .hop = hop,
                              .error = CorsError::RedirectModeError,
                              .seen = redirectModeName(m_s.redirect).toLatin1()});
        m_tainting = Tainting::Opaque;
        return Route::WithoutCors;
    }
    if (!current.isHttpFamily())
        return failRoute({.step = Step::CorsScheme,
                          .phase = phase,
                          .hop = hop,
                          .error = CorsError::CorsDisabledScheme,
                          .seen = m_current.scheme().toLatin1()});
    m_tainting = Tainting::Cors;
    return Route::Cors;
}

// #http-fetch step 4.1: a preflight when the method or a header is not safelisted.
bool Evaluation::preflightNeeded(int hop, const QList<UnsafeHeader> &unsafe)
{
    const bool needed = !isCorsSafelistedMethod(m_method) || !unsafe.isEmpty();
    if (!m_reasonsRecorded) {
        m_reasonsRecorded = true;
        if (needed)
            m_v.preflightReasons.reserve(unsafe.size() + 1);
        recordPreflightReasons(unsafe);
    }
    pass({.step = Step::PreflightNeeded,
          .hop = hop,
          .seen = m_method,
          .variant = needed ? CheckVariant::PreflightRequired : CheckVariant::SimpleRequest});
    return needed;
}

void Evaluation::recordPreflightReasons(const QList<UnsafeHeader> &unsafe)
{
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

// #http-fetch step 4.1 / #concept-cache: a cached preflight result that matches the method and
// every unsafe header name spares the preflight.
bool Evaluation::cachedPreflightCovers(int hop, const QList<UnsafeHeader> &unsafe)
{
    if (!m_cache || m_cache->size() == 0)
        return false;
    QList<QByteArray> names;
    for (const UnsafeHeader &u : unsafe)
        names.append(u.name);
    if (!m_cache->covers(serializedOrigin(), m_current, includeCredentials(), m_method, names,
                         m_nowMs, m_p))
        return false;
    m_v.preflightFromCache = true;
    pass({.step = Step::PreflightCache,
          .phase = Phase::Preflight,
          .hop = hop,
          .seen = m_method,
          .variant = CheckVariant::CacheHit});
    return true;
}

// #cors-preflight-fetch, steps 1-7.
bool Evaluation::preflight(const QList<UnsafeHeader> &unsafe)
{
    const bool first = !m_v.preflightRequired;
    m_v.preflightRequired = true;
    if (first)
        recordPreflightRequest(unsafe);
    if (!m_s.preflight)
        return fail({.step = Step::PreflightResponseKnown,
                     .phase = Phase::Preflight,
                     .error = CorsError::InvalidResponse});
    const ResponseSpec &pf = *m_s.preflight;
    m_v.preflightEvaluated = true;
    if (!preflightResponseOk(pf))
        return false;
    ExtractedValues methods;
    ExtractedValues headerNames;
    if (!extractAllowLists(pf, methods, headerNames))
        return false;
    warnLiteralWildcards(methods, headerNames);
    if (!methodAllowed(methods) || !headersAllowed(unsafe, headerNames))
        return false;
    cachePreflightResult(pf, methods, headerNames, first);
    m_v.preflightOk = true;
    return true;
}

// #cors-preflight-fetch steps 1-5: the OPTIONS request's Origin, Access-Control-Request-Method
// and Access-Control-Request-Headers (sorted lowercase names, joined by commas).
void Evaluation::recordPreflightRequest(const QList<UnsafeHeader> &unsafe)
{
    m_v.preflightRequest.reserve(3);
    m_v.preflightRequest.append({QByteArrayLiteral("Origin"), serializedOrigin()});
    m_v.preflightRequest.append({QByteArrayLiteral("Access-Control-Request-Method"), m_method});
    if (unsafe.isEmpty())
        return;
    QList<QByteArray> names;
    for (const UnsafeHeader &u : unsafe)
        names.append(u.name);
    if (m_p.preflightRepeatsHeaderNames)
        names = unsafeNamePerLine(names);
    m_v.preflightRequest.append(
        {QByteArrayLiteral("Access-Control-Request-Headers"), names.join(',')});
}

// Firefox's Access-Control-Request-Headers: each unsafe name as often as the script set it.
QList<QByteArray> Evaluation::unsafeNamePerLine(const QList<QByteArray> &unsafeNames) const
{
    QList<QByteArray> names;
    for (const QByteArray &name : unsafeNames) {
        const auto lines =
            std::count_if(m_headers.cbegin(), m_headers.cend(), [&](const Header &h) {
                return equalsIgnoreCase(h.first, name) &&
                       !isCorsSafelistedRequestHeader(h.first, h.second, m_p);
            });
        for (qsizetype k = 0; k < std::max<qsizetype>(lines, 1); ++k)
            names.append(name);
    }
    return names;
}

// #cors-preflight-fetch step 7: the response passes the CORS check and has an ok status (in the
// profile's order). Browsers fail a redirect first, with an error of its own.
bool Evaluation::preflightResponseOk(const ResponseSpec &pf)
{
    if (m_p.preflightRedirectIsOwnError && isRedirectStatus(pf.status) &&
        containsHeader(pf.headers, "location"))
        return fail({.step = Step::PreflightRedirect,
                     .phase = Phase::Preflight,
                     .error = CorsError::PreflightDisallowedRedirect,
                     .seen = statusText(pf.status)});
    if (m_p.preflightStatusBeforeCorsCheck)
        return preflightStatusOk(pf) && corsCheck(pf, Phase::Preflight, 0);
    return corsCheck(pf, Phase::Preflight, 0) && preflightStatusOk(pf);
}

// #cors-preflight-fetch step 7: "ok status" (200-299).
bool Evaluation::preflightStatusOk(const ResponseSpec &pf)
{
    if (!isOkStatus(pf.status))
        return fail({.step = Step::PreflightStatus,
                     .phase = Phase::Preflight,
                     .error = CorsError::PreflightInvalidStatus,
                     .seen = statusText(pf.status),
                     .expected = "204"});
    pass({.step = Step::PreflightStatus, .phase = Phase::Preflight, .seen = statusText(pf.status)});
    return true;
}

// #cors-preflight-fetch steps 7.1-7.4: extract Access-Control-Allow-Methods and
// Access-Control-Allow-Headers; a value that does not parse is a network error.
bool Evaluation::extractAllowLists(const ResponseSpec &pf, ExtractedValues &methods,
                                   ExtractedValues &headerNames)
{
    methods = extractHeaderListValues(pf.headers, "access-control-allow-methods");
    if (methods.state == ExtractedValues::State::Failure)
        return fail(
            {.step = Step::AllowMethodsParse,
             .phase = Phase::Preflight,
             .error = CorsError::InvalidAllowMethodsPreflightResponse,
             .seen = getHeader(pf.headers, "access-control-allow-methods").value_or(QByteArray()),
             .expected = methods.offending});
    headerNames = extractHeaderListValues(pf.headers, "access-control-allow-headers");
    if (headerNames.state == ExtractedValues::State::Failure)
        return fail(
            {.step = Step::AllowHeadersParse,
             .phase = Phase::Preflight,
             .error = CorsError::InvalidAllowHeadersPreflightResponse,
             .seen = getHeader(pf.headers, "access-control-allow-headers").value_or(QByteArray()),
             .expected = headerNames.offending});
    return true;
}

// '*' is a literal name for credentialed requests: say so whatever happens next.
void Evaluation::warnLiteralWildcards(const ExtractedValues &methods,
                                      const ExtractedValues &headerNames)
{
    if (!includeCredentials() || !(methods.contains("*") || headerNames.contains("*")))
        return;
    warn({.kind = WarningKind::WildcardIgnoredWithCredentials,
          .wildcardHeader =
              methods.contains("*") ? WildcardHeader::AllowMethods : WildcardHeader::AllowHeaders});
}

// #cors-preflight-fetch step 7.6: the method must be safelisted, listed, or covered by `*` (not
// with credentials).
bool Evaluation::methodAllowed(const ExtractedValues &methods)
{
    const QByteArray &compared = m_method; // byte-exact, as Chromium 156 also does
    auto allowed = [&](const QByteArray &expected, CheckVariant variant) {
        return Check{.step = Step::MethodAllowed,
                     .phase = Phase::Preflight,
                     .seen = m_method,
                     .expected = expected,
                     .variant = variant};
    };
    if (isCorsSafelistedMethod(compared))
        pass(allowed({}, CheckVariant::MethodSafelisted));
    else if (methods.contains(compared))
        pass(allowed(compared, CheckVariant::MethodListed));
    else if (!includeCredentials() && methods.contains("*"))
        pass(allowed({}, CheckVariant::MethodWildcard));
    else
        return fail({.step = Step::MethodAllowed,
                     .phase = Phase::Preflight,
                     .error = CorsError::MethodDisallowedByPreflightResponse,
                     .seen = m_method,
                     .expected = sameMethodInOtherCase(methods, m_method)});
    return true;
}

// #cors-preflight-fetch steps 7.7-7.8: every CORS-unsafe header name must be listed or covered by
// `*` (not with credentials, and never Authorization in the standard).
bool Evaluation::headersAllowed(const QList<UnsafeHeader> &unsafe,
                                const ExtractedValues &headerNames)
{
    const bool wildcardHeaders = !includeCredentials() && headerNames.contains("*");
    auto denied = [](const QByteArray &name, CheckVariant variant) {
        return Check{.step = Step::HeadersAllowed,
                     .phase = Phase::Preflight,
                     .error = CorsError::HeaderDisallowedByPreflightResponse,
                     .seen = name,
                     .variant = variant};
    };
    for (const UnsafeHeader &u : refusalOrder(unsafe)) {
        if (headerNames.containsIgnoreCase(u.name))
            continue;
        if (!wildcardHeaders)
            return fail(denied(u.name, CheckVariant::None));
        if (!isCorsNonWildcardRequestHeaderName(u.name))
            continue;
        if (!m_p.wildcardCoversAuthorization)
            return fail(denied(u.name, CheckVariant::AuthorizationNotCoveredByWildcard));
        warn({.kind = WarningKind::WildcardAuthorization, .headerText = u.name});
    }
    if (!unsafe.isEmpty())
        pass({.step = Step::HeadersAllowed,
              .phase = Phase::Preflight,
              .variant =
                  wildcardHeaders ? CheckVariant::HeadersWildcard : CheckVariant::HeadersListed});
    return true;
}

// The order in which the browser looks for a refused header: sorted (Access-Control-Request-
// Headers' order), or the order the script set them in (the profile's refusedHeaderInRequestOrder).
QList<UnsafeHeader> Evaluation::refusalOrder(const QList<UnsafeHeader> &unsafe) const
{
    if (!m_p.refusedHeaderInRequestOrder || unsafe.size() < 2)
        return unsafe;
    const auto position = [this](const QByteArray &name) {
        const auto found = std::find_if(m_headers.cbegin(), m_headers.cend(), [&](const Header &h) {
            return equalsIgnoreCase(h.first, name);
        });
        return std::distance(m_headers.cbegin(), found);
    };
    QList<UnsafeHeader> ordered = unsafe;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [&](const UnsafeHeader &a, const UnsafeHeader &b) {
                         return position(a.name) < position(b.name);
                     });
    return ordered;
}

// #cors-preflight-fetch steps 7.9-7.12: how long this result may be reused; the first passing
// preflight's result is what the caller may store.
void Evaluation::cachePreflightResult(const ResponseSpec &pf, const ExtractedValues &methods,
                                      const ExtractedValues &headerNames, bool first)
{
    const MaxAge maxAge = preflightMaxAge(pf.headers, m_p);
    if (maxAge.variant == CheckVariant::MaxAgeCapped)
        warn({.kind = WarningKind::MaxAgeAboveCap,
              .severity = Severity::Info,
              .headerText = maxAge.raw,
              .capSeconds = m_p.maxAgeCapSeconds});
    const qint64 seconds = maxAge.seconds;
    if (first) {
        m_v.preflightCacheSeconds = seconds;
        m_v.preflightResult = PreflightResult{
            serializedOrigin(), m_current, includeCredentials(), seconds, methods, headerNames};
    }
    pass({.step = Step::PreflightCache,
          .phase = Phase::Preflight,
          .seen = maxAge.raw,
          .expected = seconds >= 0 && seconds < 600 ? statusText(int(seconds))
                                                    : QByteArray::number(seconds),
          .variant = maxAge.variant});
}

// #cors-check, with Chromium's finer error names for the failure.
bool Evaluation::corsCheck(const ResponseSpec &response, Phase phase, int hop)
{
    return allowOrigin(response, phase, hop) &&
           (!includeCredentials() || allowCredentials(response, phase, hop));
}

// #cors-check steps 1-4: Access-Control-Allow-Origin is '*' (without credentials) or the origin.
bool Evaluation::allowOrigin(const ResponseSpec &response, Phase phase, int hop)
{
    const bool pf = phase == Phase::Preflight;
    auto err = [pf](CorsError actual, CorsError preflight) { return pf ? preflight : actual; };
    const QByteArray &origin = serializedOrigin();
    const std::optional<QByteArray> acao =
        getHeader(response.headers, "access-control-allow-origin");
    auto check = [&](CorsError error, CheckVariant variant) {
        return Check{.step = Step::AllowOrigin,
                     .phase = phase,
                     .hop = hop,
                     .error = error,
                     .seen = acao.value_or(QByteArray()),
                     .expected = origin,
                     .variant = variant};
    };
    if (!acao)
        return fail(check(
            err(CorsError::MissingAllowOriginHeader, CorsError::PreflightMissingAllowOriginHeader),
            CheckVariant::None));
    if (*acao == "*") {
        if (includeCredentials())
            return fail(check(err(CorsError::WildcardOriginNotAllowed,
                                  CorsError::PreflightWildcardOriginNotAllowed),
                              CheckVariant::AllowOriginWildcard));
        pass(check(CorsError::None, CheckVariant::AllowOriginWildcard));
        return true;
    }
    if (*acao != origin) {
        CorsError e = err(CorsError::AllowOriginMismatch, CorsError::PreflightAllowOriginMismatch);
        CheckVariant variant = CheckVariant::None;
        if (acao->contains(' ') || acao->contains(',')) {
            e = err(CorsError::MultipleAllowOriginValues,
                    CorsError::PreflightMultipleAllowOriginValues);
            // Firefox names the two apart (its console reason): keep which one it was.
            variant = headerLineCount(response.headers, "access-control-allow-origin") > 1
                          ? CheckVariant::AllowOriginRepeated
                          : CheckVariant::AllowOriginListInOneLine;
        } else if (*acao != "null" && !looksLikeUrlWithHost(*acao)) {
            e = err(CorsError::InvalidAllowOriginValue,
                    CorsError::PreflightInvalidAllowOriginValue);
        }
        return fail(check(e, variant));
    }
    pass(check(CorsError::None,
               origin == "null" ? CheckVariant::AllowOriginNull : CheckVariant::AllowOriginExact));
    return true;
}

// #cors-check steps 5-7: with credentials, Access-Control-Allow-Credentials must be `true`.
bool Evaluation::allowCredentials(const ResponseSpec &response, Phase phase, int hop)
{
    const std::optional<QByteArray> acac =
        getHeader(response.headers, "access-control-allow-credentials");
    if (acac != QByteArrayLiteral("true"))
        return fail({.step = Step::AllowCredentials,
                     .phase = phase,
                     .hop = hop,
                     .error = phase == Phase::Preflight
                                  ? CorsError::PreflightInvalidAllowCredentials
                                  : CorsError::InvalidAllowCredentials,
                     .seen = acac.value_or(QByteArray()),
                     .expected = "true",
                     .variant = acac ? CheckVariant::AllowCredentialsNotTrue
                                     : CheckVariant::AllowCredentialsMissing});
    pass({.step = Step::AllowCredentials,
          .phase = phase,
          .hop = hop,
          .seen = *acac,
          .expected = "true"});
    return true;
}

// #http-fetch step 9 and #http-redirect-fetch.
bool Evaluation::followRedirect(const ResponseSpec &response, int hop)
{
    const QByteArray status = statusText(response.status);
    if (!redirectMode(status, hop))
        return false;
    const QByteArray location = getHeader(response.headers, "location").value_or(QByteArray());
    const QUrl target = m_current.resolved(QUrl(QString::fromUtf8(location)));
    if (!redirectLocation(target, location, hop))
        return false;
    const Origin from = m_currentOrigin;
    const Origin to = Origin::fromUrl(target);
    // Step 8: a CORS request may not be redirected to a cross-origin URL with credentials.
    if (m_s.mode == RequestMode::Cors && !target.userInfo().isEmpty() &&
        !m_s.origin.sameOriginAs(to))
        return fail({.step = Step::RedirectCredentials,
                     .phase = Phase::Redirect,
                     .hop = hop,
                     .error = CorsError::RedirectContainsCredentials,
                     .seen = target.toString().toUtf8()});
    pass({.step = Step::RedirectLocation,
          .phase = Phase::Redirect,
          .hop = hop,
          .seen = target.toString().toUtf8(),
          .expected = status});
    redirectMethodChange(response.status, status, hop);
    // Step 14: a hop from one foreign origin to another makes the origin opaque ("null").
    if (!to.sameOriginAs(from) && !m_s.origin.sameOriginAs(from) && !m_tainted) {
        m_tainted = true;
        pass({.step = Step::RedirectTaint,
              .phase = Phase::Redirect,
              .hop = hop,
              .seen = from.serialize(),
              .expected = to.serialize()});
    }
    m_current = target;
    m_currentOrigin = to;
    m_v.redirectCount = hop + 1;
    return true;
}

// #http-fetch step 9: redirect mode "error" is a network error, "manual" an opaque redirect.
bool Evaluation::redirectMode(const QByteArray &status, int hop)
{
    if (m_s.redirect == RedirectMode::Error)
        return fail({.step = Step::RedirectModeCheck,
                     .phase = Phase::Redirect,
                     .hop = hop,
                     .error = CorsError::RedirectModeError,
                     .seen = "error",
                     .expected = status});
    if (m_s.redirect == RedirectMode::Manual) {
        fail({.step = Step::RedirectModeCheck,
              .phase = Phase::Redirect,
              .hop = hop,
              .error = CorsError::OpaqueRedirect,
              .seen = "manual",
              .expected = status});
        m_v.responseType = QStringLiteral("opaqueredirect");
        return false;
    }
    return true;
}

// #http-redirect-fetch steps 3-6: the location URL parses, is HTTP(S), and the count stays <= 20.
bool Evaluation::redirectLocation(const QUrl &target, const QByteArray &location, int hop)
{
    Check c{.step = Step::RedirectLocation, .phase = Phase::Redirect, .hop = hop, .seen = location};
    const QString scheme = target.scheme();
    if (location.isEmpty() || !target.isValid()) {
        c.error = CorsError::InvalidRedirectLocation;
        c.variant = CheckVariant::LocationUnparsable;
    } else if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        c.error = m_tainting == Tainting::Cors ? CorsError::CorsDisabledScheme
                                               : CorsError::InvalidRedirectLocation;
        c.variant = CheckVariant::LocationNotHttp;
    } else if (hop + 1 > 20) {
        c.error = CorsError::TooManyRedirects;
        c.variant = CheckVariant::TooManyRedirects;
    } else {
        return true;
    }
    return fail(std::move(c));
}

// #http-redirect-fetch step 12: 301/302 turn POST into GET; 303 turns everything but GET/HEAD
// into GET, dropping the body and its headers.
void Evaluation::redirectMethodChange(int status, const QByteArray &statusText, int hop)
{
    if (!(((status == 301 || status == 302) && m_method == "POST") ||
          (status == 303 && m_method != "GET" && m_method != "HEAD")))
        return;
    const QByteArray before = m_method;
    m_method = "GET";
    m_headers.removeIf([](const Header &h) { return isRequestBodyHeaderName(h.first); });
    pass({.step = Step::RedirectMethod,
          .phase = Phase::Redirect,
          .hop = hop,
          .seen = before,
          .expected = statusText});
}

// #concept-filtered-response-basic / -cors / -opaque: what the script gets to read.
void Evaluation::exposeResponse()
{
    const HeaderList &headers = m_s.response.headers;
    if (m_tainting == Tainting::Opaque) {
        m_v.exposed = false;
        m_v.error = CorsError::OpaqueResponse;
        m_v.responseType = QStringLiteral("opaque");
        m_v.checks.append({.step = Step::RequestMode,
                           .phase = Phase::Response,
                           .hop = m_v.redirectCount,
                           .ok = false,
                           .error = CorsError::OpaqueResponse,
                           .variant = CheckVariant::ModeNoCors});
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
    sortHeaderNames(headers, all, exposedNames, m_v.readableHeaders, m_v.hiddenHeaders);
    m_v.checks.append({.step = Step::ExposedHeaders,
                       .phase = Phase::Response,
                       .hop = m_v.redirectCount,
                       .seen = joined(m_v.readableHeaders, ", "),
                       .variant = m_tainting != Tainting::Cors ? CheckVariant::ExposeAll
                                  : all                        ? CheckVariant::ExposeWildcard
                                                               : CheckVariant::ExposeListed});
}

// Findings about the context of the request, true whether or not it was blocked: a blocked
// credentialed call may be blocked *and* cookieless, and the user needs to hear both.
void Evaluation::addContextWarnings()
{
    // Cookies ride along only when the target is same-site with the page (ports do not count);
    // a profile that blocks third-party cookies sends none otherwise.
    if (m_tainting == Tainting::Cors && includeCredentials() && m_p.blocksThirdPartyCookies &&
        !m_s.origin.opaque && !sameSite(m_currentOrigin, m_s.origin))
        warn({.kind = WarningKind::ThirdPartyCookies,
              .severity = Severity::Info,
              .page = m_s.origin.host,
              .targetHost = m_currentOrigin.host});
    if (m_p.localNetworkAccessPrompt && !m_s.origin.opaque) {
        const AddressSpace to = addressSpaceOfHost(m_s.urlOrigin().host);
        const bool toLocal = to == AddressSpace::Loopback || to == AddressSpace::Local;
        const AddressSpace from =
            toLocal ? addressSpaceOfHost(m_s.origin.host) : AddressSpace::Unknown;
        if (toLocal && (from == AddressSpace::Public ||
                        (from == AddressSpace::Local && to == AddressSpace::Loopback)))
            warn({.kind = WarningKind::LocalNetworkAccess,
                  .page = m_s.origin.serialize(),
                  .targetHost = m_s.urlOrigin().host});
    }
}

// Findings that pass today but bite later; none of them changes the verdict.
void Evaluation::addWarnings()
{
    if (m_tainting != Tainting::Cors)
        return;
    const HeaderList &headers = m_s.response.headers;
    const QByteArray acao =
        getHeader(headers, "access-control-allow-origin").value_or(QByteArray());
    const QByteArray vary = getHeader(headers, "vary").value_or(QByteArray()).toLower();
    const bool varyOrigin = vary.contains("origin") || vary.trimmed() == "*";
    if (acao != "*" && acao == m_v.serializedOrigin && !varyOrigin && acao != "null")
        warn({.kind = WarningKind::EchoedOriginWithoutVary, .headerText = acao});
    if (acao == "*" &&
        (containsHeader(headers, "set-cookie") ||
         getHeader(headers, "access-control-allow-credentials") == QByteArrayLiteral("true")))
        warn({.kind = WarningKind::WildcardWithCookies});
    if (acao == "null")
        warn({.kind = WarningKind::NullOriginAllowed, .severity = Severity::Security});
    else if (includeCredentials() && acao == m_v.serializedOrigin)
        warn({.kind = WarningKind::CredentialedOriginReflection,
              .severity = Severity::Security,
              .headerText = acao});
    if (includeCredentials() &&
        extractHeaderListValues(headers, "access-control-expose-headers").contains("*"))
        warn({.kind = WarningKind::WildcardIgnoredWithCredentials,
              .wildcardHeader = WildcardHeader::ExposeHeaders});
    if (!m_v.hiddenHeaders.isEmpty())
        warn({.kind = WarningKind::HiddenResponseHeaders,
              .severity = Severity::Info,
              .headerText = joined(m_v.hiddenHeaders, ", ")});
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
