#include "response_parser.h"

#include "base/header_list.h"

#include <array>
#include <cstring>

namespace corslab::http {

namespace {

constexpr int badGatewayStatus = 502;

QByteArray number(qint64 n)
{
    return QByteArray::number(n);
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Hexadecimal digit values, -1 for any other byte (chunk sizes are read byte by byte).
constexpr auto hexTable = [] {
    std::array<signed char, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c)
        table[size_t(c)] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
        table[size_t(c)] = static_cast<signed char>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c)
        table[size_t(c)] = static_cast<signed char>(c - 'A' + 10);
    return table;
}();

int hexValue(char c)
{
    return hexTable[static_cast<unsigned char>(c)];
}

QByteArrayView trimOws(QByteArrayView value)
{
    while (!value.isEmpty() && isOws(value.front()))
        value = value.sliced(1);
    while (!value.isEmpty() && isOws(value.back()))
        value.chop(1);
    return value;
}

// Received bytes in an error reason: quoted, at most 60 of them, anything but printable ASCII as
// \xNN, so that a reason never carries control bytes into a log line or an error page.
QByteArray quoted(QByteArrayView bytes)
{
    constexpr qsizetype shown = 60;
    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(qMin(bytes.size(), shown) + 8);
    out += '"';
    for (qsizetype i = 0; i < qMin(bytes.size(), shown); ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c >= 0x20 && c < 0x7F) {
            out += char(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out += '"';
    if (bytes.size() > shown)
        out += "...";
    return out;
}

// Field names most responses carry, in their usual spellings: a shared copy instead of an
// allocation each. Exact matches only, so a name keeps the case it was sent with.
QByteArray headerName(QByteArrayView name)
{
    static const QByteArray common[] = {
        QByteArrayLiteral("Date"),
        QByteArrayLiteral("date"),
        QByteArrayLiteral("Server"),
        QByteArrayLiteral("server"),
        QByteArrayLiteral("Content-Type"),
        QByteArrayLiteral("content-type"),
        QByteArrayLiteral("Content-Length"),
        QByteArrayLiteral("content-length"),
        QByteArrayLiteral("Connection"),
        QByteArrayLiteral("connection"),
        QByteArrayLiteral("Keep-Alive"),
        QByteArrayLiteral("Transfer-Encoding"),
        QByteArrayLiteral("transfer-encoding"),
        QByteArrayLiteral("Content-Encoding"),
        QByteArrayLiteral("Cache-Control"),
        QByteArrayLiteral("cache-control"),
        QByteArrayLiteral("Vary"),
        QByteArrayLiteral("vary"),
        QByteArrayLiteral("ETag"),
        QByteArrayLiteral("Last-Modified"),
        QByteArrayLiteral("Expires"),
        QByteArrayLiteral("Location"),
        QByteArrayLiteral("Set-Cookie"),
        QByteArrayLiteral("Accept-Ranges"),
        QByteArrayLiteral("Access-Control-Allow-Origin"),
        QByteArrayLiteral("access-control-allow-origin"),
        QByteArrayLiteral("Access-Control-Allow-Credentials"),
        QByteArrayLiteral("Access-Control-Allow-Methods"),
        QByteArrayLiteral("Access-Control-Allow-Headers"),
        QByteArrayLiteral("Access-Control-Expose-Headers"),
        QByteArrayLiteral("Access-Control-Max-Age"),
        QByteArrayLiteral("X-Content-Type-Options"),
        QByteArrayLiteral("Strict-Transport-Security"),
    };
    for (const QByteArray &known : common) {
        if (known.size() == name.size() && known == name)
            return known;
    }
    return name.toByteArray();
}

QByteArray reasonPhrase(QByteArrayView reason)
{
    if (reason == "OK")
        return QByteArrayLiteral("OK");
    return reason.toByteArray();
}

// The last element of a comma-separated list value (RFC 9110 §5.6.1), commas inside quoted
// strings skipped; empty when the value has no non-empty element.
QByteArrayView lastListElement(QByteArrayView value)
{
    QByteArrayView last;
    qsizetype start = 0;
    bool inQuotes = false;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        if (i < value.size()) {
            const char c = value[i];
            if (inQuotes && c == '\\') {
                ++i;
                continue;
            }
            if (c == '"')
                inQuotes = !inQuotes;
            if (inQuotes || c != ',')
                continue;
        }
        const QByteArrayView element = trimOws(value.sliced(start, i - start));
        if (!element.isEmpty())
            last = element;
        start = i + 1;
    }
    return last;
}

} // namespace

struct ResponseParser::Impl
{
    enum class Stage { Idle, Head, Body, Failed };
    enum class Framing { None, Length, Chunked, UntilClose };
    // Where the chunked decoder is: in a chunk size line, in a chunk's data, after it, or in the
    // trailer section (read like a head).
    enum class Chunk { Size, SizeSpace, Extension, SizeLineCr, Data, DataEnd, DataCr, Trailers };
    enum class Line { More, End, Failed };

