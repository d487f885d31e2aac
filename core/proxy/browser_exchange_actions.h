#pragma once

#include "proxy_request.h"
#include "session/captured_exchange.h"

#include <QByteArray>
#include <QByteArrayView>

namespace corslab::proxy {

/// How the browser connection ends.
enum class BrowserClose {
    AfterWrite,           ///< what is queued goes out, then the connection closes
    AfterUpstreamFailure, ///< the same, but abort if the browser does not take it soon
};

/// \brief What BrowserExchangeMachine asks of the world around it, in the order it decides it:
/// the adapter (ClientConnection) does it with sockets and timers, a test writes it down.
///
/// The calls are made at the very point of the machine's logic where they happen, so the order
/// between them (a capture before the bytes that end its response) is part of the contract.
class BrowserExchangeActions
{
public:
    virtual ~BrowserExchangeActions() = default;

    /// Bytes for the browser, to be written now (in the order of the calls).
    virtual void writeToBrowser(QByteArrayView bytes) = 0;
    /// Sends one serialized request to \a target (on a kept-alive connection when it fits).
    virtual void sendUpstream(const UpstreamTarget &target, const QByteArray &requestBytes,
                              QByteArrayView method) = 0;
    /// Drops the upstream connection without a report (the browser went away, or closing).
    virtual void abortUpstream() = 0;
    /// Records one finished (or failed) exchange.
    virtual void capture(session::CapturedExchange &&exchange) = 0;
    virtual void closeBrowser(BrowserClose how) = 0;
    /// The browser has this long to send something while nothing is in flight.
    virtual void armIdleTimeout(int ms) = 0;
    virtual void disarmIdleTimeout() = 0;
    /// Call BrowserExchangeMachine::resume() from the event loop, not from inside this call
    /// (the next request may reuse the upstream connection that is reporting now).
    virtual void resumeLater() = 0;
    /// Read the browser again from the event loop: a read was put off while the queue was full.
    virtual void readBrowserLater() = 0;
    /// Whether the browser sent bytes that were not read yet (asked only once no request can
    /// come any more, to close only when nothing is left to drain).
    virtual bool browserHasUnreadBytes() = 0;
    /// A valid CONNECT: open the tunnel (opaque, or intercepted) to \a host : \a port.
    /// \a tunnelCapture is the CONNECT itself, to be completed and recorded by the tunnel.
    virtual void openTunnel(const session::CapturedExchange &tunnelCapture, const QByteArray &host,
                            quint16 port) = 0;
};

} // namespace corslab::proxy
