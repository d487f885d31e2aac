#pragma once

#include "lab/browser_attach.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace corslab::ui {

/// \brief The "Attached browser" dock: which browser CORS Lab is attached to, attach and detach,
/// and the fixes applied in it ("Apply in browser": Chromium's Fetch domain, Firefox's WebDriver
/// BiDi network interception), each removable.
class AttachPanel : public QWidget
{
    Q_OBJECT

public:
    explicit AttachPanel(lab::BrowserAttach &attach, QWidget *parent = nullptr);

    QListWidget *rulesList() const { return m_rules; }
    QLabel *stateLabel() const { return m_state; }

Q_SIGNALS:
    void attachRequested();

private:
    void updateState();
    void updateRules();

    lab::BrowserAttach &m_attach;
    QLabel *m_state;
    QPushButton *m_attachButton;
    QPushButton *m_detachButton;
    QListWidget *m_rules;
    QPushButton *m_remove;
    QPushButton *m_removeAll;
};

} // namespace corslab::ui
