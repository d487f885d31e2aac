#pragma once

#include "cors/cors_error.h"
#include "cors/verdict.h"
#include "pair_view.h"
#include "session/exchange_classifier.h"
#include "session/exchange_evaluator.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace corslab::session {
class Session;
}

namespace corslab::report {

/// \brief Exchanges counted by verdict state.
struct VerdictCounts
{
    qsizetype exposed = 0;
    qsizetype warning = 0;
    qsizetype blocked = 0;
    qsizetype unknown = 0;       ///< could not be judged (no response, a malformed Origin)
    qsizetype notApplicable = 0; ///< same-origin, no-cors, navigations, tunnels

    void add(session::VerdictState state);
    qsizetype total() const { return exposed + warning + blocked + unknown + notApplicable; }
};

/// \brief The exchanges sent from one origin (the Origin header; empty: none was sent).
struct OriginCounts
{
    QByteArray origin;
    VerdictCounts verdicts;
};

/// \brief How many exchanges ended with one CorsError.
struct ErrorCount
{
    cors::CorsError error = cors::CorsError::None;
    qsizetype exchanges = 0;
};

/// \brief How many exchanges are of one kind.
struct KindCount
{
    session::ExchangeKind kind = session::ExchangeKind::NoCors;
    qsizetype exchanges = 0;
};

/// \brief The report's first section: what the session holds, counted once over every row.
struct ReportSummary
{
    qsizetype exchanges = 0;
    qsizetype failed = 0;        ///< transport failures (no response, or the proxy's error page)
    qint64 firstStartedAtMs = 0; ///< 0 for an empty session
    qint64 lastFinishedAtMs = 0;
    QString profile;            ///< "chromium": the profile every verdict is judged under
    QString profileDisplayName; ///< "Chromium"
    VerdictCounts verdicts;
    QList<OriginCounts> origins; ///< in order of first appearance; "no Origin" included
    QList<ErrorCount> errors;    ///< blocked exchanges by CorsError, most frequent first
    /// Exchanges exposed as sent that would be blocked had the page sent credentials ('include'),
    /// by that error, most frequent first.
    QList<ErrorCount> errorsWithCredentials;
    QList<KindCount> kinds;     ///< in ExchangeKind order, kinds with no exchange left out
    qsizetype blockedPairs = 0; ///< distinct blocked pairs (a pair counts once)
};

/// \brief One blocked pair in a line: what the list past the cap shows, and the key the report
/// deduplicates on.
struct BlockedPairEntry
{
    qsizetype index = -1;   ///< session index of the pair's first blocked exchange
    qint64 id = 0;          ///< its id
    qint64 preflightId = 0; ///< 0: no preflight in the pair
    qint64 actualId = 0;    ///< 0: the actual request was never sent (the preflight failed)
    session::ExchangeKind kind = session::ExchangeKind::NoCors;
    QByteArray method;
    QByteArray url;
    QByteArray origin;
    int status = 0;
    cors::CorsError error = cors::CorsError::None;
};

/// \brief Blocked pairs that share an origin, method, URL without query, and error: the places to
/// fix, most frequent first.
struct BlockedEndpoint
{
    QByteArray origin;
    QByteArray method;
    QByteArray endpoint; ///< the URL without query and fragment
    cors::CorsError error = cors::CorsError::None;
    qsizetype pairs = 0;
    qint64 firstId = 0; ///< id of the first of these pairs
};

/// \brief One exchange a warning applies to.
struct WarningOccurrence
{
    qint64 id = 0;
    QByteArray method;
    QByteArray url;
    QString text; ///< the engine's sentence for this exchange (cors::explainWarning())
};

/// \brief Every exchange that raised one kind of warning.
///
/// Besides the engine's warnings, one group (kind nullopt, name "blocked-with-credentials")
/// collects the exchanges exposed as sent that would be blocked with credentials.
struct WarningGroup
{
    std::optional<cors::WarningKind> kind;
    QString name;  ///< stable key: "echoed-origin-without-vary", "blocked-with-credentials"...
    QString title; ///< "Access-Control-Allow-Origin names one origin without Vary: Origin"
    cors::Severity severity = cors::Severity::Warning; ///< the highest among its occurrences
    qsizetype exchanges = 0;                           ///< how many exchanges raised it
    QList<WarningOccurrence> occurrences;              ///< the first ones, in id order (capped)
};

/// \brief A section that a module above `report` adds to the session report (the app adds its
/// last audit). Its owner renders it in every format; the writers only place it after the
/// warnings, so `report` never learns what it holds.
struct ReportAppendix
{
    QString id;       ///< stable key: the JSON "id" and the HTML anchor ("appendix-<id>")
    QString title;    ///< the section's heading: "CORS audit: https://api.example.com/me"
    QString html;     ///< the section's body, an HTML fragment whose capture text is escaped
    QString css;      ///< style rules the fragment needs besides the report's own sheet
    QString markdown; ///< the section's body in Markdown, its headings at level 3 and below
    QJsonObject json; ///< the section in the JSON report ("content")
};

/// \brief A session's CORS report as plain values: the summary, every blocked pair side by side
/// with its explanation and fix, and the warnings. Computed once by buildSessionReport(); the
/// HTML, Markdown and JSON writers only format it.
struct SessionReport
{
    QString generatedBy; ///< "corslab-cli 0.1.0"
    QDateTime generatedAt;
    ReportSummary summary;
    /// The blocked pairs shown in full, ordered by id, each once (from either of its halves),
    /// as report::buildPairView() builds them: at most ReportOptions::maxFullPairs.
    QList<PairView> blockedPairs;
    /// Every blocked pair in a line, in the same order (the first blockedPairs.size() are the
    /// ones shown in full).
    QList<BlockedPairEntry> blockedPairEntries;
    QList<BlockedEndpoint> blockedEndpoints;
    QList<WarningGroup> warnings; ///< highest severity first, then most exchanges
    /// Sections added by the app after buildSessionReport(), in order; none from the CLI.
    QList<ReportAppendix> appendices;

