#include "cdp_connection.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QWebSocket>

namespace corslab::attach {

namespace {
// A response body travels as one text message: allow large ones (the session caps what it keeps).
constexpr qint64 kMaxMessageBytes = qint64(256) << 20;
} // namespace

CdpConnection::CdpConnection(QObject *parent) : QObject(parent), m_socket(new QWebSocket)
{
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(kMaxMessageBytes));
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_wasOpen = true;
        Q_EMIT opened();
    });
    connect(m_socket, &QWebSocket::disconnected, this, &CdpConnection::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &CdpConnection::onMessage);
}

CdpConnection::~CdpConnection()
{
    // No callbacks into owners that are being destroyed.
    m_socket->disconnect(this);
    m_pending.clear();
}

void CdpConnection::open(const QUrl &endpoint)
{
    m_wasOpen = false;
    m_socket->open(QNetworkRequest(endpoint));
}

void CdpConnection::close()
{
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->close();
}

bool CdpConnection::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void CdpConnection::send(const QString &method, const QJsonObject &params, const QString &sessionId,
                         const ReplyHandler &onReply)
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

void CdpConnection::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QJsonValue id = message.value(QStringLiteral("id"));
    if (!id.isUndefined()) {
        const ReplyHandler handler = m_pending.take(id.toInt());
        if (!handler)
            return;
        const QJsonObject error = message.value(QStringLiteral("error")).toObject();
        handler(error.isEmpty() ? Reply{message.value(QStringLiteral("result")).toObject(), {}}
                                : Reply{{},
                                        error.value(QStringLiteral("message"))
                                            .toString(QStringLiteral("protocol error"))});
        return;
    }
    const QString method = message.value(QStringLiteral("method")).toString();
    if (!method.isEmpty())
        Q_EMIT event(message.value(QStringLiteral("sessionId")).toString(), method,
                     message.value(QStringLiteral("params")).toObject());
}

void CdpConnection::onDisconnected()
{
    QString reason = m_socket->errorString();
    if (m_socket->closeCode() == QWebSocketProtocol::CloseCodeNormal || reason.isEmpty())
        reason = m_wasOpen ? QStringLiteral("the browser closed the DevTools connection")
                           : QStringLiteral("cannot connect");
    else if (!m_wasOpen)
        reason = QStringLiteral("cannot connect: ") + reason;
    failPending(reason);
    Q_EMIT closed(reason);
}

void CdpConnection::failPending(const QString &reason)
{
    const QHash<int, ReplyHandler> pending = std::exchange(m_pending, {});
    for (const ReplyHandler &handler : pending)
        handler(Reply{{}, reason});
}

} // namespace corslab::attach
