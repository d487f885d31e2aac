#include "socket_io.h"

#include <QSslSocket>
#include <cerrno>
#include <sys/socket.h>

namespace corslab::http {

void writeNow(QTcpSocket *socket, QByteArrayView bytes)
{
    qsizetype written = 0;
    if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState &&
        !qobject_cast<QSslSocket *>(socket)) {
        const int fd = int(socket->socketDescriptor());
        while (fd >= 0 && written < bytes.size()) {
            const ssize_t n =
                ::send(fd, bytes.data() + written, size_t(bytes.size() - written), MSG_NOSIGNAL);
            if (n > 0)
                written += n;
            else if (n < 0 && errno == EINTR)
                continue;
            else
                break; // EAGAIN (kernel buffer full) or an error QTcpSocket will report
        }
    }
    if (written < bytes.size())
        socket->write(bytes.data() + written, bytes.size() - written);
}

bool isUnbuffered(const QTcpSocket *socket)
{
    return socket->openMode().testFlag(QIODevice::Unbuffered);
}

ReadResult readAvailable(QTcpSocket *socket)
{
    constexpr qint64 unbufferedReadBytes = 64 * 1024;
    thread_local QByteArray buffer;
    if (isUnbuffered(socket)) {
        if (buffer.size() < unbufferedReadBytes)
            buffer.resize(unbufferedReadBytes);
        // 0: nothing yet (EAGAIN); -1: end of stream or reset, the socket is now unconnected.
        const qint64 read = socket->read(buffer.data(), unbufferedReadBytes);
        if (read < 0)
            return {{}, true};
        return {QByteArrayView(buffer.constData(), read), false};
    }
    const qint64 available = socket->bytesAvailable();
    if (available <= 0)
        return {};
    if (buffer.size() < available)
        buffer.resize(available);
    const qint64 read = socket->read(buffer.data(), available);
    return {read > 0 ? QByteArrayView(buffer.constData(), read) : QByteArrayView(), false};
}

} // namespace corslab::http