    explicit Impl(Limits l) : limits(l) {}

    Limits limits;
    Stage stage = Stage::Idle;
    Output *out = nullptr;
    bool headRequest = false;
    bool connectRequest = false;
    qsizetype decodedCap = wholeBody;

    // The section being read: a head (interim or final) or the trailer section.
    bool inTrailers = false;
    QByteArray pending;         // an unfinished line, only when it straddles two feeds
    qsizetype sectionBytes = 0; // complete lines of the section
    int lineNumber = 0;         // complete lines of the section, the current one included
    int fieldCount = 0;
    bool sawResponseBytes = false; // for finish(): nothing at all, or a head cut short
    ResponseHead current;
    HeaderList trailers;
    qsizetype expectedHeaders = 16; // the previous head's count: one allocation for the list

    // The body.
    Framing framing = Framing::None;
    qint64 remaining = 0; // of the Content-Length body, or of the current chunk's data
    Chunk chunk = Chunk::Size;
    qint64 chunkSize = 0;
    qsizetype chunkLineBytes = 0;
    qint64 rawBodyBefore = 0; // raw body bytes of the earlier feeds (for error positions)
    qsizetype feedBodyFrom = 0;
    qint64 decodedBytes = 0;
    qint64 decodedHandedOut = 0;
    QByteArrayView decodedView; // this feed's decoded body while it is one span of the input
    QByteArray decoded;         // this feed's decoded body once it is more than one span

    void fail(const QByteArray &reason)
    {
        stage = Stage::Failed;
        out->error = ParseError{badGatewayStatus, reason};
    }

    void startSection(bool trailerSection)
    {
        inTrailers = trailerSection;
        pending.clear();
        sectionBytes = 0;
        lineNumber = 0;
        fieldCount = 0;
    }

    void startHead()
    {
        startSection(false);
        current = ResponseHead();
        current.headers.reserve(expectedHeaders);
    }

    QByteArray where() const
    {
        return "line " + number(lineNumber) +
               (inTrailers ? " of the trailer section" : " of the response head");
    }

    qint64 bodyOffset(qsizetype pos) const { return rawBodyBefore + (pos - feedBodyFrom); }

    void addDecoded(QByteArrayView span);
    QByteArrayView takeDecoded();

