#pragma once

#include "session/browser_verdict.h"
#include "session/captured_exchange.h"
#include "session/exchange_evaluator.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::report {

/// \brief What the browser itself said about an exchange (a capture attached to the browser),
/// next to the engine's verdict, in sentences.
struct BrowserOpinion
{
    QString browser; ///< "Chrome" (from the reporting browser's product)
    session::BrowserAgreement agreement = session::BrowserAgreement::NoBrowserVerdict;
    QString said;        ///< "blocked: PreflightInvalidStatus (failed parameter: 404)"
    QString sentence;    ///< "Chrome and CORS Lab agree." / "Chrome and CORS Lab disagree: …"
    QStringList cookies; ///< "sid was not sent: SameSiteLax" / "Set-Cookie of token refused: …"
};

/// The short name of a browser's product ("HeadlessChrome/156.0" and "Chrome/156.0": "Chrome";
/// "Edg/124.0": "Edge"); "the browser" when empty.
QString browserShortName(const QString &product);

/// The browser's opinion of exchange \a x, judged \a engine by CORS Lab; nullopt when no browser
/// reported on it.
std::optional<BrowserOpinion> browserOpinion(const session::CapturedExchange &x,
                                             const session::VerdictSummary &engine);

} // namespace corslab::report
