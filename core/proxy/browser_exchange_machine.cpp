#include "browser_exchange_machine.h"

#include "browser_response_head.h"
#include "error_page.h"
#include "override_rules.h"
#include "override_store.h"

namespace corslab::proxy {

namespace {

// A browser that sends faster than the upstream answers stops being read at this many requests.
constexpr size_t maxQueuedRequests = 16;

std::shared_ptr<const OverrideSet> currentRules(const ProxyOptions &options)
{
    if (!options.overrides)
        return {};
    std::shared_ptr<const OverrideSet> rules = options.overrides->current();
    return rules && !rules->isEmpty() ? rules : nullptr;
}

} // namespace

BrowserExchangeMachine::BrowserExchangeMachine(const ProxyOptions &options,
                                               BrowserExchangeActions &actions, BrowserPeer browser)
    : m_options(options), m_actions(actions), m_browser(std::move(browser)),
      m_parser(std::make_unique<http::RequestParser>(options.limits))
{
    if (options.mode == ProxyOptions::Mode::Reverse) {
        m_context.mode = TargetContext::Mode::Reverse;
        m_context.reverseBase = options.reverseTarget;
    }
}

BrowserExchangeMachine::~BrowserExchangeMachine() = default;

void BrowserExchangeMachine::start()
{
    m_actions.armIdleTimeout(m_options.clientIdleTimeoutMs);
}

void BrowserExchangeMachine::record(session::CapturedExchange &exchange, qint64 nowMs)
{
    if (exchange.finishedAtMs == 0)
        exchange.finishedAtMs = nowMs;
    m_actions.capture(std::move(exchange));
    exchange = {};
}

// ---- the browser --------------------------------------------------------------------------

bool BrowserExchangeMachine::beginBrowserRead()
{
    if (m_queue.size() >= maxQueuedRequests || m_parseError) {
        m_readDeferred = true; // resumed when the queue drains
        return false;
    }
    m_readDeferred = false;
    m_actions.armIdleTimeout(m_options.clientIdleTimeoutMs);
    return true;
}

void BrowserExchangeMachine::browserBytes(QByteArrayView bytes, qint64 nowMs)
{
    http::RequestParser::Output out = m_parser->feed(bytes);
    for (http::HttpRequest &request : out.requests)
        m_queue.push_back(std::move(request));
    // Only when nothing is ahead of it: a 100 Continue must not overtake earlier responses.
    if (out.expectContinue && !m_inFlight && m_queue.empty())
        m_actions.writeToBrowser("HTTP/1.1 100 Continue\r\n\r\n");
    if (out.error)
        m_parseError = out.error;
    processNext(nowMs);
}

void BrowserExchangeMachine::browserClosed(qint64 nowMs)
{
    // A tunnel's end is the adapter's to record.
    if (m_phase != Phase::Tunnel && m_phase != Phase::Handshaking) {
        if (m_inFlight)
            recordAbandonedExchange(nowMs);
        else if (m_phase == Phase::Http)
            recordCutRequest(nowMs);
    }
    m_phase = Phase::Closing;
}

// The browser left while its request was being served: the upstream is of no use any more.
void BrowserExchangeMachine::recordAbandonedExchange(qint64 nowMs)
{
    m_capture.error = m_headSent ? QStringLiteral("the browser closed the connection before the "
                                                  "end of the response (%1 body bytes relayed)")
                                       .arg(m_capture.responseBody.size)
                                 : QStringLiteral("the browser closed the connection before the "
                                                  "response arrived");
    m_actions.abortUpstream();
    m_inFlight = false;
    record(m_capture, nowMs);
}

// The browser left in the middle of sending a request: what came of it is recorded.
void BrowserExchangeMachine::recordCutRequest(qint64 nowMs)
{
    const http::HttpRequest *partial = m_parser->partialRequest();
    if (!partial)
        return;
    session::CapturedExchange c = captureUnfinishedRequest(partial, m_browser, nowMs);
    c.requestHeaders = partial->headers;
    c.error = QStringLiteral("the browser closed the connection in the middle of its request");
    record(c, nowMs);
}

void BrowserExchangeMachine::idleTimeoutExpired()
{
    if (!m_inFlight && m_phase == Phase::Http)
        closeAfterWrite();
}

void BrowserExchangeMachine::resume(qint64 nowMs)
{
    processNext(nowMs);
}

void BrowserExchangeMachine::close()
{
    closeAfterWrite();
}

void BrowserExchangeMachine::closeAfterWrite()
{
    if (m_phase == Phase::Closing)
        return;
    m_phase = Phase::Closing;
    m_actions.disarmIdleTimeout();
    m_actions.abortUpstream();
    m_actions.closeBrowser(BrowserClose::AfterWrite);
}

// ---- serving the queue --------------------------------------------------------------------

void BrowserExchangeMachine::processNext(qint64 nowMs)
{
    if (m_inFlight || m_phase != Phase::Http)
        return;
    if (m_queue.empty()) {
        if (m_parseError)
            answerParseError(nowMs);
        else if (m_parser->finished() && !m_actions.browserHasUnreadBytes())
            closeAfterWrite(); // the last request was answered and nothing more can come
        return;
    }
    http::HttpRequest request = std::move(m_queue.front());
    m_queue.pop_front();
    startExchange(std::move(request), nowMs);
    if (m_phase == Phase::Http && !m_inFlight)
        processNext(nowMs); // answered locally: the next one now
    else if (m_phase == Phase::Http && m_readDeferred)
        m_actions.readBrowserLater(); // the queue has room again; reading goes on while in flight
}

// The requests before the error were served; the error itself is answered, then the connection
// closes (what follows it cannot be framed).
void BrowserExchangeMachine::answerParseError(qint64 nowMs)
{
    const http::ParseError error = *m_parseError;
    m_parseError.reset();
    m_inFlight = true;
    m_capture = captureUnfinishedRequest(m_parser->partialRequest(), m_browser, nowMs);
    const QString reason = QStringLiteral("the browser's request could not be parsed: %1")
                               .arg(QString::fromLatin1(error.reason));
    answerLocally(errorPage(error.status, QStringLiteral("Bad request"), reason, true), reason,
                  nowMs);
}

session::CapturedExchange BrowserExchangeMachine::beginCapture(const http::HttpRequest &request,
                                                               qint64 nowMs) const
{
    session::CapturedExchange c =
        captureRequest(request, m_browser, m_options.bodyCaptureBytes, nowMs);
    if (m_context.mode == TargetContext::Mode::Tunnel) {
        c.tunnel.host = m_context.tunnelHost;
        c.tunnel.port = m_context.tunnelPort;
        c.tunnel.intercepted = true;
        c.tunnel.tlsVersion = m_tunnelTlsVersion;
        c.tunnel.alpn = m_tunnelAlpn;
    }
    return c;
}

void BrowserExchangeMachine::startExchange(http::HttpRequest &&request, qint64 nowMs)
{
    m_inFlight = true;
    m_headSent = false;
    m_actions.disarmIdleTimeout();
    m_request = std::move(request);
    m_capture = beginCapture(m_request, nowMs);
    m_closeAfterResponse = !m_request.keepAlive();

    if (m_request.method == "CONNECT") {
        startConnect(nowMs);
        return;
    }
    QString error;
    std::optional<UpstreamTarget> target = resolveTarget(m_request, m_context, &error);
    if (!target) {
        answerLocally(errorPage(400, QStringLiteral("Not a proxy request"), error, false), error,
                      nowMs);
        return;
    }
    m_target = std::move(*target);
    m_capture.url = m_target.browserUrl;
    if (answerPreflightLocally(nowMs))
        return;
    m_actions.sendUpstream(m_target, serializeUpstreamRequest(m_request, m_target),
                           m_request.method);
}

// An override rule that answers preflights: the server never sees this one.
bool BrowserExchangeMachine::answerPreflightLocally(qint64 nowMs)
{
    const std::shared_ptr<const OverrideSet> rules = currentRules(m_options);
    if (!rules)
        return false;
    std::optional<OverrideOutcome> local = rules->localPreflightAnswer(
        m_request, hostWithPort(m_target), pathOf(m_target.requestTarget));
    if (!local)
        return false;
    m_capture.answeredLocally = true;
    m_capture.overridden = true;
    m_capture.overrideRule = local->ruleName;
    answerLocally(local->response, {}, nowMs);
    return true;
}

void BrowserExchangeMachine::startConnect(qint64 nowMs)
{
    QByteArray host;
    quint16 port = 0;
    if (m_context.mode != TargetContext::Mode::Forward) {
        const QString reason = QStringLiteral("CONNECT is only accepted by a forward proxy");
        answerLocally(errorPage(405, QStringLiteral("Method not allowed"), reason, true), reason,
                      nowMs);
        return;
    }
    if (!parseAuthority(m_request.target, &host, &port)) {
        const QString reason = QStringLiteral("CONNECT needs host:port as its target; got \"%1\"")
                                   .arg(QString::fromLatin1(m_request.target.left(200)));
        answerLocally(errorPage(400, QStringLiteral("Bad CONNECT"), reason, true), reason, nowMs);
        return;
    }
    session::CapturedExchange tunnel = m_capture;
    tunnel.type = session::CapturedExchange::Type::Tunnel;
    tunnel.url = m_request.target;
    tunnel.tunnel.host = host;
    tunnel.tunnel.port = port;
    m_actions.openTunnel(tunnel, host, port);
}

void BrowserExchangeMachine::answerLocally(const http::HttpResponse &response, const QString &error,
                                           qint64 nowMs)
{
    const bool head = m_request.method == "HEAD";
    m_out += response.serialize(head); // written by finishExchange()
    captureLocalAnswer(m_capture, response, head, m_options.bodyCaptureBytes, nowMs);
    if (!error.isEmpty())
        m_capture.error = error;
    if (http::hasHeaderToken(response.headers, "connection", "close"))
        m_closeAfterResponse = true;
    finishExchange(nowMs);
}

void BrowserExchangeMachine::finishExchange(qint64 nowMs)
{
    // Recorded before the response's last bytes leave: once the browser has them it may send
    // its next request on another connection, served by another thread, and the session must
    // see this exchange first (a preflight before the request it authorized).
    record(m_capture, nowMs);
    writeOut();
    m_inFlight = false;
    m_request = {};
    if (m_closeAfterResponse) {
        closeAfterWrite();
        return;
    }
    m_actions.armIdleTimeout(m_options.clientIdleTimeoutMs);
    // Usually the browser waits for this response before it sends more: then its next bytes
    // carry on, and resuming from the event loop would only cost a wakeup per exchange.
    if (m_queue.empty() && !m_parseError && !m_parser->finished() && !m_readDeferred)
        return;
    m_actions.resumeLater();
}

void BrowserExchangeMachine::writeOut()
{
    if (m_out.isEmpty())
        return;
    m_actions.writeToBrowser(m_out);
    m_out.resize(0); // keeps the capacity for the next response
}

// ---- the upstream -------------------------------------------------------------------------

void BrowserExchangeMachine::upstreamInterim(const http::ResponseHead &head)
{
    if (head.status == 100)
        return; // the proxy already answered Expect: 100-continue itself
    appendResponseHead(head.status, head.reason, head.headers, false, m_out);
}

void BrowserExchangeMachine::upstreamHead(const http::ResponseHead &head, const UpstreamPeer &peer,
                                          qint64 nowMs)
{
    m_capture.firstByteAtMs = nowMs;
    m_capture.upstreamAddress = peer.address;
    m_capture.upstreamPort = peer.port;
    if (m_target.tls && m_capture.tunnel.tlsVersion.isEmpty())
        m_capture.tunnel.tlsVersion = peer.tlsVersion;
    const BrowserResponseHead shaped =
        shapeResponseHead(head, m_request, m_target, currentRules(m_options),
                          m_context.mode == TargetContext::Mode::Reverse);
    if (shaped.overridden) {
        m_capture.overridden = true;
        m_capture.overrideRule = shaped.overrideRule;
        m_capture.upstreamStatus = head.status;
        m_capture.upstreamResponseHeaders = head.headers;
    }
    // A body that ends when the server closes can only reach the browser the same way.
    if (head.closeDelimited || head.upgrade)
        m_closeAfterResponse = true;
    m_capture.status = shaped.status;
    m_capture.reason = shaped.status == head.status ? head.reason : QByteArray();
    m_capture.responseHeaders = withoutHopByHop(shaped.headers);
    appendResponseHead(shaped.status, m_capture.reason, shaped.headers, m_closeAfterResponse,
                       m_out);
    m_headSent = true;
}

void BrowserExchangeMachine::upstreamBody(QByteArrayView raw, QByteArrayView decoded,
                                          qint64 bodyBytes)
{
    m_out += raw;
    appendCapped(m_capture.responseBody, decoded, m_options.bodyCaptureBytes);
    m_capture.responseBody.size = bodyBytes;
}

void BrowserExchangeMachine::upstreamFlush()
{
    writeOut();
}

void BrowserExchangeMachine::upstreamComplete(qint64 nowMs)
{
    finishExchange(nowMs);
}

void BrowserExchangeMachine::upstreamFailed(int status, const QString &reason,
                                            const UpstreamPeer &peer, qint64 bodyBytes,
                                            qint64 nowMs)
{
    m_capture.responseBody.size = bodyBytes;
    m_capture.upstreamAddress = peer.address;
    m_capture.upstreamPort = peer.port;
    if (!m_headSent) {
        answerLocally(errorPage(status,
                                status == 504 ? QStringLiteral("Gateway timeout")
                                              : QStringLiteral("Bad gateway"),
                                reason, false),
                      reason, nowMs);
        return;
    }
    // Part of the response already went out: the browser can only learn by the connection
    // ending early (after what was relayed so far).
    m_capture.error = reason;
    m_closeAfterResponse = true;
    record(m_capture, nowMs);
    writeOut();
    m_inFlight = false;
    m_phase = Phase::Closing;
    m_actions.closeBrowser(BrowserClose::AfterUpstreamFailure);
}

// ---- the tunnel ---------------------------------------------------------------------------

void BrowserExchangeMachine::tunnelOpened()
{
    m_phase = Phase::Tunnel;
    m_inFlight = false;
}

void BrowserExchangeMachine::tunnelFailed(const session::CapturedExchange &tunnelCapture,
                                          const QString &reason, qint64 nowMs)
{
    m_capture = tunnelCapture;
    m_closeAfterResponse = true;
    answerLocally(errorPage(502, QStringLiteral("Bad gateway"), reason, true), reason, nowMs);
}

void BrowserExchangeMachine::handshakeStarted()
{
    m_phase = Phase::Handshaking;
    m_inFlight = false;
}

void BrowserExchangeMachine::tunnelEncrypted(const QByteArray &host, quint16 port,
                                             const QByteArray &tlsVersion, const QByteArray &alpn)
{
    m_phase = Phase::Http;
    m_context.mode = TargetContext::Mode::Tunnel;
    m_context.tunnelHost = host;
    m_context.tunnelPort = port;
    m_tunnelTlsVersion = tlsVersion;
    m_tunnelAlpn = alpn;
    m_parser = std::make_unique<http::RequestParser>(m_options.limits);
    m_actions.armIdleTimeout(m_options.clientIdleTimeoutMs);
}

} // namespace corslab::proxy