    bool readSection(QByteArrayView bytes, qsizetype &pos);
    bool statusPrefixOk(QByteArrayView first, QByteArrayView second);
    Line processLine(QByteArrayView line);
    bool parseStatusLine(QByteArrayView line);
    bool addField(QByteArrayView line);
    bool unfold(QByteArrayView line);
    void headComplete();
    bool decideFraming(ResponseHead &head);
    void bodyComplete();
    void consumeBody(QByteArrayView bytes, qsizetype &pos);
    void consumeChunked(QByteArrayView bytes, qsizetype &pos);
    void failChunk(qsizetype pos, const QByteArray &what);
};

// The decoded body of a feed is handed out as a view: of the input while it is a single span
// (a Content-Length or close-delimited body, a feed within one chunk), else of `decoded`.
void ResponseParser::Impl::addDecoded(QByteArrayView span)
{
    decodedBytes += span.size();
    const qint64 room = qint64(decodedCap) - decodedHandedOut;
    if (room <= 0 || span.isEmpty())
        return;
    if (span.size() > room)
        span = span.first(qsizetype(room));
    decodedHandedOut += span.size();
    if (decodedView.isEmpty() && decoded.isEmpty()) {
        decodedView = span;
        return;
    }
    if (!decodedView.isEmpty()) {
        decoded.append(decodedView);
        decodedView = {};
    }
    decoded.append(span);
}

QByteArrayView ResponseParser::Impl::takeDecoded()
{
    return decoded.isEmpty() ? decodedView : QByteArrayView(decoded);
}

// Reads the lines of the current section from bytes[pos...]: true when its empty line was read
// (pos is then just after it). A line is copied only when it straddles two feeds.
//
// Every check depends on the bytes alone, never on how they were split: a complete line is
// checked when its LF arrives, the size limit as soon as the section passes it, and the status
// line's first five bytes as they arrive (so that a non-HTTP answer fails at once).
bool ResponseParser::Impl::readSection(QByteArrayView bytes, qsizetype &pos)
{
    const char *const data = bytes.data();
    const qsizetype n = bytes.size();
    while (pos < n) {
        const bool statusLine = !inTrailers && lineNumber == 0;
        const qsizetype from = pos;
        const auto *lf =
            static_cast<const char *>(std::memchr(data + from, '\n', size_t(n - from)));
        if (!lf) {
            const QByteArrayView part = bytes.sliced(from);
            if (statusLine && !statusPrefixOk(pending, part))
                return false;
            const qsizetype total = sectionBytes + pending.size() + part.size();
            // Below five bytes the prefix check decides (as it does for a complete line).
            if (total > limits.maxHeaderBytes && !(statusLine && total <= 5)) {
                fail((inTrailers ? "Trailer section larger than " : "Response head larger than ") +
                     number(limits.maxHeaderBytes) + " bytes");
                return false;
            }
            pending.append(part);
            pos = n;
            return false;
        }
        const qsizetype end = lf - data + 1;
        QByteArrayView line = bytes.sliced(from, end - from);
        if (!pending.isEmpty()) {
            pending.append(line);
            line = pending;
        }
        pos = end;
        if (statusLine && !statusPrefixOk(line, {}))
            return false;
        if (sectionBytes + line.size() > limits.maxHeaderBytes) {
            fail((inTrailers ? "Trailer section larger than " : "Response head larger than ") +
                 number(limits.maxHeaderBytes) + " bytes");
            return false;
        }
        sectionBytes += line.size();
        ++lineNumber;
        const Line result = processLine(line);
        pending.clear();
        if (result != Line::More)
            return result == Line::End;
    }
    return false;
}

// The first five bytes of \a first followed by \a second must be "HTTP/": anything else is not
// an HTTP/1.x response (HTTP/0.9 has no status line; TLS or HTTP/2 bytes on a plain connection).
bool ResponseParser::Impl::statusPrefixOk(QByteArrayView first, QByteArrayView second)
{
    static constexpr char prefix[] = "HTTP/";
    const qsizetype n = qMin<qsizetype>(5, first.size() + second.size());
    for (qsizetype i = 0; i < n; ++i) {
        const char c = i < first.size() ? first[i] : second[i - first.size()];
        if (c != prefix[i]) {
            QByteArray start = first.first(qMin(first.size(), i + 1)).toByteArray();
            if (start.size() < i + 1)
                start += second.first(i + 1 - start.size());
            fail("Not an HTTP/1.x response: it starts with " + quoted(start) +
                 " (expected \"HTTP/\")");
            return false;
        }
    }
    return true;
}

ResponseParser::Impl::Line ResponseParser::Impl::processLine(QByteArrayView line)
{
    // RFC 9112 §2.2: a recipient MAY take a bare LF as a line terminator, and Chromium and
    // Firefox do, in heads, chunk size lines and trailers alike. A bare CR is refused: parsers
    // that disagree on where a line ends disagree on where a message ends.
    line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.contains('\r')) {
        fail("Bare CR in " + where() + " (lines end with CRLF or LF)");
        return Line::Failed;
    }
    if (!inTrailers && lineNumber == 1)
        return parseStatusLine(line) ? Line::More : Line::Failed;
    if (line.isEmpty())
        return Line::End;
    if (isOws(line.front()))
        return unfold(line) ? Line::More : Line::Failed;
    return addField(line) ? Line::More : Line::Failed;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).