    /// The blocked pairs past the cap, counted and listed by line only.
    qsizetype morePairs() const { return blockedPairEntries.size() - blockedPairs.size(); }
};

/// \brief What a report includes at most, so that a 100,000-exchange session stays a file one
/// can open.
struct ReportOptions
{
    qsizetype maxFullPairs = 500;          ///< blocked pairs shown side by side with the fix
    qsizetype maxWarningOccurrences = 200; ///< exchanges listed per warning group
    QString generatedBy;                   ///< the program, for the report's header
};

/// Called as the report is computed: \a done of \a total steps. \a total covers the scan of
/// every row at first and grows once, when the scan knows how many pairs and warnings to detail.
/// Return false to cancel. Called on the thread that builds the report.
using ReportProgress = std::function<bool(qsizetype done, qsizetype total)>;

/// How buildSessionReport() ended.
enum class ReportStatus {
    Complete,
    Cancelled,      ///< the progress callback returned false
    SessionCleared, ///< the session was cleared (or replaced) meanwhile: nothing consistent
};

/// Computes \a session's report under the session's profile into \a out. Reads the exchanges
/// that exist when it starts (appends meanwhile are left out), holding the session's lock only
/// for short copies: safe to call from a worker thread while the GUI and the proxy go on.
ReportStatus buildSessionReport(const session::Session &session, SessionReport *out,
                                const ReportOptions &options = {},
                                const ReportProgress &progress = {});

/// "echoed-origin-without-vary", "wildcard-with-cookies", ... (stable: the JSON report uses it).
QString warningKindName(cors::WarningKind kind);
/// A short title for the warning kind.
QString warningKindTitle(cors::WarningKind kind);
/// "info", "warning", "security".
QString severityName(cors::Severity severity);

} // namespace corslab::report
