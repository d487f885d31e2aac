#include "error_page.h"

namespace corslab::proxy {

http::HttpResponse errorPage(int status, const QString &title, const QString &reason,
                             bool closeConnection)
{
    http::HttpResponse response;
    response.status = status;
    const QString body =
        QStringLiteral("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>%1 %2</title></head>\n<body style=\"font-family:sans-serif\">"
                       "<h1>%1 %2</h1>\n<p>%3</p>\n<p><small>Answered by the CORS Lab proxy: the "
                       "server did not answer this request.</small></p></body></html>\n")
            .arg(status)
            .arg(title.toHtmlEscaped(), reason.toHtmlEscaped());
    response.body = body.toUtf8();
    response.headers = {
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/html; charset=utf-8")},
        {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
        // Header values must stay on one line; serialize() also replaces CR/LF.
        {QByteArrayLiteral("X-CorsLab-Error"), reason.left(300).toUtf8().simplified()},
    };
    if (closeConnection)
        response.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    response.addContentLength();
    return response;
}

} // namespace corslab::proxy
