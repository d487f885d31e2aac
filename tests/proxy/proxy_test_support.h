#pragma once
// Loopback peers for the proxy tests: a scripted upstream on a thread of its own (plain or TLS)
// that answers with exactly the bytes a test writes, and a blocking raw client.
#include "http/http_message.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <atomic>
#include <functional>
#include <memory>

namespace proxytest {

/// One request as the upstream received it (head and Content-Length body).
struct ReceivedRequest
{
    QByteArray head;
    QByteArray body;
    QByteArray requestLine() const { return head.left(head.indexOf("\r\n")); }
    QByteArray header(QByteArrayView name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 &&
                QByteArrayView(line).first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }
};

/// \brief An origin server whose every answer is scripted: the script gets the socket and the
/// request and writes what it wants (or aborts). Runs on its own thread with its own loop.
class ScriptedUpstream
{
public:
    using Script = std::function<void(QTcpSocket *, const ReceivedRequest &)>;

    explicit ScriptedUpstream(Script script, std::optional<QSslConfiguration> tls = std::nullopt)
        : m_script(std::move(script)), m_tls(std::move(tls))
    {
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                QTcpServer *server;
                if (m_tls) {
                    auto *ssl = new QSslServer(m_context);
                    ssl->setSslConfiguration(*m_tls);
                    server = ssl;
                } else {
                    server = new QTcpServer(m_context);
                }
                server->listen(QHostAddress::LocalHost, 0);
                m_port = server->serverPort();
                QObject::connect(server, &QTcpServer::pendingConnectionAvailable, m_context,
                                 [this, server] {
                                     while (QTcpSocket *s = server->nextPendingConnection())
                                         serve(s);
                                 });
            },
            Qt::BlockingQueuedConnection);
    }
    ~ScriptedUpstream()
    {
        QMetaObject::invokeMethod(
            m_context, [this] { delete m_context; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    int connections() const { return m_connections; }
    int requests() const { return m_requests; }
    QList<ReceivedRequest> received() const
    {
        QMutexLocker lock(&m_mutex);
        return m_received;
    }

private:
    void serve(QTcpSocket *socket)
    {
        ++m_connections;
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            for (;;) {
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                ReceivedRequest r;
                r.head = buffer->left(end + 4);
                const qsizetype length = r.header("content-length").toLongLong();
                if (buffer->size() < end + 4 + length)
                    return;
                r.body = buffer->mid(end + 4, length);
                buffer->remove(0, end + 4 + length);
                ++m_requests;
                {
                    QMutexLocker lock(&m_mutex);
                    m_received.append(r);
                }
                m_script(socket, r);
                if (socket->state() != QAbstractSocket::ConnectedState)
                    return;
            }
        });
    }

    Script m_script;
    std::optional<QSslConfiguration> m_tls;
    QThread m_thread;
    QObject *m_context = nullptr;
    quint16 m_port = 0;
    std::atomic<int> m_connections{0};
    std::atomic<int> m_requests{0};
    mutable QMutex m_mutex;
    QList<ReceivedRequest> m_received;
};

/// A response as a raw client read it.
struct RawResponse
{
    bool complete = false; ///< head and whole body read
    int status = 0;
    QByteArray head;
    corslab::base::HeaderList headers;
    QByteArray body;    ///< decoded
    QByteArray rawBody; ///< as framed on the wire
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

/// Reads one response from \a socket: Content-Length, chunked, or up to the close. \a buffer
/// holds bytes read before (a pipelined response's start) and keeps what follows this response.
inline RawResponse readResponseFrom(QAbstractSocket &socket, QByteArray &buffer,
                                    bool headRequest = false, int timeoutMs = 10000)
{
    QElapsedTimer timer;
    timer.start();
    RawResponse r;
    auto more = [&] {
        if (socket.bytesAvailable() > 0 || socket.waitForReadyRead(20)) {
            buffer += socket.read(1 << 20);
            return true;
        }
        return timer.elapsed() < timeoutMs && socket.state() == QAbstractSocket::ConnectedState;
    };
    qsizetype end;
    while ((end = buffer.indexOf("\r\n\r\n")) < 0) {
        if (!more())
            return r;
    }
    r.head = buffer.left(end + 4);
    buffer.remove(0, end + 4);
    const QList<QByteArray> lines = r.head.trimmed().split('\n');
    r.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        r.headers.append({line.first(colon), line.sliced(colon + 1).trimmed()});
    }
    if (headRequest || r.status == 204 || r.status == 304 || r.status < 200) {
        r.complete = true;
        return r;
    }
    if (r.header("transfer-encoding").contains("chunked")) {
        qsizetype pos = 0;
        for (;;) {
            qsizetype lineEnd;
            while ((lineEnd = buffer.indexOf("\r\n", pos)) < 0) {
                if (!more())
                    return r;
            }
            const qsizetype size =
                buffer.mid(pos, lineEnd - pos).split(';').value(0).toLongLong(nullptr, 16);
            if (size == 0) {
                qsizetype trailerEnd;
                while ((trailerEnd = buffer.indexOf("\r\n\r\n", pos)) < 0 &&
                       !buffer.mid(lineEnd).startsWith("\r\n\r\n")) {
                    if (!more())
                        return r;
                }
                const qsizetype stop =
                    buffer.mid(lineEnd).startsWith("\r\n\r\n") ? lineEnd + 4 : trailerEnd + 4;
                r.rawBody = buffer.left(stop);
                buffer.remove(0, stop);
                r.complete = true;
                return r;
            }
            while (buffer.size() < lineEnd + 2 + size + 2) {
                if (!more())
                    return r;
            }
            r.body += buffer.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
    }
    const QByteArray length = r.header("content-length");
    if (!length.isEmpty()) {
        while (buffer.size() < length.toLongLong()) {
            if (!more())
                return r;
        }
        r.body = r.rawBody = buffer.left(length.toLongLong());
        buffer.remove(0, length.toLongLong());
        r.complete = true;
        return r;
    }
    while (more()) {
    }
    r.body = r.rawBody = buffer;
    buffer.clear();
    r.complete = socket.state() != QAbstractSocket::ConnectedState;
    return r;
}

/// One response, with no earlier bytes (what a response that follows it sent early is lost:
/// use readResponseFrom for pipelined responses).
inline RawResponse readResponse(QAbstractSocket &socket, bool headRequest = false,
                                int timeoutMs = 10000)
{
    QByteArray buffer;
    return readResponseFrom(socket, buffer, headRequest, timeoutMs);
}

/// True when the peer closed \a socket within \a timeoutMs.
inline bool waitClosed(QAbstractSocket &socket, int timeoutMs = 10000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        socket.waitForReadyRead(20);
        socket.readAll();
    }
    return socket.state() == QAbstractSocket::UnconnectedState;
}

} // namespace proxytest
