#include "audit_json.h"

#include "check/check_json.h"
#include "cors/scenario_json.h"

#include <QJsonArray>

namespace corslab::audit {

namespace {

QJsonArray names(const QList<QByteArray> &items)
{
    QJsonArray out;
    for (const QByteArray &item : items)
        out.append(QString::fromLatin1(item));
    return out;
}

QJsonObject exposureToJson(const Exposure &e)
{
    return {{QStringLiteral("status"), e.status},
            {QStringLiteral("readable_headers"), names(e.readableHeaders)},
            {QStringLiteral("body_bytes"), e.bodyBytes}};
}

bool isOriginClass(AuditClass c)
{
    return c <= AuditClass::NullOrigin;
}

} // namespace

QJsonObject fixToJson(const AuditFix &fix)
{
    QJsonObject configs;
    for (const config::GeneratedConfig &c : fix.serverConfigs)
        configs.insert(c.target, c.text);
    return {{QStringLiteral("summary"), fix.summary},
            {QStringLiteral("headers"), cors::headerListToJson(fix.headers)},
            {QStringLiteral("policy"), fix.policy.toJson()},
            {QStringLiteral("server_configs"), configs}};
}

QJsonObject findingToJson(const AuditFinding &f, const AuditFix &fix)
{
    const ClassInfo &info = classInfo(f.auditClass);
    QJsonObject fixJson = fixToJson(fix);
    fixJson.insert(QStringLiteral("summary"), f.fixSummary);
    fixJson.insert(QStringLiteral("allowlist"), fix.summary);
    QJsonObject out{{QStringLiteral("class"), info.id},
                    {QStringLiteral("title"), info.title},
                    {QStringLiteral("severity"), severityName(f.severity)},
                    {QStringLiteral("origin"), QString::fromLatin1(f.origin)},
                    {QStringLiteral("credentials"), f.credentials},
                    {QStringLiteral("preflight"), f.preflight},
                    {QStringLiteral("browsers"), QJsonArray::fromStringList(f.browsers)},
                    {QStringLiteral("evidence"), check::exchangesToJson(f.evidence)},
                    {QStringLiteral("explanation"), f.explanation},
                    {QStringLiteral("fix"), fixJson}};
    if (!f.trustedOrigin.isEmpty())
        out.insert(QStringLiteral("trusted_origin"), QString::fromLatin1(f.trustedOrigin));
    if (isOriginClass(f.auditClass))
        out.insert(QStringLiteral("exposes"), exposureToJson(f.exposes));
    return out;
}

QJsonObject auditReportToJson(const AuditReport &report)
{
    QJsonArray findings;
    for (const AuditFinding &f : report.findings)
        findings.append(findingToJson(f, report.fix));
    QJsonObject out{{QStringLiteral("target"), report.target.toString()},
                    {QStringLiteral("trusted_origins"), names(report.trustedOrigins)},
                    {QStringLiteral("browsers"), QJsonArray::fromStringList(report.browsers)},
                    {QStringLiteral("sent_as"), report.sentAs},
                    {QStringLiteral("probes"), static_cast<int>(report.outcomes.size())},
                    {QStringLiteral("failed_probes"), report.failedProbes},
                    {QStringLiteral("findings"), findings},
                    {QStringLiteral("fix"), fixToJson(report.fix)}};
    out.insert(QStringLiteral("network_failure"), report.networkFailure.isEmpty()
                                                      ? QJsonValue(QJsonValue::Null)
                                                      : QJsonValue(report.networkFailure));
    return out;
}

} // namespace corslab::audit
