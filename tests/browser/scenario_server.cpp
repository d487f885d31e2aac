#include "scenario_server.h"

#include "scenario_page.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

HttpResponse status(int code)
{
    HttpResponse response;
    response.status = code;
    return response;
}

// The resolved scenario already lists Content-Length, so the connection adds nothing: the bytes
// on the wire are exactly what resolvedScenario() reports.
HttpResponse responseFromScenario(const QJsonObject &object)
{
    HttpResponse response;
    response.status = object.value(u"status"_s).toInt();
    for (const QJsonValue &pair : object.value(u"headers"_s).toArray()) {
        const QJsonArray nameValue = pair.toArray();
        response.headers.append(
            {nameValue[0].toString().toUtf8(), nameValue[1].toString().toUtf8()});
    }
    response.body = scenarioBody(response.status);
    return response;
}

// "/case/<id>/<k>" -> id and k; false for any other path.
bool parseCasePath(const QByteArray &path, QString *id, qsizetype *hop)
{
    const QList<QByteArray> parts = path.split('/');
    if (parts.size() != 4 || !parts[0].isEmpty() || parts[1] != "case" || parts[2].isEmpty() ||
        parts[3].isEmpty())
        return false;
    for (const char c : parts[3]) {
        if (c < '0' || c > '9')
            return false;
    }
    bool ok = false;
    *hop = parts[3].toLongLong(&ok);
    *id = QString::fromUtf8(parts[2]);
    return ok;
}

} // namespace

ScenarioServer::ScenarioServer(QObject *parent) : QObject(parent)
{
    acceptConnections(&m_pageServer, u"page"_s);
    acceptConnections(&m_targetServer, u"target"_s);
    acceptConnections(&m_otherServer, u"other"_s);
}

ScenarioServer::~ScenarioServer()
{
    stop();
}

bool ScenarioServer::start(const QList<BrowserCase> &cases, QString *error, ScenarioPorts ports)
{
    const struct
    {
        QTcpServer *server;
        quint16 port;
        const char *role;
    } listeners[] = {{&m_pageServer, ports.page, "page"},
                     {&m_targetServer, ports.target, "target"},
                     {&m_otherServer, ports.other, "other"}};
    for (const auto &listener : listeners) {
        // Loopback only: the harness must never be reachable from outside this machine.
        if (!listener.server->listen(QHostAddress::LocalHost, listener.port)) {
            *error = u"cannot listen for the %1 server on 127.0.0.1:%2: %3"_s.arg(
                QString::fromLatin1(listener.role), QString::number(listener.port),
                listener.server->errorString());
            stop();
            return false;
        }
    }
    m_origins.page = u"http://127.0.0.1:%1"_s.arg(m_pageServer.serverPort());
    m_origins.target = u"http://localhost:%1"_s.arg(m_targetServer.serverPort());
    m_origins.other = u"http://localhost:%1"_s.arg(m_otherServer.serverPort());

    if (!loadCases(cases, error)) {
        stop();
        return false;
    }
    return true;
}

bool ScenarioServer::loadCases(const QList<BrowserCase> &cases, QString *error)
{
    m_cases.clear();
    m_done = false;
    QList<PageCase> pageCases;
    for (const BrowserCase &browserCase : cases) {
        if (m_cases.contains(browserCase.id)) {
            *error = u"duplicate case id \""_s + browserCase.id + u'"';
            return false;
        }
        const std::optional<QJsonObject> resolved = resolveScenario(browserCase, m_origins, error);
        if (!resolved)
            return false;

        CaseEntry entry;
        entry.resolved = *resolved;
        entry.preflight = responseFromScenario(resolved->value(u"preflight"_s).toObject());
        for (const QJsonValue &redirect : resolved->value(u"redirects"_s).toArray())
            entry.redirects.append(responseFromScenario(redirect.toObject()));
        entry.response = responseFromScenario(resolved->value(u"response"_s).toObject());
        m_cases.insert(browserCase.id, entry);

        pageCases.append(
            {browserCase.id, browserCase.repeat, resolved->value(u"request"_s).toObject()});
    }
    m_pageHtml = scenarioPageHtml(pageCases);
    return true;
}

void ScenarioServer::stop()
{
    for (QTcpServer *server : {&m_pageServer, &m_targetServer, &m_otherServer}) {
        server->close();
        // Accepted sockets are children of their server; keep-alive ones would otherwise linger.
        for (QTcpSocket *socket : server->findChildren<QTcpSocket *>())
            socket->abort();
    }
}

QUrl ScenarioServer::pageUrl() const
{
    return QUrl(m_origins.page + u'/');
}

QJsonObject ScenarioServer::resolvedScenario(const QString &id) const
{
    return m_cases.value(id).resolved;
}

QList<ObservedRequest> ScenarioServer::requests(const QString &id) const
{
    return m_cases.value(id).requests;
}

void ScenarioServer::clearRequests()
{
    for (CaseEntry &entry : m_cases)
        entry.requests.clear();
    m_unmatched.clear();
}

bool ScenarioServer::hasResult(const QString &id) const
{
    return m_cases.value(id).hasResult;
}

QJsonArray ScenarioServer::attempts(const QString &id) const
{
    return m_cases.value(id).attempts;
}

void ScenarioServer::acceptConnections(QTcpServer *server, const QString &role)
{
    connect(server, &QTcpServer::newConnection, this, [this, server, role] {
        while (QTcpSocket *socket = server->nextPendingConnection()) {
            new HttpConnection(socket, [this, role](const HttpRequest &request) {
                return role == u"page"_s ? answerPage(request) : answerScenario(role, request);
            });
        }
    });
}

HttpResponse ScenarioServer::answerPage(const HttpRequest &request)
{
    const QByteArray path = request.path();
    if (path == "/" && (request.method == "GET" || request.method == "HEAD")) {
        HttpResponse page;
        page.headers = {{"Content-Type"_ba, "text/html; charset=utf-8"_ba},
                        {"Cache-Control"_ba, "no-store"_ba}};
        page.body = m_pageHtml;
        return page;
    }
    if (path == "/result" && request.method == "POST")
        return acceptResult(request);
    if (path == "/done" && request.method == "POST") {
        m_done = true;
        // Queued: listeners may tear the server down, and this reply has not been written yet.
        QTimer::singleShot(0, this, &ScenarioServer::finished);
        return status(204);
    }
    return status(404);
}

HttpResponse ScenarioServer::acceptResult(const HttpRequest &request)
{
    const QJsonObject result = QJsonDocument::fromJson(request.body).object();
    const QString id = result.value(u"id"_s).toString();
    auto entry = m_cases.find(id);
    if (entry == m_cases.end() || !result.value(u"attempts"_s).isArray())
        return status(400);
    entry->hasResult = true;
    entry->attempts = result.value(u"attempts"_s).toArray();
    Q_EMIT resultReceived(id);
    return status(204);
}

HttpResponse ScenarioServer::answerScenario(const QString &role, const HttpRequest &request)
{
    ObservedRequest observed{QString::fromLatin1(request.method), QString::fromUtf8(request.target),
                             role, request.headers};
    QString id;
    qsizetype hop = 0;
    auto entry = m_cases.end();
    if (parseCasePath(request.path(), &id, &hop))
        entry = m_cases.find(id);
    if (entry == m_cases.end()) {
        m_unmatched.append(observed);
        return status(404);
    }

    entry->requests.append(observed);
    // Methods are case-sensitive: only an exact "OPTIONS" is a preflight.
    if (request.method == "OPTIONS")
        return entry->preflight;
    if (hop < entry->redirects.size())
        return entry->redirects[hop];
    return entry->response;
}
