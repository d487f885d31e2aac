#pragma once

#include "browser_overrides.h"
#include "proxy/override_rules.h"
#include "rule_installer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace corslab::attach {

class ProtocolConnection;

/// Where WebDriver BiDi network interception pauses a request.
enum class BidiPhase : quint8 {
    BeforeRequestSent, ///< a preflight can be answered here, so the server never sees it
    ResponseStarted,   ///< the server's status and headers can be changed here
};

/// One network.addIntercept: the phase and the URL patterns that pause a request there.
struct BidiIntercept
{
    BidiPhase phase = BidiPhase::ResponseStarted;
    QJsonArray urlPatterns; ///< BiDi "pattern" entries: {type, hostname?, port?}

    QJsonObject params() const;
    bool operator==(const BidiIntercept &other) const = default;
};

/// \brief The intercepts that pause every request an enabled rule of \a rules may decide: one at
/// responseStarted for every rule, one at beforeRequestSent for the rules that answer preflights.
///
/// BiDi patterns have no wildcards: a pattern holds the rule's host and port only when they are
/// literal (a port 80 or 443 is left out, Firefox's URLs omit a default port), never its path.
/// A pattern only chooses what to pause; the rules' own matching decides. Empty when no rule is
/// enabled.
QList<BidiIntercept> bidiIntercepts(const proxy::OverrideSet &rules);

/// \brief The one command that resumes a blocked request, and what it changes.
struct BlockedDecision
{
    enum class Action : quint8 {
        Continue,        ///< continueRequest / continueResponse: untouched
        AnswerPreflight, ///< provideResponse at beforeRequestSent: the server never sees it
        ChangeResponse,  ///< continueResponse with the rule's status and headers
    };
    Action action = Action::Continue;
    BidiPhase phase = BidiPhase::BeforeRequestSent;
    QString requestId; ///< BiDi's request id (the same for every hop of a redirect)
    int hop = 0;       ///< the event's redirectCount
    QByteArray phrase; ///< the reason phrase sent with a changed status
    /// AnswerPreflight and ChangeResponse: the rule and the answer the browser gets.
    std::optional<AppliedOverride> applied;

    /// The BiDi command ("network.continueRequest"...) and its params.
    QString command() const;
    QJsonObject params() const;
    /// The command that lets the request go on untouched at its phase.
    QString continueCommand() const;
};

/// \brief What to do with one network event (\a method, \a params) that Firefox blocked
/// (isBlocked), by the same matching and edits as the proxy's: a preflight a rule answers gets
/// its answer at beforeRequestSent; at responseStarted, a response the rule changes continues
/// with the changed head (the server's phrase kept when its status is); anything else continues
/// untouched. requestId is empty for an event that is not blocked.
BlockedDecision decideBlocked(const proxy::OverrideSet &rules, const QString &method,
                              const QJsonObject &params);

/// \brief "Apply in browser" for Firefox: the proxy's override rules applied inside an attached
/// Firefox through WebDriver BiDi network interception.
///
/// Once started, network.addIntercept installs bidiIntercepts() (replaced, removeIntercept
/// first, whenever the rules change). Every blocked event gets exactly one command, from
/// decideBlocked(); when Firefox refuses a change, the request continues untouched and message()
/// says why, so no request stays paused: Firefox resumes none by itself, not even when its
/// intercept is removed. A change Firefox took is reported by overrideApplied().
class BidiOverrides : public RuleInstaller
{
    Q_OBJECT

public:
    explicit BidiOverrides(ProtocolConnection *connection, QObject *parent = nullptr);

    /// The session is up: installs the rules set so far, then \a ready (at once when there is no
    /// rule), so the first request of the capture is intercepted.
    void start(const std::function<void()> &ready);
    /// The session is gone, and its intercepts with it: forgets the rules without sending
    /// anything; nothing is installed until the next start().
    void forget();

    /// One network event: a blocked one gets its command.
    void handleEvent(const QString &method, const QJsonObject &params);

Q_SIGNALS:
    /// Firefox took the change of hop \a hop of request \a requestId.
    void overrideApplied(const QString &requestId, int hop,
                         const corslab::attach::AppliedOverride &applied);

protected:
    /// Once started, replaces the intercepts with the rules'; rulesApplied() once Firefox
    /// answered every command of the latest rules.
    void install() override;

private:
    void installIntercepts(const std::function<void()> &done);
    void addIntercept(const BidiIntercept &intercept, const std::function<void()> &done);
    void removeIntercept(const QString &id, const std::function<void()> &done);
    void resume(const BlockedDecision &decision);

    ProtocolConnection *m_connection;
    bool m_started = false;
    QStringList m_intercepts; ///< network.addIntercept ids of the rules in force
    /// Requests answered at beforeRequestSent: Firefox then reports them blocked at
    /// responseStarted too, but holds nothing there (continueResponse: "no such request").
    QSet<QString> m_answeredLocally;
    quint64 m_rulesGeneration = 0;   ///< counts setRules(): an intercept of older rules goes
    quint64 m_sessionGeneration = 0; ///< counts forget(): answers of an ended session are ignored
};

} // namespace corslab::attach
