#include "browser_harness.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QTimer>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

BrowserAttempt attemptFromJson(const QJsonObject &json)
{
    BrowserAttempt attempt;
    attempt.resolved = json.value(u"resolved"_s).toBool();
    attempt.status = json.value(u"status"_s).toInt();
    attempt.type = json.value(u"type"_s).toString();
    for (const QJsonValue &name : json.value(u"headers"_s).toArray())
        attempt.readableHeaders.append(name.toString());
    attempt.error = json.value(u"error"_s).toString();
    attempt.finalUrl = json.value(u"url"_s).toString();
    return attempt;
}

QJsonArray headersToJson(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return array;
}

} // namespace

int BrowserObservation::preflightCount() const
{
    return static_cast<int>(std::count_if(requests.begin(), requests.end(),
                                          [](const auto &r) { return r.method == u"OPTIONS"_s; }));
}

int BrowserObservation::actualCount() const
{
    return static_cast<int>(requests.size()) - preflightCount();
}

bool runInBrowser(BrowserRunner &runner, const QList<BrowserCase> &cases,
                  QList<BrowserObservation> *out, QString *error, int timeoutMs)
{
    out->clear();
    if (!runner.isAvailable()) {
        *error = runner.name() + u" is not installed"_s;
        return false;
    }

    ScenarioServer server;
    if (!server.start(cases, error))
        return false;
    const bool ok = runInBrowser(runner, server, cases, out, error, timeoutMs);
    server.stop();
    return ok;
}

bool runInBrowser(BrowserRunner &runner, ScenarioServer &server, const QList<BrowserCase> &cases,
                  QList<BrowserObservation> *out, QString *error, int timeoutMs)
{
    out->clear();
    if (!runner.isAvailable()) {
        *error = runner.name() + u" is not installed"_s;
        return false;
    }
    if (!runner.open(server.pageUrl(), error))
        return false;

    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&server, &ScenarioServer::finished, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    if (!server.isDone())
        loop.exec();
    runner.stop();

    int reported = 0;
    for (const BrowserCase &browserCase : cases) {
        BrowserObservation observation;
        observation.id = browserCase.id;
        observation.resolvedScenario = server.resolvedScenario(browserCase.id);
        observation.requests = server.requests(browserCase.id);
        observation.completed = server.hasResult(browserCase.id);
        for (const QJsonValue &attempt : server.attempts(browserCase.id))
            observation.attempts.append(attemptFromJson(attempt.toObject()));
        reported += observation.completed ? 1 : 0;
        out->append(observation);
    }

    if (!server.isDone()) {
        *error = u"%1 did not finish the page within %2 ms (%3 of %4 cases reported)"_s.arg(
            runner.name(), QString::number(timeoutMs), QString::number(reported),
            QString::number(cases.size()));
        return false;
    }
    return true;
}

QJsonObject observationToJson(const BrowserObservation &observation)
{
    QJsonArray attempts;
    for (const BrowserAttempt &attempt : observation.attempts) {
        QJsonObject json{{u"resolved"_s, attempt.resolved}};
        if (attempt.resolved) {
            json.insert(u"status"_s, attempt.status);
            json.insert(u"type"_s, attempt.type);
            json.insert(u"readableHeaders"_s, QJsonArray::fromStringList(attempt.readableHeaders));
            json.insert(u"finalUrl"_s, attempt.finalUrl);
        } else {
            json.insert(u"error"_s, attempt.error);
        }
        attempts.append(json);
    }
    QJsonArray requests;
    for (const ObservedRequest &request : observation.requests) {
        requests.append(QJsonObject{{u"server"_s, request.server},
                                    {u"method"_s, request.method},
                                    {u"path"_s, request.path},
                                    {u"headers"_s, headersToJson(request.headers)}});
    }
    return {{u"id"_s, observation.id},
            {u"completed"_s, observation.completed},
            {u"preflightCount"_s, observation.preflightCount()},
            {u"actualCount"_s, observation.actualCount()},
            {u"attempts"_s, attempts},
            {u"requests"_s, requests},
            {u"resolvedScenario"_s, observation.resolvedScenario}};
}
