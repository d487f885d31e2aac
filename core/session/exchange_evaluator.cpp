#include "exchange_evaluator.h"

#include "base/header_list.h"
#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/fetch_rules.h"
#include "cors/preflight_cache.h"
#include "fast_hash.h"

#include <algorithm>

namespace corslab::session {

namespace {

struct StateName
{
    VerdictState state;
    const char *name;
};
constexpr StateName kStateNames[] = {
    {VerdictState::NotApplicable, "not-applicable"},
    {VerdictState::Exposed, "exposed"},
    {VerdictState::Warning, "warning"},
    {VerdictState::Blocked, "blocked"},
    {VerdictState::Unknown, "unknown"},
};

// A value the engine can never take for safelisted: '(' is a CORS-unsafe request-header byte,
// so every name a preflight announces is judged against Access-Control-Allow-Headers.
const QByteArray kSetByPage = QByteArrayLiteral("(set by the page)");

qint8 failedIndex(const cors::Verdict &v)
{
    for (qsizetype i = 0; i < v.checks.size() && i < 127; ++i) {
        if (!v.checks.at(i).ok)
            return qint8(i);
    }
    return -1;
}

// The warnings that make a row "warning". Info ones do not, nor CredentialedOriginReflection:
// the engine raises it for every credentialed response that names its origin, as advice ("if
// the server copies any Origin..."), so it would mark every healthy credentialed call. For a
// preflight only the warnings about the preflight count: its stand-in actual response would
// raise others that say nothing about the server.
quint8 countWarnings(const cors::Verdict &v, bool preflightOnly)
{
    int n = 0;
    for (const cors::Warning &w : v.warnings) {
        if (w.severity == cors::Severity::Info ||
            w.kind == cors::WarningKind::CredentialedOriginReflection)
            continue;
        if (preflightOnly && w.kind != cors::WarningKind::WildcardAuthorization &&
            w.kind != cors::WarningKind::WildcardIgnoredWithCredentials &&
            w.kind != cors::WarningKind::LocalNetworkAccess)
            continue;
        ++n;
    }
    return quint8(std::min(n, 255));
}

VerdictSummary summarize(const cors::Verdict &v, const cors::Verdict *withCredentials,
                         quint8 assumptions, cors::CredentialsMode mode, bool preflight)
{
    VerdictSummary s;
    s.assumptions = assumptions;
    s.credentials = quint8(mode);
    s.warnings = countWarnings(v, preflight);
    if (!v.exposed) {
        s.state = VerdictState::Blocked;
        s.error = quint8(v.error);
        s.failedCheck = failedIndex(v);
    } else if (withCredentials && !withCredentials->exposed) {
        // Exposed as sent, blocked had the page asked for credentials: the capture cannot tell.
        s.state = VerdictState::Warning;
        s.error = quint8(withCredentials->error);
        s.failedCheck = failedIndex(*withCredentials);
        s.assumptions |= Assumption::ErrorWithCredentials;
    } else {
        s.state = s.warnings ? VerdictState::Warning : VerdictState::Exposed;
    }
    return s;
}

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

QString idList(const QList<qint64> &ids)
{
    QStringList parts;
    for (qsizetype i = 0; i < ids.size() && i < 10; ++i)
        parts << QLatin1Char('#') + QString::number(ids.at(i));
    if (ids.size() > 10)
        parts << QStringLiteral("and %1 more").arg(ids.size() - 10);
    return parts.join(QStringLiteral(", "));
}

// Headers whose value can change a verdict: the CORS-safelisted ones (value rules), and the
// method-override ones (forbidden when they smuggle a forbidden method). For any other header
// the name alone decides (it is CORS-unsafe whatever its value).
bool requestValueMatters(QByteArrayView name)
{
    static constexpr QByteArrayView names[] = {"accept",
                                               "accept-language",
                                               "content-language",
                                               "content-type",
                                               "range",
                                               "dpr",
                                               "width",
                                               "viewport-width",
                                               "device-memory",
                                               "rtt",
                                               "downlink",
                                               "ect",
                                               "save-data",
                                               "x-http-method",
                                               "x-http-method-override",
                                               "x-method-override"};
    for (QByteArrayView n : names) {
        if (n.size() == name.size() && base::equalsIgnoreCase(name, n))
            return true;
    }
    return false;
}

bool responseValueMatters(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    const char first = char(name[0] | 0x20);
    return (first == 'a' && name.size() > 15 &&
            base::equalsIgnoreCase(name.first(15), "access-control-")) ||
           (first == 'v' && base::equalsIgnoreCase(name, "vary"));
}

// Headers the classifier takes for the browser's although a page may set them too
// (Cache-Control, User-Agent...): when the preflight announced one, the script set it, and it
// belongs with the script's headers. Rare, so the announced names are checked before any work.
base::HeaderList setByThePageAfterAll(const CapturedExchange &x, const QList<QByteArray> &announced,
                                      const base::HeaderList &scriptHeaders)
{
    const bool any = std::any_of(announced.begin(), announced.end(), [](const QByteArray &n) {
        return n == "user-agent" || n == "priority" || n == "pragma" || n == "cache-control" ||
               n == "upgrade-insecure-requests";
    });
    base::HeaderList out;
    if (!any)
        return out;
    for (const auto &h : x.requestHeaders) {
        if (announced.contains(base::asciiLower(h.first)) &&
            !base::containsHeader(scriptHeaders, h.first) &&
            !cors::isForbiddenRequestHeader(h.first, h.second))
            out.append(h);
    }
    return out;
}

QList<QByteArray> announcedBy(const CapturedExchange *preflight)
{
    if (!preflight)
        return {};
    return parseRequestedHeaderNames(
        base::getHeader(preflight->requestHeaders, "access-control-request-headers")
            .value_or(QByteArray()));
}

// What a cached preflight would have allowed when none was seen: this method and these headers.
cors::PreflightCache assumedCache(const cors::Scenario &s, const cors::BrowserProfile &profile)
{
    QByteArray unsafe;
    for (const cors::UnsafeHeader &u : cors::corsUnsafeRequestHeaderNames(s.headers, profile))
        unsafe += (unsafe.isEmpty() ? "" : ",") + u.name;
    cors::PreflightCache cache;
    cache.store({s.origin.serialize(), s.url(), s.credentials == cors::CredentialsMode::Include, 60,
                 base::extractHeaderListValues({{"m", s.method}}, "m"),
                 base::extractHeaderListValues({{"h", unsafe}}, "h")},
                0);
    return cache;
}

QString notApplicableNote(const Classification &c)
{
    switch (c.kind) {
    case ExchangeKind::SameOrigin:
        return QStringLiteral("same-origin request: CORS does not apply");
    case ExchangeKind::NoCors:
        if (c.webSocket)
            return QStringLiteral("WebSocket handshake: CORS does not apply (the server must "
                                  "check the Origin header itself)");
        return QStringLiteral("not a CORS request: mode 'no-cors' (an image, script or style), "
                              "the response is opaque to scripts");
    case ExchangeKind::Navigation:
        return QStringLiteral("navigation (a page load): CORS does not apply");
    case ExchangeKind::Tunnel:
        return QStringLiteral("opaque CONNECT tunnel: nothing was decrypted, nothing to judge");
    default:
        break;
    }
    return {};
}

class Evaluator
{
public:
    Evaluator(const CapturedExchange &x, const Classification &c, const EvaluationContext &ctx,
              const cors::BrowserProfile &profile, bool withNotes)
        : m_x(x), m_c(c), m_ctx(ctx), m_p(profile), m_withNotes(withNotes)
    {
        m_e.classification = c;
    }

