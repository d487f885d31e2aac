#pragma once

#include "check/check_runner.h"
#include "check/contract.h"
#include "check/contract_judge.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace corslab::lab {
class Lab;
class LabCheckRun;
} // namespace corslab::lab

namespace corslab::ui {

/// \brief File → Run contract…: a contract (JSON or YAML, docs/check.md) run on the real wire
/// with progress, a ✓/✗ row per case, and each case's exchanges in the session: selecting a row
/// shows its pair and explanation in the main window.
///
/// A malformed contract is refused under the form (file and field) and nothing is sent.
class ContractRunDialog : public QDialog
{
    Q_OBJECT

public:
    enum Column { Result, Case, Browser, Reasons, ColumnCount };

    explicit ContractRunDialog(lab::Lab *lab, QWidget *parent = nullptr);
    ~ContractRunDialog() override;

    /// Reads the contract at \a path and starts it (with \a baseUrl instead of the file's when
    /// it is not empty). False, with the error shown, when the contract is refused.
    bool run(const QString &path, const QString &baseUrl = {});
    bool running() const;

    QLineEdit *fileEdit() const { return m_file; }
    QLineEdit *baseUrlEdit() const { return m_baseUrl; }
    QTableWidget *resultsTable() const { return m_results; }
    QPushButton *runButton() const { return m_run; }
    QString statusText() const;

Q_SIGNALS:
    /// A case was selected: show the exchange at \a index (its last one) in the main window.
    void exchangeSelected(qsizetype index);
    /// Every case ended; \a passed of them passed.
    void finished(int passed, int failed);

private:
    void browse();
    void runFromForm();
    void cancel();
    void showResult(int index, const check::CheckResult &result, qsizetype firstIndex);
    void onFinished();
    void onSelectionChanged();
    void showStatus(const QString &text, bool alert);

    QPointer<lab::Lab> m_lab;
    QPointer<lab::LabCheckRun> m_checkRun;
    QList<check::ContractCase> m_cases;
    QList<qsizetype> m_lastExchange; ///< per case: its last exchange in the session, or -1
    int m_passed = 0;
    int m_failed = 0;
    QLineEdit *m_file = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QTableWidget *m_results = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace corslab::ui
