#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <functional>

class QTcpSocket;

/// One HTTP header exactly as it travelled: name as spelled by the sender, value without the
/// surrounding whitespace.
using HttpHeaderList = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method; ///< Any token, case kept ("FOO", "patch").
    QByteArray target; ///< The request-target as sent, query included.
    QByteArray version;
    HttpHeaderList headers;
    QByteArray body;

    /// The request-target without its query string.
    QByteArray path() const;
    /// The first value of header \a name (case-insensitive), or a null QByteArray.
    QByteArray header(const QByteArray &name) const;
};

struct HttpResponse
{
    int status = 200;
    /// Sent exactly as listed. The connection adds only Content-Length (from body), and only when
    /// the list does not already hold one.
    HttpHeaderList headers;
    QByteArray body;
};

/// \brief Minimal HTTP/1.1 server side of one TCP connection, for test fixtures only.
///
/// Reads request line, headers and a Content-Length body; keeps the connection alive between
/// requests (HTTP/1.1 default) and answers each request synchronously through the handler, so
/// responses go out in request order. Chunked request bodies are not supported (no browser sends
/// them for fetch() with a string body).
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    /// Takes over \a socket (becomes its child) and deletes the socket when it disconnects.
    HttpConnection(QTcpSocket *socket, Handler handler);

private:
    enum class Parse { NeedMore, Complete, Invalid, TooLarge };

    void readRequests();
    Parse parseRequest(HttpRequest *request);
    void send(const HttpResponse &response, bool headRequest, bool closeAfter);

    QTcpSocket *m_socket;
    Handler m_handler;
    QByteArray m_buffer;
};
