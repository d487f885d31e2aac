#include "http_connection.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace {

// Generous limits: the fixture only talks to a local browser, but a runaway client must not make
// the test process grow without bound.
constexpr qsizetype MaxHeaderBytes = 64 * 1024;
constexpr qsizetype MaxBodyBytes = 16 * 1024 * 1024;

struct Reason
{
    int status;
    const char *phrase;
};

constexpr Reason Reasons[] = {
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
};

QByteArray reasonPhrase(int status)
{
    for (const Reason &reason : Reasons) {
        if (reason.status == status)
            return reason.phrase;
    }
    return "Status"_ba; // Clients ignore the phrase apart from statusText.
}

// RFC 9110 5.6.2 tchar: methods and header names must be tokens.
bool isToken(const QByteArray &value)
{
    if (value.isEmpty())
        return false;
    for (const char c : value) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

// Responses without content by definition (RFC 9110 6.4.1): never write body bytes for them.
bool statusForbidsBody(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

} // namespace

QByteArray HttpRequest::path() const
{
    const qsizetype query = target.indexOf('?');
    return query < 0 ? target : target.left(query);
}

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[headerName, value] : headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpConnection::HttpConnection(QTcpSocket *socket, Handler handler)
    : QObject(socket), m_socket(socket), m_handler(std::move(handler))
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::readRequests);
    connect(m_socket, &QTcpSocket::disconnected, m_socket, &QObject::deleteLater);
    readRequests(); // Bytes may have arrived before we connected.
}

void HttpConnection::readRequests()
{
    m_buffer += m_socket->readAll();
    // Loop: a keep-alive client may pipeline several requests in one read.
    while (m_socket->state() == QAbstractSocket::ConnectedState) {
        HttpRequest request;
        const Parse result = parseRequest(&request);
        if (result == Parse::NeedMore)
            return;
        if (result == Parse::Invalid || result == Parse::TooLarge) {
            HttpResponse error;
            error.status = result == Parse::Invalid ? 400 : 431;
            send(error, false, true);
            return;
        }
        const bool close = request.version == "HTTP/1.0"_ba ||
                           request.header("Connection"_ba).toLower().contains("close");
        send(m_handler(request), request.method == "HEAD"_ba, close);
        if (close)
            return;
    }
}

HttpConnection::Parse HttpConnection::parseRequest(HttpRequest *request)
{
    const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return m_buffer.size() > MaxHeaderBytes ? Parse::TooLarge : Parse::NeedMore;

    const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine[0]) || !requestLine[2].startsWith("HTTP/"))
        return Parse::Invalid;
    request->method = requestLine[0];
    request->target = requestLine[1];
    request->version = requestLine[2];

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon)))
            return Parse::Invalid;
        request->headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }

    if (!request->header("Transfer-Encoding"_ba).isNull())
        return Parse::Invalid;
    qsizetype bodyLength = 0;
    if (const QByteArray length = request->header("Content-Length"_ba); !length.isNull()) {
        bool ok = false;
        bodyLength = length.toLongLong(&ok);
        if (!ok || bodyLength < 0)
            return Parse::Invalid;
        if (bodyLength > MaxBodyBytes)
            return Parse::TooLarge;
    }
    const qsizetype bodyStart = headerEnd + 4;
    if (m_buffer.size() - bodyStart < bodyLength)
        return Parse::NeedMore;

    request->body = m_buffer.mid(bodyStart, bodyLength);
    m_buffer.remove(0, bodyStart + bodyLength);
    return Parse::Complete;
}

void HttpConnection::send(const HttpResponse &response, bool headRequest, bool closeAfter)
{
    const bool noBody = statusForbidsBody(response.status);
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reasonPhrase(response.status) + "\r\n";
    bool hasLength = false;
    for (const auto &[name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
        hasLength = hasLength || name.compare("Content-Length"_ba, Qt::CaseInsensitive) == 0;
    }
    if (!hasLength)
        out += "Content-Length: " + QByteArray::number(noBody ? 0 : response.body.size()) + "\r\n";
    out += "\r\n";
    // HEAD gets the GET Content-Length but no body bytes (RFC 9110 9.3.2).
    if (!headRequest && !noBody)
        out += response.body;
    m_socket->write(out);
    if (closeAfter)
        m_socket->disconnectFromHost();
}
