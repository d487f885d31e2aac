// The browser's own background traffic: the service hosts (lookalikes not), requests with and
// without a page's Origin or Sec-Fetch-Site, tunnels, the user's navigations; the mark the
// classification carries, and the session's count of marked rows through appends, drops and
// clears. The Chromium and Firefox requests are as they reached the proxy in the measurement
// of the README's "Less noise from launched browsers".
#include "chromium_exchanges.h"
#include "session/background_traffic.h"
#include "session/exchange_classifier.h"
#include "session/session.h"

#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

// Chromium 156's on-demand component check (its headers as captured, no Sec-Fetch-*).
CapturedExchange componentUpdate()
{
    return X("POST", "http://update.googleapis.com/service/update2/json?cup2key=ML-DSA-44-16:x")
        .request({{"Host", "update.googleapis.com"},
                  {"Proxy-Connection", "keep-alive"},
                  {"Content-Length", "809"},
                  {"X-Goog-Update-AppId", "ceofaddefefcbblgcgnibnonglccbfja"},
                  {"X-Goog-Update-Interactivity", "fg"},
                  {"Content-Type", "application/json"},
                  {"User-Agent", kUserAgent},
                  {"Accept-Encoding", "gzip, deflate"}})
        .failed(QStringLiteral("DNS lookup failed: no address for update.googleapis.com"));
}

// Chromium's network time query.
CapturedExchange networkTime()
{
    return X("GET", "http://clients2.google.com/time/1/current?cup2key=10:x")
        .request({{"Host", "clients2.google.com"},
                  {"Proxy-Connection", "keep-alive"},
                  {"User-Agent", kUserAgent},
                  {"Accept-Encoding", "gzip, deflate"}});
}

// Firefox's captive portal check.
CapturedExchange captivePortal()
{
    return X("GET", "http://detectportal.firefox.com/canonical.html")
        .request({{"Host", "detectportal.firefox.com"},
                  {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Firefox/153.0"},
                  {"Accept", "*/*"},
                  {"Cache-Control", "no-cache"},
                  {"Pragma", "no-cache"},
                  {"Connection", "keep-alive"}});
}

CapturedExchange tunnel(const QByteArray &host)
{
    CapturedExchange x = X("CONNECT", host + ":443").failed(QStringLiteral("DNS lookup failed"));
    x.type = CapturedExchange::Type::Tunnel;
    x.tunnel.host = host;
    x.tunnel.port = 443;
    return x;
}

// A page's fetch() to a Google API: Origin and Sec-Fetch-Site cross-site.
CapturedExchange pageFetch()
{
    return X("GET", "https://maps.googleapis.com/maps/api/geocode/json?address=x")
        .request(chromiumFetch("maps.googleapis.com", kApp, "cross-site"));
}

} // namespace

