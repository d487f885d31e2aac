#include "playground_capture.h"

namespace corslab::lab {

namespace {

session::CapturedBody capped(const QByteArray &body, qint64 cap)
{
    session::CapturedBody b;
    b.size = body.size();
    b.stored = body.size() > cap ? body.first(qsizetype(cap)) : body;
    return b;
}

QByteArray originOfListener(const QString &listener, const policy::DemoOrigins &origins)
{
    if (listener == QLatin1String("app"))
        return origins.app;
    if (listener == QLatin1String("evil"))
        return origins.evil;
    return origins.api;
}

} // namespace

session::CapturedExchange captureFromPlayground(const http::HttpExchange &exchange,
                                                const policy::DemoOrigins &origins, qint64 bodyCap)
{
    const http::HttpRequest &request = exchange.request;
    const http::HttpResponse &response = exchange.response;
    session::CapturedExchange x;
    x.startedAtMs = exchange.startedAtMs;
    // The server hands the whole response to the socket at once: first byte and end coincide.
    x.firstByteAtMs = exchange.finishedAtMs;
    x.finishedAtMs = exchange.finishedAtMs;
    x.clientAddress = request.peerAddress.toString().toLatin1();
    x.clientPort = request.peerPort;
    x.upstreamAddress = QByteArrayLiteral("127.0.0.1");
    x.upstreamPort = request.localPort;
    x.method = request.method;
    // An absolute-form target (a client that took the playground for a proxy) is already a URL.
    x.url = request.target.startsWith('/')
                ? originOfListener(request.listener, origins) + request.target
                : request.target;
    x.httpVersion = "HTTP/" + QByteArray::number(request.versionMajor) + '.' +
                    QByteArray::number(request.versionMinor);
    x.requestHeaders = request.headers;
    x.requestBody = capped(request.body, bodyCap);
    x.error = exchange.error;
    x.status = response.status;
    x.reason =
        response.reason.isEmpty() ? http::standardReasonPhrase(response.status) : response.reason;
    x.responseHeaders = response.headers;
    x.responseBody = capped(request.method == "HEAD" ? QByteArray() : response.body, bodyCap);
    return x;
}

} // namespace corslab::lab
