// Table-driven tests of the CORS engine, written from the Fetch standard's text. Each row's name
// starts with the rule it covers; the columns say what a browser does. For every blocked row the
// test also applies the engine's fix and checks that the request then passes.
#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/explanation.h"
#include "cors/fix_finder.h"
#include "cors/verdict_json.h"
#include "scenario_builder.h"

#include <QJsonArray>
#include <QtTest>

using namespace corslab::cors;
using S = ScenarioBuilder;

namespace {
const QByteArray O = "http://app.test:8080";
const QByteArray ACAO = "Access-Control-Allow-Origin";
const QByteArray ACAC = "Access-Control-Allow-Credentials";
const QByteArray ACAM = "Access-Control-Allow-Methods";
const QByteArray ACAH = "Access-Control-Allow-Headers";
const QByteArray ACEH = "Access-Control-Expose-Headers";
const QByteArray ACMA = "Access-Control-Max-Age";
constexpr int kSkip = -2;
constexpr int kNoWarning = -1;
const QString kAny = QStringLiteral("~");

// A preflight that allows everything a request without credentials can ask for.
HeaderList openPreflight()
{
    return {{ACAO, O}, {ACAM, "*"}, {ACAH, "*"}};
}

// The same for a credentialed request: '*' does not count, so name things.
HeaderList credentialedPreflight(const QByteArray &methods, const QByteArray &headers)
{
    return {{ACAO, O}, {ACAC, "true"}, {ACAM, methods}, {ACAH, headers}};
}

struct Row
{
    Scenario scenario;
    bool preflight = false;
    QString error; // empty: exposed
    QString readable = kAny;
    int cacheSeconds = kSkip;
    int warning = kNoWarning;
    QString acrh = kAny;
};
} // namespace

Q_DECLARE_METATYPE(Row)

class TestCorsEngine : public QObject
{
    Q_OBJECT

private:
    QSet<CorsError> m_errorsSeen; ///< filled by verdict(), checked by everyErrorKindIsCovered()

    static void row(const char *name, const Scenario &s, bool preflight, const char *error,
                    const char *readable = "~", int cache = kSkip, int warning = kNoWarning,
                    const char *acrh = "~")
    {
        Row r{s,     preflight, QString::fromLatin1(error), QString::fromLatin1(readable),
              cache, warning,   QString::fromLatin1(acrh)};
        QTest::newRow(name) << r;
    }
    static void addSameOriginRows();
    static void addOriginRows();
    static void addCorsCheckRows();
    static void addMethodRows();
    static void addSafelistedHeaderRows();
    static void addForbiddenHeaderRows();
    static void addPreflightRows();
    static void addAllowListRows();
    static void addMaxAgeRows();
    static void addExposureRows();
    static void addModeRows();
    static void addRedirectRows();
    static void addWarningRows();

private Q_SLOTS:
    void verdict_data();
    void verdict();
    void everyErrorKindIsCovered();
    void errorNamesAreChromiums();
    void firefoxTellsAListFromARepeatedHeader();
    void everyStepHasASpecAnchor();
    void preflightRequestHeaders();
    void evaluationIsDeterministic();
    void thirdPartyCookiesFollowTheProfile();
    void repeatedRequestHeadersFollowTheProfile();
    void scriptIgnoredHeadersFollowTheProfile();
    void refusedHeaderFollowsTheProfile();
};

void TestCorsEngine::addSameOriginRows()
{
    row("same-origin: GET reads every header but Set-Cookie",
        S().url("http://app.test:8080/a").response(200, {{"X-A", "1"}, {"Set-Cookie", "a=b"}}),
        false, "", "x-a");
    row("same-origin: PUT with a custom header needs no preflight",
        S().url("http://app.test:8080/a").method("PUT").header("X-Custom", "1"), false, "");
    row("same-origin: another port is another origin",
        S().url("http://app.test:9090/a").response(200, {}), false, "MissingAllowOriginHeader");
    row("same-origin: another scheme is another origin",
        S().url("https://app.test:8080/a").response(200, {}), false, "MissingAllowOriginHeader");
    row("same-origin: another host is another origin",
        S().url("http://www.app.test:8080/a").response(200, {}), false, "MissingAllowOriginHeader");
}

void TestCorsEngine::addOriginRows()
{
    row("origin serialization: default port 80 is omitted, so ':80' in ACAO mismatches",
        S().origin("http://app.test").response(200, {{ACAO, "http://app.test:80"}}), false,
        "AllowOriginMismatch");
    row("origin serialization: default port 80 omitted matches",
        S().origin("http://app.test:80").response(200, {{ACAO, "http://app.test"}}), false, "");
    row("origin serialization: https default port 443 omitted",
        S().origin("https://app.test:443").response(200, {{ACAO, "https://app.test"}}), false, "");
    row("origin serialization: IPv6 host in brackets",
        S().origin("http://[::1]:8080").response(200, {{ACAO, "http://[::1]:8080"}}), false, "");
    row("origin serialization: host is lowercased",
        S().origin("http://APP.test:8080").response(200, {{ACAO, O}}), false, "");
    row("cors check: ACAO compares byte for byte (case)",
        S().response(200, {{ACAO, "http://APP.test:8080"}}), false, "AllowOriginMismatch");
    row("opaque origin: ACAO null allows Origin null",
        S().origin("null").response(200, {{ACAO, "null"}}), false, "");
    row("opaque origin: ACAO * allows Origin null", S().origin("null").response(200, {{ACAO, "*"}}),
        false, "");
    row("opaque origin: ACAO with a real origin does not match null",
        S().origin("null").response(200, {{ACAO, O}}), false, "AllowOriginMismatch");
    row("opaque origin: credentialed with ACAO null and ACAC true passes",
        S().origin("null").include().response(200, {{ACAO, "null"}, {ACAC, "true"}}), false, "",
        "~", kSkip, int(WarningKind::NullOriginAllowed));
}

