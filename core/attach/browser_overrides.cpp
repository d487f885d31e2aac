#include "browser_overrides.h"

#include "proxy/browser_response_head.h"
#include "proxy/proxy_request.h"

namespace corslab::attach {

namespace {
AppliedOverride appliedOverride(const http::HttpRequest &request, const QString &rule, int status,
                                const base::HeaderList &headers)
{
    AppliedOverride applied;
    applied.method = request.method;
    applied.url = request.target;
    applied.rule = rule;
    applied.status = status;
    applied.headers = headers;
    return applied;
}
} // namespace

void splitHostGlob(const QString &glob, QString *host, QString *port)
{
    *host = glob;
    port->clear();
    qsizetype colon = -1;
    if (glob.startsWith(u'[')) {
        const qsizetype close = glob.indexOf(u']');
        if (close >= 0 && glob.mid(close + 1).startsWith(u':'))
            colon = close + 1;
    } else if (glob.count(u':') == 1) {
        colon = glob.indexOf(u':');
    }
    if (colon < 0)
        return;
    *host = glob.left(colon);
    *port = glob.mid(colon + 1);
}

std::optional<PausedRequest> pausedRequest(const QByteArray &method, const QByteArray &url,
                                           const base::HeaderList &headers)
{
    PausedRequest paused;
    paused.request.method = method;
    paused.request.target = url;
    paused.request.headers = headers;
    QString notHttp;
    const std::optional<proxy::UpstreamTarget> target =
        proxy::resolveTarget(paused.request, proxy::TargetContext{}, &notHttp);
    if (!target)
        return std::nullopt;
    paused.host = proxy::hostWithPort(*target);
    paused.path = proxy::pathOf(target->requestTarget);
    return paused;
}

std::optional<AppliedOverride> localPreflightAnswer(const proxy::OverrideSet &rules,
                                                    const PausedRequest &paused)
{
    const std::optional<proxy::OverrideOutcome> local =
        rules.localPreflightAnswer(paused.request, paused.host, paused.path);
    if (!local)
        return std::nullopt;
    AppliedOverride applied = appliedOverride(paused.request, local->ruleName,
                                              local->response.status, local->response.headers);
    applied.answeredLocally = true;
    return applied;
}

std::optional<AppliedOverride> changedResponse(const proxy::OverrideSet &rules,
                                               const PausedRequest &paused, int serverStatus,
                                               const base::HeaderList &serverHeaders)
{
    int status = serverStatus;
    base::HeaderList headers = serverHeaders;
    QString rule;
    if (!rules.applyToResponse(paused.request, paused.host, paused.path, &status, &headers, &rule))
        return std::nullopt;
    AppliedOverride applied = appliedOverride(paused.request, rule, status, headers);
    applied.upstreamStatus = serverStatus;
    applied.upstreamHeaders = serverHeaders;
    return applied;
}

std::optional<proxy::OverrideSet> withoutRule(const proxy::OverrideSet &rules, qsizetype index)
{
    if (index < 0 || index >= rules.rules().size())
        return std::nullopt;
    QList<proxy::OverrideRule> rest = rules.rules();
    rest.removeAt(index);
    proxy::OverrideSet set;
    QString error;
    // The rules were checked when they were set: the rest compiles as they did.
    if (!proxy::OverrideSet::fromRules(rest, rules.origins(), &set, &error))
        return std::nullopt;
    return set;
}

void markOverridden(const AppliedOverride &applied, bool serverSeen, session::CapturedExchange &x)
{
    x.overridden = true;
    x.overrideRule = applied.rule;
    x.answeredLocally = applied.answeredLocally;
    if (!applied.answeredLocally) {
        x.upstreamStatus = serverSeen ? x.status : applied.upstreamStatus;
        x.upstreamResponseHeaders = serverSeen ? x.responseHeaders : applied.upstreamHeaders;
    }
    if (x.status != applied.status)
        x.reason.clear(); // the server's phrase was for its own status
    x.status = applied.status;
    x.responseHeaders = applied.headers;
}

QString refusedOverrideMessage(const AppliedOverride &applied, const QString &error)
{
    return QStringLiteral("Override rule \"%1\" could not be applied to %2 %3 (%4); it went on "
                          "unchanged")
        .arg(applied.rule, QString::fromLatin1(applied.method), QString::fromUtf8(applied.url),
             error);
}

} // namespace corslab::attach
