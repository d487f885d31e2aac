#pragma once

#include "cors/browser_profile.h"
#include "cors/origin.h"
#include "cors/scenario.h"
#include "http/http_message.h"

#include <QUrl>
#include <optional>

/// The header lists a browser's fetch() puts on the wire, as pure functions (BrowserClient
/// decides what goes in; these decide the names, values and order).
namespace corslab::client {

/// Fetch Metadata `Sec-Fetch-Site` values, from the least to the most cross.
enum class FetchSite { SameOrigin, SameSite, CrossSite };

/// How \a url relates to the page at \a initiator (Fetch Metadata "set the Sec-Fetch-Site
/// header" for one URL): sites ignore ports, so `localhost:3000` and `localhost:8080` are one
/// site while `127.0.0.1` is another.
FetchSite fetchSiteOf(const cors::Origin &initiator, const QUrl &url);
/// The header value: "same-origin", "same-site" or "cross-site".
QByteArray fetchSiteValue(FetchSite site);

/// The User-Agent CORS Lab's composer sends, naming the browser \a profile it behaves as.
QByteArray composerUserAgent(const cors::BrowserProfile &profile);

/// What the actual request of one hop carries besides the script's headers.
struct ActualRequestContext
{
    QUrl url;
    QByteArray method;
    base::HeaderList scriptHeaders; ///< after the Headers guard (forbidden names dropped)
    QByteArray body;
    /// The `Origin` value, when Fetch appends one (CORS, or a method other than GET/HEAD).
    std::optional<QByteArray> origin;
    FetchSite site = FetchSite::SameOrigin;
    cors::RequestMode mode = cors::RequestMode::Cors; ///< the request's mode: Sec-Fetch-Mode
    QByteArray cookie;                                ///< the `Cookie` value; empty: none
    QByteArray userAgent;
};

/// The actual request's header list, in the order Chromium writes it: Host, Content-Length (with
/// a body, and 0 for a POST or PUT without one), the script's headers, Accept and User-Agent
/// (unless the script set them), Origin, Sec-Fetch-Site/-Mode/-Dest, Cookie.
base::HeaderList actualRequestHeaders(const ActualRequestContext &context);

/// The CORS-preflight request's header list (Fetch "CORS-preflight fetch" steps 1-4, in
/// Chromium's order): Host, Accept `*/*`, then \a corsHeaders (the engine's Origin,
/// Access-Control-Request-Method and -Headers), User-Agent and Sec-Fetch-*. Never a cookie nor a
/// script header.
base::HeaderList preflightRequestHeaders(const QUrl &url, const base::HeaderList &corsHeaders,
                                         FetchSite site, const QByteArray &userAgent);

} // namespace corslab::client