void TestCorsEngine::addCorsCheckRows()
{
    row("cors check: ACAO missing", S().response(200, {{"Content-Type", "text/plain"}}), false,
        "MissingAllowOriginHeader", "");
    row("cors check: ACAO exact origin", S().response(200, {{ACAO, O}, {"Vary", "Origin"}}), false,
        "");
    row("cors check: ACAO * without credentials", S().response(200, {{ACAO, "*"}}), false, "");
    row("cors check: ACAO other origin", S().response(200, {{ACAO, "http://evil.test"}}), false,
        "AllowOriginMismatch");
    row("cors check: ACAO with trailing slash", S().response(200, {{ACAO, O + "/"}}), false,
        "AllowOriginMismatch");
    row("cors check: ACAO https instead of http",
        S().response(200, {{ACAO, "https://app.test:8080"}}), false, "AllowOriginMismatch");
    row("cors check: ACAO other port", S().response(200, {{ACAO, "http://app.test:9999"}}), false,
        "AllowOriginMismatch");
    row("cors check: ACAO header twice", S().response(200, {{ACAO, O}, {ACAO, O}}), false,
        "MultipleAllowOriginValues");
    row("cors check: ACAO comma list", S().response(200, {{ACAO, O + ", http://b.test"}}), false,
        "MultipleAllowOriginValues");
    row("cors check: ACAO space separated list", S().response(200, {{ACAO, O + " http://b.test"}}),
        false, "MultipleAllowOriginValues");
    row("cors check: ACAO not a URL", S().response(200, {{ACAO, "app.test"}}), false,
        "InvalidAllowOriginValue");
    row("cors check: ACAO null for a real origin", S().response(200, {{ACAO, "null"}}), false,
        "AllowOriginMismatch");
    // A port that is no number makes the value no URL at all (Chromium 156's console says
    // "invalid value"; WPT cors/origin.htm).
    row("cors check: ACAO with a second port", S().response(200, {{ACAO, O + ":80"}}), false,
        "InvalidAllowOriginValue");
    row("cors check: ACAO with an escaped port", S().response(200, {{ACAO, O + "%23"}}), false,
        "InvalidAllowOriginValue");
    row("cors check: ACAO with another numeric port",
        S().response(200, {{ACAO, "http://app.test:99"}}), false, "AllowOriginMismatch");
    row("cors check: ACAO empty", S().response(200, {{ACAO, ""}}), false,
        "InvalidAllowOriginValue");
    row("cors check: ACAO surrounded by whitespace is normalized",
        S().response(200, {{ACAO, " " + O + " "}, {"Vary", "Origin"}}), false, "");
    row("cors check: ACAO header name is case-insensitive",
        S().response(200, {{"access-control-allow-origin", "*"}}), false, "");
    row("cors check: credentials include and ACAO * (even with ACAC true)",
        S().include().response(200, {{ACAO, "*"}, {ACAC, "true"}}), false,
        "WildcardOriginNotAllowed", "~", kSkip, kNoWarning);
    row("cors check: credentials include, exact ACAO and ACAC true",
        S().include().response(200, {{ACAO, O}, {ACAC, "true"}, {"Vary", "Origin"}}), false, "");
    row("cors check: credentials include and ACAC missing",
        S().include().response(200, {{ACAO, O}}), false, "InvalidAllowCredentials");
    row("cors check: ACAC compares case-sensitively ('TRUE')",
        S().include().response(200, {{ACAO, O}, {ACAC, "TRUE"}}), false, "InvalidAllowCredentials");
    row("cors check: ACAC twice becomes 'true, true'",
        S().include().response(200, {{ACAO, O}, {ACAC, "true"}, {ACAC, "true"}}), false,
        "InvalidAllowCredentials");
    row("cors check: ACAC 'false'", S().include().response(200, {{ACAO, O}, {ACAC, "false"}}),
        false, "InvalidAllowCredentials");
    row("cors check: ACAC is ignored without credentials",
        S().response(200, {{ACAO, O}, {ACAC, "nonsense"}, {"Vary", "Origin"}}), false, "");
    row("cors check: credentials omit with ACAO *", S().omit().response(200, {{ACAO, "*"}}), false,
        "");
    row("cors check: credentials same-origin is not include cross-origin",
        S().response(200, {{ACAO, "*"}}), false, "");
    row("cors check: 404 response is still CORS-checked and readable",
        S().response(404, {{ACAO, "*"}}), false, "");
    row("cors check: 500 without ACAO is blocked", S().response(500, {}), false,
        "MissingAllowOriginHeader");
}

void TestCorsEngine::addMethodRows()
{
    const HeaderList ok{{ACAO, O}, {"Vary", "Origin"}};
    row("safelisted method: GET", S().response(200, ok), false, "");
    row("safelisted method: HEAD", S().method("HEAD").response(200, ok), false, "");
    row("safelisted method: POST", S().method("POST").response(200, ok), false, "");
    row("method normalize: 'get' becomes GET", S().method("get").response(200, ok), false, "");
    row("method normalize: 'post' becomes POST", S().method("post").response(200, ok), false, "");
    row("safelisted method: PUT needs a preflight",
        S().method("PUT").preflight(204, openPreflight()).response(200, ok), true, "");
    row("safelisted method: DELETE needs a preflight",
        S().method("DELETE").preflight(204, openPreflight()).response(200, ok), true, "");
    row("safelisted method: PATCH needs a preflight",
        S().method("PATCH").preflight(204, openPreflight()).response(200, ok), true, "");
    row("safelisted method: OPTIONS needs a preflight",
        S().method("OPTIONS").preflight(204, openPreflight()).response(200, ok), true, "");
    row("safelisted method: custom FOO needs a preflight",
        S().method("FOO").preflight(204, openPreflight()).response(200, ok), true, "");
    row("method normalize: 'patch' stays lowercase and needs a preflight",
        S().method("patch").preflight(204, openPreflight()).response(200, ok), true, "");
    row("forbidden method: CONNECT", S().method("CONNECT"), false, "ForbiddenMethod");
    row("forbidden method: TRACE", S().method("TRACE"), false, "ForbiddenMethod");
    row("forbidden method: track (case-insensitive)", S().method("track"), false,
        "ForbiddenMethod");
    row("request constructor: URL with credentials", S().url("http://user:pw@api.test:8081/items"),
        false, "UrlContainsCredentials");
}