bool ResponseParser::Impl::parseStatusLine(QByteArrayView line)
{
    const bool wellFormed = line.size() >= 12 && isDigit(line[5]) && line[6] == '.' &&
                            isDigit(line[7]) && line[8] == ' ' && isDigit(line[9]) &&
                            isDigit(line[10]) && isDigit(line[11]) &&
                            // Browsers accept a status line without the SP before an empty
                            // reason ("HTTP/1.1 200"), which many servers send.
                            (line.size() == 12 || line[12] == ' ');
    if (!wellFormed) {
        fail("Invalid status line " + quoted(line) +
             " (expected \"HTTP/1.x\", a three-digit status code and a reason phrase)");
        return false;
    }
    current.versionMajor = line[5] - '0';
    current.versionMinor = line[7] - '0';
    if (current.versionMajor != 1) {
        fail("HTTP version " + line.sliced(5, 3).toByteArray() +
             " in the status line is not supported (expected HTTP/1.0 or HTTP/1.1)");
        return false;
    }
    current.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (current.status < 100) {
        fail("Invalid status code " + line.sliced(9, 3).toByteArray() +
             " in the status line (expected 100 to 999)");
        return false;
    }
    const QByteArrayView reason = line.size() > 13 ? line.sliced(13) : QByteArrayView();
    if (reason.contains('\0')) {
        fail("NUL byte in the reason phrase of the status line");
        return false;
    }
    current.reason = reasonPhrase(reason);
    return true;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
bool ResponseParser::Impl::addField(QByteArrayView line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        fail("No colon in " + where() + ": " + quoted(line));
        return false;
    }
    // RFC 9112 §5.1 forbids whitespace before the colon, and tells a proxy to remove it from a
    // response before forwarding it: Chromium and Firefox read the name without it.
    const QByteArrayView name = trimOws(line.first(colon));
    if (!base::isHttpToken(name)) {
        fail("Invalid header field name " + quoted(line.first(colon)) + " in " + where() +
             " (expected a token)");
        return false;
    }
    // Fetch's header value is any bytes but NUL, CR and LF (browsers accept control bytes and
    // obs-text in values; llhttp would refuse them).
    const QByteArrayView value = trimOws(line.sliced(colon + 1));
    if (value.contains('\0')) {
        fail("NUL byte in the value of " + quoted(name) + " in " + where());
        return false;
    }
    if (++fieldCount > limits.maxHeaders) {
        fail("More than " + number(limits.maxHeaders) +
             (inTrailers ? " trailer fields" : " header fields in the response head"));
        return false;
    }
    HeaderList &list = inTrailers ? trailers : current.headers;
    list.append({headerName(name), value.toByteArray()});
    return true;
}

// obs-fold (RFC 9112 §5.2): "A user agent that receives an obs-fold in a response message ...
// MUST replace each received obs-fold with one or more SP octets", and browsers do.
bool ResponseParser::Impl::unfold(QByteArrayView line)
{
    HeaderList &list = inTrailers ? trailers : current.headers;
    if (list.isEmpty()) {
        // RFC 9112 §2.2: whitespace before the first field line is to be rejected (or skipped).
        fail("Whitespace at the start of " + where() + ", before any header field");
        return false;
    }
    const QByteArrayView more = trimOws(line);
    if (more.contains('\0')) {
        fail("NUL byte in the value of " + quoted(list.last().first) + " in " + where());
        return false;
    }
    QByteArray &value = list.last().second;
    if (!more.isEmpty()) {
        if (!value.isEmpty())
            value += ' ';
        value += more;
    }
    return true;
}

// The empty line of a head: an interim head is reported and the next head read; the final one
// decides how the body is framed.
void ResponseParser::Impl::headComplete()
{
    expectedHeaders = qMax<qsizetype>(current.headers.size(), 8);
    if (current.status < 200 && current.status != 101) {
        decideFraming(current); // never fails for 1xx; sets keepAlive for completeness
        out->interim.append(std::move(current));
        startHead();
        return;
    }
    if (!decideFraming(current))
        return;
    framing = current.chunked          ? Framing::Chunked
              : current.closeDelimited ? Framing::UntilClose
              : current.contentLength  ? Framing::Length
                                       : Framing::None;
    remaining = current.contentLength.value_or(0);
    chunk = Chunk::Size;
    chunkSize = 0;
    chunkLineBytes = 0;
    const bool upgrade = current.upgrade;
    out->head = std::move(current);
    stage = Stage::Body;
    if (upgrade || framing == Framing::None || (framing == Framing::Length && remaining == 0))
        bodyComplete();
}

