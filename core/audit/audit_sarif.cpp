#include "audit_sarif.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace corslab::audit {

namespace {

// A rule's default: the worst a finding of its class can be.
Severity worstSeverityOf(AuditClass c)
{
    switch (c) {
    case AuditClass::WildcardWithCredentials:
        return Severity::Info;
    case AuditClass::MissingVaryOrigin:
    case AuditClass::PreflightReflectsAnyHeader:
    case AuditClass::PreflightAllowsAnyMethod:
        return Severity::Low;
    case AuditClass::AnySubdomain:
    case AuditClass::HttpOriginTrusted:
        return Severity::Medium;
    default:
        break;
    }
    return Severity::High;
}

QJsonObject text(const QString &t)
{
    return {{QStringLiteral("text"), t}};
}

QJsonObject rule(const ClassInfo &info)
{
    const Severity worst = worstSeverityOf(info.auditClass);
    return {{QStringLiteral("id"), info.id},
            {QStringLiteral("name"), info.title},
            {QStringLiteral("shortDescription"), text(info.title)},
            {QStringLiteral("fullDescription"), text(info.description)},
            {QStringLiteral("helpUri"),
             QStringLiteral("https://fetch.spec.whatwg.org/#http-cors-protocol")},
            {QStringLiteral("defaultConfiguration"),
             QJsonObject{{QStringLiteral("level"), sarifLevel(worst)}}},
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("tags"),
                          QJsonArray{QStringLiteral("security"), QStringLiteral("cors"),
                                     QStringLiteral("external/cwe/cwe-942")}},
                         {QStringLiteral("security-severity"), securitySeverityScore(worst)}}}};
}

// Stable across runs for the same flaw at the same URL, so dashboards track it.
QString fingerprint(const AuditReport &report, const AuditFinding &f)
{
    const QByteArray key = report.target.toString().toUtf8() + '\n' +
                           classInfo(f.auditClass).id.toLatin1() + '\n' + f.trustedOrigin;
    return QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex());
}

QJsonObject result(const AuditReport &report, const AuditFinding &f)
{
    const ClassInfo &info = classInfo(f.auditClass);
    const QJsonObject location{
        {QStringLiteral("physicalLocation"),
         QJsonObject{{QStringLiteral("artifactLocation"),
                      QJsonObject{{QStringLiteral("uri"), report.target.toString()}}}}}};
    return {{QStringLiteral("ruleId"), info.id},
            {QStringLiteral("ruleIndex"), static_cast<int>(f.auditClass)},
            {QStringLiteral("level"), sarifLevel(f.severity)},
            {QStringLiteral("message"), text(info.title + QStringLiteral(": ") + f.explanation +
                                             QStringLiteral(" Fix: ") + f.fixSummary)},
            {QStringLiteral("locations"), QJsonArray{location}},
            {QStringLiteral("partialFingerprints"),
             QJsonObject{{QStringLiteral("corslabFinding/v1"), fingerprint(report, f)}}},
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("severity"), severityName(f.severity)},
                         {QStringLiteral("security-severity"), securitySeverityScore(f.severity)},
                         {QStringLiteral("origin"), QString::fromLatin1(f.origin)},
                         {QStringLiteral("credentials"), f.credentials},
                         {QStringLiteral("preflight"), f.preflight},
                         {QStringLiteral("browsers"), QJsonArray::fromStringList(f.browsers)}}}};
}

} // namespace

QJsonObject auditReportToSarif(const AuditReport &report, const QString &toolVersion)
{
    QJsonArray rules;
    for (const ClassInfo &info : auditClasses())
        rules.append(rule(info));
    QJsonArray results;
    for (const AuditFinding &f : report.findings)
        results.append(result(report, f));
    const QJsonObject driver{{QStringLiteral("name"), QStringLiteral("CORS Lab audit")},
                             {QStringLiteral("version"), toolVersion},
                             {QStringLiteral("informationUri"),
                              QStringLiteral("https://fetch.spec.whatwg.org/#http-cors-protocol")},
                             {QStringLiteral("rules"), rules}};
    const QJsonObject run{
        {QStringLiteral("tool"), QJsonObject{{QStringLiteral("driver"), driver}}},
        {QStringLiteral("artifacts"),
         QJsonArray{QJsonObject{{QStringLiteral("location"),
                                 QJsonObject{{QStringLiteral("uri"), report.target.toString()}}}}}},
        {QStringLiteral("results"), results}};
    return {{QStringLiteral("$schema"),
             QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json")},
            {QStringLiteral("version"), QStringLiteral("2.1.0")},
            {QStringLiteral("runs"), QJsonArray{run}}};
}

} // namespace corslab::audit
