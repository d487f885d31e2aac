#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace corslab::attach {

/// Firefox's console sentence for a request it blocked, read back into its parts.
struct FirefoxCorsMessage
{
    QByteArray url;    ///< the request's URL, as the sentence names it
    QString reason;    ///< Firefox's key: "CORSMissingAllowOrigin2"; empty if not recognised
    QString parameter; ///< what the sentence names: the status, the header, the value found
    /// "CORS request did not succeed": Firefox prints it after the specific reason of a failed
    /// preflight or redirect, and alone for a network failure.
    bool isGenericFailure() const { return reason == QLatin1String("CORSDidNotSucceed2"); }
};

/// \brief Reads Firefox's "Cross-Origin Request Blocked: … (Reason: …)" console sentence
/// (log.entryAdded over WebDriver BiDi), the only place Firefox says why it blocked a request
/// from a page. Returns nothing for any other text. The sentences are Firefox's en-US ones
/// (dom/locales security.properties); a Firefox in another language prints its own.
std::optional<FirefoxCorsMessage> parseFirefoxCorsMessage(const QString &text);

} // namespace corslab::attach
