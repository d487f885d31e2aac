#include "config_notes.h"

#include "config_text.h"

namespace corslab::config {

namespace {

QString echoNote(const QString &what, const QString &framework, const QString &instead)
{
    return QStringLiteral("%1 cannot echo the requested %2; it allows %3 instead, so a request "
                          "with another %2 is refused here where the playground allows it.")
        .arg(framework, what, instead);
}

QString echoedAsWildcardNote(const QString &what, const QString &framework)
{
    return QStringLiteral("%1 cannot echo the requested %2; it sends `*`, which browsers read as "
                          "a literal name on credentialed requests, so those are refused here "
                          "where the playground allows them.")
        .arg(framework, what);
}

QString literalWildcardNote(const QString &what, const QString &framework)
{
    return QStringLiteral("%1 answers `*` for %2 by echoing what the preflight asked for, so "
                          "credentialed requests pass here, where browsers read the playground's "
                          "`*` as a literal name and refuse them.")
        .arg(framework, what);
}

QString noWildcardNote(const QString &what, const QString &framework, const QString &verb)
{
    return QStringLiteral("%1 cannot send `*` for %2; it %3 %4 instead.")
        .arg(framework, what, verb, commonMethods().join(QStringLiteral(", ")));
}

QString wildcardNote(const QString &what, const ListSupport &support, const QString &framework,
                     bool credentials)
{
    switch (support.wildcard) {
    case WildcardList::Literal:
        return {};
    case WildcardList::EchoesRequest:
        return credentials ? literalWildcardNote(what, framework) : QString();
    case WildcardList::CommonMethods:
        return noWildcardNote(what, framework, support.fallbackVerb);
    }
    return {};
}

QString echoedNote(const QString &singular, const QString &plural, const ListSupport &support,
                   const QString &framework, bool credentials)
{
    switch (support.echo) {
    case EchoedList::Echoes:
        return {};
    case EchoedList::Wildcard:
        return credentials ? echoedAsWildcardNote(plural, framework) : QString();
    case EchoedList::CommonMethods:
        return echoNote(singular, framework, commonMethods().join(QStringLiteral(", ")));
    }
    return {};
}

enum class ListKind { Methods, Headers };

QString listNote(ListKind kind, const ListFacts &list, const ListSupport &support,
                 const QString &framework, bool credentials)
{
    const bool methods = kind == ListKind::Methods;
    const QString singular = methods ? QStringLiteral("method") : QStringLiteral("header");
    const QString plural = methods ? QStringLiteral("methods") : QStringLiteral("headers");
    switch (list.mode) {
    case ListMode::None:
    case ListMode::List:
        return {};
    case ListMode::Wildcard:
        return wildcardNote(plural, support, framework, credentials);
    case ListMode::Echo:
        return echoedNote(singular, plural, support, framework, credentials);
    }
    return {};
}

} // namespace

QStringList listNotes(const PolicyFacts &facts, const ListSupport &methods,
                      const ListSupport &headers, const QString &framework)
{
    QStringList notes{
        listNote(ListKind::Methods, facts.methods, methods, framework, facts.credentials),
        listNote(ListKind::Headers, facts.headers, headers, framework, facts.credentials)};
    notes.removeAll(QString());
    return notes;
}

QString alwaysSendsMethodsNote(const QString &framework)
{
    return QStringLiteral("%1 always sends Access-Control-Allow-Methods; the CORS-safelisted "
                          "methods it lists allow what no header allows.")
        .arg(framework);
}

QString wildcardWithCredentialsNote(const QString &framework)
{
    return QStringLiteral(
               "%1 refuses `*` together with credentials, so Access-Control-Allow-Credentials is "
               "left out. Browsers decide the same: `*` never passes a credentialed request, and "
               "requests without credentials do not need the header.")
        .arg(framework);
}

QString patternDialectNote(const QString &dialect)
{
    return QStringLiteral("The origin pattern is used as a %1 regular expression, searched "
                          "anywhere in the Origin as the playground does; check that it means the "
                          "same in that syntax as in the playground's (PCRE).")
        .arg(dialect);
}

QString fixedPreflightStatusNote(const PolicyFacts &facts, const QString &framework, int status)
{
    if (!facts.answersPreflight())
        return QStringLiteral("%1 always answers a preflight (status %2): it cannot leave it "
                              "unanswered (404) as the policy does, so requests that need a "
                              "preflight pass here where the playground blocks them.")
            .arg(framework)
            .arg(status);
    if (facts.statusSetting == status)
        return {};
    if (facts.statusIsOk())
        return QStringLiteral("%1 answers preflights with %2, not %3; both are ok statuses, so "
                              "browsers decide the same.")
            .arg(framework)
            .arg(status)
            .arg(facts.statusSetting);
    return QStringLiteral("%1 answers preflights with %2: it cannot send %3 as the policy does, "
                          "so preflights the playground fails pass here.")
        .arg(framework)
        .arg(status)
        .arg(facts.statusSetting);
}

QString noVaryNote(const QString &framework)
{
    return QStringLiteral("%1 always sends `Vary: Origin` when the answer depends on the Origin; "
                          "the policy turns it off (this only matters to caches).")
        .arg(framework);
}

QString extraHeadersNote(const QString &framework)
{
    return QStringLiteral("The policy's extra raw headers are not written: %1 needs your own "
                          "middleware to add them.")
        .arg(framework);
}

QString maxAgeZeroNote(const QString &framework)
{
    return QStringLiteral("%1 sends no Access-Control-Max-Age for 0, so browsers cache the "
                          "preflight for their default 5 s instead of not at all.")
        .arg(framework);
}

QString caseInsensitiveOriginsNote(const QString &who)
{
    return QStringLiteral("%1 compares origins without regard to case; browsers always send them "
                          "in lower case.")
        .arg(who);
}

QString unansweredPreflightNote()
{
    return QStringLiteral("The 404 for preflights carries the CORS headers too; browsers refuse it "
                          "all the same.");
}

} // namespace corslab::config
