#include "browser_cases.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QtGlobal>

using namespace Qt::StringLiterals;

namespace {

// One entry per case: {"id", "rule", "repeat"?, "request"?, "preflight"?, "redirects"?,
// "response"}. browserCases() adds request.url ({TARGET}/case/<id>/0) and request.origin
// ({ORIGIN}) and turns "rule" into the scenario's "comment". Rules refer to the Fetch standard.
constexpr char Cases[] = R"JSON([

{"id": "simple-get-acao-exact", "rule": "cors-check: ACAO equal to the serialized origin passes",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "simple-get-acao-wildcard", "rule": "cors-check: ACAO * passes without credentials",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},

{"id": "simple-get-acao-missing", "rule": "cors-check: no ACAO is a network error",
 "response": {"status": 200, "headers": []}},

{"id": "simple-get-acao-mismatch", "rule": "cors-check: ACAO naming another origin fails",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "http://127.0.0.1:1"]]}},

{"id": "simple-get-acao-trailing-slash", "rule": "cors-check: byte comparison, origin + '/' fails",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}/"]]}},

{"id": "simple-get-acao-twice", "rule": "cors-check: two ACAO headers combine to 'a, a' and fail",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "simple-get-acao-null", "rule": "cors-check: ACAO null does not match a tuple origin",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "null"]]}},

{"id": "simple-get-acao-list", "rule": "cors-check: a list 'a, b' in one ACAO fails",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}, {OTHER}"]]}},

{"id": "simple-get-status-500-acao", "rule": "cors-check does not look at the status of a non-preflight response",
 "response": {"status": 500, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "simple-head-acao-exact", "rule": "cors-safelisted-method: HEAD needs no preflight",
 "request": {"method": "HEAD"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "simple-post-text-plain", "rule": "cors-safelisted-request-header: Content-Type text/plain",
 "request": {"method": "POST", "headers": [["Content-Type", "text/plain;charset=UTF-8"]], "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "simple-post-form-urlencoded", "rule": "cors-safelisted-request-header: application/x-www-form-urlencoded",
 "request": {"method": "POST", "headers": [["Content-Type", "application/x-www-form-urlencoded"]], "body": "a=1"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "simple-post-multipart", "rule": "cors-safelisted-request-header: multipart/form-data",
 "request": {"method": "POST", "headers": [["Content-Type", "multipart/form-data; boundary=xyz"]], "body": "--xyz--"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "cred-include-acao-wildcard", "rule": "cors-check step 3: ACAO * with credentials fails",
 "request": {"credentials": "include"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"],
                                         ["Access-Control-Allow-Credentials", "true"]]}},

{"id": "cred-include-acac-true", "rule": "cors-check steps 5-7: exact ACAO + ACAC true passes",
 "request": {"credentials": "include"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "true"]]}},

{"id": "cred-include-acac-missing", "rule": "cors-check step 6: credentials need ACAC true",
 "request": {"credentials": "include"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "cred-include-acac-uppercase", "rule": "cors-check step 6: ACAC is compared byte-exactly ('TRUE' fails)",
 "request": {"credentials": "include"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "TRUE"]]}},

{"id": "cred-omit-acao-wildcard", "rule": "cors-check: credentials omit, ACAO * passes",
 "request": {"credentials": "omit"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},

{"id": "cred-include-preflight-acac-missing", "rule": "cors-preflight-fetch: the preflight's CORS check needs ACAC too",
 "request": {"method": "PUT", "credentials": "include", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "true"]]}},

