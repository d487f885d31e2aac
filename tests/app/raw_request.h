#pragma once
// For the CLI tests: raw HTTP over a loopback socket, so what the test sends is exactly what the
// server (or the proxy) sees. Reads until the peer closes or stays silent for 3 s.
#include <QByteArray>
#include <QHostAddress>
#include <QTcpSocket>

inline QByteArray rawRequest(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return {};
    socket.write(request);
    QByteArray reply;
    while (socket.waitForReadyRead(3000))
        reply += socket.readAll();
    return reply;
}
