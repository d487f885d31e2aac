#include "override_from_fix.h"

namespace corslab::proxy {

namespace {

QString hostWithPort(const QUrl &url)
{
    const QString host = url.host().contains(QLatin1Char(':'))
                             ? QLatin1Char('[') + url.host() + QLatin1Char(']')
                             : url.host();
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return host + QLatin1Char(':') + QString::number(port);
}

OverrideRule ruleFor(const cors::HeaderPatch &patch, const QUrl &url, const QByteArray &method,
                     const QString &what)
{
    OverrideRule rule;
    rule.name = QStringLiteral("fix: %1 %2 %3")
                    .arg(what, QString::fromLatin1(method), url.toString(QUrl::RemoveQuery));
    rule.host = hostWithPort(url);
    rule.path = url.path().isEmpty() ? QStringLiteral("/") : url.path();
    rule.methods = {method};
    rule.set = patch.set;
    rule.remove = patch.remove;
    return rule;
}

bool isCorsHeader(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    return lower.startsWith("access-control-") || lower == "vary";
}

} // namespace

bool overrideRulesForFix(const cors::Fix &fix, const QUrl &url, const QByteArray &method,
                         const base::HeaderList &preflightResponseHeaders,
                         QList<OverrideRule> *rules, QString *error)
{
    auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (fix.client && fix.client->required)
        return refuse(QStringLiteral("the fix is on the page's side (%1): no response change "
                                     "makes this request pass")
                          .arg(fix.client->summary));
    if (!fix.redirects.isEmpty())
        return refuse(QStringLiteral("the fix changes a redirect's response; override rules "
                                     "apply to the final URL only"));
    if (!fix.preflight && !fix.response)
        return refuse(QStringLiteral("the fix changes no response"));
    if (!url.isValid() || url.host().isEmpty())
        return refuse(
            QStringLiteral("url: expected an absolute URL, got \"%1\"").arg(url.toString()));

    QList<OverrideRule> out;
    if (fix.preflight) {
        OverrideRule rule = ruleFor(*fix.preflight, url, QByteArrayLiteral("OPTIONS"),
                                    QStringLiteral("preflight of"));
        if (fix.preflight->status) {
            // Rules cannot change a status, but the proxy can answer the preflight itself (204):
            // with the server's CORS headers too, since the server is then not asked.
            rule.answerPreflights = true;
            base::HeaderList set;
            for (const auto &h : preflightResponseHeaders) {
                const bool patched =
                    std::any_of(rule.set.cbegin(), rule.set.cend(), [&](const auto &s) {
                        return s.first.compare(h.first, Qt::CaseInsensitive) == 0;
                    });
                const bool removed =
                    std::any_of(rule.remove.cbegin(), rule.remove.cend(), [&](const QByteArray &r) {
                        return r.compare(h.first, Qt::CaseInsensitive) == 0;
                    });
                if (isCorsHeader(h.first) && !patched && !removed)
                    set.append(h);
            }
            set.append(rule.set);
            rule.set = set;
        }
        out.append(rule);
    }
    if (fix.response) {
        if (fix.response->status)
            return refuse(QStringLiteral("the fix changes the response's status to %1, which "
                                         "override rules do not do")
                              .arg(*fix.response->status));
        out.append(ruleFor(*fix.response, url, method, QStringLiteral("response to")));
    }
    *rules = out;
    return true;
}

} // namespace corslab::proxy
