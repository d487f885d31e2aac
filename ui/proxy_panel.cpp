#include "proxy_panel.h"

#include "proxy/override_store.h"
#include "scrolling_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace corslab::ui {

using Mode = proxy::ProxyOptions::Mode;

namespace {

const QString kRulesPlaceholder =
    QStringLiteral("{\"rules\": [\n"
                   "  {\"name\": \"CORS for my front end\",\n"
                   "   \"host\": \"api.example.com\", \"path\": \"/v1/*\",\n"
                   "   \"policy\": \"Credentialed allowlist\",\n"
                   "   \"answer_preflights\": true}\n"
                   "]}");

QLabel *makeWrappingLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString rulesCount(qsizetype count)
{
    return count == 1 ? QObject::tr("1 rule") : QObject::tr("%1 rules").arg(count);
}

} // namespace

ProxyPanel::ProxyPanel(std::shared_ptr<proxy::OverrideStore> overrides, QWidget *parent)
    : QWidget(parent), m_overrides(std::move(overrides))
{
    QWidget *content = addScrollingContent(this);
    auto *layout = new QVBoxLayout(content);

    auto *stateRow = new QHBoxLayout;
    m_startStop = new QPushButton(content);
    m_startStop->setObjectName(QStringLiteral("startStop"));
    m_state = makeWrappingLabel(QStringLiteral("proxyState"), content);
    stateRow->addWidget(m_startStop);
    stateRow->addWidget(m_state, 1);
    layout->addLayout(stateRow);

    m_settingsForm = new QWidget(content);
    auto *form = new QFormLayout(m_settingsForm);
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_port = new QSpinBox(m_settingsForm);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    form->addRow(tr("Port"), m_port);
    m_mode = new QComboBox(m_settingsForm);
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItem(tr("forward (browser uses the proxy)"), int(Mode::Forward));
    m_mode->addItem(tr("reverse (in front of one API)"), int(Mode::Reverse));
    form->addRow(tr("Mode"), m_mode);
    m_reverseTarget = new QLineEdit(m_settingsForm);
    m_reverseTarget->setObjectName(QStringLiteral("reverseTarget"));
    m_reverseTarget->setPlaceholderText(QStringLiteral("https://api.example.com"));
    m_reverseTarget->setToolTip(tr("The API the reverse proxy stands in front of: an absolute "
                                   "http:// or https:// URL."));
    form->addRow(tr("Target"), m_reverseTarget);
    m_settingsError = makeWrappingLabel(QStringLiteral("settingsError"), m_settingsForm);
    m_settingsError->hide();
    form->addRow(m_settingsError);
    m_interceptTls = new QCheckBox(tr("HTTPS interception"), m_settingsForm);
    m_interceptTls->setObjectName(QStringLiteral("interceptTls"));
    m_interceptTls->setToolTip(tr("Decrypt HTTPS with certificates from CORS Lab's local CA, so "
                                  "requests inside CONNECT tunnels are captured. Browsers "
                                  "launched by CORS Lab trust the CA; for others, export it."));
    form->addRow(m_interceptTls);
    layout->addWidget(m_settingsForm);

    m_exportCa = new QPushButton(tr("Export CA certificate…"), content);
    m_exportCa->setObjectName(QStringLiteral("exportCa"));
    layout->addWidget(m_exportCa, 0, Qt::AlignLeft);

    m_rulesBox = new QGroupBox(content);
    m_rulesBox->setObjectName(QStringLiteral("rulesBox"));
    auto *rulesLayout = new QVBoxLayout(m_rulesBox);
    m_rulesEditor = new QPlainTextEdit(m_rulesBox);
    m_rulesEditor->setObjectName(QStringLiteral("rulesEditor"));
    m_rulesEditor->setPlaceholderText(kRulesPlaceholder);
    m_rulesEditor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_rulesEditor->setTabChangesFocus(true);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_rulesEditor->setFont(mono);
    m_rulesEditor->setToolTip(tr("A rules file (docs/proxy-rules.md): the first enabled rule "
                                 "matching host, path and method edits the response. Empty: no "
                                 "rules."));
    rulesLayout->addWidget(m_rulesEditor, 1);
    m_rulesStatus = makeWrappingLabel(QStringLiteral("rulesStatus"), m_rulesBox);
    rulesLayout->addWidget(m_rulesStatus);
    m_applyRules = new QPushButton(tr("Apply rules"), m_rulesBox);
    m_applyRules->setObjectName(QStringLiteral("applyRules"));
    rulesLayout->addWidget(m_applyRules, 0, Qt::AlignLeft);
    layout->addWidget(m_rulesBox, 1);

    auto *help = new QGroupBox(tr("Inspect my own app"), content);
    auto *helpLayout = new QVBoxLayout(help);
    m_instructions = makeWrappingLabel(QStringLiteral("instructions"), help);
    helpLayout->addWidget(m_instructions);
    layout->addWidget(help);

    connect(m_startStop, &QPushButton::clicked, this, &ProxyPanel::onStartStop);
    connect(m_exportCa, &QPushButton::clicked, this, &ProxyPanel::exportCaRequested);
    connect(m_port, &QSpinBox::valueChanged, this, &ProxyPanel::updateInstructions);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &ProxyPanel::validateSettings);
    connect(m_reverseTarget, &QLineEdit::textChanged, this, &ProxyPanel::validateSettings);
    connect(m_rulesEditor, &QPlainTextEdit::textChanged, this, &ProxyPanel::validateRules);
    connect(m_applyRules, &QPushButton::clicked, this, &ProxyPanel::applyRules);

    if (m_overrides) {
        const std::shared_ptr<const proxy::OverrideSet> inForce = m_overrides->current();
        if (!inForce->rules().isEmpty())
            showRulesInEditor(*inForce);
    } else {
        m_rulesBox->setEnabled(false);
    }
    setSettings({});
    setState(false, {}, {});
    validateRules();
}

