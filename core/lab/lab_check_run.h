#pragma once

#include "check/check_runner.h"

#include <QObject>
#include <QPointer>

namespace corslab::lab {

class Lab;

/// \brief Check jobs the app runs on the real wire (the composer's "Check in all browsers", a
/// contract run): each job's exchanges go into the Lab's session, where the views show them.
class LabCheckRun : public QObject
{
    Q_OBJECT

public:
    LabCheckRun(Lab *lab, const check::CheckRunner::Options &options);

    void start(QList<check::CheckJob> jobs);
    /// Stops sending; what finished stays in the session. finished() follows.
    void cancel();
    bool running() const;
    const QList<check::CheckResult> &results() const { return m_runner.results(); }
    /// Where job \a index's exchanges start in the session; -1 before they are appended.
    qsizetype firstIndexOf(int index) const { return m_firstIndex.value(index, -1); }

Q_SIGNALS:
    /// Job \a index ended; its exchanges are in the session from \a firstIndex on.
    void resultReady(int index, const corslab::check::CheckResult &result, qsizetype firstIndex);
    void progress(int done, int total);
    /// Every job ended (or the run was cancelled) and every exchange is in the session.
    void finished();

private:
    void onResult(int index, const check::CheckResult &result);
    void finishWhenAppended();

    QPointer<Lab> m_lab;
    check::CheckRunner m_runner;
    QList<qsizetype> m_firstIndex;
    int m_pendingAppends = 0;
    bool m_runnerDone = false;
};

} // namespace corslab::lab
