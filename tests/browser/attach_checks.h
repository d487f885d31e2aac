#pragma once

#include "browser_harness.h"
#include "session/session.h"

#include <QString>
#include <QStringList>

/// \brief What a capture attached to a real browser is checked against, after the browser ran
/// the harness's cases: the scenario servers' log and the browser's own verdicts.
struct AttachFindings
{
    QStringList missing;       ///< a request the servers saw and the session does not hold as often
    QStringList unpaired;      ///< preflights the session linked to no request
    QStringList disagreements; ///< exchanges the browser judged otherwise than the engine
    int judgedByBoth = 0;      ///< exchanges both judged, the same way
    int withBody = 0;          ///< exchanges with a response body captured
};

/// Compares \a session with what the servers logged in \a observations; \a browser names the
/// browser in the messages ("Chrome", "Firefox"). CORSLAB_DUMP_CASE=<case id> prints that case's
/// exchanges as the session holds them.
AttachFindings checkAttachedCapture(const corslab::session::Session &session,
                                    const QList<BrowserObservation> &observations,
                                    const QString &browser);

/// Writes \a session as a session file and as HAR, reads both back and compares what the browser
/// reported, exchange by exchange; empty when it all survived, else what did not.
QString browserReportRoundTripFailure(const corslab::session::Session &session);
