#include "config_targets.h"

namespace corslab::config {

const QList<TargetEntry> &targetTable()
{
    static const QList<TargetEntry> table{
        {{ServerKind::Nginx, QStringLiteral("nginx"), QStringLiteral("nginx")},
         QStringLiteral("nginx"),
         nginxConfig},
        {{ServerKind::Apache, QStringLiteral("apache"), QStringLiteral("Apache httpd")},
         QStringLiteral("apache"),
         apacheConfig},
        {{ServerKind::Express, QStringLiteral("express"), QStringLiteral("Express (cors package)")},
         QStringLiteral("javascript"),
         expressConfig},
        {{ServerKind::AspNetCore, QStringLiteral("aspnetcore"), QStringLiteral("ASP.NET Core")},
         QStringLiteral("csharp"),
         aspNetCoreConfig},
        {{ServerKind::Spring, QStringLiteral("spring"), QStringLiteral("Spring")},
         QStringLiteral("java"),
         springConfig},
        {{ServerKind::Django, QStringLiteral("django"),
          QStringLiteral("Django (django-cors-headers)")},
         QStringLiteral("python"),
         djangoConfig},
        {{ServerKind::Flask, QStringLiteral("flask"), QStringLiteral("Flask (flask-cors)")},
         QStringLiteral("python"),
         flaskConfig},
        {{ServerKind::Go, QStringLiteral("go"), QStringLiteral("Go (rs/cors)")},
         QStringLiteral("go"),
         goConfig},
    };
    return table;
}

} // namespace corslab::config
