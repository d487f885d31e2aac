#pragma once

#include "audit/audit_finding.h"

#include <QPointer>
#include <QWidget>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace corslab::lab {
class Lab;
class LabAuditRun;
} // namespace corslab::lab

namespace corslab::ui {

class AuditFindingView;
class AuditFindingsModel;

/// \brief The Audit dock (Capture → Audit an API…): finds a real API's CORS misconfigurations
/// (docs/audit.md) from a URL and its trusted origins, with progress and Cancel, the findings
/// high severity first, and for the selected one why it is a flaw and the fix, with its server
/// configuration one click away.
///
/// The probes' exchanges go into the session like any capture: selecting a finding asks the
/// main window to show its evidence side by side (exchangeSelected()). Input the audit refuses
/// (no URL, a malformed origin) is named under the form and nothing is sent.
class AuditPanel : public QWidget
{
    Q_OBJECT

public:
    explicit AuditPanel(lab::Lab *lab, QWidget *parent = nullptr);
    ~AuditPanel() override;

    /// Starts the audit the form describes. False, with the reason shown, when it is refused.
    bool run();
    bool running() const;

    QLineEdit *urlEdit() const { return m_url; }
    QPlainTextEdit *trustedOriginsEdit() const { return m_trusted; }
    QCheckBox *credentialsBox() const { return m_credentials; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_progress; }
    QTableView *findingsView() const { return m_table; }
    AuditFindingsModel *findingsModel() const { return m_model; }
    AuditFindingView *findingView() const { return m_detail; }
    QString statusText() const;

Q_SIGNALS:
    /// Show the exchange at session index \a index (a finding's evidence).
    void exchangeSelected(qsizetype index);
    /// The audit ended with \a report (not sent when it was cancelled).
    void finished(const corslab::audit::AuditReport &report);

private:
    QWidget *buildForm();
    audit::AuditOptions optionsFromForm() const;
    void cancel();
    void setRunning(bool running);
    void onFinished(const audit::AuditReport &report);
    void onCancelled();
    void showFinding(int row);
    void showServerConfig();

    QPointer<lab::Lab> m_lab;
    QPointer<lab::LabAuditRun> m_auditRun;
    std::optional<audit::AuditReport> m_report; ///< the last audit shown
    QLineEdit *m_url = nullptr;
    QPlainTextEdit *m_trusted = nullptr;
    QCheckBox *m_credentials = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    AuditFindingsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    AuditFindingView *m_detail = nullptr;
};

} // namespace corslab::ui
