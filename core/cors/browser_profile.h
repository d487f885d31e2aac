#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace corslab::cors {

/// The browsers whose CORS behaviour the engine models; Spec follows the Fetch standard to the
/// letter. docs/BROWSERS.md records each difference and how it was checked.
enum class Browser { Chromium, Firefox, Safari, Spec };

/// \brief The knobs on which real browsers and the Fetch standard disagree.
///
/// Profiles are plain values: the engine reads them, never a global.
struct BrowserProfile
{
    Browser browser = Browser::Chromium;
    QString name;        ///< "chromium", "firefox", "safari", "spec"
    QString displayName; ///< "Chromium", "Firefox", ...

    /// Upper bound on Access-Control-Max-Age in seconds; -1 for none (Fetch leaves it to the UA).
    qint64 maxAgeCapSeconds = 7200;
    /// Lifetime used when Access-Control-Max-Age is absent (Fetch: 5 s).
    qint64 defaultMaxAgeSeconds = 5;
    /// Lifetime used when Access-Control-Max-Age is present but not a non-negative integer.
    qint64 invalidMaxAgeSeconds = 5;
    /// Lifetime for a negative integer (Fetch: not delta-seconds, so treated as invalid).
    qint64 negativeMaxAgeSeconds = 5;

    /// Whether `Access-Control-Allow-Headers: *` lets `Authorization` through. The standard says
    /// no ("CORS non-wildcard request-header name"); shipping browsers still say yes.
    bool wildcardCoversAuthorization = true;
    /// `Range: bytes=N-[M]` is a CORS-safelisted request header (Chrome 99+, Firefox 117+,
    /// Safari 16+, Fetch since 2022).
    bool rangeIsSafelisted = true;
    /// Chromium also safelists client-hint headers (DPR, Width, Viewport-Width, Device-Memory,
    /// RTT, Downlink, ECT, Save-Data) when their values are well formed.
    bool clientHintsSafelisted = false;
    /// A 3xx with Location to a preflight fails as PreflightDisallowedRedirect before any other
    /// check (Chromium, WebKit, Gecko); in the standard it is simply not an ok status.
    bool preflightRedirectIsOwnError = true;
    /// A header the script sets twice is one header whose values are joined by ", " before the
    /// safelist check and the preflight ("text/plain, text/plain" is no safelisted
    /// Content-Type): Chromium and WebKit. Fetch and Firefox judge each line on its own (on the
    /// wire every browser sends one line: core/client/fetch_headers.cpp).
    bool combinesRepeatedRequestHeaders = false;
    /// Access-Control-Request-Headers names an unsafe header once per line the script set, not
    /// once per name (Firefox: "x-custom,x-custom").
    bool preflightRepeatsHeaderNames = false;
    /// Request headers Fetch lets a script set that this browser drops silently, like a
    /// forbidden request-header (lowercase): Chromium keeps its own User-Agent.
    QList<QByteArray> scriptIgnoredRequestHeaders;
    /// When a preflight allows some of the request's unsafe headers but not all, the error names
    /// the first refused one in the order the script set them (Chromium), not in the sorted
    /// order of Access-Control-Request-Headers.
    bool refusedHeaderInRequestOrder = false;
    /// A preflight response is checked for an ok status before the CORS check, so a refused
    /// preflight without Access-Control-Allow-Origin fails on its status (WebKit's
    /// validatePreflightResponse); the standard and Chromium run the CORS check first.
    bool preflightStatusBeforeCorsCheck = false;
    /// Chromium 142+ asks the user before a public page may reach a local/loopback address
    /// (Local Network Access), replacing Private Network Access preflights.
    bool localNetworkAccessPrompt = false;
    /// Third-party cookies are blocked by default: a credentialed request to another site may
    /// carry none (Chromium; Safari's Intelligent Tracking Prevention).
    bool blocksThirdPartyCookies = false;
    /// The characters besides letters, digits, '-' and '.' this browser keeps verbatim in a host
    /// name, so a page on such a host sends them in its Origin (the audit's special-characters
    /// probes). The URL standard keeps every one that is not a forbidden domain code point.
    QByteArray hostSpecialCharacters = QByteArrayLiteral("_`{}!~$&'()*+,;=\"");

    /// The built-in profile called \a name; nullptr when there is none.
    static const BrowserProfile *byName(const QString &name);
    /// The built-in profile for \a browser.
    static const BrowserProfile &get(Browser browser);
    /// Names accepted by byName(), in display order.
    static QStringList names();
};

} // namespace corslab::cors
