#pragma once

#include "browser_case.h"
#include "browser_harness.h"
#include "browser_runner.h"
#include "cors/browser_profile.h"
#include "cors/scenario.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

/// One field on which the engine and a real browser disagree for one case.
struct AgreementMismatch
{
    QString id;
    QString field;
    QString engine;
    QString browser;
};

/// What comparing one case gave.
struct CaseComparison
{
    /// Set when the case could not be compared at all (the page did not report it, no attempt,
    /// the engine cannot read the scenario); mismatches and report are then empty.
    QString error;
    QList<AgreementMismatch> mismatches;
    /// The failure message when there are mismatches: every mismatch, the engine's verdict, the
    /// browser's attempts and the requests the servers saw. Empty when the two agree.
    QString report;
};

/// \brief The shared part of the engine-vs-real-browser agreement tests (tst_browser_chromium,
/// tst_browser_firefox).
///
/// run() plays every case in ONE session of a real browser (runInBrowser()) while keeping track of
/// the browser's processes: the browser is started with a private TMPDIR, and the sessions and
/// process groups of the processes carrying it are sampled during the run. Whatever of that run is
/// still alive a grace period after the runner stopped is listed in leftovers() and killed (by
/// pid). compare() then evaluates each case with the engine under the given profile and checks,
/// case by case: preflight or not, exposed or blocked (and the response type) for every attempt,
/// readable response headers, the preflight's Access-Control-Request-* headers, and preflight
/// caching across repeated fetches.
///
/// Free of QtTest: the tests turn the results into QVERIFY/QFAIL themselves.
class AgreementCheck
{
public:
    explicit AgreementCheck(const corslab::cors::BrowserProfile &profile);

    void setCases(const QList<BrowserCase> &cases);
    const QList<BrowserCase> &cases() const { return m_cases; }

    /// Lists (qInfo) browser processes of \a runner's kind already running, which are left alone.
    static void reportForeignBrowsers(const BrowserRunner &runner);

    /// Runs all cases in \a runner (one browser session), stops it and ends what the run left
    /// behind. Returns false when runInBrowser() failed or could not be set up (see runError());
    /// the observations gathered so far are kept either way. With \a server (started with the
    /// same cases) the page runs against it and it stays listening afterwards.
    bool run(BrowserRunner &runner, int timeoutMs, ScenarioServer *server = nullptr);

    QString runError() const { return m_runError; }
    qint64 elapsedMs() const { return m_elapsedMs; }
    int completedCount() const { return m_completed; }
    /// Browser processes of the run that outlived BrowserRunner::stop() plus the grace period
    /// (they have been killed); empty when there were none.
    QString leftovers() const { return m_leftovers; }
    bool hasObservations() const { return !m_observations.isEmpty(); }
    /// What the browser did for case \a id (not completed when the page did not report it).
    BrowserObservation observation(const QString &id) const { return m_observations.value(id); }

    /// Case \a id as the servers really answered it, for the engine; nullopt with \a error set
    /// when the page did not report the case or the engine cannot read it.
    std::optional<corslab::cors::Scenario> engineScenario(const QString &id, QString *error) const;

    /// Compares case \a id with the engine's verdict and remembers its mismatches for summary().
    CaseComparison compare(const QString &id);

    /// Every mismatch recorded so far.
    const QList<AgreementMismatch> &mismatches() const { return m_mismatches; }
    /// The closing log line: agreement on all cases, or one line per mismatch.
    void logSummary() const;

private:
    QString mismatchLine(const AgreementMismatch &mismatch) const;

    const corslab::cors::BrowserProfile &m_profile;
    QString m_browserName; ///< BrowserRunner::name() of the run; labels what the browser did.
    QList<BrowserCase> m_cases;
    QHash<QString, int> m_repeat;
    QHash<QString, QString> m_rule;
    QHash<QString, BrowserObservation> m_observations;
    QString m_runError;
    QString m_leftovers;
    qint64 m_elapsedMs = 0;
    int m_completed = 0;
    QList<AgreementMismatch> m_mismatches;
    QMap<QString, int> m_comparedFields; ///< comparisons made per field, for logSummary()
};
