#include "probe_origins.h"

#include "policy/shared_hosting.h"
#include "registrable_domain.h"

#include <QRegularExpression>
#include <QSet>

namespace corslab::audit {

namespace {

QByteArray portSuffix(const cors::Origin &o)
{
    return o.port >= 0 ? ":" + QByteArray::number(o.port) : QByteArray();
}

QByteArray withScheme(const cors::Origin &o, const QByteArray &host)
{
    return o.scheme + "://" + host + portSuffix(o);
}

QByteArray attackerSubdomain(const QByteArray &label)
{
    return label + '.' + kAttackerDomain;
}

// The host with its first dot replaced by a letter ("app.example.com" -> "appxexample.com"):
// what an unescaped `.` in a pattern lets through; empty when the host has no dot to replace.
QByteArray firstDotReplaced(const QByteArray &host)
{
    const qsizetype dot = host.indexOf('.');
    if (dot <= 0 || isIpAddress(host))
        return {};
    QByteArray replaced = host;
    replaced[dot] = 'x';
    return replaced;
}

void appendDerivedProbes(const cors::Origin &t, QList<ProbeOrigin> *out)
{
    const QByteArray &h = t.host;
    const QByteArray r = registrableDomain(h);
    const QByteArray prefix = QByteArray("corslab-attacker");
    const auto add = [&](QByteArray origin, AuditClass c, char special = 0) {
        out->append({std::move(origin), c, t.serialize(), special});
    };
    add(withScheme(t, attackerSubdomain(h)), AuditClass::PrefixMatch);
    add(withScheme(t, attackerSubdomain(prefix + '-' + h)), AuditClass::SubstringMatch);
    if (!isIpAddress(h)) {
        add(withScheme(t, prefix + r), AuditClass::SuffixMatch);
        add(withScheme(t, "corslab-audit." + r), AuditClass::AnySubdomain);
    }
    if (const QByteArray dotless = firstDotReplaced(h); !dotless.isEmpty())
        add(withScheme(t, dotless), AuditClass::UnescapedDot);
    if (t.scheme == "https")
        add("http://" + h + portSuffix(t), AuditClass::HttpOriginTrusted);
    for (const char c : QByteArrayView(kSpecialProbeCharacters))
        add(withScheme(t, attackerSubdomain(h + c)), AuditClass::SpecialCharacters, c);
}

} // namespace

QList<ProbeOrigin> probeOrigins(const QList<cors::Origin> &trusted)
{
    QList<ProbeOrigin> all;
    all.append({"https://" + QByteArray(kAttackerDomain), AuditClass::ReflectAnyOrigin, {}, 0});
    all.append({"null", AuditClass::NullOrigin, {}, 0});
    QList<QByteArray> suffixes = policy::commonSharedHostingSuffixes();
    for (const cors::Origin &t : trusted) {
        appendDerivedProbes(t, &all);
        if (const QByteArray shared = sharedHostingSuffix(t.host);
            !shared.isEmpty() && !suffixes.contains(shared))
            suffixes.append(shared);
    }
    for (const QByteArray &suffix : suffixes)
        all.append({"https://corslab-attacker." + suffix, AuditClass::ThirdPartyOrigin, {}, 0});

    QSet<QByteArray> seen;
    for (const cors::Origin &t : trusted)
        seen.insert(t.serialize());
    QList<ProbeOrigin> unique;
    for (ProbeOrigin &p : all) {
        if (!seen.contains(p.origin)) {
            seen.insert(p.origin);
            unique.append(std::move(p));
        }
    }
    return unique;
}

bool predicts(AuditClass broader, const cors::Origin &trusted, const QByteArray &probe)
{
    cors::Origin p;
    QString ignored;
    const bool tuple = cors::Origin::parse(QString::fromLatin1(probe), &p, &ignored) && !p.opaque;
    const bool sameScheme = tuple && p.scheme == trusted.scheme;
    const QByteArray r = registrableDomain(trusted.host);
    switch (broader) {
    case AuditClass::ReflectAnyOrigin:
        return true;
    case AuditClass::SubstringMatch:
        return probe.contains(trusted.host);
    case AuditClass::SuffixMatch:
        return sameScheme && p.host.endsWith(r);
    case AuditClass::PrefixMatch:
        return sameScheme && p.host.startsWith(trusted.host);
    case AuditClass::AnySubdomain:
        return sameScheme && p.host.endsWith('.' + r);
    case AuditClass::UnescapedDot: {
        QString pattern = QRegularExpression::escape(QString::fromLatin1(trusted.serialize()));
        pattern.replace(QStringLiteral("\\."), QStringLiteral("."));
        return QRegularExpression(QRegularExpression::anchoredPattern(pattern))
            .match(QString::fromLatin1(probe))
            .hasMatch();
    }
    default:
        return false;
    }
}

} // namespace corslab::audit