class TstBackgroundTraffic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serviceHosts_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("service");
        QTest::newRow("update.googleapis.com") << QByteArray("update.googleapis.com") << true;
        QTest::newRow("optimizationguide-pa")
            << QByteArray("optimizationguide-pa.googleapis.com") << true;
        QTest::newRow("clients2") << QByteArray("clients2.google.com") << true;
        QTest::newRow("clients4, any case") << QByteArray("CLIENTS4.Google.COM") << true;
        QTest::newRow("android.clients") << QByteArray("android.clients.google.com") << true;
        QTest::newRow("accounts") << QByteArray("accounts.google.com") << true;
        QTest::newRow("gvt1") << QByteArray("redirector.gvt1.com") << true;
        QTest::newRow("trailing dot") << QByteArray("update.googleapis.com.") << true;
        QTest::newRow("remote settings")
            << QByteArray("firefox.settings.services.mozilla.com") << true;
        QTest::newRow("mozilla cdn") << QByteArray("normandy.cdn.mozilla.net") << true;
        QTest::newRow("aus5") << QByteArray("aus5.mozilla.org") << true;
        QTest::newRow("detectportal") << QByteArray("detectportal.firefox.com") << true;

        QTest::newRow("googleapis.com itself") << QByteArray("googleapis.com") << false;
        QTest::newRow("www.google.com") << QByteArray("www.google.com") << false;
        QTest::newRow("clients with letters") << QByteArray("clientsx.google.com") << false;
        QTest::newRow("clients, no number") << QByteArray("clients.google.com") << false;
        QTest::newRow("suffix lookalike") << QByteArray("notgoogleapis.com") << false;
        QTest::newRow("prefix lookalike")
            << QByteArray("update.googleapis.com.evil.example") << false;
        QTest::newRow("clients2 lookalike") << QByteArray("clients2.google.com.example") << false;
        QTest::newRow("www.mozilla.org") << QByteArray("www.mozilla.org") << false;
        QTest::newRow("addons.mozilla.org") << QByteArray("addons.mozilla.org") << false;
        QTest::newRow("localhost") << QByteArray("localhost") << false;
        QTest::newRow("empty") << QByteArray() << false;
    }
    void serviceHosts()
    {
        QFETCH(QByteArray, host);
        QFETCH(bool, service);
        QCOMPARE(isBrowserServiceHost(host), service);
    }

    void backgroundOrNot_data()
    {
        QTest::addColumn<CapturedExchange>("exchange");
        QTest::addColumn<bool>("background");
        QTest::newRow("component update") << componentUpdate() << true;
        QTest::newRow("network time") << networkTime() << true;
        QTest::newRow("captive portal") << captivePortal() << true;
        QTest::newRow("tunnel to a Google service")
            << tunnel("optimizationguide-pa.googleapis.com") << true;
        QTest::newRow("tunnel to remote settings")
            << tunnel("firefox.settings.services.mozilla.com") << true;
        QTest::newRow("Sec-Fetch-Site none, no Origin")
            << CapturedExchange(X("GET", "https://content-autofill.googleapis.com/v1/pages/x")
                                    .request(chromiumFetch("content-autofill.googleapis.com", "",
                                                           " None ", "no-cors")))
            << true;
        QTest::newRow("userinfo and port in the URL")
            << CapturedExchange(X("GET", "http://u@clients2.google.com:80/time")) << true;

        QTest::newRow("a page's fetch to a Google API") << pageFetch() << false;
        QTest::newRow("a page's <img>: Sec-Fetch-Site, no Origin")
            << CapturedExchange(
                   X("GET", "https://safebrowsing.googleapis.com/logo.png")
                       .request(chromiumImage("safebrowsing.googleapis.com", kApp + "/")))
            << false;
        QTest::newRow("plain http with an Origin, no Sec-Fetch-*")
            << CapturedExchange(X("POST", "http://update.googleapis.com/x")
                                    .add("Host", "update.googleapis.com")
                                    .add("Origin", "http://localhost:3000"))
            << false;
        QTest::newRow("a navigation the user typed")
            << CapturedExchange(X("GET", "https://accounts.google.com/")
                                    .request(chromiumNavigation("accounts.google.com")))
            << false;
        QTest::newRow("a navigation without Sec-Fetch-User")
            << CapturedExchange(X("GET", "https://accounts.google.com/x")
                                    .add("Sec-Fetch-Site", "none")
                                    .add("Sec-Fetch-Mode", "navigate"))
            << false;
        QTest::newRow("no headers, another host")
            << CapturedExchange(X("GET", "http://api.example.net/time")) << false;
        QTest::newRow("tunnel to www.google.com") << tunnel("www.google.com") << false;
        QTest::newRow("tunnel to an API") << tunnel("api.example.net") << false;
    }
    void backgroundOrNot()
    {
        QFETCH(CapturedExchange, exchange);
        QFETCH(bool, background);
        QCOMPARE(isBrowserBackgroundTraffic(exchange), background);
        // The classification carries it as a mark, and its kind is what it would be anyway.
        const Classification c =
            classifyExchange(exchange, cors::BrowserProfile::get(cors::Browser::Chromium));
        QCOMPARE(bool(c.evidence & Evidence::BrowserBackground), background);
        CapturedExchange other = exchange;
        other.url.replace("googleapis.com", "example.net").replace("google.com", "example.org");
        other.tunnel.host = "api.example.net";
        const Classification elsewhere =
            classifyExchange(other, cors::BrowserProfile::get(cors::Browser::Chromium));
        QCOMPARE(c.kind, elsewhere.kind);
    }

    void theNoteSaysWhy()
    {
        const CapturedExchange x = networkTime();
        const Classification c =
            classifyExchange(x, cors::BrowserProfile::get(cors::Browser::Chromium));
        QVERIFY2(describeEvidence(x, c.evidence).contains(QLatin1String("background traffic")),
                 qPrintable(describeEvidence(x, c.evidence)));
    }

    void theSessionCountsBackgroundRows()
    {
        Session s;
        s.append({componentUpdate(), pageFetch(), tunnel("update.googleapis.com")});
        QCOMPARE(s.verdictCounts().background, 2);
        QCOMPARE(s.verdictCounts().total, 3);
        s.append({networkTime()});
        QCOMPARE(s.verdictCounts().background, 3);
        // Judged again under another browser: still the same rows.
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        QCOMPARE(s.verdictCounts().background, 3);
        s.dropOldest(2); // the component update and the page's fetch
        QCOMPARE(s.verdictCounts().background, 2);
        s.clear();
        QCOMPARE(s.verdictCounts().background, 0);
    }
};

QTEST_GUILESS_MAIN(TstBackgroundTraffic)
#include "tst_background_traffic.moc"
