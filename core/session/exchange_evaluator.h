#pragma once

#include "captured_exchange.h"
#include "cors/browser_profile.h"
#include "cors/scenario.h"
#include "cors/verdict.h"
#include "exchange_classifier.h"
#include "preflight_pairing.h"

#include <QStringList>
#include <optional>

namespace corslab::session {

/// The verdict column: saved sessions store it by name (verdictStateName()).
enum class VerdictState : quint8 {
    NotApplicable, ///< CORS does not apply (same-origin, no-cors, navigation, tunnel)
    Exposed,       ///< the page can read the response
    Warning,       ///< exposed, but a warning applies or it would be blocked with credentials
    Blocked,       ///< the browser blocks it
    Unknown,       ///< cannot be judged (no response, an Origin that is not an origin)
};

/// "not-applicable", "exposed", "warning", "blocked", "unknown".
QString verdictStateName(VerdictState state);
bool verdictStateFromName(const QString &name, VerdictState *out);

/// What the judging had to assume or infer (bits of VerdictSummary::assumptions).
namespace Assumption {
constexpr quint8 CredentialsFromCookie = 1 << 0;        ///< 'include': a Cookie was sent
constexpr quint8 CredentialsFromAuthorization = 1 << 1; ///< 'include': the browser's Authorization
constexpr quint8 CredentialsUnknown = 1 << 2;           ///< judged without and with credentials
constexpr quint8 CredentialsFromActual = 1 << 3;        ///< preflight: mode of its actual request
constexpr quint8 ModeAssumed = 1 << 4;                  ///< no Sec-Fetch-Mode: mode 'cors' assumed
constexpr quint8 PreflightAssumed = 1 << 5;     ///< no preflight seen: judged as if a cached one
                                                ///< had allowed the request
constexpr quint8 ErrorWithCredentials = 1 << 6; ///< the error is the verdict with credentials
/// The client that sent it said its credentials mode (CapturedExchange::credentialsIncluded:
/// the composer and the tour do; a proxy cannot), so nothing was assumed.
constexpr quint8 CredentialsKnown = 1 << 7;
} // namespace Assumption

/// \brief The few bytes a session keeps per exchange of its verdict; the whole Verdict, its
/// explanation and fix are recomputed on demand (Session::evaluation()).
struct VerdictSummary
{
    VerdictState state = VerdictState::NotApplicable;
    quint8 error = 0;       ///< cors::CorsError of the failed check (or, for a Warning, of the
                            ///< verdict with credentials)
    qint8 failedCheck = -1; ///< index of that check in Verdict::checks, -1 when none
    quint8 assumptions = 0; ///< Assumption bits
    quint8 credentials = quint8(cors::CredentialsMode::SameOrigin); ///< as judged
    /// Engine warnings that make the state Warning: severity warning or security, except the
    /// advice about credentialed origins (CredentialedOriginReflection), which the engine gives
    /// for every credentialed response (at most 255).
    quint8 warnings = 0;

    cors::CorsError corsError() const { return cors::CorsError(error); }
    cors::CredentialsMode credentialsMode() const { return cors::CredentialsMode(credentials); }
    bool operator==(const VerdictSummary &) const = default;
};

/// \brief What a capture says about the credentials mode of an actual request.
struct CredentialsInference
{
    bool include = false;
    quint8 assumption = Assumption::CredentialsUnknown; ///< why (an Assumption bit)
    bool authorizationByBrowser = false; ///< Authorization was the browser's (HTTP auth)
    bool known = false; ///< said by the client that sent it: judged in that mode only
};

/// A Cookie means credentials 'include' (a browser sends none to another origin otherwise). So
/// does an Authorization header the page did not set: one the preflight did not announce
/// (\a announced: the paired or serving preflight's Access-Control-Request-Headers, nullptr when
/// none is known) and not a Bearer token (browsers add Basic, Digest, Negotiate, NTLM only).
/// Anything else leaves the mode unknown, unless the capture says it (credentialsIncluded).
CredentialsInference inferCredentials(const CapturedExchange &exchange,
                                      const QList<QByteArray> *announced);

/// The session's knowledge about an exchange's neighbours that judging needs.
struct EvaluationContext
{
    PairingState pairing = PairingState::None;
    const CapturedExchange *preflight = nullptr; ///< actual: the paired or serving preflight
    qint64 preflightId = 0;
    const CapturedExchange *actual = nullptr; ///< preflight: the first actual it authorized
    qint64 actualId = 0;
    QList<qint64> moreActualIds; ///< preflight: other actual requests it served (for notes)
};

/// \brief One exchange judged by the engine as the browser that sent it would judge it.
struct ExchangeEvaluation
{
    Classification classification;
    /// As judged: the actual request (credentials as inferred, with the paired preflight's
    /// answer); for a preflight, the request it announces, with a stand-in response that passes.
    cors::Scenario scenario;
    std::optional<cors::Verdict> verdict;
    /// The same with credentials: 'include', when the capture cannot tell the mode.
    std::optional<cors::Scenario> credentialedScenario;
    std::optional<cors::Verdict> credentialedVerdict;
    VerdictSummary summary;
    /// Preflight only: what its cache entry may serve, and its summary if its actual request
    /// turns out to be credentialed (the session links them after judging).
    bool preflightOkWithoutCredentials = false;
    bool preflightOkWithCredentials = false;
    qint64 preflightMaxAgeSeconds = 0;
    VerdictSummary summaryIfCredentialed;
    /// Sentences: which signals classified it, what was assumed, how it was paired.
    QStringList notes;
};

/// Judges \a exchange. \a withNotes false skips the sentences (the session's hot path).
ExchangeEvaluation evaluateExchange(const CapturedExchange &exchange,
                                    const Classification &classification,
                                    const EvaluationContext &context,
                                    const cors::BrowserProfile &profile, bool withNotes = true);

/// A 64-bit hash of everything evaluateExchange() reads to compute the summary, so that equal
/// keys give equal summaries (under one profile): the URL's path and query, Date, ETag, request
/// ids and other headers that cannot change a verdict are left out, which is what makes
/// memoizing pay.
quint64 evaluationKey(const CapturedExchange &exchange, const Classification &classification,
                      const EvaluationContext &context);

/// The credentials mode a preflight is judged for: its actual request's (\a context.actual), else
/// the one its capture states, else unknown.
CredentialsInference preflightCredentials(const CapturedExchange &preflight,
                                          const EvaluationContext &context,
                                          const QList<QByteArray> &requestedHeaders);

/// Names of the Assumption bits set in \a assumptions ("credentials-from-cookie", ...), for the
/// session file.
QStringList assumptionNames(quint8 assumptions);

/// The sentence for the credentials bits of \a assumptions ("assumed credentials: 'include'
/// because a Cookie header was sent"), empty when there is none.
QString credentialsNote(quint8 assumptions, qint64 actualId = 0);

} // namespace corslab::session
