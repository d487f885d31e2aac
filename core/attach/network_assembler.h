#pragma once

#include "pending_request.h"
#include "session/captured_exchange.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <map>

namespace corslab::attach {

/// \brief Turns the DevTools protocol's Network events into session exchanges, one per request
/// on the wire (a redirect's hops each, a preflight its own), with the browser's own verdict.
///
/// Pure: no sockets, no clock of its own (each call says the time), so recorded event streams
/// replay exactly in tests. Events of one request arrive in no reliable order (ExtraInfo before
/// requestWillBeSent, or after loadingFinished): everything is joined by requestId, and a request
/// is handed out only once it finished and a grace period passed. A preflight is handed out
/// before the request it was sent for, so the session pairs them as it pairs a proxy's capture.
///
/// What the protocol says, per request: requestWillBeSent (URL, method, the page's headers, the
/// initiator; `initiator.type == "preflight"` names the actual request), its ExtraInfo (the
/// headers really sent, cookies withheld with reasons), responseReceived and its ExtraInfo (the
/// server's status and raw headers, cookies refused), loadingFinished or loadingFailed (with
/// `corsErrorStatus`, the browser's CORS verdict, always on the actual request's id).
class NetworkAssembler
{
public:
    struct Options
    {
        qint64 bodyCap = 1 << 20; ///< response bodies up to this are fetched and kept; 0: none
        qint64 graceMs = 300;     ///< a finished request waits this long for late ExtraInfo
        /// A request whose preflight has not finished after this long goes out without it.
        qint64 preflightWaitMs = 5000;
        qsizetype maxPending = 20000; ///< unfinished requests kept; the oldest go out beyond it
        QString browser;              ///< the browser's product ("Chrome/156.0.8078.129")
    };

    /// A response body to fetch with Network.getResponseBody on \a sessionId.
    struct BodyRequest
    {
        QString sessionId;
        QString requestId;
    };

    explicit NetworkAssembler(Options options);

    void setBrowser(const QString &product) { m_options.browser = product; }
    void setBodyCap(qint64 bytes) { m_options.bodyCap = bytes; }

    /// Takes one event of \a sessionId received at \a nowMs (epoch ms). Non-Network events and
    /// events about non-HTTP URLs (data:, blob:, chrome:) are ignored.
    void handle(const QString &sessionId, const QString &method, const QJsonObject &params,
                qint64 nowMs);
    /// The bodies to fetch now; each is asked for once, and the request waits for its answer.
    QList<BodyRequest> takeBodyRequests();
    /// The answer to a BodyRequest: \a available false when the browser no longer had it.
    void setResponseBody(const QString &requestId, const QByteArray &body, bool available);

    /// Records that an override rule changed a hop of request \a requestId (the Fetch domain's
    /// networkId): its exchange then shows what the browser got, with the server's answer kept as
    /// the upstream one. May come before the request's first Network event (\a nowMs dates it).
    void noteOverride(const QString &requestId, AppliedOverride applied, qint64 nowMs);

    /// The exchanges ready at \a nowMs, in the order they went on the wire.
    QList<session::CapturedExchange> takeReady(qint64 nowMs);
    /// Everything still held (the capture ends): unfinished requests with \a reason as their
    /// error, so nothing already seen is lost.
    QList<session::CapturedExchange> takeAll(const QString &reason);

    qsizetype pendingCount() const { return qsizetype(m_requests.size()); }

private:
    PendingRequest &request(const QString &requestId, const QString &sessionId, qint64 nowMs);
    void onRequestWillBeSent(PendingRequest &r, const QJsonObject &params, qint64 nowMs);
    void onLoadingFinished(PendingRequest &r, const QJsonObject &params, qint64 nowMs);
    void onLoadingFailed(PendingRequest &r, const QJsonObject &params, qint64 nowMs);
    bool isReady(const PendingRequest &r, qint64 nowMs) const;
    void dropUnannounced(qint64 nowMs);
    void handOut(const PendingRequest &r, QList<session::CapturedExchange> &out);
    session::CapturedExchange toExchange(const PendingRequest &r, qsizetype hop) const;
    static const AppliedOverride *overrideOfHop(const PendingRequest &r, qsizetype hop);
    void hopTimes(const PendingRequest &r, qsizetype hop, session::CapturedExchange &x) const;
    void evictOldest(QList<session::CapturedExchange> &out);
    qint64 wallMs(double monotonicSeconds) const;

    Options m_options;
    std::map<QString, PendingRequest> m_requests; ///< by requestId
    QList<BodyRequest> m_bodyRequests;
    /// What a preflight handed out leaves for its actual request.
    struct PreflightOutcome
    {
        qint64 endedAtMs = 0;
        base::HeaderList sentHeaders;
    };
    QHash<QString, PreflightOutcome> m_preflights; ///< handed out, by id, until their actual goes
    double m_wallOffset = 0; ///< wallTime - timestamp of the last requestWillBeSent (seconds)
    quint64 m_arrival = 0;
};

} // namespace corslab::attach
