#include "scenario_export.h"

#include "browser_opinion.h"
#include "cors/scenario_json.h"
#include "session/session.h"

namespace corslab::report {

bool exchangeScenario(const session::Session &session, qsizetype index, QJsonObject *out,
                      QString *error)
{
    if (index < 0 || index >= session.count()) {
        *error = QStringLiteral("no exchange at index %1").arg(index);
        return false;
    }
    const session::ExchangeEvaluation evaluation = session.evaluation(index);
    const session::ExchangeRow row = session.row(index);
    if (!evaluation.verdict) {
        *error = QStringLiteral("exchange #%1 has no CORS verdict to reproduce (%2)")
                     .arg(row.id)
                     .arg(session::verdictStateName(row.verdict.state));
        return false;
    }
    QJsonObject json = cors::scenarioToJson(evaluation.scenario);
    json.insert(QStringLiteral("name"),
                QStringLiteral("#%1 %2 %3")
                    .arg(row.id)
                    .arg(QString::fromLatin1(row.method), QString::fromUtf8(row.url)));
    QString comment =
        QStringLiteral("Captured by CORS Lab; the engine (%1 profile) says %2%3.")
            .arg(session.profile().name, session::verdictStateName(row.verdict.state),
                 row.errorName().isEmpty() ? QString()
                                           : QStringLiteral(" (%1)").arg(row.errorName()));
    const session::CapturedExchange x = session.exchange(index);
    if (const std::optional<BrowserOpinion> o = browserOpinion(x, row.verdict))
        comment += QStringLiteral(" %1 (%2) reported: %3. %4")
                       .arg(o->browser, x.browserReport->browser, o->said, o->sentence);
    json.insert(QStringLiteral("comment"), comment);
    *out = json;
    return true;
}

} // namespace corslab::report
