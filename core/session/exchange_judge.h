#pragma once

#include "cors/browser_profile.h"
#include "cors/scenario.h"
#include "cors/verdict.h"
#include "http/http_message.h"

#include <QHash>
#include <QString>
#include <QUrl>
#include <optional>

namespace corslab::session {

/// \brief The engine's view of one captured exchange (capture → session → engine).
struct ExchangeJudgement
{
    enum class Kind {
        NotCors,   ///< no Origin header, or same-origin: nothing for CORS to decide
        Preflight, ///< an OPTIONS request with Access-Control-Request-Method
        Actual,    ///< a cross-origin request with an Origin header
    };
    Kind kind = Kind::NotCors;
    cors::Scenario scenario;
    std::optional<cors::Verdict> verdict; ///< Actual: as sent; Preflight: without credentials
    /// The same exchange judged for credentials: 'include', when the capture cannot tell: always
    /// for a preflight, and for an actual request that carried no cookie (the page may have asked
    /// for credentials and the browser withheld the cookie).
    std::optional<cors::Verdict> credentialedVerdict;
    QString summary; ///< one line: "exposed", "blocked: AllowOriginMismatch", "preflight ok", ...
    QByteArray summaryUtf8; ///< summary, encoded once for log writers
    /// Set when the request carried no cookie although the server expects credentials and the page
    /// is another site: the browser's cookie policy, not CORS, kept the cookie back.
    QString cookieNote;
};

/// True for a request header the browser adds by itself (forbidden headers such as Origin,
/// Cookie, Sec-Fetch-*, and User-Agent, Priority, Upgrade-Insecure-Requests, Pragma,
/// Cache-Control): not what the page's script set, so never a reason for a preflight.
bool isBrowserAddedRequestHeader(const QByteArray &name, const QByteArray &value);

/// Judges \a request / \a response as the browser that sent it would. \a url is the absolute URL
/// the request was sent to. What a capture cannot tell is inferred and said: the credentials mode
/// of an actual request is "include" when it carries a Cookie (a browser sends no cookie to another
/// origin otherwise); without a cookie, and for a preflight (which never carries credentials), the
/// exchange is judged both ways.
ExchangeJudgement judgeExchange(const http::HttpRequest &request,
                                const http::HttpResponse &response, const QUrl &url,
                                const cors::BrowserProfile &profile);

} // namespace corslab::session

namespace corslab::session {

/// \brief judgeExchange() with a memory: a busy app repeats the same exchanges (same URL, method,
/// headers and answer), and judging is pure, so each distinct exchange is judged once.
///
/// The key is a 64-bit hash of everything that can change a verdict: URL, method, request
/// headers (the Cookie header's presence, not its value), status and response headers. Two
/// different exchanges share a hash with odds of about 1 in 10^13 for a full cache. Not
/// thread-safe: one per consumer thread.
class ExchangeJudge
{
public:
    explicit ExchangeJudge(const cors::BrowserProfile &profile, int capacity = 1024)
        : m_profile(profile), m_capacity(capacity)
    {
    }

    /// \a url is the absolute URL the request was sent to, as bytes (origin + request-target).
    const ExchangeJudgement &judge(const http::HttpRequest &request,
                                   const http::HttpResponse &response, const QByteArray &url);
    qsizetype size() const { return m_cache.size(); }

private:
    const cors::BrowserProfile &m_profile;
    int m_capacity;
    QHash<size_t, ExchangeJudgement> m_cache;
};

} // namespace corslab::session
