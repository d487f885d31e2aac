#pragma once

#include "base/header_list.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QUrlQuery>
#include <optional>

namespace corslab::http {

/// Header fields as they travel: order, original case and duplicates kept (base::HeaderList, the
/// one the CORS engine reads, so requests feed it without conversion).
using base::HeaderList;

/// One HTTP/1.x request as received, with where and when it arrived.
struct HttpRequest
{
    QByteArray method; ///< Exactly as sent: any RFC 9110 token (FOO, lowercase patch...).
    QByteArray target; ///< The request-target as sent, e.g. "/echo?x=1".
    int versionMajor = 1;
    int versionMinor = 1;
    HeaderList headers;
    HeaderList trailers; ///< Trailer fields of a chunked body (kept apart, never merged).
    QByteArray body;     ///< Decoded (de-chunked) body.
    QString listener;    ///< Tag of the listener that accepted the connection.
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    quint16 localPort = 0;
    qint64 receivedAtMs = 0; ///< Epoch milliseconds when the head was complete.

    /// Fetch "get": the values of every header named \a name joined with ", " (case-insensitive),
    /// or nullopt when there is none.
    std::optional<QByteArray> header(QByteArrayView name) const;
    /// The path of the target ("/echo" for "/echo?x=1"; the path of an absolute-form target).
    QByteArray path() const;
    /// The query of the target, percent-encoding kept as sent.
    QUrlQuery query() const;
    /// Whether the connection may carry another request (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive` and no Transfer-Encoding.
    bool keepAlive() const;
};

/// A response to serialize. Header order, case and duplicates are written as given.
struct HttpResponse
{
    int status = 200;
    QByteArray reason; ///< Empty: the standard phrase for the status.
    HeaderList headers;
    QByteArray body;
    int delayMs = 0; ///< The connection sends the response after this delay, without blocking.

    /// The bytes on the wire: status line, headers, body. Adds Content-Length unless present (or
    /// Transfer-Encoding is) or the status is 1xx/204/304, which never carry a body. For a HEAD
    /// request the body is left out but Content-Length still tells its size. CR, LF and NUL in the
    /// reason or in header names and values are replaced by spaces, so a header configured in the
    /// playground can never split the response.
    QByteArray serialize(bool forHeadRequest) const;
    /// Appends what serialize() returns to \a out (one resize, no temporary), so that responses
    /// to pipelined requests can share one buffer and one write.
    void serializeTo(QByteArray &out, bool forHeadRequest) const;

    /// Appends the Content-Length header that serialize() would add, so that what is logged is
    /// what went on the wire (the exchange log and the CORS verdicts read these headers).
    void addContentLength();

    /// A small text/plain response, `Connection: close` when \a close (used for errors).
    static HttpResponse text(int status, const QByteArray &body, bool close);
};

/// Whether a header named \a name (case-insensitive) lists \a token (case-insensitive), as
/// Fetch "get, decode, and split" reads it; allocates nothing unless a value has a quoted string.
bool hasHeaderToken(const HeaderList &headers, QByteArrayView name, QByteArrayView token);

/// The standard reason phrase of \a status (RFC 9110 §15), "Unknown" for unregistered codes.
QByteArray standardReasonPhrase(int status);

/// Why a request could not be parsed: the status to answer with and a one-line reason.
struct ParseError
{
    int status = 400; ///< 400 / 408 / 413 / 414 / 431 / 501 / 505
    QByteArray reason;
};

/// One request and the response sent for it, with timings, for the exchange log.
struct HttpExchange
{
    HttpRequest request;
    HttpResponse response;
    qint64 startedAtMs = 0;  ///< When the request head was complete (epoch ms).
    qint64 finishedAtMs = 0; ///< When the response was handed to the socket (epoch ms).
    QString error;           ///< Non-empty when the request was refused (parse error, timeout).
};

} // namespace corslab::http

Q_DECLARE_METATYPE(corslab::http::HttpExchange)
