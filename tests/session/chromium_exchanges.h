#pragma once

// Captured exchanges as the proxy hands them over, with the header sets Chromium 120 really sends
// (order and case as on the wire), for the session tests.
#include "session/captured_exchange.h"

#include <QtTest>

namespace corslab::session::testing {

inline const QByteArray kUserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
    "Safari/537.36";
constexpr qint64 kT0 = 1714560000000; // 2024-05-01T10:40:00Z
/// The page's origin and the API's host in the captures the tests build.
inline const QByteArray kApp = "https://app.example.com";
inline const QByteArray kApi = "api.example.net";

/// A fluent builder: one exchange, times start, +5 ms first byte, +8 ms end.
struct X
{
    CapturedExchange x;
    X(const QByteArray &method, const QByteArray &url, qint64 atMs = kT0)
    {
        x.method = method;
        x.url = url;
        x.startedAtMs = atMs;
        x.firstByteAtMs = atMs + 5;
        x.finishedAtMs = atMs + 8;
        x.clientAddress = "127.0.0.1";
        x.clientPort = 50123;
        x.upstreamAddress = "127.0.0.1";
        x.upstreamPort = 8443;
        x.status = 200;
        x.reason = "OK";
    }
    X &request(const base::HeaderList &headers)
    {
        x.requestHeaders = headers;
        return *this;
    }
    X &add(const QByteArray &name, const QByteArray &value)
    {
        x.requestHeaders.append({name, value});
        return *this;
    }
    X &response(int status, const base::HeaderList &headers)
    {
        x.status = status;
        x.reason = http::standardReasonPhrase(status);
        x.responseHeaders = headers;
        return *this;
    }
    X &failed(const QString &error)
    {
        x.status = 0;
        x.reason.clear();
        x.firstByteAtMs = 0;
        x.error = error;
        return *this;
    }
    operator CapturedExchange() const { return x; }
};

/// fetch() from \a origin in mode cors, over HTTPS (so with Sec-Fetch-* and client hints).
inline base::HeaderList chromiumFetch(const QByteArray &host, const QByteArray &origin,
                                      const QByteArray &site, const QByteArray &mode = "cors",
                                      const QByteArray &dest = "empty")
{
    base::HeaderList h = {{"Host", host},
                          {"Connection", "keep-alive"},
                          {"sec-ch-ua", R"("Not_A Brand";v="8", "Chromium";v="120")"},
                          {"sec-ch-ua-mobile", "?0"},
                          {"User-Agent", kUserAgent},
                          {"sec-ch-ua-platform", "\"Linux\""},
                          {"Accept", "*/*"}};
    if (!origin.isEmpty())
        h.append({"Origin", origin});
    h += {{"Sec-Fetch-Site", site},
          {"Sec-Fetch-Mode", mode},
          {"Sec-Fetch-Dest", dest},
          {"Referer", (origin.isEmpty() ? QByteArray("https://app.example.com") : origin) + "/"},
          {"Accept-Encoding", "gzip, deflate, br"},
          {"Accept-Language", "en-US,en;q=0.9"}};
    return h;
}

/// The CORS-preflight request Chromium sends before \a method with \a headers (lowercase,
/// sorted, comma-separated, as Chromium writes them).
inline base::HeaderList chromiumPreflight(const QByteArray &host, const QByteArray &origin,
                                          const QByteArray &method, const QByteArray &headers,
                                          const QByteArray &site = "cross-site")
{
    base::HeaderList h = {{"Host", host},
                          {"Connection", "keep-alive"},
                          {"Accept", "*/*"},
                          {"Access-Control-Request-Method", method}};
    if (!headers.isEmpty())
        h.append({"Access-Control-Request-Headers", headers});
    h += {{"Origin", origin},
          {"User-Agent", kUserAgent},
          {"Sec-Fetch-Mode", "cors"},
          {"Sec-Fetch-Site", site},
          {"Sec-Fetch-Dest", "empty"},
          {"Referer", origin + "/"},
          {"Accept-Encoding", "gzip, deflate, br"},
          {"Accept-Language", "en-US,en;q=0.9"}};
    return h;
}

/// A top-level page load typed in the address bar.
inline base::HeaderList chromiumNavigation(const QByteArray &host)
{
    return {{"Host", host},
            {"Connection", "keep-alive"},
            {"sec-ch-ua", R"("Not_A Brand";v="8", "Chromium";v="120")"},
            {"sec-ch-ua-mobile", "?0"},
            {"sec-ch-ua-platform", "\"Linux\""},
            {"Upgrade-Insecure-Requests", "1"},
            {"User-Agent", kUserAgent},
            {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                       "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
            {"Sec-Fetch-Site", "none"},
            {"Sec-Fetch-Mode", "navigate"},
            {"Sec-Fetch-User", "?1"},
            {"Sec-Fetch-Dest", "document"},
            {"Accept-Encoding", "gzip, deflate, br"},
            {"Accept-Language", "en-US,en;q=0.9"}};
}

/// An <img> from another site (mode no-cors).
inline base::HeaderList chromiumImage(const QByteArray &host, const QByteArray &page)
{
    return {{"Host", host},
            {"Connection", "keep-alive"},
            {"sec-ch-ua", R"("Not_A Brand";v="8", "Chromium";v="120")"},
            {"sec-ch-ua-mobile", "?0"},
            {"User-Agent", kUserAgent},
            {"sec-ch-ua-platform", "\"Linux\""},
            {"Accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"},
            {"Sec-Fetch-Site", "cross-site"},
            {"Sec-Fetch-Mode", "no-cors"},
            {"Sec-Fetch-Dest", "image"},
            {"Referer", page},
            {"Accept-Encoding", "gzip, deflate, br"},
            {"Accept-Language", "en-US,en;q=0.9"}};
}

/// Plain HTTP to a host that is not localhost: Chromium sends no Sec-Fetch-* and no client
/// hints there (not a potentially trustworthy URL).
inline base::HeaderList chromiumPlainHttpFetch(const QByteArray &host, const QByteArray &origin)
{
    base::HeaderList h = {{"Host", host},
                          {"Connection", "keep-alive"},
                          {"User-Agent", kUserAgent},
                          {"Accept", "*/*"}};
    if (!origin.isEmpty())
        h.append({"Origin", origin});
    h += {{"Referer", (origin.isEmpty() ? QByteArray("http://app.test") : origin) + "/"},
          {"Accept-Encoding", "gzip, deflate"},
          {"Accept-Language", "en-US,en;q=0.9"}};
    return h;
}

/// Every field of two exchanges, one QCOMPARE each (a failure names the field).
inline void compareExchanges(const CapturedExchange &a, const CapturedExchange &b)
{
    QCOMPARE(int(a.type), int(b.type));
    QCOMPARE(a.startedAtMs, b.startedAtMs);
    QCOMPARE(a.firstByteAtMs, b.firstByteAtMs);
    QCOMPARE(a.finishedAtMs, b.finishedAtMs);
    QCOMPARE(a.clientAddress, b.clientAddress);
    QCOMPARE(a.clientPort, b.clientPort);
    QCOMPARE(a.upstreamAddress, b.upstreamAddress);
    QCOMPARE(a.upstreamPort, b.upstreamPort);
    QCOMPARE(a.method, b.method);
    QCOMPARE(a.url, b.url);
    QCOMPARE(a.httpVersion, b.httpVersion);
    QCOMPARE(a.requestHeaders, b.requestHeaders);
    QCOMPARE(a.requestBody.stored, b.requestBody.stored);
    QCOMPARE(a.requestBody.size, b.requestBody.size);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.reason, b.reason);
    QCOMPARE(a.responseHeaders, b.responseHeaders);
    QCOMPARE(a.responseBody.stored, b.responseBody.stored);
    QCOMPARE(a.responseBody.size, b.responseBody.size);
    QCOMPARE(a.overridden, b.overridden);
    QCOMPARE(a.answeredLocally, b.answeredLocally);
    QCOMPARE(a.overrideRule, b.overrideRule);
    QCOMPARE(a.upstreamResponseHeaders, b.upstreamResponseHeaders);
    QCOMPARE(a.upstreamStatus, b.upstreamStatus);
    QCOMPARE(a.tunnel.host, b.tunnel.host);
    QCOMPARE(a.tunnel.port, b.tunnel.port);
    QCOMPARE(a.tunnel.intercepted, b.tunnel.intercepted);
    QCOMPARE(a.tunnel.tlsVersion, b.tunnel.tlsVersion);
    QCOMPARE(a.tunnel.alpn, b.tunnel.alpn);
    QCOMPARE(a.tunnel.bytesFromClient, b.tunnel.bytesFromClient);
    QCOMPARE(a.tunnel.bytesFromServer, b.tunnel.bytesFromServer);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.source, b.source);
    QCOMPARE(a.browserReport.has_value(), b.browserReport.has_value());
    if (a.browserReport && b.browserReport) {
        QCOMPARE(a.browserReport->browser, b.browserReport->browser);
        QCOMPARE(a.browserReport->corsError, b.browserReport->corsError);
        QCOMPARE(a.browserReport->failedParameter, b.browserReport->failedParameter);
        QCOMPARE(a.browserReport->notSent, b.browserReport->notSent);
        QCOMPARE(a.browserReport->bodyUnavailable, b.browserReport->bodyUnavailable);
        QCOMPARE(a.browserReport->blockedCookies.size(), b.browserReport->blockedCookies.size());
        for (qsizetype i = 0; i < a.browserReport->blockedCookies.size(); ++i) {
            const BlockedCookie &ca = a.browserReport->blockedCookies.at(i);
            const BlockedCookie &cb = b.browserReport->blockedCookies.at(i);
            QCOMPARE(ca.name, cb.name);
            QCOMPARE(ca.reasons, cb.reasons);
            QCOMPARE(ca.fromResponse, cb.fromResponse);
        }
    }
}

