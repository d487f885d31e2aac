#pragma once

#include "lab/lab.h"
#include "proxy/override_rules.h"

#include <QWidget>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace corslab::proxy {
class OverrideStore;
}

namespace corslab::ui {

/// \brief The intercepting proxy dock: its settings, start/stop, the CA export, the override
/// rules editor and how to point a browser or an app at the proxy.
///
/// The panel runs nothing itself: it emits startRequested(), stopRequested() and
/// exportCaRequested(), and the main window reports back with setState(). The override rules are
/// the exception: "Apply rules" replaces the rules of the OverrideStore given to the panel, which
/// the proxy reads on its next request.
///
/// The rules editor takes a rules file (docs/proxy-rules.md) and checks it as the user types;
/// an error (with its line and column for broken JSON) is shown and the rules in force stay
/// untouched until valid rules are applied. An empty editor means no rules.
class ProxyPanel : public QWidget
{
    Q_OBJECT

public:
    /// \a overrides are the live rules (shared with the proxy); null leaves the editor disabled.
    explicit ProxyPanel(std::shared_ptr<proxy::OverrideStore> overrides, QWidget *parent = nullptr);

    /// The settings as the fields say (a reverse target may be invalid: see settingsError()).
    lab::ProxySettings settings() const;
    void setSettings(const lab::ProxySettings &settings);
    /// Why the fields cannot start a proxy (naming the field), or empty.
    QString settingsError() const;

    /// What the proxy is doing: \a running at \a address ("127.0.0.1:8899"), or stopped, with
    /// \a error when it failed to start.
    void setState(bool running, const QString &address, const QString &error);
    bool isRunning() const { return m_running; }

    /// Appends \a rule to the rules in force and shows the result in the editor (which loses
    /// edits not applied yet). False, with the reason shown and \a error set, when the rule is
    /// invalid; the rules in force are then unchanged.
    bool addRule(const proxy::OverrideRule &rule, QString *error = nullptr);

Q_SIGNALS:
    void startRequested(const corslab::lab::ProxySettings &settings);
    void stopRequested();
    void exportCaRequested();

private:
    void onStartStop();
    void validateSettings();
    void validateRules();
    void applyRules();
    /// Puts \a rules in the editor as a rules file.
    void showRulesInEditor(const proxy::OverrideSet &rules);
    void showRulesInForce();
    void updateInstructions();

    std::shared_ptr<proxy::OverrideStore> m_overrides;
    bool m_running = false;
    QString m_address;
    /// The editor's rules when they are valid and not yet applied.
    std::optional<proxy::OverrideSet> m_pendingRules;

    QPushButton *m_startStop = nullptr;
    QLabel *m_state = nullptr;
    QWidget *m_settingsForm = nullptr;
    QSpinBox *m_port = nullptr;
    QComboBox *m_mode = nullptr;
    QLineEdit *m_reverseTarget = nullptr;
    QLabel *m_settingsError = nullptr;
    QCheckBox *m_interceptTls = nullptr;
    QPushButton *m_exportCa = nullptr;
    QGroupBox *m_rulesBox = nullptr;
    QPlainTextEdit *m_rulesEditor = nullptr;
    QLabel *m_rulesStatus = nullptr;
    QPushButton *m_applyRules = nullptr;
    QLabel *m_instructions = nullptr;
};

} // namespace corslab::ui
