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

} // namespace corslab::http
