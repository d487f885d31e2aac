#pragma once

#include "browser_case.h"
#include "browser_runner.h"
#include "scenario_server.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// One fetch() as the page saw it.
struct BrowserAttempt
{
    bool resolved = false;       ///< fetch() resolved (false: it rejected).
    int status = 0;              ///< Response status (0 for opaque responses).
    QString type;                ///< Response.type: "basic", "cors", "opaque", "opaqueredirect".
    QStringList readableHeaders; ///< Header names script could read, lowercased and sorted.
    QString error;    ///< String(e) when fetch() rejected, e.g. "TypeError: Failed to fetch".
    QString finalUrl; ///< Response.url (after redirects).
};

/// Everything observed for one case.
struct BrowserObservation
{
    QString id;
    QJsonObject resolvedScenario;    ///< See ScenarioServer::resolvedScenario().
    QList<BrowserAttempt> attempts;  ///< One per repeat.
    QList<ObservedRequest> requests; ///< What the servers received for this case, in order.
    int preflightCount() const;      ///< OPTIONS requests received.
    int actualCount() const;         ///< Non-OPTIONS requests received.
    bool completed = false;          ///< The page reported this case.
};

/// Runs all \a cases in one browser session and returns one observation per case (same order).
/// Returns false with \a error set when a case is invalid, the browser could not run, or the page
/// did not finish within \a timeoutMs; \a out then still holds what was observed so far.
/// Needs a QCoreApplication; spins a local event loop.
bool runInBrowser(BrowserRunner &runner, const QList<BrowserCase> &cases,
                  QList<BrowserObservation> *out, QString *error, int timeoutMs = 120000);

/// The same on \a server, which the caller has started with the same \a cases and which is left
/// listening afterwards (with its request log), so that another client can replay the cases
/// against the very same servers (tst_check_agreement).
bool runInBrowser(BrowserRunner &runner, ScenarioServer &server, const QList<BrowserCase> &cases,
                  QList<BrowserObservation> *out, QString *error, int timeoutMs = 120000);

/// The observation as JSON, for logs and failure messages.
QJsonObject observationToJson(const BrowserObservation &observation);
