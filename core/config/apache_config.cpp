// Apache httpd 2.4: mod_headers for the headers, mod_setenvif to mark allowed origins,
// mod_rewrite to answer preflights before the application sees them.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"

namespace corslab::config {

namespace {

QString apacheString(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

// Conditions for the headers only one kind of response carries.
const auto kPreflightOnly = QStringLiteral("\"expr=%{REQUEST_METHOD} == 'OPTIONS'\"");
const auto kActualOnly = QStringLiteral("\"expr=%{REQUEST_METHOD} != 'OPTIONS'\"");

/// The regular expression SetEnvIf marks allowed origins with; empty when no origin is marked
/// (None: no header; Wildcard: the same header for everyone).
QString allowedOriginRegex(const PolicyFacts &f)
{
    switch (f.origin) {
    case OriginMode::None:
    case OriginMode::Wildcard:
        return {};
    case OriginMode::Echo:
        return QStringLiteral(".");
    case OriginMode::Allowlist:
        return alternationOf(f.allowlist);
    case OriginMode::Pattern:
        return f.pattern;
    }
    return {};
}

QString originLines(const PolicyFacts &f)
{
    if (f.origin == OriginMode::Wildcard)
        return QStringLiteral("Header always set Access-Control-Allow-Origin \"*\"\n");
    const QString regex = allowedOriginRegex(f);
    if (regex.isEmpty())
        return {};
    return QStringLiteral("SetEnvIf Origin %1 CORS_ORIGIN_ALLOWED\n"
                          "Header always set Access-Control-Allow-Origin \"expr=%{req:Origin}\" "
                          "env=CORS_ORIGIN_ALLOWED\n")
        .arg(apacheString(regex));
}

/// A list header's value; \a requestHeader is the request header it echoes.
QString listValue(const ListFacts &list, const QString &requestHeader)
{
    switch (list.mode) {
    case ListMode::None:
        return {};
    case ListMode::List:
        return apacheString(list.names.join(QStringLiteral(", ")));
    case ListMode::Wildcard:
        return QStringLiteral("\"*\"");
    case ListMode::Echo:
        return QStringLiteral("\"expr=%{req:%1}\"").arg(requestHeader);
    }
    return {};
}

QString preflightLines(const PolicyFacts &f)
{
    if (!f.answersPreflight())
        return {};
    QString text;
    const auto set = [&](const QString &name, const QString &value) {
        if (!value.isEmpty())
            text += QStringLiteral("Header always set %1 %2 %3\n").arg(name, value, kPreflightOnly);
    };
    set(QStringLiteral("Access-Control-Allow-Methods"),
        listValue(f.methods, QStringLiteral("Access-Control-Request-Method")));
    set(QStringLiteral("Access-Control-Allow-Headers"),
        listValue(f.headers, QStringLiteral("Access-Control-Request-Headers")));
    if (f.maxAge != MaxAge::Unset)
        set(QStringLiteral("Access-Control-Max-Age"),
            QStringLiteral("\"%1\"").arg(f.maxAgeSeconds));
    return text;
}

QString headerLines(const PolicyFacts &f)
{
    QString text = originLines(f);
    if (f.credentials)
        text += QStringLiteral("Header always set Access-Control-Allow-Credentials \"true\"\n");
    if (f.vary)
        text += QStringLiteral("Header always merge Vary \"Origin\"\n");
    text += preflightLines(f);
    if (!f.expose.isEmpty())
        text += QStringLiteral("Header always set Access-Control-Expose-Headers %1 %2\n")
                    .arg(apacheString(f.expose.join(QStringLiteral(", "))), kActualOnly);
    for (const auto &[name, value] : f.extraHeaders)
        text += QStringLiteral("Header always add %1 %2\n").arg(name, apacheString(value));
    return text;
}

} // namespace

Snippet apacheConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("#"));
    text += QStringLiteral(
        "# Apache httpd 2.4: put this in your <VirtualHost> (or .htaccess with AllowOverride "
        "FileInfo).\n# Needs mod_headers, mod_setenvif and mod_rewrite: a2enmod headers setenvif "
        "rewrite\n\n");
    text += headerLines(f);
    text +=
        QStringLiteral("\n# A CORS preflight is answered here (status %1) and never reaches the "
                       "application.\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} =OPTIONS\n"
                       "RewriteCond %{HTTP:Access-Control-Request-Method} !=\"\"\n"
                       "RewriteRule ^ - [R=%1,L]\n")
            .arg(f.preflightStatus);

    QStringList notes;
    if (!f.answersPreflight())
        notes << unansweredPreflightNote();
    if (f.preflightStatus != 204 && f.preflightStatus != 200)
        notes << QStringLiteral("Apache sends its own error page as the body of the %1 preflight "
                                "answer.")
                     .arg(f.preflightStatus);
    return {text, notes};
}

} // namespace corslab::config
