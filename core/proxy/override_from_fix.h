#pragma once

#include "cors/fix_finder.h"
#include "override_rules.h"

#include <QUrl>

namespace corslab::proxy {

/// \brief "Apply as proxy override": the override rules that make the proxy give the browser
/// what \a fix asks of the server, for requests to \a url's host, port and path.
///
/// A preflight change becomes a rule for OPTIONS (listed first: the first matching rule wins);
/// one that needs another preflight status answers preflights in the proxy, with the CORS headers
/// the server sent (\a preflightResponseHeaders) plus the fix's. A change of the actual response
/// becomes a rule for \a method. False with \a error when the fix is not a response change (a
/// change on the page's side, a redirect).
bool overrideRulesForFix(const cors::Fix &fix, const QUrl &url, const QByteArray &method,
                         const base::HeaderList &preflightResponseHeaders,
                         QList<OverrideRule> *rules, QString *error);

} // namespace corslab::proxy
