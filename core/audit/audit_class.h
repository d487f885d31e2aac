#pragma once

#include <QList>
#include <QString>
#include <optional>

/// The CORS misconfigurations `audit` reports (docs/audit.md): their ids, titles and severities.
namespace corslab::audit {

/// The classes, in the order a broader class is tried before a narrower one (docs/audit.md
/// § How a class is decided), then the classes that do not depend on one probe origin.
enum class AuditClass {
    ReflectAnyOrigin,
    SubstringMatch,
    SuffixMatch,
    PrefixMatch,
    AnySubdomain,
    UnescapedDot,
    SpecialCharacters,
    ThirdPartyOrigin,
    HttpOriginTrusted,
    NullOrigin,
    WildcardWithCredentials,
    MissingVaryOrigin,
    PreflightReflectsAnyHeader,
    PreflightAllowsAnyMethod,
};

enum class Severity { Info, Low, Medium, High };

/// What a report says about a class besides its findings.
struct ClassInfo
{
    AuditClass auditClass;
    QString id;          ///< the JSON vocabulary: "reflect-any-origin", ...
    QString title;       ///< "Any origin is trusted"
    QString description; ///< what the flaw is and why it matters, two sentences
};

/// Every class, in AuditClass order.
const QList<ClassInfo> &auditClasses();
const ClassInfo &classInfo(AuditClass auditClass);
/// The class whose id is \a id, or nullopt.
std::optional<AuditClass> classWithId(const QString &id);

/// "info", "low", "medium", "high".
QString severityName(Severity severity);
/// The SARIF level a severity maps to: "note", "warning" or "error".
QString sarifLevel(Severity severity);
/// GitHub code scanning's `security-severity` score ("9.0" for high ...).
QString securitySeverityScore(Severity severity);

} // namespace corslab::audit
