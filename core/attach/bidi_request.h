#pragma once

#include "browser_overrides.h"
#include "firefox_console.h"

#include <QList>
#include <QString>
#include <optional>

namespace corslab::attach {

/// One request on the wire as Firefox reports it over WebDriver BiDi: the first, or one after a
/// redirect (`redirectCount`). Times are epoch milliseconds (0: not reported).
struct BidiHop
{
    QByteArray method;
    QByteArray url;
    base::HeaderList requestHeaders; ///< beforeRequestSent's: what went on the wire
    int status = 0;                  ///< 0: no response
    QByteArray reason;
    base::HeaderList responseHeaders; ///< repeated lines come joined with ", "
    QByteArray httpVersion = QByteArrayLiteral("HTTP/1.1");
    QString fetchError;  ///< network.fetchError's errorText
    QString preflightId; ///< the preflight Firefox sent for this hop, when one was linked
    /// The override rule Firefox applied to this hop (BidiOverrides): its status and headers are
    /// what Firefox reports, the server's answer is kept here.
    std::optional<AppliedOverride> override;
    qint64 startMs = 0;
    qint64 firstByteMs = 0;
    qint64 endMs = 0;
    bool ended = false; ///< responseCompleted or fetchError
};

/// Everything known about one BiDi request id until BidiAssembler hands it out.
struct BidiRequest
{
    QString id;
    QString context;
    quint64 arrival = 0;
    qint64 lastEventAtNow = 0; ///< the caller's clock at the latest event or console line
    QList<BidiHop> hops;       ///< by redirectCount
    bool preflight = false;
    QString actualId; ///< a preflight: the request it was sent for, when one was linked
    std::optional<FirefoxCorsMessage> blocked; ///< Firefox's console sentence about it
    QString cutShort;                          ///< why it was handed out unfinished
    enum class Body : quint8 { NotWanted, Wanted, Asked, Done };
    Body body = Body::NotWanted;
    QByteArray responseBody;     ///< the last hop's, when Firefox gave it
    qint64 responseBodySize = 0; ///< what the response said its body was
    bool bodyUnavailable = false;

    bool ended() const { return !hops.isEmpty() && hops.last().ended; }
    /// Firefox gave a specific reason for it, more than "CORS request did not succeed".
    bool explained() const { return blocked && !blocked->isGenericFailure(); }
};

} // namespace corslab::attach
