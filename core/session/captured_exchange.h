#pragma once

#include "http/http_message.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::session {

/// A body as captured: the first bytes (up to the capture cap) and the full size on the wire.
struct CapturedBody
{
    QByteArray stored; ///< at most the cap; the rest is counted, not stored
    qint64 size = 0;   ///< decoded size of the whole body
    bool truncated() const { return size > stored.size(); }
};

/// What a CONNECT tunnel carried (for tunnels and for intercepted HTTPS exchanges).
struct TunnelInfo
{
    QByteArray host; ///< the CONNECT target's host
    quint16 port = 0;
    bool intercepted = false;   ///< TLS terminated by the proxy (exchanges inside are captured)
    QByteArray tlsVersion;      ///< "TLSv1.3", when TLS was terminated or used upstream
    QByteArray alpn;            ///< protocol negotiated with the client ("http/1.1"), if any
    qint64 bytesFromClient = 0; ///< opaque tunnels: bytes relayed each way
    qint64 bytesFromServer = 0;
};

/// A cookie the browser withheld from a request, or refused from a response's Set-Cookie, with
/// the browser's reasons (Chromium's names: "SameSiteLax", "ThirdPartyPhaseout", ...).
struct BlockedCookie
{
    QByteArray name;
    QStringList reasons;
    bool fromResponse = false; ///< a Set-Cookie the browser refused (else: not sent)
    friend bool operator==(const BlockedCookie &, const BlockedCookie &) = default;
};

/// \brief What the browser itself reported about an exchange, when the capture is attached to
/// the browser (the DevTools protocol) instead of sitting on the wire.
struct BrowserReport
{
    QString browser;         ///< the reporting browser: "Chrome/156.0.8078.129"
    QString corsError;       ///< the browser's CORS error ("PreflightInvalidStatus"), empty: none
    QString failedParameter; ///< what failed, as the browser names it ("PUT", a header value)
    QList<BlockedCookie> blockedCookies;
    bool notSent = false;         ///< announced by the page, never sent: its preflight failed
    bool bodyUnavailable = false; ///< the browser no longer had the response body to give
    friend bool operator==(const BrowserReport &, const BrowserReport &) = default;
};

/// \brief One exchange as the proxy saw it, before the session classifies, pairs and judges it.
///
/// The proxy fills this on its network thread and hands batches to Session::append(). Times are
/// epoch milliseconds; a stage that did not happen stays 0.
struct CapturedExchange
{
    enum class Type {
        Http,   ///< a request (plain, or inside an intercepted tunnel) and its response
        Tunnel, ///< an opaque CONNECT tunnel (no interception): host, bytes, duration
    };
    Type type = Type::Http;

    qint64 startedAtMs = 0;   ///< request head complete
    qint64 firstByteAtMs = 0; ///< first byte of the response (from upstream, or local answer)
    qint64 finishedAtMs = 0;  ///< response fully sent to the client (or the failure)

    QByteArray clientAddress; ///< "127.0.0.1"
    quint16 clientPort = 0;
    QByteArray upstreamAddress; ///< the address connected to ("127.0.0.1"), empty if none
    quint16 upstreamPort = 0;

    // The request as the browser sent it (absolute URL rebuilt for origin-form / reverse mode).
    QByteArray method;
    QByteArray url; ///< absolute: "https://api.example.com/v1/x?y=1"
    QByteArray httpVersion = QByteArrayLiteral("HTTP/1.1");
    base::HeaderList requestHeaders;
    CapturedBody requestBody;

    // The response as the browser got it (after override rules). status 0: none (failure).
    int status = 0;
    QByteArray reason;
    base::HeaderList responseHeaders;
    CapturedBody responseBody;

    /// Override marks: set when a rule changed the response. upstreamResponseHeaders is then what
    /// the server sent (responseHeaders is what the browser got), overrideRule names the rule.
    bool overridden = false;
    bool answeredLocally = false; ///< the proxy answered (a preflight rule): no upstream at all
    QString overrideRule;
    base::HeaderList upstreamResponseHeaders;
    int upstreamStatus = 0;

    TunnelInfo tunnel; ///< for Type::Tunnel, and for exchanges inside an intercepted tunnel

    /// The request's credentials mode when the client that sent it knows it (the composer and
    /// the guided tour: true for 'include', or 'same-origin' on a same-origin request); a proxy
    /// cannot know it, and the session then infers it from Cookie and Authorization.
    std::optional<bool> credentialsIncluded;

    /// Why the exchange failed ("upstream refused the connection: 127.0.0.1:9", "client closed the
    /// connection mid-request"), empty on success. A failed exchange that the proxy answered with
    /// its 502 page keeps that page's status and headers above.
    QString error;

    /// What the browser said about it, when the capture is attached to the browser; where it came
    /// from ("browser (DevTools protocol)"). Both empty for the proxy's own captures.
    std::optional<BrowserReport> browserReport;
    QString source;
};

} // namespace corslab::session

Q_DECLARE_METATYPE(corslab::session::CapturedExchange)
