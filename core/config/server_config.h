#pragma once

#include "policy/cors_policy.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace corslab::config {

/// The servers and frameworks a playground policy can be written for.
enum class ServerKind { Nginx, Apache, Express, AspNetCore, Spring, Django, Flask, Go };

/// One entry of serverTargets(): the name the CLI takes and the name people know it by.
struct ServerTarget
{
    ServerKind kind;
    QString name;        ///< e.g. "nginx", "express", "aspnetcore" (the CLI's --for value)
    QString displayName; ///< e.g. "Express (cors package)"
};

/// Every target, in menu order.
QList<ServerTarget> serverTargets();
/// The target called \a name (case-insensitive), or nullopt.
std::optional<ServerKind> serverKindNamed(const QString &name);
/// The names of serverTargets(), for usage and error messages.
QStringList serverTargetNames();

/// \brief A configuration snippet that makes a real server answer like the playground policy.
///
/// `text` is meant to be pasted as is; it says in a comment where it goes. `notes` has one
/// sentence per difference the framework cannot avoid (e.g. it answers every preflight with 200,
/// or echoes the request headers where the policy sends `*`): the snippet is the closest
/// configuration that is correct, and the notes say what still differs.
struct GeneratedConfig
{
    QString target;   ///< the ServerTarget name, e.g. "nginx"
    QString language; ///< for highlighting: "nginx", "apache", "javascript", "csharp", "java",
                      ///< "python", "go"
    QString text;
    QStringList notes;
};

/// Writes \a policy for \a kind. The placeholders of the allowlist (`{app}`, `{api}`, `{evil}`)
/// are replaced with \a origins; the origin pattern is used as written, with the framework's own
/// regular-expression syntax, and no anchor is added (as the playground does).
GeneratedConfig generateServerConfig(const policy::CorsPolicy &policy,
                                     const policy::DemoOrigins &origins, ServerKind kind);

} // namespace corslab::config
