// A contract from a recording: each distinct request the page made becomes a rule that promises
// what the page saw.
#include "contract_init.h"

#include "cors/origin.h"
#include "recorded_requests.h"
#include "report/har_import.h"
#include "session/session.h"
#include "session/session_json.h"
#include "session/session_store.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace corslab::check {

namespace {

ContractRule ruleFor(const RecordedRequest &r)
{
    ContractRule rule;
    rule.url = QString::fromUtf8(r.key.url);
    rule.origins = {r.key.origin};
    rule.methods = {r.key.method};
    rule.headers = r.headers;
    rule.credentials = r.credentials;
    const Observation &o = r.observation;
    rule.expect = o.exposed ? Expectation::Exposed : Expectation::Blocked;
    if (!o.exposed)
        rule.error = o.error;
    // Only an answer that names the origin needs Vary: a '*' is the same for everyone.
    rule.varyOrigin = o.exposed && o.varyOrigin && r.allowOrigin.trimmed() != "*";
    return rule;
}

/// "https://api.example.com" when every rule's URL is under it, else empty.
QString commonBase(const QList<ContractRule> &rules)
{
    QString base;
    for (const ContractRule &rule : rules) {
        const QUrl url(rule.url);
        const QString origin = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString();
        if (!base.isEmpty() && origin != base)
            return {};
        base = origin;
    }
    return base;
}

void useBase(Contract *contract)
{
    const QString base = commonBase(contract->rules);
    if (base.isEmpty())
        return;
    contract->baseUrl = base;
    for (ContractRule &rule : contract->rules)
        rule.url = QUrl(rule.url).path(QUrl::FullyEncoded);
}

// The members the workspace adds to a session file (policy, override rules): carried, not read.
session::SessionExtensions ignoredExtensions()
{
    const auto any = [](const QJsonValue &, const QString &, QString *) { return true; };
    return {{QStringLiteral("policy"), any}, {QStringLiteral("overrideRules"), any}};
}

bool isHar(const QByteArray &data)
{
    const QJsonDocument document = QJsonDocument::fromJson(data);
    return document.isObject() && document.object().contains(QStringLiteral("log"));
}

/// A page origin a contract can name: http(s), not "null" (a sandboxed page) nor missing.
bool isPageOrigin(const QByteArray &origin)
{
    cors::Origin parsed;
    QString why;
    return cors::Origin::parse(QString::fromLatin1(origin), &parsed, &why) && parsed.isHttpFamily();
}

bool setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

} // namespace

Contract contractFromSession(const session::Session &session, const QList<QByteArray> &onlyOrigins)
{
    Contract contract;
    contract.browsers = {session.profile().name};
    for (const RecordedRequest &r : recordedRequests(session)) {
        if (!r.observation.networkFailure.isEmpty() || !isPageOrigin(r.key.origin) ||
            (!onlyOrigins.isEmpty() && !onlyOrigins.contains(r.key.origin)))
            continue;
        contract.rules.append(ruleFor(r));
    }
    useBase(&contract);
    return contract;
}

bool loadRecording(const QString &path, session::Session *session, QString *error)
{
    if (session::SessionStore::isStore(path))
        return session::SessionStore::open(path, session::SessionStore::Mode::ReadOnly, {}, session,
                                           ignoredExtensions(), nullptr, nullptr, error);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return setError(error, QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray data = file.readAll();
    QString why;
    const bool loaded =
        isHar(data) ? report::loadHar(data, session, &why)
                    : session::readSession(data, session, ignoredExtensions(), nullptr, &why);
    return loaded || setError(error, path + QStringLiteral(": ") + why);
}

bool contractFromFile(const QString &path, const QList<QByteArray> &onlyOrigins, Contract *out,
                      QString *error)
{
    session::Session session;
    if (!loadRecording(path, &session, error))
        return false;
    Contract contract = contractFromSession(session, onlyOrigins);
    if (contract.rules.isEmpty())
        return setError(error,
                        QStringLiteral("%1: no cross-origin request with a response%2 in the "
                                       "recording")
                            .arg(path, onlyOrigins.isEmpty()
                                           ? QString()
                                           : QStringLiteral(" from the origins given")));
    *out = contract;
    return true;
}

QList<CaseResult> judgeRecording(const session::Session &session, const QList<ContractCase> &cases)
{
    const QList<Observation> observations = observationsFromSession(session, cases);
    QList<CaseResult> results;
    for (qsizetype i = 0; i < cases.size(); ++i)
        results.append(judgeCase(cases.at(i), observations.at(i)));
    return results;
}

} // namespace corslab::check
