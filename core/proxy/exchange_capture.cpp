#include "exchange_capture.h"

namespace corslab::proxy {

void appendCapped(session::CapturedBody &body, QByteArrayView bytes, qsizetype cap)
{
    // The parser hands out the decoded body within the cap already; the size comes from it too.
    const qsizetype room = cap - body.stored.size();
    if (room > 0)
        body.stored.append(bytes.first(qMin(room, bytes.size())));
}

session::CapturedExchange captureRequest(const http::HttpRequest &request, const BrowserPeer &peer,
                                         qsizetype cap, qint64 nowMs)
{
    session::CapturedExchange c;
    c.startedAtMs = request.receivedAtMs ? request.receivedAtMs : nowMs;
    c.clientAddress = peer.address;
    c.clientPort = peer.port;
    c.method = request.method;
    c.url = request.target;
    c.httpVersion =
        request.versionMinor == 0 ? QByteArrayLiteral("HTTP/1.0") : QByteArrayLiteral("HTTP/1.1");
    c.requestHeaders = request.headers;
    c.requestBody.size = request.body.size();
    c.requestBody.stored = request.body.left(cap);
    return c;
}

session::CapturedExchange captureUnfinishedRequest(const http::HttpRequest *partial,
                                                   const BrowserPeer &peer, qint64 nowMs)
{
    session::CapturedExchange c;
    c.startedAtMs = nowMs;
    c.clientAddress = peer.address;
    c.clientPort = peer.port;
    if (partial) {
        c.method = partial->method;
        c.url = partial->target;
    }
    return c;
}

void captureLocalAnswer(session::CapturedExchange &capture, const http::HttpResponse &response,
                        bool headRequest, qsizetype cap, qint64 nowMs)
{
    capture.firstByteAtMs = nowMs;
    capture.status = response.status;
    capture.reason = response.reason;
    capture.responseHeaders = response.headers;
    capture.responseBody.size = headRequest ? 0 : response.body.size();
    capture.responseBody.stored = headRequest ? QByteArray() : response.body.left(cap);
}

} // namespace corslab::proxy
