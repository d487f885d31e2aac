#pragma once

#include "browser_overrides.h"
#include "devtools_values.h"

#include <QList>
#include <QString>
#include <optional>

namespace corslab::attach {

/// One request on the wire, as NetworkAssembler gathers it: the first, or one after a redirect.
/// Times are the protocol's monotonic seconds (0: not reported).
struct PendingHop
{
    QByteArray method;
    QByteArray url;
    base::HeaderList pageHeaders; ///< requestWillBeSent's: what the page asked for
    session::CapturedBody requestBody;
    std::optional<ResponseSeen> seen; ///< responseReceived, or the redirect response
    QByteArray remoteAddress;
    quint16 remotePort = 0;
    QByteArray httpVersion = QByteArrayLiteral("HTTP/1.1");
    double startMono = 0;     ///< requestWillBeSent
    double wireStartMono = 0; ///< the response timing's sendStart
    double firstByteMono = 0; ///< the response timing's receiveHeadersEnd
    double endMono = 0;       ///< the next hop's start, or loadingFinished/Failed
};

/// Everything known about one requestId until NetworkAssembler hands it out.
struct PendingRequest
{
    enum class Body : quint8 { NotWanted, Wanted, Asked, Done };

    QString sessionId;
    QString requestId;
    quint64 arrival = 0;       ///< order of first sight
    qint64 firstSeenAtNow = 0; ///< the caller's clock at first sight
    QList<PendingHop> hops;
    /// ExtraInfo events in arrival order: the n-th of each list belongs to hop n.
    QList<base::HeaderList> sentHeaders;
    QList<ResponseSeen> serverResponses;
    QList<session::BlockedCookie> blockedCookies;
    QString preflightFor; ///< a preflight: the actual request's id
    QString preflightId;  ///< an actual request: its preflight's id, when one was sent
    bool finished = false;
    qint64 finishedAtNow = 0; ///< the caller's clock when it finished
    QString corsError;        ///< loadingFailed's corsErrorStatus
    QString failedParameter;
    QString failure; ///< loadingFailed's errorText (and blockedReason) without a CORS error
    /// Why it was handed out unfinished (the capture ended, too many in flight): its error,
    /// whether a response had begun or not.
    QString cutShort;
    Body body = Body::NotWanted;
    QByteArray responseBody;
    bool bodyUnavailable = false;
    QList<AppliedOverride> overrides; ///< in the order the hops were paused

    bool isPreflight() const { return !preflightFor.isEmpty(); }
    /// Announced, never sent: no headers went out and no response came (its preflight failed).
    bool neverSent() const
    {
        return !preflightId.isEmpty() && sentHeaders.isEmpty() && serverResponses.isEmpty() &&
               (hops.isEmpty() || !hops.last().seen);
    }
};

} // namespace corslab::attach
