#include "cors_error.h"

#include <array>

namespace corslab::cors {

namespace {
struct ErrorInfo
{
    CorsError error;
    const char *name;
    const char *firefoxKey;
};

// One row per enum value, in enum order.
constexpr std::array<ErrorInfo, 32> kErrors{{
    {CorsError::None, "None", ""},
    {CorsError::DisallowedByMode, "DisallowedByMode", "CORSDidNotSucceed"},
    {CorsError::InvalidResponse, "InvalidResponse", "CORSPreflightDidNotSucceed"},
    {CorsError::WildcardOriginNotAllowed, "WildcardOriginNotAllowed",
     "CORSNotSupportingCredentials"},
    {CorsError::MissingAllowOriginHeader, "MissingAllowOriginHeader", "CORSMissingAllowOrigin"},
    {CorsError::MultipleAllowOriginValues, "MultipleAllowOriginValues",
     "CORSMultipleAllowOriginNotAllowed"},
    {CorsError::InvalidAllowOriginValue, "InvalidAllowOriginValue",
     "CORSAllowOriginNotMatchingOrigin"},
    {CorsError::AllowOriginMismatch, "AllowOriginMismatch", "CORSAllowOriginNotMatchingOrigin"},
    {CorsError::InvalidAllowCredentials, "InvalidAllowCredentials", "CORSMissingAllowCredentials"},
    {CorsError::CorsDisabledScheme, "CorsDisabledScheme", "CORSRequestNotHttp"},
    {CorsError::PreflightInvalidStatus, "PreflightInvalidStatus", "CORSPreflightDidNotSucceed"},
    {CorsError::PreflightDisallowedRedirect, "PreflightDisallowedRedirect",
     "CORSExternalRedirectNotAllowed"},
    {CorsError::PreflightWildcardOriginNotAllowed, "PreflightWildcardOriginNotAllowed",
     "CORSNotSupportingCredentials"},
    {CorsError::PreflightMissingAllowOriginHeader, "PreflightMissingAllowOriginHeader",
     "CORSMissingAllowOrigin"},
    {CorsError::PreflightMultipleAllowOriginValues, "PreflightMultipleAllowOriginValues",
     "CORSMultipleAllowOriginNotAllowed"},
    {CorsError::PreflightInvalidAllowOriginValue, "PreflightInvalidAllowOriginValue",
     "CORSAllowOriginNotMatchingOrigin"},
    {CorsError::PreflightAllowOriginMismatch, "PreflightAllowOriginMismatch",
     "CORSAllowOriginNotMatchingOrigin"},
    {CorsError::PreflightInvalidAllowCredentials, "PreflightInvalidAllowCredentials",
     "CORSMissingAllowCredentials"},
    {CorsError::InvalidAllowMethodsPreflightResponse, "InvalidAllowMethodsPreflightResponse",
     "CORSInvalidAllowMethod"},
    {CorsError::InvalidAllowHeadersPreflightResponse, "InvalidAllowHeadersPreflightResponse",
     "CORSInvalidAllowHeader"},
    {CorsError::MethodDisallowedByPreflightResponse, "MethodDisallowedByPreflightResponse",
     "CORSMethodNotFound"},
    {CorsError::HeaderDisallowedByPreflightResponse, "HeaderDisallowedByPreflightResponse",
     "CORSMissingAllowHeaderFromPreflight"},
    {CorsError::RedirectContainsCredentials, "RedirectContainsCredentials",
     "CORSExternalRedirectNotAllowed"},
    {CorsError::ForbiddenMethod, "ForbiddenMethod", ""},
    {CorsError::UrlContainsCredentials, "UrlContainsCredentials", ""},
    {CorsError::NoCorsMethodNotAllowed, "NoCorsMethodNotAllowed", ""},
    {CorsError::RedirectModeError, "RedirectModeError", ""},
    {CorsError::TooManyRedirects, "TooManyRedirects", ""},
    {CorsError::InvalidRedirectLocation, "InvalidRedirectLocation", ""},
    {CorsError::OpaqueResponse, "OpaqueResponse", ""},
    {CorsError::OpaqueRedirect, "OpaqueRedirect", ""},
    {CorsError::None, "", ""}, // sentinel keeps the array size honest
}};

const ErrorInfo &info(CorsError error)
{
    const auto index = static_cast<std::size_t>(error);
    return index < kErrors.size() - 1 ? kErrors[index] : kErrors[0];
}
} // namespace

QString corsErrorName(CorsError error)
{
    return QString::fromLatin1(info(error).name);
}

CorsError corsErrorFromName(const QString &name)
{
    for (std::size_t i = 0; i + 1 < kErrors.size(); ++i) {
        if (name == QLatin1String(kErrors[i].name))
            return kErrors[i].error;
    }
    return CorsError::None;
}

bool isChromiumCorsError(CorsError error)
{
    return error != CorsError::None &&
           static_cast<int>(error) <= static_cast<int>(CorsError::RedirectContainsCredentials);
}

bool chromiumLogsConsoleLine(CorsError error)
{
    // A fetch in mode "same-origin" fails with a TypeError alone; DevTools' Issues panel still
    // names DisallowedByMode.
    return isChromiumCorsError(error) && error != CorsError::DisallowedByMode;
}

bool isPreflightError(CorsError error)
{
    switch (error) {
    case CorsError::InvalidResponse:
    case CorsError::PreflightInvalidStatus:
    case CorsError::PreflightDisallowedRedirect:
    case CorsError::PreflightWildcardOriginNotAllowed:
    case CorsError::PreflightMissingAllowOriginHeader:
    case CorsError::PreflightMultipleAllowOriginValues:
    case CorsError::PreflightInvalidAllowOriginValue:
    case CorsError::PreflightAllowOriginMismatch:
    case CorsError::PreflightInvalidAllowCredentials:
    case CorsError::InvalidAllowMethodsPreflightResponse:
    case CorsError::InvalidAllowHeadersPreflightResponse:
    case CorsError::MethodDisallowedByPreflightResponse:
    case CorsError::HeaderDisallowedByPreflightResponse:
        return true;
    default:
        return false;
    }
}

QString chromiumConsoleText(CorsError error, const QString &detail)
{
    // Chromium's advice after a wrong Access-Control-Allow-Origin value (console_chromium).
    static const QString kSendValidValue =
        QStringLiteral(" Have the server send the header with a valid value.");
    const QString preflight =
        QStringLiteral("Response to preflight request doesn't pass access control check: ");
    QString text;
    switch (error) {
    case CorsError::None:
        return {};
    case CorsError::DisallowedByMode:
        return QStringLiteral("Cross origin requests are not allowed by request mode.");
    case CorsError::InvalidResponse:
        return QStringLiteral("The response is invalid.");
    case CorsError::WildcardOriginNotAllowed:
    case CorsError::PreflightWildcardOriginNotAllowed:
        text = QStringLiteral("The value of the 'Access-Control-Allow-Origin' header in the "
                              "response must not be the wildcard '*' when the request's "
                              "credentials mode is 'include'.");
        break;
    case CorsError::MissingAllowOriginHeader:
    case CorsError::PreflightMissingAllowOriginHeader:
        text = QStringLiteral(
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.");
        break;
    case CorsError::MultipleAllowOriginValues:
    case CorsError::PreflightMultipleAllowOriginValues:
        text = QStringLiteral("The 'Access-Control-Allow-Origin' header contains multiple values "
                              "'%1', but only one is allowed.%2")
                   .arg(detail, kSendValidValue);
        break;
    case CorsError::InvalidAllowOriginValue:
    case CorsError::PreflightInvalidAllowOriginValue:
        text = QStringLiteral(
                   "The 'Access-Control-Allow-Origin' header contains the invalid value '%1'.%2")
                   .arg(detail, kSendValidValue);
        break;
    case CorsError::AllowOriginMismatch:
    case CorsError::PreflightAllowOriginMismatch:
        text = QStringLiteral("The 'Access-Control-Allow-Origin' header has a value '%1' that is "
                              "not equal to the supplied origin.%2")
                   .arg(detail, kSendValidValue);
        break;
    case CorsError::InvalidAllowCredentials:
    case CorsError::PreflightInvalidAllowCredentials:
        text = QStringLiteral("The value of the 'Access-Control-Allow-Credentials' header in the "
                              "response is '%1' which must be 'true' when the request's "
                              "credentials mode is 'include'.")
                   .arg(detail);
        break;
    case CorsError::CorsDisabledScheme: // Chromium 156's list (console_chromium)
        return QStringLiteral("Cross origin requests are only supported for protocol schemes: "
                              "chrome, chrome-experimental-site-token-provider, chrome-extension, "
                              "chrome-untrusted, data, http, https, isolated-app.");
    case CorsError::PreflightInvalidStatus:
        return preflight + QStringLiteral("It does not have HTTP ok status.");
    case CorsError::PreflightDisallowedRedirect:
        return preflight + QStringLiteral("Redirect is not allowed for a preflight request.");
    case CorsError::InvalidAllowMethodsPreflightResponse:
        return QStringLiteral("Cannot parse Access-Control-Allow-Methods response header field "
                              "in preflight response.");
    case CorsError::InvalidAllowHeadersPreflightResponse:
        return QStringLiteral("Cannot parse Access-Control-Allow-Headers response header field "
                              "in preflight response.");
    case CorsError::MethodDisallowedByPreflightResponse:
        return QStringLiteral("Method %1 is not allowed by Access-Control-Allow-Methods in "
                              "preflight response.")
            .arg(detail);
    case CorsError::HeaderDisallowedByPreflightResponse:
        return QStringLiteral("Request header field %1 is not allowed by "
                              "Access-Control-Allow-Headers in preflight response.")
            .arg(detail);
    case CorsError::RedirectContainsCredentials:
        return QStringLiteral("Redirect location '%1' contains a username and password, which is "
                              "disallowed for cross-origin requests.")
            .arg(detail);
    case CorsError::ForbiddenMethod:
        return QStringLiteral("TypeError: Failed to construct 'Request': '%1' HTTP method is "
                              "unsupported.")
            .arg(detail);
    case CorsError::UrlContainsCredentials:
        return QStringLiteral("TypeError: Failed to execute 'fetch': Request cannot be "
                              "constructed from a URL that includes credentials.");
    case CorsError::NoCorsMethodNotAllowed:
        return QStringLiteral("TypeError: Failed to construct 'Request': '%1' is unsupported in "
                              "no-cors mode.")
            .arg(detail);
    case CorsError::RedirectModeError:
    case CorsError::TooManyRedirects:
    case CorsError::InvalidRedirectLocation:
        return QStringLiteral("TypeError: Failed to fetch (net::ERR_FAILED)");
    case CorsError::OpaqueResponse:
        return QStringLiteral("(no error: the response is opaque, type 'opaque', status 0)");
    case CorsError::OpaqueRedirect:
        return QStringLiteral("(no error: the response is an opaque redirect, type "
                              "'opaqueredirect', status 0)");
    }
    return isPreflightError(error) ? preflight + text : text;
}

QString firefoxReasonKey(CorsError error)
{
    return QString::fromLatin1(info(error).firefoxKey);
}

QString safariMessage(CorsError error, const QString &origin, const QString &detail)
{
    switch (error) {
    case CorsError::MissingAllowOriginHeader:
    case CorsError::AllowOriginMismatch:
    case CorsError::InvalidAllowOriginValue:
    case CorsError::MultipleAllowOriginValues:
    case CorsError::PreflightMissingAllowOriginHeader:
    case CorsError::PreflightAllowOriginMismatch:
    case CorsError::PreflightInvalidAllowOriginValue:
    case CorsError::PreflightMultipleAllowOriginValues:
        return QStringLiteral("Origin %1 is not allowed by Access-Control-Allow-Origin.")
            .arg(origin);
    case CorsError::WildcardOriginNotAllowed:
    case CorsError::PreflightWildcardOriginNotAllowed:
        return QStringLiteral(
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.");
    case CorsError::InvalidAllowCredentials:
    case CorsError::PreflightInvalidAllowCredentials:
        return QStringLiteral(
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".");
    case CorsError::PreflightInvalidStatus:
    case CorsError::PreflightDisallowedRedirect:
        return QStringLiteral("Preflight response is not successful. Status code: %1").arg(detail);
    case CorsError::MethodDisallowedByPreflightResponse:
        return QStringLiteral("Method %1 is not allowed by Access-Control-Allow-Methods.")
            .arg(detail);
    case CorsError::HeaderDisallowedByPreflightResponse:
        return QStringLiteral(
                   "Request header field %1 is not allowed by Access-Control-Allow-Headers.")
            .arg(detail);
    case CorsError::InvalidAllowMethodsPreflightResponse:
        return QStringLiteral("Header Access-Control-Allow-Methods has an invalid value: %1")
            .arg(detail);
    case CorsError::InvalidAllowHeadersPreflightResponse:
        return QStringLiteral("Header Access-Control-Allow-Headers has an invalid value: %1")
            .arg(detail);
    case CorsError::CorsDisabledScheme:
        return QStringLiteral("Cross origin requests are only supported for HTTP.");
    default:
        return {};
    }
}

} // namespace corslab::cors
