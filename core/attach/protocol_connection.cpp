#include "protocol_connection.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QWebSocket>

namespace corslab::attach {

namespace {
// A response body travels as one text message: allow large ones (the session caps what it keeps).
constexpr qint64 kMaxMessageBytes = qint64(256) << 20;
// A DevTools endpoint answers the handshake at once; something else may never answer.
constexpr int kHandshakeTimeoutMs = 10000;
/// DevTools: {id, result} or {id, error: {message}}; BiDi: {type: "success", id, result} or
/// {type: "error", id, error: "<code>", message}.
ProtocolConnection::Reply replyOf(const QJsonObject &message)
{
    const QJsonValue error = message.value(QStringLiteral("error"));
    if (error.isUndefined())
        return {message.value(QStringLiteral("result")).toObject(), {}};
    if (error.isString()) {
        const QString detail = message.value(QStringLiteral("message")).toString();
        return {{},
                detail.isEmpty() ? error.toString()
                                 : error.toString() + QStringLiteral(": ") + detail};
    }
    return {{},
            error.toObject()
                .value(QStringLiteral("message"))
                .toString(QStringLiteral("protocol error"))};
}
} // namespace

ProtocolConnection::ProtocolConnection(QObject *parent) : QObject(parent), m_socket(new QWebSocket)
{
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(kMaxMessageBytes));
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_handshake.stop();
        m_wasOpen = true;
        Q_EMIT opened();
    });
    // A server that answers the handshake with anything but a WebSocket upgrade (an HTTP
    // server, a wrong path) leaves the socket open: without this, closed() would never come.
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    const auto errorSignal = &QWebSocket::errorOccurred;
#else
    const auto errorSignal = qOverload<QAbstractSocket::SocketError>(&QWebSocket::error);
#endif
    connect(m_socket, errorSignal, this, [this] {
        if (!m_wasOpen)
            failToOpen(m_socket->errorString());
    });
    m_handshake.setSingleShot(true);
    m_handshake.setInterval(kHandshakeTimeoutMs);
    connect(&m_handshake, &QTimer::timeout, this, [this] {
        failToOpen(QStringLiteral("no WebSocket handshake within %1 s: not a browser's debugging "
                                  "endpoint?")
                       .arg(kHandshakeTimeoutMs / 1000));
    });
    connect(m_socket, &QWebSocket::disconnected, this, &ProtocolConnection::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &ProtocolConnection::onMessage);
}

ProtocolConnection::~ProtocolConnection()
{
    // No callbacks into owners that are being destroyed.
    m_socket->disconnect(this);
    m_pending.clear();
}

void ProtocolConnection::open(const QUrl &endpoint)
{
    m_wasOpen = false;
    m_openError.clear();
    m_handshake.start();
    m_socket->open(QNetworkRequest(endpoint));
}

void ProtocolConnection::failToOpen(const QString &reason)
{
    m_handshake.stop();
    if (m_openError.isEmpty())
        m_openError = reason;
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
}

void ProtocolConnection::close()
{
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->close();
}

bool ProtocolConnection::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void ProtocolConnection::send(const QString &method, const QJsonObject &params,
                              const QString &sessionId, const ReplyHandler &onReply)
{
    if (!isOpen()) {
        if (onReply)
            onReply(Reply{{}, QStringLiteral("not connected to the browser")});
        return;
    }
    const int id = m_nextId++;
    QJsonObject message{{QStringLiteral("id"), id},
                        {QStringLiteral("method"), method},
                        {QStringLiteral("params"), params}};
    if (!sessionId.isEmpty())
        message.insert(QStringLiteral("sessionId"), sessionId);
    if (onReply)
        m_pending.insert(id, onReply);
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void ProtocolConnection::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QJsonValue id = message.value(QStringLiteral("id"));
    if (!id.isUndefined()) {
        const ReplyHandler handler = m_pending.take(id.toInt());
        if (!handler)
            return;
        handler(replyOf(message));
        return;
    }
    const QString method = message.value(QStringLiteral("method")).toString();
    if (!method.isEmpty())
        Q_EMIT eventReceived(message.value(QStringLiteral("sessionId")).toString(), method,
                             message.value(QStringLiteral("params")).toObject());
}

void ProtocolConnection::onDisconnected()
{
    m_handshake.stop();
    QString reason = m_wasOpen || m_openError.isEmpty() ? m_socket->errorString() : m_openError;
    if (!m_wasOpen)
        reason = reason.isEmpty() ? QStringLiteral("cannot connect")
                                  : QStringLiteral("cannot connect: ") + reason;
    else if (m_socket->closeCode() == QWebSocketProtocol::CloseCodeNormal || reason.isEmpty())
        reason = QStringLiteral("the browser closed the debugging connection");
    failPending(reason);
    Q_EMIT closed(reason);
}

void ProtocolConnection::failPending(const QString &reason)
{
    const QHash<int, ReplyHandler> pending = std::exchange(m_pending, {});
    for (const ReplyHandler &handler : pending)
        handler(Reply{{}, reason});
}

} // namespace corslab::attach
