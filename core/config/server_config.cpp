#include "server_config.h"

#include "config_targets.h"
#include "policy_facts.h"

// Each target's generator (nginx_config.cpp, ...) writes the closest configuration its framework
// can express. What the framework does on its own was read from its source (cors 2.8.5,
// flask-cors 3.0.10, django-cors-headers 3.14, rs/cors 1.7) or its reference documentation
// (ASP.NET Core CorsPolicyBuilder, Spring CorsConfiguration); the notes name every difference
// left, so a user knows what to check.

namespace corslab::config {

QList<ServerTarget> serverTargets()
{
    QList<ServerTarget> out;
    for (const TargetEntry &entry : targetTable())
        out << entry.target;
    return out;
}

std::optional<ServerKind> serverKindNamed(const QString &name)
{
    for (const TargetEntry &entry : targetTable()) {
        if (entry.target.name.compare(name, Qt::CaseInsensitive) == 0)
            return entry.target.kind;
    }
    return std::nullopt;
}

QStringList serverTargetNames()
{
    QStringList names;
    for (const TargetEntry &entry : targetTable())
        names << entry.target.name;
    return names;
}

GeneratedConfig generateServerConfig(const policy::CorsPolicy &policy,
                                     const policy::DemoOrigins &origins, ServerKind kind)
{
    for (const TargetEntry &entry : targetTable()) {
        if (entry.target.kind == kind) {
            Snippet snippet = entry.generate(PolicyFacts::of(policy, origins));
            return {entry.target.name, entry.language, std::move(snippet.text),
                    std::move(snippet.notes)};
        }
    }
    return {};
}

} // namespace corslab::config
