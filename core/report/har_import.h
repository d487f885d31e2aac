#pragma once

#include "session/captured_exchange.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace corslab::cors {
struct BrowserProfile;
}

namespace corslab::session {
class Session;
}

namespace corslab::report {

/// \brief A HAR log read into exchanges, with what the log says about where it came from.
struct HarImport
{
    QString creator; ///< log.creator: "WebInspector 537.36", "Firefox 128.0", "CORS Lab 0.1.0"
    QString browser; ///< log.browser, when the log names one
    /// The browser profile the log's verdicts are for: a CORS Lab export's own, else guessed from
    /// the creator and browser (Chrome DevTools' "WebInspector": chromium, Firefox: firefox); empty
    /// when nothing tells.
    QString profile;
    qint64 bodyCap = 0;       ///< a CORS Lab export's body cap, 0 otherwise
    bool fromCorsLab = false; ///< written by writeHar(): entries are in session order already
    /// Entries left out: requests the browser never sent because their preflight failed (status
    /// 0, no response, a preflight for the same URL in the log). A proxy never sees those either.
    qsizetype neverSent = 0;
    QList<session::CapturedExchange> exchanges;
};

/// Parses a HAR 1.2 log as Chrome DevTools, Firefox DevTools or CORS Lab (writeHar()) write it.
///
/// HTTP/2 pseudo-headers (":authority", ":method"...) are dropped; Chrome's and Firefox's own
/// fields (`_resourceType`, `_initiator`, `_securityState`, `_fromCache`...) are accepted;
/// `response.content.text` may be missing. An entry with status 0 failed or was blocked: its
/// `_error` becomes the exchange's error. A CORS Lab export's `_cors` objects restore what a
/// session file keeps (the real status behind a blocked request's 0, addresses, override and
/// tunnel marks, the credentials mode), so session → HAR → session keeps every header (order
/// and case), body, status and verdict. Times: an exchange starts when its request went on the
/// wire (startedDateTime plus queueing, DNS and connect), and entries from other tools are put in
/// that order (DevTools lists a preflight after the request it was sent for).
///
/// On a problem returns false with \a error naming the JSON path and what was expected
/// ("log.entries[3].request.headers[1].name: expected a string, got 5").
bool parseHar(const QByteArray &json, HarImport *out, QString *error);

/// parseHar(), keeping only the exchanges.
bool readHar(const QByteArray &json, QList<session::CapturedExchange> *out, QString *error);

/// Parses \a json and, when it is valid, replaces \a session's content with its exchanges, which
/// the session classifies, pairs and judges under \a profile, else the log's own profile
/// (HarImport::profile), else the session's. On an error the session is left untouched.
bool loadHar(const QByteArray &json, session::Session *session, QString *error,
             const cors::BrowserProfile *profile = nullptr);
/// loadHar() from the file at \a path.
bool loadHarFile(const QString &path, session::Session *session, QString *error,
                 const cors::BrowserProfile *profile = nullptr);

} // namespace corslab::report
