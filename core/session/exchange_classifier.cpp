#include "exchange_classifier.h"

#include "background_traffic.h"
#include "cors/fetch_rules.h"
#include "cors/origin.h"
#include "exchange_judge.h"

#include <algorithm>

namespace corslab::session {

namespace {

struct KindName
{
    ExchangeKind kind;
    const char *name;
};
constexpr KindName kKindNames[] = {
    {ExchangeKind::Preflight, "preflight"},
    {ExchangeKind::SimpleCors, "simple-cors"},
    {ExchangeKind::PreflightedActual, "preflighted-actual"},
    {ExchangeKind::PreflightCachedActual, "preflight-cached-actual"},
    {ExchangeKind::SameOrigin, "same-origin"},
    {ExchangeKind::NoCors, "no-cors"},
    {ExchangeKind::Navigation, "navigation"},
    {ExchangeKind::Tunnel, "tunnel"},
};

QByteArray lowerTrimmed(const QByteArray &value)
{
    return base::asciiLower(base::normalizeHeaderValue(value));
}

bool isNavigationDestination(const QByteArray &dest)
{
    return dest == "document" || dest == "iframe" || dest == "frame";
}

// The CORS part of a cross-origin request in mode cors: what the script set and whether that
// needs a preflight (Fetch #http-fetch step 4.1).
void classifyCors(const CapturedExchange &x, const cors::BrowserProfile &profile, Classification &c)
{
    c.mode = cors::RequestMode::Cors;
    c.scriptHeaders.reserve(x.requestHeaders.size());
    for (const auto &h : x.requestHeaders) {
        if (!isBrowserAddedRequestHeader(h.first, h.second))
            c.scriptHeaders.append({h.first, h.second});
    }
    for (const cors::UnsafeHeader &u : cors::corsUnsafeRequestHeaderNames(c.scriptHeaders, profile))
        c.unsafeHeaderNames.append(u.name);
    c.needsPreflight = !cors::isCorsSafelistedMethod(x.method) || !c.unsafeHeaderNames.isEmpty();
    c.kind = c.needsPreflight ? ExchangeKind::PreflightedActual : ExchangeKind::SimpleCors;
}

constexpr QByteArrayView kReadHeaders[] = {"origin",
                                           "sec-fetch-mode",
                                           "sec-fetch-site",
                                           "sec-fetch-dest",
                                           "access-control-request-method",
                                           "access-control-request-headers",
                                           "upgrade-insecure-requests",
                                           "accept",
                                           "referer"};

// The request headers classification reads, found in one pass over the list (a capture has a
// dozen headers and classification runs for every exchange, again on every profile switch).
class ReadHeaders
{
public:
    /// Indexes into kReadHeaders.
    enum Name {
        Origin,
        FetchMode,
        FetchSite,
        FetchDest,
        RequestMethod,
        RequestHeaderNames,
        Upgrade,
        Accept,
        Referer,
        Count
    };

