#pragma once

#include "audit_findings_model.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace corslab::ui {

class FixLinesPanel;

/// \brief What the Audit panel shows for the selected finding: its class and severity, why it
/// holds (the audit's explanation), where (origin, credentials, browsers, what it exposes), its
/// evidence exchanges as links into the session, and what to change; under it the allowlist
/// fix that closes every finding, with Copy and "Server configuration…".
///
/// The evidence itself is shown side by side by the main window's pair view: a link (and
/// selecting the finding) asks for it with exchangeSelected().
class AuditFindingView : public QWidget
{
    Q_OBJECT

public:
    explicit AuditFindingView(QWidget *parent = nullptr);

    /// Shows \a row's finding, and \a fix, the allowlist every finding of the audit shares.
    void showFinding(const AuditFindingsModel::Row &row, const audit::AuditFix &fix);
    void clear();

    /// "HIGH — Any origin is trusted".
    QString headline() const;
    /// The fix's header lines as shown in the box.
    QString fixText() const;

    /// Why, where, the evidence links and what to change.
    QTextBrowser *body() const { return m_body; }
    QPushButton *serverConfigButton() const { return m_serverConfig; }

Q_SIGNALS:
    /// An evidence link was followed: show session index \a index.
    void exchangeSelected(qsizetype index);
    /// "Server configuration…": the fix written for a real server.
    void serverConfigRequested();

private:
    static QString bodyHtml(const AuditFindingsModel::Row &row);
    void followLink(const QUrl &url);

    QLabel *m_headline = nullptr;
    QTextBrowser *m_body = nullptr;
    FixLinesPanel *m_fixPanel = nullptr;
    QPushButton *m_serverConfig = nullptr;
};

} // namespace corslab::ui
