// Go net/http with github.com/rs/cors: cors.Options, plus handlers for what it lacks.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"

namespace corslab::config {

namespace {

const auto kFramework = QStringLiteral("rs/cors");
// rs/cors answers preflights with this status.
constexpr int kGoPreflightStatus = 200;
// AllowedMethods is sent as listed, without `*` or echo; AllowedHeaders "*" echoes.
const ListSupport kMethods{WildcardList::CommonMethods, EchoedList::CommonMethods,
                           QStringLiteral("allows")};
const ListSupport kHeaders{WildcardList::EchoesRequest, EchoedList::Echoes};

QString goSlice(const QStringList &items)
{
    return QStringLiteral("[]string{") + quotedList(items) + QLatin1Char('}');
}

QString originField(OriginMode mode, const QStringList &allowlist)
{
    switch (mode) {
    case OriginMode::None:
        // An empty AllowedOrigins means "all" to rs/cors: refuse explicitly.
        return QStringLiteral("AllowOriginFunc: func(origin string) bool { return false },");
    case OriginMode::Wildcard:
        return QStringLiteral("AllowedOrigins: []string{\"*\"},");
    case OriginMode::Echo:
        return QStringLiteral("AllowOriginFunc: func(origin string) bool { return true }, // "
                              "reflects any Origin");
    case OriginMode::Allowlist:
        return QStringLiteral("AllowedOrigins: %1,").arg(goSlice(allowlist));
    case OriginMode::Pattern:
        return QStringLiteral("AllowOriginFunc: allowedOrigin.MatchString,");
    }
    return {};
}

QString methodsField(const ListFacts &methods)
{
    switch (methods.mode) {
    case ListMode::None:
        return QStringLiteral("AllowedMethods: %1, // the CORS-safelisted methods only")
            .arg(goSlice(safelistedMethods()));
    case ListMode::List:
        return QStringLiteral("AllowedMethods: %1,")
            .arg(goSlice(withSafelistedMethods(methods.names)));
    case ListMode::Wildcard:
    case ListMode::Echo:
        return QStringLiteral("AllowedMethods: %1,").arg(goSlice(commonMethods()));
    }
    return {};
}

QString headersField(const ListFacts &headers)
{
    switch (headers.mode) {
    case ListMode::None:
        // An empty AllowedHeaders means rs/cors's defaults; Origin is never requested by
        // browsers (a forbidden header), so this allows nothing beyond the safelisted ones.
        return QStringLiteral("AllowedHeaders: []string{\"Origin\"}, // nothing beyond the "
                              "CORS-safelisted headers");
    case ListMode::List:
        return QStringLiteral("AllowedHeaders: %1,").arg(goSlice(headers.names));
    case ListMode::Wildcard:
    case ListMode::Echo:
        return QStringLiteral("AllowedHeaders: []string{\"*\"}, // echoes the requested headers");
    }
    return {};
}

QStringList optionFields(const PolicyFacts &f)
{
    QStringList fields{originField(f.origin, f.allowlist)};
    if (f.credentials)
        fields << QStringLiteral("AllowCredentials: true,");
    fields << methodsField(f.methods) << headersField(f.headers);
    if (!f.expose.isEmpty())
        fields << QStringLiteral("ExposedHeaders: %1,").arg(goSlice(f.expose));
    if (f.maxAge == MaxAge::Seconds)
        fields << QStringLiteral("MaxAge: %1,").arg(f.maxAgeSeconds);
    if (f.needsStatusHook(kGoPreflightStatus))
        fields << QStringLiteral("OptionsPassthrough: true, // preflightStatus answers them");
    return fields;
}

QString imports(const PolicyFacts &f)
{
    QString text = QStringLiteral("import (\n\t\"net/http\"\n");
    if (f.origin == OriginMode::Pattern)
        text += QStringLiteral("\t\"regexp\"\n");
    text += QStringLiteral("\n\t\"github.com/rs/cors\"\n)\n\n");
    if (f.origin == OriginMode::Pattern)
        text += QStringLiteral("// Searched anywhere in the Origin, as written.\n"
                               "var allowedOrigin = regexp.MustCompile(%1)\n\n")
                    .arg(quoted(f.pattern));
    return text;
}

/// The handler that answers preflights with the policy's status; rs/cors passes them on to it.
QString preflightStatusHandler(const PolicyFacts &f)
{
    return QStringLiteral("\t// rs/cors answers preflights with 200; the policy's get %1.\n"
                          "\tpreflightStatus := http.HandlerFunc(func(w http.ResponseWriter, r "
                          "*http.Request) {\n"
                          "\t\tif r.Method == http.MethodOptions && "
                          "r.Header.Get(\"Access-Control-Request-Method\") != \"\" {\n"
                          "\t\t\tw.WriteHeader(%1)\n\t\t\treturn\n\t\t}\n"
                          "\t\tnext.ServeHTTP(w, r)\n\t})\n")
        .arg(f.preflightStatus);
}

/// How corsHandler() returns the cors handler: wrapped to add the extra headers, if any.
QString returnHandler(const PolicyFacts &f)
{
    if (f.extraHeaders.isEmpty())
        return QStringLiteral("\treturn handler\n");
    QString text = QStringLiteral("\t// Extra raw headers of the policy, on every response.\n"
                                  "\treturn http.HandlerFunc(func(w http.ResponseWriter, r "
                                  "*http.Request) {\n");
    for (const auto &[name, value] : f.extraHeaders)
        text += QStringLiteral("\t\tw.Header().Add(%1, %2)\n").arg(quoted(name), quoted(value));
    return text + QStringLiteral("\t\thandler.ServeHTTP(w, r)\n\t})\n");
}

QString corsHandler(const PolicyFacts &f)
{
    const bool statusHook = f.needsStatusHook(kGoPreflightStatus);
    QString text = QStringLiteral("func corsHandler(next http.Handler) http.Handler {\n");
    if (statusHook)
        text += preflightStatusHandler(f);
    text += QStringLiteral("\thandler := cors.New(cors.Options{\n");
    for (const QString &field : optionFields(f))
        text += QStringLiteral("\t\t") + field + QLatin1Char('\n');
    text += QStringLiteral("\t}).Handler(%1)\n")
                .arg(statusHook ? QStringLiteral("preflightStatus") : QStringLiteral("next"));
    return text + returnHandler(f) + QStringLiteral("}\n");
}

QStringList notesFor(const PolicyFacts &f)
{
    QStringList notes;
    if (f.origin == OriginMode::Allowlist)
        notes << QStringLiteral("rs/cors compares origins in lower case; browsers always send "
                                "them in lower case.");
    if (f.origin == OriginMode::Pattern)
        notes << patternDialectNote(QStringLiteral("Go (RE2: no look-around, no "
                                                   "back-references)"));
    notes << listNotes(f, kMethods, kHeaders, kFramework);
    if (f.maxAge == MaxAge::NotCached)
        notes << maxAgeZeroNote(kFramework);
    if (!f.answersPreflight())
        notes << QStringLiteral("The 404 for preflights may carry CORS headers; browsers refuse "
                                "it all the same.");
    if (!f.vary)
        notes << noVaryNote(kFramework);
    return notes;
}

} // namespace

Snippet goConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("//"));
    text += QStringLiteral("// Go net/http with github.com/rs/cors: serve corsHandler(mux) instead "
                           "of mux.\n");
    text += imports(f) + corsHandler(f);
    return {text, notesFor(f)};
}

} // namespace corslab::config