void TestCorsEngine::addSafelistedHeaderRows()
{
    struct H
    {
        const char *rule;
        QByteArray name;
        QByteArray value;
        bool chromium;
        bool spec;
    };
    const QByteArray long128(128, 'a');
    const QByteArray long129(129, 'a');
    const QList<H> headers = {
        {"accept: */*", "Accept", "*/*", true, true},
        {"accept: media range list", "Accept", "text/html, application/json;q=0.9", true, true},
        {"accept: '(' is an unsafe byte", "Accept", "application/json(1)", false, false},
        {"accept: '\"' is an unsafe byte", "Accept", "a\"b", false, false},
        {"accept: ':' is an unsafe byte", "Accept", "a:b", false, false},
        {"accept: '@' is an unsafe byte", "Accept", "a@b", false, false},
        {"accept: '{' is an unsafe byte", "Accept", "a{b", false, false},
        {"accept: DEL is an unsafe byte", "Accept", "a\x7f", false, false},
        {"accept: TAB is allowed", "Accept", "a\tb", true, true},
        {"accept: 128 bytes is the limit", "Accept", long128, true, true},
        {"accept: 129 bytes is too long", "Accept", long129, false, false},
        {"accept-language: en-US", "Accept-Language", "en-US", true, true},
        {"accept-language: list with q", "Accept-Language", "en-US,fr;q=0.5", true, true},
        {"accept-language: underscore not allowed", "Accept-Language", "en_US", false, false},
        {"accept-language: slash not allowed", "Accept-Language", "en/US", false, false},
        {"content-language: de-DE", "Content-Language", "de-DE", true, true},
        {"content-language: '!' not allowed", "Content-Language", "de!", false, false},
        {"content-type: text/plain", "Content-Type", "text/plain", true, true},
        {"content-type: text/plain with charset", "Content-Type", "text/plain;charset=UTF-8", true,
         true},
        {"content-type: essence is case-insensitive", "Content-Type", "TEXT/Plain", true, true},
        {"content-type: form-urlencoded", "Content-Type", "application/x-www-form-urlencoded", true,
         true},
        {"content-type: multipart with boundary", "Content-Type", "multipart/form-data; boundary=x",
         true, true},
        {"content-type: application/json", "Content-Type", "application/json", false, false},
        {"content-type: text/html", "Content-Type", "text/html", false, false},
        {"content-type: quoted parameter has an unsafe byte", "Content-Type",
         "text/plain; charset=\"utf-8\"", false, false},
        {"content-type: no slash does not parse", "Content-Type", "text", false, false},
        {"content-type: empty type does not parse", "Content-Type", "/plain", false, false},
        {"content-type: two types do not parse", "Content-Type", "text/plain, application/json",
         false, false},
        {"content-type: whitespace around is normalized", "Content-Type", " text/plain ", true,
         true},
        {"range: bytes=0-100", "Range", "bytes=0-100", true, true},
        {"range: open end bytes=100-", "Range", "bytes=100-", true, true},
        {"range: suffix range is not simple", "Range", "bytes=-100", false, false},
        {"range: two ranges are not simple", "Range", "bytes=0-10,20-30", false, false},
        {"range: start after end", "Range", "bytes=100-50", false, false},
        {"range: whitespace not allowed", "Range", "bytes= 0-100", false, false},
        {"range: other unit", "Range", "items=0-10", false, false},
        {"client hints: DPR 2 (Chromium only)", "DPR", "2", true, false},
        {"client hints: DPR 2.5 (Chromium only)", "DPR", "2.5", true, false},
        {"client hints: DPR must be a number", "DPR", "abc", false, false},
        {"client hints: Width integer", "Width", "100", true, false},
        {"client hints: Viewport-Width must be an integer", "Viewport-Width", "1.5", false, false},
        {"client hints: Save-Data on", "Save-Data", "on", true, false},
        {"client hints: Save-Data off", "Save-Data", "off", false, false},
        {"client hints: ECT 4g", "ECT", "4g", true, false},
        {"client hints: ECT 5g unknown", "ECT", "5g", false, false},
        {"client hints: RTT integer", "RTT", "50", true, false},
        {"client hints: Downlink decimal", "Downlink", "1.5", true, false},
        {"client hints: Device-Memory", "Device-Memory", "8", true, false},
        {"unsafe header: X-Requested-With", "X-Requested-With", "XMLHttpRequest", false, false},
        {"unsafe header: Authorization", "Authorization", "Bearer x", false, false},
        {"unsafe header: Cache-Control is not a safelisted request header", "Cache-Control",
         "no-cache", false, false},
        {"unsafe header: X-HTTP-Method-Override PUT is allowed but unsafe",
         "X-HTTP-Method-Override", "PUT", false, false},
    };
    for (const H &h : headers) {
        for (const char *profile : {"chromium", "spec"}) {
            const bool safe = QByteArrayView(profile) == "chromium" ? h.chromium : h.spec;
            if (QByteArrayView(profile) == "spec" && h.chromium == h.spec)
                continue; // the spec row adds nothing when the profiles agree
            const QByteArray name =
                QByteArray("cors-safelisted request-header: ") + h.rule + " [" + profile + "]";
            const QByteArray lower = h.name.toLower();
            const QByteArray acrh = safe ? QByteArray("~") : lower;
            Row r{S().browser(profile)
                      .header(h.name, h.value)
                      .preflight(204, openPreflight())
                      .response(200, {{ACAO, "*"}}),
                  !safe,
                  QString(),
                  kAny,
                  kSkip,
                  kNoWarning,
                  QString::fromLatin1(acrh)};
            if (!safe && lower == "authorization" && QByteArrayView(profile) == "spec")
                r.error = QStringLiteral("HeaderDisallowedByPreflightResponse");
            QTest::newRow(name.constData()) << r;
        }
    }
    // The 1024-byte budget of safelisted values (Fetch: CORS-unsafe request-header names step 3).
    // Eight Accept lines reach 960 bytes only where each line is judged on its own (the standard,
    // Firefox); Chromium and WebKit combine them into one value over 128 bytes.
    S within;
    within.browser("spec");
    for (int i = 0; i < 8; ++i)
        within.header("Accept", QByteArray(120, 'a' + i));
    row("cors-unsafe request-header names: 960 bytes of safelisted values stay safe",
        within.response(200, {{ACAO, "*"}}), false, "");
    S over;
    over.browser("spec");
    for (int i = 0; i < 9; ++i)
        over.header("Accept", QByteArray(120, 'a' + i));
    row("cors-unsafe request-header names: over 1024 bytes makes them unsafe",
        over.preflight(204, openPreflight()).response(200, {{ACAO, "*"}}), true, "", "~", kSkip,
        kNoWarning, "accept");
    row("cors-unsafe request-header names: sorted, lowercased, deduplicated",
        S().header("X-B", "1")
            .header("x-a", "1")
            .header("X-B", "2")
            .preflight(204, openPreflight())
            .response(200, {{ACAO, "*"}}),
        true, "", "~", kSkip, kNoWarning, "x-a,x-b");
    row("cors-unsafe request-header names: safelisted names are left out",
        S().header("X-B", "1")
            .header("Accept", "*/*")
            .header("Content-Type", "application/json")
            .preflight(204, openPreflight())
            .response(200, {{ACAO, "*"}}),
        true, "", "~", kSkip, kNoWarning, "content-type,x-b");
}

void TestCorsEngine::addForbiddenHeaderRows()
{
    const char *forbidden[][2] = {{"Cookie", "a=b"},
                                  {"Origin", "http://evil.test"},
                                  {"Host", "evil.test"},
                                  {"Content-Length", "5"},
                                  {"Referer", "http://x"},
                                  {"Sec-Fetch-Mode", "navigate"},
                                  {"Proxy-Authorization", "x"},
                                  {"Connection", "close"},
                                  {"X-HTTP-Method-Override", "TRACE"},
                                  {"Accept-Encoding", "br"}};
    for (const auto &f : forbidden) {
        const QByteArray name = QByteArray("forbidden request-header: ") + f[0] + " is dropped";
        row(name.constData(), S().header(f[0], f[1]).response(200, {{ACAO, "*"}}), false, "", "~",
            kSkip, int(WarningKind::ForbiddenHeadersDropped));
    }
}