// RFC 9112 §6.3 (message body length) and §9.3 (persistence) for a response.
bool ResponseParser::Impl::decideFraming(ResponseHead &head)
{
    const HeaderList &headers = head.headers;
    const bool http11 = head.versionMinor >= 1;
    head.keepAlive = !hasHeaderToken(headers, "connection", "close") &&
                     (http11 || hasHeaderToken(headers, "connection", "keep-alive"));

    // §6.3 rule 2: a 2xx answer to CONNECT makes a tunnel; 101 switches protocols.
    if (head.status == 101 || (connectRequest && head.status >= 200 && head.status < 300)) {
        head.upgrade = true;
        head.keepAlive = false;
        return true;
    }
    // §6.3 rule 1: no body after a HEAD request, nor in 1xx, 204 and 304, whatever the fields
    // say (so Content-Length and Transfer-Encoding are not even checked).
    if (headRequest || head.status < 200 || head.status == 204 || head.status == 304)
        return true;

    bool hasTransferEncoding = false;
    QByteArrayView finalCoding;
    bool hasContentLength = false;
    for (const auto &[name, value] : headers) {
        if (base::equalsIgnoreCase(name, "transfer-encoding")) {
            hasTransferEncoding = true;
            const QByteArrayView last = lastListElement(value);
            if (!last.isEmpty())
                finalCoding = last;
        } else if (base::equalsIgnoreCase(name, "content-length")) {
            hasContentLength = true;
        }
    }

    if (hasTransferEncoding) {
        // §6.3 rules 3 and 4: Transfer-Encoding overrides Content-Length (as in Chromium and
        // Firefox); chunked must be the final coding, else the body runs until the close.
        // Both fields "ought to be handled as an error": the body is read, the connection is
        // not reused. In HTTP/1.0 (§6.1: "faulty framing", close after) Chromium ignores
        // Transfer-Encoding, but the proxy relays the head as HTTP/1.1 with its framing fields,
        // so the body is read as they say.
        head.chunked = base::equalsIgnoreCase(finalCoding, "chunked");
        head.closeDelimited = !head.chunked;
        if (hasContentLength || !http11 || head.closeDelimited)
            head.keepAlive = false;
        return true;
    }
    if (!hasContentLength) {
        head.closeDelimited = true; // §6.3 rule 8
        head.keepAlive = false;
        return true;
    }

    // §6.3 rule 5; RFC 9110 §8.6 lets a recipient take "42, 42" and repeated fields with one
    // value as that value, which Chromium and Firefox do. Different values are an error.
    std::optional<qint64> length;
    for (const auto &[name, value] : headers) {
        if (!base::equalsIgnoreCase(name, "content-length"))
            continue;
        qsizetype start = 0;
        while (start <= value.size()) {
            qsizetype comma = value.indexOf(',', start);
            if (comma < 0)
                comma = value.size();
            const QByteArrayView element =
                trimOws(QByteArrayView(value).sliced(start, comma - start));
            start = comma + 1;
            qint64 n = 0;
            bool digits = !element.isEmpty();
            for (const char c : element) {
                if (!isDigit(c)) {
                    digits = false;
                    break;
                }
                if (n > (std::numeric_limits<qint64>::max() - (c - '0')) / 10) {
                    fail("Content-Length value " + quoted(value) + " is too large");
                    return false;
                }
                n = n * 10 + (c - '0');
            }
            if (!digits) {
                fail("Invalid Content-Length value " + quoted(value) +
                     " (expected a decimal number of bytes)");
                return false;
            }
            if (length && *length != n) {
                fail("Conflicting Content-Length values " + number(*length) + " and " + number(n));
                return false;
            }
            length = n;
        }
    }
    head.contentLength = length;
    return true;
}

void ResponseParser::Impl::bodyComplete()
{
    out->complete = true;
    if (framing == Framing::Chunked)
        out->trailers = std::move(trailers);
    trailers.clear();
    stage = Stage::Idle;
}

void ResponseParser::Impl::consumeBody(QByteArrayView bytes, qsizetype &pos)
{
    switch (framing) {
    case Framing::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(remaining, bytes.size() - pos));
        addDecoded(bytes.sliced(pos, take));
        pos += take;
        remaining -= take;
        if (remaining == 0)
            bodyComplete();
        return;
    }
    case Framing::UntilClose:
        addDecoded(bytes.sliced(pos));
        pos = bytes.size();
        return;
    case Framing::Chunked:
        consumeChunked(bytes, pos);
        return;
    case Framing::None:
        bodyComplete(); // not reached: such a response completes with its head
        return;
    }
}

