#include "attach_panel.h"

#include "report/browser_opinion.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace corslab::ui {

namespace {
// "rule 1: api.example.com /v1/* (set 3 headers; answers preflights)"
QString ruleLine(const proxy::OverrideRule &rule)
{
    return QStringLiteral("%1: %2 %3").arg(rule.name, rule.host, rule.path);
}
} // namespace

AttachPanel::AttachPanel(lab::BrowserAttach &attach, QWidget *parent)
    : QWidget(parent), m_attach(attach), m_state(new QLabel(this)),
      m_attachButton(new QPushButton(tr("Attach…"), this)),
      m_detachButton(new QPushButton(tr("Detach"), this)), m_rules(new QListWidget(this)),
      m_remove(new QPushButton(tr("Remove"), this)),
      m_removeAll(new QPushButton(tr("Remove all"), this))
{
    m_state->setWordWrap(true);
    m_rules->setAccessibleName(tr("Fixes applied in the browser"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_attachButton);
    buttons->addWidget(m_detachButton);
    buttons->addStretch();
    auto *ruleButtons = new QHBoxLayout;
    ruleButtons->addWidget(m_remove);
    ruleButtons->addWidget(m_removeAll);
    ruleButtons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    layout->addLayout(buttons);
    layout->addWidget(
        new QLabel(tr("Fixes applied in the browser (removed when detaching):"), this));
    layout->addWidget(m_rules, 1);
    layout->addLayout(ruleButtons);

    connect(m_attachButton, &QPushButton::clicked, this, &AttachPanel::attachRequested);
    connect(m_detachButton, &QPushButton::clicked, &m_attach, &lab::BrowserAttach::detach);
    connect(m_remove, &QPushButton::clicked, this,
            [this] { m_attach.removeOverride(m_rules->currentRow()); });
    connect(m_removeAll, &QPushButton::clicked, &m_attach, &lab::BrowserAttach::clearOverrides);
    connect(m_rules, &QListWidget::currentRowChanged, this,
            [this](int row) { m_remove->setEnabled(row >= 0); });
    connect(&m_attach, &lab::BrowserAttach::stateChanged, this, &AttachPanel::updateState);
    connect(&m_attach, &lab::BrowserAttach::overridesChanged, this, &AttachPanel::updateRules);
    updateState();
    updateRules();
}

void AttachPanel::updateState()
{
    if (m_attach.isAttached())
        m_state->setText(
            tr("Capturing %1 over %2: every tab, iframe and worker.")
                .arg(report::browserShortName(m_attach.product()), m_attach.protocolName()));
    else if (m_attach.isBusy())
        m_state->setText(tr("Attaching…"));
    else
        m_state->setText(tr("Not attached. Attach to a Chrome, Chromium, Edge or Firefox you run "
                            "to capture it without a proxy, with its own CORS verdicts."));
    m_attachButton->setEnabled(!m_attach.isAttached() && !m_attach.isBusy());
    m_detachButton->setEnabled(m_attach.isAttached());
}

void AttachPanel::updateRules()
{
    m_rules->clear();
    for (const proxy::OverrideRule &rule : m_attach.overrides())
        m_rules->addItem(ruleLine(rule));
    m_remove->setEnabled(false);
    m_removeAll->setEnabled(!m_attach.overrides().isEmpty());
}

} // namespace corslab::ui
