#pragma once

#include "http/http_message.h"
#include "http/response_parser.h"
#include "proxy_request.h"

#include <QString>
#include <memory>

namespace corslab::proxy {

class OverrideSet;

/// What override rules match on: the host with its port, always ("api.example.com:443").
QByteArray hostWithPort(const UpstreamTarget &target);

/// The path of a request target, without its query.
QByteArray pathOf(const QByteArray &requestTarget);

/// The response head the browser gets for the server's \a head.
struct BrowserResponseHead
{
    int status = 0;
    base::HeaderList headers;
    bool overridden = false; ///< an override rule changed the status or the headers
    QString overrideRule;    ///< that rule's name
};

/// Shapes the server's \a head for the browser: a Content-Length next to chunked framing
/// dropped, then the override rules of \a rules (may be null) applied without touching the
/// framing, then, for a reverse proxy, redirects to the server kept on the proxy.
BrowserResponseHead shapeResponseHead(const http::ResponseHead &head,
                                      const http::HttpRequest &request,
                                      const UpstreamTarget &target,
                                      const std::shared_ptr<const OverrideSet> &rules,
                                      bool reverseProxy);

} // namespace corslab::proxy
