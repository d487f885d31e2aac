#pragma once

#include "lab/browser_attach.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace corslab::ui {

/// \brief Capture → Attach to Chrome / Edge / Firefox: pick a running browser found with its
/// debugging port open (DevTools or Firefox's WebDriver BiDi), give a port, or start one of the
/// installed browsers with remote debugging on (saying what that means for security). Closes
/// once attached; errors stay in the dialog.
class AttachDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AttachDialog(lab::BrowserAttach &attach, QWidget *parent = nullptr);

    QListWidget *runningList() const { return m_running; }
    QSpinBox *portField() const { return m_port; }
    QLabel *statusLabel() const { return m_status; }
    /// The installed browsers "Start … with remote debugging" can start (data: the executable).
    QComboBox *browserChoice() const { return m_browserChoice; }

private:
    void lookForBrowsers();
    void showBrowsers(const QList<lab::RunningBrowser> &browsers);
    void attachToChoice();
    void launchBrowser();
    void onStateChanged();

    lab::BrowserAttach &m_attach;
    QListWidget *m_running;
    QSpinBox *m_port;
    QLabel *m_status;
    QPushButton *m_attachButton;
    QPushButton *m_launchButton;
    QComboBox *m_browserChoice;
    QList<lab::RunningBrowser> m_found;
};

} // namespace corslab::ui
