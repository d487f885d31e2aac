// Flask with flask-cors: one CORS(app, ...) call, plus hooks for what it lacks.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"
#include "python_text.h"

namespace corslab::config {

namespace {

const auto kFramework = QStringLiteral("flask-cors");
// Flask answers OPTIONS on its own with this status.
constexpr int kFlaskPreflightStatus = 200;
// methods is a list flask-cors sends as written, without `*` or echo; allow_headers="*" echoes.
const ListSupport kMethods{WildcardList::CommonMethods, EchoedList::CommonMethods};
const ListSupport kHeaders{WildcardList::EchoesRequest, EchoedList::Echoes};

QStringList originArgs(const PolicyFacts &f)
{
    switch (f.origin) {
    case OriginMode::None:
        return {QStringLiteral("origins=[]  # no origin is allowed")};
    case OriginMode::Wildcard:
        return {QStringLiteral("origins=\"*\""), QStringLiteral("send_wildcard=True")};
    case OriginMode::Echo:
        return {QStringLiteral("origins=\"*\"  # without send_wildcard: reflects any Origin")};
    case OriginMode::Allowlist:
        return {QStringLiteral("origins=%1").arg(pythonList(f.allowlist))};
    case OriginMode::Pattern:
        // Compiled, so flask-cors keeps it case-sensitive like the playground.
        return {
            QStringLiteral("origins=[re.compile(%1)]").arg(quoted(pythonSearchPattern(f.pattern)))};
    }
    return {};
}

QString methodsArg(const ListFacts &methods)
{
    switch (methods.mode) {
    case ListMode::None:
        return QStringLiteral("methods=%1  # the CORS-safelisted methods only")
            .arg(pythonList(safelistedMethods()));
    case ListMode::List:
        return QStringLiteral("methods=%1").arg(pythonList(withSafelistedMethods(methods.names)));
    case ListMode::Wildcard:
    case ListMode::Echo:
        return QStringLiteral("methods=%1").arg(pythonList(commonMethods()));
    }
    return {};
}

QString headersArg(const ListFacts &headers)
{
    switch (headers.mode) {
    case ListMode::None:
        return QStringLiteral("allow_headers=[]");
    case ListMode::List:
        return QStringLiteral("allow_headers=%1").arg(pythonList(headers.names));
    case ListMode::Wildcard:
    case ListMode::Echo:
        return QStringLiteral("allow_headers=\"*\"  # echoes the requested headers");
    }
    return {};
}

QStringList corsArgs(const PolicyFacts &f)
{
    QStringList args{QStringLiteral("app")};
    args << originArgs(f);
    if (f.credentials && !f.wildcardWithCredentials)
        args << QStringLiteral("supports_credentials=True");
    args << methodsArg(f.methods) << headersArg(f.headers);
    if (!f.expose.isEmpty())
        args << QStringLiteral("expose_headers=%1").arg(pythonList(f.expose));
    if (f.maxAge != MaxAge::Unset)
        args << (f.maxAgeSeconds == 0
                     ? QStringLiteral("max_age=\"0\"  # a string: flask-cors drops a falsy 0")
                     : QStringLiteral("max_age=%1").arg(f.maxAgeSeconds));
    args << QStringLiteral("vary_header=%1")
                .arg(f.vary ? QStringLiteral("True") : QStringLiteral("False"));
    return args;
}

/// CORS(...) with one argument a line, the `,` before each line's comment.
QString corsCall(const PolicyFacts &f)
{
    QString text = QStringLiteral("CORS(\n");
    for (const QString &arg : corsArgs(f)) {
        const CommentedLine line = splitComment(arg, QStringLiteral("  #"));
        text += QStringLiteral("    ") + line.code + QLatin1Char(',') + line.comment +
                QLatin1Char('\n');
    }
    return text + QStringLiteral(")\n");
}

QString preflightStatusHook(const PolicyFacts &f)
{
    if (!f.needsStatusHook(kFlaskPreflightStatus))
        return {};
    return QStringLiteral("\n\n# Flask answers OPTIONS with 200 on its own; the policy's "
                          "preflights get %1.\n@app.before_request\ndef cors_preflight_status():\n"
                          "    if request.method == \"OPTIONS\" and "
                          "\"Access-Control-Request-Method\" in request.headers:\n"
                          "        return \"\", %1\n")
        .arg(f.preflightStatus);
}

QString extraHeadersHook(const PolicyFacts &f)
{
    if (f.extraHeaders.isEmpty())
        return {};
    QString text = QStringLiteral("\n\n# Extra raw headers of the policy, on every response.\n"
                                  "@app.after_request\ndef cors_extra_headers(response):\n");
    for (const auto &[name, value] : f.extraHeaders)
        text +=
            QStringLiteral("    response.headers.add(%1, %2)\n").arg(quoted(name), quoted(value));
    return text + QStringLiteral("    return response\n");
}

QStringList notesFor(const PolicyFacts &f)
{
    QStringList notes;
    if (f.wildcardWithCredentials)
        notes << wildcardWithCredentialsNote(kFramework);
    if (f.origin == OriginMode::Allowlist)
        notes << caseInsensitiveOriginsNote(kFramework);
    if (f.origin == OriginMode::Pattern)
        notes << patternDialectNote(QStringLiteral("Python"));
    if (f.methods.mode == ListMode::None)
        notes << alwaysSendsMethodsNote(kFramework);
    notes << listNotes(f, kMethods, kHeaders, kFramework);
    if (!f.answersPreflight())
        notes << unansweredPreflightNote();
    if (f.vary && f.origin == OriginMode::Allowlist && f.allowlist.size() == 1)
        notes << QStringLiteral("flask-cors sends `Vary: Origin` only when more than one origin "
                                "or a pattern is allowed (this only matters to caches).");
    notes << QStringLiteral("flask-cors sends its headers only to allowed origins, and on a "
                            "preflight for a method it does not allow it leaves out "
                            "Access-Control-Allow-Methods; browsers decide the same.");
    return notes;
}

} // namespace

Snippet flaskConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("#"));
    text += QStringLiteral(
        "# Flask with flask-cors (pip install flask-cors); `app` is your Flask application.\n");
    if (f.origin == OriginMode::Pattern)
        text += QStringLiteral("import re\n\n");
    if (f.needsStatusHook(kFlaskPreflightStatus))
        text += QStringLiteral("from flask import request\n");
    text += QStringLiteral("from flask_cors import CORS\n\n");
    text += corsCall(f) + preflightStatusHook(f) + extraHeadersHook(f);
    return {text, notesFor(f)};
}

} // namespace corslab::config
