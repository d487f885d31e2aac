#pragma once

#include "pending_request.h"
#include "proxy/override_rules.h"
#include "rule_installer.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <functional>
#include <optional>

namespace corslab::attach {

class ProtocolConnection;

/// Where the Fetch domain pauses a request: before it is sent, or once the response head is in.
enum class FetchStage : quint8 {
    Request,  ///< a preflight can be answered here, so the server never sees it
    Response, ///< the server's status and headers can be changed here
};

/// One entry of Fetch.enable's `patterns`.
struct FetchPattern
{
    QString urlPattern; ///< Chromium's wildcards: '*' any run, '?' one character, '\' escapes
    FetchStage stage = FetchStage::Response;

    bool operator==(const FetchPattern &other) const = default;
};

/// \brief The Fetch.enable patterns that pause every request an enabled rule of \a rules may
/// decide: the Response stage for each, the Request stage too for a rule that answers preflights
/// (Chromium cannot pause preflights alone: its patterns refuse the "Preflight" resource type).
///
/// A pattern covers the rule's host and path globs and may cover more (any scheme, any query,
/// a host rule's default port): it only chooses what to pause, the rules' own matching decides.
/// Empty when no rule is enabled.
QList<FetchPattern> fetchPatterns(const proxy::OverrideSet &rules);

/// \brief The one command that resumes a paused request, and what it changes.
struct PausedDecision
{
    enum class Action : quint8 {
        Continue,        ///< Fetch.continueRequest: as the page sent it, as the server answered
        AnswerPreflight, ///< Fetch.fulfillRequest at the Request stage: the server never sees it
        ChangeResponse,  ///< Fetch.continueResponse with the rule's status and headers
    };
    Action action = Action::Continue;
    QString requestId; ///< the Fetch domain's id of the paused request
    QString networkId; ///< the Network domain's requestId of the same request
    QString phrase;    ///< ChangeResponse: the server's reason phrase, when the status is its own
    /// AnswerPreflight and ChangeResponse: the rule and the answer the browser gets.
    std::optional<AppliedOverride> applied;

    /// The DevTools command ("Fetch.continueRequest"...) and its params.
    QString command() const;
    QJsonObject params() const;
};

/// \brief What to do with one Fetch.requestPaused (\a paused: its params), by the same matching
/// and edits as the proxy's (OverrideSet::localPreflightAnswer, applyToResponse): a preflight
/// a rule answers is fulfilled at the Request stage; at the Response stage, a response the rule
/// changes is continued with the changed head; anything else continues untouched.
PausedDecision decidePaused(const proxy::OverrideSet &rules, const QJsonObject &paused);

/// \brief "Apply in browser": the proxy's override rules applied inside an attached Chromium
/// through the DevTools Fetch domain, in every target it captures, without a proxy.
///
/// Fetch.enable goes to each session with the rules' patterns (again when the rules change,
/// Fetch.disable when none is left). Every Fetch.requestPaused gets exactly one command, from
/// decidePaused(); when the browser refuses a change, the request continues untouched and
/// message() says why, so no request ever stays paused. A change the browser took is reported by
/// overrideApplied(), for the capture to record. Dedicated workers have no Fetch domain: their
/// page's session pauses their requests.
class FetchOverrides : public RuleInstaller
{
    Q_OBJECT

public:
    explicit FetchOverrides(ProtocolConnection *connection, QObject *parent = nullptr);

    /// A target to apply the rules in: Fetch.enable there, then \a ready (at once when there is
    /// nothing to enable), so a target that waits for the debugger is resumed intercepted.
    void addSession(const QString &sessionId, const std::function<void()> &ready);
    void removeSession(const QString &sessionId);
    /// The connection is gone: the browser dropped the interception with it. Forgets the rules
    /// and the sessions without sending anything.
    void forget();

    /// One Fetch.requestPaused event of \a sessionId.
    void handlePaused(const QString &sessionId, const QJsonObject &params);

Q_SIGNALS:
    /// The browser took the change of request \a networkId (the Network domain's requestId).
    void overrideApplied(const QString &networkId, const corslab::attach::AppliedOverride &applied);

protected:
    /// Fetch.enable with the rules' patterns in every session (Fetch.disable when none is left);
    /// rulesApplied() once every target answered, at once when there is no target.
    void install() override;

private:
    /// Fetch.enable (or Fetch.disable when there is no pattern) in \a sessionId; \a done (may be
    /// empty) follows the browser's answer.
    void applyIn(const QString &sessionId, const std::function<void()> &done);
    ProtocolConnection *m_connection;
    QSet<QString> m_sessions;
    /// Sessions without a Fetch domain (dedicated workers): nothing is sent there.
    QSet<QString> m_withoutFetch;
    int m_unanswered = 0; ///< Fetch.enable/disable commands the browser has not answered yet
    /// Counts forget(): answers to commands sent before it are not counted.
    quint64 m_connectionGeneration = 0;
};

} // namespace corslab::attach