void TestCorsEngine::addPreflightRows()
{
    const HeaderList ok{{ACAO, O}, {"Vary", "Origin"}};
    const HeaderList allowPut{{ACAO, O}, {ACAM, "PUT"}};
    auto put = [] { return S().method("PUT"); };
    row("cors-preflight fetch: passes with ACAO and ACAM",
        put().preflight(204, allowPut).response(200, ok), true, "");
    row("cors-preflight fetch: 200 is an ok status",
        put().preflight(200, allowPut).response(200, ok), true, "");
    row("cors-preflight fetch: 299 is an ok status",
        put().preflight(299, allowPut).response(200, ok), true, "");
    row("cors-preflight fetch: 403 is not ok", put().preflight(403, allowPut).response(200, ok),
        true, "PreflightInvalidStatus");
    row("cors-preflight fetch: 500 is not ok", put().preflight(500, allowPut).response(200, ok),
        true, "PreflightInvalidStatus");
    row("cors-preflight fetch: 404 is not ok", put().preflight(404, allowPut).response(200, ok),
        true, "PreflightInvalidStatus");
    row("cors-preflight fetch: 300 without Location is not ok",
        put().preflight(300, allowPut).response(200, ok), true, "PreflightInvalidStatus");
    row("cors-preflight fetch: CORS check before status (403 without ACAO)",
        put().preflight(403, {}).response(200, ok), true, "PreflightMissingAllowOriginHeader");
    row("cors-preflight fetch: redirect is refused [chromium]",
        put()
            .preflight(301, {{"Location", "http://api.test:8081/other"}, {ACAO, O}})
            .response(200, ok),
        true, "PreflightDisallowedRedirect");
    row("cors-preflight fetch: redirect without ACAO is still a redirect error [chromium]",
        put().preflight(307, {{"Location", "/x"}}).response(200, ok), true,
        "PreflightDisallowedRedirect");
    row("cors-preflight fetch: redirect is not an ok status [spec]",
        put()
            .browser("spec")
            .preflight(302, {{"Location", "/x"}, {ACAO, O}, {ACAM, "PUT"}})
            .response(200, ok),
        true, "PreflightInvalidStatus");
    row("cors-preflight fetch: no preflight response", put().response(200, ok), true,
        "InvalidResponse");
    row("cors check (preflight): ACAO missing",
        put().preflight(204, {{ACAM, "PUT"}}).response(200, ok), true,
        "PreflightMissingAllowOriginHeader");
    row("cors check (preflight): ACAO mismatch",
        put().preflight(204, {{ACAO, "http://other.test"}, {ACAM, "PUT"}}).response(200, ok), true,
        "PreflightAllowOriginMismatch");
    row("cors check (preflight): ACAO list",
        put().preflight(204, {{ACAO, O + ",http://x.test"}, {ACAM, "PUT"}}).response(200, ok), true,
        "PreflightMultipleAllowOriginValues");
    row("cors check (preflight): ACAO invalid",
        put().preflight(204, {{ACAO, "nope"}, {ACAM, "PUT"}}).response(200, ok), true,
        "PreflightInvalidAllowOriginValue");
    row("cors check (preflight): ACAO * with credentials",
        put()
            .include()
            .preflight(204, {{ACAO, "*"}, {ACAC, "true"}, {ACAM, "PUT"}})
            .response(200, {{ACAO, O}, {ACAC, "true"}}),
        true, "PreflightWildcardOriginNotAllowed");
    row("cors check (preflight): ACAC missing with credentials",
        put()
            .include()
            .preflight(204, {{ACAO, O}, {ACAM, "PUT"}})
            .response(200, {{ACAO, O}, {ACAC, "true"}}),
        true, "PreflightInvalidAllowCredentials");
    row("cors check (preflight): credentialed preflight passes",
        put()
            .include()
            .preflight(204, credentialedPreflight("PUT", "x-a"))
            .header("X-A", "1")
            .response(200, {{ACAO, O}, {ACAC, "true"}, {"Vary", "Origin"}}),
        true, "");
    row("cors check (actual): preflight passes but response lacks ACAO",
        put().preflight(204, allowPut).response(200, {}), true, "MissingAllowOriginHeader");
}

void TestCorsEngine::addAllowListRows()
{
    const HeaderList ok{{ACAO, O}, {"Vary", "Origin"}};
    auto pf = [](const QByteArray &methods, const QByteArray &headers = QByteArray()) {
        HeaderList h{{ACAO, O}, {ACAM, methods}};
        if (!headers.isNull())
            h.append({ACAH, headers});
        return h;
    };
    row("method check: not listed",
        S().method("PUT").preflight(204, pf("GET, POST")).response(200, ok), true,
        "MethodDisallowedByPreflightResponse");
    row("method check: ACAM absent",
        S().method("DELETE").preflight(204, {{ACAO, O}}).response(200, ok), true,
        "MethodDisallowedByPreflightResponse");
    row("method check: case-sensitive ('put' for PUT)",
        S().method("PUT").preflight(204, pf("put")).response(200, ok), true,
        "MethodDisallowedByPreflightResponse");
    row("method check: listed among others",
        S().method("PUT").preflight(204, pf("GET, PUT, DELETE")).response(200, ok), true, "");
    row("method check: lowercase 'delete' is normalized to DELETE",
        S().method("delete").preflight(204, pf("DELETE")).response(200, ok), true, "");
    row("method check: * without credentials",
        S().method("PUT").preflight(204, pf("*")).response(200, ok), true, "");
    row("method check: * is literal with credentials",
        S().method("PUT")
            .include()
            .preflight(204, {{ACAO, O}, {ACAC, "true"}, {ACAM, "*"}})
            .response(200, {{ACAO, O}, {ACAC, "true"}}),
        true, "MethodDisallowedByPreflightResponse", "~", kSkip,
        int(WarningKind::WildcardIgnoredWithCredentials));
    row("method check: custom FOO listed",
        S().method("FOO").preflight(204, pf("FOO")).response(200, ok), true, "");
    row("method check: 'patch' does not match 'PATCH' (byte-exact, seen in Chromium 156) "
        "[chromium]",
        S().method("patch").preflight(204, pf("PATCH")).response(200, ok), true,
        "MethodDisallowedByPreflightResponse");
    row("method check: 'patch' does not match 'PATCH' [spec]",
        S().browser("spec").method("patch").preflight(204, pf("PATCH")).response(200, ok), true,
        "MethodDisallowedByPreflightResponse");
    row("method check: 'patch' matches 'patch' [chromium]",
        S().method("patch").preflight(204, pf("patch")).response(200, ok), true, "");
    row("method check: 'patch' matches 'patch' [spec]",
        S().browser("spec").method("patch").preflight(204, pf("patch")).response(200, ok), true,
        "");
    row("method check: 'patch' matches 'patch' [firefox]",
        S().browser("firefox").method("patch").preflight(204, pf("patch")).response(200, ok), true,
        "");
    row("extract header list values: ACAM 'PUT GET' is not a list of tokens",
        S().method("PUT").preflight(204, pf("PUT GET")).response(200, ok), true,
        "InvalidAllowMethodsPreflightResponse");
    row("extract header list values: ACAM empty elements are ignored",
        S().method("PUT").preflight(204, pf("PUT,,GET,")).response(200, ok), true, "");
    row("extract header list values: ACAM header twice is combined",
        S().method("PUT")
            .preflight(204, {{ACAO, O}, {ACAM, "GET"}, {ACAM, "PUT"}})
            .response(200, ok),
        true, "");
    row("extract header list values: ACAM with parentheses",
        S().method("PUT").preflight(204, pf("PUT, (GET)")).response(200, ok), true,
        "InvalidAllowMethodsPreflightResponse");
    row("extract header list values: ACAM empty value allows only safelisted",
        S().method("PUT").preflight(204, pf("")).response(200, ok), true,
        "MethodDisallowedByPreflightResponse");
    row("extract header list values: ACAH 'X Custom' is invalid",
        S().header("X-Custom", "1").preflight(204, pf("GET", "X Custom")).response(200, ok), true,
        "InvalidAllowHeadersPreflightResponse");
    row("header check: not listed",
        S().header("X-Custom", "1").preflight(204, pf("GET", "X-Other")).response(200, ok), true,
        "HeaderDisallowedByPreflightResponse");
    row("header check: ACAH absent",
        S().header("X-Custom", "1").preflight(204, {{ACAO, O}}).response(200, ok), true,
        "HeaderDisallowedByPreflightResponse");
    row("header check: case-insensitive",
        S().header("X-Custom", "1").preflight(204, pf("GET", "X-CUSTOM")).response(200, ok), true,
        "");
    row("header check: one of two missing",
        S().header("X-A", "1")
            .header("X-B", "1")
            .preflight(204, pf("GET", "x-a"))
            .response(200, ok),
        true, "HeaderDisallowedByPreflightResponse");
    row("header check: both listed",
        S().header("X-A", "1")
            .header("X-B", "1")
            .preflight(204, pf("GET", "x-b, x-a"))
            .response(200, ok),
        true, "");
    row("header check: * without credentials",
        S().header("X-Custom", "1").preflight(204, pf("GET", "*")).response(200, ok), true, "");
    row("header check: * is literal with credentials",
        S().include()
            .header("X-Custom", "1")
            .preflight(204, {{ACAO, O}, {ACAC, "true"}, {ACAH, "*"}})
            .response(200, {{ACAO, O}, {ACAC, "true"}}),
        true, "HeaderDisallowedByPreflightResponse");
    row("header check: Content-Type application/json must be allowed",
        S().method("POST")
            .header("Content-Type", "application/json")
            .preflight(204, pf("POST"))
            .response(200, ok),
        true, "HeaderDisallowedByPreflightResponse");
    row("header check: Content-Type allowed",
        S().method("POST")
            .header("Content-Type", "application/json")
            .preflight(204, pf("POST", "Content-Type"))
            .response(200, ok),
        true, "");
    row("non-wildcard request-header: * covers Authorization [chromium]",
        S().header("Authorization", "Bearer x").preflight(204, pf("GET", "*")).response(200, ok),
        true, "", "~", kSkip, int(WarningKind::WildcardAuthorization));
    row("non-wildcard request-header: * covers Authorization [firefox]",
        S().browser("firefox")
            .header("Authorization", "Bearer x")
            .preflight(204, pf("GET", "*"))
            .response(200, ok),
        true, "", "~", kSkip, int(WarningKind::WildcardAuthorization));
    row("non-wildcard request-header: * does not cover Authorization [spec]",
        S().browser("spec")
            .header("Authorization", "Bearer x")
            .preflight(204, pf("GET", "*"))
            .response(200, ok),
        true, "HeaderDisallowedByPreflightResponse");
    row("non-wildcard request-header: Authorization listed [spec]",
        S().browser("spec")
            .header("Authorization", "Bearer x")
            .preflight(204, pf("GET", "*, Authorization"))
            .response(200, ok),
        true, "");
}