lab::ProxySettings ProxyPanel::settings() const
{
    lab::ProxySettings s;
    s.port = quint16(m_port->value());
    s.mode = Mode(m_mode->currentData().toInt());
    const QString target = m_reverseTarget->text().trimmed();
    s.reverseTarget = target.isEmpty() ? QUrl() : QUrl(target, QUrl::StrictMode);
    s.interceptTls = m_interceptTls->isChecked();
    return s;
}

void ProxyPanel::setSettings(const lab::ProxySettings &s)
{
    m_port->setValue(s.port);
    m_mode->setCurrentIndex(m_mode->findData(int(s.mode)));
    m_reverseTarget->setText(s.reverseTarget.toString());
    m_interceptTls->setChecked(s.interceptTls);
    validateSettings();
}

QString ProxyPanel::settingsError() const
{
    if (Mode(m_mode->currentData().toInt()) != Mode::Reverse)
        return {};
    const QString text = m_reverseTarget->text().trimmed();
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty() || !url.userInfo().isEmpty())
        return tr("reverse target: expected an absolute http:// or https:// URL such as "
                  "https://api.example.com, got \"%1\"")
            .arg(text);
    return {};
}

void ProxyPanel::validateSettings()
{
    m_reverseTarget->setEnabled(Mode(m_mode->currentData().toInt()) == Mode::Reverse);
    const QString error = settingsError();
    m_settingsError->setText(error.isEmpty() ? QString() : QStringLiteral("✗ ") + error);
    m_settingsError->setVisible(!error.isEmpty());
    // Starting is refused while the settings are wrong; stopping never is.
    m_startStop->setEnabled(m_running || error.isEmpty());
    updateInstructions();
}

void ProxyPanel::setState(bool running, const QString &address, const QString &error)
{
    m_running = running;
    m_address = running ? address : QString();
    m_startStop->setText(running ? tr("■ Stop proxy") : tr("▶ Start proxy"));
    if (running)
        m_state->setText(tr("● Running on %1").arg(address));
    else if (!error.isEmpty())
        m_state->setText(tr("✗ Not running: %1").arg(error));
    else
        m_state->setText(tr("○ Stopped"));
    // The settings are those of the running proxy: stop it to change them.
    m_settingsForm->setEnabled(!running);
    m_settingsForm->setToolTip(running ? tr("Stop the proxy to change its settings.") : QString());
    validateSettings();
}

void ProxyPanel::onStartStop()
{
    if (m_running) {
        Q_EMIT stopRequested();
        return;
    }
    validateSettings();
    if (settingsError().isEmpty())
        Q_EMIT startRequested(settings());
}

