#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace corslab::attach {

/// The DevTools port Chromium-family browsers are usually started with (--remote-debugging-port).
constexpr quint16 kDefaultDevToolsPort = 9222;

/// \brief Finds a running browser's WebSocket from its debugging port: asks
/// http://HOST:PORT/json/version, where a Chromium-family browser names itself and its DevTools
/// webSocketDebuggerUrl; Firefox's Remote Agent answers 404 from its own server, and its
/// WebDriver BiDi endpoint is ws://HOST:PORT/session.
class BrowserEndpointLookup : public QObject
{
    Q_OBJECT

public:
    explicit BrowserEndpointLookup(QObject *parent = nullptr);

    /// Asks \a host:\a port; found() or failed() follows (within a few seconds).
    void lookUp(const QString &host, quint16 port);

Q_SIGNALS:
    void found(const QUrl &webSocketUrl, const QString &product);
    /// \a reason says what to do: "nothing listens on 127.0.0.1:9222: start the browser with ..."
    void failed(const QString &reason);

private:
    QNetworkAccessManager *m_network;
};

/// Firefox's WebDriver BiDi endpoint on \a hostAndPort ("127.0.0.1:9222").
QUrl firefoxBidiEndpoint(const QString &hostAndPort);
/// True for a WebDriver BiDi endpoint (ws://…/session) rather than a DevTools one.
bool isBidiEndpoint(const QUrl &endpoint);

/// How to start a browser so that CORS Lab can attach, and what that means for security.
QString remoteDebuggingAdvice(quint16 port);

} // namespace corslab::attach
