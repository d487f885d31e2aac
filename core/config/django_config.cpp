// Django with django-cors-headers: settings.py.
#include "config_notes.h"
#include "config_targets.h"
#include "config_text.h"
#include "python_text.h"

namespace corslab::config {

namespace {

const auto kFramework = QStringLiteral("django-cors-headers");
// CORS_ALLOW_METHODS and CORS_ALLOW_HEADERS are sent as written: `*` stays `*`, and there is
// nothing that echoes.
const ListSupport kMethods{WildcardList::Literal, EchoedList::CommonMethods};
const ListSupport kHeaders{WildcardList::Literal, EchoedList::Wildcard};

/// With credentials, CORS_ALLOW_ALL_ORIGINS reflects every origin: far worse than `*`, so a
/// wildcard policy leaves the credentials out.
bool sendsCredentials(const PolicyFacts &f)
{
    return f.credentials && !f.wildcardWithCredentials;
}

QStringList originSettings(const PolicyFacts &f)
{
    switch (f.origin) {
    case OriginMode::None:
        return {QStringLiteral("CORS_ALLOWED_ORIGINS = []  # no origin is allowed")};
    case OriginMode::Wildcard:
        return {QStringLiteral("CORS_ALLOW_ALL_ORIGINS = True  # sends *")};
    case OriginMode::Echo:
        return {sendsCredentials(f)
                    ? QStringLiteral("CORS_ALLOW_ALL_ORIGINS = True  # with credentials: reflects "
                                     "any Origin")
                    : QStringLiteral("CORS_ALLOWED_ORIGIN_REGEXES = [\".*\"]  # reflects any "
                                     "Origin")};
    case OriginMode::Allowlist:
        return {QStringLiteral("CORS_ALLOWED_ORIGINS = %1").arg(pythonList(f.allowlist))};
    case OriginMode::Pattern:
        return {QStringLiteral("# re.match() anchors at the start only: \".*\" searches anywhere, "
                               "as the pattern means."),
                QStringLiteral("CORS_ALLOWED_ORIGIN_REGEXES = [%1]")
                    .arg(quoted(pythonSearchPattern(f.pattern)))};
    }
    return {};
}

QString methodsSetting(const ListFacts &methods)
{
    switch (methods.mode) {
    case ListMode::None:
        return QStringLiteral("CORS_ALLOW_METHODS = []  # an empty list allows nothing beyond the "
                              "CORS-safelisted methods");
    case ListMode::List:
        return QStringLiteral("CORS_ALLOW_METHODS = %1").arg(pythonList(methods.names));
    case ListMode::Wildcard:
        return QStringLiteral("CORS_ALLOW_METHODS = [\"*\"]");
    case ListMode::Echo:
        return QStringLiteral("CORS_ALLOW_METHODS = %1").arg(pythonList(commonMethods()));
    }
    return {};
}

QString headersSetting(const ListFacts &headers)
{
    switch (headers.mode) {
    case ListMode::None:
        return QStringLiteral("CORS_ALLOW_HEADERS = []  # nothing beyond the CORS-safelisted "
                              "request headers");
    case ListMode::List:
        return QStringLiteral("CORS_ALLOW_HEADERS = %1").arg(pythonList(headers.names));
    case ListMode::Wildcard:
    case ListMode::Echo:
        return QStringLiteral("CORS_ALLOW_HEADERS = [\"*\"]");
    }
    return {};
}

QStringList settings(const PolicyFacts &f)
{
    QStringList out = originSettings(f);
    if (sendsCredentials(f))
        out << QStringLiteral("CORS_ALLOW_CREDENTIALS = True");
    out << methodsSetting(f.methods) << headersSetting(f.headers);
    if (!f.expose.isEmpty())
        out << QStringLiteral("CORS_EXPOSE_HEADERS = %1").arg(pythonList(f.expose));
    // Unset would mean django-cors-headers's own default, a day.
    out << (f.maxAge == MaxAge::Seconds
                ? QStringLiteral("CORS_PREFLIGHT_MAX_AGE = %1").arg(f.maxAgeSeconds)
                : QStringLiteral("CORS_PREFLIGHT_MAX_AGE = 0  # no Access-Control-Max-Age (the "
                                 "default is 86400)"));
    return out;
}

QStringList notesFor(const PolicyFacts &f)
{
    QStringList notes;
    if (f.wildcardWithCredentials)
        notes << QStringLiteral(
            "django-cors-headers reflects every origin when CORS_ALLOW_ALL_ORIGINS meets "
            "credentials, so CORS_ALLOW_CREDENTIALS is left out. Browsers decide the same: `*` "
            "never passes a credentialed request, and requests without credentials do not need "
            "the header.");
    if (f.origin == OriginMode::Pattern)
        notes << patternDialectNote(QStringLiteral("Python"));
    notes << listNotes(f, kMethods, kHeaders, kFramework);
    if (const QString note = fixedPreflightStatusNote(f, kFramework, 200); !note.isEmpty())
        notes << note;
    if (f.maxAge == MaxAge::NotCached)
        notes << maxAgeZeroNote(kFramework);
    if (!f.vary)
        notes << QStringLiteral("django-cors-headers always sends `Vary: Origin`; the policy "
                                "turns it off (this only matters to caches).");
    if (!f.extraHeaders.isEmpty())
        notes << extraHeadersNote(QStringLiteral("Django"));
    return notes;
}

} // namespace

Snippet djangoConfig(const PolicyFacts &f)
{
    QString text = generatedBy(f, QStringLiteral("#"));
    text += QStringLiteral(
        "# Django settings.py with django-cors-headers (pip install django-cors-headers).\n"
        "INSTALLED_APPS += [\"corsheaders\"]\n"
        "# CorsMiddleware goes before any middleware that can answer, e.g. CommonMiddleware.\n"
        "MIDDLEWARE.insert(0, \"corsheaders.middleware.CorsMiddleware\")\n\n");
    text += settings(f).join(QLatin1Char('\n')) + QLatin1Char('\n');
    return {text, notesFor(f)};
}

} // namespace corslab::config
