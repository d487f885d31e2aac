#include "fetch_headers.h"

#include "base/header_list.h"
#include "http_client.h"

#include <algorithm>
#include <span>

namespace corslab::client {

namespace {

/// How one browser writes the requests of a fetch(): data keyed by the profile's name, taken
/// from what the browsers send (tests/browser/tst_check_agreement compares check with headless
/// Chromium and Firefox on the wire).
struct WireFormat
{
    const char *browser;
    /// The actual request's headers in the browser's order (lowercase); "*" stands for the
    /// script's headers that have no slot of their own, in the script's order.
    std::span<const char *const> actualOrder;
    std::span<const char *const> preflightOrder;
    /// On the hops after a redirect changed the method, Origin comes after Sec-Fetch-Dest
    /// (Chromium drops it with the body headers and its CORS layer appends it again).
    bool originLastAfterMethodChange;
    /// A preflight's Origin is the page's origin even when a cross-origin redirect made the
    /// request's origin "null" (Firefox; its actual request does say "null").
    bool preflightOriginIsPageOrigin;
    /// `Sec-Fetch-Storage-Access: none` (Storage Access Headers: cookies blocked, no permission
    /// granted) on a cross-site request with credentials mode include: on the actual request,
    /// and on its preflight too.
    bool storageAccessOnActual;
    bool storageAccessOnPreflight;
    /// Script headers set twice are sent as one line, values joined by ", " (every browser), but
    /// for these names (lowercase) the first value alone goes out (Firefox's singleton headers).
    std::span<const char *const> firstValueOnly;
};

// Chromium places the script's headers by Blink's header map, which follows the names' hashes
// rather than the script's order: most land right after User-Agent, as Content-Type does.
constexpr const char *kChromiumActual[] = {
    "host",           "content-length",
    "user-agent",     "*",
    "accept",         "origin",
    "sec-fetch-site", "sec-fetch-mode",
    "sec-fetch-dest", "sec-fetch-storage-access",
    "cookie",
};
constexpr const char *kChromiumPreflight[] = {
    "host",
    "accept",
    "access-control-request-method",
    "access-control-request-headers",
    "origin",
    "user-agent",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-dest",
};
constexpr WireFormat kChromium{
    .browser = "chromium",
    .actualOrder = kChromiumActual,
    .preflightOrder = kChromiumPreflight,
    .originLastAfterMethodChange = true,
    .preflightOriginIsPageOrigin = false,
    .storageAccessOnActual = true,
    .storageAccessOnPreflight = false,
    .firstValueOnly = {},
};

constexpr const char *kFirefoxActual[] = {
    "host",
    "user-agent",
    "accept",
    "*",
    "content-length",
    "origin",
    "sec-fetch-storage-access",
    "cookie",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
};
constexpr const char *kFirefoxPreflight[] = {
    "host",
    "user-agent",
    "accept",
    "access-control-request-method",
    "access-control-request-headers",
    "origin",
    "sec-fetch-storage-access",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
};
// nsHttpHeaderArray does not merge its singleton headers; Content-Type is the one a script may
// set, and the first value stays (checked against Firefox ESR 153: header-twice-content-type*).
constexpr const char *kFirefoxFirstValueOnly[] = {"content-type"};
constexpr WireFormat kFirefox{
    .browser = "firefox",
    .actualOrder = kFirefoxActual,
    .preflightOrder = kFirefoxPreflight,
    .originLastAfterMethodChange = false,
    .preflightOriginIsPageOrigin = true,
    .storageAccessOnActual = true,
    .storageAccessOnPreflight = true,
    .firstValueOnly = kFirefoxFirstValueOnly,
};

/// The wire format of the profile called \a browser; Chromium's for the others (Safari's and the
/// spec's are not measured).
const WireFormat &wireFormat(const QString &browser)
{
    return browser == QLatin1String(kFirefox.browser) ? kFirefox : kChromium;
}

/// The slot of \a name in \a order: its own, else the one of "*" (the script's headers), else
/// after everything.
qsizetype slotOf(std::span<const char *const> order, const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    qsizetype index = 0;
    auto scriptSlot = qsizetype(order.size());
    for (const char *entry : order) {
        if (lower == entry)
            return index;
        if (qstrcmp(entry, "*") == 0)
            scriptSlot = index;
        ++index;
    }
    return scriptSlot;
}

/// \a headers in the order \a order gives (stable: the script's headers keep their order).
/// \a originLast moves Origin to right after Sec-Fetch-Dest.
base::HeaderList ordered(base::HeaderList headers, std::span<const char *const> order,
                         bool originLast = false)
{
    const auto rank = [&](const base::Header &header) {
        if (originLast && header.first.compare("origin", Qt::CaseInsensitive) == 0)
            return slotOf(order, QByteArrayLiteral("sec-fetch-dest")) * 2 + 1;
        return slotOf(order, header.first) * 2;
    };
    std::stable_sort(
        headers.begin(), headers.end(),
        [&](const base::Header &a, const base::Header &b) { return rank(a) < rank(b); });
    return headers;
}

void appendFetchMetadata(base::HeaderList &headers, FetchSite site,
                         cors::RequestMode mode = cors::RequestMode::Cors)
{
    headers.append({QByteArrayLiteral("Sec-Fetch-Site"), fetchSiteValue(site)});
    headers.append({QByteArrayLiteral("Sec-Fetch-Mode"), cors::requestModeName(mode).toLatin1()});
    headers.append({QByteArrayLiteral("Sec-Fetch-Dest"), QByteArrayLiteral("empty")});
}

void appendStorageAccess(base::HeaderList &headers, bool written, cors::CredentialsMode credentials,
                         FetchSite site)
{
    // CORS Lab's client never has storage access (it withholds third-party cookies): "none".
    if (written && credentials == cors::CredentialsMode::Include && site == FetchSite::CrossSite)
        headers.append({QByteArrayLiteral("Sec-Fetch-Storage-Access"), QByteArrayLiteral("none")});
}

} // namespace

FetchSite fetchSiteOf(const cors::Origin &initiator, const QUrl &url)
{
    const cors::Origin target = cors::Origin::fromUrl(url);
    if (initiator.sameOriginAs(target))
        return FetchSite::SameOrigin;
    return cors::sameSite(initiator, target) ? FetchSite::SameSite : FetchSite::CrossSite;
}

QByteArray fetchSiteValue(FetchSite site)
{
    switch (site) {
    case FetchSite::SameOrigin:
        return QByteArrayLiteral("same-origin");
    case FetchSite::SameSite:
        return QByteArrayLiteral("same-site");
    case FetchSite::CrossSite:
        break;
    }
    return QByteArrayLiteral("cross-site");
}

QByteArray composerUserAgent(const cors::BrowserProfile &profile)
{
    return "Mozilla/5.0 (compatible; CORS-Lab-Composer/" +
           QByteArrayLiteral(CORSLAB_CLIENT_VERSION) + "; behaves-as " + profile.name.toLatin1() +
           ')';
}

/// The script's headers as \a format writes them: one line per name (the first spelling, the
/// values joined by ", "), or only the first value for the format's first-value names.
base::HeaderList wireScriptHeaders(const base::HeaderList &script, const WireFormat &format)
{
    base::HeaderList lines;
    lines.reserve(script.size());
    for (const base::Header &header : script) {
        const auto same = std::find_if(lines.begin(), lines.end(), [&](const base::Header &line) {
            return base::equalsIgnoreCase(line.first, header.first);
        });
        if (same == lines.end()) {
            lines.append(header);
            continue;
        }
        const bool firstOnly = std::any_of(
            format.firstValueOnly.begin(), format.firstValueOnly.end(),
            [&](const char *name) { return base::equalsIgnoreCase(header.first, name); });
        if (!firstOnly)
            same->second += ", " + header.second;
    }
    return lines;
}

base::HeaderList actualRequestHeaders(const ActualRequestContext &context)
{
    const WireFormat &format = wireFormat(context.browser);
    base::HeaderList headers;
    headers.reserve(context.scriptHeaders.size() + 10);
    headers.append({QByteArrayLiteral("Host"), hostHeaderValue(context.url)});
    // Fetch "HTTP-network-or-cache fetch" step 8.5-8.8: a body's length; 0 for a POST or PUT
    // without one (servers may refuse those without a length).
    if (!context.body.isEmpty() || context.method == "POST" || context.method == "PUT")
        headers.append(
            {QByteArrayLiteral("Content-Length"), QByteArray::number(context.body.size())});
    headers.append(wireScriptHeaders(context.scriptHeaders, format));
    // Fetch step 14 of "fetch": Accept `*/*` unless the script set one; the same for the UA.
    if (!base::containsHeader(context.scriptHeaders, "accept"))
        headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("*/*")});
    if (!base::containsHeader(context.scriptHeaders, "user-agent"))
        headers.append({QByteArrayLiteral("User-Agent"), context.userAgent});
    if (context.origin)
        headers.append({QByteArrayLiteral("Origin"), *context.origin});
    appendFetchMetadata(headers, context.site, context.mode);
    appendStorageAccess(headers, format.storageAccessOnActual, context.credentials, context.site);
    if (!context.cookie.isEmpty())
        headers.append({QByteArrayLiteral("Cookie"), context.cookie});
    return ordered(std::move(headers), format.actualOrder,
                   context.methodChangedByRedirect && format.originLastAfterMethodChange);
}

base::HeaderList preflightRequestHeaders(const PreflightRequestContext &context)
{
    const WireFormat &format = wireFormat(context.browser);
    base::HeaderList headers;
    headers.reserve(context.corsHeaders.size() + 6);
    headers.append({QByteArrayLiteral("Host"), hostHeaderValue(context.url)});
    headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("*/*")});
    for (const base::Header &header : context.corsHeaders) {
        if (format.preflightOriginIsPageOrigin && !context.pageOrigin.isEmpty() &&
            header.first.compare("origin", Qt::CaseInsensitive) == 0)
            headers.append({header.first, context.pageOrigin});
        else
            headers.append(header);
    }
    headers.append({QByteArrayLiteral("User-Agent"), context.userAgent});
    appendFetchMetadata(headers, context.site);
    appendStorageAccess(headers, format.storageAccessOnPreflight, context.credentials,
                        context.site);
    return ordered(std::move(headers), format.preflightOrder);
}

} // namespace corslab::client