/// Exchanges as an attachment to Chromium (core/attach) hands them over: the source set, the
/// browser's report on every actual request (no CORS error, a CORS error with its parameter, an
/// error name the engine does not know, a request never sent with its body gone), withheld and
/// refused cookies with Latin-1 names and several reasons; a proxy's exchange without either.
inline QList<CapturedExchange> attachedExchanges(qint64 atMs)
{
    const QByteArray url = "https://api.example.net/items/1";
    const QString source = QStringLiteral("browser (DevTools protocol)");
    const QString chrome = QStringLiteral("Chrome/156.0.8078.129");
    QList<CapturedExchange> out;
    // A preflight: the browser's verdict belongs to its request, so no report.
    out.append(X("OPTIONS", url, atMs)
                   .request({{"Origin", kApp}, {"Access-Control-Request-Method", "PUT"}})
                   .response(204, {{"Access-Control-Allow-Origin", kApp},
                                   {"Access-Control-Allow-Methods", "PUT"}}));
    out.last().source = source;
    // Exposed, with cookies withheld and refused.
    out.append(X("PUT", url, atMs + 10)
                   .request({{"Origin", kApp}})
                   .response(200, {{"Access-Control-Allow-Origin", kApp}}));
    out.last().source = source;
    out.last().browserReport = BrowserReport{
        chrome,
        {},
        {},
        {{"sid", {QStringLiteral("SameSiteLax")}, false},
         {"café", {QStringLiteral("ThirdPartyPhaseout"), QStringLiteral("étrange")}, true}},
        false,
        false};
    // Blocked, the browser naming the value that failed.
    out.append(X("GET", url + "?blocked", atMs + 20)
                   .request({{"Origin", kApp}})
                   .response(200, {{"Access-Control-Allow-Origin", "https://evil.test"}}));
    out.last().source = source;
    out.last().browserReport = BrowserReport{chrome,
                                             QStringLiteral("AllowOriginMismatch"),
                                             QStringLiteral("https://evil.test"),
                                             {},
                                             false,
                                             false};
    // Never sent: its preflight failed.
    out.append(X("DELETE", url, atMs + 30)
                   .request({{"Origin", kApp}})
                   .failed(QStringLiteral("not sent: the browser stopped at its preflight")));
    out.last().source = source;
    out.last().browserReport = BrowserReport{
        chrome, QStringLiteral("PreflightMissingAllowOriginHeader"), {}, {}, true, true};
    // An error the engine has no name for.
    out.append(X("GET", url + "?future", atMs + 40)
                   .request({{"Origin", kApp}})
                   .response(200, {{"Access-Control-Allow-Origin", kApp}}));
    out.last().source = source;
    out.last().browserReport = BrowserReport{
        chrome, QStringLiteral("SomeFutureCorsError"), QStringLiteral("x"), {}, false, false};
    // The proxy's own capture.
    out.append(X("GET", url + "?proxy", atMs + 50)
                   .request({{"Origin", kApp}})
                   .response(200, {{"Access-Control-Allow-Origin", kApp}}));
    return out;
}

