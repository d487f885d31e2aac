#include "fetch_overrides.h"

#include "devtools_values.h"
#include "protocol_connection.h"

#include <QJsonArray>

namespace corslab::attach {

namespace {
// A rule's glob as a Fetch pattern: '*' means the same there; '?' and '\' are wildcards or the
// escape in a pattern, so they are escaped.
QString escapedGlob(const QString &glob)
{
    QString out;
    out.reserve(glob.size());
    for (const QChar c : glob) {
        if (c == u'?' || c == u'\\')
            out += u'\\';
        out += c;
    }
    return out;
}

// The authorities a URL of the rule's host may show: Chromium leaves a scheme's default port out
// of its URLs, while a rule written with a port matches that port spelled out.
QStringList authorityPatterns(const QString &hostGlob)
{
    QString host, port;
    splitHostGlob(hostGlob.toLower(), &host, &port);
    host = escapedGlob(host);
    if (port.isEmpty())
        return {host, host + QStringLiteral(":*")};
    QStringList out{host + u':' + escapedGlob(port)};
    const QByteArray portGlob = port.toLatin1();
    if (proxy::globMatches(portGlob, "80", false) || proxy::globMatches(portGlob, "443", false))
        out.append(host);
    return out;
}

// A URL's path starts with '/' and is followed by its query, which the rule's path glob does not
// see: the pattern lets any query through.
QString pathPattern(const QString &pathGlob)
{
    QString path = escapedGlob(pathGlob);
    if (!path.startsWith(u'/'))
        path.prepend(u'/'); // "*.json" matches "/a.json": its '*' takes the '/'
    if (!path.endsWith(u'*'))
        path += u'*';
    return path;
}

QJsonArray headersArray(const base::HeaderList &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers)
        out.append(QJsonObject{{QStringLiteral("name"), headerText(name)},
                               {QStringLiteral("value"), headerText(value)}});
    return out;
}

base::HeaderList headersFromArray(const QJsonArray &entries)
{
    base::HeaderList out;
    for (const QJsonValue entry : entries) {
        const QJsonObject header = entry.toObject();
        out.append({headerBytes(stringAt(header, "name")), headerBytes(stringAt(header, "value"))});
    }
    return out;
}

// At the Response stage, the server's status and headers as the rule changes them.
void decideResponseStage(const proxy::OverrideSet &rules, const PausedRequest &request,
                         const QJsonObject &paused, PausedDecision &decision)
{
    const int serverStatus = paused.value(QStringLiteral("responseStatusCode")).toInt();
    decision.applied = changedResponse(
        rules, request, serverStatus,
        headersFromArray(paused.value(QStringLiteral("responseHeaders")).toArray()));
    if (!decision.applied)
        return;
    decision.action = PausedDecision::Action::ChangeResponse;
    if (decision.applied->status == serverStatus)
        decision.phrase = stringAt(paused, "responseStatusText");
}

QString stageName(FetchStage stage)
{
    return stage == FetchStage::Request ? QStringLiteral("Request") : QStringLiteral("Response");
}

QJsonObject enableParams(const QList<FetchPattern> &patterns)
{
    QJsonArray list;
    for (const FetchPattern &p : patterns)
        list.append(QJsonObject{{QStringLiteral("urlPattern"), p.urlPattern},
                                {QStringLiteral("requestStage"), stageName(p.stage)}});
    return {{QStringLiteral("patterns"), list}};
}

// A dedicated worker's session has no Fetch domain ("'Fetch.enable' wasn't found"); its page's
// session pauses the worker's requests.
bool lacksFetchDomain(const ProtocolConnection::Reply &reply)
{
    return reply.error.contains(QLatin1String("wasn't found"));
}

} // namespace

QList<FetchPattern> fetchPatterns(const proxy::OverrideSet &rules)
{
    QList<FetchPattern> out;
    const auto add = [&out](const FetchPattern &pattern) {
        if (!out.contains(pattern))
            out.append(pattern);
    };
    for (const proxy::OverrideRule &rule : rules.rules()) {
        if (!rule.enabled)
            continue;
        const QString path = pathPattern(rule.path);
        for (const QString &authority : authorityPatterns(rule.host)) {
            const QString url = QStringLiteral("*://") + authority + path;
            if (rule.answerPreflights)
                add({url, FetchStage::Request});
            add({url, FetchStage::Response});
        }
    }
    return out;
}

QString PausedDecision::command() const
{
    switch (action) {
    case Action::AnswerPreflight:
        return QStringLiteral("Fetch.fulfillRequest");
    case Action::ChangeResponse:
        return QStringLiteral("Fetch.continueResponse");
    case Action::Continue:
        break;
    }
    return QStringLiteral("Fetch.continueRequest");
}

