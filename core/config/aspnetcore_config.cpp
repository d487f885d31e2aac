// ASP.NET Core: a named CORS policy built with CorsPolicyBuilder, and UseCors().
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"

namespace corslab::config {

namespace {

const auto kFramework = QStringLiteral("ASP.NET Core");
// AllowAnyMethod() and AllowAnyHeader() echo what the preflight asked for.
const ListSupport kLists{WildcardList::EchoesRequest, EchoedList::Echoes};

QString verbatimCs(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QStringLiteral("@\"") + escaped + QLatin1Char('"');
}

QString originCall(const PolicyFacts &f)
{
    switch (f.origin) {
    case OriginMode::None:
        return QStringLiteral("SetIsOriginAllowed(origin => false)");
    case OriginMode::Wildcard:
        return QStringLiteral("AllowAnyOrigin()");
    case OriginMode::Echo:
        return QStringLiteral("SetIsOriginAllowed(origin => true) // reflects any Origin");
    case OriginMode::Allowlist:
        return QStringLiteral("WithOrigins(%1)").arg(quotedList(f.allowlist));
    case OriginMode::Pattern:
        return QStringLiteral("SetIsOriginAllowed(origin => Regex.IsMatch(origin, %1))")
            .arg(verbatimCs(f.pattern));
    }
    return {};
}

QString methodsCall(const ListFacts &methods)
{
    switch (methods.mode) {
    case ListMode::None:
        return QStringLiteral("WithMethods(%1) // the CORS-safelisted methods only")
            .arg(quotedList(safelistedMethods()));
    case ListMode::List:
        return QStringLiteral("WithMethods(%1)")
            .arg(quotedList(withSafelistedMethods(methods.names)));
    case ListMode::Wildcard:
        return QStringLiteral("AllowAnyMethod()");
    case ListMode::Echo:
        return QStringLiteral("AllowAnyMethod() // echoes the requested method");
    }
    return {};
}

/// Empty for None: without WithHeaders no request header beyond the safelisted ones passes.
QString headersCall(const ListFacts &headers)
{
    switch (headers.mode) {
    case ListMode::None:
        return {};
    case ListMode::List:
        return QStringLiteral("WithHeaders(%1)").arg(quotedList(headers.names));
    case ListMode::Wildcard:
        return QStringLiteral("AllowAnyHeader()");
    case ListMode::Echo:
        return QStringLiteral("AllowAnyHeader() // echoes the requested headers");
    }
    return {};
}

QStringList builderCalls(const PolicyFacts &f)
{
    QStringList calls{originCall(f)};
    if (f.credentials && !f.wildcardWithCredentials)
        calls << QStringLiteral("AllowCredentials()");
    calls << methodsCall(f.methods);
    if (const QString headers = headersCall(f.headers); !headers.isEmpty())
        calls << headers;
    if (!f.expose.isEmpty())
        calls << QStringLiteral("WithExposedHeaders(%1)").arg(quotedList(f.expose));
    if (f.maxAge != MaxAge::Unset)
        calls
            << QStringLiteral("SetPreflightMaxAge(TimeSpan.FromSeconds(%1))").arg(f.maxAgeSeconds);
    return calls;
}

/// The calls chained on `policy`, one a line, the `;` before the last line's comment.
QString chained(const QStringList &calls)
{
    QString text;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const CommentedLine call = splitComment(calls.at(i), QStringLiteral(" //"));
        text += (i == 0 ? QString() : QStringLiteral("\n              ")) + QLatin1Char('.') +
                call.code + (i + 1 == calls.size() ? QStringLiteral(";") : QString()) +
                call.comment;
    }
    return text;
}

QString extraHeadersMiddleware(const PolicyFacts &f)
{
    if (f.extraHeaders.isEmpty())
        return {};
    QString text = QStringLiteral("// Extra raw headers of the policy, on every response.\n"
                                  "app.Use(async (context, next) =>\n{\n");
    for (const auto &[name, value] : f.extraHeaders)
        text += QStringLiteral("    context.Response.Headers.Append(%1, %2);\n")
                    .arg(quoted(name), quoted(value));
    return text + QStringLiteral("    await next();\n});\n");
}

QStringList notesFor(const PolicyFacts &f)
{
    QStringList notes;
    if (f.wildcardWithCredentials)
        notes << wildcardWithCredentialsNote(kFramework);
    if (f.origin == OriginMode::Pattern)
        notes << patternDialectNote(QStringLiteral(".NET"));
    notes << listNotes(f, kLists, kLists, kFramework);
    if (const QString note = fixedPreflightStatusNote(f, kFramework, 204); !note.isEmpty())
        notes << note;
    if (f.methods.mode == ListMode::None)
        notes << alwaysSendsMethodsNote(kFramework);
    if (f.maxAge == MaxAge::NotCached)
        notes << maxAgeZeroNote(kFramework);
    if (!f.vary && f.origin != OriginMode::Wildcard)
        notes << noVaryNote(kFramework);
    return notes;
}

} // namespace

Snippet aspNetCoreConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("//"));
    text += QStringLiteral("// ASP.NET Core (Program.cs, minimal hosting).\n");
    if (f.origin == OriginMode::Pattern)
        text += QStringLiteral("using System.Text.RegularExpressions;\n");
    text += QStringLiteral("\nbuilder.Services.AddCors(options =>\n{\n"
                           "    options.AddPolicy(\"CorsLab\", policy =>\n    {\n        policy");
    text += chained(builderCalls(f));
    text += QStringLiteral("\n    });\n});\n\nvar app = builder.Build();\n");
    text += extraHeadersMiddleware(f);
    text += QStringLiteral("app.UseCors(\"CorsLab\"); // after UseRouting, before "
                           "UseAuthorization and the endpoints\n");
    return {text, notesFor(f)};
}

} // namespace corslab::config
