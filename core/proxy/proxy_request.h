#pragma once

#include "http/http_message.h"

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <optional>

namespace corslab::proxy {

/// Where a request goes and what the browser thinks it asked for.
struct UpstreamTarget
{
    bool tls = false; ///< https upstream
    QByteArray host;  ///< name or address, without brackets
    quint16 port = 0;
    QByteArray requestTarget; ///< origin-form for the upstream: "/v1/x?y=1"
    QByteArray hostHeader;    ///< Host for the upstream: the URL's authority
    /// The URL the browser requested (what CORS is judged against): in reverse mode the local
    /// address the app talks to, not the upstream's.
    QByteArray browserUrl;

    /// host:port key of a reusable upstream connection.
    bool sameEndpoint(const UpstreamTarget &other) const
    {
        return tls == other.tls && port == other.port && host == other.host;
    }
};

/// How the proxy reached this request: directly (forward: absolute-form targets), inside an
/// intercepted CONNECT tunnel (origin-form, https to the tunnel's host), or as a reverse proxy
/// in front of one base URL (origin-form, upstream = base + target).
struct TargetContext
{
    enum class Mode { Forward, Tunnel, Reverse };
    Mode mode = Mode::Forward;
    QByteArray tunnelHost; ///< Tunnel
    quint16 tunnelPort = 443;
    QUrl reverseBase; ///< Reverse: "https://api.example.com/base"
};

/// Works out the upstream of \a request; nullopt with a one-line reason (for a 400 page) when the
/// target does not fit the mode (an origin-form request sent to a forward proxy, a bad URL...).
std::optional<UpstreamTarget> resolveTarget(const http::HttpRequest &request,
                                            const TargetContext &context, QString *error);

/// Splits "host:port" of a CONNECT target; false when it is not one.
bool parseAuthority(QByteArrayView authority, QByteArray *host, quint16 *port);

/// The hop-by-hop field names of one message (RFC 9110 §7.6.1): the fixed list, and whatever its
/// Connection header names, read once so that filtering a message is linear.
class HopByHop
{
public:
    explicit HopByHop(const base::HeaderList &headers);
    bool contains(QByteArrayView name) const;

private:
    QList<QByteArray> m_named; ///< options of the Connection header
};

/// Hop-by-hop fields (RFC 9110 §7.6.1), which a proxy consumes instead of forwarding: the fixed
/// list, and whatever the message's Connection header names.
bool isHopByHop(const base::HeaderList &headers, QByteArrayView name);

/// The request head and body for the upstream: origin-form target, Host for the upstream, no
/// hop-by-hop fields, the (already de-chunked) body with its Content-Length.
QByteArray serializeUpstreamRequest(const http::HttpRequest &request, const UpstreamTarget &target);

/// The response head for the client, appended to \a out: status line and \a headers without
/// hop-by-hop fields (the body's own framing, Content-Length / Transfer-Encoding, is kept since
/// the body is relayed as framed), and `Connection: close` when the connection ends after this
/// response.
void appendResponseHead(int status, const QByteArray &reason, const base::HeaderList &headers,
                        bool close, QByteArray &out);

/// \a headers without hop-by-hop fields (for the capture of what the browser got).
base::HeaderList withoutHopByHop(const base::HeaderList &headers);

} // namespace corslab::proxy
