#pragma once

#include "browser_profile.h"
#include "headers.h"

#include <QByteArray>
#include <QList>

/// The Fetch standard's definitions used by the CORS protocol, one function per definition, each
/// named after it. Section anchors refer to https://fetch.spec.whatwg.org/.
namespace corslab::cors {

/// #cors-safelisted-method: `GET`, `HEAD`, `POST` (byte-exact: fetch() already normalized).
bool isCorsSafelistedMethod(const QByteArray &method);
/// #forbidden-method: `CONNECT`, `TRACE`, `TRACK`, byte-case-insensitive.
bool isForbiddenMethod(const QByteArray &method);
/// #concept-method-normalize: DELETE, GET, HEAD, OPTIONS, POST, PUT are upper-cased; any other
/// method is kept as written (so `patch` stays `patch`).
QByteArray normalizeMethod(const QByteArray &method);

/// #forbidden-request-header: names fetch() silently drops from a script's headers.
bool isForbiddenRequestHeader(const QByteArray &name, const QByteArray &value);
/// #concept-header-list-combine for every name: one header per name (case-insensitive) at its
/// first position and in its first spelling, the values joined by ", " in order.
HeaderList combineRepeatedHeaders(const HeaderList &headers);
/// #cors-unsafe-request-header-byte.
bool isCorsUnsafeRequestHeaderByte(unsigned char byte);
/// #cors-safelisted-request-header, with the profile's extras (Range, Chromium's client hints).
bool isCorsSafelistedRequestHeader(const QByteArray &name, const QByteArray &value,
                                   const BrowserProfile &profile);
/// #no-cors-safelisted-request-header-name: the headers a 'no-cors' request may carry.
bool isNoCorsSafelistedRequestHeaderName(const QByteArray &name);
/// #cors-non-wildcard-request-header-name: `Authorization`.
bool isCorsNonWildcardRequestHeaderName(const QByteArray &name);

/// Why a request header makes the request need a preflight.
struct UnsafeHeader
{
    QByteArray name; ///< lowercase
    enum class Why { NotSafelistedName, ValueNotSafelisted, TooLong, TotalOver1024 } why;
};

/// #cors-unsafe-request-header-names: lowercased, sorted, deduplicated, with the reason for each
/// (the reasons feed the explanation; the names alone are the standard's result).
QList<UnsafeHeader> corsUnsafeRequestHeaderNames(const HeaderList &headers,
                                                 const BrowserProfile &profile);

/// #cors-safelisted-response-header-name (without the exposed list).
bool isCorsSafelistedResponseHeaderName(const QByteArray &name);
/// #forbidden-response-header-name: `Set-Cookie`, `Set-Cookie2`; never readable by scripts.
bool isForbiddenResponseHeaderName(const QByteArray &name);
/// #request-body-header-name: dropped when a redirect turns the request into a GET.
bool isRequestBodyHeaderName(const QByteArray &name);
/// #ok-status: 200 to 299.
inline bool isOkStatus(int status)
{
    return status >= 200 && status <= 299;
}
/// #redirect-status: 301, 302, 303, 307, 308.
inline bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// #concept-mime-type essence of \a value ("type/subtype", lowercase), or an empty array when
/// \a value does not parse as a MIME type (mimesniff "parse a MIME type").
QByteArray mimeTypeEssence(const QByteArray &value);
/// #simple-range-header-value: `bytes=start-` or `bytes=start-end`, no whitespace, one range.
bool isSimpleRangeHeaderValue(const QByteArray &value);

} // namespace corslab::cors
