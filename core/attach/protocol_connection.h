#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <functional>

class QWebSocket;

namespace corslab::attach {

/// \brief One WebSocket connection to a browser's remote protocol: the Chrome DevTools protocol
/// or WebDriver BiDi, whose framing is the same but for errors. Commands with their replies, and
/// every event, with the flat session (DevTools) each belongs to.
///
/// Connects without an Origin header (a browser started without --remote-allow-origins refuses a
/// handshake that sends one). A command's reply goes to its callback once; when the connection
/// closes, every waiting callback gets the error instead, so no caller waits forever.
class ProtocolConnection : public QObject
{
    Q_OBJECT

public:
    /// A command's answer: its "result", or the protocol's error message.
    struct Reply
    {
        QJsonObject result;
        QString error; ///< empty on success
        bool ok() const { return error.isEmpty(); }
    };
    using ReplyHandler = std::function<void(const Reply &)>;

    explicit ProtocolConnection(QObject *parent = nullptr);
    ~ProtocolConnection() override;

    /// Opens \a endpoint ("ws://127.0.0.1:9222/devtools/browser/<id>"): opened() or closed()
    /// follows.
    void open(const QUrl &endpoint);
    void close();
    bool isOpen() const;

    /// Sends \a method to the browser (empty \a sessionId) or to an attached target's session;
    /// \a onReply (may be empty) gets the answer.
    void send(const QString &method, const QJsonObject &params, const QString &sessionId = {},
              const ReplyHandler &onReply = {});

Q_SIGNALS:
    void opened();
    /// The connection ended (or could not be made); \a reason says why.
    void closed(const QString &reason);
    /// One event: "Network.requestWillBeSent" with its params, from \a sessionId ("" for the
    /// browser's own, and for every BiDi event).
    void eventReceived(const QString &sessionId, const QString &method, const QJsonObject &params);

private:
    void onMessage(const QString &text);
    void onDisconnected();
    void failPending(const QString &reason);
    /// The handshake failed (an answer that is not a WebSocket's, or none in time): the socket
    /// is dropped, so closed() follows with \a reason.
    void failToOpen(const QString &reason);

    QWebSocket *m_socket;
    int m_nextId = 1;
    QHash<int, ReplyHandler> m_pending;
    bool m_wasOpen = false;
    QTimer m_handshake{this}; ///< bounds the wait for the handshake (a child: moves with this)
    QString m_openError;      ///< why the handshake failed, when it did
};

} // namespace corslab::attach
