#pragma once

#include "http/http_message.h"
#include "http/response_parser.h"
#include "session/captured_exchange.h"

#include <QObject>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>
#include <functional>
#include <memory>

class QTcpSocket;

namespace corslab::http {
class LocalClientPorts;
}

namespace corslab::client {

/// Why a request got no (complete) response: what `corslab-cli check` tells apart.
enum class NetworkFailure {
    None,      ///< a complete response
    Dns,       ///< the host name has no address
    Refused,   ///< nothing listens on the port
    Tls,       ///< the TLS handshake failed (certificate, protocol)
    Timeout,   ///< no connection, no response, or an incomplete one within the deadline
    Reset,     ///< the connection was closed or reset before the response was complete
    Malformed, ///< the response is not valid HTTP/1.1
    Other,     ///< any other socket error
};

/// "dns", "refused", "tls", "timeout", "reset", "malformed", "other" ("" for None).
QString networkFailureName(NetworkFailure failure);

/// One request for HttpClient: exactly what goes on the wire, nothing added.
struct OutgoingRequest
{
    QUrl url;                 ///< absolute http:// or https:// URL; a fragment is never sent
    QByteArray method;        ///< sent as written
    base::HeaderList headers; ///< every header field in order, Host included
    QByteArray body;          ///< sent after the head as is (its Content-Length is a header)
};

/// How HttpClient connects and what it keeps.
struct HttpClientOptions
{
    int timeoutMs = 15000; ///< connect + the whole response
    qint64 bodyCaptureBytes = 64 * 1024;
    /// Where the socket's local port is registered while it is open (may be null).
    std::shared_ptr<http::LocalClientPorts> localPorts;
    QList<QSslCertificate> caCertificates; ///< added to the system's trust anchors for https
    bool verifyCertificates = true;
};

/// The request-target of \a url in origin form: "/path?query" ("/" for an empty path).
QByteArray requestTarget(const QUrl &url);
/// The Host header of \a url: the host (IPv6 in brackets) and the port unless it is the scheme's
/// default.
QByteArray hostHeaderValue(const QUrl &url);
/// \a url as captured: "scheme://host[:port]/path?query", without user info or fragment.
QByteArray absoluteUrl(const QUrl &url);

/// \brief A small HTTP/1.1 client: one request on a fresh connection (TCP, then TLS for https),
/// the response read with http::ResponseParser, everything recorded as a
/// session::CapturedExchange.
///
/// Asynchronous on the thread it lives in; the one deadline covers connecting and the whole
/// response. The connection is closed once the response is complete (browsers keep it alive, but
/// one connection per request keeps every exchange's addresses and ports its own).
class HttpClient : public QObject
{
public:
    /// Called once per send(), from the event loop (never from within send()). The client may be
    /// deleted from inside it with deleteLater().
    using Callback = std::function<void(const session::CapturedExchange &exchange)>;

    explicit HttpClient(HttpClientOptions options, QObject *parent = nullptr);
    ~HttpClient() override;

    /// Connects to \a request's URL and sends it. The exchange handed to \a done carries the
    /// response, or `error` with a sentence saying what failed and where.
    void send(const OutgoingRequest &request, Callback done);
    /// What went wrong with the last send() (None once its response is complete).
    NetworkFailure failure() const { return m_failure; }

private:
    void onConnected();
    void onEncrypted();
    void onReadyRead();
    void onDisconnected();
    void onError();
    void onTimeout();
    void handle(const http::ResponseParser::Output &out);
    void finish(NetworkFailure failure, const QString &error);
    void closeSocket();
    QString where() const;
    QString socketErrorReason() const;
    NetworkFailure socketFailure() const;

    HttpClientOptions m_options;
    Callback m_done;
    session::CapturedExchange m_exchange;
    QByteArray m_wire; ///< head and body, written once connected (encrypted for https)
    QByteArray m_host; ///< as named in the URL, for messages
    quint16 m_port = 0;
    bool m_tls = false;
    bool m_connected = false;
    bool m_finished = true;
    NetworkFailure m_failure = NetworkFailure::None;
    quint16 m_localPort = 0;        ///< registered in m_options.localPorts while connected
    QTcpSocket *m_socket = nullptr; ///< a QSslSocket for https
    http::ResponseParser m_parser;
    QTimer m_deadline;
};

} // namespace corslab::client
