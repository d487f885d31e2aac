// libFuzzer target for corslab::http::ResponseParser. The first input byte chooses the request
// methods (two bits per response: GET, HEAD, POST, CONNECT); the rest is what the upstream sends.
// It is parsed the way the proxy does it (startResponse() before each response, the bytes a
// response leaves go to the next one, finish() at the end) whole, byte by byte and in
// pseudo-random splits, with the default limits and with small ones, and the runs must agree
// exactly; a run with a small decoded-body cap must hand out a prefix of the same body. Under
// ASan+UBSan this also checks that no input crashes, leaks or hangs the parser. See
// docs/TESTING.md.
#include "base/header_list.h"
#include "http/response_parser.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace corslab::http;

namespace {

struct Response
{
    QList<ResponseHead> interim;
    std::optional<ResponseHead> head;
    QByteArray raw;
    QByteArray decoded;
    HeaderList trailers;
    bool complete = false;
};

struct Run
{
    QList<Response> responses;
    std::optional<ParseError> error;
    QByteArray leftover;
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_response_parser: %s\n", what);
    std::abort();
}

void check(bool condition, const char *what)
{
    if (!condition)
        fail(what);
}

void checkHead(const ResponseHead &head, const ResponseLimits &limits)
{
    check(head.status >= 100 && head.status <= 999, "status out of range");
    check(head.versionMajor == 1, "response with a version other than 1.x");
    check(head.headers.size() <= limits.maxHeaders, "more headers than the limit");
    check(!(head.chunked && head.closeDelimited), "both chunked and close-delimited");
    check(!head.contentLength ||
              (*head.contentLength >= 0 && !head.chunked && !head.closeDelimited && !head.upgrade),
          "Content-Length with another framing");
    check(!head.upgrade || !head.hasBody(), "an upgrade with a body");
    check(!head.closeDelimited || !head.keepAlive, "close-delimited body on a kept connection");
    qsizetype bytes = head.reason.size();
    for (const auto &[name, value] : head.headers) {
        check(corslab::base::isHttpToken(name), "header name is not a token");
        check(!value.contains('\r') && !value.contains('\n') && !value.contains('\0'),
              "CR, LF or NUL in a header value");
        bytes += name.size() + value.size();
    }
    check(bytes <= limits.maxHeaderBytes, "head over the limit");
}

enum class Split { Whole, ByteByByte, Random };

const QByteArrayView methods[] = {"GET", "HEAD", "POST", "CONNECT"};

Run parse(quint8 methodBits, QByteArrayView data, const ResponseLimits &limits, Split split,
          qsizetype cap = ResponseParser::wholeBody)
{
    ResponseParser parser(limits);
    Run run;
    int started = 0;
    auto startNext = [&] {
        const int shift = 2 * (started++ % 4);
        parser.startResponse(methods[(methodBits >> shift) & 3], cap);
        run.responses.append(Response());
    };
    auto take = [&](const ResponseParser::Output &out) {
        Response &r = run.responses.last();
        for (const ResponseHead &h : out.interim) {
            checkHead(h, limits);
            check(h.status < 200 && h.status != 101, "interim head with a final status");
        }
        r.interim += out.interim;
        if (out.head) {
            checkHead(*out.head, limits);
            check(!r.head, "final head reported twice");
            r.head = out.head;
        }
        check(r.head || out.rawBody.isEmpty(), "body before the final head");
        check(!out.error || (out.rawBody.isEmpty() && out.decodedBody.isEmpty()),
              "body with an error");
        r.raw += out.rawBody;
        r.decoded += out.decodedBody;
        check(r.decoded.size() <= cap, "decoded body beyond the cap");
        check(out.trailers.size() <= limits.maxHeaders, "more trailers than the limit");
        r.trailers += out.trailers;
        if (out.complete) {
            check(!r.complete, "completed twice");
            check(r.head.has_value(), "complete without a head");
            r.complete = true;
        }
        if (out.error) {
            check(!run.error, "error reported twice");
            check(out.error->status == 502 && !out.error->reason.isEmpty(), "bad error");
            run.error = out.error;
        }
    };
    auto feed = [&](QByteArrayView part) {
        while (!part.isEmpty() && !run.error) {
            if (!parser.inProgress()) {
                run.leftover += part;
                return;
            }
            const ResponseParser::Output out = parser.feed(part);
            check(out.consumed >= 0 && out.consumed <= part.size(), "consumed out of range");
            check(out.rawBody.isEmpty() ||
                      (out.rawBody.data() >= part.data() &&
                       out.rawBody.data() + out.rawBody.size() <= part.data() + out.consumed),
                  "rawBody is not a view into the consumed input");
            check(out.consumed == part.size() || out.complete || out.error,
                  "input left over from an unfinished response");
            take(out);
            part = part.sliced(out.consumed);
            // A few responses are enough to go through every state. Not only when bytes are
            // left in this part: that would depend on the split.
            if (out.complete && started < 6)
                startNext();
        }
    };

    startNext();
    quint32 state = quint32(data.size()) * 2654435761u + 1; // deterministic per input
    qsizetype at = 0;
    while (at < data.size()) {
        qsizetype n = data.size() - at;
        if (split == Split::ByteByByte) {
            n = 1;
        } else if (split == Split::Random) {
            state = state * 1103515245u + 12345u;
            n = qMin<qsizetype>(n, 1 + (state >> 16) % 64);
        }
        feed(data.sliced(at, n));
        at += n;
    }
    const bool wasInProgress = parser.inProgress();
    const ResponseParser::Output last = parser.finish();
    take(last);
    check(wasInProgress || (!last.error && !last.complete), "finish() reported outside a response");
    check(!parser.inProgress(), "still in progress after finish()");
    // Nothing comes out of a parser with no response in progress.
    const ResponseParser::Output after = parser.feed("HTTP/1.1 200 OK\r\n\r\n");
    check(after.consumed == 0 && !after.head && !after.error, "output outside a response");
    return run;
}

bool same(const ResponseHead &a, const ResponseHead &b)
{
    return a.status == b.status && a.reason == b.reason && a.versionMinor == b.versionMinor &&
           a.headers == b.headers && a.keepAlive == b.keepAlive &&
           a.closeDelimited == b.closeDelimited && a.chunked == b.chunked &&
           a.contentLength == b.contentLength && a.upgrade == b.upgrade;
}

// Bodies are compared up to an error only: how much went out before it depends on the split.
// \a decodedPrefix: compare that much of the decoded bodies (for a run with a cap).
bool same(const Run &a, const Run &b, qsizetype decodedPrefix = ResponseParser::wholeBody)
{
    if (a.responses.size() != b.responses.size() || a.error.has_value() != b.error.has_value())
        return false;
    if (a.error && a.error->reason != b.error->reason)
        return false;
    if (a.leftover != b.leftover)
        return false;
    for (qsizetype i = 0; i < a.responses.size(); ++i) {
        const Response &x = a.responses.at(i);
        const Response &y = b.responses.at(i);
        if (x.interim.size() != y.interim.size() || x.head.has_value() != y.head.has_value())
            return false;
        for (qsizetype j = 0; j < x.interim.size(); ++j) {
            if (!same(x.interim.at(j), y.interim.at(j)))
                return false;
        }
        if (x.head && !same(*x.head, *y.head))
            return false;
        if (a.error && i == a.responses.size() - 1)
            break;
        if (x.raw != y.raw || x.trailers != y.trailers || x.complete != y.complete)
            return false;
        if (x.decoded.left(decodedPrefix) != y.decoded.left(decodedPrefix))
            return false;
    }
    return true;
}

// The properties of a complete response's body.
void checkBodies(const Run &run)
{
    for (qsizetype i = 0; i < run.responses.size(); ++i) {
        const Response &r = run.responses.at(i);
        if (!r.complete || (run.error && i == run.responses.size() - 1))
            continue;
        if (r.head->chunked) {
            check(r.decoded.size() < r.raw.size(), "chunked body not longer than its content");
            check(r.raw.endsWith('\n'), "chunked body not ending with a line");
        } else {
            check(r.raw == r.decoded, "plain body decoded differently");
            if (r.head->contentLength)
                check(r.raw.size() == *r.head->contentLength, "body of the wrong length");
            else if (!r.head->closeDelimited)
                check(r.raw.isEmpty(), "body in a bodyless response");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    if (size == 0)
        return 0;
    const quint8 methodBits = bytes[0];
    const QByteArrayView data(reinterpret_cast<const char *>(bytes + 1), qsizetype(size - 1));
    for (const ResponseLimits &limits : {ResponseLimits{}, ResponseLimits{256, 8}}) {
        const Run whole = parse(methodBits, data, limits, Split::Whole);
        checkBodies(whole);
        check(same(whole, parse(methodBits, data, limits, Split::Random)),
              "random split differs from whole");
        if (size <= 1024)
            check(same(whole, parse(methodBits, data, limits, Split::ByteByByte)),
                  "byte-by-byte differs from whole");
        constexpr qsizetype cap = 7;
        check(same(whole, parse(methodBits, data, limits, Split::Random, cap), cap),
              "a decoded-body cap changed more than the decoded body");
    }
    return 0;
}
