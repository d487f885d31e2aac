#include "rule_installer.h"

#include "browser_overrides.h"

namespace corslab::attach {

void RuleInstaller::setRules(const proxy::OverrideSet &rules)
{
    m_rules = rules;
    install();
    Q_EMIT rulesChanged();
}

bool RuleInstaller::removeRule(qsizetype index)
{
    const std::optional<proxy::OverrideSet> rest = withoutRule(m_rules, index);
    if (!rest)
        return false;
    setRules(*rest);
    return true;
}

void RuleInstaller::forgetRules()
{
    const bool hadRules = !m_rules.rules().isEmpty();
    m_rules = {};
    if (hadRules)
        Q_EMIT rulesChanged();
}

} // namespace corslab::attach