void ProxyPanel::validateRules()
{
    if (!m_overrides) {
        m_rulesBox->setTitle(tr("Rules"));
        m_rulesStatus->setText(tr("Override rules are not available."));
        m_applyRules->setEnabled(false);
        return;
    }
    const std::shared_ptr<const proxy::OverrideSet> inForce = m_overrides->current();
    m_rulesBox->setTitle(tr("Rules (%1)").arg(inForce->rules().size()));
    const QByteArray text = m_rulesEditor->toPlainText().toUtf8();
    proxy::OverrideSet parsed;
    QString error;
    // An empty editor is "no rules", not a JSON error.
    const bool valid = text.trimmed().isEmpty() ||
                       proxy::OverrideSet::fromJson(text, &parsed, &error, m_overrides->origins());
    if (!valid) {
        m_pendingRules.reset();
        m_rulesStatus->setText(tr("✗ %1\nThe rules in force (%2) are unchanged.")
                                   .arg(error, rulesCount(inForce->rules().size())));
        m_applyRules->setEnabled(false);
        return;
    }
    if (parsed.rules() == inForce->rules()) {
        m_pendingRules.reset();
        m_rulesStatus->setText(tr("✓ %1 in force.").arg(rulesCount(inForce->rules().size())));
        m_applyRules->setEnabled(false);
        return;
    }
    m_pendingRules = parsed;
    m_rulesStatus->setText(
        tr("✓ Valid: %1, not applied yet (the proxy still uses %2).")
            .arg(rulesCount(parsed.rules().size()), rulesCount(inForce->rules().size())));
    m_applyRules->setEnabled(true);
}

void ProxyPanel::applyRules()
{
    if (!m_overrides || !m_pendingRules)
        return;
    m_overrides->set(*m_pendingRules);
    validateRules();
}

bool ProxyPanel::addRule(const proxy::OverrideRule &rule, QString *error)
{
    if (!m_overrides) {
        if (error)
            *error = tr("override rules are not available");
        return false;
    }
    QList<proxy::OverrideRule> rules = m_overrides->current()->rules();
    rules.append(rule);
    proxy::OverrideSet set;
    QString why;
    if (!proxy::OverrideSet::fromRules(rules, m_overrides->origins(), &set, &why)) {
        m_rulesStatus->setText(tr("✗ The rule was not added: %1").arg(why));
        if (error)
            *error = why;
        return false;
    }
    m_overrides->set(set);
    showRulesInEditor(set); // revalidates: the editor now equals the rules in force
    return true;
}

void ProxyPanel::showRulesInEditor(const proxy::OverrideSet &rules)
{
    m_rulesEditor->setPlainText(QString::fromUtf8(rules.toJson().toJson(QJsonDocument::Indented)));
}

void ProxyPanel::updateInstructions()
{
    const QString address = !m_address.isEmpty()
                                ? m_address
                                : QStringLiteral("127.0.0.1:%1")
                                      .arg(m_port->value() == 0 ? QStringLiteral("PORT")
                                                                : QString::number(m_port->value()));
    const QString target = m_reverseTarget->text().trimmed().isEmpty()
                               ? tr("the API's URL")
                               : m_reverseTarget->text().trimmed();
    m_instructions->setText(
        tr("Forward mode: the \"Open browser\" button launches Chromium already using the proxy. "
           "To use your own browser, start it with the proxy, e.g.\n"
           "  chromium --proxy-server=http://%1 --proxy-bypass-list='<-loopback>' "
           "--user-data-dir=/tmp/corslab-chromium\n"
           "(without <-loopback> Chromium sends localhost past the proxy). In Firefox: Settings → "
           "Network Settings → Manual proxy configuration, HTTP proxy %1, \"Also use this proxy "
           "for HTTPS\", and network.proxy.allow_hijacking_localhost = true in about:config for "
           "localhost. For HTTPS, turn on interception and trust the exported CA certificate in "
           "that browser.\n\n"
           "Reverse mode: set the target to your API, start the proxy, and point your app at "
           "http://%1 instead of %2. No browser set-up is needed.")
            .arg(address, target));
}

} // namespace corslab::ui