void TestCorsEngine::addMaxAgeRows()
{
    const HeaderList ok{{ACAO, O}, {"Vary", "Origin"}};
    struct M
    {
        const char *browser;
        const char *maxAge; // nullptr: absent
        int seconds;
    };
    const QList<M> cases = {
        {"chromium", nullptr, 5},    {"chromium", "600", 600},     {"chromium", "7200", 7200},
        {"chromium", "86400", 7200}, {"chromium", "0", 0},         {"chromium", "abc", 5},
        {"chromium", "-1", 0},       {"chromium", "5.5", 5},       {"firefox", nullptr, 5},
        {"firefox", "86400", 86400}, {"firefox", "100000", 86400}, {"firefox", "abc", 0},
        {"firefox", "-1", 0},        {"safari", nullptr, 5},       {"safari", "600", 600},
        {"safari", "7200", 600},     {"safari", "abc", 5},         {"safari", "-1", 0},
        {"spec", nullptr, 5},        {"spec", "100000", 100000},   {"spec", "abc", 5},
    };
    for (const M &m : cases) {
        HeaderList pf{{ACAO, O}, {ACAM, "PUT"}};
        if (m.maxAge)
            pf.append({ACMA, m.maxAge});
        const QByteArray name = QByteArray("preflight cache: max-age ") +
                                (m.maxAge ? m.maxAge : "absent") + " [" + m.browser + "]";
        const bool capped =
            m.maxAge && QByteArray(m.maxAge).toLongLong() > m.seconds && m.seconds > 0;
        row(name.constData(),
            S().browser(m.browser).method("PUT").preflight(204, pf).response(200, ok), true, "",
            "~", m.seconds, capped ? int(WarningKind::MaxAgeAboveCap) : kNoWarning);
    }
}

void TestCorsEngine::addExposureRows()
{
    const HeaderList base{{ACAO, "*"},
                          {"Content-Type", "text/plain"},
                          {"Content-Length", "2"},
                          {"Cache-Control", "no-store"},
                          {"X-Total", "5"},
                          {"Set-Cookie", "a=b"}};
    auto with = [&](const HeaderList &extra) { return base + extra; };
    row("cors filtered response: safelisted names only", S().response(200, base), false, "",
        "cache-control,content-length,content-type", kSkip,
        int(WarningKind::HiddenResponseHeaders));
    row("cors filtered response: all seven safelisted names",
        S().response(200, {{ACAO, "*"},
                           {"Cache-Control", "x"},
                           {"Content-Language", "en"},
                           {"Content-Length", "1"},
                           {"Content-Type", "text/plain"},
                           {"Expires", "0"},
                           {"Last-Modified", "x"},
                           {"Pragma", "x"}}),
        false, "",
        "cache-control,content-language,content-length,content-type,expires,last-modified,pragma");
    row("cors filtered response: exposed custom header",
        S().response(200, with({{ACEH, "X-Total"}})), false, "",
        "cache-control,content-length,content-type,x-total");
    row("cors filtered response: expose list is case-insensitive",
        S().response(200, with({{ACEH, "x-TOTAL"}})), false, "",
        "cache-control,content-length,content-type,x-total");
    row("cors filtered response: * exposes everything but Set-Cookie",
        S().response(200, with({{ACEH, "*"}})), false, "",
        "access-control-allow-origin,access-control-expose-headers,cache-control,content-length,"
        "content-type,x-total");
    row("cors filtered response: * is literal with credentials",
        S().include().response(
            200, {{ACAO, O}, {ACAC, "true"}, {"Vary", "Origin"}, {"X-Total", "5"}, {ACEH, "*"}}),
        false, "", "", kSkip, int(WarningKind::WildcardIgnoredWithCredentials));
    row("cors filtered response: Set-Cookie is never exposed",
        S().response(200, with({{ACEH, "Set-Cookie, X-Total"}})), false, "",
        "cache-control,content-length,content-type,x-total");
    row("cors filtered response: invalid expose list exposes only safelisted",
        S().response(200, with({{ACEH, "X Total"}})), false, "",
        "cache-control,content-length,content-type");
    row("cors filtered response: expose header twice is combined",
        S().response(200, with({{ACEH, "X-A"}, {ACEH, "X-Total"}})), false, "",
        "cache-control,content-length,content-type,x-total");
    row("cors filtered response: blocked response exposes nothing",
        S().response(200, {{"X-Total", "5"}}), false, "MissingAllowOriginHeader", "");
}

