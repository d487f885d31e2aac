#pragma once

#include "cors/browser_profile.h"
#include "cors/cors_error.h"
#include "cors/scenario.h"
#include "cors/verdict.h"
#include "http/http_message.h"
#include "http_client.h"
#include "session/captured_exchange.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>
#include <memory>

namespace corslab::http {
class LocalClientPorts;
}

namespace corslab::client {

/// \brief A fetch() as a page at \a origin would call it: what the composer and the classic
/// scenarios send.
struct ComposedRequest
{
    QByteArray origin = QByteArrayLiteral("http://localhost:3000"); ///< the page's origin
    QUrl url;                                                       ///< http or https
    QByteArray method = QByteArrayLiteral("GET");
    base::HeaderList headers; ///< the headers the script sets (forbidden ones are dropped)
    cors::CredentialsMode credentials = cors::CredentialsMode::SameOrigin;
    cors::RequestMode mode = cors::RequestMode::Cors;
    cors::RedirectMode redirect = cors::RedirectMode::Follow;
    QByteArray body;
    /// Cookies ("name=value") the browser holds for the URL's host before the request, as if
    /// that host had set them; they go out under the same rules as any cookie.
    QList<QByteArray> cookies;

    /// Checks every field. False with \a error naming the field and what was expected
    /// ("url: expected an absolute http:// or https:// URL, got \"ftp://x\"").
    bool validate(QString *error) const;
};

/// What one fetch() did on the wire and what the page got.
struct FetchOutcome
{
    quint64 requestId = 0;
    /// Everything sent, in order, as captured: the preflight when one went out, then the actual
    /// request (and each redirect hop) when it was sent.
    QList<session::CapturedExchange> exchanges;
    bool preflightSent = false;
    bool preflightFromCache = false; ///< a preflight was needed but the preflight cache covered it
    bool actualSent = false;
    bool exposed = false; ///< the page can read the response (this client's profile)
    /// The engine's verdict; InvalidResponse when the preflight failed on the network (then
    /// `failure` says how), None for a network failure of the actual request.
    cors::CorsError error = cors::CorsError::None;
    QString failure; ///< a network failure or an invalid request, as a sentence; empty when none
    NetworkFailure networkFailure = NetworkFailure::None; ///< the kind of network failure
    /// The engine's last judgement (of the request, the preflight, or the final response) and
    /// the scenario it judged; `judged` is false when nothing was judged (a network failure
    /// before any response).
    bool judged = false;
    cors::Scenario scenario;
    cors::Verdict verdict;
    /// Things the page would not see but the user should know ("the cookies given were not
    /// sent: ...").
    QStringList notes;
};

/// \brief Sends requests the way a browser's fetch() does, so the composer and the scenarios
/// show what a browser would: the Origin header, Sec-Fetch-*, a CORS-preflight first when Fetch
/// says one is needed and the preflight cache does not cover it, the actual request only when
/// the preflight passes, cookies with credentials 'include' (and SameSite), redirects followed.
///
/// Every byte sent and received is captured (CapturedExchange) for the session. Asynchronous on
/// the thread it lives in (the GUI's): never blocks. The CORS checks are the engine's.
class BrowserClient : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int timeoutMs = 15000; ///< connect + response, per request
        qint64 bodyCaptureBytes = 64 * 1024;
        /// Where the client's sockets are registered (may be null).
        std::shared_ptr<http::LocalClientPorts> localPorts;
        QList<QSslCertificate> caCertificates; ///< extra trust anchors for https
        bool verifyCertificates = true;
    };

    explicit BrowserClient(Options options, QObject *parent = nullptr);
    ~BrowserClient() override;

    cors::BrowserProfile profile() const;
    /// Decides preflights, cache lifetimes and checks from now on.
    void setProfile(const cors::BrowserProfile &profile);

    /// Starts \a request and returns its id; finished() follows (queued, also for an invalid
    /// request, whose outcome carries the validation error in `failure`).
    quint64 fetch(const ComposedRequest &request);
    /// Requests started and not finished yet.
    int pending() const;

    void clearPreflightCache();
    void clearCookies();

Q_SIGNALS:
    void finished(const corslab::client::FetchOutcome &outcome);

private:
    friend class FetchRun; // one fetch() in progress (browser_client.cpp)
    struct Private;
    std::unique_ptr<Private> d;
};

/// A curl command line that repeats \a exchange's request exactly (method, URL, every header,
/// the body), quoted for a POSIX shell.
QString curlCommand(const session::CapturedExchange &exchange);
/// The JavaScript fetch() call that makes \a request from a page at its origin.
QString fetchSnippet(const ComposedRequest &request);
/// The page's side of a captured request, to send it again from the composer: its Origin (the
/// page's origin), method, URL and body, the headers a script sets (not those the browser adds:
/// Host, Cookie, Sec-*, Access-Control-Request-*...), and credentials 'include' when it carried a
/// Cookie or its capture says so. A preflight becomes the request it announced.
ComposedRequest composedRequestFrom(const session::CapturedExchange &exchange);

} // namespace corslab::client

Q_DECLARE_METATYPE(corslab::client::FetchOutcome)
