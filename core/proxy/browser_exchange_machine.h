#pragma once

#include "browser_exchange_actions.h"
#include "exchange_capture.h"
#include "http/request_parser.h"
#include "http/response_parser.h"
#include "proxy_options.h"
#include "proxy_request.h"

#include <deque>
#include <memory>
#include <optional>

namespace corslab::proxy {

/// What the upstream connection tells of itself when it reports (for the capture).
struct UpstreamPeer
{
    QByteArray address; ///< empty before a connection was made
    quint16 port = 0;
    QByteArray tlsVersion; ///< https upstreams
};

/// \brief The HTTP/1.1 side of one browser connection to the proxy, without sockets: browser
/// bytes and upstream reports come in as calls (with the time as a value), and what to do comes
/// out through BrowserExchangeActions: bytes for the browser, requests for the upstream,
/// captures, closing, timeouts.
///
/// It queues pipelined requests and serves them one at a time, in order; answers
/// `Expect: 100-continue`, preflights that an override rule answers, and requests it cannot
/// forward (400) itself; applies override rules to responses; keeps the connection alive as
/// both sides allow; and records each exchange before the last bytes of its response go out.
/// A CONNECT is handed to the adapter (openTunnel), which reports how the tunnel went.
class BrowserExchangeMachine
{
public:
    enum class Phase {
        Http,        ///< reading requests (plain, or inside an intercepted tunnel)
        Handshaking, ///< TLS with the browser after CONNECT, interception on
        Tunnel,      ///< opaque relay after CONNECT (the adapter relays)
        Closing,     ///< no more requests are served
    };

    BrowserExchangeMachine(const ProxyOptions &options, BrowserExchangeActions &actions,
                           BrowserPeer browser);
    ~BrowserExchangeMachine();
    BrowserExchangeMachine(const BrowserExchangeMachine &) = delete;
    BrowserExchangeMachine &operator=(const BrowserExchangeMachine &) = delete;

    Phase phase() const { return m_phase; }
    /// An exchange is being served (its response not complete yet).
    bool inFlight() const { return m_inFlight; }
    /// A read of the browser was put off (queue full) and is owed once it drains.
    bool readDeferred() const { return m_readDeferred; }

    // ---- the browser ----
    /// The connection is accepted: the idle timeout starts.
    void start();
    /// The browser has bytes to read: true when the machine takes them now (then read and call
    /// browserBytes()); false puts the read off until the request queue drains.
    bool beginBrowserRead();
    void browserBytes(QByteArrayView bytes, qint64 nowMs);
    /// The browser closed or reset the connection (at most once).
    void browserClosed(qint64 nowMs);
    /// The idle timeout armed by armIdleTimeout() passed.
    void idleTimeoutExpired();
    /// What resumeLater() asked for: serve the next queued request.
    void resume(qint64 nowMs);
    /// Closes the browser connection after what is queued (the tunnel ended, or the proxy stops).
    void close();
    /// The browser connection is dropped without an answer (TLS with it failed).
    void abandon() { m_phase = Phase::Closing; }

    // ---- the upstream, for the exchange in flight ----
    void upstreamInterim(const http::ResponseHead &head);
    void upstreamHead(const http::ResponseHead &head, const UpstreamPeer &peer, qint64 nowMs);
    /// \a raw as framed on the wire (relayed), \a decoded for the capture, \a bodyBytes: the
    /// decoded size so far.
    void upstreamBody(QByteArrayView raw, QByteArrayView decoded, qint64 bodyBytes);
    /// The end of what one upstream read brought: write it out.
    void upstreamFlush();
    void upstreamComplete(qint64 nowMs);
    /// \a status: what to answer when nothing was relayed yet (502 / 504).
    void upstreamFailed(int status, const QString &reason, const UpstreamPeer &peer,
                        qint64 bodyBytes, qint64 nowMs);

    // ---- the tunnel after a CONNECT (see BrowserExchangeActions::openTunnel) ----
    /// The opaque tunnel is up: the adapter relays from now on.
    void tunnelOpened();
    /// No tunnel: the browser gets a 502 page and the CONNECT is recorded as \a tunnelCapture.
    void tunnelFailed(const session::CapturedExchange &tunnelCapture, const QString &reason,
                      qint64 nowMs);
    /// Interception: the TLS handshake with the browser started.
    void handshakeStarted();
    /// Interception: TLS with the browser is up; requests inside go to \a host : \a port.
    void tunnelEncrypted(const QByteArray &host, quint16 port, const QByteArray &tlsVersion,
                         const QByteArray &alpn);

private:
    void recordAbandonedExchange(qint64 nowMs);
    void recordCutRequest(qint64 nowMs);
    void processNext(qint64 nowMs);
    void answerParseError(qint64 nowMs);
    void startExchange(http::HttpRequest &&request, qint64 nowMs);
    bool answerPreflightLocally(qint64 nowMs);
    void startConnect(qint64 nowMs);
    void answerLocally(const http::HttpResponse &response, const QString &error, qint64 nowMs);
    void finishExchange(qint64 nowMs);
    void record(session::CapturedExchange &exchange, qint64 nowMs);
    void writeOut();
    void closeAfterWrite();
    session::CapturedExchange beginCapture(const http::HttpRequest &request, qint64 nowMs) const;

    const ProxyOptions &m_options;
    BrowserExchangeActions &m_actions;
    BrowserPeer m_browser;
    std::unique_ptr<http::RequestParser> m_parser; // anew for the requests inside a tunnel
    std::deque<http::HttpRequest> m_queue;
    std::optional<http::ParseError> m_parseError;
    Phase m_phase = Phase::Http;
    TargetContext m_context;
    QByteArray m_tunnelTlsVersion; // of an intercepted tunnel, for its requests' captures
    QByteArray m_tunnelAlpn;
    bool m_readDeferred = false;

    // The exchange in flight.
    bool m_inFlight = false;
    bool m_headSent = false;
    QByteArray m_out; // response bytes of the current upstream read, written at once
    bool m_closeAfterResponse = false;
    http::HttpRequest m_request;
    UpstreamTarget m_target;
    session::CapturedExchange m_capture;
};

} // namespace corslab::proxy
