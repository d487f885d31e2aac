// The CORS-preflight cache (Fetch #concept-cache) and the engine reading it: entries per method and
// header name, keyed by origin, URL and credentials, expiring after the effective Max-Age. Time is
// passed in, so no test sleeps.
#include "cors/cors_engine.h"
#include "cors/preflight_cache.h"
#include "scenario_builder.h"

#include <QtTest>

using namespace corslab::cors;
using S = ScenarioBuilder;

namespace {
const QByteArray O = "http://app.test:8080";
const QUrl U(QStringLiteral("http://api.test:8081/items"));

// A preflight result as the engine makes it: the allow lists parsed from header values.
PreflightResult result(const QList<QByteArray> &methods, const QList<QByteArray> &headers,
                       qint64 maxAge, bool credentials = false)
{
    auto parse = [](const QList<QByteArray> &list) {
        return extractHeaderListValues({{"x", list.join(",")}}, "x");
    };
    return {O, U, credentials, maxAge, parse(methods), parse(headers)};
}
const BrowserProfile &chromium()
{
    return BrowserProfile::get(Browser::Chromium);
}
} // namespace

class TestPreflightCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matching_data()
    {
        QTest::addColumn<QList<QByteArray>>("methods");
        QTest::addColumn<QList<QByteArray>>("headers");
        QTest::addColumn<bool>("storedWithCredentials");
        QTest::addColumn<bool>("credentials");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QList<QByteArray>>("unsafe");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<bool>("covered");
        using L = QList<QByteArray>;
        QTest::newRow("method cache entry match: exact method")
            << L{"PUT"} << L{} << false << false << QByteArray("PUT") << L{} << "chromium" << true;
        QTest::newRow("method cache entry match: other method")
            << L{"PUT"} << L{} << false << false << QByteArray("DELETE") << L{} << "chromium"
            << false;
        QTest::newRow("method cache entry match: byte-exact")
            << L{"PATCH"} << L{} << false << false << QByteArray("patch") << L{} << "chromium"
            << false;
        QTest::newRow("method cache entry match: * without credentials")
            << L{"*"} << L{} << false << false << QByteArray("PUT") << L{} << "chromium" << true;
        QTest::newRow("method cache entry match: * not with credentials")
            << L{"*"} << L{} << true << true << QByteArray("PUT") << L{} << "chromium" << false;
        QTest::newRow("cache match: credentials are part of the key")
            << L{"PUT"} << L{} << false << true << QByteArray("PUT") << L{} << "chromium" << false;
        QTest::newRow("cache: safelisted method needs no entry")
            << L{} << L{"x-a"} << false << false << QByteArray("GET") << L{"x-a"} << "chromium"
            << true;
        QTest::newRow("header-name cache entry match: case-insensitive")
            << L{} << L{"X-A"} << false << false << QByteArray("GET") << L{"x-a"} << "chromium"
            << true;
        QTest::newRow("header-name cache entry match: one missing")
            << L{} << L{"x-a"} << false << false << QByteArray("GET") << L{"x-a", "x-b"}
            << "chromium" << false;
        QTest::newRow("header-name cache entry match: *")
            << L{} << L{"*"} << false << false << QByteArray("GET") << L{"x-a", "x-b"} << "chromium"
            << true;
        QTest::newRow("header-name cache entry match: * and Authorization [chromium]")
            << L{} << L{"*"} << false << false << QByteArray("GET") << L{"authorization"}
            << "chromium" << true;
        QTest::newRow("header-name cache entry match: * and Authorization [spec]")
            << L{} << L{"*"} << false << false << QByteArray("GET") << L{"authorization"} << "spec"
            << false;
        QTest::newRow("header-name cache entry match: * not with credentials")
            << L{} << L{"*"} << true << true << QByteArray("GET") << L{"x-a"} << "chromium"
            << false;
    }
    void matching()
    {
        QFETCH(QList<QByteArray>, methods);
        QFETCH(QList<QByteArray>, headers);
        QFETCH(bool, storedWithCredentials);
        QFETCH(bool, credentials);
        QFETCH(QByteArray, method);
        QFETCH(QList<QByteArray>, unsafe);
        QFETCH(QString, profile);
        QFETCH(bool, covered);
        PreflightCache cache;
        cache.store(result(methods, headers, 60, storedWithCredentials), 0);
        QCOMPARE(
            cache.covers(O, U, credentials, method, unsafe, 1000, *BrowserProfile::byName(profile)),
            covered);
    }

    void keyIsOriginAndUrl()
    {
        PreflightCache cache;
        cache.store(result({"PUT"}, {}, 60), 0);
        QVERIFY(!cache.covers("http://other.test", U, false, "PUT", {}, 1, chromium()));
        QVERIFY(!cache.covers(O, QUrl(QStringLiteral("http://api.test:8081/other")), false, "PUT",
                              {}, 1, chromium()));
        QVERIFY(cache.covers(O, U, false, "PUT", {}, 1, chromium()));
    }

    void expiry()
    {
        PreflightCache cache;
        cache.store(result({"PUT"}, {"x-a"}, 5), 1000);
        QVERIFY(cache.covers(O, U, false, "PUT", {"x-a"}, 5999, chromium()));
        QVERIFY(!cache.covers(O, U, false, "PUT", {"x-a"}, 6000, chromium()));
        QCOMPARE(cache.prune(6000), 0);
    }

    void zeroMaxAgeStoresNothing()
    {
        PreflightCache cache;
        cache.store(result({"PUT"}, {}, 0), 0);
        QCOMPARE(cache.size(), 0);
    }

    void refreshKeepsOneEntry()
    {
        PreflightCache cache;
        cache.store(result({"PUT"}, {"x-a"}, 5), 0);
        cache.store(result({"PUT"}, {"X-A"}, 60), 4000);
        QCOMPARE(cache.size(), 2);
        QVERIFY(cache.covers(O, U, false, "PUT", {"x-a"}, 30000, chromium()));
    }

    // The engine reads the cache: the second identical request within Max-Age sends no preflight.
    void engineUsesTheCache()
    {
        const Scenario s =
            S().method("PUT")
                .header("X-A", "1")
                .preflight(204, {{"Access-Control-Allow-Origin", O},
                                 {"Access-Control-Allow-Methods", "PUT"},
                                 {"Access-Control-Allow-Headers", "x-a"},
                                 {"Access-Control-Max-Age", "10"}})
                .response(200, {{"Access-Control-Allow-Origin", O}, {"Vary", "Origin"}});
        PreflightCache cache;
        const Verdict first = evaluate(s, chromium(), cache, 0);
        QVERIFY(first.preflightRequired);
        QVERIFY(!first.preflightFromCache);
        QVERIFY(first.preflightResult.has_value());
        QCOMPARE(first.preflightResult->maxAgeSeconds, 10);
        cache.store(*first.preflightResult, 0);

        const Verdict second = evaluate(s, chromium(), cache, 9000);
        QVERIFY(!second.preflightRequired);
        QVERIFY(second.preflightFromCache);
        QVERIFY(second.exposed);

        const Verdict third = evaluate(s, chromium(), cache, 10000);
        QVERIFY(third.preflightRequired);
        QVERIFY(!third.preflightFromCache);

        // A header the cached result did not allow still needs a preflight.
        Scenario other = s;
        other.headers.append(Header{"X-B", "1"});
        QVERIFY(evaluate(other, chromium(), cache, 1000).preflightRequired);
    }
};

QTEST_GUILESS_MAIN(TestPreflightCache)
#include "tst_preflight_cache.moc"