    explicit ReadHeaders(const base::HeaderList &list) : m_list(list)
    {
        for (const auto &h : list) {
            for (int n = 0; n < Count; ++n) {
                if (kReadHeaders[n].size() == h.first.size() &&
                    base::equalsIgnoreCase(h.first, kReadHeaders[n])) {
                    m_repeated[n] = m_value[n] != nullptr;
                    m_value[n] = &h.second;
                    break;
                }
            }
        }
    }
    /// Fetch "get": the value (combined when the header is repeated), or nullopt.
    std::optional<QByteArray> get(Name n) const
    {
        if (!m_value[n])
            return std::nullopt;
        if (m_repeated[n])
            return base::getHeader(m_list, kReadHeaders[n]);
        return base::normalizeHeaderValue(*m_value[n]);
    }

private:
    const base::HeaderList &m_list;
    const QByteArray *m_value[Count] = {};
    bool m_repeated[Count] = {};
};

bool sameOrigin(const QByteArray &a, const QByteArray &b)
{
    // Opaque origins ("null") are same origin with nothing we can name.
    return a == b && a != "null";
}

// Whether \a url's origin is \a origin, as sameOrigin(origin, originOfUrl(url)). Asked for
// every request with an Origin: when the URL plainly starts with a serialized origin (lower
// case, no default port), no origin needs building.
bool urlHasOrigin(const QByteArray &origin, QByteArrayView url)
{
    const qsizetype n = origin.size();
    if (url.size() >= n && url.first(n) == origin &&
        (url.size() == n || url[n] == '/' || url[n] == '?' || url[n] == '#')) {
        const bool canonical = std::none_of(origin.begin(), origin.end(),
                                            [](char ch) { return ch >= 'A' && ch <= 'Z'; }) &&
                               !(origin.startsWith("http://") && origin.endsWith(":80")) &&
                               !(origin.startsWith("https://") && origin.endsWith(":443"));
        if (canonical && origin.contains("://"))
            return true;
    }
    return sameOrigin(origin, originOfUrl(url));
}

} // namespace

QString exchangeKindName(ExchangeKind kind)
{
    for (const KindName &k : kKindNames) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return {};
}

bool exchangeKindFromName(const QString &name, ExchangeKind *out)
{
    for (const KindName &k : kKindNames) {
        if (name == QLatin1String(k.name)) {
            *out = k.kind;
            return true;
        }
    }
    return false;
}

QByteArray originOfUrl(QByteArrayView url)
{
    const qsizetype sep = url.indexOf("://");
    if (sep <= 0)
        return QByteArrayLiteral("null");
    const QByteArray scheme = base::asciiLower(url.first(sep).toByteArray());
    if (cors::defaultPort(scheme) < 0)
        return QByteArrayLiteral("null");
    QByteArrayView rest = url.sliced(sep + 3);
    qsizetype authorityEnd = rest.size();
    for (qsizetype i = 0; i < rest.size(); ++i) {
        if (rest[i] == '/' || rest[i] == '?' || rest[i] == '#') {
            authorityEnd = i;
            break;
        }
    }
    QByteArrayView authority = rest.first(authorityEnd);
    const qsizetype at = authority.lastIndexOf('@');
    if (at >= 0)
        authority = authority.sliced(at + 1);
    QByteArrayView host = authority;
    QByteArrayView port;
    const qsizetype bracket = authority.lastIndexOf(']');
    const qsizetype colon = authority.lastIndexOf(':');
    if (colon > bracket) {
        host = authority.first(colon);
        port = authority.sliced(colon + 1);
    }
    if (host.isEmpty())
        return QByteArrayLiteral("null");
    QByteArray out = scheme + "://" + base::asciiLower(host.toByteArray());
    bool ok = false;
    const int number = port.toInt(&ok);
    if (ok && number != cors::defaultPort(scheme))
        out += ':' + QByteArray::number(number);
    return out;
}

QList<QByteArray> parseRequestedHeaderNames(QByteArrayView value)
{
    QList<QByteArray> names;
    for (const QByteArray &part : value.toByteArray().split(',')) {
        const QByteArray name = lowerTrimmed(part);
        if (!name.isEmpty())
            names.append(name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

// The kind and what the judging needs (classifyExchange() adds the background mark).
static Classification classifyRequest(const CapturedExchange &x,
                                      const cors::BrowserProfile &profile)
{
    Classification c;
    c.failed = !x.error.isEmpty() || (x.type == CapturedExchange::Type::Http && x.status == 0);
    if (x.type == CapturedExchange::Type::Tunnel) {
        c.kind = ExchangeKind::Tunnel;
        return c;
    }
    const ReadHeaders h(x.requestHeaders);
    const std::optional<QByteArray> origin = h.get(ReadHeaders::Origin);
    if (origin)
        c.origin = base::normalizeHeaderValue(*origin);
    const std::optional<QByteArray> fetchMode = h.get(ReadHeaders::FetchMode);
    const std::optional<QByteArray> fetchSite = h.get(ReadHeaders::FetchSite);
    const std::optional<QByteArray> fetchDest = h.get(ReadHeaders::FetchDest);

    // Fetch #cors-preflight-fetch: OPTIONS, Origin, Access-Control-Request-Method.
    const std::optional<QByteArray> requested = h.get(ReadHeaders::RequestMethod);
    if (x.method == "OPTIONS" && origin && requested) {
        c.kind = ExchangeKind::Preflight;
        c.evidence = Evidence::Origin | Evidence::RequestMethod;
        c.requestedMethod = base::normalizeHeaderValue(*requested);
        c.requestedHeaders = parseRequestedHeaderNames(
            h.get(ReadHeaders::RequestHeaderNames).value_or(QByteArray()));
        c.unsafeHeaderNames = c.requestedHeaders;
        c.needsPreflight = true;
        return c;
    }

    // Same origin as the browser saw it: Sec-Fetch-Site when sent, else Origin against the URL.
    auto isSameOrigin = [&]() -> std::optional<bool> {
        if (fetchSite) {
            c.evidence |= Evidence::SecFetchSite;
            return lowerTrimmed(*fetchSite) == "same-origin";
        }
        if (origin) {
            c.evidence |= Evidence::Origin;
            return urlHasOrigin(c.origin, x.url);
        }
        return std::nullopt;
    };

    if (fetchMode) {
        const QByteArray mode = lowerTrimmed(*fetchMode);
        const bool known = mode == "navigate" || mode == "nested-navigate" || mode == "websocket" ||
                           mode == "same-origin" || mode == "no-cors" || mode == "cors";
        if (known) {
            c.evidence |= Evidence::SecFetchMode;
            c.modeFromSecFetch = true;
        }
        if (mode == "navigate" || mode == "nested-navigate") {
            c.kind = ExchangeKind::Navigation;
            return c;
        }
        if (mode == "websocket") {
            c.webSocket = true;
            c.kind = ExchangeKind::NoCors;
            return c;
        }
        if (mode == "same-origin") {
            // A cross-origin request in this mode fails before it is sent: what was captured is
            // same-origin.
            c.mode = cors::RequestMode::SameOrigin;
            c.kind = ExchangeKind::SameOrigin;
            return c;
        }
        if (mode == "no-cors") {
            c.mode = cors::RequestMode::NoCors;
            c.kind =
                isSameOrigin().value_or(false) ? ExchangeKind::SameOrigin : ExchangeKind::NoCors;
            return c;
        }
        if (mode == "cors") {
            // A cross-origin request in mode cors always carries Origin: without one (and no
            // Sec-Fetch-Site) it was same-origin.
            if (isSameOrigin().value_or(true))
                c.kind = ExchangeKind::SameOrigin;
            else
                classifyCors(x, profile, c);
            return c;
        }
    }

    // No (known) Sec-Fetch-Mode: plain HTTP to a non-local host, an older browser, or no browser.
    if (fetchDest && isNavigationDestination(lowerTrimmed(*fetchDest))) {
        c.evidence |= Evidence::SecFetchDest;
        c.kind = ExchangeKind::Navigation;
        return c;
    }
    if (h.get(ReadHeaders::Upgrade)) {
        c.evidence |= Evidence::UpgradeInsecureRequests;
        c.kind = ExchangeKind::Navigation;
        return c;
    }
    if (origin) {
        if (isSameOrigin().value_or(false))
            c.kind = ExchangeKind::SameOrigin;
        else
            classifyCors(x, profile, c);
        return c;
    }
    const QByteArray accept = h.get(ReadHeaders::Accept).value_or(QByteArray());
    if (x.method == "GET" && accept.startsWith("text/html")) {
        c.evidence |= Evidence::AcceptHtml;
        c.kind = ExchangeKind::Navigation;
        return c;
    }
    if (const std::optional<QByteArray> referer = h.get(ReadHeaders::Referer)) {
        c.evidence |= Evidence::Referer;
        c.kind = sameOrigin(originOfUrl(*referer), originOfUrl(x.url)) ? ExchangeKind::SameOrigin
                                                                       : ExchangeKind::NoCors;
        if (c.kind == ExchangeKind::NoCors)
            c.mode = cors::RequestMode::NoCors;
        return c;
    }
    c.evidence |= Evidence::Nothing;
    c.mode = cors::RequestMode::NoCors;
    c.kind = ExchangeKind::NoCors;
    return c;
}

Classification classifyExchange(const CapturedExchange &x, const cors::BrowserProfile &profile)
{
    Classification c = classifyRequest(x, profile);
    if (isBrowserBackgroundTraffic(x))
        c.evidence |= Evidence::BrowserBackground;
    return c;
}

QString describeEvidence(const CapturedExchange &x, quint16 evidence)
{
    QStringList parts;
    auto add = [&](quint16 bit, const char *name) {
        if (!(evidence & bit))
            return;
        const QByteArray value =
            base::getHeader(x.requestHeaders, QByteArrayView(name)).value_or(QByteArray());
        parts << QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value);
    };
    add(Evidence::SecFetchMode, "Sec-Fetch-Mode");
    add(Evidence::SecFetchSite, "Sec-Fetch-Site");
    add(Evidence::SecFetchDest, "Sec-Fetch-Dest");
    add(Evidence::RequestMethod, "Access-Control-Request-Method");
    if (evidence & Evidence::Origin)
        parts << QStringLiteral("Origin: %1 (the URL's origin is %2)")
                     .arg(QString::fromLatin1(
                              base::getHeader(x.requestHeaders, "origin").value_or(QByteArray())),
                          QString::fromLatin1(originOfUrl(x.url)));
    if (evidence & Evidence::Referer)
        parts << QStringLiteral("no Origin, Referer: %1 (the URL's origin is %2)")
                     .arg(QString::fromLatin1(
                              base::getHeader(x.requestHeaders, "referer").value_or(QByteArray())),
                          QString::fromLatin1(originOfUrl(x.url)));
    add(Evidence::AcceptHtml, "Accept");
    add(Evidence::UpgradeInsecureRequests, "Upgrade-Insecure-Requests");
    if (evidence & Evidence::Nothing)
        parts << QStringLiteral("no Origin, Sec-Fetch-* or Referer header (not sent by a "
                                "browser's fetch?)");
    if (evidence & Evidence::BrowserBackground)
        parts << QStringLiteral("a browser vendor's service host and no page's Origin or "
                                "Sec-Fetch-Site (the browser's own background traffic)");
    return parts.join(QStringLiteral(", "));
}

} // namespace corslab::session
