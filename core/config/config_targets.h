#pragma once

#include "policy_facts.h"
#include "server_config.h"

#include <QList>

// The targets' generators and the one table that lists them: a new target is a file with its
// generator, a declaration here, and a row in targetTable() (config_targets.cpp).
namespace corslab::config {

/// What a generator returns: the snippet and the notes (the table adds the target's names).
struct Snippet
{
    QString text;
    QStringList notes;
};

using Generator = Snippet (*)(const PolicyFacts &facts);

struct TargetEntry
{
    ServerTarget target;
    QString language; ///< GeneratedConfig::language
    Generator generate;
};

/// Every target, in menu order.
const QList<TargetEntry> &targetTable();

Snippet nginxConfig(const PolicyFacts &facts);      // nginx_config.cpp
Snippet apacheConfig(const PolicyFacts &facts);     // apache_config.cpp
Snippet expressConfig(const PolicyFacts &facts);    // express_config.cpp
Snippet aspNetCoreConfig(const PolicyFacts &facts); // aspnetcore_config.cpp
Snippet springConfig(const PolicyFacts &facts);     // spring_config.cpp
Snippet djangoConfig(const PolicyFacts &facts);     // django_config.cpp
Snippet flaskConfig(const PolicyFacts &facts);      // flask_config.cpp
Snippet goConfig(const PolicyFacts &facts);         // go_config.cpp

} // namespace corslab::config
