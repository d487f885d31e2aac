#pragma once

#include "client/browser_client.h"
#include "cors/cors_error.h"
#include "cors/verdict.h"
#include "policy/cors_policy.h"
#include "session/exchange_evaluator.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::tour {

/// \brief What one step of a scenario must produce, as the page and the session see it.
///
/// Fields left at their "not checked" value (nullopt, 0, empty) are not compared.
struct ExpectedOutcome
{
    bool exposed = true; ///< the page can read the response
    cors::CorsError error = cors::CorsError::None;
    std::optional<bool> preflightSent;
    std::optional<bool> preflightFromCache; ///< a preflight was needed and the cache covered it
    int status = 0;                         ///< the final response's status; 0: not checked
    /// Lowercase response header names JavaScript must be able to read / must not see, as the
    /// session's verdict on the step's final exchange says.
    QList<QByteArray> readableHeaders;
    QList<QByteArray> hiddenHeaders;
    /// A warning the session's verdict on the step's final exchange must carry (with or without
    /// credentials, when the capture cannot tell the mode).
    std::optional<cors::WarningKind> warning;
};

/// \brief One request of a scenario, sent after the previous one finished.
struct ScenarioStep
{
    /// The fetch() to make. Its origin and URL may use the placeholders `{api}`, `{app}` and
    /// `{evil}` (see resolveRequest()).
    client::ComposedRequest request;
    ExpectedOutcome expected;
    QString caption; ///< one line: what this step shows
    /// Set on the playground just before this step (the fix, or the next variant); nullopt keeps
    /// the policy in place.
    std::optional<policy::CorsPolicy> policyBefore;
    bool clearPreflightCacheBefore = false;
};

/// \brief A one-click lesson of the guided tour: a playground policy, a few real requests and
/// the step whose exchange the side-by-side view should open on.
struct ClassicScenario
{
    QString id;                ///< stable, lowercase with dashes: "simple-get"
    QString title;             ///< for a menu or a button
    QString lesson;            ///< two to four plain sentences
    policy::CorsPolicy policy; ///< set on the playground before the first step
    bool freshCookies = false; ///< clear the client's cookies first (scenarios that log in)
    QList<ScenarioStep> steps;
    int landingStep = 0; ///< index into steps
};

/// The classic scenarios, in tour order.
QList<ClassicScenario> classicScenarios();
/// The scenario called \a id, or nullopt.
std::optional<ClassicScenario> classicScenario(const QString &id);

/// \a request with `{api}`, `{app}` and `{evil}` in its origin and URL replaced by \a origins.
client::ComposedRequest resolveRequest(const client::ComposedRequest &request,
                                       const policy::DemoOrigins &origins);

/// How \a outcome (and \a evaluation, the session's judgement of the step's final exchange;
/// null when there is none) differs from \a expected: one sentence per difference, empty when
/// the step went as expected.
QStringList outcomeMismatches(const ExpectedOutcome &expected, const client::FetchOutcome &outcome,
                              const session::ExchangeEvaluation *evaluation);

} // namespace corslab::tour