void TestCorsEngine::addModeRows()
{
    row("request mode no-cors: cross-origin response is opaque",
        S().mode(RequestMode::NoCors).response(200, {{ACAO, "*"}}), false, "OpaqueResponse", "");
    row("request mode no-cors: PUT throws", S().mode(RequestMode::NoCors).method("PUT"), false,
        "NoCorsMethodNotAllowed");
    row("request mode no-cors: custom header dropped, no preflight",
        S().mode(RequestMode::NoCors).header("X-Custom", "1").response(200, {}), false,
        "OpaqueResponse");
    row("request mode no-cors: same-origin is basic",
        S().mode(RequestMode::NoCors).url("http://app.test:8080/a").response(200, {{"X-A", "1"}}),
        false, "", "x-a");
    row("request mode same-origin: cross-origin is refused",
        S().mode(RequestMode::SameOrigin).response(200, {{ACAO, "*"}}), false, "DisallowedByMode");
    row("request mode same-origin: same origin passes",
        S().mode(RequestMode::SameOrigin).url("http://app.test:8080/a").response(200, {}), false,
        "");
    row("main fetch: ftp is not a CORS scheme", S().url("ftp://api.test/file"), false,
        "CorsDisabledScheme");
}

void TestCorsEngine::addRedirectRows()
{
    const HeaderList any{{ACAO, "*"}};
    const HeaderList exact{{ACAO, O}, {"Vary", "Origin"}};
    row("http-redirect fetch: same-server redirect keeps the origin",
        S().redirect(302, {{"Location", "/other"}, {ACAO, O}}).response(200, exact), false, "");
    row("http-redirect fetch: relative Location is resolved",
        S().redirect(301, {{"Location", "../x"}, {ACAO, "*"}}).response(200, any), false, "");
    row("http-redirect fetch: redirect response is CORS-checked",
        S().redirect(302, {{"Location", "/other"}}).response(200, exact), false,
        "MissingAllowOriginHeader");
    row("tainted origin: hop to a third origin sends Origin null, exact ACAO fails",
        S().redirect(302, {{"Location", "http://cdn.test/x"}, {ACAO, O}}).response(200, exact),
        false, "AllowOriginMismatch");
    row("tainted origin: ACAO * passes after the hop",
        S().redirect(302, {{"Location", "http://cdn.test/x"}, {ACAO, O}}).response(200, any), false,
        "");
    row("tainted origin: ACAO null passes after the hop",
        S().redirect(302, {{"Location", "http://cdn.test/x"}, {ACAO, O}})
            .response(200, {{ACAO, "null"}}),
        false, "", "~", kSkip, int(WarningKind::NullOriginAllowed));
    row("tainted origin: same-origin start is not tainted",
        S().url("http://app.test:8080/start")
            .redirect(302, {{"Location", "http://api.test:8081/x"}})
            .response(200, exact),
        false, "");
    row("tainted origin: hop within the foreign origin is not tainted",
        S().redirect(307, {{"Location", "http://api.test:8081/v2/items"}, {ACAO, O}})
            .response(200, exact),
        false, "");
    row("tainted origin: preflight after the hop also sees null",
        S().method("PUT")
            .preflight(204, {{ACAO, "*"}, {ACAM, "PUT"}})
            .redirect(307, {{"Location", "http://cdn.test/x"}, {ACAO, "*"}})
            .response(200, any),
        true, "");
    row("redirect mode error: any redirect fails",
        S().redirectMode(RedirectMode::Error)
            .redirect(302, {{"Location", "/x"}, {ACAO, "*"}})
            .response(200, any),
        false, "RedirectModeError");
    row("redirect mode manual: opaque-redirect response",
        S().redirectMode(RedirectMode::Manual)
            .redirect(302, {{"Location", "/x"}, {ACAO, "*"}})
            .response(200, any),
        false, "OpaqueRedirect");
    row("http-redirect fetch: credentials in a cross-origin Location",
        S().redirect(302, {{"Location", "http://u:p@cdn.test/x"}, {ACAO, "*"}}).response(200, any),
        false, "RedirectContainsCredentials");
    row("http-redirect fetch: non-HTTP Location",
        S().redirect(302, {{"Location", "ftp://cdn.test/x"}, {ACAO, "*"}}).response(200, any),
        false, "CorsDisabledScheme");
    row("http-redirect fetch: 303 turns PUT into GET",
        S().method("PUT")
            .preflight(204, {{ACAO, O}, {ACAM, "PUT"}})
            .redirect(303, {{"Location", "/done"}, {ACAO, O}})
            .response(200, exact),
        true, "");
    row("http-redirect fetch: 301 turns POST into GET and drops Content-Type",
        S().method("POST")
            .header("Content-Type", "application/json")
            .preflight(204, {{ACAO, O}, {ACAH, "content-type"}})
            .redirect(301, {{"Location", "/done"}, {ACAO, O}})
            .response(200, exact),
        true, "");
    row("http-redirect fetch: Location that does not parse",
        S().redirect(302, {{"Location", "http://[bad"}, {ACAO, "*"}}).response(200, any), false,
        "InvalidRedirectLocation");
    S many;
    for (int i = 0; i < 21; ++i)
        many.redirect(302, {{"Location", "/r" + QByteArray::number(i)}, {ACAO, "*"}});
    row("http-redirect fetch: more than 20 redirects", many.response(200, any), false,
        "TooManyRedirects");
    S twenty;
    for (int i = 0; i < 20; ++i)
        twenty.redirect(302, {{"Location", "/r" + QByteArray::number(i)}, {ACAO, "*"}});
    row("http-redirect fetch: 20 redirects are fine", twenty.response(200, any), false, "");
}

void TestCorsEngine::addWarningRows()
{
    row("warning: exact ACAO without Vary: Origin", S().response(200, {{ACAO, O}}), false, "", "~",
        kSkip, int(WarningKind::EchoedOriginWithoutVary));
    row("warning: ACAO * on a cookie-setting response",
        S().response(200, {{ACAO, "*"}, {"Set-Cookie", "sid=1"}}), false, "", "~", kSkip,
        int(WarningKind::WildcardWithCookies));
    row("warning: credentialed origin reflection",
        S().include().response(200, {{ACAO, O}, {ACAC, "true"}, {"Vary", "Origin"}}), false, "",
        "~", kSkip, int(WarningKind::CredentialedOriginReflection));
    row("warning: hidden response headers", S().response(200, {{ACAO, "*"}, {"X-Total", "1"}}),
        false, "", "", kSkip, int(WarningKind::HiddenResponseHeaders));
    row("warning: Local Network Access from a public page [chromium]",
        S().origin("http://93.184.216.34")
            .url("http://127.0.0.1:8081/x")
            .response(200, {{ACAO, "*"}}),
        false, "", "~", kSkip, int(WarningKind::LocalNetworkAccess));
    row("warning: third-party cookies across sites [chromium]",
        S().include().response(200, {{ACAO, O}, {ACAC, "true"}, {"Vary", "Origin"}}), false, "",
        "~", kSkip, int(WarningKind::ThirdPartyCookies));
}

void TestCorsEngine::verdict_data()
{
    QTest::addColumn<Row>("row");
    addSameOriginRows();
    addOriginRows();
    addCorsCheckRows();
    addMethodRows();
    addSafelistedHeaderRows();
    addForbiddenHeaderRows();
    addPreflightRows();
    addAllowListRows();
    addMaxAgeRows();
    addExposureRows();
    addModeRows();
    addRedirectRows();
    addWarningRows();
}

