// Spring: a CorsFilter bean over a CorsConfiguration.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"

namespace corslab::config {

namespace {

const auto kFramework = QStringLiteral("Spring");
// A "*" in allowed methods or headers echoes what the preflight asked for.
const ListSupport kLists{WildcardList::EchoesRequest, EchoedList::Echoes};

QString javaList(const QStringList &items)
{
    return QStringLiteral("List.of(") + quotedList(items) + QLatin1Char(')');
}

/// Empty for Pattern: checkOrigin() of the configuration decides then (see configuration()).
QString originLine(const PolicyFacts &f)
{
    switch (f.origin) {
    case OriginMode::None:
        return QStringLiteral("// No allowed origin: cross-origin requests are refused.");
    case OriginMode::Wildcard:
        return QStringLiteral("config.setAllowedOrigins(List.of(\"*\"));");
    case OriginMode::Echo:
        return QStringLiteral("config.setAllowedOriginPatterns(List.of(\"*\")); // reflects any "
                              "Origin");
    case OriginMode::Allowlist:
        return QStringLiteral("config.setAllowedOrigins(%1);").arg(javaList(f.allowlist));
    case OriginMode::Pattern:
        return {};
    }
    return {};
}

QString methodsLine(const ListFacts &methods)
{
    switch (methods.mode) {
    case ListMode::None:
        return QStringLiteral("config.setAllowedMethods(%1); // the CORS-safelisted methods")
            .arg(javaList(safelistedMethods()));
    case ListMode::List:
        return QStringLiteral("config.setAllowedMethods(%1);")
            .arg(javaList(withSafelistedMethods(methods.names)));
    case ListMode::Wildcard:
        return QStringLiteral("config.setAllowedMethods(List.of(\"*\"));");
    case ListMode::Echo:
        return QStringLiteral("config.setAllowedMethods(List.of(\"*\")); // echoes the requested "
                              "method");
    }
    return {};
}

/// Empty for None: unset, no request header beyond the safelisted ones passes.
QString headersLine(const ListFacts &headers)
{
    switch (headers.mode) {
    case ListMode::None:
        return {};
    case ListMode::List:
        return QStringLiteral("config.setAllowedHeaders(%1);").arg(javaList(headers.names));
    case ListMode::Wildcard:
        return QStringLiteral("config.setAllowedHeaders(List.of(\"*\"));");
    case ListMode::Echo:
        return QStringLiteral("config.setAllowedHeaders(List.of(\"*\")); // echoes the requested "
                              "headers");
    }
    return {};
}

QStringList configLines(const PolicyFacts &f)
{
    QStringList lines{originLine(f)};
    if (f.credentials && !f.wildcardWithCredentials)
        lines << QStringLiteral("config.setAllowCredentials(true);");
    lines << methodsLine(f.methods) << headersLine(f.headers);
    if (!f.expose.isEmpty())
        lines << QStringLiteral("config.setExposedHeaders(%1);").arg(javaList(f.expose));
    if (f.maxAge != MaxAge::Unset)
        lines << QStringLiteral("config.setMaxAge(%1L);").arg(f.maxAgeSeconds);
    lines.removeAll(QString());
    return lines;
}

/// The CorsConfiguration; for a pattern, one whose checkOrigin() searches it in the Origin
/// (Spring's own origin patterns are wildcards, not regular expressions).
QString configuration(const PolicyFacts &f)
{
    if (f.origin != OriginMode::Pattern)
        return QStringLiteral("        CorsConfiguration config = new CorsConfiguration();\n");
    return QStringLiteral(
               "        // The origin pattern is a regular expression, searched anywhere "
               "in the Origin.\n"
               "        Pattern allowedOrigin = Pattern.compile(%1);\n"
               "        CorsConfiguration config = new CorsConfiguration() {\n"
               "            @Override\n"
               "            public String checkOrigin(String origin) {\n"
               "                return origin != null && "
               "allowedOrigin.matcher(origin).find() ? origin : null;\n"
               "            }\n"
               "        };\n")
        .arg(quoted(f.pattern));
}

QString imports(const PolicyFacts &f)
{
    QString text = QStringLiteral("import java.util.List;\n");
    if (f.origin == OriginMode::Pattern)
        text += QStringLiteral("import java.util.regex.Pattern;\n");
    return text +
           QStringLiteral("import org.springframework.context.annotation.Bean;\n"
                          "import org.springframework.context.annotation.Configuration;\n"
                          "import org.springframework.web.cors.CorsConfiguration;\n"
                          "import org.springframework.web.cors.UrlBasedCorsConfigurationSource;\n"
                          "import org.springframework.web.filter.CorsFilter;\n\n");
}

QStringList notesFor(const PolicyFacts &f)
{
    QStringList notes;
    if (f.wildcardWithCredentials)
        notes << wildcardWithCredentialsNote(kFramework);
    if (f.origin == OriginMode::Pattern)
        notes << patternDialectNote(QStringLiteral("Java"));
    if (f.methods.mode == ListMode::None)
        notes << alwaysSendsMethodsNote(kFramework);
    notes << listNotes(f, kLists, kLists, kFramework);
    if (const QString note = fixedPreflightStatusNote(f, kFramework, 200); !note.isEmpty())
        notes << note;
    notes << QStringLiteral("Spring answers a request from an origin it does not allow with 403 "
                            "\"Invalid CORS request\" instead of leaving the CORS headers out; "
                            "browsers block it either way.");
    if (f.maxAge == MaxAge::NotCached)
        notes << maxAgeZeroNote(kFramework);
    if (!f.vary)
        notes << noVaryNote(kFramework);
    if (!f.extraHeaders.isEmpty())
        notes << extraHeadersNote(QStringLiteral("Spring (a servlet Filter)"));
    return notes;
}

} // namespace

Snippet springConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("//"));
    text += QStringLiteral(
        "// Spring Boot: a CorsFilter bean (with Spring Security, return the source as a\n"
        "// CorsConfigurationSource bean instead and call "
        "http.cors(Customizer.withDefaults())).\n");
    text += imports(f);
    text += QStringLiteral("@Configuration\npublic class CorsLabConfig {\n\n"
                           "    @Bean\n    public CorsFilter corsFilter() {\n");
    text += configuration(f);
    for (const QString &line : configLines(f))
        text += QStringLiteral("        ") + line + QLatin1Char('\n');
    text += QStringLiteral(
        "        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();\n"
        "        source.registerCorsConfiguration(\"/**\", config);\n"
        "        return new CorsFilter(source);\n    }\n}\n");
    return {text, notesFor(f)};
}

} // namespace corslab::config
