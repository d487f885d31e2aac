#pragma once

#include "tour/classic_scenarios.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace corslab::ui {

/// \brief The guided tour (dock): the classic scenarios, the lesson of the selected one, Run, and
/// "Restore my policy". Running is the main window's (it owns the TourRunner); this panel only
/// asks and shows.
class TourPanel : public QWidget
{
    Q_OBJECT

public:
    explicit TourPanel(QWidget *parent = nullptr);

    /// Selects scenario \a id in the list (its lesson shows).
    void select(const QString &id);
    QString selectedId() const;
    /// While a scenario runs, Run is disabled and the status says which step is on.
    void setRunning(const QString &id, const QString &status);
    /// The result line under the lesson ("✓ done: the side-by-side view shows step 2").
    void setResult(const QString &text);
    void setCanRestore(bool canRestore);
    QListWidget *list() const { return m_list; }

Q_SIGNALS:
    void runRequested(const QString &id);
    void restorePolicyRequested();

private:
    void showLesson();

    QList<tour::ClassicScenario> m_scenarios;
    QListWidget *m_list = nullptr;
    QLabel *m_lesson = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_restore = nullptr;
    bool m_running = false;
};

} // namespace corslab::ui
