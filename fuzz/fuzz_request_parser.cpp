// libFuzzer target for corslab::http::RequestParser. Every input is parsed whole, byte by byte
// and in pseudo-random splits, with the default limits and with small ones, and the runs must
// agree exactly (same requests, same error). Under ASan+UBSan this also checks that no input
// crashes, leaks or hangs the parser, llhttp included. See docs/TESTING.md.
#include "base/header_list.h"
#include "http/request_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace corslab::http;

namespace {

struct Run
{
    QList<HttpRequest> requests;
    std::optional<ParseError> error;
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_request_parser: %s\n", what);
    std::abort();
}

void check(bool condition, const char *what)
{
    if (!condition)
        fail(what);
}

// The properties that hold for any input, whatever the split.
void checkRun(const Run &run, const RequestLimits &limits)
{
    for (const HttpRequest &r : run.requests) {
        check(corslab::base::isHttpToken(r.method), "method is not a token");
        check(r.versionMajor == 1, "request with a version other than 1.x");
        check(r.body.size() <= limits.maxBodyBytes, "body over the limit");
        check(r.headers.size() <= limits.maxHeaders, "more headers than the limit");
        check(r.trailers.size() <= limits.maxHeaders, "more trailers than the limit");
        qsizetype headBytes = r.method.size() + r.target.size();
        for (const auto &[name, value] : r.headers) {
            check(!name.isEmpty(), "empty header name");
            headBytes += name.size() + value.size();
            check(!value.contains('\r') && !value.contains('\n') && !value.contains('\0'),
                  "CR, LF or NUL in a header value");
        }
        check(headBytes <= limits.maxHeaderBytes, "head over the limit");
    }
    if (run.error) {
        static const int allowed[] = {400, 408, 413, 414, 417, 431, 501, 505};
        check(std::find(std::begin(allowed), std::end(allowed), run.error->status) !=
                  std::end(allowed),
              "unexpected error status");
        check(!run.error->reason.isEmpty(), "error without a reason");
    }
}

enum class Split { Whole, ByteByByte, Random };

Run parse(QByteArrayView data, const RequestLimits &limits, Split split)
{
    RequestParser parser(limits);
    Run run;
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
        RequestParser::Output out = parser.feed(data.sliced(at, n));
        at += n;
        run.requests += out.requests;
        if (out.error) {
            check(!run.error, "error reported twice");
            run.error = out.error;
        }
    }
    // After the end nothing is pending in a finished parser.
    if (parser.finished()) {
        const RequestParser::Output after = parser.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        check(after.requests.isEmpty() && !after.error, "output after the parser finished");
    }
    return run;
}

bool same(const Run &a, const Run &b)
{
    if (a.requests.size() != b.requests.size() || a.error.has_value() != b.error.has_value())
        return false;
    if (a.error && (a.error->status != b.error->status || a.error->reason != b.error->reason))
        return false;
    for (qsizetype i = 0; i < a.requests.size(); ++i) {
        const HttpRequest &x = a.requests.at(i);
        const HttpRequest &y = b.requests.at(i);
        if (x.method != y.method || x.target != y.target || x.versionMinor != y.versionMinor ||
            x.headers != y.headers || x.trailers != y.trailers || x.body != y.body)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArrayView data(reinterpret_cast<const char *>(bytes), qsizetype(size));
    for (const RequestLimits &limits : {RequestLimits{}, RequestLimits{256, 8, 64}}) {
        const Run whole = parse(data, limits, Split::Whole);
        checkRun(whole, limits);
        check(same(whole, parse(data, limits, Split::Random)), "random split differs from whole");
        if (size <= 1024)
            check(same(whole, parse(data, limits, Split::ByteByByte)),
                  "byte-by-byte differs from whole");
    }
    return 0;
}
