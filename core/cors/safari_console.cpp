#include "safari_console.h"

#include "cors_error.h"
#include "headers.h"

namespace corslab::cors {

namespace {

/// The status code of the response the failed check judged.
int judgedStatus(const Scenario &s, const Check &failed)
{
    if (failed.phase == Phase::Preflight && s.preflight)
        return s.preflight->status;
    if (failed.phase == Phase::Redirect && failed.hop < s.redirects.size())
        return s.redirects.at(failed.hop).status;
    return s.response.status;
}

/// WebKit's passesAccessControlCheck(): the sentence depends on the header's value, not on the
/// Fetch step that failed.
QString allowOriginSentence(const Scenario &s, const Verdict &v, const Check &failed)
{
    if (failed.seen == "*")
        return safariMessage(CorsError::WildcardOriginNotAllowed, {}, {});
    if (failed.seen.contains(','))
        return QStringLiteral("Access-Control-Allow-Origin cannot contain more than one origin.");
    return QStringLiteral(
               "Origin %1 is not allowed by Access-Control-Allow-Origin. Status code: %2")
        .arg(QString::fromLatin1(v.serializedOrigin), QString::number(judgedStatus(s, failed)));
}

/// WebKit's own spelling of the header names it knows (WebCore's HTTPHeaderNames.in); any other
/// header keeps the script's spelling.
QString webkitSpelling(const QByteArray &name)
{
    static const char *const kKnownNames[] = {"Accept",
                                              "Accept-Charset",
                                              "Accept-Encoding",
                                              "Accept-Language",
                                              "Accept-Ranges",
                                              "Authorization",
                                              "Cache-Control",
                                              "Content-Disposition",
                                              "Content-Encoding",
                                              "Content-Language",
                                              "Content-Length",
                                              "Content-Range",
                                              "Content-Security-Policy",
                                              "Content-Transfer-Encoding",
                                              "Content-Type",
                                              "DNT",
                                              "Default-Style",
                                              "ETag",
                                              "Expires",
                                              "If-Match",
                                              "If-Modified-Since",
                                              "If-None-Match",
                                              "If-Range",
                                              "If-Unmodified-Since",
                                              "Last-Event-ID",
                                              "Last-Modified",
                                              "Location",
                                              "Pragma",
                                              "Purpose",
                                              "Range",
                                              "Refresh",
                                              "Server",
                                              "Timing-Allow-Origin",
                                              "Vary",
                                              "X-Content-Type-Options",
                                              "X-Frame-Options",
                                              "X-Powered-By",
                                              "X-XSS-Protection"};
    for (const char *known : kKnownNames) {
        if (equalsIgnoreCase(name, known))
            return QString::fromLatin1(known);
    }
    return QString::fromLatin1(name);
}

/// The refused header as WebKit names it: the script's header (the engine keeps it lowercase) in
/// WebKit's spelling.
QString headerAsWebKitNamesIt(const Scenario &s, const QByteArray &lowercaseName)
{
    for (const Header &header : s.headers) {
        if (equalsIgnoreCase(header.first, lowercaseName))
            return webkitSpelling(header.first);
    }
    return webkitSpelling(lowercaseName);
}

/// The redirect URL the failed redirect hop pointed to: its Location, resolved against the URL
/// of the hop (the verdict's final URL, where the engine stopped).
QString redirectTarget(const Scenario &s, const Verdict &v, const Check &failed)
{
    const QByteArray location =
        getHeader(s.redirects.at(failed.hop).headers, "location").value_or(QByteArray());
    return v.finalUrl.resolved(QUrl(QString::fromUtf8(location))).toString();
}

QString sentence(const Scenario &s, const Verdict &v, const Check &failed)
{
    const QString origin = QString::fromLatin1(v.serializedOrigin);
    switch (v.error) {
    case CorsError::HeaderDisallowedByPreflightResponse:
        return safariMessage(v.error, origin, headerAsWebKitNamesIt(s, v.errorDetail));
    case CorsError::RedirectModeError:
        return QStringLiteral("Not allowed to follow a redirection while loading %1")
            .arg(v.finalUrl.toString());
    case CorsError::CorsDisabledScheme:
        if (failed.phase == Phase::Redirect && failed.hop < s.redirects.size())
            return QStringLiteral("Cross-origin redirection to %1 denied by Cross-Origin Resource "
                                  "Sharing policy: not allowed to follow a cross-origin CORS "
                                  "redirection with non CORS scheme")
                .arg(redirectTarget(s, v, failed));
        break;
    default:
        if (failed.step == Step::AllowOrigin)
            return allowOriginSentence(s, v, failed);
        break;
    }
    return safariMessage(v.error, origin, QString::fromLatin1(v.errorDetail));
}

} // namespace

QString safariConsoleText(const Scenario &s, const Verdict &v)
{
    const Check *failed = v.failedCheck();
    if (v.exposed || !failed)
        return {};
    const QString text = sentence(s, v, *failed);
    const bool onRedirect =
        failed->phase == Phase::Redirect &&
        (failed->step == Step::AllowOrigin || failed->step == Step::AllowCredentials) &&
        failed->hop < s.redirects.size();
    if (!onRedirect || text.isEmpty())
        return text;
    return QStringLiteral("Cross-origin redirection to %1 denied by Cross-Origin Resource Sharing "
                          "policy: %2")
        .arg(redirectTarget(s, v, *failed), text);
}

} // namespace corslab::cors
