#pragma once

#include "http_message.h"

#include <limits>
#include <memory>

namespace corslab::http {

/// Limits of ResponseParser (ResponseParser::Limits); outside the class for the same reason as
/// RequestLimits (CWG 1397).
struct ResponseLimits
{
    /// Status line + header fields + the empty line, for each head (interim ones included); the
    /// trailer section of a chunked body separately; also the longest chunk size line.
    qsizetype maxHeaderBytes = 64 * 1024;
    int maxHeaders = 200; ///< Header fields of each head (and, separately, trailer fields).
};

/// A response head as received: the status line, the header fields, and how the body is framed.
struct ResponseHead
{
    int status = 0;    ///< 100..999
    QByteArray reason; ///< As sent (may be empty).
    int versionMajor = 1;
    int versionMinor = 1;  ///< As sent: HTTP/1.2 and above are read as HTTP/1.1 (RFC 9112 §2.3).
    HeaderList headers;    ///< Order, case and duplicates kept; obs-fold unfolded to one SP.
    bool keepAlive = true; ///< The connection may carry another request (RFC 9112 §9.3).
    /// The body ends when the server closes the connection (no Content-Length, not chunked).
    bool closeDelimited = false;
    bool chunked = false; ///< The body is framed by the chunked coding (Transfer-Encoding).
    /// The body length when Content-Length frames the body. Not set when the body is chunked or
    /// close-delimited, nor for the responses that never have a body (HEAD, 1xx, 204, 304), even
    /// when they carry the field (it stays in `headers`).
    std::optional<qint64> contentLength;
    /// 101 Switching Protocols, or a 2xx answer to CONNECT: the bytes after the head belong to
    /// another protocol (ResponseParser stops at the head's end).
    bool upgrade = false;

    /// Whether body bytes follow the head.
    bool hasBody() const { return chunked || closeDelimited || contentLength.value_or(0) > 0; }
};

/// \brief Sans-io HTTP/1.x response parser for the proxy: bytes from the upstream in, interim
/// heads, the final head, the body exactly as framed on the wire and the same body de-chunked
/// out; no sockets, so it is tested by feeding bytes (split anywhere, byte by byte included).
///
/// The framing follows RFC 9112 §6.3 with the leniencies of Chromium and Firefox where they agree
/// and no ambiguity can come of them (bare LF line endings, obs-fold, spaces after a chunk size,
/// equal duplicate Content-Length values, Transfer-Encoding over Content-Length); anything that
/// could make two parsers disagree on where a message ends (a bare CR, conflicting lengths, a
/// chunk not followed by CRLF) is an error, since the proxy relays the body as framed here.
///
/// Not on llhttp, unlike RequestParser: the llhttp of Debian 12 (8.1.0, non-strict build) takes
/// "\r" + any byte as the end of a response head, skips any two bytes after chunk data, accepts
/// "5\rX" as a chunk size line, and refuses valid responses browsers read ("5;a=b;c=d" chunk
/// extensions, equal duplicate Content-Length, HTTP/1.2). Each is a test in tst_response_parser.
class ResponseParser
{
public:
    using Limits = ResponseLimits;

    /// For startResponse(): hand out the whole decoded body.
    static constexpr qsizetype wholeBody = std::numeric_limits<qsizetype>::max();

    explicit ResponseParser(Limits limits = {});
    ~ResponseParser();
    ResponseParser(const ResponseParser &) = delete;
    ResponseParser &operator=(const ResponseParser &) = delete;

    /// Before each response on a connection (abandons one in progress). \a requestMethod decides
    /// what has no body (HEAD) and what becomes a tunnel (CONNECT and a 2xx answer). Only the
    /// first \a decodedBodyCap bytes of the decoded body are handed out (Output::decodedBody);
    /// 0 skips the decoded copy altogether. The framing never depends on it.
    void startResponse(QByteArrayView requestMethod, qsizetype decodedBodyCap = wholeBody);

    struct Output
    {
        QList<ResponseHead> interim;      ///< 1xx heads (not 101) completed in this feed, in order.
        std::optional<ResponseHead> head; ///< The final head, when completed in this feed.
        /// Body bytes of this feed exactly as framed on the wire (chunk size lines, extensions,
        /// CRLFs and trailer section included). A view into the bytes given to feed().
        QByteArrayView rawBody;
        /// The same body de-chunked, within the cap given to startResponse(). A view into the
        /// bytes given to feed() or into the parser: valid until its next call.
        QByteArrayView decodedBody;
        HeaderList trailers;   ///< Trailer fields of a chunked body, when it completed here.
        bool complete = false; ///< The response ended in this feed (or, for finish(), at EOF).
        /// Input bytes that belong to this response; the rest follows it (bytes after a complete
        /// response, or another protocol's after an upgrade). On error: all of them.
        qsizetype consumed = 0;
        /// A malformed response (status 502); the reason says what and where. Reported once,
        /// with no body bytes (those of earlier feeds were valid as far as they went); the
        /// parser then ignores bytes until startResponse().
        std::optional<ParseError> error;
    };

    /// Parses \a bytes read from the upstream. Without a response in progress (before
    /// startResponse(), after a complete one or an error) nothing is consumed.
    Output feed(QByteArrayView bytes);
    /// The upstream closed the connection: completes a close-delimited body, or reports what
    /// was cut short. Nothing when no response is in progress.
    Output finish();

    /// startResponse() was called and the response has neither completed nor failed.
    bool inProgress() const;
    /// The final head is complete (the body is being read).
    bool headComplete() const;
    /// Decoded body bytes of the current (or last) response so far, beyond the cap included.
    qint64 bodyBytes() const;

    const Limits &limits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace corslab::http
