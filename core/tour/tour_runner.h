#pragma once

#include "classic_scenarios.h"

#include <QObject>
#include <QStringList>
#include <optional>

namespace corslab::server {
class PlaygroundServer;
}
namespace corslab::session {
class Session;
}

namespace corslab::tour {

/// \brief Runs one classic scenario for real: sets the playground's policy, sends each step with
/// the browser client once the previous one finished, and appends every exchange to the session.
///
/// Asynchronous on the thread it lives in (the GUI's): run() returns at once and the signals
/// follow. Only the outcomes of its own fetches are taken from the client, so the client may be
/// shared with the composer; but whoever else appends the client's outcomes to the same session
/// would add them twice (give the tour a client of its own then).
///
/// The policy: each scenario leaves its last policy in place when it finishes, so the playground
/// panel shows the policy that produced the verdicts and a request re-sent from the composer gets
/// the same answer. The user's own policy, the one in place before the first scenario, is kept
/// and comes back with restorePolicy().
class TourRunner : public QObject
{
    Q_OBJECT

public:
    TourRunner(server::PlaygroundServer &playground, client::BrowserClient &client,
               session::Session &session, QObject *parent = nullptr);
    ~TourRunner() override;

    /// Starts scenario \a id. failed() follows (queued) for an unknown id, a playground that is
    /// not running, or while another scenario runs.
    void run(const QString &id);
    /// Stops the running scenario after nothing more: the step in flight is ignored when it
    /// finishes. Emits failed("cancelled").
    void cancel();
    bool isRunning() const { return m_scenario.has_value(); }
    /// The id of the running scenario, empty when none.
    QString runningScenario() const;

    /// Puts back the playground policy that was in place before the first scenario ran (since
    /// the last restore). False when there is none to restore (no scenario ran).
    bool restorePolicy();
    bool hasPolicyToRestore() const { return m_userPolicy.has_value(); }

    /// Why the last finished step differed from its expectation (one sentence each), empty when
    /// it went as expected. Read it in a slot connected to stepFinished().
    QStringList lastMismatches() const { return m_lastMismatches; }

Q_SIGNALS:
    /// Step \a index finished; its exchanges are in the session from \a firstSessionIndex on
    /// (-1 when the step sent nothing).
    void stepFinished(int index, const corslab::client::FetchOutcome &outcome,
                      qsizetype firstSessionIndex);
    /// Every step ran. \a landingSessionIndex is the session index of the landing step's final
    /// exchange (the actual request, or the preflight when the actual was never sent), -1 when
    /// that step sent nothing. \a asExpected: every step matched its expectation.
    void finished(const QString &scenarioId, qsizetype landingSessionIndex, bool asExpected);
    /// The scenario could not run or was stopped; \a reason is a sentence.
    void failed(const QString &reason);

private:
    void sendStep();
    void takeOutcome(const client::FetchOutcome &outcome);
    void fail(const QString &reason);
    qsizetype appendToSession(const QList<session::CapturedExchange> &exchanges);

    server::PlaygroundServer &m_playground;
    client::BrowserClient &m_client;
    session::Session &m_session;
    std::optional<ClassicScenario> m_scenario;
    std::optional<policy::CorsPolicy> m_userPolicy;
    int m_step = 0;
    quint64 m_pendingRequest = 0; ///< 0: none in flight
    quint64 m_generation = 0;     ///< changes on every run() and cancel()
    bool m_allAsExpected = true;
    qsizetype m_landingIndex = -1;
    QStringList m_lastMismatches;
};

} // namespace corslab::tour