void ResponseParser::Impl::failChunk(qsizetype pos, const QByteArray &what)
{
    fail("Invalid chunked body at byte " + number(bodyOffset(pos)) + " of the body: " + what);
}

// chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 §7.1), read as Chromium does
// where the RFC leaves room: spaces after the size ("819b   ", sent by real sites), any bytes in
// chunk extensions (browsers ignore them; llhttp refuses valid ones such as "5;a=b;c=d"), and a
// bare LF as line end. Not a bare CR, and the data must be followed by CRLF (or LF).
void ResponseParser::Impl::consumeChunked(QByteArrayView bytes, qsizetype &pos)
{
    const char *const data = bytes.data();
    const qsizetype n = bytes.size();
    while (pos < n && stage == Stage::Body) {
        if (chunk == Chunk::Data) {
            const qsizetype take = qsizetype(qMin<qint64>(remaining, n - pos));
            addDecoded(bytes.sliced(pos, take));
            pos += take;
            remaining -= take;
            if (remaining == 0)
                chunk = Chunk::DataEnd;
            continue;
        }
        if (chunk == Chunk::Trailers) {
            if (readSection(bytes, pos))
                bodyComplete();
            continue;
        }
        if (chunk == Chunk::Extension) {
            // Skip to the end of the line in one step: only CR and LF mean anything here.
            qsizetype stop = pos;
            while (stop < n && data[stop] != '\r' && data[stop] != '\n')
                ++stop;
            const qsizetype room = limits.maxHeaderBytes - chunkLineBytes;
            if (stop - pos > room) {
                failChunk(pos + room, "chunk size line longer than " +
                                          number(limits.maxHeaderBytes) + " bytes");
                return;
            }
            chunkLineBytes += stop - pos;
            pos = stop;
            if (pos == n)
                return;
        }

        const char c = data[pos];
        bool lineEnd = false;
        switch (chunk) {
        case Chunk::Size:
            if (const int digit = hexValue(c); digit >= 0) {
                if (chunkSize > (std::numeric_limits<qint64>::max() >> 4)) {
                    failChunk(pos, "chunk size too large");
                    return;
                }
                chunkSize = chunkSize * 16 + digit;
                break;
            }
            if (chunkLineBytes == 0) {
                failChunk(pos, "expected a hexadecimal chunk size, got " +
                                   quoted(QByteArrayView(&c, 1)));
                return;
            }
            [[fallthrough]];
        case Chunk::SizeSpace:
            if (isOws(c)) {
                chunk = Chunk::SizeSpace;
            } else if (c == ';') {
                chunk = Chunk::Extension;
            } else if (c == '\r') {
                chunk = Chunk::SizeLineCr;
            } else if (c == '\n') {
                lineEnd = true;
            } else {
                failChunk(pos,
                          "unexpected " + quoted(QByteArrayView(&c, 1)) + " in a chunk size line");
                return;
            }
            break;
        case Chunk::Extension:
            if (c == '\r')
                chunk = Chunk::SizeLineCr;
            else
                lineEnd = true;
            break;
        case Chunk::SizeLineCr:
            if (c != '\n') {
                failChunk(pos, "bare CR in a chunk size line");
                return;
            }
            lineEnd = true;
            break;
        case Chunk::DataEnd:
        case Chunk::DataCr:
            if (c == '\r' && chunk == Chunk::DataEnd) {
                chunk = Chunk::DataCr;
            } else if (c == '\n') {
                chunk = Chunk::Size;
                chunkSize = 0;
                chunkLineBytes = -1; // the LF is counted below: the next line starts at 0
            } else {
                failChunk(pos, "chunk data not followed by CRLF (got " +
                                   quoted(QByteArrayView(&c, 1)) + ")");
                return;
            }
            break;
        case Chunk::Data:
        case Chunk::Trailers:
            break; // handled above
        }
        ++pos;
        ++chunkLineBytes;
        if (chunkLineBytes > limits.maxHeaderBytes) {
            failChunk(pos - 1,
                      "chunk size line longer than " + number(limits.maxHeaderBytes) + " bytes");
            return;
        }
        if (lineEnd) {
            chunkLineBytes = 0;
            if (chunkSize == 0) {
                chunk = Chunk::Trailers; // the last chunk
                startSection(true);
            } else {
                chunk = Chunk::Data;
                remaining = chunkSize;
            }
        }
    }
}

