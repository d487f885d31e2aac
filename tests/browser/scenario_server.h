#pragma once

#include "browser_case.h"
#include "http_connection.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

/// One request as a scenario server received it.
struct ObservedRequest
{
    QString method;
    QString path;                                 ///< The request-target, query included.
    QString server;                               ///< "target" or "other".
    QList<QPair<QByteArray, QByteArray>> headers; ///< In order, names spelled as the browser sent.
};

/// Listening ports of a ScenarioServer; 0 picks an ephemeral port.
struct ScenarioPorts
{
    quint16 page = 0;
    quint16 target = 0;
    quint16 other = 0;
};

/// \brief Loopback HTTP servers that play the scenarios of a browser run.
///
/// Three listeners on 127.0.0.1:
///  - page   (http://127.0.0.1:P1): serves the generated page at "/", takes POST /result (one
///    {id, attempts} JSON per case) and POST /done;
///  - target (http://localhost:P2) and other (http://localhost:P3): answer /case/<id>/<k> from
///    the case's scenario — OPTIONS gets the preflight (404 without one), hop k < redirects.size()
///    gets redirects[k], anything else gets the response — with exactly the scenario's headers
///    plus Content-Length, and record every request per case.
class ScenarioServer : public QObject
{
    Q_OBJECT

public:
    explicit ScenarioServer(QObject *parent = nullptr);
    ~ScenarioServer() override;

    /// Listens and loads \a cases. Returns false and sets \a error when a port cannot be bound or
    /// a case is invalid (see resolveScenario()); nothing is left listening then.
    bool start(const QList<BrowserCase> &cases, QString *error, ScenarioPorts ports = {});
    /// Stops listening and drops open connections. Recorded data stays available.
    void stop();

    HarnessOrigins origins() const { return m_origins; }
    /// The page to open in the browser: {ORIGIN}/.
    QUrl pageUrl() const;

    /// The scenario after placeholder substitution, with the Content-Length header the server
    /// really sends appended to every response header list (and the implicit 404 preflight made
    /// explicit). Empty for an unknown id.
    QJsonObject resolvedScenario(const QString &id) const;
    /// What the target and other servers received for case \a id, in arrival order.
    QList<ObservedRequest> requests(const QString &id) const;
    /// Forgets every request recorded so far (per case and unmatched); results stay.
    void clearRequests();
    /// Requests to the target/other servers that matched no case (should stay empty).
    QList<ObservedRequest> unmatchedRequests() const { return m_unmatched; }
    /// True once the page has posted the result of case \a id.
    bool hasResult(const QString &id) const;
    /// The "attempts" array the page posted for case \a id.
    QJsonArray attempts(const QString &id) const;
    /// True once the page has posted /done.
    bool isDone() const { return m_done; }

Q_SIGNALS:
    void resultReceived(const QString &id);
    /// The page posted /done (emitted after the reply is on its way).
    void finished();

private:
    struct CaseEntry
    {
        QJsonObject resolved;
        HttpResponse preflight;
        QList<HttpResponse> redirects;
        HttpResponse response;
        QList<ObservedRequest> requests;
        bool hasResult = false;
        QJsonArray attempts;
    };

    bool loadCases(const QList<BrowserCase> &cases, QString *error);
    void acceptConnections(QTcpServer *server, const QString &role);
    HttpResponse answerPage(const HttpRequest &request);
    HttpResponse answerScenario(const QString &role, const HttpRequest &request);
    HttpResponse acceptResult(const HttpRequest &request);

    QTcpServer m_pageServer;
    QTcpServer m_targetServer;
    QTcpServer m_otherServer;
    HarnessOrigins m_origins;
    QByteArray m_pageHtml;
    QHash<QString, CaseEntry> m_cases;
    QList<ObservedRequest> m_unmatched;
    bool m_done = false;
};
