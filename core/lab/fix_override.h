#pragma once

#include "cors/fix_finder.h"
#include "proxy/override_rules.h"

#include <QByteArray>
#include <QList>

namespace corslab::session {
class Session;
}

namespace corslab::lab {

/// The method the request of the exchange at \a index asks the server for: the actual request's
/// method when the exchange is half of a pair (also when the preflight half is given), and a lone
/// preflight's Access-Control-Request-Method; otherwise the exchange's own method.
QByteArray requestMethodOfPair(const session::Session &session, qsizetype index);

/// "Apply as proxy override" for the exchange at \a index of \a session: the override rules that
/// give the browser what \a fix asks of the server, for the exchange's URL and the method of its
/// request (requestMethodOfPair()), keeping the CORS headers its preflight got. False with
/// \a error when the fix cannot be an override (proxy::overrideRulesForFix()).
bool overrideRulesForExchangeFix(const session::Session &session, qsizetype index,
                                 const cors::Fix &fix, QList<proxy::OverrideRule> *rules,
                                 QString *error);

} // namespace corslab::lab
