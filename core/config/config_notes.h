#pragma once

#include "policy_facts.h"

#include <QString>
#include <QStringList>

// The notes several targets share: one sentence per thing a framework cannot say as the policy
// does, worded once so that every target says it the same way.
namespace corslab::config {

/// What a framework sends where the policy sends `*` for a list.
enum class WildcardList {
    Literal,       ///< `*`, as the policy does
    EchoesRequest, ///< what the preflight asked for: the same without credentials, more with them
    CommonMethods, ///< it cannot say `*`: commonMethods() instead
};

/// What a framework sends where the policy echoes the requested list.
enum class EchoedList {
    Echoes,        ///< the requested list, as the policy does
    Wildcard,      ///< `*`: the same without credentials, a literal name with them
    CommonMethods, ///< it cannot echo: commonMethods() instead
};

/// What a framework can say of one list of the policy.
struct ListSupport
{
    WildcardList wildcard = WildcardList::Literal;
    EchoedList echo = EchoedList::Echoes;
    /// How the note words the fallback of WildcardList::CommonMethods ("lists", "allows").
    QString fallbackVerb = QStringLiteral("lists");
};

/// The notes for what \a framework cannot say of the policy's methods and headers, given what it
/// can say of each (\a methods, \a headers); empty when it says both as the policy does.
QStringList listNotes(const PolicyFacts &facts, const ListSupport &methods,
                      const ListSupport &headers, const QString &framework);

/// For the frameworks that always send Access-Control-Allow-Methods (when the policy sends none).
QString alwaysSendsMethodsNote(const QString &framework);
/// For the frameworks that refuse `*` with credentials and so leave the credentials out.
QString wildcardWithCredentialsNote(const QString &framework);
/// The origin pattern written in \a dialect's regular-expression syntax.
QString patternDialectNote(const QString &dialect);
/// For a framework that answers every preflight with \a status; empty when that is the policy's.
QString fixedPreflightStatusNote(const PolicyFacts &facts, const QString &framework, int status);
/// For a framework that always sends `Vary: Origin` when the answer depends on the Origin.
QString noVaryNote(const QString &framework);
QString extraHeadersNote(const QString &framework);
QString maxAgeZeroNote(const QString &framework);
/// \a who compares the allowlist's origins without regard to case.
QString caseInsensitiveOriginsNote(const QString &who);
/// For the targets whose 404 to an unanswered preflight still carries the CORS headers.
QString unansweredPreflightNote();

} // namespace corslab::config
