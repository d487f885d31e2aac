#include "browser_response_head.h"

#include "base/header_list.h"
#include "override_rules.h"

namespace corslab::proxy {

namespace {

// Override rules must not change how the body is framed: it is relayed as the server framed it.
void keepFraming(const base::HeaderList &original, base::HeaderList *changed)
{
    for (const char *name : {"content-length", "transfer-encoding"}) {
        if (base::getHeader(original, name) == base::getHeader(*changed, name))
            continue;
        changed->removeIf([&](const auto &h) { return base::equalsIgnoreCase(h.first, name); });
        for (const auto &h : original) {
            if (base::equalsIgnoreCase(h.first, name))
                changed->append(h);
        }
    }
}

// A reverse proxy hides the server: a redirect to the server's own origin is turned into one to
// the proxy's (as nginx's proxy_redirect does), or the browser would leave the proxy.
void rewriteRedirectToProxy(const http::HttpRequest &request, const UpstreamTarget &target,
                            base::HeaderList *headers)
{
    const QByteArray upstreamOrigin = (target.tls ? "https://" : "http://") + target.hostHeader;
    const QByteArray localOrigin =
        "http://" + request.header("host").value_or(QByteArrayLiteral("localhost"));
    for (auto &h : *headers) {
        if (!base::equalsIgnoreCase(h.first, "location"))
            continue;
        const QByteArray &value = h.second;
        if (value.startsWith(upstreamOrigin) &&
            (value.size() == upstreamOrigin.size() || value[upstreamOrigin.size()] == '/' ||
             value[upstreamOrigin.size()] == '?'))
            h.second = localOrigin + value.mid(upstreamOrigin.size());
    }
}

} // namespace

QByteArray hostWithPort(const UpstreamTarget &target)
{
    const QByteArray host = target.host.contains(':') ? '[' + target.host + ']' : target.host;
    return host + ':' + QByteArray::number(target.port);
}

QByteArray pathOf(const QByteArray &requestTarget)
{
    const qsizetype q = requestTarget.indexOf('?');
    return q < 0 ? requestTarget : requestTarget.first(q);
}

BrowserResponseHead shapeResponseHead(const http::ResponseHead &head,
                                      const http::HttpRequest &request,
                                      const UpstreamTarget &target,
                                      const std::shared_ptr<const OverrideSet> &rules,
                                      bool reverseProxy)
{
    BrowserResponseHead shaped{head.status, head.headers, false, {}};
    // Chunked with a Content-Length too: the length is wrong by definition and must not reach the
    // browser (RFC 9112 §6.3).
    if (head.chunked)
        shaped.headers.removeIf(
            [](const auto &h) { return base::equalsIgnoreCase(h.first, "content-length"); });
    if (rules && !rules->isEmpty() &&
        rules->applyToResponse(request, hostWithPort(target), pathOf(target.requestTarget),
                               &shaped.status, &shaped.headers, &shaped.overrideRule)) {
        keepFraming(head.headers, &shaped.headers);
        shaped.overridden = true;
    }
    if (reverseProxy)
        rewriteRedirectToProxy(request, target, &shaped.headers);
    return shaped;
}

} // namespace corslab::proxy
