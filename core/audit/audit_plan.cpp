#include "audit_plan.h"

#include "cors/browser_profile.h"
#include "cors/fetch_rules.h"

#include <QRegularExpression>

namespace corslab::audit {

bool isSimpleMethod(const QByteArray &method)
{
    return method == "GET" || method == "HEAD" || method == "POST";
}

QList<cors::Origin> trustedOrigins(const AuditOptions &options)
{
    QList<cors::Origin> origins;
    for (const QByteArray &text : options.trustedOrigins) {
        cors::Origin o;
        QString ignored;
        if (cors::Origin::parse(QString::fromLatin1(text), &o, &ignored) && !o.opaque)
            origins.append(o);
    }
    return origins;
}

namespace {
client::ComposedRequest preflightedRequest(const AuditOptions &options, const QByteArray &origin);

// The request fields as the options that set them ("headers[0].name: ..." -> "--header #1
// (name): ...").
bool validateProbeRequest(const AuditOptions &options, QString *error)
{
    const client::ComposedRequest r =
        preflightedRequest(options, options.trustedOrigins.constFirst());
    if (r.validate(error))
        return true;
    static const QRegularExpression headerField(QStringLiteral(R"(^headers\[(\d+)\]\.(\w+): )"));
    if (const QRegularExpressionMatch m = headerField.match(*error); m.hasMatch())
        error->replace(0, m.capturedLength(),
                       QStringLiteral("--header #%1 (%2): ")
                           .arg(m.captured(1).toInt() + 1)
                           .arg(m.captured(2)));
    else if (error->startsWith(QLatin1String("method: ")))
        error->replace(0, int(qstrlen("method")), QStringLiteral("--method"));
    return false;
}
} // namespace

bool validateAuditOptions(AuditOptions *options, QString *error)
{
    const QUrl &t = options->target;
    if (!t.isValid() ||
        (t.scheme() != QLatin1String("http") && t.scheme() != QLatin1String("https")) ||
        t.host().isEmpty()) {
        *error = QStringLiteral("URL: expected an absolute http:// or https:// URL, got \"%1\"")
                     .arg(t.toString());
        return false;
    }
    if (options->trustedOrigins.isEmpty())
        options->trustedOrigins.append(cors::Origin::fromUrl(t).serialize());
    for (const QByteArray &text : std::as_const(options->trustedOrigins)) {
        cors::Origin o;
        QString why;
        if (!cors::Origin::parse(QString::fromUtf8(text), &o, &why)) {
            *error = QStringLiteral("--trusted-origin: ") + why;
            return false;
        }
        if (o.opaque) {
            *error = QStringLiteral("--trusted-origin: expected an http:// or https:// origin, "
                                    "got \"null\" (the null origin is probed, never trusted)");
            return false;
        }
    }
    if (!cors::BrowserProfile::byName(options->sendAs)) {
        *error = QStringLiteral("--browser: expected chromium, firefox or safari, got \"%1\"")
                     .arg(options->sendAs);
        return false;
    }
    if (options->maxRequests <= 0) {
        *error = QStringLiteral("--max-requests: expected a positive number, got %1")
                     .arg(options->maxRequests);
        return false;
    }
    if (cors::isForbiddenMethod(options->method)) {
        *error = QStringLiteral("--method: expected a method fetch() may send, got \"%1\" (a "
                                "forbidden method: fetch() throws before sending anything)")
                     .arg(QString::fromLatin1(options->method));
        return false;
    }
    if (!validateProbeRequest(*options, error))
        return false;
    const qsizetype planned = planAudit(*options).size();
    if (planned > options->maxRequests) {
        *error = QStringLiteral("--max-requests: the audit needs %1 requests for %2 trusted "
                                "origins, more than the limit of %3; raise --max-requests or "
                                "give fewer --trusted-origin")
                     .arg(planned)
                     .arg(options->trustedOrigins.size())
                     .arg(options->maxRequests);
        return false;
    }
    return true;
}

namespace {

client::ComposedRequest baseRequest(const AuditOptions &options, const QByteArray &origin)
{
    client::ComposedRequest r;
    r.origin = origin;
    r.url = options.target;
    // "omit" and "include" put the same bytes on the wire while no cookie is held, and "omit"
    // lets the actual request follow every preflight "include" would pass (and more): the judge
    // reads each response in both modes.
    r.credentials = cors::CredentialsMode::Omit;
    return r;
}

// A request sent without a preflight: the method when it is simple, else GET, no header.
client::ComposedRequest simpleRequest(const AuditOptions &options, const QByteArray &origin)
{
    client::ComposedRequest r = baseRequest(options, origin);
    r.method = isSimpleMethod(options.method) && options.method != "POST" ? options.method
                                                                          : QByteArray("GET");
    return r;
}

// The user's method and headers, or a GET with a JSON Content-Type: preflighted, changes no data.
client::ComposedRequest preflightedRequest(const AuditOptions &options, const QByteArray &origin)
{
    client::ComposedRequest r = baseRequest(options, origin);
    r.method = options.method;
    r.headers = options.headers;
    if (isSimpleMethod(r.method) && r.headers.isEmpty())
        r.headers.append(base::Header("Content-Type", "application/json"));
    return r;
}

} // namespace

QList<AuditProbe> planAudit(const AuditOptions &options)
{
    const QList<cors::Origin> trusted = trustedOrigins(options);
    QList<AuditProbe> plan;
    for (const cors::Origin &t : trusted) {
        plan.append({ProbeKind::Baseline, std::nullopt, simpleRequest(options, t.serialize())});
        plan.append({ProbeKind::BaselinePreflighted, std::nullopt,
                     preflightedRequest(options, t.serialize())});
    }
    if (!trusted.isEmpty()) {
        client::ComposedRequest anyHeader = simpleRequest(options, trusted.first().serialize());
        anyHeader.headers.append(base::Header(kProbeHeaderName, "1"));
        plan.append({ProbeKind::AnyHeader, std::nullopt, anyHeader});
        client::ComposedRequest anyMethod = simpleRequest(options, trusted.first().serialize());
        anyMethod.method = kProbeMethod;
        plan.append({ProbeKind::AnyMethod, std::nullopt, anyMethod});
    }
    for (const ProbeOrigin &p : probeOrigins(trusted)) {
        plan.append({ProbeKind::Simple, p, simpleRequest(options, p.origin)});
        plan.append({ProbeKind::Preflighted, p, preflightedRequest(options, p.origin)});
    }
    return plan;
}

} // namespace corslab::audit