/// An exchange with every field set to something unusual: duplicates, odd case, Latin-1 bytes,
/// quotes and tabs in values, a binary body cut short, override marks, TLS, an error.
inline CapturedExchange everyField(qint64 atMs)
{
    CapturedExchange x;
    x.type = CapturedExchange::Type::Http;
    x.startedAtMs = atMs;
    x.firstByteAtMs = atMs + 17;
    x.finishedAtMs = atMs + 123456;
    x.clientAddress = "::1";
    x.clientPort = 65535;
    x.upstreamAddress = "192.0.2.7";
    x.upstreamPort = 443;
    x.method = "patch";
    x.url = "https://api.example.com:8443/v1/items/7?q=%C3%A9&x=\"y\"";
    x.httpVersion = "HTTP/1.0";
    x.requestHeaders = {{"Host", "api.example.com:8443"},
                        {"X-Dup", "one"},
                        {"x-dup", "two"},
                        {"X-Quote", "a \"quoted\" \\ value\twith tab"},
                        {"X-Latin1", "caf\xe9 \xff\x80"},
                        {"X-Empty", ""},
                        {"Origin", "https://app.example.com"},
                        {"Cookie", "sid=1; theme=dark"}};
    x.requestBody.stored = QByteArray("\x00\x01\x02\xff binary", 11);
    x.requestBody.size = 5000;
    x.status = 418;
    x.reason = "I'm a teapot";
    x.responseHeaders = {{"Access-Control-Allow-Origin", "https://app.example.com"},
                         {"Set-Cookie", "a=1"},
                         {"Set-Cookie", "b=2"},
                         {"content-type", "text/plain; charset=utf-8"}};
    x.responseBody.stored = "caf\xc3\xa9 \xe2\x9c\x93 text";
    x.responseBody.size = x.responseBody.stored.size();
    x.overridden = true;
    x.answeredLocally = false;
    x.overrideRule = QStringLiteral("Add ACAO \u2713");
    x.upstreamResponseHeaders = {{"Content-Type", "text/plain"}};
    x.upstreamStatus = 500;
    x.tunnel.host = "api.example.com";
    x.tunnel.port = 8443;
    x.tunnel.intercepted = true;
    x.tunnel.tlsVersion = "TLSv1.3";
    x.tunnel.alpn = "http/1.1";
    x.error = QStringLiteral("upstream closed the connection mid-response (\u00e9)");
    return x;
}

} // namespace corslab::session::testing
