#pragma once

#include "policy/cors_policy.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace corslab::ui {

/// \brief "Server configuration": the playground policy (or a fix turned into one) written for a
/// real server or framework (nginx, Apache, Express, ASP.NET Core, Spring, Django, Flask, Go),
/// with a Copy button, so the user takes the fix straight to their server.
class ServerConfigDialog : public QDialog
{
    Q_OBJECT

public:
    /// \a what says where the policy came from ("the playground's policy", "the fix for #13").
    ServerConfigDialog(const policy::CorsPolicy &policy, const policy::DemoOrigins &origins,
                       const QString &what, QWidget *parent = nullptr);

    /// Shows the configuration for the target called \a name ("nginx", "express"...).
    void selectTarget(const QString &name);
    QString configText() const;
    QString notesText() const;

private:
    void regenerate();

    policy::CorsPolicy m_policy;
    policy::DemoOrigins m_origins;
    QComboBox *m_target = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QLabel *m_notes = nullptr;
};

} // namespace corslab::ui
