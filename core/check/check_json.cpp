#include "check_json.h"

#include "cors/browser_profile.h"
#include "cors/scenario_json.h"
#include "cors/verdict_json.h"

namespace corslab::check {

namespace {

QJsonObject requestHeadJson(const session::CapturedExchange &x)
{
    return {{QStringLiteral("method"), QString::fromLatin1(x.method)},
            {QStringLiteral("url"), QString::fromUtf8(x.url)},
            {QStringLiteral("headers"), cors::headerListToJson(x.requestHeaders)}};
}

QJsonValue responseHeadJson(const session::CapturedExchange &x)
{
    if (x.status == 0)
        return QJsonValue::Null;
    return QJsonObject{{QStringLiteral("status"), x.status},
                       {QStringLiteral("reason"), QString::fromLatin1(x.reason)},
                       {QStringLiteral("headers"), cors::headerListToJson(x.responseHeaders)}};
}

// What one browser's result is, in the terms the differences are told in.
QString outcomeText(const CheckResult &r)
{
    if (!r.observation.networkFailure.isEmpty())
        return QStringLiteral("network failure");
    return r.observation.exposed
               ? QStringLiteral("exposed")
               : QStringLiteral("blocked (%1)").arg(cors::corsErrorName(r.observation.error));
}

QString namesText(const QList<QByteArray> &names)
{
    return names.isEmpty() ? QStringLiteral("none") : QString::fromLatin1(names.join(", "));
}

// The preflight cache lifetime the browser gives the answer (its cap applied to Max-Age).
QString cacheText(const CheckResult &r)
{
    const cors::Verdict &v = r.outcome.verdict;
    if (!r.outcome.judged || !v.preflightEvaluated || !v.preflightOk)
        return QStringLiteral("(nothing)");
    return QStringLiteral("%1 s").arg(v.preflightCacheSeconds);
}

QByteArray preflightHeaderText(const CheckResult &r, QByteArrayView name)
{
    for (const session::CapturedExchange &x : r.outcome.exchanges) {
        if (x.method == "OPTIONS" && r.outcome.preflightSent)
            return base::getHeader(x.requestHeaders, name).value_or(QByteArray("(none)"));
    }
    return QByteArrayLiteral("(no preflight)");
}

} // namespace

QJsonArray exchangesToJson(const QList<session::CapturedExchange> &exchanges)
{
    QJsonArray out;
    for (const session::CapturedExchange &x : exchanges)
        out.append(QJsonObject{
            {QStringLiteral("request"), requestHeadJson(x)},
            {QStringLiteral("response"), responseHeadJson(x)},
            {QStringLiteral("error"), x.error.isEmpty() ? QJsonValue::Null : QJsonValue(x.error)}});
    return out;
}

QJsonObject checkResultToJson(const CheckResult &result)
{
    const client::FetchOutcome &o = result.outcome;
    QJsonObject out;
    if (o.judged) {
        const cors::BrowserProfile *profile = cors::BrowserProfile::byName(result.browser);
        out = cors::verdictToJson(o.verdict, o.scenario,
                                  profile ? *profile
                                          : cors::BrowserProfile::get(cors::Browser::Chromium));
    } else {
        out.insert(QStringLiteral("browser"), result.browser);
        out.insert(QStringLiteral("exposed"), false);
        out.insert(QStringLiteral("error"), QJsonValue::Null);
        out.insert(QStringLiteral("summary"), o.failure);
    }
    out.insert(QStringLiteral("preflight_sent"), o.preflightSent);
    out.insert(QStringLiteral("network_failure"),
               o.networkFailure == client::NetworkFailure::None
                   ? QJsonValue(QJsonValue::Null)
                   : QJsonValue(QJsonObject{
                         {QStringLiteral("kind"), client::networkFailureName(o.networkFailure)},
                         {QStringLiteral("reason"), o.failure}}));
    out.insert(QStringLiteral("notes"), QJsonArray::fromStringList(o.notes));
    out.insert(QStringLiteral("exchanges"), exchangesToJson(o.exchanges));
    return out;
}

QStringList browserDifferences(const QList<CheckResult> &results)
{
    QStringList out;
    if (results.size() < 2)
        return out;
    const CheckResult &first = results.first();
    auto differ = [&](const CheckResult &r, const QString &what, const QString &mine,
                      const QString &theirs) {
        if (mine != theirs)
            out << QStringLiteral("%1: %2 %3 where %4: %5")
                       .arg(r.browser, what, mine, first.browser, theirs);
    };
    for (qsizetype i = 1; i < results.size(); ++i) {
        const CheckResult &r = results.at(i);
        differ(r, QStringLiteral("is"), outcomeText(r), outcomeText(first));
        differ(r, QStringLiteral("sends a preflight:"),
               r.observation.preflightSent ? QStringLiteral("yes") : QStringLiteral("no"),
               first.observation.preflightSent ? QStringLiteral("yes") : QStringLiteral("no"));
        differ(r, QStringLiteral("announces Access-Control-Request-Headers"),
               QString::fromLatin1(preflightHeaderText(r, "access-control-request-headers")),
               QString::fromLatin1(preflightHeaderText(first, "access-control-request-headers")));
        differ(r, QStringLiteral("keeps the preflight's answer cached for"), cacheText(r),
               cacheText(first));
        differ(r, QStringLiteral("lets the page read"), namesText(r.observation.readableHeaders),
               namesText(first.observation.readableHeaders));
    }
    return out;
}

} // namespace corslab::check
