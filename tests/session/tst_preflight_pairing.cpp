// Pairing actual requests with the preflights that authorized them, and recognizing preflight
// cache hits, through the session as the proxy feeds it (times are the capture's, no sleeping).
#include "chromium_exchanges.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
const QByteArray kItems = "https://api.example.net/items/7";

// The API's answer to a preflight: allows the app with credentials, PUT and DELETE, the given
// headers, for maxAge seconds (empty: no Access-Control-Max-Age).
X preflight(qint64 atMs, const QByteArray &method = "PUT",
            const QByteArray &announced = "content-type,x-token", const QByteArray &url = kItems,
            const QByteArray &maxAge = "600",
            const QByteArray &allowHeaders = "Content-Type, X-Token")
{
    base::HeaderList answer = {{"Access-Control-Allow-Origin", kApp},
                               {"Access-Control-Allow-Credentials", "true"},
                               {"Access-Control-Allow-Methods", "GET, PUT, DELETE"},
                               {"Access-Control-Allow-Headers", allowHeaders},
                               {"Vary", "Origin"}};
    if (!maxAge.isEmpty())
        answer.append({"Access-Control-Max-Age", maxAge});
    return X("OPTIONS", url, atMs)
        .request(chromiumPreflight(kApi, kApp, method, announced))
        .response(204, answer);
}

X actual(qint64 atMs, const QByteArray &method = "PUT", const QByteArray &url = kItems,
         bool token = true)
{
    X x(method, url, atMs);
    x.request(chromiumFetch(kApi, kApp, "cross-site")).add("Content-Type", "application/json");
    if (token)
        x.add("X-Token", "secret");
    x.add("Cookie", "sid=1");
    return x.response(200, {{"Access-Control-Allow-Origin", kApp},
                            {"Access-Control-Allow-Credentials", "true"},
                            {"Vary", "Origin"}});
}
} // namespace

