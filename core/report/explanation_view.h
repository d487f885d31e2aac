#pragma once

#include "browser_opinion.h"
#include "cors/browser_profile.h"
#include "cors/fix_finder.h"
#include "cors/verdict.h"
#include "session/exchange_evaluator.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::session {
class Session;
}

namespace corslab::report {

/// \brief One check of a verdict, ready to show: the Fetch step it implements, where it looked,
/// and a plain sentence (cors::explainCheck()).
struct ExplainedCheck
{
    cors::Step step = cors::Step::PreflightNeeded;
    cors::Phase phase = cors::Phase::Request;
    bool ok = true;
    QString stepName;  ///< "CORS check: Access-Control-Allow-Origin"
    QString phaseName; ///< "preflight", "response", "redirect #1", "request"
    QString sentence;
    QString specUrl; ///< "https://fetch.spec.whatwg.org/#cors-check"
};

/// \brief An engine warning as a sentence, with its severity.
struct ExplainedWarning
{
    cors::Severity severity = cors::Severity::Warning;
    QString text;
};

/// \brief What one browser prints for the error, so that a user can search for what they saw.
struct BrowserText
{
    cors::Browser browser = cors::Browser::Chromium;
    QString label; ///< "Chrome console", "Chrome DevTools CorsError", "Firefox reason", ...
    QString text;
    QString url;          ///< a page about this error (MDN for Firefox's reason keys), or empty
    bool current = false; ///< the browser of the session's profile
};

/// \brief One response the fix changes, as lines a developer can paste into a server config.
struct FixTarget
{
    QString title; ///< "Preflight response (OPTIONS http://api/items)", "Response (PUT ...)"
    bool preflight = false;
    std::optional<int> status;     ///< answer with this status instead
    QStringList headerLines;       ///< "Access-Control-Allow-Origin: http://localhost:3000"
    QList<QByteArray> removeNames; ///< headers to remove
};

/// \brief The explanation of one exchange's verdict: what the engine checked and decided, the
/// warnings and notes, each browser's error text, and for a failure the fix.
///
/// Plain values, no widget types: the explanation widget and the HTML/Markdown reports read it.
struct Explanation
{
    qsizetype index = -1; ///< the exchange whose verdict this explains (-1: none)
    qint64 id = 0;
    /// The explained exchange is a preflight with no actual request after it: only the
    /// preflight's checks are shown (the engine judged it against a stand-in response).
    bool preflightOnly = false;
    session::ExchangeKind kind = session::ExchangeKind::NoCors;
    session::VerdictState state = session::VerdictState::NotApplicable;
    cors::CorsError error = cors::CorsError::None; ///< for Warning: the error with credentials
    QString profileName;                           ///< "Chromium"

    QString headline; ///< "BLOCKED — AllowOriginMismatch", "EXPOSED", "PREFLIGHT PASSED", ...
    QString summary;  ///< one sentence
    QList<ExplainedCheck> checks; ///< in the order the browser makes them
    /// Warning state with credentials unknown: the check that fails had the page sent
    /// credentials ('include').
    std::optional<ExplainedCheck> failsWithCredentials;
    QList<ExplainedWarning> warnings;
    QStringList notes;               ///< how the exchange was classified, paired, what was assumed
    QList<BrowserText> browserTexts; ///< empty unless something fails
    /// What the browser itself said (an exchange captured from an attached browser).
    std::optional<BrowserOpinion> browser;

    std::optional<cors::Fix> fix;
    QString fixCondition;        ///< empty, or "if the page sends credentials: 'include'"
    QList<FixTarget> fixTargets; ///< the server changes, per response
    QStringList fixHeaderLines;  ///< fixTargets flattened, with "# ..." lines naming the response
    QStringList fixSteps;        ///< one sentence per change, in order
    QString clientAlternative;   ///< a change to the fetch() call that also works, or empty

    /// The verdict explained (nullopt when CORS does not apply or it could not be judged), and
    /// the failing verdict with credentials for a Warning: the pair view marks headers from them.
    std::optional<cors::Verdict> verdict;
    std::optional<cors::Verdict> credentialedVerdict;

    /// The fix's header lines as one copyable text.
    QString fixText() const { return fixHeaderLines.join(QLatin1Char('\n')); }
};

/// "https://fetch.spec.whatwg.org/#cors-check" for \a step.
QString specUrl(cors::Step step);

/// Explains exchange \a index of \a session under the session's profile. \a preflightOnly: the
/// exchange is a preflight explained on its own (no actual request followed it). Out of range:
/// an empty Explanation with index -1.
Explanation explainExchange(const session::Session &session, qsizetype index,
                            bool preflightOnly = false);

/// The pieces of explainExchange() that need no session: \a evaluation judged under \a profile.
Explanation explainEvaluation(const session::ExchangeEvaluation &evaluation,
                              const cors::BrowserProfile &profile, bool preflightOnly);

/// Each browser's text for \a error on \a scenario (Chrome's console line and CorsError name,
/// Firefox's reason key with its MDN page, Safari's sentence), \a current's browser first.
QList<BrowserText> browserTexts(const cors::Verdict &verdict, const cors::Scenario &scenario,
                                const cors::BrowserProfile &current);

/// The server changes of \a fix as copyable targets; \a scenario names the responses.
QList<FixTarget> fixTargets(const cors::Fix &fix, const cors::Scenario &scenario);

} // namespace corslab::report
