#pragma once

#include <QString>
#include <QtGlobal>
#include <functional>

class QIODevice;

namespace corslab::session {
class Session;
}

namespace corslab::report {

/// Called after each chunk of entries with how many are written of how many; returning false
/// cancels the export (the writer then fails with "cancelled").
using HarProgress = std::function<bool(qsizetype done, qsizetype total)>;

/// The value of the `_error` field of an entry the browser blocked for CORS: what Chrome writes
/// (its net error), since the page saw a network error.
inline constexpr const char *kHarCorsBlockedError = "net::ERR_FAILED";

/// \brief Writes \a session as a HAR 1.2 log (docs/har.md) that Chrome DevTools and other HAR
/// tools import.
///
/// Every exchange becomes one entry, in id order, with every field HAR 1.2 requires (headers in
/// their captured order and case, cookies, query string, post data, content, timings with -1 for
/// what a proxy cannot measure) and Chrome's own extensions: `_resourceType` ("preflight" for a
/// CORS preflight, as DevTools names it), `_initiator`, `_priority`, `_transferSize` and `_error`.
/// An actual request the browser blocked is written as the page saw it, status 0 and `_error`
/// "net::ERR_FAILED", with the response the server really sent kept in the entry (headers,
/// content) and its status in `_cors.response`. Each entry's `_cors` object carries CORS Lab's
/// verdict, CorsError name, kind, the linked preflight or actual request (`pairedEntry`, an
/// index into `log.entries`), the explanation's headline and summary, the browser profile, and
/// what a session file needs to come back exactly (readHar()).
///
/// The session is copied a chunk at a time (its lock is never held for long). Bodies that are not
/// valid UTF-8 are written in base64. Returns false with \a error on a write failure, when
/// \a progress cancels, or when the session is cleared meanwhile.
bool writeHar(const session::Session &session, QIODevice *device, QString *error,
              const HarProgress &progress = {});

/// writeHar() to \a path atomically (QSaveFile): a crash, a full disk or a cancel midway leaves
/// the previous file as it was.
bool writeHarFile(const session::Session &session, const QString &path, QString *error,
                  const HarProgress &progress = {});

} // namespace corslab::report
