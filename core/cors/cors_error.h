#pragma once

#include <QByteArray>
#include <QString>

namespace corslab::cors {

/// \brief Why a fetch failed. Names are Chromium's `network::mojom::CorsError` values so that a
/// verdict matches what Chrome DevTools shows; the entries after `RedirectContainsCredentials`
/// are failures fetch() reports without a CorsError (a TypeError or a network error) and carry
/// names of our own. Entries are never renumbered: saved sessions store them.
enum class CorsError {
    None = 0,
    DisallowedByMode,
    InvalidResponse,
    WildcardOriginNotAllowed,
    MissingAllowOriginHeader,
    MultipleAllowOriginValues,
    InvalidAllowOriginValue,
    AllowOriginMismatch,
    InvalidAllowCredentials,
    CorsDisabledScheme,
    PreflightInvalidStatus,
    PreflightDisallowedRedirect,
    PreflightWildcardOriginNotAllowed,
    PreflightMissingAllowOriginHeader,
    PreflightMultipleAllowOriginValues,
    PreflightInvalidAllowOriginValue,
    PreflightAllowOriginMismatch,
    PreflightInvalidAllowCredentials,
    InvalidAllowMethodsPreflightResponse,
    InvalidAllowHeadersPreflightResponse,
    MethodDisallowedByPreflightResponse,
    HeaderDisallowedByPreflightResponse,
    RedirectContainsCredentials,
    // Not CorsError values in Chromium: fetch() throws or fails for these without one.
    ForbiddenMethod,         ///< CONNECT, TRACE, TRACK: new Request() throws a TypeError
    UrlContainsCredentials,  ///< user:password@ in the request URL: a TypeError
    NoCorsMethodNotAllowed,  ///< mode 'no-cors' with a non-safelisted method: a TypeError
    RedirectModeError,       ///< redirect 'error' and the server redirected
    TooManyRedirects,        ///< more than 20 redirects
    InvalidRedirectLocation, ///< a Location that does not parse as a URL
    OpaqueResponse,          ///< mode 'no-cors' across origins: the response is opaque to JS
    OpaqueRedirect,          ///< redirect 'manual': JS sees an opaque-redirect response
};

/// The enum's name, e.g. "AllowOriginMismatch".
QString corsErrorName(CorsError error);
/// Parses a name produced by corsErrorName(); CorsError::None when unknown.
CorsError corsErrorFromName(const QString &name);
/// True for errors Chromium reports as a CorsError (shown in DevTools' Issues panel).
bool isChromiumCorsError(CorsError error);
/// True for the Chromium CORS errors Chromium also prints as an "Access to fetch at ... has been
/// blocked by CORS policy" console line.
bool chromiumLogsConsoleLine(CorsError error);
/// True for errors of the CORS-preflight fetch (the actual request was never sent).
bool isPreflightError(CorsError error);

/// Chrome's console message for \a error (after "Access to fetch at ... has been blocked by CORS
/// policy: "); \a detail is the offending value (header value, method, header name).
QString chromiumConsoleText(CorsError error, const QString &detail);
/// Firefox's console reason key (MDN has a page for each), or empty.
QString firefoxReasonKey(CorsError error);
/// Safari's (WebKit's) console sentence, or empty.
QString safariMessage(CorsError error, const QString &origin, const QString &detail);

} // namespace corslab::cors
