#include "audit_class.h"

#include <algorithm>

namespace corslab::audit {

const QList<ClassInfo> &auditClasses()
{
    static const QList<ClassInfo> classes = {
        {AuditClass::ReflectAnyOrigin, QStringLiteral("reflect-any-origin"),
         QStringLiteral("Any origin is trusted"),
         QStringLiteral("The API names whatever Origin it is sent in Access-Control-Allow-Origin. "
                        "Any web page can read its responses.")},
        {AuditClass::SubstringMatch, QStringLiteral("substring-match"),
         QStringLiteral("Origins that contain the trusted host are trusted"),
         QStringLiteral("The check only looks for the trusted host somewhere in the origin. An "
                        "attacker's host such as x-app.example.com.attacker.test passes.")},
        {AuditClass::SuffixMatch, QStringLiteral("suffix-match"),
         QStringLiteral("Origins that end with the trusted domain are trusted"),
         QStringLiteral("The check tests that the host ends with the trusted domain without "
                        "requiring a dot before it: an attacker registers a domain such as "
                        "attackerexample.com.")},
        {AuditClass::PrefixMatch, QStringLiteral("prefix-match"),
         QStringLiteral("Origins that start with the trusted origin are trusted"),
         QStringLiteral("The check tests that the origin starts with the trusted one: an attacker "
                        "uses a subdomain of their own domain such as "
                        "app.example.com.attacker.test.")},
        {AuditClass::AnySubdomain, QStringLiteral("any-subdomain"),
         QStringLiteral("Every subdomain is trusted"),
         QStringLiteral("Any host under the trusted domain is trusted. A subdomain takeover or a "
                        "cross-site scripting flaw on any of them reads the API.")},
        {AuditClass::UnescapedDot, QStringLiteral("unescaped-dot"),
         QStringLiteral("A dot in the origin pattern matches any character"),
         QStringLiteral("A regular expression writes the trusted host with unescaped dots, which "
                        "match any character: an attacker registers a domain such as "
                        "appxexample.com.")},
        {AuditClass::SpecialCharacters, QStringLiteral("special-characters"),
         QStringLiteral("Origins with special characters after the trusted host are trusted"),
         QStringLiteral("The check stops at a dot after the trusted host but not at characters "
                        "such as _ or ` that some browsers keep in a host name.")},
        {AuditClass::ThirdPartyOrigin, QStringLiteral("third-party-origin"),
         QStringLiteral("Shared hosting is trusted"),
         QStringLiteral("An origin on shared hosting (github.io, herokuapp.com, ...) is trusted. "
                        "Anyone can publish a page there.")},
        {AuditClass::HttpOriginTrusted, QStringLiteral("http-origin-trusted"),
         QStringLiteral("A plain-HTTP origin is trusted"),
         QStringLiteral("The http:// version of a trusted HTTPS origin is trusted. A network "
                        "attacker injects a script into that page and reads the API.")},
        {AuditClass::NullOrigin, QStringLiteral("null-origin"),
         QStringLiteral("The null origin is trusted"),
         QStringLiteral("Access-Control-Allow-Origin: null matches every opaque origin: any "
                        "page's sandboxed iframe, data: and file: documents.")},
        {AuditClass::WildcardWithCredentials, QStringLiteral("wildcard-with-credentials"),
         QStringLiteral("Wildcard origin with credentials"),
         QStringLiteral("Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: "
                        "true. Browsers refuse the combination for credentialed requests, so it is "
                        "broken rather than exploitable.")},
        {AuditClass::MissingVaryOrigin, QStringLiteral("missing-vary-origin"),
         QStringLiteral("The answer depends on Origin but Vary: Origin is missing"),
         QStringLiteral("A shared cache keeps one origin's Access-Control-Allow-Origin and "
                        "serves it to another: pages break, or a cache hands out another "
                        "origin's grant.")},
        {AuditClass::PreflightReflectsAnyHeader, QStringLiteral("preflight-reflects-any-header"),
         QStringLiteral("The preflight allows any request header"),
         QStringLiteral("The preflight grants whatever Access-Control-Request-Headers asks for, "
                        "also to credentialed requests, instead of the headers the API reads.")},
        {AuditClass::PreflightAllowsAnyMethod, QStringLiteral("preflight-allows-any-method"),
         QStringLiteral("The preflight allows any method"),
         QStringLiteral("The preflight grants whatever Access-Control-Request-Method asks for, "
                        "also to credentialed requests, instead of the methods the API serves.")},
    };
    return classes;
}

const ClassInfo &classInfo(AuditClass auditClass)
{
    return auditClasses().at(static_cast<int>(auditClass));
}

std::optional<AuditClass> classWithId(const QString &id)
{
    const QList<ClassInfo> &all = auditClasses();
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const ClassInfo &info) { return info.id == id; });
    if (it == all.end())
        return std::nullopt;
    return it->auditClass;
}

bool isOriginClass(AuditClass auditClass)
{
    return auditClass <= AuditClass::NullOrigin;
}

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return QStringLiteral("info");
    case Severity::Low:
        return QStringLiteral("low");
    case Severity::Medium:
        return QStringLiteral("medium");
    case Severity::High:
        break;
    }
    return QStringLiteral("high");
}

QString sarifLevel(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return QStringLiteral("note");
    case Severity::Low:
    case Severity::Medium:
        return QStringLiteral("warning");
    case Severity::High:
        break;
    }
    return QStringLiteral("error");
}

QString securitySeverityScore(Severity severity)
{
    // GitHub reads > 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
    switch (severity) {
    case Severity::Info:
        return QStringLiteral("0.0");
    case Severity::Low:
        return QStringLiteral("3.5");
    case Severity::Medium:
        return QStringLiteral("5.5");
    case Severity::High:
        break;
    }
    return QStringLiteral("8.0");
}

} // namespace corslab::audit