void TestCorsEngine::verdict()
{
    QFETCH(Row, row);
    const BrowserProfile &profile = *BrowserProfile::byName(row.scenario.browser);
    const Verdict v = evaluate(row.scenario, profile);
    const QString error = v.exposed ? QString() : corsErrorName(v.error);
    QCOMPARE(error, row.error);
    m_errorsSeen.insert(v.error);
    QCOMPARE(v.exposed, row.error.isEmpty());
    QCOMPARE(v.preflightRequired, row.preflight);
    if (row.readable != kAny) {
        QStringList readable;
        for (const QByteArray &h : v.readableHeaders)
            readable << QString::fromLatin1(h);
        QCOMPARE(readable.join(QLatin1Char(',')), row.readable);
    }
    if (row.cacheSeconds != kSkip)
        QCOMPARE(v.preflightCacheSeconds, qint64(row.cacheSeconds));
    if (row.warning != kNoWarning) {
        const bool found = std::any_of(v.warnings.begin(), v.warnings.end(), [&](const Warning &w) {
            return int(w.kind) == row.warning;
        });
        QVERIFY2(found, "expected warning missing");
    }
    if (row.acrh != kAny) {
        const std::optional<QByteArray> acrh =
            getHeader(v.preflightRequest, "access-control-request-headers");
        QCOMPARE(QString::fromLatin1(acrh.value_or(QByteArray())), row.acrh);
    }

    // Every verdict explains itself: one sentence per check, and a summary.
    for (const Check &c : v.checks)
        QVERIFY2(!explainCheck(c, row.scenario, v, profile).isEmpty(), stepInfo(c.step).name);
    QVERIFY(!summarizeVerdict(v, row.scenario, profile).isEmpty());
    if (!v.exposed) {
        QVERIFY(v.failedCheck() != nullptr);
        QCOMPARE(v.failedCheck()->error, v.error);
    }

    // The fix, applied to the scenario, makes the request pass (Fix::applyTo applies the
    // page-side change too when no server change can help without it).
    const std::optional<Fix> fix = findFix(row.scenario, v, profile);
    QCOMPARE(fix.has_value(), !v.exposed);
    if (fix && fix->complete) {
        const Verdict after = evaluate(fix->applyTo(row.scenario), profile);
        QVERIFY2(after.exposed, qPrintable(QStringLiteral("still blocked after the fix (%1): %2")
                                               .arg(corsErrorName(after.error), fix->summary())));
        QVERIFY(!fix->summary().isEmpty());
    }
    // Only a broken or non-HTTP redirect target has no fix we can write: we cannot guess the URL.
    if (fix && !fix->complete)
        QVERIFY(v.error == CorsError::InvalidRedirectLocation ||
                (v.error == CorsError::CorsDisabledScheme &&
                 v.failedCheck()->phase == Phase::Redirect));

    // The JSON form carries the same verdict.
    const QJsonObject json = verdictToJson(v, row.scenario, profile);
    QCOMPARE(json.value(QStringLiteral("exposed")).toBool(), v.exposed);
    QCOMPARE(json.value(QStringLiteral("error")).isNull(), v.exposed);
    QCOMPARE(json.value(QStringLiteral("fix")).isNull(), v.exposed);
    QCOMPARE(json.value(QStringLiteral("checks")).toArray().size(), v.checks.size());
}

void TestCorsEngine::everyErrorKindIsCovered()
{
    // Every error the engine can report is produced by at least one row of the table above.
    for (int e = int(CorsError::DisallowedByMode); e <= int(CorsError::OpaqueRedirect); ++e)
        QVERIFY2(m_errorsSeen.contains(CorsError(e)), qPrintable(corsErrorName(CorsError(e))));
}

void TestCorsEngine::firefoxTellsAListFromARepeatedHeader()
{
    // Firefox ESR: two Access-Control-Allow-Origin lines are "multiple", one line holding a list
    // "does not match" (its console, read by tst_attach_firefox's research runs).
    const QByteArray origin = S::kOrigin;
    const Verdict twoLines = evaluate(S().browser("firefox")
                                          .response(200, {{"Access-Control-Allow-Origin", origin},
                                                          {"Access-Control-Allow-Origin", origin}})
                                          .get());
    const Verdict oneLine =
        evaluate(S().browser("firefox")
                     .response(200, {{"Access-Control-Allow-Origin", origin + ", " + origin}})
                     .get());
    QCOMPARE(twoLines.error, CorsError::MultipleAllowOriginValues);
    QCOMPARE(oneLine.error, CorsError::MultipleAllowOriginValues);
    QCOMPARE(twoLines.failedCheck()->variant, CheckVariant::AllowOriginRepeated);
    QCOMPARE(oneLine.failedCheck()->variant, CheckVariant::AllowOriginListInOneLine);
    QCOMPARE(firefoxReasonKey(twoLines), QStringLiteral("CORSMultipleAllowOriginNotAllowed"));
    QCOMPARE(firefoxReasonKey(oneLine), QStringLiteral("CORSAllowOriginNotMatchingOrigin"));
    // Other errors keep their own key.
    const Verdict missing = evaluate(S().browser("firefox").response(200, {}).get());
    QCOMPARE(firefoxReasonKey(missing), QStringLiteral("CORSMissingAllowOrigin"));
}

void TestCorsEngine::errorNamesAreChromiums()
{
    // The names users match against DevTools (services/network/public/mojom/cors.mojom).
    const QStringList chromium = {QStringLiteral("DisallowedByMode"),
                                  QStringLiteral("InvalidResponse"),
                                  QStringLiteral("WildcardOriginNotAllowed"),
                                  QStringLiteral("MissingAllowOriginHeader"),
                                  QStringLiteral("MultipleAllowOriginValues"),
                                  QStringLiteral("InvalidAllowOriginValue"),
                                  QStringLiteral("AllowOriginMismatch"),
                                  QStringLiteral("InvalidAllowCredentials"),
                                  QStringLiteral("CorsDisabledScheme"),
                                  QStringLiteral("PreflightInvalidStatus"),
                                  QStringLiteral("PreflightDisallowedRedirect"),
                                  QStringLiteral("PreflightWildcardOriginNotAllowed"),
                                  QStringLiteral("PreflightMissingAllowOriginHeader"),
                                  QStringLiteral("PreflightMultipleAllowOriginValues"),
                                  QStringLiteral("PreflightInvalidAllowOriginValue"),
                                  QStringLiteral("PreflightAllowOriginMismatch"),
                                  QStringLiteral("PreflightInvalidAllowCredentials"),
                                  QStringLiteral("InvalidAllowMethodsPreflightResponse"),
                                  QStringLiteral("InvalidAllowHeadersPreflightResponse"),
                                  QStringLiteral("MethodDisallowedByPreflightResponse"),
                                  QStringLiteral("HeaderDisallowedByPreflightResponse"),
                                  QStringLiteral("RedirectContainsCredentials")};
    for (const QString &name : chromium) {
        const CorsError e = corsErrorFromName(name);
        QVERIFY2(e != CorsError::None, qPrintable(name));
        QCOMPARE(corsErrorName(e), name);
        QVERIFY(isChromiumCorsError(e));
        QVERIFY(!chromiumConsoleText(e, QStringLiteral("x")).isEmpty());
        QVERIFY2(!firefoxReasonKey(e).isEmpty(), qPrintable(name));
    }
    QVERIFY(!isChromiumCorsError(CorsError::OpaqueResponse));
}

