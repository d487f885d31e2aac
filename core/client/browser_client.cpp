#include "browser_client.h"

#include "cookie_jar.h"
#include "cors/cors_engine.h"
#include "cors/fetch_rules.h"
#include "cors/preflight_cache.h"
#include "fetch_headers.h"
#include "http_client.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <map>

namespace corslab::client {

namespace {

// Where a verdict's checks for the hop after a redirect begin: the engine numbers the checks of
// each hop, and the first hop-1 check (same origin, or the preflight decision) always comes first.
qsizetype firstCheckOfNextHop(const cors::Verdict &verdict)
{
    for (qsizetype i = 0; i < verdict.checks.size(); ++i) {
        if (verdict.checks.at(i).hop >= 1)
            return i;
    }
    return verdict.checks.size();
}

bool hasCheck(const cors::Verdict &verdict, cors::Step step, qsizetype before)
{
    for (qsizetype i = 0; i < before; ++i) {
        if (verdict.checks.at(i).step == step)
            return true;
    }
    return false;
}

// fetch() throws before sending anything for these (new Request() and the Headers guard).
QString requestErrorSentence(cors::CorsError error, const QByteArray &detail)
{
    switch (error) {
    case cors::CorsError::ForbiddenMethod:
        return QStringLiteral("method: %1 is a forbidden method; fetch() throws a TypeError and "
                              "sends nothing")
            .arg(QString::fromLatin1(detail));
    case cors::CorsError::UrlContainsCredentials:
        return QStringLiteral("url: a URL with credentials (user:password@) makes fetch() throw a "
                              "TypeError; nothing was sent");
    default:
        return QStringLiteral("fetch() refused the request (%1); nothing was sent")
            .arg(cors::corsErrorName(error));
    }
}

} // namespace

/// One fetch() from start to finish: each hop's preflight (when needed), its actual request, and
/// the redirects followed, judged by the engine at every step.
class FetchRun
{
public:
    FetchRun(BrowserClient::Private &client, quint64 id, ComposedRequest request,
             cors::BrowserProfile profile);
    void start();
    FetchOutcome outcome;

private:
    cors::Scenario scenario() const;
    void startHop();
    void sendPreflight(const base::HeaderList &corsHeaders);
    void onPreflight(const session::CapturedExchange &exchange);
    void sendActual();
    void onActual(const session::CapturedExchange &exchange);
    void followRedirect(const cors::ResponseSpec &response);
    void judgeFinal(const cors::ResponseSpec &response);
    void finish(cors::CorsError error, const QString &failure);
    void keepJudgement(const cors::Scenario &scenario, const cors::Verdict &verdict);
    void failOnNetwork(cors::CorsError error, const QString &failure);
    void seedCookies();
    bool includeCredentials() const;
    void send(const OutgoingRequest &request,
              void (FetchRun::*handler)(const session::CapturedExchange &));

    BrowserClient::Private &m_client;
    ComposedRequest m_request;
    cors::BrowserProfile m_profile;
    QByteArray m_userAgent;
    cors::Origin m_pageOrigin;
    // The request as it stands on the current hop (Fetch's "request" after redirects).
    QUrl m_url;
    QByteArray m_method;
    base::HeaderList m_headers;
    QByteArray m_body;
    bool m_taintedOrigin = false;           ///< a cross-origin redirect made the origin "null"
    bool m_corsTainting = false;            ///< response tainting "cors": some hop was cross-origin
    bool m_methodChangedByRedirect = false; ///< a redirect turned the method into GET
    int m_redirectCount = 0;
    FetchSite m_site = FetchSite::SameOrigin; ///< the most cross site of the URLs so far
    // The current hop: the cache as the engine read it, and the preflight's answer.
    cors::PreflightCache m_cacheAtHop;
    qint64 m_hopNowMs = 0;
    std::optional<cors::ResponseSpec> m_preflightResponse;
    bool m_cookiesAllowed = false;
    std::unique_ptr<HttpClient> m_http;
};

struct BrowserClient::Private
{
    BrowserClient *q;
    Options options;
    cors::BrowserProfile profile = cors::BrowserProfile::get(cors::Browser::Chromium);
    cors::PreflightCache preflightCache;
    CookieJar cookies;
    QElapsedTimer clock; ///< the preflight cache's monotonic time
    quint64 nextId = 1;
    std::map<quint64, std::unique_ptr<FetchRun>> runs;

