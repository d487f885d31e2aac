#pragma once

#include "bidi_request.h"
#include "bidi_request_index.h"
#include "session/captured_exchange.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <map>

namespace corslab::attach {

/// \brief Turns Firefox's WebDriver BiDi network events and its console's CORS sentences into
/// session exchanges, one per request on the wire, with Firefox's own verdict.
///
/// Pure: no sockets, no clock of its own (each call says the time), so recorded event streams
/// replay exactly in tests. What Firefox reports, and what is inferred (docs/attach.md):
/// - preflights are requests of their own (OPTIONS with Access-Control-Request-Method), but
///   nothing links one to its request; the actual request (or its next hop after a redirect) is
///   announced first, so a preflight is linked to the latest hop of the same context, URL and
///   method still waiting for a response;
/// - a response Firefox blocks ends like any other: the reason is only in the console
///   (log.entryAdded: "Cross-Origin Request Blocked: … (Reason: …)"), matched to the request by
///   URL and context; a worker's blocked request ends in fetchError NS_ERROR_DOM_BAD_URI with no
///   sentence;
/// - a redirect Firefox refuses still announces the next hop, which never goes on the wire: it is
///   left out, and the verdict stays with the hop that was answered.
/// A request goes out once it ended and graceMs passed without news (a console line comes a
/// millisecond or so after the request's last event), a preflight before its request.
class BidiAssembler
{
public:
    struct Options
    {
        qint64 graceMs = 500; ///< an ended request waits this long for a console line or a hop
        /// A request whose preflight has not ended after this long goes out without it.
        qint64 preflightWaitMs = 5000;
        qsizetype maxPending = 20000; ///< requests kept; the oldest go out beyond it
        QString browser;              ///< "Firefox/153.8.0"
        /// Response bodies up to this are asked for (network.getData); 0: none.
        qint64 bodyCap = 0;
    };

    explicit BidiAssembler(Options options);

    void setBrowser(const QString &product) { m_options.browser = product; }
    void setBodyCap(qint64 bytes) { m_options.bodyCap = bytes; }

    /// The requests whose response body to ask for now (network.getData); each is asked for
    /// once, and the request waits for setResponseBody().
    QStringList takeBodyRequests();
    /// The answer for request \a id: \a available false when Firefox did not have it.
    void setResponseBody(const QString &id, const QByteArray &body, bool available);

    /// An override rule Firefox applied to hop \a hop of request \a id (noted at \a nowMs); a
    /// request already handed out, or never announced, is left alone.
    void noteOverride(const QString &id, int hop, const AppliedOverride &applied, qint64 nowMs);

    /// Takes one BiDi event received at \a nowMs (epoch ms): network.* and log.entryAdded; other
    /// events and non-HTTP URLs (data:, blob:, about:) are ignored.
    void handle(const QString &method, const QJsonObject &params, qint64 nowMs);

    /// The exchanges ready at \a nowMs, a preflight before its request.
    QList<session::CapturedExchange> takeReady(qint64 nowMs);
    /// Everything still held (the capture ends): unfinished requests with \a reason as their
    /// error, so nothing already seen is lost.
    QList<session::CapturedExchange> takeAll(const QString &reason);

    qsizetype pendingCount() const { return qsizetype(m_requests.size()); }

private:
    void onRequestEvent(const QString &method, const QJsonObject &params, qint64 nowMs);
    void onResponse(BidiRequest &r, BidiHop &hop, const QString &method,
                    const QJsonObject &response, qint64 at);
    void onConsole(const QJsonObject &params, qint64 nowMs);
    void wantBody(BidiRequest &r, const QJsonObject &response);
    void linkPreflight(BidiRequest &preflight);
    BidiRequest *requestBlockedBy(const FirefoxCorsMessage &message, const QString &context);
    bool isReady(const BidiRequest &r, qint64 nowMs) const;
    void handOut(const QString &id, QList<session::CapturedExchange> &out);
    void appendExchanges(const BidiRequest &r, QList<session::CapturedExchange> &out);
    session::CapturedExchange toExchange(const BidiRequest &r, qsizetype hop, bool last) const;
    session::BrowserReport reportOf(const BidiRequest &r, bool last, bool neverSent) const;
    bool stoppedAtPreflight(const BidiHop &hop) const;
    bool waitsForPreflight(const BidiRequest &r, qint64 nowMs) const;
    void evictOldest(QList<session::CapturedExchange> &out);

    Options m_options;
    std::map<QString, BidiRequest> m_requests; ///< by id
    std::map<quint64, QString> m_arrivals;     ///< the ids in the order Firefox announced them
    /// What a preflight and a console sentence look up, so neither scans m_requests.
    BidiRequestIndex m_index;
    /// What a preflight handed out leaves for its actual request, by id, until that goes.
    struct PreflightOutcome
    {
        qint64 endedAtMs = 0;
        bool failed = false; ///< Firefox refused it (fetchError)
    };
    QHash<QString, PreflightOutcome> m_preflights;
    quint64 m_arrival = 0;
};

} // namespace corslab::attach
