#pragma once

#include "http/request_parser.h"

#include <QList>
#include <QSslCertificate>
#include <QUrl>
#include <memory>

namespace corslab::http {
class LocalClientPorts;
}

namespace corslab::proxy {

class CertificateAuthority;
class OverrideStore;

/// How the proxy runs (ProxyServer::Options).
struct ProxyOptions
{
    enum class Mode {
        Forward, ///< browsers configured with --proxy-server: absolute-form requests and CONNECT
        Reverse, ///< in front of reverseTarget: an app points at the proxy's own address
    };
    Mode mode = Mode::Forward;
    QUrl reverseTarget; ///< Reverse: base URL, http or https ("https://api.example.com/v2")

    /// HTTPS interception: CONNECT tunnels are terminated with certificates minted by this CA
    /// and the requests inside are captured. Null: tunnels are relayed opaque.
    std::shared_ptr<const CertificateAuthority> certificateAuthority;
    /// Extra trust anchors for https upstreams (a test server's CA, a company CA).
    QList<QSslCertificate> upstreamCaCertificates;
    bool verifyUpstreamCertificates = true;

    /// Where the local ports of upstream connections are registered (may be null), so that an
    /// in-process server (the desktop app's playground) does not capture a request twice.
    std::shared_ptr<http::LocalClientPorts> localPorts;
    /// Live override rules (may be null: no rules).
    std::shared_ptr<OverrideStore> overrides;

    qsizetype bodyCaptureBytes = 64 * 1024; ///< per body; the rest is counted, not stored
    int connectTimeoutMs = 10000;           ///< TCP connect + TLS handshake with the upstream
    int responseTimeoutMs = 60000;   ///< silence from the upstream while a response is awaited
    int clientIdleTimeoutMs = 60000; ///< a client connection with nothing in flight
    /// Requests are buffered whole before they go upstream; the body limit is the largest upload.
    http::RequestLimits limits{64 * 1024, 200, 100 * 1024 * 1024};
    /// Network threads sharing the browser connections (each connection, with its upstream
    /// connections, stays on one). 0: one per CPU core, at most 4.
    int networkThreads = 0;
};

} // namespace corslab::proxy
