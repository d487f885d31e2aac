#pragma once

#include "proxy/override_rules.h"

#include <QObject>
#include <QString>

namespace corslab::attach {

/// \brief "Apply in browser": the proxy's override rules kept and installed inside an attached
/// browser, by the protocol's own means (FetchOverrides: Chromium's Fetch domain; BidiOverrides:
/// Firefox's network interception). This part keeps the rules and their edits; a subclass
/// installs them.
class RuleInstaller : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /// Replaces the rules and installs them (where the browser can take them now); the next
    /// request uses them.
    void setRules(const proxy::OverrideSet &rules);
    const proxy::OverrideSet &rules() const { return m_rules; }
    /// Removes rules()[\a index]; false when there is no such rule.
    bool removeRule(qsizetype index);
    void clearRules() { setRules(proxy::OverrideSet{}); }

Q_SIGNALS:
    void rulesChanged();
    /// The rules in force reached the browser (it answered every command that installs them).
    void rulesApplied();
    /// Something the user should know: a change the browser refused, a target left unchanged.
    void message(const QString &text);

protected:
    /// The rules changed: install rules() in the browser.
    virtual void install() = 0;
    /// Drops the rules without sending anything (the browser dropped them with its connection
    /// or session); rulesChanged() when there were some.
    void forgetRules();

private:
    proxy::OverrideSet m_rules;
};

} // namespace corslab::attach
