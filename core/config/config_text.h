#pragma once

#include "policy_facts.h"

#include <QString>
#include <QStringList>

// Text helpers the generators share: literals in the languages the snippets are written in, and
// the method lists frameworks fall back to.
namespace corslab::config {

/// What "any method" becomes where a framework has no echo: the methods fetch() sends in practice.
QStringList commonMethods();
/// CORS-safelisted methods (Fetch): a policy without Access-Control-Allow-Methods allows these.
QStringList safelistedMethods();
/// \a methods plus the CORS-safelisted ones, for frameworks that check the requested method
/// themselves (ASP.NET Core, Spring, flask-cors, rs/cors): they refuse a preflight or an actual
/// request whose method they do not list, while browsers let a safelisted method through any
/// preflight (Fetch, CORS-preflight fetch step 7.6). Listing them keeps the verdicts the same.
QStringList withSafelistedMethods(const QStringList &methods);

/// A double-quoted literal for JavaScript, Python, Go, C# and Java (the same escapes work in all).
QString quoted(const QString &text);
/// quoted() of each item, separated by ", ".
QString quotedList(const QStringList &items);
/// A regular expression matching exactly the strings of \a items (anchored at both ends).
QString alternationOf(const QStringList &items);

/// The first line of every snippet: which policy it was generated for, after \a commentToken.
QString generatedBy(const PolicyFacts &facts, const QString &commentToken);

/// \brief A line of code with an optional trailing comment, so that a generator can put a
/// separator (`,` or `;`) between the code and the comment.
struct CommentedLine
{
    QString code;
    QString comment; ///< from the comment token on, with the spaces before it; may be empty
};
/// Splits \a line at the first \a commentToken (e.g. " //" or "  #").
CommentedLine splitComment(const QString &line, const QString &commentToken);

} // namespace corslab::config
