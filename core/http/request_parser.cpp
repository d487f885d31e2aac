#include "request_parser.h"

#include "base/header_list.h"

#include <QDateTime>
#include <array>
#include <cstring>
#include <llhttp.h>
#include <string_view>

namespace corslab::http {

namespace {

// llhttp only parses the methods of its own table, in upper case. Those go through as sent (some
// carry semantics, e.g. CONNECT's authority-form target); any other token is replaced by this one,
// which llhttp parses with no method-specific behaviour.
constexpr QByteArrayView placeholderMethod = "GET";

bool knownToLlhttp(QByteArrayView method)
{
    for (int m = HTTP_DELETE; m <= HTTP_SOURCE; ++m) {
        const char *name = llhttp_method_name(static_cast<llhttp_method_t>(m));
        if (method == QByteArrayView(name, qsizetype(std::strlen(name))))
            return true;
    }
    return false;
}

// The methods browsers send, as shared literals: no allocation per request and no walk through
// llhttp's method table (all of them are in it). Null for any other method.
QByteArray commonMethod(QByteArrayView method)
{
    switch (method.size()) {
    case 3:
        if (method == "GET")
            return QByteArrayLiteral("GET");
        if (method == "PUT")
            return QByteArrayLiteral("PUT");
        break;
    case 4:
        if (method == "POST")
            return QByteArrayLiteral("POST");
        if (method == "HEAD")
            return QByteArrayLiteral("HEAD");
        break;
    case 5:
        if (method == "PATCH")
            return QByteArrayLiteral("PATCH");
        break;
    case 6:
        if (method == "DELETE")
            return QByteArrayLiteral("DELETE");
        break;
    case 7:
        if (method == "OPTIONS")
            return QByteArrayLiteral("OPTIONS");
        break;
    default:
        break;
    }
    return QByteArray();
}

// Field names that come with most requests, in their usual spelling: a shared copy instead of
// an allocation each. Only exact matches, so the name keeps the case it was sent with.
QByteArray headerName(QByteArrayView name)
{
    static const QByteArray common[] = {
        QByteArrayLiteral("Host"),
        QByteArrayLiteral("host"),
        QByteArrayLiteral("Origin"),
        QByteArrayLiteral("origin"),
        QByteArrayLiteral("Accept"),
        QByteArrayLiteral("accept"),
        QByteArrayLiteral("User-Agent"),
        QByteArrayLiteral("user-agent"),
        QByteArrayLiteral("Connection"),
        QByteArrayLiteral("Referer"),
        QByteArrayLiteral("Cookie"),
        QByteArrayLiteral("Content-Type"),
        QByteArrayLiteral("Content-Length"),
        QByteArrayLiteral("Accept-Encoding"),
        QByteArrayLiteral("Accept-Language"),
        QByteArrayLiteral("Cache-Control"),
        QByteArrayLiteral("Pragma"),
        QByteArrayLiteral("Sec-Fetch-Site"),
        QByteArrayLiteral("Sec-Fetch-Mode"),
        QByteArrayLiteral("Sec-Fetch-Dest"),
        QByteArrayLiteral("Access-Control-Request-Method"),
        QByteArrayLiteral("Access-Control-Request-Headers"),
    };
    for (const QByteArray &known : common) {
        if (known.size() == name.size() && known == name)
            return known;
    }
    return name.toByteArray();
}

// RFC 9110 §5.6.2 tchar, as a table (the method is checked byte by byte).
constexpr auto tcharTable = [] {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[size_t(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[size_t(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        table[size_t(c)] = true;
    for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[size_t(static_cast<unsigned char>(c))] = true;
    return table;
}();

bool isTchar(char c)
{
    return tcharTable[static_cast<unsigned char>(c)];
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A header name or value as llhttp reports it: usually a single span of the buffer being parsed,
// kept as a view until the field is complete instead of being appended span by span. Copied only
// when the field straddles two llhttp_execute calls, since the view dies with the caller's buffer.
struct Span
{
    QByteArrayView view;
    QByteArray bytes; // never both non-empty

    void add(const char *at, size_t length)
    {
        const QByteArrayView more(at, qsizetype(length));
        if (bytes.isEmpty() && view.isEmpty()) {
            view = more;
            return;
        }
        keep();
        bytes.append(more);
    }
    // Before the buffer the view points into goes away.
    void keep()
    {
        if (!view.isEmpty()) {
            bytes.append(view);
            view = {};
        }
    }
    QByteArrayView get() const { return bytes.isEmpty() ? view : QByteArrayView(bytes); }
    void clear()
    {
        view = {};
        bytes.clear();
    }
};

// llhttp drops the whitespace before a field value, not the whitespace after it.
QByteArray trimOws(QByteArrayView value)
{
    while (!value.isEmpty() && (value.back() == ' ' || value.back() == '\t'))
        value.chop(1);
    return value.isEmpty() ? QByteArray() : value.toByteArray();
}

QByteArray number(qint64 n)
{
    return QByteArray::number(n);
}

} // namespace

struct RequestParser::Impl
{
    enum class Stage { RequestLine, Message, Closed, Failed };

    explicit Impl(Limits l) : limits(l)
    {
        llhttp_settings_init(&settings);
        settings.on_url = &Impl::onUrl;
        settings.on_header_field = &Impl::onHeaderField;
        settings.on_header_value = &Impl::onHeaderValue;
        settings.on_header_field_complete = &Impl::onHeaderFieldComplete;
        settings.on_header_value_complete = &Impl::onHeaderValueComplete;
        settings.on_headers_complete = &Impl::onHeadersComplete;
        settings.on_body = &Impl::onBody;
        settings.on_chunk_header = &Impl::onChunkHeader;
        settings.on_message_complete = &Impl::onMessageComplete;
        llhttp_init(&parser, HTTP_REQUEST, &settings);
        parser.data = this;
    }

    Limits limits;
    llhttp_settings_t settings;
    llhttp_t parser;
    Stage stage = Stage::RequestLine;
    Output *out = nullptr;

    QByteArray line;          // the request line received so far
    qsizetype methodEnd = -1; // index of the SP after the method in `line`, once seen
    HttpRequest current;
    Span field;
    Span value;
    qsizetype expectedHeaders = 8; // the previous request's count: one allocation for the list
    bool headDone = false;
    qsizetype headBytes = 0; // bytes of the head given to llhttp so far, request line included
    // What llhttp tolerates and we refuse (findLineError): the header section's current line.
    qsizetype lineLength = 0;
    char previousByte = 0;
    bool headScanned = false;
    int headerCount = 0;
    int trailerCount = 0;
    bool inTrailers = false;
    qsizetype trailerBytes = 0; // bytes after the last chunk's size line given to llhttp
    int minorOverride = -1;
    bool awaitingContinue = false;
    bool continueReported = false;
    std::optional<ParseError> callbackError;

    static Impl *self(llhttp_t *p) { return static_cast<Impl *>(p->data); }

    void fail(int status, const QByteArray &reason)
    {
        stage = Stage::Failed;
        out->error = ParseError{status, reason};
    }

    // Callbacks report limits through callbackError and a non-zero return, which stops llhttp.
    int callbackFail(int status, const QByteArray &reason)
    {
        callbackError = ParseError{status, reason};
        return HPE_USER;
    }

    bool consumeRequestLine(QByteArrayView &bytes);
    void startMessage(QByteArrayView requestLine, qsizetype methodLength);
    void consumeMessage(QByteArrayView &bytes);
    qsizetype findLineError(QByteArrayView bytes, QByteArray *reason);
    qsizetype execute(QByteArrayView bytes);

    static int onUrl(llhttp_t *p, const char *at, size_t length)
    {
        self(p)->current.target.append(at, qsizetype(length));
        return 0;
    }
    static int onHeaderField(llhttp_t *p, const char *at, size_t length)
    {
        self(p)->field.add(at, length);
        return 0;
    }
    static int onHeaderValue(llhttp_t *p, const char *at, size_t length)
    {
        self(p)->value.add(at, length);
        return 0;
    }
    static int onHeaderFieldComplete(llhttp_t *p)
    {
        Impl *d = self(p);
        // llhttp lets "Bad Name" through; a field name is a token (RFC 9110 §5.1).
        if (!base::isHttpToken(d->field.get()))
            return d->callbackFail(400, "Invalid header field name");
        int &count = d->headDone ? d->trailerCount : d->headerCount;
        if (++count > d->limits.maxHeaders)
            return d->callbackFail(431, "More than " + number(d->limits.maxHeaders) +
                                            (d->headDone ? " trailer fields" : " header fields"));
        return 0;
    }
    static int onHeaderValueComplete(llhttp_t *p)
    {
        Impl *d = self(p);
        HeaderList &list = d->headDone ? d->current.trailers : d->current.headers;
        list.append({headerName(d->field.get()), trimOws(d->value.get())});
        d->field.clear();
        d->value.clear();
        return 0;
    }
    static int onHeadersComplete(llhttp_t *p) { return self(p)->headersComplete(); }
    int headersComplete();
    static int onBody(llhttp_t *p, const char *at, size_t length)
    {
        Impl *d = self(p);
        if (d->current.body.size() + qsizetype(length) > d->limits.maxBodyBytes)
            return d->callbackFail(413, "Request body larger than " +
                                            number(d->limits.maxBodyBytes) + " bytes");
        d->current.body.append(at, qsizetype(length));
        return 0;
    }
    static int onChunkHeader(llhttp_t *p)
    {
        Impl *d = self(p);
        if (p->content_length == 0) {
            // The last chunk: the trailer section follows. Pause so that consumeMessage counts
            // its bytes exactly, as for the head (counting in the data callbacks would depend on
            // how the input was split, since llhttp reports spans at the end of each buffer).
            d->inTrailers = true;
            return HPE_PAUSED;
        }
        // Refuse a chunk as soon as its size line says it cannot fit, before reading it.
        const quint64 room = quint64(d->limits.maxBodyBytes - d->current.body.size());
        if (p->content_length > room)
            return d->callbackFail(413, "Chunk of " + number(qint64(p->content_length)) +
                                            " bytes exceeds the body limit of " +
                                            number(d->limits.maxBodyBytes) + " bytes");
        return 0;
    }
    static int onMessageComplete(llhttp_t *p) { return self(p)->messageComplete(); }
    int messageComplete();
};

int RequestParser::Impl::headersComplete()
{
    headDone = true;
    current.versionMajor = llhttp_get_http_major(&parser);
    current.versionMinor = minorOverride >= 0 ? minorOverride : llhttp_get_http_minor(&parser);
    current.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    // HTTP/0.9 ("GET /" without a version) reaches here with no header; 2.0 and 1.x are
    // screened on the request line already.
    if (current.versionMajor != 1)
        return callbackFail(505, "HTTP version " + number(current.versionMajor) + '.' +
                                     number(current.versionMinor) + " is not supported");

    // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host, and to any
    // request with more than one. Browsers always send exactly one, so enforcing it costs nothing
    // and keeps the lab honest about what real servers do.
    int hosts = 0;
    for (const auto &header : std::as_const(current.headers)) {
        if (base::equalsIgnoreCase(header.first, "host"))
            ++hosts;
    }
    if (hosts > 1)
        return callbackFail(400, "More than one Host header field");
    if (hosts == 0 && current.versionMinor >= 1)
        return callbackFail(400, "Missing Host header field (required in HTTP/1.1)");

    // llhttp already insists that chunked comes last; any other coding is one we cannot decode.
    if (const auto codings = base::getDecodeAndSplit(current.headers, "transfer-encoding")) {
        for (const QByteArray &coding : *codings) {
            if (!base::equalsIgnoreCase(coding, "chunked"))
                return callbackFail(501, "Unsupported transfer coding: " + coding);
        }
    }

    const bool chunked = (parser.flags & F_CHUNKED) != 0;
    const bool hasLength = (parser.flags & F_CONTENT_LENGTH) != 0;
    if (hasLength && parser.content_length > quint64(limits.maxBodyBytes))
        return callbackFail(413, "Content-Length " + number(qint64(parser.content_length)) +
                                     " exceeds the body limit of " + number(limits.maxBodyBytes) +
                                     " bytes");

    if (const auto expect = current.header("expect"); expect && current.versionMinor >= 1) {
        if (!base::equalsIgnoreCase(base::normalizeHeaderValue(*expect), "100-continue"))
            return callbackFail(417, "Unsupported expectation: " + *expect);
        awaitingContinue = chunked || (hasLength && parser.content_length > 0);
    }
    return 0;
}

int RequestParser::Impl::messageComplete()
{
    expectedHeaders = qMax<qsizetype>(8, current.headers.size());
    // After CONNECT the connection carries a tunnel, not requests (RFC 9110 §9.3.6).
    const bool keepAlive = current.keepAlive() && current.method != "CONNECT";
    out->requests.append(std::move(current));
    current = HttpRequest();
    awaitingContinue = false;
    continueReported = false;
    inTrailers = false;
    stage = keepAlive ? Stage::RequestLine : Stage::Closed;
    // Pause so that the next message starts in consumeRequestLine (its method may be unknown to
    // llhttp) and so that nothing is parsed after a message that closes the connection.
    return HPE_PAUSED;
}

bool RequestParser::Impl::consumeRequestLine(QByteArrayView &bytes)
{
    if (line.isEmpty()) {
        // RFC 9112 §2.2: ignore empty lines received before the request-line.
        qsizetype skip = 0;
        while (skip < bytes.size() && (bytes[skip] == '\r' || bytes[skip] == '\n'))
            ++skip;
        bytes = bytes.sliced(skip);
        if (bytes.isEmpty())
            return false;

        // The usual case, a whole request line in this buffer: parsed in place, not copied into
        // `line` first. Same checks, in the same order, as the byte-by-byte path below.
        const qsizetype newline = bytes.indexOf('\n');
        if (newline >= 0 && newline < limits.maxHeaderBytes) {
            const QByteArrayView requestLine = bytes.first(newline + 1);
            qsizetype space = 0;
            while (requestLine[space] != ' ' || space == 0) {
                if (!isTchar(requestLine[space])) {
                    fail(400, "Invalid method: the request line must start with a token");
                    return false;
                }
                ++space; // stops at the '\n' at the latest, which is no tchar
            }
            bytes = bytes.sliced(newline + 1);
            startMessage(requestLine, space);
            return true;
        }
    }
    const qsizetype newline = bytes.indexOf('\n');
    qsizetype take = newline < 0 ? bytes.size() : newline + 1;
    // Never hold more than the limit (plus the byte that proves it is exceeded).
    take = qMin(take, limits.maxHeaderBytes + 1 - line.size());
    const qsizetype scanFrom = line.size();
    line.append(bytes.first(take));
    bytes = bytes.sliced(take);

    // The method is read here, byte by byte, so that any token works and anything else fails
    // fast (no need to wait for a line of garbage to end).
    if (methodEnd < 0) {
        for (qsizetype i = scanFrom; i < line.size(); ++i) {
            const char c = line.at(i);
            if (c == ' ' && i > 0) {
                methodEnd = i;
                break;
            }
            if (!isTchar(c)) {
                fail(400, "Invalid method: the request line must start with a token");
                return false;
            }
        }
    }
    if (line.size() > limits.maxHeaderBytes) {
        // Still inside the request-target (one SP seen, not the second): the URI is too long.
        const bool inTarget = methodEnd >= 0 && line.indexOf(' ', methodEnd + 1) < 0;
        if (inTarget)
            fail(414, "Request-target longer than " + number(limits.maxHeaderBytes) + " bytes");
        else
            fail(431, "Request line larger than " + number(limits.maxHeaderBytes) + " bytes");
        return false;
    }
    if (!line.endsWith('\n'))
        return false;
    startMessage(line, methodEnd);
    line.clear(); // after startMessage: \a requestLine pointed into it
    methodEnd = -1;
    return true;
}

// \a requestLine: "method SP target SP version CRLF", the method \a methodLength bytes long.
void RequestParser::Impl::startMessage(QByteArrayView requestLine, qsizetype methodLength)
{
    const QByteArrayView method = requestLine.first(methodLength);
    const QByteArrayView rest = requestLine.sliced(methodLength); // " target SP version CRLF"
    minorOverride = -1;

    // Versions are screened here: llhttp refuses HTTP/1.2 (RFC 9112 §2.3 says to treat a higher
    // minor as the highest we implement) and would accept 2.0 (answered 505).
    // Line endings are CRLF throughout: llhttp accepts a bare LF after the request line and the
    // header section but not after a field line; refusing all of them keeps one rule, and no
    // front end and back end can disagree on where a line ends.
    if (!rest.endsWith("\r\n")) {
        fail(400, "Request line must end with CRLF");
        return;
    }
    const qsizetype eol = 2;
    const qsizetype sp2 = rest.indexOf(' ', 1);
    QByteArray restForLlhttp; // only when the version is rewritten
    if (sp2 > 1) {
        const qsizetype vlen = rest.size() - eol - sp2 - 1;
        const QByteArrayView v = rest.sliced(sp2 + 1, qMax<qsizetype>(vlen, 0));
        if (v.size() == 8 && v.startsWith("HTTP/") && isDigit(v[5]) && v[6] == '.' &&
            isDigit(v[7])) {
            const int major = v[5] - '0';
            const int minor = v[7] - '0';
            if (major != 1) {
                fail(505, "HTTP version " + v.toByteArray() + " is not supported");
                return;
            }
            if (minor > 1) {
                minorOverride = minor;
                restForLlhttp = rest.toByteArray();
                restForLlhttp[sp2 + 1 + 7] = '1';
            }
        }
    }

    llhttp_reset(&parser);
    QByteArray common = commonMethod(method);
    const bool known = !common.isNull() || knownToLlhttp(method);
    current.method = common.isNull() ? method.toByteArray() : std::move(common);
    current.headers.reserve(expectedHeaders);
    field.clear();
    value.clear();
    headDone = false;
    headBytes = requestLine.size();
    lineLength = 0;
    previousByte = 0;
    headScanned = false;
    headerCount = 0;
    trailerCount = 0;
    inTrailers = false;
    trailerBytes = 0;
    callbackError.reset();
    stage = Stage::Message;

    // llhttp reads the line as given when it knows the method and the version needs no rewrite;
    // otherwise it gets the placeholder and the rest in two calls (it accepts any split).
    if (known && restForLlhttp.isNull()) {
        execute(requestLine);
        return;
    }
    execute(known ? method : placeholderMethod);
    if (stage == Stage::Message)
        execute(restForLlhttp.isNull() ? rest : QByteArrayView(restForLlhttp));
}

// Runs llhttp over \a bytes; returns how many it consumed (less than all when a message ended).
qsizetype RequestParser::Impl::execute(QByteArrayView bytes)
{
    const llhttp_errno_t err = llhttp_execute(&parser, bytes.data(), size_t(bytes.size()));
    // A field cut by the end of \a bytes continues in the next call; \a bytes may not live that
    // long.
    field.keep();
    value.keep();
    switch (err) {
    case HPE_OK:
        return bytes.size();
    case HPE_PAUSED:
    case HPE_PAUSED_UPGRADE:
    case HPE_PAUSED_H2_UPGRADE:
        if (stage == Stage::Message) {
            if (err == HPE_PAUSED && inTrailers) { // paused by onChunkHeader
                const qsizetype consumed = llhttp_get_error_pos(&parser) - bytes.data();
                llhttp_resume(&parser);
                return consumed;
            }
            // onMessageComplete pauses and leaves Stage::Message; anything else is an upgrade
            // llhttp wants to hand over, which this server does not do.
            fail(400, "Protocol upgrade is not supported");
            return bytes.size();
        }
        return llhttp_get_error_pos(&parser) - bytes.data();
    default:
        if (callbackError)
            fail(callbackError->status, callbackError->reason);
        else
            fail(400, QByteArray(llhttp_get_error_reason(&parser)));
        return bytes.size();
    }
}

// Scans head bytes for what llhttp accepts but RFC 9112 lets us refuse: obs-fold (§5.2; llhttp
// unfolds it, and other parsers would not), whitespace before the first field line (§2.2), bare LF
// and bare CR (§2.2; a CR that ends lines for one parser and not for another is how requests get
// smuggled). Returns the offset of the offending byte in \a bytes, or -1.
qsizetype RequestParser::Impl::findLineError(QByteArrayView bytes, QByteArray *reason)
{
    const char *const data = bytes.data();
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n && !headScanned) {
        if (lineLength > 0 && previousByte != '\r') {
            // Inside a field line: only a CR or an LF can be wrong, so jump to the next one
            // (memchr instead of a test per byte; the bytes skipped would only count).
            const char *lf = static_cast<const char *>(std::memchr(data + i, '\n', size_t(n - i)));
            const qsizetype lineEnd = lf ? lf - data : n;
            const char *cr =
                static_cast<const char *>(std::memchr(data + i, '\r', size_t(lineEnd - i)));
            const qsizetype stop = cr ? cr - data : lineEnd;
            if (stop > i) {
                lineLength += stop - i;
                previousByte = data[stop - 1];
                i = stop;
                if (i == n)
                    break;
            }
        }
        const char c = data[i];
        if (previousByte == '\r' && c != '\n') {
            // llhttp takes "\r" + anything as the end of the header section.
            *reason = "Bare CR in the header section (lines end with CRLF)";
            return i;
        }
        if (c == '\n') {
            if (previousByte != '\r') {
                *reason = "Bare LF in the header section (lines end with CRLF)";
                return i;
            }
            headScanned = lineLength == 1; // an empty line ends the head
            lineLength = 0;
        } else {
            if (lineLength == 0 && (c == ' ' || c == '\t')) {
                *reason = "Line folding (obs-fold) or whitespace at the start of a field line";
                return i;
            }
            ++lineLength;
        }
        previousByte = c;
        ++i;
    }
    return -1;
}

void RequestParser::Impl::consumeMessage(QByteArrayView &bytes)
{
    QByteArrayView slice = bytes;
    if (!headDone) {
        // Feed at most what the head may still take, so the limit is exact whatever the split.
        const qsizetype room = limits.maxHeaderBytes - headBytes;
        if (room <= 0) {
            fail(431,
                 "Request header block larger than " + number(limits.maxHeaderBytes) + " bytes");
            bytes = {};
            return;
        }
        slice = bytes.first(qMin(bytes.size(), room));
        QByteArray reason;
        const qsizetype bad = findLineError(slice, &reason);
        if (bad >= 0) {
            // llhttp first sees the bytes before it, as it would with any other split of the
            // input: an earlier error of its own wins, and if it ended the head before that byte,
            // the byte is not part of this head after all (the rest is parsed as usual).
            const qsizetype consumed = bad > 0 ? execute(slice.first(bad)) : 0;
            if (stage == Stage::Message && !headDone) {
                fail(400, reason);
                bytes = {};
            } else {
                bytes = bytes.sliced(qBound<qsizetype>(0, consumed, bytes.size()));
            }
            return;
        }
    }
    if (inTrailers) {
        const qsizetype room = limits.maxHeaderBytes - trailerBytes;
        if (room <= 0) {
            fail(431, "Trailer section larger than " + number(limits.maxHeaderBytes) + " bytes");
            bytes = {};
            return;
        }
        slice = bytes.first(qMin(bytes.size(), room));
    }
    const bool wasInHead = !headDone;
    const bool wasInTrailers = inTrailers;
    const qsizetype consumed = execute(slice);
    if (wasInHead && !headDone)
        headBytes += consumed;
    if (wasInTrailers && inTrailers && stage == Stage::Message)
        trailerBytes += consumed;
    bytes = bytes.sliced(qBound<qsizetype>(0, consumed, bytes.size()));
}

RequestParser::RequestParser(Limits limits) : m_impl(std::make_unique<Impl>(limits))
{
}

RequestParser::~RequestParser() = default;

RequestParser::Output RequestParser::feed(QByteArrayView bytes)
{
    Output out;
    Impl &d = *m_impl;
    d.out = &out;
    while (!bytes.isEmpty()) {
        if (d.stage == Impl::Stage::RequestLine) {
            d.consumeRequestLine(bytes);
        } else if (d.stage == Impl::Stage::Message) {
            const qsizetype before = bytes.size();
            d.consumeMessage(bytes);
            if (bytes.size() == before && d.stage == Impl::Stage::Message) {
                d.fail(400, "The parser made no progress"); // never seen; guards against a hang
                break;
            }
        } else {
            break; // Closed or Failed: the rest is ignored
        }
    }
    if (d.stage == Impl::Stage::Message && d.awaitingContinue && !d.continueReported) {
        out.expectContinue = true;
        d.continueReported = true;
    }
    d.out = nullptr;
    return out;
}

bool RequestParser::idle() const
{
    return m_impl->stage == Impl::Stage::RequestLine && m_impl->line.isEmpty();
}

bool RequestParser::readingHead() const
{
    const Impl &d = *m_impl;
    return (d.stage == Impl::Stage::RequestLine && !d.line.isEmpty()) ||
           (d.stage == Impl::Stage::Message && !d.headDone);
}

const HttpRequest *RequestParser::partialRequest() const
{
    return m_impl->stage == Impl::Stage::Message ? &m_impl->current : nullptr;
}

bool RequestParser::finished() const
{
    return m_impl->stage == Impl::Stage::Closed || m_impl->stage == Impl::Stage::Failed;
}

const RequestParser::Limits &RequestParser::limits() const
{
    return m_impl->limits;
}

} // namespace corslab::http
