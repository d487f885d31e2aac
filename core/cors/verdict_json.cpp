#include "verdict_json.h"

#include "cors_engine.h"
#include "explanation.h"
#include "safari_console.h"
#include "scenario_json.h"

#include <QJsonArray>

namespace corslab::cors {

namespace {

QJsonValue patchToJson(const std::optional<HeaderPatch> &patch)
{
    if (!patch || patch->isEmpty())
        return QJsonValue::Null;
    QJsonArray remove;
    for (const QByteArray &r : patch->remove)
        remove.append(QString::fromLatin1(r));
    return QJsonObject{
        {QStringLiteral("status"), patch->status ? QJsonValue(*patch->status) : QJsonValue::Null},
        {QStringLiteral("set"), headerListToJson(patch->set)},
        {QStringLiteral("remove"), remove}};
}

QJsonValue clientToJson(const std::optional<ClientChange> &client)
{
    if (!client)
        return QJsonValue::Null;
    QJsonObject request;
    if (client->url)
        request.insert(QStringLiteral("url"), client->url->toString());
    if (client->method)
        request.insert(QStringLiteral("method"), QString::fromLatin1(*client->method));
    if (client->credentials)
        request.insert(QStringLiteral("credentials"), credentialsModeName(*client->credentials));
    if (client->mode)
        request.insert(QStringLiteral("mode"), requestModeName(*client->mode));
    if (client->redirect)
        request.insert(QStringLiteral("redirect"), redirectModeName(*client->redirect));
    QJsonObject out{{QStringLiteral("request"), request},
                    {QStringLiteral("summary"), client->summary},
                    {QStringLiteral("required"), client->required}};
    if (client->skipRedirects)
        out.insert(QStringLiteral("skip_redirects"), true);
    return out;
}

} // namespace

QJsonValue fixToJson(const std::optional<Fix> &fix)
{
    if (!fix)
        return QJsonValue::Null;
    QJsonArray redirects;
    for (auto it = fix->redirects.begin(); it != fix->redirects.end(); ++it) {
        QJsonObject r = patchToJson(it.value()).toObject();
        r.insert(QStringLiteral("index"), it.key());
        redirects.append(r);
    }
    return QJsonObject{{QStringLiteral("preflight"), patchToJson(fix->preflight)},
                       {QStringLiteral("response"), patchToJson(fix->response)},
                       {QStringLiteral("redirects"),
                        redirects.isEmpty() ? QJsonValue::Null : QJsonValue(redirects)},
                       {QStringLiteral("client"), clientToJson(fix->client)},
                       {QStringLiteral("complete"), fix->complete},
                       {QStringLiteral("summary"), fix->summary()}};
}

QJsonObject verdictToJson(const Verdict &v, const Scenario &s, const BrowserProfile &p)
{
    QJsonObject out;
    out.insert(QStringLiteral("browser"), p.name);
    out.insert(QStringLiteral("preflight_required"), v.preflightRequired);
    out.insert(QStringLiteral("preflight_from_cache"), v.preflightFromCache);
    QJsonArray reasons;
    for (const PreflightReason &r : v.preflightReasons)
        reasons.append(explainReason(r));
    out.insert(QStringLiteral("preflight_reasons"), reasons);
    if (v.preflightRequired) {
        out.insert(QStringLiteral("preflight_request"),
                   QJsonObject{{QStringLiteral("method"), QStringLiteral("OPTIONS")},
                               {QStringLiteral("url"), s.url().toString()},
                               {QStringLiteral("headers"), headerListToJson(v.preflightRequest)}});
        out.insert(QStringLiteral("preflight_ok"), v.preflightOk);
        out.insert(QStringLiteral("preflight_cache_seconds"),
                   v.preflightOk ? QJsonValue(double(v.preflightCacheSeconds)) : QJsonValue::Null);
    } else {
        out.insert(QStringLiteral("preflight_request"), QJsonValue::Null);
        out.insert(QStringLiteral("preflight_ok"), QJsonValue::Null);
        out.insert(QStringLiteral("preflight_cache_seconds"), QJsonValue::Null);
    }
    out.insert(QStringLiteral("exposed"), v.exposed);
    out.insert(QStringLiteral("error"),
               v.exposed ? QJsonValue::Null : QJsonValue(corsErrorName(v.error)));
    out.insert(QStringLiteral("response_type"), v.responseType);
    QJsonArray readable;
    for (const QByteArray &h : v.readableHeaders)
        readable.append(QString::fromLatin1(h));
    out.insert(QStringLiteral("readable_headers"), readable);

    const std::optional<Fix> fix = findFix(s, v, p);
    QJsonArray checks;
    bool fixShown = false;
    for (const Check &c : v.checks) {
        QJsonValue fixText = QJsonValue::Null;
        if (!c.ok && !fixShown && fix && !fix->steps.isEmpty()) {
            fixText = fix->steps.first();
            fixShown = true;
        }
        checks.append(
            QJsonObject{{QStringLiteral("step"), QString::fromLatin1(stepInfo(c.step).name)},
                        {QStringLiteral("spec"), QStringLiteral("https://fetch.spec.whatwg.org/#") +
                                                     QString::fromLatin1(stepInfo(c.step).anchor)},
                        {QStringLiteral("phase"), phaseName(c.phase, c.hop)},
                        {QStringLiteral("ok"), c.ok},
                        {QStringLiteral("explanation"), explainCheck(c, s, v, p)},
                        {QStringLiteral("fix"), fixText}});
    }
    out.insert(QStringLiteral("checks"), checks);
    out.insert(QStringLiteral("fix"), fixToJson(fix));
    QJsonArray warnings;
    QJsonArray findings;
    for (const Warning &w : v.warnings) {
        const QString text = explainWarning(w, p);
        warnings.append(text);
        findings.append(QJsonObject{{QStringLiteral("severity"),
                                     w.severity == Severity::Security ? QStringLiteral("security")
                                     : w.severity == Severity::Info   ? QStringLiteral("info")
                                                                      : QStringLiteral("warning")},
                                    {QStringLiteral("text"), text}});
    }
    out.insert(QStringLiteral("warnings"), warnings);
    out.insert(QStringLiteral("findings"), findings);
    if (!v.exposed && v.error != CorsError::None) {
        out.insert(QStringLiteral("messages"),
                   QJsonObject{{QStringLiteral("chromium"), chromiumConsoleLine(v, s)},
                               {QStringLiteral("firefox"), firefoxReasonKey(v)},
                               {QStringLiteral("safari"), safariConsoleText(s, v)}});
    }
    out.insert(QStringLiteral("summary"), summarizeVerdict(v, s, p));
    return out;
}

bool evaluateJson(const QJsonObject &json, QJsonObject *verdict, QString *error)
{
    Scenario s;
    if (!scenarioFromJson(json, &s, error))
        return false;
    const BrowserProfile &p = *BrowserProfile::byName(s.browser);
    *verdict = verdictToJson(evaluate(s, p), s, p);
    return true;
}

} // namespace corslab::cors
