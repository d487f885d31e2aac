#include "attach_dialog.h"

#include "attach/browser_endpoint.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace corslab::ui {

AttachDialog::AttachDialog(lab::BrowserAttach &attach, QWidget *parent)
    : QDialog(parent), m_attach(attach), m_running(new QListWidget(this)),
      m_port(new QSpinBox(this)), m_status(new QLabel(this)),
      m_attachButton(new QPushButton(tr("&Attach"), this)),
      m_launchButton(new QPushButton(tr("&Start with remote debugging:"), this)),
      m_browserChoice(new QComboBox(this))
{
    setWindowTitle(tr("Attach to Chrome / Edge / Firefox"));
    auto *intro = new QLabel(
        tr("Capture the browser you already use, with your own tabs and logins: no proxy, no "
           "certificate. CORS Lab reads every request through the browser's debugging port (the "
           "DevTools protocol of Chrome, Chromium and Edge; WebDriver BiDi for Firefox), and "
           "shows the browser's own CORS verdict beside its own."),
        this);
    intro->setWordWrap(true);
    m_port->setRange(1, 65535);
    m_port->setValue(attach::kDefaultDevToolsPort);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *lookAgain = new QPushButton(tr("&Look again"), this);
    auto *security = new QLabel(
        tr("<small>Remote debugging lets any program on this computer read and control that "
           "browser while it runs. CORS Lab starts it with a profile of its own (%1), not your "
           "everyday one; close that browser when you are done.</small>")
            .arg(lab::BrowserAttach::debugProfileDirectory().toHtmlEscaped()),
        this);
    security->setWordWrap(true);
    for (const QString &binary : lab::BrowserAttach::installedBrowsers())
        m_browserChoice->addItem(QFileInfo(binary).fileName(), binary);
    m_launchButton->setEnabled(m_browserChoice->count() > 0);
    m_browserChoice->setEnabled(m_browserChoice->count() > 0);
    if (!m_launchButton->isEnabled())
        m_launchButton->setToolTip(tr("No Chrome, Chromium, Edge or Firefox found on the PATH"));

    auto *form = new QFormLayout;
    form->addRow(tr("Debugging &port:"), m_port);
    auto *launch = new QHBoxLayout;
    launch->addWidget(m_launchButton);
    launch->addWidget(m_browserChoice);
    launch->addStretch();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(m_attachButton, QDialogButtonBox::AcceptRole);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(new QLabel(tr("Browsers running with remote debugging:"), this));
    layout->addWidget(m_running);
    layout->addWidget(lookAgain, 0, Qt::AlignLeft);
    layout->addLayout(form);
    layout->addLayout(launch);
    layout->addWidget(security);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(lookAgain, &QPushButton::clicked, this, &AttachDialog::lookForBrowsers);
    connect(m_attachButton, &QPushButton::clicked, this, &AttachDialog::attachToChoice);
    connect(m_launchButton, &QPushButton::clicked, this, &AttachDialog::launchBrowser);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_running, &QListWidget::itemDoubleClicked, this, &AttachDialog::attachToChoice);
    connect(m_running, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_found.size())
            m_port->setValue(m_found.at(row).port);
    });
    connect(&m_attach, &lab::BrowserAttach::runningBrowsersFound, this,
            &AttachDialog::showBrowsers);
    connect(&m_attach, &lab::BrowserAttach::stateChanged, this, &AttachDialog::onStateChanged);
    connect(&m_attach, &lab::BrowserAttach::failed, this,
            [this](const QString &reason) { m_status->setText(reason); });
    lookForBrowsers();
}

void AttachDialog::lookForBrowsers()
{
    m_running->clear();
    m_running->addItem(tr("Looking…"));
    m_running->setEnabled(false);
    m_attach.findRunningBrowsers();
}

void AttachDialog::showBrowsers(const QList<lab::RunningBrowser> &browsers)
{
    m_found = browsers;
    m_running->clear();
    m_running->setEnabled(!browsers.isEmpty());
    if (browsers.isEmpty()) {
        m_running->addItem(tr("None found on ports %1–%2: give the port below, or start your "
                              "browser with remote debugging.")
                               .arg(lab::BrowserAttach::usualPorts().constFirst())
                               .arg(lab::BrowserAttach::usualPorts().constLast()));
        return;
    }
    for (const lab::RunningBrowser &b : browsers)
        m_running->addItem(tr("%1 on port %2").arg(b.product, QString::number(b.port)));
    m_running->setCurrentRow(0);
}

void AttachDialog::attachToChoice()
{
    m_status->setText(tr("Attaching…"));
    const int row = m_running->currentRow();
    if (m_running->isEnabled() && row >= 0 && row < m_found.size() &&
        m_found.at(row).port == m_port->value())
        m_attach.attachTo(m_found.at(row).endpoint);
    else
        m_attach.attachToPort(quint16(m_port->value()));
}

void AttachDialog::launchBrowser()
{
    QString error;
    const QString binary = m_browserChoice->currentData().toString();
    if (!m_attach.launchDebuggableBrowser(binary, quint16(m_port->value()), &error)) {
        m_status->setText(error);
        return;
    }
    m_status->setText(
        tr("Starting the browser with remote debugging on port %1…").arg(m_port->value()));
}

void AttachDialog::onStateChanged()
{
    m_attachButton->setEnabled(!m_attach.isBusy());
    m_launchButton->setEnabled(!m_attach.isBusy() && m_browserChoice->count() > 0);
    if (m_attach.isAttached())
        accept();
}

} // namespace corslab::ui
