#include "audit_fix.h"

namespace corslab::audit {

namespace {

// The trusted origin's own answer allows credentials: the fix must keep them.
bool baselineAllowsCredentials(const QList<ProbeOutcome> &outcomes)
{
    for (const ProbeOutcome &o : outcomes) {
        if (o.probe.kind != ProbeKind::Baseline || o.result.outcome.exchanges.isEmpty())
            continue;
        const std::optional<QByteArray> v = base::getHeader(
            o.result.outcome.exchanges.last().responseHeaders, "access-control-allow-credentials");
        if (v && base::normalizeHeaderValue(*v) == "true")
            return true;
    }
    return false;
}

QStringList baselineExposedHeaders(const QList<ProbeOutcome> &outcomes)
{
    for (const ProbeOutcome &o : outcomes) {
        if (o.probe.kind != ProbeKind::Baseline || o.result.outcome.exchanges.isEmpty())
            continue;
        const std::optional<QList<QByteArray>> names = base::getDecodeAndSplit(
            o.result.outcome.exchanges.last().responseHeaders, "access-control-expose-headers");
        QStringList out;
        for (const QByteArray &n : names.value_or(QList<QByteArray>()))
            if (!n.isEmpty() && n != "*")
                out << QString::fromLatin1(n);
        return out;
    }
    return {};
}

policy::CorsPolicy allowlistPolicy(const AuditOptions &options, bool credentials,
                                   const QStringList &exposed)
{
    policy::CorsPolicy p;
    p.name = QStringLiteral("Audit fix: allowlist");
    p.allowOrigin = policy::CorsPolicy::OriginMode::Allowlist;
    p.allowedOrigins.clear();
    for (const QByteArray &o : options.trustedOrigins)
        p.allowedOrigins << QString::fromLatin1(o);
    p.allowCredentials = credentials;
    p.allowMethods = policy::CorsPolicy::ListMode::List;
    p.methods = {QStringLiteral("GET"), QStringLiteral("POST")};
    if (!p.methods.contains(QString::fromLatin1(options.method)))
        p.methods << QString::fromLatin1(options.method);
    p.allowHeaders = policy::CorsPolicy::ListMode::List;
    p.headers = {QStringLiteral("Content-Type")};
    for (const base::Header &h : options.headers)
        if (!p.headers.contains(QString::fromLatin1(h.first), Qt::CaseInsensitive))
            p.headers << QString::fromLatin1(h.first);
    p.exposeHeaders = exposed;
    constexpr int kTenMinutes = 600; // long enough to spare preflights, short enough to change
    p.maxAge = kTenMinutes;
    p.varyOrigin = true;
    return p;
}

} // namespace

AuditFix allowlistFix(const AuditOptions &options, const QList<ProbeOutcome> &outcomes)
{
    AuditFix fix;
    const bool credentials = options.credentials || baselineAllowsCredentials(outcomes);
    fix.policy = allowlistPolicy(options, credentials, baselineExposedHeaders(outcomes));
    const QByteArray first = options.trustedOrigins.value(0);
    fix.headers.append(base::Header("Access-Control-Allow-Origin", first));
    if (credentials)
        fix.headers.append(base::Header("Access-Control-Allow-Credentials", "true"));
    fix.headers.append(base::Header("Vary", "Origin"));
    fix.summary = QStringLiteral("Answer only the trusted origins (%1), each by name, with "
                                 "Vary: Origin%2; every other origin gets no "
                                 "Access-Control-Allow-Origin.")
                      .arg(fix.policy.allowedOrigins.join(QStringLiteral(", ")),
                           credentials ? QStringLiteral(" and Access-Control-Allow-Credentials: "
                                                        "true")
                                       : QString());
    for (const config::ServerTarget &target : config::serverTargets())
        fix.serverConfigs.append(config::generateServerConfig(fix.policy, {}, target.kind));
    return fix;
}

} // namespace corslab::audit