ResponseParser::ResponseParser(Limits limits) : m_impl(std::make_unique<Impl>(limits))
{
}

ResponseParser::~ResponseParser() = default;

void ResponseParser::startResponse(QByteArrayView requestMethod, qsizetype decodedBodyCap)
{
    Impl &d = *m_impl;
    d.stage = Impl::Stage::Head;
    d.headRequest = requestMethod == "HEAD";
    d.connectRequest = requestMethod == "CONNECT";
    d.decodedCap = qMax<qsizetype>(decodedBodyCap, 0);
    d.sawResponseBytes = false;
    d.startHead();
    d.trailers.clear();
    d.framing = Impl::Framing::None;
    d.remaining = 0;
    d.rawBodyBefore = 0;
    d.decodedBytes = 0;
    d.decodedHandedOut = 0;
}

ResponseParser::Output ResponseParser::feed(QByteArrayView bytes)
{
    Output out;
    Impl &d = *m_impl;
    if (d.stage != Impl::Stage::Head && d.stage != Impl::Stage::Body)
        return out;
    d.out = &out;
    d.decodedView = {};
    d.decoded.resize(0); // keeps the capacity for the next feed
    d.feedBodyFrom = d.stage == Impl::Stage::Body ? 0 : -1;
    if (!bytes.isEmpty())
        d.sawResponseBytes = true;

    qsizetype pos = 0;
    while (pos < bytes.size()) {
        if (d.stage == Impl::Stage::Head) {
            if (d.readSection(bytes, pos))
                d.headComplete();
            if (d.stage != Impl::Stage::Head && d.feedBodyFrom < 0)
                d.feedBodyFrom = pos; // where the body starts (nothing more for a bodiless one)
        } else if (d.stage == Impl::Stage::Body) {
            d.consumeBody(bytes, pos);
        } else {
            break; // complete (the rest follows the response) or failed
        }
    }

    if (out.error) {
        out.consumed = bytes.size();
    } else {
        out.consumed = pos;
        if (d.feedBodyFrom >= 0) {
            out.rawBody = bytes.sliced(d.feedBodyFrom, pos - d.feedBodyFrom);
            out.decodedBody = d.takeDecoded();
            d.rawBodyBefore += out.rawBody.size();
        }
    }
    d.out = nullptr;
    return out;
}

ResponseParser::Output ResponseParser::finish()
{
    Output out;
    Impl &d = *m_impl;
    d.out = &out;
    if (d.stage == Impl::Stage::Head) {
        d.fail(d.sawResponseBytes
                   ? QByteArrayLiteral("upstream closed the connection before the response head "
                                       "was complete")
                   : QByteArrayLiteral("upstream closed the connection without sending a "
                                       "response"));
    } else if (d.stage == Impl::Stage::Body) {
        switch (d.framing) {
        case Impl::Framing::UntilClose:
            d.bodyComplete(); // §6.3 rule 8: the close ends the body
            break;
        case Impl::Framing::Length:
            d.fail("upstream closed the connection before the end of the response (got " +
                   number(d.decodedBytes) + " of " + number(d.decodedBytes + d.remaining) +
                   " body bytes)");
            break;
        case Impl::Framing::Chunked:
        case Impl::Framing::None:
            d.fail("upstream closed the connection before the end of the response (got " +
                   number(d.decodedBytes) + " body bytes of an unfinished chunked body)");
            break;
        }
    }
    d.out = nullptr;
    return out;
}

bool ResponseParser::inProgress() const
{
    return m_impl->stage == Impl::Stage::Head || m_impl->stage == Impl::Stage::Body;
}

bool ResponseParser::headComplete() const
{
    return m_impl->stage == Impl::Stage::Body;
}

qint64 ResponseParser::bodyBytes() const
{
    return m_impl->decodedBytes;
}

const ResponseParser::Limits &ResponseParser::limits() const
{
    return m_impl->limits;
}

} // namespace corslab::http
