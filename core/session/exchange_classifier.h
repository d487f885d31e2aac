#pragma once

#include "base/header_list.h"
#include "captured_exchange.h"
#include "cors/browser_profile.h"
#include "cors/scenario.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace corslab::session {

/// What kind of request an exchange is, as far as CORS is concerned. Stored in saved sessions by
/// name (exchangeKindName()), so entries may be added but never renamed.
enum class ExchangeKind : quint8 {
    Preflight,             ///< OPTIONS with Origin and Access-Control-Request-Method
    SimpleCors,            ///< cross-origin, mode cors, no preflight needed
    PreflightedActual,     ///< cross-origin, needed a preflight (seen just before, or not seen)
    PreflightCachedActual, ///< needed a preflight, none was sent: an earlier one was still cached
    SameOrigin,            ///< same origin (or mode same-origin): CORS does not apply
    NoCors,                ///< mode no-cors (img, script...), WebSocket, or no Origin at all
    Navigation,            ///< a document load (Sec-Fetch-Mode: navigate, or a page request)
    Tunnel,                ///< an opaque CONNECT tunnel
};

/// "preflight", "simple-cors", "preflighted-actual", "preflight-cached-actual", "same-origin",
/// "no-cors", "navigation", "tunnel".
QString exchangeKindName(ExchangeKind kind);
/// Parses a name produced by exchangeKindName(); false when unknown.
bool exchangeKindFromName(const QString &name, ExchangeKind *out);
/// True for the kinds the CORS engine judges (a preflight and the three actual-request kinds).
inline bool isCorsKind(ExchangeKind kind)
{
    return kind == ExchangeKind::Preflight || kind == ExchangeKind::SimpleCors ||
           kind == ExchangeKind::PreflightedActual || kind == ExchangeKind::PreflightCachedActual;
}

/// The request headers a classification relied on (bits of Classification::evidence).
namespace Evidence {
constexpr quint16 SecFetchMode = 1 << 0;
constexpr quint16 SecFetchSite = 1 << 1;
constexpr quint16 SecFetchDest = 1 << 2;
constexpr quint16 Origin = 1 << 3;        ///< the Origin header, compared with the URL's origin
constexpr quint16 RequestMethod = 1 << 4; ///< Access-Control-Request-Method (a preflight)
constexpr quint16 Referer = 1 << 5;       ///< no Origin: the Referer's origin against the URL's
constexpr quint16 AcceptHtml = 1 << 6;    ///< Accept: text/html... on a GET without Origin
constexpr quint16 UpgradeInsecureRequests = 1 << 7; ///< sent on navigations only
constexpr quint16 Nothing = 1 << 8; ///< no browser header at all (not from a browser?)
/// Not a header but a mark: the browser's own background traffic (isBrowserBackgroundTraffic()),
/// which the exchange list hides by default. Kept here so the record carries it for free.
constexpr quint16 BrowserBackground = 1 << 9;
} // namespace Evidence

/// \brief An exchange's kind and what the judging needs from its request, from the headers the
/// browser sent. Sec-Fetch-Mode/-Site/-Dest win when present (browsers send them to HTTPS and
/// localhost URLs only); otherwise Origin is compared with the URL's origin.
struct Classification
{
    ExchangeKind kind = ExchangeKind::NoCors;
    quint16 evidence = 0; ///< Evidence bits
    /// No response (status 0) or a transport error: a flag, because a failed exchange still has
    /// a kind.
    bool failed = false;
    bool webSocket = false; ///< Sec-Fetch-Mode: websocket (NoCors)
    cors::RequestMode mode = cors::RequestMode::Cors;
    bool modeFromSecFetch = false; ///< mode read from Sec-Fetch-Mode, not assumed
    /// A cross-origin CORS request whose method or headers need a preflight under the profile
    /// (Fetch #http-fetch step 4.1, cors::corsUnsafeRequestHeaderNames()).
    bool needsPreflight = false;
    QByteArray origin; ///< the Origin header's value; empty when none was sent
    /// CORS kinds: the headers the page's script set (what the browser adds itself removed).
    base::HeaderList scriptHeaders;
    /// CORS kinds: the CORS-unsafe request-header names, lowercase and sorted (what a preflight
    /// announces in Access-Control-Request-Headers).
    QList<QByteArray> unsafeHeaderNames;
    /// Preflight: the method and header names it announces (names lowercase, sorted).
    QByteArray requestedMethod;
    QList<QByteArray> requestedHeaders;
};

/// Classifies \a exchange. \a profile decides which headers are CORS-safelisted (Chromium's
/// client hints), hence whether a preflight was needed.
Classification classifyExchange(const CapturedExchange &exchange,
                                const cors::BrowserProfile &profile);

/// "Sec-Fetch-Mode: cors, Sec-Fetch-Site: cross-site": the headers behind \a evidence with the
/// values \a exchange carried, for a note.
QString describeEvidence(const CapturedExchange &exchange, quint16 evidence);

/// The serialized origin ("https://api.example.com", "http://localhost:8080") of an absolute
/// URL, lowercase and without the scheme's default port; "null" when it has no tuple origin.
/// Hand-written because every exchange needs it and QUrl parsing costs a microsecond.
QByteArray originOfUrl(QByteArrayView url);

/// Access-Control-Request-Headers as a set: names trimmed, lowercased, sorted, deduplicated.
QList<QByteArray> parseRequestedHeaderNames(QByteArrayView value);

} // namespace corslab::session
