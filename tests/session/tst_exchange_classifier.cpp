// Classification of captured exchanges from the headers real browsers send: Sec-Fetch-* when
// present (HTTPS and localhost), Origin against the URL's origin otherwise, and which signals
// were used.
#include "base/header_list.h"
#include "chromium_exchanges.h"
#include "cors/fetch_rules.h"
#include "session/exchange_classifier.h"
#include "session/exchange_judge.h"

#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

class TestExchangeClassifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classify_data()
    {
        QTest::addColumn<CapturedExchange>("exchange");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("evidence");
        QTest::addColumn<bool>("needsPreflight");
        QTest::addColumn<bool>("failed");
        using E = X;
        namespace Ev = Evidence;

        QTest::newRow("fetch simple GET, cross-site (Chromium)")
            << CapturedExchange(E("GET", "https://api.example.net/items")
                                    .request(chromiumFetch(kApi, kApp, "cross-site")))
            << "chromium"
            << "simple-cors" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << false;
        QTest::newRow("preflight for a JSON POST (Chromium)")
            << CapturedExchange(E("OPTIONS", "https://api.example.net/items")
                                    .request(chromiumPreflight(kApi, kApp, "POST", "content-type"))
                                    .response(204, {}))
            << "chromium"
            << "preflight" << int(Ev::Origin | Ev::RequestMethod) << true << false;
        QTest::newRow("JSON POST actual request (Chromium)")
            << CapturedExchange(E("POST", "https://api.example.net/items")
                                    .request(chromiumFetch(kApi, kApp, "cross-site"))
                                    .add("Content-Type", "application/json"))
            << "chromium"
            << "preflighted-actual" << int(Ev::SecFetchMode | Ev::SecFetchSite) << true << false;
        QTest::newRow("navigation (Chromium)")
            << CapturedExchange(E("GET", "https://app.example.com/")
                                    .request(chromiumNavigation("app.example.com")))
            << "chromium"
            << "navigation" << int(Ev::SecFetchMode) << false << false;
        QTest::newRow("same-origin fetch GET (no Origin)")
            << CapturedExchange(E("GET", "https://app.example.com/api/me")
                                    .request(chromiumFetch("app.example.com", {}, "same-origin")))
            << "chromium"
            << "same-origin" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << false;
        QTest::newRow("same-origin fetch POST (Chromium sends Origin)")
            << CapturedExchange(E("POST", "https://app.example.com/api/save")
                                    .request(chromiumFetch("app.example.com", kApp, "same-origin"))
                                    .add("Content-Type", "application/json"))
            << "chromium"
            << "same-origin" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << false;
        QTest::newRow("no-cors image from another site")
            << CapturedExchange(E("GET", "https://cdn.other.org/logo.png")
                                    .request(chromiumImage("cdn.other.org", kApp + "/")))
            << "chromium"
            << "no-cors" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << false;
        QTest::newRow("same-site fetch is still cross-origin")
            << CapturedExchange(E("GET", "https://api.example.com/items")
                                    .request(chromiumFetch("api.example.com", kApp, "same-site")))
            << "chromium"
            << "simple-cors" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << false;
        QTest::newRow("plain HTTP, no Sec-Fetch-*: Origin decides")
            << CapturedExchange(
                   E("GET", "http://api.test:8081/items")
                       .request(chromiumPlainHttpFetch("api.test:8081", "http://app.test:8080")))
            << "chromium"
            << "simple-cors" << int(Ev::Origin) << false << false;
        QTest::newRow("plain HTTP, Origin equal to the URL's origin")
            << CapturedExchange(
                   E("POST", "http://app.test:8080/save")
                       .request(chromiumPlainHttpFetch("app.test:8080", "http://app.test:8080")))
            << "chromium"
            << "same-origin" << int(Ev::Origin) << false << false;
        QTest::newRow("plain HTTP, Origin a prefix of the URL's authority")
            << CapturedExchange(
                   E("GET", "http://app.test:80801/save")
                       .request(chromiumPlainHttpFetch("app.test:80801", "http://app.test:8080")))
            << "chromium"
            << "simple-cors" << int(Ev::Origin) << false << false;
        QTest::newRow("plain HTTP, URL's origin in another case than Origin")
            << CapturedExchange(
                   E("GET", "HTTP://App.Test:8080/save")
                       .request(chromiumPlainHttpFetch("app.test:8080", "http://app.test:8080")))
            << "chromium"
            << "same-origin" << int(Ev::Origin) << false << false;
        QTest::newRow("plain HTTP, Origin not serialized (default port kept)")
            << CapturedExchange(
                   E("GET", "http://app.test:80/save")
                       .request(chromiumPlainHttpFetch("app.test:80", "http://app.test:80")))
            << "chromium"
            << "simple-cors" << int(Ev::Origin) << false << false;
        QTest::newRow("plain HTTP page load (Upgrade-Insecure-Requests)")
            << CapturedExchange(E("GET", "http://app.test/")
                                    .request({{"Host", "app.test"},
                                              {"Upgrade-Insecure-Requests", "1"},
                                              {"Accept", "text/html,*/*;q=0.8"}}))
            << "chromium"
            << "navigation" << int(Ev::UpgradeInsecureRequests) << false << false;
        QTest::newRow("plain HTTP form POST to another site is a navigation")
            << CapturedExchange(E("POST", "http://api.test/login")
                                    .request({{"Host", "api.test"},
                                              {"Origin", "http://app.test"},
                                              {"Content-Type", "application/x-www-form-urlencoded"},
                                              {"Upgrade-Insecure-Requests", "1"}}))
            << "chromium"
            << "navigation" << int(Ev::UpgradeInsecureRequests) << false << false;
        QTest::newRow("plain HTTP image: no Origin, Referer of another origin")
            << CapturedExchange(E("GET", "http://cdn.test/a.png")
                                    .request({{"Host", "cdn.test"},
                                              {"Accept", "image/*"},
                                              {"Referer", "http://app.test/page"}}))
            << "chromium"
            << "no-cors" << int(Ev::Referer) << false << false;
        QTest::newRow("plain HTTP script from its own origin")
            << CapturedExchange(E("GET", "http://app.test/app.js")
                                    .request({{"Host", "app.test"},
                                              {"Accept", "*/*"},
                                              {"Referer", "http://app.test/page"}}))
            << "chromium"
            << "same-origin" << int(Ev::Referer) << false << false;
        QTest::newRow("curl: no browser header at all")
            << CapturedExchange(E("GET", "http://api.test/items")
                                    .request({{"Host", "api.test"}, {"Accept", "*/*"}}))
            << "chromium"
            << "no-cors" << int(Ev::Nothing) << false << false;
        QTest::newRow("WebSocket handshake")
            << CapturedExchange(
                   E("GET", "https://api.example.net/ws")
                       .request(chromiumFetch(kApi, kApp, "cross-site", "websocket", "websocket")))
            << "chromium"
            << "no-cors" << int(Ev::SecFetchMode) << false << false;
        QTest::newRow("failed simple GET keeps its kind")
            << CapturedExchange(E("GET", "https://api.example.net/items")
                                    .request(chromiumFetch(kApi, kApp, "cross-site"))
                                    .failed(QStringLiteral("upstream refused the connection")))
            << "chromium"
            << "simple-cors" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << true;
        QTest::newRow("client hint DPR: safelisted by Chromium")
            << CapturedExchange(E("GET", "https://api.example.net/img")
                                    .request(chromiumFetch(kApi, kApp, "cross-site"))
                                    .add("DPR", "2"))
            << "chromium"
            << "simple-cors" << int(Ev::SecFetchMode | Ev::SecFetchSite) << false << false;
        QTest::newRow("client hint DPR: needs a preflight in Firefox")
            << CapturedExchange(E("GET", "https://api.example.net/img")
                                    .request(chromiumFetch(kApi, kApp, "cross-site"))
                                    .add("DPR", "2"))
            << "firefox"
            << "preflighted-actual" << int(Ev::SecFetchMode | Ev::SecFetchSite) << true << false;
        {
            CapturedExchange tunnel;
            tunnel.type = CapturedExchange::Type::Tunnel;
            tunnel.method = "CONNECT";
            tunnel.url = "api.example.net:443";
            tunnel.tunnel.host = "api.example.net";
            tunnel.tunnel.port = 443;
            QTest::newRow("opaque tunnel") << tunnel << "chromium"
                                           << "tunnel" << 0 << false << false;
        }
    }
    void classify()
    {
        QFETCH(CapturedExchange, exchange);
        QFETCH(QString, profile);
        QFETCH(QString, kind);
        QFETCH(int, evidence);
        QFETCH(bool, needsPreflight);
        QFETCH(bool, failed);
        const Classification c = classifyExchange(exchange, *cors::BrowserProfile::byName(profile));
        QCOMPARE(exchangeKindName(c.kind), kind);
        QCOMPARE(int(c.evidence), evidence);
        QCOMPARE(c.needsPreflight, needsPreflight);
        QCOMPARE(c.failed, failed);
        // The note names each header used, with its value.
        const QString note = describeEvidence(exchange, c.evidence);
        if (evidence & Evidence::SecFetchMode)
            QVERIFY2(note.contains(QLatin1String("Sec-Fetch-Mode: ")), qPrintable(note));
        if (evidence & Evidence::Origin)
            QVERIFY2(note.contains(QLatin1String("the URL's origin is")), qPrintable(note));
    }

    void preflightAnnouncement()
    {
        const Classification c = classifyExchange(
            X("OPTIONS", "https://api.example.net/items")
                .request(chromiumPreflight(kApi, kApp, "PUT", "X-Token, content-type,x-token")),
            cors::BrowserProfile::get(cors::Browser::Chromium));
        QCOMPARE(c.kind, ExchangeKind::Preflight);
        QCOMPARE(c.requestedMethod, QByteArray("PUT"));
        QCOMPARE(c.requestedHeaders, (QList<QByteArray>{"content-type", "x-token"}));
    }

    void scriptHeadersLeaveOutWhatTheBrowserAdds()
    {
        const Classification c =
            classifyExchange(X("PUT", "https://api.example.net/items/1")
                                 .request(chromiumFetch(kApi, kApp, "cross-site"))
                                 .add("Content-Type", "application/json")
                                 .add("X-Token", "abc")
                                 .add("Cookie", "sid=1"),
                             cors::BrowserProfile::get(cors::Browser::Chromium));
        QCOMPARE(c.kind, ExchangeKind::PreflightedActual);
        QCOMPARE(c.unsafeHeaderNames, (QList<QByteArray>{"content-type", "x-token"}));
        for (const auto &h : c.scriptHeaders) {
            QVERIFY2(!h.first.startsWith("Sec-") && !h.first.startsWith("sec-") &&
                         h.first != "Cookie" && h.first != "User-Agent" && h.first != "Origin",
                     h.first.constData());
        }
    }

    void originOfUrl_data()
    {
        QTest::addColumn<QByteArray>("url");
        QTest::addColumn<QByteArray>("origin");
        QTest::newRow("default port dropped")
            << QByteArray("https://API.Example.com:443/x") << QByteArray("https://api.example.com");
        QTest::newRow("other port kept")
            << QByteArray("http://localhost:8080/a?b") << QByteArray("http://localhost:8080");
        QTest::newRow("IPv6") << QByteArray("http://[::1]:8080/")
                              << QByteArray("http://[::1]:8080");
        QTest::newRow("userinfo") << QByteArray("http://user:pw@h.test:80/")
                                  << QByteArray("http://h.test");
        QTest::newRow("query right after the host")
            << QByteArray("http://h.test?x=1") << QByteArray("http://h.test");
        QTest::newRow("file is opaque") << QByteArray("file:///etc/hosts") << QByteArray("null");
        QTest::newRow("not a URL") << QByteArray("/relative") << QByteArray("null");
    }
    void originOfUrl()
    {
        QFETCH(QByteArray, url);
        QFETCH(QByteArray, origin);
        QCOMPARE(session::originOfUrl(url), origin);
    }

    void browserAddedHeadersFollowTheEngine()
    {
        // The session's fast check says what the engine's forbidden-header rule says, plus the
        // headers the browser sets itself.
        const QList<QByteArray> names = {"Accept-Charset",
                                         "accept-encoding",
                                         "Access-Control-Request-Headers",
                                         "access-control-request-method",
                                         "Connection",
                                         "Content-Length",
                                         "Cookie",
                                         "cookie2",
                                         "Date",
                                         "DNT",
                                         "Expect",
                                         "Host",
                                         "Keep-Alive",
                                         "Origin",
                                         "Referer",
                                         "Set-Cookie",
                                         "TE",
                                         "Trailer",
                                         "Transfer-Encoding",
                                         "Upgrade",
                                         "Via",
                                         "Proxy-Authorization",
                                         "proxy-x",
                                         "Sec-Fetch-Mode",
                                         "sec-ch-ua",
                                         "SEC-",
                                         "User-Agent",
                                         "Priority",
                                         "Upgrade-Insecure-Requests",
                                         "Pragma",
                                         "Cache-Control",
                                         "X-HTTP-Method-Override",
                                         "x-http-method",
                                         "X-Method-Override",
                                         "X-Token",
                                         "Content-Type",
                                         "Accept",
                                         "Range",
                                         "Authorization",
                                         "x",
                                         "",
                                         "sec",
                                         "proxy"};
        for (const QByteArray &name : names) {
            for (const QByteArray &value : {QByteArray("GET"), QByteArray("TRACE"),
                                            QByteArray("PUT, connect"), QByteArray()}) {
                const bool own = base::equalsIgnoreCase(name, "user-agent") ||
                                 base::equalsIgnoreCase(name, "priority") ||
                                 base::equalsIgnoreCase(name, "upgrade-insecure-requests") ||
                                 base::equalsIgnoreCase(name, "pragma") ||
                                 base::equalsIgnoreCase(name, "cache-control");
                QCOMPARE(isBrowserAddedRequestHeader(name, value),
                         own || cors::isForbiddenRequestHeader(name, value));
            }
        }
    }

    void kindNamesRoundTrip()
    {
        for (int k = 0; k <= int(ExchangeKind::Tunnel); ++k) {
            ExchangeKind parsed = ExchangeKind::Tunnel;
            QVERIFY(exchangeKindFromName(exchangeKindName(ExchangeKind(k)), &parsed));
            QCOMPARE(int(parsed), k);
        }
        ExchangeKind unused;
        QVERIFY(!exchangeKindFromName(QStringLiteral("bogus"), &unused));
    }
};

QTEST_GUILESS_MAIN(TestExchangeClassifier)
#include "tst_exchange_classifier.moc"
