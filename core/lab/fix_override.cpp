#include "fix_override.h"

#include "proxy/override_from_fix.h"
#include "report/pair_view.h"
#include "session/session.h"

#include <QUrl>

namespace corslab::lab {

QByteArray requestMethodOfPair(const session::Session &session, qsizetype index)
{
    const report::PairView view = report::buildPairView(session, index);
    if (view.actual.present)
        return view.actual.method;
    // A preflight whose actual request was never sent still says which method it asked for.
    const session::CapturedExchange x = session.exchange(index);
    QByteArray method = x.method;
    for (const auto &[name, value] : x.requestHeaders) {
        if (name.compare("access-control-request-method", Qt::CaseInsensitive) == 0)
            method = value.trimmed();
    }
    return method;
}

bool overrideRulesForExchangeFix(const session::Session &session, qsizetype index,
                                 const cors::Fix &fix, QList<proxy::OverrideRule> *rules,
                                 QString *error)
{
    const report::PairView view = report::buildPairView(session, index);
    base::HeaderList preflightHeaders;
    if (view.preflight.present)
        preflightHeaders = session.exchange(view.preflight.index).responseHeaders;
    const QUrl url(QString::fromUtf8(session.exchange(index).url));
    return proxy::overrideRulesForFix(fix, url, requestMethodOfPair(session, index),
                                      preflightHeaders, rules, error);
}

} // namespace corslab::lab
