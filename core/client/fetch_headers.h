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
    /// The fetch's credentials mode: with include, a cross-site request carries
    /// `Sec-Fetch-Storage-Access: none` (Chromium, Firefox).
    cors::CredentialsMode credentials = cors::CredentialsMode::SameOrigin;
    QByteArray cookie; ///< the `Cookie` value; empty: none
    QByteArray userAgent;
    QString browser; ///< the profile's name: the order the headers go out in (empty: Chromium's)
    /// A redirect on the way here turned the method into GET (and dropped the body).
    bool methodChangedByRedirect = false;
};

/// The actual request's header list, in the order \a context.browser writes it: Host,
/// Content-Length (with a body, and 0 for a POST or PUT without one), the script's headers,
/// Accept and User-Agent (unless the script set them), Origin, Sec-Fetch-Site/-Mode/-Dest,
/// Sec-Fetch-Storage-Access (cross-site with credentials mode include), Cookie,
/// ordered as that browser does (Chromium: Host, Content-Length, User-Agent, the script's
/// headers, Accept, Origin, Sec-Fetch-Site/-Mode/-Dest; Firefox: Host, User-Agent, Accept, the
/// script's headers, Content-Length, Origin, Sec-Fetch-Dest/-Mode/-Site).
base::HeaderList actualRequestHeaders(const ActualRequestContext &context);

/// What the CORS-preflight request of one hop carries.
struct PreflightRequestContext
{
    QUrl url;
    base::HeaderList corsHeaders; ///< the engine's Origin, Access-Control-Request-Method/-Headers
    FetchSite site = FetchSite::SameOrigin;
    QByteArray userAgent;
    /// The fetch's credentials mode (the preflight itself carries none): Firefox writes
    /// `Sec-Fetch-Storage-Access: none` on the preflight of a cross-site include fetch.
    cors::CredentialsMode credentials = cors::CredentialsMode::SameOrigin;
    QString browser;       ///< the profile's name (empty: Chromium's wire format)
    QByteArray pageOrigin; ///< the page's serialized origin (see preflightRequestHeaders())
};

/// The CORS-preflight request's header list (Fetch "CORS-preflight fetch" steps 1-4): Host,
/// Accept `*/*`, the engine's Origin and Access-Control-Request-*, User-Agent and Sec-Fetch-*
/// (Firefox: and Sec-Fetch-Storage-Access for a cross-site include fetch), in
/// the order \a context.browser writes them. Never a cookie nor a script header. Firefox writes
/// the page's origin in a preflight's Origin even after a cross-origin redirect made the
/// request's origin "null" (its actual request then says "null").
base::HeaderList preflightRequestHeaders(const PreflightRequestContext &context);

} // namespace corslab::client
