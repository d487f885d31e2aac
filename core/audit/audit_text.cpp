#include "audit_text.h"

#include "cors/browser_profile.h"

namespace corslab::audit {

namespace {

QString headerOr(const base::HeaderList &headers, QByteArrayView name, const QString &absent)
{
    const std::optional<QByteArray> v = base::getHeader(headers, name);
    return v ? QString::fromLatin1(*v) : absent;
}

QString quoted(const QByteArray &text)
{
    return QLatin1Char('"') + QString::fromLatin1(text) + QLatin1Char('"');
}

QString joinQuoted(const QList<QByteArray> &items)
{
    QStringList out;
    for (const QByteArray &item : items)
        out << quoted(item);
    return out.join(QStringLiteral(", "));
}

QString exposureSentence(const Exposure &e)
{
    QStringList names;
    for (const QByteArray &n : e.readableHeaders)
        names << QString::fromLatin1(n);
    return QStringLiteral("it reads the status (%1), %2 bytes of body and the headers %3")
        .arg(e.status)
        .arg(e.bodyBytes)
        .arg(names.isEmpty() ? QStringLiteral("(none)") : names.join(QStringLiteral(", ")));
}

} // namespace

QString browserList(const QStringList &profileNames)
{
    QStringList names;
    for (const QString &n : profileNames) {
        const cors::BrowserProfile *p = cors::BrowserProfile::byName(n);
        names << (p ? p->displayName : n);
    }
    if (names.size() <= 1)
        return names.join(QString());
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
}

QString originExplanation(const AuditFinding &f, const QList<QByteArray> &accepted)
{
    const ClassInfo &info = classInfo(f.auditClass);
    QString s = info.description + QLatin1Char(' ');
    s += QStringLiteral("Sent Origin: %1, the API answered Access-Control-Allow-Origin: %1%2. ")
             .arg(QString::fromLatin1(f.origin),
                  f.credentials ? QStringLiteral(" with Access-Control-Allow-Credentials: true")
                                : QString());
    s += QStringLiteral("In %1 a page at that origin reads the response%2: %3.")
             .arg(browserList(f.browsers),
                  f.credentials ? QStringLiteral(" with the user's cookies")
                                : QStringLiteral(" (without cookies)"),
                  exposureSentence(f.exposes));
    if (f.preflight)
        s +=
            QStringLiteral(" It holds for the preflighted request (the preflight let it through).");
    if (accepted.size() > 1)
        s += QStringLiteral(" Trusted probes of this kind: %1.").arg(joinQuoted(accepted));
    if (f.auditClass == AuditClass::SpecialCharacters)
        s += QStringLiteral(" Only browsers that keep such a character in a host name send the "
                            "origin: %1.")
                 .arg(browserList(f.browsers));
    return s;
}

QString wildcardExplanation(const session::CapturedExchange &x)
{
    return classInfo(AuditClass::WildcardWithCredentials).description +
           QStringLiteral(" The %1 response to %2 %3 carries both headers. Fetch's CORS check "
                          "fails a credentialed request whose Access-Control-Allow-Origin is *, "
                          "so pages that send cookies are blocked, and pages without cookies read "
                          "it as a public resource.")
               .arg(x.method == "OPTIONS" ? QStringLiteral("preflight") : QStringLiteral("actual"),
                    QString::fromLatin1(x.method), QString::fromLatin1(x.url));
}

QString varyExplanation(const session::CapturedExchange &first, const QByteArray &firstOrigin,
                        const session::CapturedExchange &second, const QByteArray &secondOrigin)
{
    const QString none = QStringLiteral("(none)");
    return classInfo(AuditClass::MissingVaryOrigin).description +
           QStringLiteral(" Origin %1 got Access-Control-Allow-Origin %2 (Vary: %3); origin %4 "
                          "got %5 (Vary: %6).")
               .arg(QString::fromLatin1(firstOrigin),
                    headerOr(first.responseHeaders, "access-control-allow-origin", none),
                    headerOr(first.responseHeaders, "vary", none),
                    QString::fromLatin1(secondOrigin),
                    headerOr(second.responseHeaders, "access-control-allow-origin", none),
                    headerOr(second.responseHeaders, "vary", none));
}

QString preflightGrantExplanation(AuditClass auditClass, const session::CapturedExchange &preflight)
{
    const bool header = auditClass == AuditClass::PreflightReflectsAnyHeader;
    const QByteArray asked =
        header ? "access-control-request-headers" : "access-control-request-method";
    const QByteArray granted =
        header ? "access-control-allow-headers" : "access-control-allow-methods";
    const QString none = QStringLiteral("(none)");
    return classInfo(auditClass).description +
           QStringLiteral(" Asked %1: %2, the preflight answered %3: %4, which a credentialed "
                          "request may use.")
               .arg(QString::fromLatin1(header ? "Access-Control-Request-Headers"
                                               : "Access-Control-Request-Method"),
                    headerOr(preflight.requestHeaders, asked, none),
                    QString::fromLatin1(header ? "Access-Control-Allow-Headers"
                                               : "Access-Control-Allow-Methods"),
                    headerOr(preflight.responseHeaders, granted, none));
}

QString classFixSummary(AuditClass auditClass, const AuditOptions &options)
{
    const QString allowlist = joinQuoted(options.trustedOrigins);
    switch (auditClass) {
    case AuditClass::WildcardWithCredentials:
        return QStringLiteral("Either drop Access-Control-Allow-Credentials (a public API read "
                              "without cookies) or name the trusted origins (%1) instead of *.")
            .arg(allowlist);
    case AuditClass::MissingVaryOrigin:
        return QStringLiteral("Send Vary: Origin on every response whose CORS headers depend on "
                              "the Origin header, allowed or not.");
    case AuditClass::PreflightReflectsAnyHeader:
        return QStringLiteral("List the request headers the API reads in "
                              "Access-Control-Allow-Headers instead of echoing "
                              "Access-Control-Request-Headers.");
    case AuditClass::PreflightAllowsAnyMethod:
        return QStringLiteral("List the methods the API serves in Access-Control-Allow-Methods "
                              "instead of echoing Access-Control-Request-Method.");
    default:
        break;
    }
    return QStringLiteral("Compare the Origin header with an exact allowlist (%1), byte for byte, "
                          "and answer every other origin without Access-Control-Allow-Origin; "
                          "send Vary: Origin.")
        .arg(allowlist);
}

} // namespace corslab::audit
