#pragma once

#include "http_message.h"

#include <memory>

namespace corslab::http {

/// Limits of RequestParser (RequestParser::Limits). Declared outside the class because a nested
/// struct with default member initializers cannot be a `= {}` default argument of its enclosing
/// class (CWG 1397; GCC and Clang refuse it).
struct RequestLimits
{
    qsizetype maxHeaderBytes = 16 * 1024; ///< Request line + header fields (and trailers).
    int maxHeaders = 100;                 ///< Header fields (and, separately, trailer fields).
    qsizetype maxBodyBytes = 1024 * 1024; ///< Decoded body.
};

/// Sans-io HTTP/1.1 request parser (in the style of mitmproxy and h11): bytes in, complete
/// requests or one error out; no sockets, no event loop, so it is tested by feeding bytes.
///
/// llhttp does the framing (headers, Content-Length, chunked, smuggling checks). This class adds
/// what llhttp does not do: any method token (llhttp knows a fixed list; the request line is read
/// here and llhttp gets a placeholder for methods it does not know), the limits, the version and
/// Host rules, Expect: 100-continue, and a stop after a message that closes the connection.
class RequestParser
{
public:
    using Limits = RequestLimits;

    explicit RequestParser(Limits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    struct Output
    {
        QList<HttpRequest> requests;     ///< Completed during this feed, in order.
        std::optional<ParseError> error; ///< Set once; the parser ignores bytes after it.
        /// A request head with `Expect: 100-continue` completed during this feed and its body is
        /// still awaited: the server should send `100 Continue` (after earlier responses).
        bool expectContinue = false;
    };

    /// Parses \a bytes, split anywhere (byte by byte included). Pipelined requests come out in
    /// order. After a request that does not keep the connection alive, and after an error, further
    /// bytes are ignored.
    Output feed(QByteArrayView bytes);

    /// Between messages: nothing of a next request received yet (for the idle timeout).
    bool idle() const;
    /// A request head has started but is not complete yet (for the slow-header timeout).
    bool readingHead() const;
    /// The request being received (its request line is complete, the rest may not be), or null
    /// between requests: what a proxy records when the client goes away mid-request.
    const HttpRequest *partialRequest() const;
    /// No more requests can come: the last one closes the connection, or an error occurred.
    bool finished() const;

    const Limits &limits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace corslab::http