    qint64 nowMs() const { return clock.elapsed(); }
    HttpClientOptions httpOptions() const
    {
        return {options.timeoutMs, options.bodyCaptureBytes, options.localPorts,
                options.caCertificates, options.verifyCertificates};
    }
    /// Reports run \a id from the event loop, so finished() never comes from inside fetch().
    void finishLater(quint64 id)
    {
        QMetaObject::invokeMethod(
            q,
            [this, id] {
                const auto it = runs.find(id);
                if (it == runs.end())
                    return;
                const FetchOutcome outcome = std::move(it->second->outcome);
                runs.erase(it);
                Q_EMIT q->finished(outcome);
            },
            Qt::QueuedConnection);
    }
};

FetchRun::FetchRun(BrowserClient::Private &client, quint64 id, ComposedRequest request,
                   cors::BrowserProfile profile)
    : m_client(client), m_request(std::move(request)), m_profile(std::move(profile)),
      m_userAgent(composerUserAgent(m_profile))
{
    outcome.requestId = id;
}

cors::Scenario FetchRun::scenario() const
{
    cors::Scenario s;
    s.browser = m_profile.name;
    s.origin = m_taintedOrigin ? cors::Origin::makeOpaque() : m_pageOrigin;
    s.setUrl(m_url);
    s.method = m_method;
    s.headers = m_headers;
    s.credentials = m_request.credentials;
    s.mode = m_request.mode;
    s.redirect = m_request.redirect;
    return s;
}

bool FetchRun::includeCredentials() const
{
    // Fetch "HTTP-network-or-cache fetch" step 8.2 (includeCredentials).
    return m_request.credentials == cors::CredentialsMode::Include ||
           (m_request.credentials == cors::CredentialsMode::SameOrigin && !m_corsTainting);
}

void FetchRun::start()
{
    QString invalid;
    if (!m_request.validate(&invalid)) {
        finish(cors::CorsError::None, invalid);
        return;
    }
    QString unused;
    cors::Origin::parse(QString::fromUtf8(m_request.origin), &m_pageOrigin, &unused);
    m_url = m_request.url.adjusted(QUrl::RemoveFragment);
    m_method = m_request.method;
    m_headers = m_request.headers;
    m_body = m_request.body;

    // new Request() and the Headers guard, by the engine: method normalized, forbidden headers
    // dropped, or a TypeError before anything is sent.
    const cors::Verdict constructed = cors::evaluate(scenario(), m_profile);
    if (const cors::Check *failed = constructed.failedCheck();
        failed && failed->phase == cors::Phase::Request) {
        keepJudgement(scenario(), constructed);
        finish(constructed.error, requestErrorSentence(constructed.error, failed->seen));
        return;
    }
    m_method = constructed.sentMethod;
    m_headers = constructed.sentHeaders;
    // "Extract a body" from a string: text/plain;charset=UTF-8 unless the script set a type.
    if (!m_body.isEmpty() && !base::containsHeader(m_headers, "content-type"))
        m_headers.append(
            {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain;charset=UTF-8")});
    seedCookies();
    startHop();
}

// #main-fetch for the request's current URL: the engine decides whether a preflight is needed
// and whether the cache spares it.
void FetchRun::startHop()
{
    const cors::Scenario s = scenario();
    if (!s.origin.sameOriginAs(s.urlOrigin()))
        m_corsTainting = true;
    m_site = std::max(m_site, fetchSiteOf(m_pageOrigin, m_url));
    m_preflightResponse.reset();
    m_cacheAtHop = m_client.preflightCache;
    m_hopNowMs = m_client.nowMs();
    const cors::Verdict probe = cors::evaluate(s, m_profile, m_cacheAtHop, m_hopNowMs);
    // #main-fetch step 12: mode "same-origin" to another origin, or CORS to a scheme without
    // it, fails before anything is sent. (A no-cors request fails the RequestMode step too, with
    // the opaque response it gets: that request does go out, so only DisallowedByMode counts.)
    if (const cors::Check *failed = probe.failedCheck();
        failed && (failed->error == cors::CorsError::DisallowedByMode ||
                   failed->step == cors::Step::CorsScheme)) {
        keepJudgement(s, probe);
        finish(probe.error, {});
        return;
    }
    if (probe.preflightFromCache)
        outcome.preflightFromCache = true;
    if (probe.preflightRequired)
        sendPreflight(probe.preflightRequest);
    else
        sendActual();
}

void FetchRun::send(const OutgoingRequest &request,
                    void (FetchRun::*handler)(const session::CapturedExchange &))
{
    // The previous hop's client is inside its own callback right now: delete it later.
    if (m_http)
        m_http.release()->deleteLater();
    m_http = std::make_unique<HttpClient>(m_client.httpOptions());
    m_http->send(request, [this, handler](const session::CapturedExchange &exchange) {
        (this->*handler)(exchange);
    });
}

// #cors-preflight-fetch steps 1-5: OPTIONS with the engine's Origin and Access-Control-Request-*,
// no cookies, no script headers.
void FetchRun::sendPreflight(const base::HeaderList &corsHeaders)
{
    outcome.preflightSent = true;
    PreflightRequestContext context;
    context.url = m_url;
    context.corsHeaders = corsHeaders;
    context.site = m_site;
    context.userAgent = m_userAgent;
    context.browser = m_profile.name;
    context.pageOrigin = m_pageOrigin.serialize();
    context.credentials = m_request.credentials;
    send({m_url, QByteArrayLiteral("OPTIONS"), preflightRequestHeaders(context), {}},
         &FetchRun::onPreflight);
}

void FetchRun::onPreflight(const session::CapturedExchange &exchange)
{
    outcome.exchanges.append(exchange);
    // The session judges a preflight for its fetch's credentials mode, which only we know.
    outcome.exchanges.last().credentialsIncluded = includeCredentials();
    if (!exchange.error.isEmpty()) {
        // #cors-preflight-fetch step 7: a network error; Chromium calls it InvalidResponse.
        failOnNetwork(cors::CorsError::InvalidResponse,
                      QStringLiteral("the CORS-preflight request failed: %1").arg(exchange.error));
        return;
    }
    m_preflightResponse = cors::ResponseSpec{exchange.status, exchange.responseHeaders};
    cors::Scenario s = scenario();
    s.preflight = m_preflightResponse;
    // Judged without the cache: this preflight went out because the cache did not cover it.
    const cors::Verdict verdict = cors::evaluate(s, m_profile);
    keepJudgement(s, verdict);
    if (!verdict.preflightOk) {
        finish(verdict.error, {}); // the actual request is never sent
        return;
    }
    if (verdict.preflightResult) {
        m_client.preflightCache.store(*verdict.preflightResult, m_client.nowMs());
    }
    sendActual();
}

void FetchRun::sendActual()
{
    outcome.actualSent = true;
    // Cookies ride along with includeCredentials, and only to the page's own site: Chromium
    // blocks third-party cookies by default, so a cross-site request gets none even for a
    // SameSite=None cookie (Firefox's partitioning and Safari's ITP withhold them too). Every
    // SameSite value allows a same-site request, so the attribute never decides here.
    m_cookiesAllowed =
        includeCredentials() && cors::sameSite(m_pageOrigin, cors::Origin::fromUrl(m_url));
    ActualRequestContext context;
    context.url = m_url;
    context.method = m_method;
    context.scriptHeaders = m_headers;
    context.body = m_body;
    // Fetch "append a request Origin header": with CORS tainting, or for any method but GET and
    // HEAD (a no-cors GET carries none).
    const bool corsRequest = m_corsTainting && m_request.mode == cors::RequestMode::Cors;
    if (corsRequest || (m_method != "GET" && m_method != "HEAD"))
        context.origin = scenario().origin.serialize();
    context.site = m_site;
    context.mode = m_request.mode;
    context.credentials = m_request.credentials;
    if (m_cookiesAllowed)
        context.cookie = m_client.cookies.cookieHeaderFor(m_url, QDateTime::currentDateTimeUtc());
    if (!m_request.cookies.isEmpty() && !m_cookiesAllowed)
        outcome.notes << (includeCredentials()
                              ? QStringLiteral("the cookies given were not sent: the request is "
                                               "cross-site and the browser withholds "
                                               "third-party cookies")
                              : QStringLiteral("the cookies given were not sent: credentials "
                                               "mode %1 sends none to another origin")
                                    .arg(cors::credentialsModeName(m_request.credentials)));
    context.userAgent = m_userAgent;
    context.browser = m_profile.name;
    context.methodChangedByRedirect = m_methodChangedByRedirect;
    send({m_url, m_method, actualRequestHeaders(context), m_body}, &FetchRun::onActual);
}

void FetchRun::onActual(const session::CapturedExchange &exchange)
{
    outcome.exchanges.append(exchange);
    outcome.exchanges.last().credentialsIncluded = includeCredentials();
    if (!exchange.error.isEmpty()) {
        failOnNetwork(cors::CorsError::None, exchange.error); // the page: "Failed to fetch"
        return;
    }
    // The network layer stores cookies before any CORS check: a blocked response still sets them.
    if (m_cookiesAllowed)
        m_client.cookies.storeFromResponse(exchange.responseHeaders, m_url,
                                           QDateTime::currentDateTimeUtc());
    const cors::ResponseSpec response{exchange.status, exchange.responseHeaders};
    // #http-fetch step 9 / #concept-response-location-url: a redirect status without Location
    // is the final response.
    if (cors::isRedirectStatus(exchange.status) &&
        base::containsHeader(exchange.responseHeaders, "location"))
        followRedirect(response);
    else
        judgeFinal(response);
}

// #http-redirect-fetch: the engine checks the redirect (CORS check, Location, credentials in it)
// and says how the request changes (POST to GET, origin tainted); the next hop starts over.
void FetchRun::followRedirect(const cors::ResponseSpec &response)
{
    cors::Scenario s = scenario();
    s.preflight = m_preflightResponse;
    s.redirects = {response};
    s.response = cors::ResponseSpec{}; // the next hop, not sent yet: only its first checks count
    const cors::Verdict verdict = cors::evaluate(s, m_profile, m_cacheAtHop, m_hopNowMs);
    const qsizetype nextHop = firstCheckOfNextHop(verdict);
    for (qsizetype i = 0; i < nextHop; ++i) {
        if (!verdict.checks.at(i).ok) {
            keepJudgement(s, verdict);
            finish(verdict.error, {});
            return;
        }
    }
    if (m_redirectCount >= 20) { // step 7: a network error at the 21st redirect
        finish(cors::CorsError::TooManyRedirects,
               QStringLiteral("more than 20 redirects: fetch() gives up"));
        return;
    }
    const QUrl next = verdict.finalUrl;
    if (hasCheck(verdict, cors::Step::RedirectMethod, nextHop)) {
        m_method = QByteArrayLiteral("GET");
        m_methodChangedByRedirect = true;
        m_body.clear();
        m_headers.removeIf([](const auto &h) { return cors::isRequestBodyHeaderName(h.first); });
    }
    if (hasCheck(verdict, cors::Step::RedirectTaint, nextHop))
        m_taintedOrigin = true;
    // Authorization does not follow a redirect to another origin (#http-redirect-fetch, after the
    // method change; Chromium 119+).
    if (!cors::Origin::fromUrl(next).sameOriginAs(cors::Origin::fromUrl(m_url)))
        m_headers.removeIf(
            [](const auto &h) { return cors::isCorsNonWildcardRequestHeaderName(h.first); });
    ++m_redirectCount;
    m_url = next;
    startHop();
}

void FetchRun::judgeFinal(const cors::ResponseSpec &response)
{
    cors::Scenario s = scenario();
    s.preflight = m_preflightResponse;
    s.response = response;
    // The cache as this hop's decision read it: a preflight it covered stays covered.
    const cors::Verdict verdict = cors::evaluate(s, m_profile, m_cacheAtHop, m_hopNowMs);
    keepJudgement(s, verdict);
    outcome.exposed = verdict.exposed;
    finish(verdict.error, {});
}

void FetchRun::keepJudgement(const cors::Scenario &scenario, const cors::Verdict &verdict)
{
    outcome.judged = true;
    outcome.scenario = scenario;
    outcome.verdict = verdict;
}

void FetchRun::failOnNetwork(cors::CorsError error, const QString &failure)
{
    outcome.networkFailure = m_http ? m_http->failure() : NetworkFailure::Other;
    finish(error, failure);
}

// The cookies the user says the browser holds, stored as if the URL's host had set them.
void FetchRun::seedCookies()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QByteArray &cookie : m_request.cookies)
        m_client.cookies.storeFromResponse({{QByteArrayLiteral("Set-Cookie"), cookie + "; Path=/"}},
                                           m_url, now);
}

void FetchRun::finish(cors::CorsError error, const QString &failure)
{
    outcome.error = error;
    outcome.failure = failure;
    if (error != cors::CorsError::None || !failure.isEmpty())
        outcome.exposed = false;
    m_client.finishLater(outcome.requestId);
}

BrowserClient::BrowserClient(Options options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    qRegisterMetaType<FetchOutcome>();
    d->q = this;
    d->options = std::move(options);
    d->clock.start();
}

BrowserClient::~BrowserClient() = default;

cors::BrowserProfile BrowserClient::profile() const
{
    return d->profile;
}

void BrowserClient::setProfile(const cors::BrowserProfile &profile)
{
    d->profile = profile;
}

quint64 BrowserClient::fetch(const ComposedRequest &request)
{
    const quint64 id = d->nextId++;
    auto run = std::make_unique<FetchRun>(*d, id, request, d->profile);
    FetchRun *started = run.get();
    d->runs.emplace(id, std::move(run));
    started->start();
    return id;
}

int BrowserClient::pending() const
{
    return int(d->runs.size());
}

void BrowserClient::clearPreflightCache()
{
    d->preflightCache.clear();
}

void BrowserClient::clearCookies()
{
    d->cookies.clear();
}

} // namespace corslab::client