QJsonObject PausedDecision::params() const
{
    QJsonObject params{{QStringLiteral("requestId"), requestId}};
    if (action == Action::Continue || !applied)
        return params;
    params.insert(QStringLiteral("responseCode"), applied->status);
    params.insert(QStringLiteral("responseHeaders"), headersArray(applied->headers));
    if (!phrase.isEmpty())
        params.insert(QStringLiteral("responsePhrase"), phrase);
    return params;
}

PausedDecision decidePaused(const proxy::OverrideSet &rules, const QJsonObject &paused)
{
    PausedDecision decision;
    decision.requestId = stringAt(paused, "requestId");
    decision.networkId = stringAt(paused, "networkId");
    // A response that failed on the network has no head to change.
    if (rules.isEmpty() || paused.contains(QStringLiteral("responseErrorReason")))
        return decision;
    const QJsonObject sent = objectAt(paused, "request");
    const std::optional<PausedRequest> request =
        pausedRequest(headerBytes(stringAt(sent, "method")), stringAt(sent, "url").toUtf8(),
                      headersFromObject(objectAt(sent, "headers")));
    if (!request)
        return decision;
    if (paused.contains(QStringLiteral("responseStatusCode"))) {
        decideResponseStage(rules, *request, paused, decision);
    } else if ((decision.applied = localPreflightAnswer(rules, *request))) {
        decision.action = PausedDecision::Action::AnswerPreflight;
    }
    return decision;
}

FetchOverrides::FetchOverrides(ProtocolConnection *connection, QObject *parent)
    : RuleInstaller(parent), m_connection(connection)
{
}

void FetchOverrides::addSession(const QString &sessionId, const std::function<void()> &ready)
{
    m_sessions.insert(sessionId);
    if (rules().isEmpty()) {
        ready();
        return;
    }
    applyIn(sessionId, ready);
}

void FetchOverrides::removeSession(const QString &sessionId)
{
    m_sessions.remove(sessionId);
    m_withoutFetch.remove(sessionId);
}

void FetchOverrides::forget()
{
    m_sessions.clear();
    m_withoutFetch.clear();
    m_unanswered = 0;
    ++m_connectionGeneration;
    forgetRules();
}

void FetchOverrides::install()
{
    for (const QString &sessionId : std::as_const(m_sessions))
        applyIn(sessionId, {});
    if (m_unanswered == 0)
        Q_EMIT rulesApplied();
}

void FetchOverrides::applyIn(const QString &sessionId, const std::function<void()> &done)
{
    if (m_withoutFetch.contains(sessionId)) {
        if (done)
            done();
        return;
    }
    const QList<FetchPattern> patterns = fetchPatterns(rules());
    const bool enable = !patterns.isEmpty();
    ++m_unanswered;
    m_connection->send(
        enable ? QStringLiteral("Fetch.enable") : QStringLiteral("Fetch.disable"),
        enable ? enableParams(patterns) : QJsonObject{}, sessionId,
        [this, sessionId, done,
         generation = m_connectionGeneration](const ProtocolConnection::Reply &reply) {
            if (generation != m_connectionGeneration)
                return; // the connection it went to is gone
            if (lacksFetchDomain(reply))
                m_withoutFetch.insert(sessionId);
            else if (!reply.ok() && m_connection->isOpen() && m_sessions.contains(sessionId))
                Q_EMIT message(QStringLiteral("The override rules cannot be applied in a tab: %1")
                                   .arg(reply.error));
            if (done)
                done();
            if (--m_unanswered == 0 && m_connection->isOpen())
                Q_EMIT rulesApplied();
        });
}

void FetchOverrides::handlePaused(const QString &sessionId, const QJsonObject &params)
{
    const PausedDecision decision = decidePaused(rules(), params);
    if (decision.requestId.isEmpty())
        return;
    m_connection->send(
        decision.command(), decision.params(), sessionId,
        [this, sessionId, decision](const ProtocolConnection::Reply &reply) {
            if (reply.ok()) {
                if (decision.applied)
                    Q_EMIT overrideApplied(decision.networkId, *decision.applied);
                return;
            }
            // The request is gone (its tab closed, the connection dropped, Fetch disabled).
            if (decision.action == PausedDecision::Action::Continue || !m_connection->isOpen())
                return;
            // Refused: the request is still paused, and goes on as the page sent it.
            Q_EMIT message(refusedOverrideMessage(*decision.applied, reply.error));
            m_connection->send(QStringLiteral("Fetch.continueRequest"),
                               {{QStringLiteral("requestId"), decision.requestId}}, sessionId);
        });
}

} // namespace corslab::attach
