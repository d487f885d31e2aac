#include "policy_fix.h"

#include "base/header_list.h"

namespace corslab::policy {

namespace {

QString placeholderFor(const QByteArray &origin, const DemoOrigins &origins)
{
    if (origin == origins.app)
        return QStringLiteral("{app}");
    if (origin == origins.evil)
        return QStringLiteral("{evil}");
    if (origin == origins.api)
        return QStringLiteral("{api}");
    return QString::fromLatin1(origin);
}

/// The comma-separated tokens of a header value, trimmed, empty ones dropped.
QStringList tokens(const QByteArray &value)
{
    QStringList out;
    for (const QByteArray &t : value.split(',')) {
        const QByteArray trimmed = t.trimmed();
        if (!trimmed.isEmpty())
            out.append(QString::fromLatin1(trimmed));
    }
    return out;
}

void mergeInto(QStringList *list, const QStringList &more)
{
    for (const QString &item : more) {
        if (!list->contains(item, Qt::CaseInsensitive))
            list->append(item);
    }
}

/// Applies one header value the fix sets; false when the policy has no field for it.
bool applyHeader(const QByteArray &lowerName, const QByteArray &value, const DemoOrigins &origins,
                 CorsPolicy *p, QStringList *changes)
{
    const QString v = QString::fromLatin1(value);
    if (lowerName == "access-control-allow-origin") {
        if (value.trimmed() == "*") {
            p->allowOrigin = CorsPolicy::OriginMode::Wildcard;
            changes->append(QStringLiteral("Allow-Origin: * (any origin)"));
        } else if (p->allowOrigin != CorsPolicy::OriginMode::Echo || value == "null") {
            // Echo already answers every origin with itself; otherwise name the origin.
            if (p->allowOrigin != CorsPolicy::OriginMode::Allowlist)
                p->allowedOrigins.clear();
            p->allowOrigin = CorsPolicy::OriginMode::Allowlist;
            const QString entry = placeholderFor(value.trimmed(), origins);
            mergeInto(&p->allowedOrigins, {entry});
            changes->append(QStringLiteral("Allow-Origin: allowlist with %1").arg(entry));
        }
        return true;
    }
    if (lowerName == "access-control-allow-credentials") {
        p->allowCredentials = value.trimmed() == "true";
        changes->append(p->allowCredentials ? QStringLiteral("Allow-Credentials: true")
                                            : QStringLiteral("no Allow-Credentials"));
        return true;
    }
    if (lowerName == "access-control-allow-methods" ||
        lowerName == "access-control-allow-headers") {
        const bool methods = lowerName == "access-control-allow-methods";
        CorsPolicy::ListMode &mode = methods ? p->allowMethods : p->allowHeaders;
        QStringList &list = methods ? p->methods : p->headers;
        const QStringList wanted = tokens(value);
        if (wanted == QStringList{QStringLiteral("*")}) {
            mode = CorsPolicy::ListMode::Wildcard;
        } else if (mode != CorsPolicy::ListMode::Echo) {
            if (mode != CorsPolicy::ListMode::List)
                list.clear();
            mode = CorsPolicy::ListMode::List;
            mergeInto(&list, wanted);
        }
        changes->append(QStringLiteral("%1: %2").arg(
            methods ? QStringLiteral("Allow-Methods") : QStringLiteral("Allow-Headers"),
            mode == CorsPolicy::ListMode::List ? list.join(QStringLiteral(", "))
                                               : listModeName(mode)));
        return true;
    }
    if (lowerName == "access-control-expose-headers") {
        mergeInto(&p->exposeHeaders, tokens(value));
        changes->append(
            QStringLiteral("Expose-Headers: %1").arg(p->exposeHeaders.join(QStringLiteral(", "))));
        return true;
    }
    if (lowerName == "access-control-max-age") {
        bool ok = false;
        const int seconds = v.trimmed().toInt(&ok);
        if (!ok)
            return false;
        p->maxAge = seconds;
        changes->append(QStringLiteral("Max-Age: %1").arg(seconds));
        return true;
    }
    if (lowerName == "vary" &&
        tokens(value).contains(QStringLiteral("Origin"), Qt::CaseInsensitive)) {
        p->varyOrigin = true;
        changes->append(QStringLiteral("Vary: Origin"));
        return true;
    }
    return false;
}

/// Removing a header: the policy field that sends it is turned off, and a verbatim extra header
/// of that name (how a broken server is reproduced) is dropped.
void removeHeader(const QByteArray &lowerName, CorsPolicy *p, QStringList *changes)
{
    const qsizetype before = p->extraHeaders.size();
    p->extraHeaders.removeIf(
        [&](const QPair<QByteArray, QByteArray> &h) { return h.first.toLower() == lowerName; });
    if (p->extraHeaders.size() != before)
        changes->append(
            QStringLiteral("extra header %1 removed").arg(QString::fromLatin1(lowerName)));
    if (lowerName == "access-control-allow-credentials" && p->allowCredentials) {
        p->allowCredentials = false;
        changes->append(QStringLiteral("no Allow-Credentials"));
    }
}

bool applyPatch(const cors::HeaderPatch &patch, bool preflight, const DemoOrigins &origins,
                CorsPolicy *p, QStringList *changes, QString *error)
{
    for (const QByteArray &name : patch.remove)
        removeHeader(name.toLower(), p, changes);
    for (const auto &[name, value] : patch.set) {
        const QByteArray lower = name.toLower();
        // A set header replaces a verbatim one of the same name, which would otherwise repeat it.
        removeHeader(lower, p, changes);
        if (!applyHeader(lower, value, origins, p, changes)) {
            *error = QStringLiteral("the playground policy has no setting for %1: %2")
                         .arg(QString::fromLatin1(name), QString::fromLatin1(value));
            return false;
        }
    }
    if (preflight && patch.status) {
        p->answerPreflight = true;
        p->preflightStatus = *patch.status;
        changes->append(QStringLiteral("preflight status %1").arg(*patch.status));
    } else if (patch.status) {
        *error = QStringLiteral("the fix changes the response's status to %1, which the "
                                "playground's endpoints decide, not its policy")
                     .arg(*patch.status);
        return false;
    }
    return true;
}

} // namespace

bool applyFixToPolicy(const cors::Fix &fix, const DemoOrigins &origins, CorsPolicy *policy,
                      QStringList *changes, QString *error)
{
    QString why;
    QStringList done;
    if (fix.client && fix.client->required) {
        why = QStringLiteral("the fix is on the page's side (%1): no server setting can make this "
                             "request pass")
                  .arg(fix.client->summary);
    } else if (!fix.redirects.isEmpty()) {
        why = QStringLiteral("the fix changes a redirect's response, which the playground's "
                             "policy does not decide");
    }
    CorsPolicy p = *policy;
    if (why.isEmpty() && fix.preflight &&
        !applyPatch(*fix.preflight, true, origins, &p, &done, &why))
        done.clear();
    if (why.isEmpty() && fix.response &&
        !applyPatch(*fix.response, false, origins, &p, &done, &why))
        done.clear();
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    done.removeDuplicates();
    p.name = QStringLiteral("custom");
    *policy = p;
    if (changes)
        *changes = done;
    return true;
}

} // namespace corslab::policy
