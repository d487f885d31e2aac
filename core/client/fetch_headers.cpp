#include "fetch_headers.h"

#include "base/header_list.h"
#include "http_client.h"

namespace corslab::client {

namespace {

void appendFetchMetadata(base::HeaderList &headers, FetchSite site,
                         cors::RequestMode mode = cors::RequestMode::Cors)
{
    headers.append({QByteArrayLiteral("Sec-Fetch-Site"), fetchSiteValue(site)});
    headers.append({QByteArrayLiteral("Sec-Fetch-Mode"), cors::requestModeName(mode).toLatin1()});
    headers.append({QByteArrayLiteral("Sec-Fetch-Dest"), QByteArrayLiteral("empty")});
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

base::HeaderList actualRequestHeaders(const ActualRequestContext &context)
{
    base::HeaderList headers;
    headers.reserve(context.scriptHeaders.size() + 10);
    headers.append({QByteArrayLiteral("Host"), hostHeaderValue(context.url)});
    // Fetch "HTTP-network-or-cache fetch" step 8.5-8.8: a body's length; 0 for a POST or PUT
    // without one (servers may refuse those without a length).
    if (!context.body.isEmpty() || context.method == "POST" || context.method == "PUT")
        headers.append(
            {QByteArrayLiteral("Content-Length"), QByteArray::number(context.body.size())});
    headers.append(context.scriptHeaders);
    // Fetch step 14 of "fetch": Accept `*/*` unless the script set one; the same for the UA.
    if (!base::containsHeader(context.scriptHeaders, "accept"))
        headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("*/*")});
    if (!base::containsHeader(context.scriptHeaders, "user-agent"))
        headers.append({QByteArrayLiteral("User-Agent"), context.userAgent});
    if (context.origin)
        headers.append({QByteArrayLiteral("Origin"), *context.origin});
    appendFetchMetadata(headers, context.site, context.mode);
    if (!context.cookie.isEmpty())
        headers.append({QByteArrayLiteral("Cookie"), context.cookie});
    return headers;
}

base::HeaderList preflightRequestHeaders(const QUrl &url, const base::HeaderList &corsHeaders,
                                         FetchSite site, const QByteArray &userAgent)
{
    base::HeaderList headers;
    headers.reserve(corsHeaders.size() + 6);
    headers.append({QByteArrayLiteral("Host"), hostHeaderValue(url)});
    headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("*/*")});
    headers.append(corsHeaders);
    headers.append({QByteArrayLiteral("User-Agent"), userAgent});
    appendFetchMetadata(headers, site);
    return headers;
}

} // namespace corslab::client
