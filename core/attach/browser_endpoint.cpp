#include "browser_endpoint.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace corslab::attach {

namespace {
constexpr int kLookupTimeoutMs = 5000;

// Firefox's Remote Agent serves WebDriver BiDi on the debugging port from its own small HTTP
// server (httpd.js), which has no /json/version.
bool isFirefoxRemoteAgent(const QNetworkReply &reply)
{
    return reply.error() == QNetworkReply::ContentNotFoundError &&
           reply.rawHeader("Server").startsWith("httpd.js");
}
} // namespace

QUrl firefoxBidiEndpoint(const QString &hostAndPort)
{
    return QUrl(QStringLiteral("ws://%1/session").arg(hostAndPort));
}

bool isBidiEndpoint(const QUrl &endpoint)
{
    return endpoint.path() == QLatin1String("/session");
}

QString remoteDebuggingAdvice(quint16 port)
{
    return QStringLiteral(
               "start the browser with --remote-debugging-port=%1 (and, for Chrome 136 or later, "
               "--user-data-dir=<a profile directory of its own>; Firefox takes the same flag); "
               "while it runs, any program on this machine can read and control that browser "
               "through the port")
        .arg(port);
}

BrowserEndpointLookup::BrowserEndpointLookup(QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this))
{
    m_network->setProxy(QNetworkProxy::NoProxy); // the browser's port is on this machine
}

void BrowserEndpointLookup::lookUp(const QString &host, quint16 port)
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/json/version"));
    QNetworkRequest request(url);
    request.setTransferTimeout(kLookupTimeoutMs);
    QNetworkReply *reply = m_network->get(request);
    const QString where = QStringLiteral("%1:%2").arg(host).arg(port);
    connect(reply, &QNetworkReply::finished, this, [this, reply, where, port] {
        reply->deleteLater();
        if (isFirefoxRemoteAgent(*reply)) {
            Q_EMIT found(firefoxBidiEndpoint(where), QStringLiteral("Firefox"));
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            Q_EMIT failed(QStringLiteral("no browser's DevTools endpoint answers on %1 (%2): %3")
                              .arg(where, reply->errorString(), remoteDebuggingAdvice(port)));
            return;
        }
        const QJsonObject version = QJsonDocument::fromJson(reply->readAll()).object();
        const QUrl socket(version.value(QStringLiteral("webSocketDebuggerUrl")).toString());
        if (!socket.isValid() || socket.scheme() != QLatin1String("ws")) {
            Q_EMIT failed(QStringLiteral("%1 answered, but not as a browser's debugging endpoint "
                                         "(no webSocketDebuggerUrl in /json/version)")
                              .arg(where));
            return;
        }
        Q_EMIT found(socket, version.value(QStringLiteral("Browser")).toString());
    });
}

} // namespace corslab::attach