void TestCorsEngine::everyStepHasASpecAnchor()
{
    for (int s = int(Step::ForbiddenMethod); s <= int(Step::ExposedHeaders); ++s) {
        QVERIFY(qstrlen(stepInfo(Step(s)).name) > 0);
        QVERIFY(qstrlen(stepInfo(Step(s)).anchor) > 0);
    }
}

void TestCorsEngine::preflightRequestHeaders()
{
    const Scenario s = S().method("PUT")
                           .header("X-B", "1")
                           .header("Content-Type", "application/json")
                           .preflight(204, openPreflight())
                           .response(200, {{ACAO, "*"}});
    const Verdict v = evaluate(s, BrowserProfile::get(Browser::Chromium));
    const HeaderList expected{{"Origin", O},
                              {"Access-Control-Request-Method", "PUT"},
                              {"Access-Control-Request-Headers", "content-type,x-b"}};
    QCOMPARE(v.preflightRequest, expected);
    QCOMPARE(v.preflightReasons.size(), 3);
    QCOMPARE(v.preflightReasons.at(0).kind, PreflightReason::Kind::Method);
}

void TestCorsEngine::evaluationIsDeterministic()
{
    const Scenario s = S().include()
                           .method("PUT")
                           .preflight(204, credentialedPreflight("PUT", ""))
                           .response(200, {{ACAO, "*"}});
    const QJsonObject a = verdictToJson(evaluate(s), s, BrowserProfile::get(Browser::Chromium));
    const QJsonObject b = verdictToJson(evaluate(s), s, BrowserProfile::get(Browser::Chromium));
    QCOMPARE(a, b);
}

// The third-party cookie warning comes from BrowserProfile::blocksThirdPartyCookies, not from
// which browser the profile is.
void TestCorsEngine::thirdPartyCookiesFollowTheProfile()
{
    const Scenario s = S().include().response(200, {{ACAO, O}, {ACAC, "true"}, {"Vary", "Origin"}});
    auto cookieWarning = [&](const BrowserProfile &p) -> std::optional<Warning> {
        for (const Warning &w : evaluate(s, p).warnings) {
            if (w.kind == WarningKind::ThirdPartyCookies)
                return w;
        }
        return std::nullopt;
    };
    BrowserProfile chromium = BrowserProfile::get(Browser::Chromium);
    const std::optional<Warning> w = cookieWarning(chromium);
    QVERIFY(w);
    QCOMPARE(w->page, QByteArray("app.test"));
    QCOMPARE(w->targetHost, QByteArray("api.test"));
    QCOMPARE(explainWarning(*w, chromium),
             QStringLiteral("app.test and api.test are different sites: Chromium blocks "
                            "third-party cookies by default, so this credentialed request may "
                            "carry no cookie even though CORS allows it."));
    chromium.blocksThirdPartyCookies = false;
    QVERIFY(!cookieWarning(chromium));

    BrowserProfile firefox = BrowserProfile::get(Browser::Firefox);
    QVERIFY(!cookieWarning(firefox));
    firefox.blocksThirdPartyCookies = true;
    QVERIFY(cookieWarning(firefox));

    // Safari blocks them too (Intelligent Tracking Prevention), though WebKitGTK does not.
    QVERIFY(cookieWarning(BrowserProfile::get(Browser::Safari)));
}

// A header the script sets twice (checked in the three browsers: header-twice-* in
// tests/browser/browser_cases.cpp): Chromium and WebKit judge one combined value, Firefox and the
// standard each line, and Firefox names the header once per line in the preflight.
void TestCorsEngine::repeatedRequestHeadersFollowTheProfile()
{
    const Scenario twice = S().method("POST")
                               .header("content-type", "text/plain")
                               .header("Content-Type", "text/plain")
                               .preflight(204, openPreflight())
                               .response(200, {{ACAO, O}});
    const auto preflighted = [&](Browser browser) {
        return evaluate(twice, BrowserProfile::get(browser)).preflightRequired;
    };
    QVERIFY(preflighted(Browser::Chromium));
    QVERIFY(preflighted(Browser::Safari));
    QVERIFY(!preflighted(Browser::Firefox));
    QVERIFY(!preflighted(Browser::Spec));
    const Verdict chromium = evaluate(twice, BrowserProfile::get(Browser::Chromium));
    QCOMPARE(chromium.sentHeaders,
             HeaderList({{"content-type", "text/plain, text/plain"}})); // the first spelling

    const Scenario custom = S().header("X-Custom", "1")
                                .header("X-Custom", "2")
                                .preflight(204, openPreflight())
                                .response(200, {{ACAO, O}});
    const auto requestHeaders = [&](Browser browser) {
        const Verdict v = evaluate(custom, BrowserProfile::get(browser));
        return getHeader(v.preflightRequest, "access-control-request-headers").value_or("");
    };
    QCOMPARE(requestHeaders(Browser::Firefox), QByteArray("x-custom,x-custom"));
    QCOMPARE(requestHeaders(Browser::Chromium), QByteArray("x-custom"));
    QCOMPARE(requestHeaders(Browser::Spec), QByteArray("x-custom"));
}

// Chromium names the first refused header in the order the script set them (console_chromium);
// the other profiles the first in sorted order.
void TestCorsEngine::refusedHeaderFollowsTheProfile()
{
    const Scenario s = S().header("X-Zeta", "1")
                           .header("X-Alpha", "2")
                           .preflight(204, {{ACAO, O}})
                           .response(200, {{ACAO, O}});
    QCOMPARE(evaluate(s, BrowserProfile::get(Browser::Chromium)).errorDetail, QByteArray("x-zeta"));
    QCOMPARE(evaluate(s, BrowserProfile::get(Browser::Firefox)).errorDetail, QByteArray("x-alpha"));
    QCOMPARE(evaluate(s, BrowserProfile::get(Browser::Spec)).errorDetail, QByteArray("x-alpha"));
}

// Chromium drops a User-Agent set by a script as if it were forbidden (script-user-agent);
// Fetch, Firefox and WebKit send it, and it needs a preflight.
void TestCorsEngine::scriptIgnoredHeadersFollowTheProfile()
{
    const Scenario s = S().header("User-Agent", "corslab-test")
                           .preflight(204, openPreflight())
                           .response(200, {{ACAO, O}});
    const Verdict chromium = evaluate(s, BrowserProfile::get(Browser::Chromium));
    QVERIFY(!chromium.preflightRequired);
    QVERIFY(chromium.sentHeaders.isEmpty());
    QVERIFY(std::any_of(chromium.warnings.cbegin(), chromium.warnings.cend(), [](const Warning &w) {
        return w.kind == WarningKind::ForbiddenHeadersDropped && w.headerText == "User-Agent";
    }));
    for (Browser browser : {Browser::Firefox, Browser::Safari, Browser::Spec})
        QVERIFY(evaluate(s, BrowserProfile::get(browser)).preflightRequired);
}

QTEST_GUILESS_MAIN(TestCorsEngine)
#include "tst_cors_engine.moc"
