// nginx: add_header directives in a location, a map for the origins that depend on a list.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"

namespace corslab::config {

namespace {

QString nginxString(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString addHeader(const QString &name, const QString &value)
{
    return QStringLiteral("add_header %1 %2 always;").arg(name, value);
}

/// The http { } block for an allowlist or a pattern, empty for the other modes. A map, not an
/// if: add_header skips an empty value, so other origins get no header.
QString originMap(const PolicyFacts &f)
{
    if (f.origin != OriginMode::Allowlist && f.origin != OriginMode::Pattern)
        return {};
    QString map = QStringLiteral("map $http_origin $cors_allow_origin {\n    default \"\";\n");
    const QStringList keys =
        f.origin == OriginMode::Allowlist ? f.allowlist : QStringList{QLatin1Char('~') + f.pattern};
    for (const QString &key : keys)
        map += QStringLiteral("    %1 $http_origin;\n").arg(nginxString(key));
    return map + QStringLiteral("}\n");
}

/// The value of Access-Control-Allow-Origin; empty: no header.
QString originValue(OriginMode mode)
{
    switch (mode) {
    case OriginMode::None:
        return {};
    case OriginMode::Wildcard:
        return QStringLiteral("\"*\"");
    case OriginMode::Echo:
        return QStringLiteral("$http_origin");
    case OriginMode::Allowlist:
    case OriginMode::Pattern:
        return QStringLiteral("$cors_allow_origin"); // set by originMap()
    }
    return {};
}

/// A list header's value; \a requested is the variable of the request header it echoes.
QString listValue(const ListFacts &list, const QString &requested)
{
    switch (list.mode) {
    case ListMode::None:
        return {};
    case ListMode::List:
        return nginxString(list.names.join(QStringLiteral(", ")));
    case ListMode::Wildcard:
        return QStringLiteral("\"*\"");
    case ListMode::Echo:
        return requested;
    }
    return {};
}

QStringList everyResponseHeaders(const PolicyFacts &f)
{
    QStringList out;
    if (const QString origin = originValue(f.origin); !origin.isEmpty())
        out << addHeader(QStringLiteral("Access-Control-Allow-Origin"), origin);
    if (f.credentials)
        out << addHeader(QStringLiteral("Access-Control-Allow-Credentials"),
                         QStringLiteral("\"true\""));
    if (f.vary)
        out << addHeader(QStringLiteral("Vary"), QStringLiteral("\"Origin\""));
    return out;
}

QStringList extraHeaders(const PolicyFacts &f)
{
    QStringList out;
    for (const auto &[name, value] : f.extraHeaders)
        out << addHeader(name, nginxString(value));
    return out;
}

/// add_header inside "if" replaces the location's, so the preflight lists its own in full.
QStringList preflightHeaders(const PolicyFacts &f)
{
    QStringList out;
    if (f.answersPreflight()) {
        out << everyResponseHeaders(f);
        const QString methods =
            listValue(f.methods, QStringLiteral("$http_access_control_request_method"));
        if (!methods.isEmpty())
            out << addHeader(QStringLiteral("Access-Control-Allow-Methods"), methods);
        const QString headers =
            listValue(f.headers, QStringLiteral("$http_access_control_request_headers"));
        if (!headers.isEmpty())
            out << addHeader(QStringLiteral("Access-Control-Allow-Headers"), headers);
        if (f.maxAge != MaxAge::Unset)
            out << addHeader(QStringLiteral("Access-Control-Max-Age"),
                             nginxString(QString::number(f.maxAgeSeconds)));
    }
    return out << extraHeaders(f);
}

QStringList actualHeaders(const PolicyFacts &f)
{
    QStringList out = everyResponseHeaders(f);
    if (!f.expose.isEmpty())
        out << addHeader(QStringLiteral("Access-Control-Expose-Headers"),
                         nginxString(f.expose.join(QStringLiteral(", "))));
    return out << extraHeaders(f);
}

QString locationBlock(const PolicyFacts &f)
{
    QString text = QStringLiteral("location / {\n"
                                  "    # A CORS preflight is answered here and never passed on.\n"
                                  "    if ($request_method = OPTIONS) {\n");
    for (const QString &line : preflightHeaders(f))
        text += QStringLiteral("        ") + line + QLatin1Char('\n');
    text += QStringLiteral("        return %1;\n    }\n").arg(f.preflightStatus);
    for (const QString &line : actualHeaders(f))
        text += QStringLiteral("    ") + line + QLatin1Char('\n');
    return text + QStringLiteral("    # What this location serves, as before (root, proxy_pass, "
                                 "...).\n}\n");
}

} // namespace

Snippet nginxConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("#"));
    if (const QString map = originMap(f); !map.isEmpty())
        text += QStringLiteral("# Put the map in the http { } block and the location in your "
                               "server { } block.\n\n# --- http { } block ---\n") +
                map + QStringLiteral("\n# --- server { } block ---\n");
    else
        text += QStringLiteral("# Put the location in your server { } block.\n\n");
    text += locationBlock(f);

    QStringList notes{QStringLiteral(
        "nginx answers every OPTIONS request here as a preflight, also one without "
        "Access-Control-Request-Method (the playground treats those as ordinary requests).")};
    if (f.origin == OriginMode::Allowlist)
        notes << caseInsensitiveOriginsNote(QStringLiteral("nginx's map"));
    return {text, notes};
}

} // namespace corslab::config
