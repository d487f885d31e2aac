#include "bidi_overrides.h"

#include "devtools_values.h"
#include "protocol_connection.h"

#include <memory>

namespace corslab::attach {

namespace {
bool isLiteral(const QString &glob)
{
    return !glob.isEmpty() && !glob.contains(u'*');
}

// The BiDi pattern that covers a rule's host glob: the host name when it is literal (an IPv6
// literal is left out: its spelling in a pattern is Firefox's to normalise), the port when it is
// literal and not a default one (Firefox's URLs leave that out, and a pattern's port must equal
// the URL's).
QJsonObject urlPatternOf(const QString &hostGlob)
{
    QString host, port;
    splitHostGlob(hostGlob.toLower(), &host, &port);
    QJsonObject pattern{{QStringLiteral("type"), QStringLiteral("pattern")}};
    if (isLiteral(host) && !host.contains(u':') && !host.startsWith(u'['))
        pattern.insert(QStringLiteral("hostname"), host);
    if (isLiteral(port) && port != QLatin1String("80") && port != QLatin1String("443"))
        pattern.insert(QStringLiteral("port"), port);
    return pattern;
}

void addPattern(QList<BidiIntercept> &intercepts, BidiPhase phase, const QJsonObject &pattern)
{
    for (BidiIntercept &intercept : intercepts) {
        if (intercept.phase != phase)
            continue;
        if (!intercept.urlPatterns.contains(pattern))
            intercept.urlPatterns.append(pattern);
        return;
    }
    intercepts.append({phase, QJsonArray{pattern}});
}

std::optional<BidiPhase> phaseOf(const QString &method)
{
    if (method == QLatin1String("network.beforeRequestSent"))
        return BidiPhase::BeforeRequestSent;
    if (method == QLatin1String("network.responseStarted"))
        return BidiPhase::ResponseStarted;
    return std::nullopt;
}

} // namespace

QJsonObject BidiIntercept::params() const
{
    const QString name = phase == BidiPhase::BeforeRequestSent ? QStringLiteral("beforeRequestSent")
                                                               : QStringLiteral("responseStarted");
    return {{QStringLiteral("phases"), QJsonArray{name}},
            {QStringLiteral("urlPatterns"), urlPatterns}};
}

QList<BidiIntercept> bidiIntercepts(const proxy::OverrideSet &rules)
{
    QList<BidiIntercept> out;
    for (const proxy::OverrideRule &rule : rules.rules()) {
        if (!rule.enabled)
            continue;
        const QJsonObject pattern = urlPatternOf(rule.host);
        addPattern(out, BidiPhase::ResponseStarted, pattern);
        if (rule.answerPreflights)
            addPattern(out, BidiPhase::BeforeRequestSent, pattern);
    }
    return out;
}

QString BlockedDecision::continueCommand() const
{
    return phase == BidiPhase::BeforeRequestSent ? QStringLiteral("network.continueRequest")
                                                 : QStringLiteral("network.continueResponse");
}

QString BlockedDecision::command() const
{
    return action == Action::AnswerPreflight ? QStringLiteral("network.provideResponse")
                                             : continueCommand();
}

QJsonObject BlockedDecision::params() const
{
    QJsonObject params{{QStringLiteral("request"), requestId}};
    if (action == Action::Continue || !applied)
        return params;
    params.insert(QStringLiteral("statusCode"), applied->status);
    params.insert(QStringLiteral("reasonPhrase"), QString::fromLatin1(phrase));
    params.insert(QStringLiteral("headers"), bidiHeaderArray(applied->headers));
    return params;
}

BlockedDecision decideBlocked(const proxy::OverrideSet &rules, const QString &method,
                              const QJsonObject &params)
{
    const std::optional<BidiPhase> phase = phaseOf(method);
    if (!phase || !params.value(QStringLiteral("isBlocked")).toBool())
        return {};
    const QJsonObject sent = objectAt(params, "request");
    BlockedDecision decision;
    decision.phase = *phase;
    decision.requestId = stringAt(sent, "request");
    decision.hop = params.value(QStringLiteral("redirectCount")).toInt();
    if (rules.isEmpty())
        return decision;
    const std::optional<PausedRequest> request =
        pausedRequest(headerBytes(stringAt(sent, "method")), stringAt(sent, "url").toUtf8(),
                      bidiHeaders(sent.value(QStringLiteral("headers")).toArray()));
    if (!request)
        return decision;
    if (*phase == BidiPhase::BeforeRequestSent) {
        decision.applied = localPreflightAnswer(rules, *request);
        if (decision.applied) {
            decision.action = BlockedDecision::Action::AnswerPreflight;
            decision.phrase = http::standardReasonPhrase(decision.applied->status);
        }
        return decision;
    }
    const QJsonObject response = objectAt(params, "response");
    const int serverStatus = response.value(QStringLiteral("status")).toInt();
    decision.applied =
        changedResponse(rules, *request, serverStatus,
                        bidiHeaders(response.value(QStringLiteral("headers")).toArray()));
    if (!decision.applied)
        return decision;
    decision.action = BlockedDecision::Action::ChangeResponse;
    // Without a phrase Firefox keeps the server's, even for another status ("204 Not Found").
    decision.phrase = decision.applied->status == serverStatus
                          ? headerBytes(stringAt(response, "statusText"))
                          : http::standardReasonPhrase(decision.applied->status);
    return decision;
}

BidiOverrides::BidiOverrides(ProtocolConnection *connection, QObject *parent)
    : RuleInstaller(parent), m_connection(connection)
{
}

void BidiOverrides::start(const std::function<void()> &ready)
{
    m_started = true;
    ++m_rulesGeneration;
    installIntercepts(ready);
}

void BidiOverrides::install()
{
    if (!m_started)
        return; // start() installs them
    ++m_rulesGeneration;
    // Only the latest rules' installation says they are applied.
    installIntercepts([this, generation = m_rulesGeneration] {
        if (generation == m_rulesGeneration)
            Q_EMIT rulesApplied();
    });
}

void BidiOverrides::forget()
{
    m_started = false;
    m_intercepts.clear();
    m_answeredLocally.clear();
    ++m_sessionGeneration;
    forgetRules();
}

// The intercepts in force are removed and the rules' added; \a done follows once Firefox
// answered every one of those commands.
void BidiOverrides::installIntercepts(const std::function<void()> &done)
{
    auto unanswered = std::make_shared<int>(1);
    const auto settle = [unanswered, done] {
        if (--*unanswered == 0 && done)
            done();
    };
    for (const QString &id : std::exchange(m_intercepts, {})) {
        ++*unanswered;
        removeIntercept(id, settle);
    }
    for (const BidiIntercept &intercept : bidiIntercepts(rules())) {
        ++*unanswered;
        addIntercept(intercept, settle);
    }
    settle();
}

void BidiOverrides::addIntercept(const BidiIntercept &intercept, const std::function<void()> &done)
{
    m_connection->send(
        QStringLiteral("network.addIntercept"), intercept.params(), {},
        [this, done, rules = m_rulesGeneration,
         session = m_sessionGeneration](const ProtocolConnection::Reply &reply) {
            if (session != m_sessionGeneration)
                return; // the session it went to has ended
            const QString id = reply.result.value(QStringLiteral("intercept")).toString();
            if (!reply.ok() || id.isEmpty())
                Q_EMIT message(
                    QStringLiteral("Firefox refused to intercept requests for the override "
                                   "rules: %1")
                        .arg(reply.error));
            else if (rules == m_rulesGeneration)
                m_intercepts.append(id);
            else
                removeIntercept(id, {}); // the rules changed while it was being added
            done();
        });
}

void BidiOverrides::removeIntercept(const QString &id, const std::function<void()> &done)
{
    m_connection->send(
        QStringLiteral("network.removeIntercept"), {{QStringLiteral("intercept"), id}}, {},
        [this, done, session = m_sessionGeneration](const ProtocolConnection::Reply &) {
            if (session == m_sessionGeneration && done)
                done();
        });
}

void BidiOverrides::handleEvent(const QString &method, const QJsonObject &params)
{
    const QString id = stringAt(objectAt(params, "request"), "request");
    if (method == QLatin1String("network.responseCompleted") ||
        method == QLatin1String("network.fetchError")) {
        m_answeredLocally.remove(id);
        return;
    }
    if (method == QLatin1String("network.responseStarted") && m_answeredLocally.remove(id))
        return;
    const BlockedDecision decision = decideBlocked(rules(), method, params);
    if (decision.requestId.isEmpty())
        return;
    if (decision.action == BlockedDecision::Action::AnswerPreflight)
        m_answeredLocally.insert(decision.requestId);
    resume(decision);
}

void BidiOverrides::resume(const BlockedDecision &decision)
{
    m_connection->send(
        decision.command(), decision.params(), {},
        [this, decision](const ProtocolConnection::Reply &reply) {
            if (reply.ok()) {
                if (decision.applied)
                    Q_EMIT overrideApplied(decision.requestId, decision.hop, *decision.applied);
                return;
            }
            if (decision.action == BlockedDecision::Action::AnswerPreflight)
                m_answeredLocally.remove(decision.requestId);
            // The request is gone (its tab closed, the session ended).
            if (decision.action == BlockedDecision::Action::Continue || !m_connection->isOpen())
                return;
            // Refused: the request is still blocked, and goes on as the page sent it.
            Q_EMIT message(refusedOverrideMessage(*decision.applied, reply.error));
            m_connection->send(decision.continueCommand(),
                               {{QStringLiteral("request"), decision.requestId}}, {});
        });
}

} // namespace corslab::attach