    ExchangeEvaluation run();

private:
    void note(const QString &text)
    {
        if (m_withNotes)
            m_e.notes << text;
    }
    void actual();
    void preflight();
    cors::Verdict judgeActual(const cors::Scenario &s);
    /// The browser announced this request but never sent it: its preflight failed. Only the
    /// preflight can then decide; a capture on the wire never sees such a request.
    bool neverSentAfterItsPreflight() const
    {
        return m_x.status == 0 && m_x.browserReport && m_x.browserReport->notSent &&
               m_ctx.preflight && m_c.kind != ExchangeKind::Preflight;
    }
    void pairingNotes();

    const CapturedExchange &m_x;
    const Classification &m_c;
    const EvaluationContext &m_ctx;
    const cors::BrowserProfile &m_p;
    bool m_withNotes;
    ExchangeEvaluation m_e;
    qint64 m_cachedSeconds = -1; ///< a cache hit: the serving preflight's lifetime
};

// A response that passes the CORS check with and without credentials: where the actual response
// is unknown, it lets the other checks alone decide.
cors::ResponseSpec passingStandIn(const cors::Origin &origin)
{
    return cors::ResponseSpec{200,
                              {{"Access-Control-Allow-Origin", origin.serialize()},
                               {"Access-Control-Allow-Credentials", "true"},
                               {"Vary", "Origin"}}};
}

ExchangeEvaluation Evaluator::run()
{
    if (m_withNotes && m_c.evidence)
        note(QStringLiteral("classified as %1 from %2")
                 .arg(exchangeKindName(m_c.kind), describeEvidence(m_x, m_c.evidence)));
    if (!m_x.error.isEmpty())
        note(m_x.status ? QStringLiteral("failed: %1; judged on the response the browser got "
                                         "(status %2)")
                              .arg(m_x.error)
                              .arg(m_x.status)
                        : QStringLiteral("failed: %1").arg(m_x.error));
    if (m_x.answeredLocally)
        note(QStringLiteral("answered by the proxy (rule \"%1\"), the server never saw it")
                 .arg(m_x.overrideRule));
    else if (m_x.overridden)
        note(QStringLiteral("response changed by the override rule \"%1\" (the server answered "
                            "%2)")
                 .arg(m_x.overrideRule)
                 .arg(m_x.upstreamStatus));
    if (!isCorsKind(m_c.kind)) {
        m_e.summary.state = VerdictState::NotApplicable;
        note(notApplicableNote(m_c));
        return m_e;
    }
    pairingNotes();
    if (m_x.status == 0 && !neverSentAfterItsPreflight()) {
        m_e.summary.state = VerdictState::Unknown;
        note(QStringLiteral("no response: the browser reports a network error, CORS never "
                            "looked at it"));
        return m_e;
    }
    cors::Scenario &s = m_e.scenario;
    s.browser = m_p.name;
    s.setUrl(QUrl(latin1(m_x.url)));
    QString error;
    if (m_c.origin.isEmpty() || !cors::Origin::parse(latin1(m_c.origin), &s.origin, &error)) {
        m_e.summary.state = VerdictState::Unknown;
        note(m_c.origin.isEmpty()
                 ? QStringLiteral("no Origin header although the request is cross-origin: "
                                  "cannot judge")
                 : QStringLiteral("the Origin header \"%1\" is not an origin (%2): cannot judge")
                       .arg(latin1(m_c.origin), error));
        return m_e;
    }
    if (m_c.kind == ExchangeKind::Preflight)
        preflight();
    else
        actual();
    return m_e;
}

cors::Verdict Evaluator::judgeActual(const cors::Scenario &s)
{
    switch (m_ctx.pairing) {
    case PairingState::CacheHit:
        if (m_ctx.preflight) {
            // The serving preflight's result, cached when it was answered, read when this
            // request started: the engine then says the preflight came from the cache.
            const cors::Verdict first = cors::evaluate(s, m_p);
            if (!first.preflightResult)
                return first;
            m_cachedSeconds = first.preflightCacheSeconds;
            cors::PreflightCache cache;
            cache.store(*first.preflightResult, answeredAtMs(*m_ctx.preflight));
            return cors::evaluate(s, m_p, cache, m_x.startedAtMs);
        }
        break;
    case PairingState::NoPreflightSeen:
        return cors::evaluate(s, m_p, assumedCache(s, m_p), 0);
    case PairingState::Paired:
    case PairingState::None:
        break;
    }
    return cors::evaluate(s, m_p);
}

void Evaluator::actual()
{
    cors::Scenario &s = m_e.scenario;
    const QList<QByteArray> announced = announcedBy(m_ctx.preflight);
    const CredentialsInference ci = inferCredentials(m_x, m_ctx.preflight ? &announced : nullptr);
    s.method = m_x.method;
    s.headers = m_c.scriptHeaders;
    if (ci.authorizationByBrowser)
        s.headers.removeIf(
            [](const base::Header &h) { return base::equalsIgnoreCase(h.first, "authorization"); });
    if (m_ctx.preflight) {
        s.headers += setByThePageAfterAll(m_x, announced, m_c.scriptHeaders);
        s.preflight = cors::ResponseSpec{m_ctx.preflight->status, m_ctx.preflight->responseHeaders};
    }
    s.mode = m_c.mode;
    s.credentials = ci.include ? cors::CredentialsMode::Include : cors::CredentialsMode::SameOrigin;
    s.response = neverSentAfterItsPreflight() ? passingStandIn(s.origin)
                                              : cors::ResponseSpec{m_x.status, m_x.responseHeaders};
    quint8 assumptions = ci.assumption;
    if (!m_c.modeFromSecFetch)
        assumptions |= Assumption::ModeAssumed;
    if (m_ctx.pairing == PairingState::NoPreflightSeen)
        assumptions |= Assumption::PreflightAssumed;
    m_e.verdict = judgeActual(s);
    if (!ci.include && !ci.known) {
        cors::Scenario credentialed = s;
        credentialed.credentials = cors::CredentialsMode::Include;
        m_e.credentialedVerdict = judgeActual(credentialed);
        m_e.credentialedScenario = std::move(credentialed);
    }
    m_e.summary =
        summarize(*m_e.verdict, m_e.credentialedVerdict ? &*m_e.credentialedVerdict : nullptr,
                  assumptions, s.credentials, false);
    if (!m_withNotes)
        return;
    if (assumptions & Assumption::ModeAssumed)
        note(QStringLiteral("request mode assumed 'cors': an Origin different from the URL's "
                            "origin was sent and no Sec-Fetch-Mode (browsers send Sec-Fetch-* "
                            "only to HTTPS and localhost URLs)"));
    note(credentialsNote(assumptions));
    if (m_ctx.pairing == PairingState::CacheHit && m_ctx.preflight)
        note(QStringLiteral("no preflight was sent: the preflight #%1, answered %2 s before, "
                            "was still in %3's preflight cache (lifetime %4 s)")
                 .arg(m_ctx.preflightId)
                 .arg(double(m_x.startedAtMs - answeredAtMs(*m_ctx.preflight)) / 1000.0, 0, 'f', 1)
                 .arg(m_p.displayName)
                 .arg(m_cachedSeconds));
}

void Evaluator::preflight()
{
    cors::Scenario &s = m_e.scenario;
    s.method = m_c.requestedMethod;
    for (const QByteArray &name : m_c.requestedHeaders)
        s.headers.append({name, kSetByPage});
    s.preflight = cors::ResponseSpec{m_x.status, m_x.responseHeaders};
    // The actual response is another exchange: a stand-in that passes lets only the preflight
    // decide.
    s.response = cors::ResponseSpec{200, {{"Access-Control-Allow-Origin", "*"}}};
    s.credentials = cors::CredentialsMode::Omit;
    cors::Scenario credentialed = s;
    credentialed.credentials = cors::CredentialsMode::Include;
    credentialed.response.headers = {{"Access-Control-Allow-Origin", s.origin.serialize()},
                                     {"Access-Control-Allow-Credentials", "true"},
                                     {"Vary", "Origin"}};
    cors::Verdict plain = cors::evaluate(s, m_p);
    cors::Verdict withCredentials = cors::evaluate(credentialed, m_p);
    auto ok = [](const cors::Verdict &v) {
        return v.preflightEvaluated ? v.preflightOk : v.exposed;
    };
    m_e.preflightOkWithoutCredentials = ok(plain);
    m_e.preflightOkWithCredentials = ok(withCredentials);
    m_e.preflightMaxAgeSeconds = std::max<qint64>(
        0, ok(plain) ? plain.preflightCacheSeconds : withCredentials.preflightCacheSeconds);
    m_e.summaryIfCredentialed =
        summarize(withCredentials, nullptr, Assumption::CredentialsFromActual,
                  cors::CredentialsMode::Include, true);
    const CredentialsInference ci = preflightCredentials(m_x, m_ctx, m_c.requestedHeaders);
    if (ci.include) {
        m_e.summary = m_e.summaryIfCredentialed;
        m_e.scenario = std::move(credentialed);
        m_e.verdict = std::move(withCredentials);
    } else if (ci.known) {
        m_e.summary = summarize(plain, nullptr, Assumption::CredentialsKnown,
                                cors::CredentialsMode::Omit, true);
        m_e.verdict = std::move(plain);
    } else {
        m_e.summary = summarize(plain, &withCredentials, Assumption::CredentialsUnknown,
                                cors::CredentialsMode::Omit, true);
        m_e.verdict = std::move(plain);
        m_e.credentialedScenario = std::move(credentialed);
        m_e.credentialedVerdict = std::move(withCredentials);
    }
    if (m_withNotes)
        note(ci.known     ? credentialsNote(ci.assumption)
             : ci.include ? credentialsNote(Assumption::CredentialsFromActual | ci.assumption,
                                            m_ctx.actualId)
                          : credentialsNote(Assumption::CredentialsUnknown |
                                            Assumption::CredentialsFromActual));
}

void Evaluator::pairingNotes()
{
    if (!m_withNotes)
        return;
    if (m_c.kind == ExchangeKind::Preflight) {
        if (m_ctx.actual)
            note(QStringLiteral("authorized the actual request #%1").arg(m_ctx.actualId));
        if (!m_ctx.moreActualIds.isEmpty())
            note(QStringLiteral("served from the preflight cache: %1")
                     .arg(idList(m_ctx.moreActualIds)));
        if (!m_ctx.actual && m_ctx.moreActualIds.isEmpty())
            note(QStringLiteral("no actual request followed it (a browser does not send it when "
                                "the preflight fails, or the capture ended)"));
        return;
    }
    switch (m_ctx.pairing) {
    case PairingState::Paired:
        if (m_ctx.preflight && m_c.needsPreflight)
            note(QStringLiteral("authorized by the preflight #%1, answered %2 ms before")
                     .arg(m_ctx.preflightId)
                     .arg(m_x.startedAtMs - answeredAtMs(*m_ctx.preflight)));
        else if (m_ctx.preflight)
            note(QStringLiteral("the preflight #%1 was sent although %2 needs none for this "
                                "request (an XMLHttpRequest with upload listeners forces one, or "
                                "another browser's rules did)")
                     .arg(m_ctx.preflightId)
                     .arg(m_p.displayName));
        break;
    case PairingState::NoPreflightSeen:
        note(QStringLiteral("no preflight seen (it may have been cached before capture started): "
                            "judged as if a cached preflight had allowed this method and these "
                            "headers"));
        break;
    case PairingState::CacheHit: // said in actual(), with the lifetime
    case PairingState::None:
        break;
    }
}

// Everything that goes into a verdict's summary, hashed piece by piece as it comes (no buffer):
// each piece's hash and length are folded into a running state.
struct KeyHasher
{
    quint64 state = 0x243f6a8885a308d3ULL;
    void fold(quint64 v)
    {
        state = (state ^ v) * 0x9e3779b97f4a7c15ULL;
        state ^= state >> 31;
    }
    void add(QByteArrayView piece)
    {
        fold(quint64(piece.size()));
        if (!piece.isEmpty())
            fold(fastHash(piece));
    }
    void addNumber(qint64 n) { fold(quint64(n)); }
    // The engine reads the CORS headers and Vary by value, and Set-Cookie and Location by
    // presence; every other response header only changes which headers a script can read
    // (and an info-level warning), never the summary.
    void addResponse(int status, const base::HeaderList &headers)
    {
        addNumber(status);
        for (const auto &h : headers) {
            if (responseValueMatters(h.first)) {
                add(h.first);
                add(h.second);
            } else if (base::equalsIgnoreCase(h.first, "set-cookie") ||
                       base::equalsIgnoreCase(h.first, "location")) {
                add(h.first);
            }
        }
    }
    quint64 value() const { return state; }
};

QByteArrayView urlAuthority(QByteArrayView url)
{
    const qsizetype sep = url.indexOf("://");
    if (sep < 0)
        return url;
    for (qsizetype i = sep + 3; i < url.size(); ++i) {
        if (url[i] == '/' || url[i] == '?' || url[i] == '#')
            return url.first(i);
    }
    return url;
}

} // namespace

QString verdictStateName(VerdictState state)
{
    for (const StateName &s : kStateNames) {
        if (s.state == state)
            return QString::fromLatin1(s.name);
    }
    return {};
}

bool verdictStateFromName(const QString &name, VerdictState *out)
{
    for (const StateName &s : kStateNames) {
        if (name == QLatin1String(s.name)) {
            *out = s.state;
            return true;
        }
    }
    return false;
}

CredentialsInference inferCredentials(const CapturedExchange &x, const QList<QByteArray> *announced)
{
    CredentialsInference ci;
    if (x.credentialsIncluded) {
        ci.include = *x.credentialsIncluded;
        ci.known = true;
        ci.assumption = Assumption::CredentialsKnown;
        // The Authorization the client sent is the page's unless it says so: a known mode
        // without cookies is the composer's, which adds no HTTP authentication of its own.
        return ci;
    }
    if (base::containsHeader(x.requestHeaders, "cookie")) {
        ci.include = true;
        ci.assumption = Assumption::CredentialsFromCookie;
        return ci;
    }
    if (const std::optional<QByteArray> auth = base::getHeader(x.requestHeaders, "authorization")) {
        const bool announcedByPreflight =
            announced && announced->contains(QByteArrayLiteral("authorization"));
        const QByteArray value = base::normalizeHeaderValue(*auth);
        const bool bearer =
            value.size() >= 6 && base::equalsIgnoreCase(QByteArrayView(value).first(6), "bearer");
        if (!announcedByPreflight && !bearer) {
            ci.include = true;
            ci.assumption = Assumption::CredentialsFromAuthorization;
            ci.authorizationByBrowser = true;
        }
    }
    return ci;
}

CredentialsInference preflightCredentials(const CapturedExchange &preflight,
                                          const EvaluationContext &context,
                                          const QList<QByteArray> &requestedHeaders)
{
    // A preflight never carries credentials: its actual request tells the mode, or the client
    // that sent the preflight said it.
    if (context.actual)
        return inferCredentials(*context.actual, &requestedHeaders);
    if (preflight.credentialsIncluded)
        return inferCredentials(preflight, nullptr);
    return {};
}

QStringList assumptionNames(quint8 assumptions)
{
    static constexpr std::pair<quint8, const char *> names[] = {
        {Assumption::CredentialsFromCookie, "credentials-from-cookie"},
        {Assumption::CredentialsFromAuthorization, "credentials-from-authorization"},
        {Assumption::CredentialsUnknown, "credentials-unknown"},
        {Assumption::CredentialsKnown, "credentials-known"},
        {Assumption::CredentialsFromActual, "credentials-from-actual"},
        {Assumption::ModeAssumed, "mode-assumed"},
        {Assumption::PreflightAssumed, "preflight-assumed"},
        {Assumption::ErrorWithCredentials, "error-with-credentials"},
    };
    QStringList out;
    for (const auto &n : names) {
        if (assumptions & n.first)
            out << QString::fromLatin1(n.second);
    }
    return out;
}

QString credentialsNote(quint8 a, qint64 actualId)
{
    if (a & Assumption::CredentialsKnown)
        return QStringLiteral("credentials mode as the composer sent it, not inferred");
    if (a & Assumption::CredentialsFromActual) {
        if (a & Assumption::CredentialsUnknown)
            return QStringLiteral("a preflight never carries credentials, and no actual request "
                                  "after it tells the mode: judged for a request without "
                                  "credentials and for credentials: 'include'");
        return QStringLiteral("credentials: 'include' taken from the actual request #%1 (%2)")
            .arg(actualId)
            .arg(a & Assumption::CredentialsFromCookie ? QStringLiteral("it sent a Cookie")
                                                       : QStringLiteral("it sent the browser's "
                                                                        "Authorization header"));
    }
    if (a & Assumption::CredentialsFromCookie)
        return QStringLiteral("assumed credentials: 'include' because a Cookie header was sent");
    if (a & Assumption::CredentialsFromAuthorization)
        return QStringLiteral("assumed credentials: 'include' because an Authorization header was "
                              "sent that no preflight announced and that is not a Bearer token: "
                              "the browser adds one (HTTP authentication) only with credentials "
                              "'include'");
    if (a & Assumption::CredentialsUnknown)
        return QStringLiteral("credentials mode unknown: no Cookie or browser Authorization "
                              "header was sent, so the page used 'omit' or 'same-origin', or "
                              "'include' with no cookie to send; judged as sent (without "
                              "credentials) and with credentials: 'include'");
    return {};
}

ExchangeEvaluation evaluateExchange(const CapturedExchange &x, const Classification &c,
                                    const EvaluationContext &ctx,
                                    const cors::BrowserProfile &profile, bool withNotes)
{
    return Evaluator(x, c, ctx, profile, withNotes).run();
}

quint64 evaluationKey(const CapturedExchange &x, const Classification &c,
                      const EvaluationContext &ctx)
{
    KeyHasher k;
    k.addNumber(qint64(c.kind) | qint64(ctx.pairing) << 8 | qint64(c.mode) << 16 |
                qint64(c.modeFromSecFetch) << 24 | qint64(c.needsPreflight) << 25 |
                qint64(x.browserReport && x.browserReport->notSent) << 26);
    k.add(c.origin);
    k.add(urlAuthority(x.url));
    k.addResponse(x.status, x.responseHeaders);
    if (c.kind == ExchangeKind::Preflight) {
        k.add(c.requestedMethod);
        for (const QByteArray &name : c.requestedHeaders)
            k.add(name);
        const CredentialsInference ci = preflightCredentials(x, ctx, c.requestedHeaders);
        k.addNumber(qint64(ci.include) | qint64(ci.assumption) << 8);
        return k.value();
    }
    k.add(x.method);
    for (const auto &h : c.scriptHeaders) {
        k.add(h.first);
        k.add(requestValueMatters(h.first) ? QByteArrayView(h.second) : QByteArrayView());
    }
    const QList<QByteArray> announced = announcedBy(ctx.preflight);
    const CredentialsInference ci = inferCredentials(x, ctx.preflight ? &announced : nullptr);
    k.addNumber(qint64(ci.include) | qint64(ci.assumption) << 8 |
                qint64(ci.authorizationByBrowser) << 16);
    if (ctx.preflight) {
        k.addResponse(ctx.preflight->status, ctx.preflight->responseHeaders);
        for (const QByteArray &name : announced)
            k.add(name);
        for (const auto &h : setByThePageAfterAll(x, announced, c.scriptHeaders)) {
            k.add(h.first);
            k.add(h.second);
        }
    } else {
        k.addNumber(-1);
    }
    return k.value();
}

} // namespace corslab::session
