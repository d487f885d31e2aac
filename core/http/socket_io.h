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

/// What one readAvailable() brought.
struct ReadResult
{
    /// Into a buffer shared by the calling thread: valid until its next readAvailable(), so
    /// consume it (parse, copy) before returning to the event loop.
    QByteArrayView bytes;
    /// An unbuffered socket's peer closed or reset the connection. Such a socket emits neither
    /// disconnected() nor errorOccurred() for it (Qt reports it only by the read failing): the
    /// caller handles this as it handles those signals. Always false for a buffered socket.
    bool ended = false;
};

/// Reads what has arrived on \a socket without allocating (readAll() makes a new array per
/// read). A buffered socket gives what Qt has buffered; an unbuffered one (openUnbuffered) is
/// read straight from the kernel, one read() call, with none of Qt's buffering and its extra
/// system call per read.
ReadResult readAvailable(QTcpSocket *socket);

/// The open mode of a plain TCP socket the proxy reads with readAvailable(): unbuffered, so the
/// bytes go from the kernel straight into the shared buffer. Not for QSslSocket (its decrypted
/// bytes are always buffered).
bool isUnbuffered(const QTcpSocket *socket);

} // namespace corslab::http
