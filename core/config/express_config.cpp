// Express 4 with the cors package: one options object, plus middleware for what it lacks.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"

namespace corslab::config {

namespace {

QString jsArray(const QStringList &items)
{
    return QLatin1Char('[') + quotedList(items) + QLatin1Char(']');
}

/// Middleware ahead of cors(): the extra headers, and the 404 for unanswered preflights.
QString middleware(const PolicyFacts &f)
{
    QString text;
    if (!f.extraHeaders.isEmpty()) {
        text += QStringLiteral("// Extra raw headers of the policy, on every response.\n"
                               "app.use((req, res, next) => {\n");
        for (const auto &[name, value] : f.extraHeaders)
            text += QStringLiteral("  res.append(%1, %2);\n").arg(quoted(name), quoted(value));
        text += QStringLiteral("  next();\n});\n");
    }
    if (!f.answersPreflight())
        text += QStringLiteral(
            "// The policy leaves preflights unanswered, like an app that never routes OPTIONS.\n"
            "app.use((req, res, next) => {\n"
            "  if (req.method === 'OPTIONS' && req.header('Access-Control-Request-Method'))\n"
            "    return res.sendStatus(404);\n"
            "  next();\n"
            "});\n");
    return text.isEmpty() ? text : text + QLatin1Char('\n');
}

QString originOption(const PolicyFacts &f)
{
    switch (f.origin) {
    case OriginMode::None:
        return QStringLiteral("origin: false, // no CORS headers at all");
    case OriginMode::Wildcard:
        return QStringLiteral("origin: '*',");
    case OriginMode::Echo:
        return QStringLiteral("origin: true, // reflects the request's Origin");
    case OriginMode::Allowlist:
        return QStringLiteral("origin: %1,").arg(jsArray(f.allowlist));
    case OriginMode::Pattern:
        return QStringLiteral("origin: new RegExp(%1),").arg(quoted(f.pattern));
    }
    return {};
}

/// The option for one list; \a option is its name ("methods", "allowedHeaders"). Empty for an
/// echoed list, which the options cannot hold (see below).
QString listOption(const QString &option, const ListFacts &list, const QString &noneComment)
{
    switch (list.mode) {
    case ListMode::None:
        return QStringLiteral("%1: [], // %2").arg(option, noneComment);
    case ListMode::List:
        return QStringLiteral("%1: %2,").arg(option, jsArray(list.names));
    case ListMode::Wildcard:
        return QStringLiteral("%1: '*',").arg(option);
    case ListMode::Echo:
        return {};
    }
    return {};
}

QStringList options(const PolicyFacts &f)
{
    QStringList out{originOption(f)};
    if (f.credentials)
        out << QStringLiteral("credentials: true,");
    // An echoed method list is set per request (see corsCall()).
    if (const QString methods = listOption(QStringLiteral("methods"), f.methods,
                                           QStringLiteral("no Access-Control-Allow-Methods"));
        !methods.isEmpty())
        out << methods;
    // Without allowedHeaders the package echoes the requested headers.
    if (f.headers.mode == ListMode::Echo)
        out << QStringLiteral("// allowedHeaders left out: the requested headers are echoed");
    else
        out << listOption(QStringLiteral("allowedHeaders"), f.headers,
                          QStringLiteral("no Access-Control-Allow-Headers"));
    if (!f.expose.isEmpty())
        out << QStringLiteral("exposedHeaders: %1,").arg(jsArray(f.expose));
    if (f.maxAge != MaxAge::Unset)
        out << QStringLiteral("maxAge: %1,").arg(f.maxAgeSeconds);
    out << QStringLiteral("optionsSuccessStatus: %1,").arg(f.statusSetting);
    return out;
}

QString corsCall(const PolicyFacts &f)
{
    QString object = QStringLiteral("{\n");
    for (const QString &line : options(f))
        object += QStringLiteral("  ") + line + QLatin1Char('\n');
    object += QLatin1Char('}');
    if (f.methods.mode != ListMode::Echo)
        return QStringLiteral("app.use(cors(") + object + QStringLiteral("));\n");
    return QStringLiteral("const corsOptions = ") + object +
           QStringLiteral(
               ";\n"
               "// Access-Control-Allow-Methods echoes the requested method: options per "
               "request.\n"
               "app.use(cors((req, callback) => callback(null, {\n"
               "  ...corsOptions,\n"
               "  methods: req.header('Access-Control-Request-Method') || [],\n"
               "})));\n");
}

} // namespace

Snippet expressConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("//"));
    text += QStringLiteral("// Express 4 with the cors package (npm install cors); `app` is your "
                           "express() application.\nconst cors = require('cors');\n\n");
    text += middleware(f) + corsCall(f);

    QStringList notes;
    if (f.origin == OriginMode::Wildcard && f.vary)
        notes << QStringLiteral("The cors package sends no `Vary: Origin` with `*` (its answer "
                                "does not depend on the Origin then).");
    if (f.origin == OriginMode::Pattern)
        notes << patternDialectNote(QStringLiteral("JavaScript"));
    if (f.originDependent && !f.vary)
        notes << noVaryNote(QStringLiteral("The cors package"));
    notes << QStringLiteral("The cors package answers every OPTIONS request as a preflight, also "
                            "one without Access-Control-Request-Method.");
    return {text, notes};
}

} // namespace corslab::config
