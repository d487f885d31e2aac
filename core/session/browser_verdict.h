#pragma once

#include "captured_exchange.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::session {

struct VerdictSummary;

/// \brief The browser's own verdict in one byte, as a session keeps it beside the engine's
/// (ExchangeStore::Record::browserVerdict; saved stores keep the byte, so values never change).
///
/// 0: no browser reported on the exchange; 1: the browser reported no CORS error;
/// kFirstError + n: the browser's CORS error is cors::CorsError n (Chromium's names);
/// kFirstFirefoxReason + n: Firefox's reason n of firefoxReasons(); kOtherError: an error the
/// engine has no name for (its name is in the exchange's BrowserReport).
namespace browser_verdict {
constexpr quint8 kNone = 0;
constexpr quint8 kNoCorsError = 1;
constexpr quint8 kFirstError = 2;
constexpr quint8 kFirstFirefoxReason = 160;
constexpr quint8 kOtherError = 255;

/// Firefox's reasons for blocking, as its console names them without the version digit some
/// carry (CORSMissingAllowOrigin2 is CORSMissingAllowOrigin). The first, NS_ERROR_DOM_BAD_URI,
/// is Firefox blocking without saying why (a worker's request: no console message). New reasons
/// go at the end: saved stores keep the index.
const QStringList &firefoxReasons();
/// A Firefox reason key without its version digit: "CORSMissingAllowOrigin2" →
/// "CORSMissingAllowOrigin".
QString firefoxReasonFamily(const QString &key);

/// The byte for \a report (kNone when there is none).
quint8 code(const std::optional<BrowserReport> &report);
/// The browser's error a byte stands for: Chromium's CorsError name, Firefox's reason family
/// ("CORSMissingAllowOrigin"); empty for kNone, kNoCorsError and kOtherError.
QString errorName(quint8 code);
} // namespace browser_verdict

/// How the browser's own verdict compares with the engine's.
enum class BrowserAgreement : quint8 {
    NoBrowserVerdict, ///< no browser reported on this exchange
    Agrees,           ///< same outcome, and for a blocked request the same error
    Disagrees,        ///< the browser blocked what the engine passed, or the reverse, or another
                      ///< error than the engine's
    EngineUndecided,  ///< the engine could not judge (no response, no origin)
};

/// Compares the engine's \a engine verdict with the browser's \a browserCode: for Chromium the
/// same CorsError, for Firefox the reason the engine's error is printed with in Firefox
/// (cors::firefoxReasonKey), and any blocking error for a Firefox that did not say why. A Warning
/// whose error applies with credentials agrees with a browser that reported that very error: the
/// browser then tells that the request carried credentials, which a capture cannot always see.
BrowserAgreement browserAgreement(const VerdictSummary &engine, quint8 browserCode);

/// "Chrome and CORS Lab disagree" style names for messages: "agrees", "disagrees", ...
QString browserAgreementName(BrowserAgreement agreement);

} // namespace corslab::session
