#pragma once

#include <QByteArrayView>

class QTcpSocket;

namespace corslab::http {

/// Writes \a bytes to \a socket now: straight to the kernel when nothing is queued before them
/// (QTcpSocket::write only buffers, then sends from a later event-loop pass after toggling the
/// socket's write notifier, a measurable cost per response under load), through QTcpSocket for
/// whatever the kernel does not take at once (which then reports bytesWritten and errors as
/// usual). A QSslSocket always goes through write(): its bytes must be encrypted.
void writeNow(QTcpSocket *socket, QByteArrayView bytes);

/// Everything \a socket has buffered, read into a buffer shared by the calling thread (readAll()
/// allocates a new array per read). The view is valid until the next readAvailable() on the same
/// thread: consume it (parse, copy) before returning to the event loop.
QByteArrayView readAvailable(QTcpSocket *socket);

} // namespace corslab::http
