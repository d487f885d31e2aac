#pragma once

#include "http/lazy_deadline.h"
#include "http/response_parser.h"
#include "proxy_options.h"
#include "proxy_request.h"

#include <QObject>

class QSslSocket;
class QTcpSocket;

namespace corslab::proxy {

/// What an UpstreamConnection reports to the client connection that owns it.
class UpstreamListener
{
public:
    virtual ~UpstreamListener() = default;
    virtual void upstreamInterim(const http::ResponseHead &head) = 0;
    virtual void upstreamHead(const http::ResponseHead &head) = 0;
    /// \a raw: body bytes as framed on the wire (relayed as is); \a decoded: for the capture.
    virtual void upstreamBody(QByteArrayView raw, QByteArrayView decoded) = 0;
    /// The end of what one read brought (after its head and body reports): write it out.
    virtual void upstreamFlush() = 0;
    /// The response is complete; what its last read brought is still to be written (no
    /// upstreamFlush() before this one).
    virtual void upstreamComplete() = 0;
    /// The request failed: \a status is what to answer if nothing was relayed yet (502 / 504).
    virtual void upstreamFailed(int status, const QString &reason) = 0;
};

/// \brief One connection to an origin server, reused for the next request to the same endpoint
/// while both sides keep it alive. Connects (TCP, then TLS for https), sends one request at a
/// time and parses the response, with timeouts; never blocks the network thread.
class UpstreamConnection : public QObject
{
public:
    UpstreamConnection(const UpstreamTarget &target, const ProxyOptions &options,
                       UpstreamListener *listener, QObject *parent);
    ~UpstreamConnection() override;

    /// Sends one serialized request (connecting first if needed). \a method tells the parser
    /// whether a body follows (HEAD).
    void send(const QByteArray &requestBytes, QByteArrayView method);
    /// Whether the next request to \a target can use this connection.
    bool reusableFor(const UpstreamTarget &target) const;
    /// Stops reading while the client is slow to take what was relayed (backpressure).
    void setPaused(bool paused);
    /// Drops the connection without reporting (the client went away).
    void abort();

    QByteArray peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    QByteArray tlsVersion() const { return m_tlsVersion; }
    /// Decoded body bytes of the current (or last) response, beyond the capture cap included.
    qint64 bodyBytes() const { return m_parser.bodyBytes(); }

private:
    void onConnected();
    void onReadyRead();
    void onError();
    void onDisconnected();
    void fail(int status, const QString &reason);
    void handle(http::ResponseParser::Output &out);
    QString socketErrorReason() const;
    bool retryOnFreshConnection();
    void setUpSocket();

    UpstreamTarget m_target;
    const ProxyOptions &m_options;
    UpstreamListener *m_listener;
    QTcpSocket *m_socket;    // a QSslSocket for https: only then, QSslSocket costs throughput
    QSslSocket *tls() const; ///< m_socket, for https
    void forgetLocalPort();
    http::ResponseParser m_parser;
    QByteArray m_pendingWrite; // the request, until the connection is up
    QByteArray m_lastRequest;  // the request in flight, for one retry on a stale connection
    QByteArray m_lastMethod;
    int m_sentOnConnection = 0; // requests sent on the current TCP connection
    bool m_gotResponseBytes = false;
    bool m_retried = false;
    http::LazyDeadline m_timeout; // connect, then response silence
    QByteArray m_peerAddress;
    quint16 m_peerPort = 0;
    quint16 m_localPort = 0; ///< registered in ProxyOptions::localPorts while connected
    QByteArray m_tlsVersion;
    bool m_ready = false;    // connected (and encrypted for https)
    bool m_busy = false;     // a request is in flight
    bool m_reusable = false; // the last response left the connection open
    bool m_paused = false;
    bool m_failed = false;
    bool m_connecting = false;
};

} // namespace corslab::proxy
