#include "tour_runner.h"

#include "server/playground_server.h"
#include "session/session.h"

#include <QThread>

namespace corslab::tour {

TourRunner::TourRunner(server::PlaygroundServer &playground, client::BrowserClient &client,
                       session::Session &session, QObject *parent)
    : QObject(parent), m_playground(playground), m_client(client), m_session(session)
{
    connect(&m_client, &client::BrowserClient::finished, this, &TourRunner::takeOutcome);
}

TourRunner::~TourRunner() = default;

QString TourRunner::runningScenario() const
{
    return m_scenario ? m_scenario->id : QString();
}

void TourRunner::run(const QString &id)
{
    QString refusal;
    std::optional<ClassicScenario> scenario = classicScenario(id);
    if (m_scenario) {
        refusal = QStringLiteral("scenario \"%1\" is still running: wait for it or cancel it")
                      .arg(m_scenario->id);
    } else if (!scenario) {
        QStringList ids;
        for (const ClassicScenario &c : classicScenarios())
            ids << c.id;
        refusal = QStringLiteral("scenario: expected one of %1, got \"%2\"")
                      .arg(ids.join(QStringLiteral(", ")), id);
    } else if (!m_playground.isRunning()) {
        refusal = QStringLiteral("the playground server is not running, so scenario \"%1\" has "
                                 "nothing to talk to")
                      .arg(id);
    }
    if (!refusal.isEmpty()) {
        // Queued like every other signal of a run, so callers see one behaviour.
        QMetaObject::invokeMethod(
            this, [this, refusal] { Q_EMIT failed(refusal); }, Qt::QueuedConnection);
        return;
    }

    ++m_generation;
    if (!m_userPolicy)
        m_userPolicy = m_playground.policy();
    m_scenario = std::move(scenario);
    m_step = 0;
    m_allAsExpected = true;
    m_landingIndex = -1;
    m_lastMismatches.clear();
    m_playground.setPolicy(m_scenario->policy);
    // Entries from earlier requests would hide preflights the lesson wants to show.
    m_client.clearPreflightCache();
    if (m_scenario->freshCookies)
        m_client.clearCookies();
    sendStep();
}

void TourRunner::cancel()
{
    if (!m_scenario)
        return;
    const QString id = m_scenario->id;
    ++m_generation;
    m_scenario.reset();
    m_pendingRequest = 0;
    Q_EMIT failed(QStringLiteral("scenario \"%1\" cancelled").arg(id));
}

bool TourRunner::restorePolicy()
{
    if (!m_userPolicy)
        return false;
    m_playground.setPolicy(*m_userPolicy);
    m_userPolicy.reset();
    return true;
}

void TourRunner::sendStep()
{
    const ScenarioStep &step = m_scenario->steps.at(m_step);
    if (step.policyBefore)
        m_playground.setPolicy(*step.policyBefore);
    if (step.clearPreflightCacheBefore)
        m_client.clearPreflightCache();
    m_pendingRequest = m_client.fetch(resolveRequest(step.request, m_playground.origins()));
}

void TourRunner::takeOutcome(const client::FetchOutcome &outcome)
{
    if (!m_scenario || m_pendingRequest == 0 || outcome.requestId != m_pendingRequest)
        return; // the composer's, or a cancelled step's
    m_pendingRequest = 0;
    const quint64 generation = m_generation;
    const ScenarioStep &step = m_scenario->steps.at(m_step);

    const qsizetype first = appendToSession(outcome.exchanges);
    const qsizetype last = first < 0 ? -1 : first + outcome.exchanges.size() - 1;
    std::optional<session::ExchangeEvaluation> evaluation;
    if (last >= 0)
        evaluation = m_session.evaluation(last);
    m_lastMismatches =
        outcomeMismatches(step.expected, outcome, evaluation ? &*evaluation : nullptr);
    if (!m_lastMismatches.isEmpty())
        m_allAsExpected = false;
    if (m_step == m_scenario->landingStep)
        m_landingIndex = last;

    const int index = m_step;
    Q_EMIT stepFinished(index, outcome, first);
    if (generation != m_generation)
        return; // a slot cancelled this run or started another one

    if (!outcome.failure.isEmpty()) {
        // A step that never reached the server teaches nothing; the steps after it depend on it.
        m_scenario.reset();
        ++m_generation;
        Q_EMIT failed(QStringLiteral("step %1: %2").arg(index + 1).arg(outcome.failure));
        return;
    }
    if (++m_step < m_scenario->steps.size()) {
        sendStep();
        return;
    }
    const QString id = m_scenario->id;
    m_scenario.reset();
    ++m_generation;
    Q_EMIT finished(id, m_landingIndex, m_allAsExpected);
}

qsizetype TourRunner::appendToSession(const QList<session::CapturedExchange> &exchanges)
{
    if (exchanges.isEmpty())
        return -1;
    // The proxy's threads may append at the same time, so count() before append() can be stale.
    // The session names the batch's first index in the signal it emits for this very batch, on
    // this thread, before append() returns; emissions from other threads are ignored.
    qsizetype first = -1;
    const QThread *self = QThread::currentThread();
    const QMetaObject::Connection connection = connect(
        &m_session, &session::Session::exchangesAdded, this,
        [&first, self](qsizetype at, qsizetype) {
            if (QThread::currentThread() == self && first < 0)
                first = at;
        },
        Qt::DirectConnection);
    m_session.append(exchanges);
    disconnect(connection);
    return first;
}

} // namespace corslab::tour