{"id": "cred-include-preflight-acao-wildcard", "rule": "cors-preflight-fetch: preflight ACAO * fails with credentials",
 "request": {"method": "PUT", "credentials": "include", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"],
                                          ["Access-Control-Allow-Credentials", "true"],
                                          ["Access-Control-Allow-Methods", "PUT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "true"]]}},

{"id": "safelist-content-type-json", "rule": "cors-safelisted-request-header: application/json needs a preflight",
 "request": {"method": "POST", "headers": [["Content-Type", "application/json"]], "body": "{}"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-content-type-quoted-charset", "rule": "cors-unsafe-request-header-byte: '\"' in text/plain; charset=\"utf-8\"",
 "request": {"method": "POST", "headers": [["Content-Type", "text/plain; charset=\"utf-8\""]], "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-accept-paren", "rule": "cors-unsafe-request-header-byte: '(' in Accept",
 "request": {"headers": [["Accept", "text/(html)"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Accept"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-accept-too-long", "rule": "cors-safelisted-request-header: values over 128 bytes are unsafe",
 "request": {"headers": [["Accept", "text/html-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Accept"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-accept-language-ok", "rule": "cors-safelisted-request-header: Accept-Language with allowed bytes",
 "request": {"headers": [["Accept-Language", "en-US,en;q=0.9"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Accept-Language"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-accept-language-bad-char", "rule": "cors-safelisted-request-header: '@' is not allowed in Accept-Language",
 "request": {"headers": [["Accept-Language", "en@US"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Accept-Language"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-content-language-ok", "rule": "cors-safelisted-request-header: Content-Language",
 "request": {"headers": [["Content-Language", "de-DE"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Language"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-range-simple", "rule": "simple-range-header-value: bytes=0-100 is safelisted",
 "request": {"headers": [["Range", "bytes=0-100"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Range"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-range-suffix", "rule": "simple-range-header-value: a suffix range bytes=-100 needs a preflight",
 "request": {"headers": [["Range", "bytes=-100"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Range"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-range-multi", "rule": "simple-range-header-value: two ranges need a preflight",
 "request": {"headers": [["Range", "bytes=0-10,20-30"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Range"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-client-hint-dpr", "rule": "Chromium client hints: DPR: 2 (safelisted only where the profile says so)",
 "request": {"headers": [["DPR", "2"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "DPR"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-client-hint-dpr-invalid", "rule": "Chromium client hints: DPR: abc is not a number",
 "request": {"headers": [["DPR", "abc"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "DPR"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-client-hint-save-data", "rule": "Chromium client hints: Save-Data: on",
 "request": {"headers": [["Save-Data", "on"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Save-Data"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-client-hint-width", "rule": "Chromium client hints: Width: 100",
 "request": {"headers": [["Width", "100"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Width"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-custom-header", "rule": "cors-unsafe-request-header-names: X-Custom needs a preflight",
 "request": {"headers": [["X-Custom", "1"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-Custom"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "safelist-unsafe-names-sorted", "rule": "cors-unsafe-request-header-names: lowercase, sorted, comma-joined",
 "request": {"method": "POST", "headers": [["X-B", "1"], ["Content-Type", "application/json"], ["X-A", "2"]], "body": "{}"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-A, X-B, Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-content-type", "rule": "a header set twice is one combined value: Content-Type 'text/plain, text/plain' is not safelisted",
 "request": {"method": "POST", "headers": [["Content-Type", "text/plain"], ["Content-Type", "text/plain"]], "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-content-type-case", "rule": "a header set twice under two spellings is still one header: content-type + Content-Type combine",
 "request": {"method": "POST", "headers": [["content-type", "text/plain"], ["Content-Type", "text/plain"]], "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-content-type-differs", "rule": "a header set twice: two safelisted Content-Types combine into one that is not",
 "request": {"method": "POST", "headers": [["Content-Type", "text/plain"], ["Content-Type", "application/x-www-form-urlencoded"]], "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-accept", "rule": "a header set twice: Accept 'a, a' is still safelisted",
 "request": {"headers": [["Accept", "a"], ["Accept", "a"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Accept"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-content-language", "rule": "a header set twice: Content-Language 'en, de' is still safelisted",
 "request": {"headers": [["Content-Language", "en"], ["Content-Language", "de"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Content-Language"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-range", "rule": "a header set twice: Range 'bytes=0-1, bytes=0-1' is no simple range",
 "request": {"headers": [["Range", "bytes=0-1"], ["Range", "bytes=0-1"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Range"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-custom", "rule": "a header set twice: X-Custom is listed once in Access-Control-Request-Headers",
 "request": {"headers": [["X-Custom", "1"], ["X-Custom", "2"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-Custom"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "header-twice-accept-over-128", "rule": "a header set twice: two 70-byte Accept values make one over 128 bytes",
 "request": {"headers": [["Accept", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], ["Accept", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "Accept"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "script-user-agent", "rule": "forbidden-request-header: User-Agent is no longer forbidden in Fetch (a preflight)",
 "request": {"headers": [["User-Agent", "corslab-test"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "User-Agent"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "script-method-override-trace", "rule": "forbidden-request-header: X-HTTP-Method-Override naming a forbidden method is dropped",
 "request": {"headers": [["X-HTTP-Method-Override", "TRACE"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-HTTP-Method-Override"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "script-method-override-put", "rule": "X-HTTP-Method-Override naming an allowed method is an ordinary unsafe header",
 "request": {"headers": [["X-HTTP-Method-Override", "PUT"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-HTTP-Method-Override"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "forbidden-header-sec-prefix", "rule": "forbidden-request-header: Sec-Foo is dropped silently, no preflight",
 "request": {"headers": [["Sec-Foo", "bar"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "forbidden-header-proxy-prefix", "rule": "forbidden-request-header: Proxy-X is dropped silently, no preflight",
 "request": {"headers": [["Proxy-X", "1"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-put-pass", "rule": "cors-preflight-fetch: ACAO + ACAM PUT lets PUT through",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-status-403", "rule": "cors-preflight-fetch step 7: a non-ok preflight status fails",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 403, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-redirect-301", "rule": "cors-preflight-fetch: a redirected preflight fails",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 301, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Location", "{TARGET}/case/preflight-redirect-301/1"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acao-missing", "rule": "cors-preflight-fetch: the preflight needs ACAO",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Methods", "PUT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acam-missing", "rule": "cors-preflight-fetch step 7.6: PUT not in (absent) ACAM fails",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acam-lowercase-put", "rule": "cors-preflight-fetch step 7.6: ACAM put does not match PUT (case-sensitive)",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "put"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-method-lowercase-delete", "rule": "concept-method-normalize: delete becomes DELETE",
 "request": {"method": "delete"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "DELETE"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-method-patch-acam-upper", "rule": "cors-preflight-fetch 7.6: method patch vs ACAM PATCH (does the browser upper-case before the case-sensitive match?)",
 "request": {"method": "patch", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PATCH"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-method-patch-acam-lower", "rule": "cors-preflight-fetch 7.6: method patch vs ACAM patch (does the browser upper-case before the case-sensitive match?)",
 "request": {"method": "patch", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "patch"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-method-foo", "rule": "cors-preflight-fetch: custom method FOO listed in ACAM (preflight status 200)",
 "request": {"method": "FOO"},
 "preflight": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "FOO"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acam-wildcard", "rule": "cors-preflight-fetch step 7.6: ACAM * without credentials",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "*"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acam-wildcard-credentials", "rule": "cors-preflight-fetch step 7.6: ACAM * is literal with credentials",
 "request": {"method": "PUT", "credentials": "include", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Credentials", "true"],
                                          ["Access-Control-Allow-Methods", "*"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "true"]]}},

{"id": "preflight-acah-wildcard", "rule": "cors-preflight-fetch step 7.8: ACAH * without credentials",
 "request": {"headers": [["X-Custom", "1"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "*"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acah-wildcard-credentials", "rule": "cors-preflight-fetch step 7.8: ACAH * is literal with credentials",
 "request": {"headers": [["X-Custom", "1"]], "credentials": "include"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Credentials", "true"],
                                          ["Access-Control-Allow-Headers", "*"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "true"]]}},

{"id": "preflight-acah-wildcard-authorization", "rule": "cors-non-wildcard-request-header-name: Authorization vs ACAH * (shipping browsers still allow?)",
 "request": {"headers": [["Authorization", "Bearer abc"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "*"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acah-not-listed", "rule": "cors-preflight-fetch step 7.8: X-Custom not in ACAH fails",
 "request": {"headers": [["X-Custom", "1"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-Other"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acah-case-insensitive", "rule": "cors-preflight-fetch step 7.8: header names match case-insensitively",
 "request": {"headers": [["X-Custom", "1"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-CUSTOM"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acam-invalid-space", "rule": "extract header list values: 'PUT GET' is not a token, parse failure",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT GET"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acam-empty-element", "rule": "extract header list values: empty element in 'PUT,,GET'",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT,,GET"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "preflight-acah-invalid-token", "rule": "extract header list values: 'X-Custom;' is not a token, parse failure",
 "request": {"headers": [["X-Custom", "1"]]},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Headers", "X-Custom;"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "method-connect-forbidden", "rule": "forbidden-method: fetch() throws for CONNECT before any request",
 "request": {"method": "CONNECT"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "CONNECT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "expose-custom-header", "rule": "cors filtered response: ACEH lists X-Custom, X-Hidden stays hidden",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Expose-Headers", "X-Custom"],
                                         ["X-Custom", "1"], ["X-Hidden", "2"]]}},

{"id": "expose-wildcard", "rule": "cors filtered response: ACEH * exposes all but Set-Cookie (no credentials)",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"],
                                         ["Access-Control-Expose-Headers", "*"],
                                         ["X-Custom", "1"], ["Set-Cookie", "a=b"]]}},

{"id": "expose-wildcard-credentials", "rule": "cors filtered response: ACEH * is literal with credentials",
 "request": {"credentials": "include"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Allow-Credentials", "true"],
                                         ["Access-Control-Expose-Headers", "*"],
                                         ["X-Custom", "1"]]}},

{"id": "expose-set-cookie-listed", "rule": "forbidden-response-header-name: Set-Cookie is never readable",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Access-Control-Expose-Headers", "Set-Cookie, X-Custom"],
                                         ["Set-Cookie", "a=b"], ["X-Custom", "1"]]}},

{"id": "expose-safelisted-response-headers", "rule": "cors-safelisted-response-header-name: readable without ACEH",
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                         ["Cache-Control", "no-cache"],
                                         ["Content-Language", "en"],
                                         ["Content-Type", "text/plain"],
                                         ["Expires", "Thu, 01 Jan 2037 00:00:00 GMT"],
                                         ["Last-Modified", "Thu, 01 Jan 2015 00:00:00 GMT"],
                                         ["Pragma", "no-cache"],
                                         ["X-Hidden", "1"]]}},

{"id": "redirect-other-acao-wildcard", "rule": "http-redirect-fetch step 14: origin becomes null, ACAO * passes",
 "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{OTHER}/case/redirect-other-acao-wildcard/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},

{"id": "redirect-other-acao-origin", "rule": "http-redirect-fetch step 14: origin becomes null, ACAO = page origin fails",
 "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{OTHER}/case/redirect-other-acao-origin/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "redirect-other-acao-null", "rule": "http-redirect-fetch step 14: origin becomes null, ACAO null passes",
 "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{OTHER}/case/redirect-other-acao-null/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "null"]]}},

{"id": "redirect-same-target", "rule": "http-redirect-fetch: a redirect within the target origin keeps the origin",
 "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{TARGET}/case/redirect-same-target/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "redirect-hop-acao-missing", "rule": "http-fetch: the redirect response itself must pass the CORS check",
 "redirects": [{"status": 302, "headers": [["Location", "{TARGET}/case/redirect-hop-acao-missing/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "redirect-301-post-to-get", "rule": "http-redirect-fetch step 12: 301 turns POST into GET",
 "request": {"method": "POST", "headers": [["Content-Type", "text/plain"]], "body": "x"},
 "redirects": [{"status": 301, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{TARGET}/case/redirect-301-post-to-get/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "redirect-303-put-to-get", "rule": "http-redirect-fetch step 12: 303 turns PUT into GET",
 "request": {"method": "PUT", "headers": [["Content-Type", "application/json"]], "body": "{}"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Access-Control-Allow-Headers", "Content-Type"]]},
 "redirects": [{"status": 303, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{TARGET}/case/redirect-303-put-to-get/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "redirect-307-put-to-other", "rule": "http-redirect-fetch: 307 keeps PUT; a new preflight goes to the other origin with Origin null",
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"],
                                          ["Access-Control-Allow-Methods", "PUT"]]},
 "redirects": [{"status": 307, "headers": [["Access-Control-Allow-Origin", "*"],
                                           ["Location", "{OTHER}/case/redirect-307-put-to-other/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}},

{"id": "redirect-mode-error", "rule": "http-fetch step 9: redirect 'error' turns a redirect into a network error",
 "request": {"redirect": "error"},
 "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{TARGET}/case/redirect-mode-error/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "redirect-mode-manual", "rule": "http-fetch step 9: redirect 'manual' gives an opaque-redirect response",
 "request": {"redirect": "manual"},
 "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Location", "{TARGET}/case/redirect-mode-manual/1"]]}],
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "mode-no-cors-get", "rule": "main-fetch: no-cors gives an opaque response",
 "request": {"mode": "no-cors"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "mode-no-cors-put", "rule": "dom-request: no-cors needs a CORS-safelisted method, fetch() throws",
 "request": {"mode": "no-cors", "method": "PUT", "body": "x"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "mode-same-origin-cross", "rule": "main-fetch step 12: same-origin mode to another origin is a network error",
 "request": {"mode": "same-origin"},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "max-age-60", "rule": "cors-preflight-fetch 7.9: Max-Age 60 caches the preflight", "repeat": 2,
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Access-Control-Max-Age", "60"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "max-age-0", "rule": "cors-preflight-fetch 7.9: Max-Age 0 disables caching", "repeat": 2,
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Access-Control-Max-Age", "0"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "max-age-negative", "rule": "cors-preflight-fetch 7.9: Max-Age -1 (not delta-seconds)", "repeat": 2,
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Access-Control-Max-Age", "-1"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "max-age-invalid", "rule": "cors-preflight-fetch 7.9: Max-Age abc (invalid)", "repeat": 2,
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Access-Control-Max-Age", "abc"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "max-age-absent", "rule": "cors-preflight-fetch 7.9: no Max-Age (UA default)", "repeat": 2,
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}},

{"id": "max-age-above-cap", "rule": "cors-preflight-fetch 7.9: Max-Age 86400 is capped (still cached)", "repeat": 2,
 "request": {"method": "PUT", "body": "x"},
 "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                          ["Access-Control-Allow-Methods", "PUT"],
                                          ["Access-Control-Max-Age", "86400"]]},
 "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}}

])JSON";

} // namespace

QList<BrowserCase> browserCases()
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(Cases), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray()) {
        qWarning("browser_cases.cpp: the case table is not valid JSON (offset %d: %s)",
                 static_cast<int>(parseError.offset), qPrintable(parseError.errorString()));
        return {};
    }

    QList<BrowserCase> cases;
    for (const QJsonValue &value : document.array())
        cases.append(browserCaseFromRow(value.toObject()));
    return cases;
}

BrowserCase browserCaseFromRow(QJsonObject entry)
{
    BrowserCase browserCase;
    browserCase.id = entry.take(u"id"_s).toString();
    browserCase.repeat = entry.take(u"repeat"_s).toInt(1);
    const QString rule = entry.take(u"rule"_s).toString();
    QJsonObject request = entry.take(u"request"_s).toObject();
    request.insert(u"url"_s, u"{TARGET}/case/"_s + browserCase.id + u"/0"_s);
    request.insert(u"origin"_s, u"{ORIGIN}"_s);
    entry.insert(u"request"_s, request);
    entry.insert(u"comment"_s, rule);
    browserCase.scenario = entry;
    return browserCase;
}
