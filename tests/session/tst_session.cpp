// The session store: lossless storage of what was captured (bodies capped), ids from many
// appending threads, change notifications, re-judging on a profile switch, rows for the table.
#include "chromium_exchanges.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QThread>
#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

CapturedExchange simpleGet(qint64 at, const QByteArray &url = "https://api.example.net/items")
{
    return X("GET", url, at)
        .request(chromiumFetch(kApi, kApp, "cross-site"))
        .response(200,
                  {{"Access-Control-Allow-Origin", "*"}, {"Content-Type", "application/json"}});
}
// A preflight and its GET with Authorization, covered by 'Access-Control-Allow-Headers: *':
// browsers let it through with a warning, the Fetch standard blocks it.
QList<CapturedExchange> wildcardAuthorizationPair(qint64 at)
{
    return {X("OPTIONS", "https://api.example.net/me", at)
                .request(chromiumPreflight(kApi, kApp, "GET", "authorization"))
                .response(204, {{"Access-Control-Allow-Origin", "*"},
                                {"Access-Control-Allow-Headers", "*"}}),
            X("GET", "https://api.example.net/me", at + 10)
                .request(chromiumFetch(kApi, kApp, "cross-site"))
                .add("Authorization", "Bearer abc")
                .response(200, {{"Access-Control-Allow-Origin", "*"}})};
}
} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storesEveryFieldLosslessly()
    {
        Session s;
        const CapturedExchange x = everyField(kT0);
        CapturedExchange tunnel;
        tunnel.type = CapturedExchange::Type::Tunnel;
        tunnel.startedAtMs = kT0 + 1;
        tunnel.finishedAtMs = kT0 + 90'000;
        tunnel.clientAddress = "127.0.0.1";
        tunnel.clientPort = 40001;
        tunnel.method = "CONNECT";
        tunnel.url = "api.example.net:443";
        tunnel.tunnel.host = "api.example.net";
        tunnel.tunnel.port = 443;
        tunnel.tunnel.bytesFromClient = 123456789012LL;
        tunnel.tunnel.bytesFromServer = 42;
        // Twice: repeated header lines are stored the second time as dictionary references.
        s.append({x, tunnel, x, CapturedExchange()});
        QCOMPARE(s.count(), 4);
        compareExchanges(s.exchange(0), x);
        compareExchanges(s.exchange(1), tunnel);
        compareExchanges(s.exchange(2), x);
        compareExchanges(s.exchange(3), CapturedExchange());
        QCOMPARE(s.row(1).kind, ExchangeKind::Tunnel);
        QVERIFY(s.row(1).tunnel);
        QVERIFY(s.row(0).overridden);
        QVERIFY(s.row(0).failed); // it has an error
        QCOMPARE(s.row(0).durationMs, 123456);
        QCOMPARE(s.row(3).durationMs, -1);
        compareExchanges(s.exchange(4), CapturedExchange()); // out of range: empty
        compareExchanges(s.exchange(-1), CapturedExchange());
    }

    void repeatedHeaderLinesNeverConfused()
    {
        // Lines are found again by position and by name before any full lookup: the same name
        // with another value, the same value under another name, another case, another order,
        // duplicates and more fields than positions remembered must all come back as sent.
        QList<CapturedExchange> sent;
        for (int i = 0; i < 60; ++i) {
            base::HeaderList request;
            auto add = [&](const QByteArray &name, const QByteArray &value) {
                request.append(base::HeaderList::value_type(name, value));
            };
            add("X-A", QByteArray::number(i % 3));
            add(i % 2 ? "X-B" : "x-a", "1");
            add("X-C", i % 4 ? "same" : "Same");
            if (i % 5 == 0)
                add("X-A", QByteArray::number(i % 3)); // a duplicate field
            for (int extra = 0; extra < i % 40; ++extra)
                add("X-Extra-" + QByteArray::number(extra % 7),
                    QByteArray::number((extra + i) % 3));
            if (i % 3 == 0)
                std::reverse(request.begin(), request.end());
            CapturedExchange x =
                X("GET", "https://api.example.net/" + QByteArray::number(i), kT0 + i)
                    .request(request)
                    .response(200,
                              {{"X-A", QByteArray::number(i % 2)}, {"Content-Type", "text/plain"}});
            sent.append(x);
        }
        Session s;
        for (qsizetype first = 0; first < sent.size(); first += 7)
            s.append(sent.mid(first, 7));
        QCOMPARE(s.count(), sent.size());
        for (qsizetype i = 0; i < sent.size(); ++i)
            compareExchanges(s.exchange(i), sent.at(i));
    }

    void bodiesAreCapped()
    {
        Session s(Session::Options{10, 5000});
        CapturedExchange x = simpleGet(kT0);
        x.responseBody.stored = "0123456789abcdefghij";
        x.responseBody.size = 1'000'000;
        x.requestBody.stored = "short";
        x.requestBody.size = 5;
        s.append({x});
        const CapturedExchange back = s.exchange(0);
        QCOMPARE(back.responseBody.stored, QByteArray("0123456789"));
        QCOMPARE(back.responseBody.size, 1'000'000);
        QVERIFY(back.responseBody.truncated());
        QCOMPARE(back.requestBody.stored, QByteArray("short"));
        QVERIFY(!back.requestBody.truncated());
        QCOMPARE(s.bodyCap(), 10);
        s.setBodyCap(3);
        s.append({x});
        QCOMPARE(s.exchange(1).responseBody.stored, QByteArray("012"));
        QCOMPARE(s.exchange(0).responseBody.stored, QByteArray("0123456789")); // kept as stored
    }

    void appendFromFourThreads()
    {
        Session s;
        constexpr int kThreads = 4, kBatches = 40, kPerBatch = 25;
        QMutex seenMutex;
        QList<QPair<qsizetype, qsizetype>> added;
        connect(
            &s, &Session::exchangesAdded, &s,
            [&](qsizetype first, qsizetype count) {
                QMutexLocker lock(&seenMutex);
                added.append({first, count});
            },
            Qt::DirectConnection);
        QList<QThread *> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.append(QThread::create([&s, t] {
                for (int b = 0; b < kBatches; ++b) {
                    QList<CapturedExchange> batch;
                    for (int i = 0; i < kPerBatch; ++i) {
                        CapturedExchange x = simpleGet(kT0 + b * 100 + i);
                        x.requestHeaders.append(
                            {"X-Thread",
                             QByteArray::number(t) + ':' + QByteArray::number(b * kPerBatch + i)});
                        batch.append(x);
                    }
                    s.append(batch);
                }
            }));
            threads.last()->start();
        }
        for (QThread *t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        const qsizetype total = kThreads * kBatches * kPerBatch;
        QCOMPARE(s.count(), total);
        // Ids are 1..N with no gap; each thread's exchanges are in its own order.
        QList<int> next(kThreads, 0);
        for (qsizetype i = 0; i < total; ++i) {
            const ExchangeRow row = s.row(i);
            QCOMPARE(row.id, i + 1);
            QCOMPARE(s.indexOfId(row.id), i);
            const QByteArray tag =
                base::getHeader(s.exchange(i).requestHeaders, "x-thread").value_or(QByteArray());
            const QList<QByteArray> parts = tag.split(':');
            QCOMPARE(parts.size(), 2);
            const int thread = parts.at(0).toInt();
            QCOMPARE(parts.at(1).toInt(), next[thread]++);
        }
        // exchangesAdded covered every row exactly once, in order.
        std::sort(added.begin(), added.end());
        qsizetype expected = 0;
        for (const auto &a : added) {
            QCOMPARE(a.first, expected);
            expected += a.second;
        }
        QCOMPARE(expected, total);
        QCOMPARE(s.indexOfId(0), -1);
        QCOMPARE(s.indexOfId(total + 1), -1);
    }

    void signals()
    {
        Session s;
        QSignalSpy added(&s, &Session::exchangesAdded);
        QSignalSpy cleared(&s, &Session::cleared);
        QSignalSpy changed(&s, &Session::exchangesChanged);
        QSignalSpy profile(&s, &Session::profileChanged);
        s.append({simpleGet(kT0), simpleGet(kT0 + 1)});
        s.append({});
        s.append({simpleGet(kT0 + 2)});
        QCOMPARE(added.size(), 2);
        QCOMPARE(added.at(0).at(0).value<qsizetype>(), 0);
        QCOMPARE(added.at(0).at(1).value<qsizetype>(), 2);
        QCOMPARE(added.at(1).at(0).value<qsizetype>(), 2);
        QCOMPARE(added.at(1).at(1).value<qsizetype>(), 1);
        QCOMPARE(changed.size(), 0);
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Safari));
        QCOMPARE(profile.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).value<qsizetype>(), 0);
        QCOMPARE(changed.at(0).at(1).value<qsizetype>(), 2);
        QCOMPARE(s.profile().name, QStringLiteral("safari"));
        s.clear();
        QCOMPARE(cleared.size(), 1);
        QCOMPARE(s.count(), 0);
        // Ids start again at 1.
        s.append({simpleGet(kT0 + 3)});
        QCOMPARE(s.row(0).id, 1);
        QCOMPARE(s.row(0).startedAtMs, kT0 + 3);
    }

    void signalsReachAnotherThreadQueued()
    {
        // The GUI's way: the session is appended to on another thread, the receiver lives here.
        Session s;
        QObject receiver;
        qsizetype seen = 0;
        connect(
            &s, &Session::exchangesAdded, &receiver,
            [&](qsizetype, qsizetype count) { seen += count; }, Qt::QueuedConnection);
        QThread *t = QThread::create([&s] { s.append({simpleGet(kT0), simpleGet(kT0 + 1)}); });
        t->start();
        QVERIFY(t->wait(10000));
        delete t;
        QTRY_COMPARE(seen, 2);
    }

    void profileSwitchReJudges()
    {
        Session s;
        s.append(wildcardAuthorizationPair(kT0));
        QCOMPARE(s.row(1).pairing, PairingState::Paired);
        QCOMPARE(s.row(1).verdict.state, VerdictState::Warning);
        QVERIFY(s.row(1).verdict.warnings >= 1); // WildcardAuthorization
        QSignalSpy changed(&s, &Session::exchangesChanged);
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Spec));
        QCOMPARE(s.row(1).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(1).verdict.corsError(),
                 cors::CorsError::HeaderDisallowedByPreflightResponse);
        QCOMPARE(s.row(0).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(1).pairedId, 1); // pairing rebuilt
        QCOMPARE(s.row(0).pairedId, 2);
        QVERIFY(!changed.isEmpty());
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Chromium));
        QCOMPARE(s.row(1).verdict.state, VerdictState::Warning);
    }

    // The counts the status bar shows, kept by the session: always what a full count gives.
    void verdictCountsFollowJudgingDropsAndClears()
    {
        Session s;
        auto counted = [&s] {
            VerdictCounts c;
            c.total = s.count();
            for (const ExchangeRow &row : s.rows(0, s.count()))
                c.add(row.verdict.state);
            return c;
        };
        auto blockedGet = [](qint64 at) {
            return X("GET", "https://api.example.net/private", at)
                .request(chromiumFetch(kApi, kApp, "cross-site"))
                .response(200, {{"Content-Type", "application/json"}});
        };
        s.append({simpleGet(kT0), blockedGet(kT0 + 1), blockedGet(kT0 + 2)});
        QCOMPARE(s.verdictCounts(), counted());
        QCOMPARE(s.verdictCounts().blocked, 2);
        s.append(wildcardAuthorizationPair(kT0 + 3));
        QCOMPARE(s.verdictCounts(), counted());
        QVERIFY(s.verdictCounts().warnings >= 1);
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Spec));
        QCOMPARE(s.verdictCounts(), counted());
        QCOMPARE(s.verdictCounts().blocked, 4);
        s.dropOldest(2); // one blocked goes
        QCOMPARE(s.verdictCounts(), counted());
        QCOMPARE(s.verdictCounts().blocked, 3);
        Session other;
        other.adopt(s);
        QCOMPARE(other.verdictCounts(), VerdictCounts({3, 3, 0}));
        QCOMPARE(s.verdictCounts(), VerdictCounts());
        other.clear();
        QCOMPARE(other.verdictCounts(), VerdictCounts());
    }

    void evaluationMatchesTheRow()
    {
        // The compact summary kept per row is what the full evaluation says, for a mix.
        Session s;
        QList<CapturedExchange> mix;
        for (int i = 0; i < 30; ++i) {
            const qint64 at = kT0 + i * 1000;
            mix.append(simpleGet(at));
            mix.append(
                X("OPTIONS", "https://api.example.net/x/" + QByteArray::number(i % 3), at + 1)
                    .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
                    .response(204, {{"Access-Control-Allow-Origin", kApp},
                                    {"Access-Control-Allow-Methods", i % 2 ? "PUT" : "GET"},
                                    {"Access-Control-Allow-Headers", "content-type"},
                                    {"Access-Control-Max-Age", "30"}}));
            mix.append(X("PUT", "https://api.example.net/x/" + QByteArray::number(i % 3), at + 5)
                           .request(chromiumFetch(kApi, kApp, "cross-site"))
                           .add("Content-Type", "application/json")
                           .add(i % 4 ? "Cookie" : "X-Other", "v")
                           .response(200, {{"Access-Control-Allow-Origin", kApp}}));
            mix.append(X("GET", "https://app.example.com/")
                           .request(chromiumNavigation("app.example.com")));
        }
        s.append(mix.mid(0, 50));
        s.append(mix.mid(50));
        for (qsizetype i = 0; i < s.count(); ++i)
            QCOMPARE(s.evaluation(i).summary, s.row(i).verdict);
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        for (qsizetype i = 0; i < s.count(); ++i)
            QCOMPARE(s.evaluation(i).summary, s.row(i).verdict);
    }

    void rowsForTheTable()
    {
        Session s;
        s.append({simpleGet(kT0), simpleGet(kT0 + 1, "https://api.example.net/other"),
                  X("GET", "http://api.test/", kT0 + 2)
                      .request(chromiumPlainHttpFetch("api.test", "http://other.test"))});
        const QList<ExchangeRow> rows = s.rows(1, 10);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).id, 2);
        QCOMPARE(rows.at(0).url, QByteArray("https://api.example.net/other"));
        QCOMPARE(rows.at(0).method, QByteArray("GET"));
        QCOMPARE(rows.at(0).origin, kApp);
        QCOMPARE(rows.at(0).status, 200);
        QCOMPARE(rows.at(0).durationMs, 8);
        QCOMPARE(s.rows(5, 2).size(), 0);
        QCOMPARE(s.origins(), (QList<QByteArray>{kApp, "http://other.test"}));
        qsizetype seen = 0;
        s.scanRows(0, 100, [&](const ExchangeRowView &v) {
            QCOMPARE(v.index, seen++);
            QVERIFY(v.url.startsWith("http"));
        });
        QCOMPARE(seen, 3);
        QVERIFY(s.memory().total() > 0);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