class TestPreflightPairing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactMatch()
    {
        Session s;
        s.append({preflight(kT0), actual(kT0 + 20)});
        const ExchangeRow p = s.row(0);
        const ExchangeRow a = s.row(1);
        QCOMPARE(p.kind, ExchangeKind::Preflight);
        QCOMPARE(a.kind, ExchangeKind::PreflightedActual);
        QCOMPARE(a.pairing, PairingState::Paired);
        QCOMPARE(a.pairedId, p.id);
        QCOMPARE(p.pairing, PairingState::Paired);
        QCOMPARE(p.pairedId, a.id);
        QCOMPARE(s.linkedIds(0), QList<qint64>{2});
        QCOMPARE(s.linkedIds(1), QList<qint64>{1});
        QCOMPARE(a.verdict.state, VerdictState::Exposed);
        const ExchangeEvaluation e = s.evaluation(1);
        QVERIFY(e.verdict->preflightEvaluated);
        QVERIFY2(e.notes.join(u'\n').contains(QLatin1String("authorized by the preflight #1")),
                 qPrintable(e.notes.join(u'\n')));
        QVERIFY(s.evaluation(0).notes.join(u'\n').contains(
            QLatin1String("authorized the actual request #2")));
    }

    void headerSetMismatch()
    {
        Session s;
        // The preflight announced (and was allowed) content-type only; the request also
        // carries X-Token.
        s.append({preflight(kT0, "PUT", "content-type", kItems, "600", "Content-Type"),
                  actual(kT0 + 20)});
        QCOMPARE(s.row(1).pairing, PairingState::NoPreflightSeen);
        QCOMPARE(s.row(1).pairedId, 0);
        QCOMPARE(s.row(0).pairing, PairingState::None);
        QVERIFY(s.evaluation(1).notes.join(u'\n').contains(
            QLatin1String("no preflight seen (it may have been cached before capture started)")));
        QVERIFY(s.row(1).verdict.assumptions & Assumption::PreflightAssumed);
        QVERIFY(s.evaluation(0).notes.join(u'\n').contains(
            QLatin1String("no actual request followed it")));
    }

    void methodMismatch()
    {
        Session s;
        s.append({preflight(kT0, "PUT"), actual(kT0 + 20, "PATCH")});
        QCOMPARE(s.row(1).pairing, PairingState::NoPreflightSeen);
        QCOMPARE(s.row(0).pairedId, 0);
    }

    void anotherPreflightsCacheEntryServesWhatItsAnswerAllowed()
    {
        // Announced PUT with content-type, but the answer allows DELETE and X-Token too: the
        // browser caches all of it, so a DELETE with X-Token right after needs no preflight.
        Session s;
        s.append({preflight(kT0, "PUT", "content-type"), actual(kT0 + 20, "DELETE")});
        QCOMPARE(s.row(1).pairing, PairingState::CacheHit);
        QCOMPARE(s.row(1).pairedId, 1);
    }

    void concurrentPreflightsToDifferentUrls()
    {
        const QByteArray a = "https://api.example.net/a";
        const QByteArray b = "https://api.example.net/b";
        Session s;
        s.append({preflight(kT0, "PUT", "content-type,x-token", a),
                  preflight(kT0 + 1, "PUT", "content-type,x-token", b), actual(kT0 + 30, "PUT", b),
                  actual(kT0 + 31, "PUT", a)});
        QCOMPARE(s.row(2).pairedId, 2);
        QCOMPARE(s.row(3).pairedId, 1);
        QCOMPARE(s.row(0).pairedId, 4);
        QCOMPARE(s.row(1).pairedId, 3);
    }

    void outsideTheWindowIsNotPaired()
    {
        Session s; // pairing window 5 s; no Max-Age: cached for 5 s only
        s.append({preflight(kT0, "PUT", "content-type,x-token", kItems, {}), actual(kT0 + 10'000)});
        QCOMPARE(s.row(1).pairing, PairingState::NoPreflightSeen);
    }

    void aPreflightAuthorizesOneRequest_data()
    {
        QTest::addColumn<QByteArray>("maxAge");
        QTest::addColumn<int>("second");
        QTest::newRow("cached: the second is a cache hit")
            << QByteArray("600") << int(PairingState::CacheHit);
        QTest::newRow("Max-Age 0: nothing cached")
            << QByteArray("0") << int(PairingState::NoPreflightSeen);
    }
    void aPreflightAuthorizesOneRequest()
    {
        QFETCH(QByteArray, maxAge);
        QFETCH(int, second);
        Session s;
        s.append({preflight(kT0, "PUT", "content-type,x-token", kItems, maxAge), actual(kT0 + 20),
                  actual(kT0 + 25)});
        QCOMPARE(s.row(1).pairing, PairingState::Paired);
        QCOMPARE(int(s.row(2).pairing), second);
    }

    void cacheHitWithinMaxAgeNotAfter()
    {
        Session s;
        s.append({preflight(kT0), actual(kT0 + 20)});
        s.append({actual(kT0 + 60'000)});  // 1 min later: still cached (600 s)
        s.append({actual(kT0 + 601'000)}); // 601 s after the preflight: expired
        QCOMPARE(s.row(2).kind, ExchangeKind::PreflightCachedActual);
        QCOMPARE(s.row(2).pairing, PairingState::CacheHit);
        QCOMPARE(s.row(2).pairedId, 1);
        QCOMPARE(s.row(3).kind, ExchangeKind::PreflightedActual);
        QCOMPARE(s.row(3).pairing, PairingState::NoPreflightSeen);
        QCOMPARE(s.linkedIds(0), (QList<qint64>{2, 3}));
        // The engine is told the preflight came from the cache.
        const ExchangeEvaluation e = s.evaluation(2);
        QVERIFY(e.verdict->preflightFromCache);
        QVERIFY2(e.notes.join(u'\n').contains(QLatin1String("the preflight #1")),
                 qPrintable(e.notes.join(u'\n')));
        QCOMPARE(s.row(2).verdict.state, VerdictState::Exposed);
    }

    void cacheHitNeedsTheMethodAndHeadersAllowed()
    {
        Session s;
        s.append({preflight(kT0), actual(kT0 + 20)});
        // PATCH was never allowed by the cached preflight.
        s.append({actual(kT0 + 30'000, "PATCH")});
        QCOMPARE(s.row(2).pairing, PairingState::NoPreflightSeen);
    }

    void maxAgeCapPerBrowser()
    {
        // Access-Control-Max-Age: 86400 is capped at 7200 s by Chromium, kept by Firefox.
        const qint64 threeHours = 3 * 3600 * 1000;
        Session s;
        s.append({preflight(kT0, "PUT", "content-type,x-token", kItems, "86400"), actual(kT0 + 20),
                  actual(kT0 + threeHours)});
        QCOMPARE(s.row(2).pairing, PairingState::NoPreflightSeen);
        QSignalSpy changed(&s, &Session::profileChanged);
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(s.row(2).pairing, PairingState::CacheHit);
        QCOMPARE(s.row(2).kind, ExchangeKind::PreflightCachedActual);
        QCOMPARE(s.row(2).pairedId, 1);
        // And within Chromium's two hours it is a hit there too.
        Session c;
        c.append({preflight(kT0, "PUT", "content-type,x-token", kItems, "86400"), actual(kT0 + 20),
                  actual(kT0 + 7100 * 1000)});
        QCOMPARE(c.row(2).pairing, PairingState::CacheHit);
    }

    void credentialsArePartOfTheCacheKey()
    {
        // A preflight that allows any origin without credentials: its cache entry cannot serve a
        // request that sends a cookie.
        Session s;
        X p = X("OPTIONS", kItems, kT0)
                  .request(chromiumPreflight(kApi, kApp, "PUT", "content-type,x-token"))
                  .response(204, {{"Access-Control-Allow-Origin", "*"},
                                  {"Access-Control-Allow-Methods", "PUT"},
                                  {"Access-Control-Allow-Headers", "content-type, x-token"},
                                  {"Access-Control-Max-Age", "600"}});
        s.append({p, actual(kT0 + 30'000)});
        QCOMPARE(s.row(1).pairing, PairingState::NoPreflightSeen);
    }

    void pairedAcrossBatchesTellsAboutTheOlderRow()
    {
        Session s;
        s.append({preflight(kT0)});
        QSignalSpy changed(&s, &Session::exchangesChanged);
        QSignalSpy added(&s, &Session::exchangesAdded);
        s.append({actual(kT0 + 20)});
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.at(0).at(0).value<qsizetype>(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<qsizetype>(), 0);
        QCOMPARE(changed.at(0).at(1).value<qsizetype>(), 0);
        QCOMPARE(s.row(0).pairedId, 2);
    }

    void simpleRequestWithAPreflightAnyway()
    {
        // An XMLHttpRequest with upload listeners preflights even a simple POST.
        Session s;
        s.append({X("OPTIONS", kItems, kT0)
                      .request(chromiumPreflight(kApi, kApp, "POST", {}))
                      .response(204, {{"Access-Control-Allow-Origin", kApp},
                                      {"Access-Control-Allow-Methods", "POST"}}),
                  X("POST", kItems, kT0 + 10)
                      .request(chromiumFetch(kApi, kApp, "cross-site"))
                      .add("Content-Type", "text/plain")
                      .response(200, {{"Access-Control-Allow-Origin", kApp}})});
        QCOMPARE(s.row(1).kind, ExchangeKind::SimpleCors);
        QCOMPARE(s.row(1).pairing, PairingState::Paired);
        QCOMPARE(s.row(1).pairedId, 1);
        QVERIFY(s.evaluation(1).notes.join(u'\n').contains(QLatin1String("needs none")));
    }

    void pairingUnit()
    {
        // The index on its own: most recent unconsumed first, bounded per key.
        PreflightPairing pairing({5000, 2});
        auto p = [](qsizetype index, qint64 at) {
            PreflightPairing::Preflight pf;
            pf.index = index;
            pf.origin = "https://a.test";
            pf.url = "https://b.test/x";
            pf.startedAtMs = at;
            pf.answeredAtMs = at + 5;
            pf.method = "PUT";
            pf.okWithoutCredentials = true;
            return pf;
        };
        pairing.addPreflight(p(0, 1000));
        pairing.addPreflight(p(1, 1100));
        pairing.addPreflight(p(2, 1200)); // the oldest is dropped (2 per key)
        QCOMPARE(pairing.size(), 2);
        PreflightPairing::Actual a{
            "https://a.test", "https://b.test/x", "PUT", {}, false, true, 1300};
        const auto cors = cors::BrowserProfile::get(cors::Browser::Chromium);
        QCOMPARE(pairing.pair(a, cors).preflightIndex, 2);
        QCOMPARE(pairing.pair(a, cors).preflightIndex, 1);
        // Both consumed, nothing cached (Max-Age 0): none left.
        QCOMPARE(pairing.pair(a, cors).state, PairingState::NoPreflightSeen);
        a.url = "https://b.test/other";
        QCOMPARE(pairing.pair(a, cors).state, PairingState::NoPreflightSeen);
        a.needsPreflight = false;
        QCOMPARE(pairing.pair(a, cors).state, PairingState::None);
    }

    void originNullAfterRedirectPairsWithThePreflightToItsUrl()
    {
        // Firefox preflights a redirected PUT with the page's Origin, then sends it with
        // `Origin: null`: the request pairs with the latest preflight to its URL.
        PreflightPairing pairing;
        PreflightPairing::Preflight pf;
        pf.index = 4;
        pf.origin = "https://a.test";
        pf.url = "https://c.test/moved";
        pf.startedAtMs = 1000;
        pf.answeredAtMs = 1005;
        pf.method = "PUT";
        pairing.addPreflight(pf);
        const auto cors = cors::BrowserProfile::get(cors::Browser::Firefox);
        PreflightPairing::Actual a{"null", "https://c.test/moved", "PUT", {}, false, true, 1010};
        PreflightPairing::Actual elsewhere = a;
        elsewhere.url = "https://c.test/other";
        QCOMPARE(pairing.pair(elsewhere, cors).state, PairingState::NoPreflightSeen);
        // Another origin than null keeps to its own preflights.
        PreflightPairing::Actual otherOrigin = a;
        otherOrigin.origin = "https://evil.test";
        QCOMPARE(pairing.pair(otherOrigin, cors).state, PairingState::NoPreflightSeen);
        const PreflightPairing::Match match = pairing.pair(a, cors);
        QCOMPARE(match.state, PairingState::Paired);
        QCOMPARE(match.preflightIndex, 4);
        QCOMPARE(pairing.pair(a, cors).state, PairingState::NoPreflightSeen); // consumed
        pairing.clear();
        QCOMPARE(pairing.pair(a, cors).state, PairingState::NoPreflightSeen);
    }
};

QTEST_GUILESS_MAIN(TestPreflightPairing)
#include "tst_preflight_pairing.moc"
