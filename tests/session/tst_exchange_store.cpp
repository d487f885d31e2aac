// The exchange store on its own: bodies through a BodySink (kept, refused, deferred), records and
// dictionaries to bytes and back as the session store's log replays them, dropping the oldest
// records (retention), and decoding damaged or hostile bytes without crashing.
#include "chromium_exchanges.h"
#include "session/exchange_store.h"
#include "session/store_codec.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QtTest>
#include <functional>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

constexpr qint64 kCap = 1000; // body cap of the stores under test: some bodies are cut

/// Bodies kept by seq in memory, as the session store's bodies files would keep them.
class FakeSink : public BodySink
{
public:
    struct Entry
    {
        quint64 seq = 0;
        QByteArray bytes;
    };
    std::optional<BodyRef> put(quint64 seq, const QByteArray &bytes) override
    {
        lastPutData = bytes.constData();
        if (refuse && refuse(seq))
            return std::nullopt;
        entries.append({seq, bytes});
        // Segments and offsets as a real store would have them: large, 64-bit.
        return BodyRef{quint32(1 + seq / 1000), kOffsetBase + quint64(entries.size() - 1)};
    }
    quint64 generation() const override { return currentGeneration; }
    bool get(BodyRef ref, quint64 generation, quint64 seq, qsizetype size, QByteArray *bytes,
             QString *error) const override
    {
        ++gets;
        const quint64 at = ref.offset - kOffsetBase;
        if (failGets || generation != currentGeneration || ref.offset < kOffsetBase ||
            at >= quint64(entries.size()) || entries.at(qsizetype(at)).seq != seq ||
            ref.segment != quint32(1 + seq / 1000) ||
            entries.at(qsizetype(at)).bytes.size() != size) {
            *error = QStringLiteral("body %1 unreadable").arg(seq);
            return false;
        }
        *bytes = entries.at(qsizetype(at)).bytes;
        return true;
    }

    static constexpr quint64 kOffsetBase = quint64(5) << 32;
    QList<Entry> entries;
    std::function<bool(quint64)> refuse;
    const char *lastPutData = nullptr;
    bool failGets = false;
    quint64 currentGeneration = 1;
    mutable int gets = 0;
};

QByteArray bodyOf(int i, qsizetype size)
{
    QByteArray body = "{\"n\":" + QByteArray::number(i) + ",\"pad\":\"";
    body += QByteArray(std::max<qsizetype>(0, size - body.size() - 2), char('a' + i % 26));
    body += "\"}";
    return body.first(std::min(size, body.size()));
}

/// A realistic mix of Chromium traffic: preflights, their PUTs with bodies, API GETs with
/// bodies (every few over kCap), pages, images, plain HTTP, failures, tunnels and odd fields.
/// \a urlPad lengthens URLs (more packed bytes per record).
CapturedExchange trafficAt(int i, int urlPad = 0)
{
    const qint64 at = kT0 + qint64(i) * 7;
    const QByteArray n = QByteArray::number(i);
    const QByteArray pad = urlPad ? "&pad=" + QByteArray(urlPad, 'p') + n : QByteArray();
    const base::HeaderList apiResponse = {{"Access-Control-Allow-Origin", kApp},
                                          {"Content-Type", "application/json"},
                                          {"Date", "Wed, 01 May 2024 10:40:" + n},
                                          {"X-Request-Id", "req-" + n}};
    if (i % 97 == 96)
        return everyField(at);
    if (i % 113 == 112) {
        CapturedExchange t;
        t.type = CapturedExchange::Type::Tunnel;
        t.method = "CONNECT";
        t.url = kApi + ":443";
        t.startedAtMs = at;
        t.finishedAtMs = at + 60000;
        t.clientAddress = "127.0.0.1";
        t.clientPort = quint16(40000 + i % 1000);
        t.tunnel.host = kApi;
        t.tunnel.port = 443;
        t.tunnel.bytesFromClient = i * 11;
        t.tunnel.bytesFromServer = i * 1300;
        return t;
    }
    switch (i % 6) {
    case 0:
        return X("OPTIONS", "https://api.example.net/v1/items/" + n + "?a=1" + pad, at)
            .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
            .response(204, {{"Access-Control-Allow-Origin", kApp},
                            {"Access-Control-Allow-Methods", "GET, PUT"},
                            {"Access-Control-Allow-Headers", "content-type"},
                            {"Access-Control-Max-Age", "600"},
                            {"Date", "Wed, 01 May 2024 10:40:" + n}});
    case 1: {
        X x = X("PUT", "https://api.example.net/v1/items/" + n + "?a=1" + pad, at + 2)
                  .request(chromiumFetch(kApi, kApp, "cross-site"))
                  .add("Content-Type", "application/json")
                  .response(200, apiResponse);
        x.x.requestBody.stored = bodyOf(i, 40 + i % 300);
        x.x.requestBody.size = x.x.requestBody.stored.size();
        x.x.responseBody.stored = bodyOf(i + 1, 20 + i % 50);
        x.x.responseBody.size = x.x.responseBody.stored.size();
        return x;
    }
    case 2: {
        X x = X("GET", "https://api.example.net/v1/list?page=" + n + pad, at)
                  .request(chromiumFetch(kApi, kApp, "cross-site"))
                  .response(200, apiResponse);
        // Every fourth body is longer than the cap, and some were already cut by the proxy.
        const qsizetype size = (i / 6) % 4 == 0 ? kCap + 500 + i % 100 : 100 + i % 700;
        x.x.responseBody.stored = bodyOf(i, size);
        x.x.responseBody.size = size + (i % 5 == 0 ? 100000 : 0);
        return x;
    }
    case 3: {
        X x = X("GET", "https://app.example.com/page/" + n + pad, at)
                  .request(chromiumNavigation("app.example.com"))
                  .response(200, {{"Content-Type", "text/html"}, {"ETag", "\"" + n + "\""}});
        x.x.responseBody.stored = "<html>" + n + "</html>";
        x.x.responseBody.size = x.x.responseBody.stored.size();
        return x;
    }
    case 4:
        return X("GET", "https://cdn.example.org/img/" + n + ".png" + pad, at)
            .request(chromiumImage("cdn.example.org", "https://app.example.com/"))
            .response(200, {{"Content-Type", "image/png"}, {"Content-Length", n}});
    default:
        if (i % 31 == 5)
            return X("GET", "http://api.test/x/" + n, at)
                .request(chromiumPlainHttpFetch("api.test", "http://other.test"))
                .failed(QStringLiteral("upstream refused the connection: 127.0.0.1:9"));
        return X("GET", "http://api.test/x/" + n + pad, at)
            .request(chromiumPlainHttpFetch("api.test", "http://other.test"))
            .response(404, {{"Content-Type", "text/plain"}});
    }
}

/// Derived fields as the session would set them, varied per index.
void deriveFields(ExchangeStore &store, qsizetype index)
{
    ExchangeStore::Record &r = store.record(index);
    r.kind = ExchangeKind(index % 8);
    r.pairing = PairingState(index % 4);
    r.evidence = quint16(index * 3);
    r.paired = index % 3 == 0 ? quint32(store.seqOf(index) + 2) : 0;
    r.verdict.state = VerdictState(index % 5);
    r.verdict.error = quint8(index % 20);
    r.verdict.failedCheck = qint8(index % 7 - 1);
    r.verdict.assumptions = quint8(index);
    r.verdict.credentials = quint8(index % 3);
    r.verdict.warnings = quint8(index % 2);
    if (index % 2)
        r.flags |= ExchangeStore::NeedsPreflight;
}

void compareRecords(const ExchangeStore::Record &a, const ExchangeStore::Record &b)
{
    QCOMPARE(a.startedAtMs, b.startedAtMs);
    QCOMPARE(a.firstByteAtMs, b.firstByteAtMs);
    QCOMPARE(a.finishedAtMs, b.finishedAtMs);
    QCOMPARE(a.urlSize, b.urlSize);
    QCOMPARE(a.method, b.method);
    QCOMPARE(a.origin, b.origin);
    QCOMPARE(a.paired, b.paired);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.evidence, b.evidence);
    QCOMPARE(int(a.kind), int(b.kind));
    QCOMPARE(int(a.pairing), int(b.pairing));
    QCOMPARE(a.flags, b.flags);
    QVERIFY(a.verdict == b.verdict);
}

/// What the session store's log holds for \a store, in the order it writes it: per batch the
/// dictionary growth first, then the records that may use it.
struct Log
{
    QList<QByteArray> frames;
    QList<bool> isDict;
};

Log fillAndLog(ExchangeStore &store, int count, int batch = 256)
{
    Log log;
    ExchangeStore::DictMark mark;
    for (int i = 0; i < count; i += batch) {
        const qsizetype first = store.size();
        for (int k = i; k < std::min(count, i + batch); ++k)
            deriveFields(store, store.add(trafficAt(k)));
        log.frames.append(store.dictDelta(mark));
        log.isDict.append(true);
        mark = store.dictMark();
        for (qsizetype index = first; index < store.size(); ++index) {
            QByteArray payload;
            store.encodeRecord(index, payload);
            log.frames.append(payload);
            log.isDict.append(false);
        }
    }
    return log;
}

bool replay(ExchangeStore &store, const Log &log, QString *error)
{
    for (qsizetype i = 0; i < log.frames.size(); ++i) {
        const bool ok = log.isDict.at(i) ? store.applyDictDelta(log.frames.at(i), error)
                                         : store.restoreRecord(log.frames.at(i), error);
        if (!ok)
            return false;
    }
    return true;
}

CapturedExchange capped(CapturedExchange x)
{
    x.requestBody.stored.truncate(kCap);
    x.responseBody.stored.truncate(kCap);
    x.requestBody.size = std::max(x.requestBody.size, qint64(x.requestBody.stored.size()));
    x.responseBody.size = std::max(x.responseBody.size, qint64(x.responseBody.stored.size()));
    return x;
}

QByteArray randomBytes(QRandomGenerator &random, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(random.bounded(256));
    return bytes;
}

/// Decodes \a index every way there is: with and without bodies, deferred or not.
void decodeEveryWay(const ExchangeStore &store, qsizetype index)
{
    (void)store.decode(index, false);
    CapturedExchange x = store.decode(index, true);
    ExchangeStore::DeferredBodies deferred;
    x = store.decode(index, true, &deferred);
    QString error;
    (void)store.loadBodies(deferred, x, &error);
    (void)store.url(index);
    (void)store.method(index);
    (void)store.origin(index);
}

} // namespace

class TestExchangeStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsBodiesInMemoryWithoutASink()
    {
        ExchangeStore store;
        store.setBodyCap(kCap);
        for (int i = 0; i < 600; ++i) {
            const qsizetype index = store.add(trafficAt(i));
            QCOMPARE(store.seqOf(index), quint64(i));
            compareExchanges(store.decode(index), capped(trafficAt(i)));
            if (QTest::currentTestFailed())
                return;
        }
        QVERIFY(store.memory().bodies > 0);
        ExchangeStore::DeferredBodies deferred;
        const CapturedExchange x = store.decode(7, true, &deferred);
        QVERIFY(!deferred.request && !deferred.response); // nothing left to load
        QVERIFY(!x.requestBody.stored.isEmpty());
        QString error;
        CapturedExchange again = x;
        QVERIFY(store.loadBodies(deferred, again, &error));
        QCOMPARE(again.requestBody.stored, x.requestBody.stored);
    }

    void roundTripsThroughTheLog()
    {
        FakeSink sink;
        ExchangeStore a;
        a.setBodyCap(kCap);
        a.setBodySink(&sink);
        const int count = 3000;
        const Log log = fillAndLog(a, count);
        QCOMPARE(a.memory().bodies, qint64(0)); // all in the sink
        QVERIFY(sink.entries.size() > count / 3);

        ExchangeStore b;
        b.setBodyCap(kCap);
        b.setBodySink(&sink);
        QString error;
        QVERIFY2(replay(b, log, &error), qPrintable(error));
        QCOMPARE(b.size(), a.size());
        QCOMPARE(b.firstSeq(), a.firstSeq());
        QVERIFY(b.dictMark() == a.dictMark());
        QCOMPARE(b.origins(), a.origins());
        for (qsizetype i = 0; i < a.size(); ++i) {
            compareRecords(b.record(i), a.record(i));
            const CapturedExchange x = a.decode(i);
            compareExchanges(b.decode(i), x);
            compareExchanges(x, capped(trafficAt(int(i))));
            if (QTest::currentTestFailed())
                return;
        }

        // The restored dictionaries pack new exchanges right, and both stores go on alike.
        for (int i = count; i < count + 500; ++i) {
            const qsizetype ia = a.add(trafficAt(i));
            const qsizetype ib = b.add(trafficAt(i));
            QCOMPARE(ib, ia);
            QCOMPARE(b.seqOf(ib), quint64(i));
            compareExchanges(b.decode(ib), capped(trafficAt(i)));
            if (QTest::currentTestFailed())
                return;
        }
        // Restored lines are found again: the packed blocks stay as small as the original's.
        QVERIFY(b.memory().packed <= a.memory().packed);
    }

    void replaysADeltaTwiceAndRefusesAGap()
    {
        FakeSink sink;
        ExchangeStore a;
        a.setBodySink(&sink);
        for (int i = 0; i < 50; ++i)
            a.add(trafficAt(i));
        const QByteArray all = a.dictDelta({});
        const ExchangeStore::DictMark half = a.dictMark();
        for (int i = 50; i < 100; ++i)
            a.add(trafficAt(i));
        const QByteArray more = a.dictDelta(half);
        QVERIFY(!more.isEmpty());

        ExchangeStore b;
        QString error;
        QVERIFY(!b.applyDictDelta(more, &error)); // entries before it are missing
        QVERIFY(!error.isEmpty());
        QVERIFY(b.dictMark() == ExchangeStore().dictMark());
        QVERIFY2(b.applyDictDelta(all, &error), qPrintable(error));
        QVERIFY2(b.applyDictDelta(all, &error), qPrintable(error)); // already there: skipped
        QVERIFY2(b.applyDictDelta(a.dictDelta({}), &error), qPrintable(error));
        QVERIFY(b.dictMark() == a.dictMark());

        // A store that interned other strings itself does not take a's entries.
        ExchangeStore c;
        c.add(X("DELETE", "https://other.example/").request({{"X-Other", "1"}}));
        QVERIFY(!c.applyDictDelta(all, &error));
    }

    void flagsBodiesTheSinkRefused()
    {
        FakeSink sink;
        sink.refuse = [](quint64 seq) { return seq % 2 == 1; };
        ExchangeStore store;
        store.setBodyCap(kCap);
        store.setBodySink(&sink);
        for (int i = 0; i < 600; ++i) {
            const qsizetype index = store.add(trafficAt(i));
            const CapturedExchange in = capped(trafficAt(i));
            const CapturedExchange x = store.decode(index);
            const bool hasBody =
                !in.requestBody.stored.isEmpty() || !in.responseBody.stored.isEmpty();
            const bool dropped = hasBody && i % 2 == 1;
            QCOMPARE(bool(store.record(index).flags & ExchangeStore::BodiesDropped), dropped);
            // The sizes stay; only the stored bytes are gone.
            QCOMPARE(x.requestBody.size, in.requestBody.size);
            QCOMPARE(x.responseBody.size, in.responseBody.size);
            QCOMPARE(x.requestBody.stored, dropped ? QByteArray() : in.requestBody.stored);
            QCOMPARE(x.responseBody.stored, dropped ? QByteArray() : in.responseBody.stored);
            if (dropped) {
                ExchangeStore::DeferredBodies deferred;
                (void)store.decode(index, true, &deferred);
                QVERIFY(!deferred.request && !deferred.response);
            }
        }
    }

    void passesBodiesWithinTheCapWithoutACopy()
    {
        FakeSink sink;
        ExchangeStore store;
        store.setBodyCap(kCap);
        store.setBodySink(&sink);
        CapturedExchange x = trafficAt(2); // a response body over the cap
        QVERIFY(x.responseBody.stored.size() > kCap);
        store.add(x);
        QVERIFY(sink.lastPutData != x.responseBody.stored.constData());
        QCOMPARE(sink.entries.last().bytes, x.responseBody.stored.first(kCap));
        x = trafficAt(8); // within the cap
        QVERIFY(x.responseBody.stored.size() <= kCap);
        store.add(x);
        QVERIFY(sink.lastPutData == x.responseBody.stored.constData());
    }

    void defersBodiesToLoadOutsideTheLock()
    {
        FakeSink sink;
        ExchangeStore store;
        store.setBodyCap(kCap);
        store.setBodySink(&sink);
        for (int i = 0; i < 300; ++i)
            store.add(trafficAt(i));
        for (qsizetype i = 0; i < store.size(); ++i) {
            const int getsBefore = sink.gets;
            ExchangeStore::DeferredBodies deferred;
            CapturedExchange x = store.decode(i, true, &deferred);
            QCOMPARE(sink.gets, getsBefore); // nothing read yet
            QCOMPARE(deferred.seq, store.seqOf(i));
            QVERIFY(x.requestBody.stored.isEmpty() && x.responseBody.stored.isEmpty());
            QString error;
            QVERIFY2(store.loadBodies(deferred, x, &error), qPrintable(error));
            compareExchanges(x, store.decode(i));
            compareExchanges(x, capped(trafficAt(int(i))));
            if (QTest::currentTestFailed())
                return;
        }
        // Without bodies nothing is deferred.
        ExchangeStore::DeferredBodies none;
        (void)store.decode(1, false, &none);
        QVERIFY(!none.request && !none.response);

        // Refs are read in the sink's generation they were decoded in: once it moved on (a
        // Clear), they are refused.
        ExchangeStore::DeferredBodies stale;
        CapturedExchange y = store.decode(1, true, &stale);
        QCOMPARE(stale.generation, sink.currentGeneration);
        ++sink.currentGeneration;
        QString staleError;
        QVERIFY(!store.loadBodies(stale, y, &staleError));
        QVERIFY(y.requestBody.stored.isEmpty());

        // A body the sink cannot read back stays empty, with the sink's reason.
        sink.failGets = true;
        ExchangeStore::DeferredBodies deferred;
        CapturedExchange x = store.decode(1, true, &deferred);
        QVERIFY(deferred.request);
        QString error;
        QVERIFY(!store.loadBodies(deferred, x, &error));
        QVERIFY(error.contains(QLatin1String("unreadable")));
        QVERIFY(x.requestBody.stored.isEmpty());
        QCOMPARE(x.requestBody.size, trafficAt(1).requestBody.size);
        QVERIFY(store.decode(1).requestBody.stored.isEmpty());
    }

    void dropsTheOldestRecords()
    {
        ExchangeStore store; // bodies in memory: their chunks go too
        store.setBodyCap(kCap);
        const int count = 10000;
        for (int i = 0; i < count; ++i)
            deriveFields(store, store.add(trafficAt(i, 200)));
        QList<CapturedExchange> before;
        for (qsizetype i = 0; i < store.size(); ++i)
            before.append(store.decode(i));
        const ExchangeStore::Memory full = store.memory();

        store.dropFront(5000); // crosses the first block boundary (4096)
        QCOMPARE(store.size(), qsizetype(5000));
        QCOMPARE(store.firstSeq(), quint64(5000));
        QCOMPARE(store.seqOf(0), quint64(5000));
        QCOMPARE(store.indexOfSeq(4999), qsizetype(-1));
        QCOMPARE(store.indexOfSeq(5000), qsizetype(0));
        QCOMPARE(store.indexOfSeq(9999), qsizetype(4999));
        QCOMPARE(store.indexOfSeq(10000), qsizetype(-1));
        const ExchangeStore::Memory half = store.memory();
        QVERIFY(half.records < full.records);
        QVERIFY(half.packed < full.packed);
        QVERIFY(half.bodies <= full.bodies); // the first chunk of bodies (~7000) stays...
        for (qsizetype i = 0; i < store.size(); ++i) {
            compareExchanges(store.decode(i), before.at(i + 5000));
            QVERIFY(store.url(i) == before.at(i + 5000).url);
            if (QTest::currentTestFailed())
                return;
        }

        store.dropFront(3500);
        QCOMPARE(store.firstSeq(), quint64(8500));
        QCOMPARE(store.indexOfSeq(8500), qsizetype(0));
        QVERIFY(store.memory().records < half.records);
        QVERIFY(store.memory().packed < half.packed);
        QVERIFY(store.memory().bodies <
                full.bodies); // ...until all its bodies went (the second block of records too)
        for (qsizetype i = 0; i < store.size(); ++i) {
            compareExchanges(store.decode(i), before.at(i + 8500));
            if (QTest::currentTestFailed())
                return;
        }

        // New records continue the seqs.
        for (int i = count; i < count + 3000; ++i) {
            const qsizetype index = store.add(trafficAt(i, 200));
            QCOMPARE(store.seqOf(index), quint64(i));
            QCOMPARE(store.indexOfSeq(quint64(i)), index);
            compareExchanges(store.decode(index), capped(trafficAt(i, 200)));
            if (QTest::currentTestFailed())
                return;
        }
        compareExchanges(store.decode(0), before.at(8500));

        // Everything, then more: an empty store that still counts on.
        store.dropFront(store.size() + 10);
        QCOMPARE(store.size(), qsizetype(0));
        QCOMPARE(store.firstSeq(), quint64(count + 3000));
        QCOMPARE(store.memory().packed, qint64(0));
        QCOMPARE(store.memory().bodies, qint64(0));
        const qsizetype index = store.add(trafficAt(1));
        QCOMPARE(index, qsizetype(0));
        QCOMPARE(store.seqOf(index), quint64(count + 3000));
        compareExchanges(store.decode(index), capped(trafficAt(1)));
    }

    void restoresAfterTheFrontWasDropped()
    {
        // A log whose oldest segments retention removed: replay starts at a later seq.
        FakeSink sink;
        ExchangeStore a;
        a.setBodyCap(kCap);
        a.setBodySink(&sink);
        const Log log = fillAndLog(a, 600);
        ExchangeStore b;
        b.setBodySink(&sink);
        QString error;
        qsizetype skipped = 0;
        for (qsizetype i = 0; i < log.frames.size(); ++i) {
            if (log.isDict.at(i)) {
                QVERIFY2(b.applyDictDelta(log.frames.at(i), &error), qPrintable(error));
            } else if (skipped < 300) {
                ++skipped; // dropped: the dictionaries are never trimmed, the heads are
            } else {
                QVERIFY2(b.restoreRecord(log.frames.at(i), &error), qPrintable(error));
            }
        }
        QCOMPARE(b.firstSeq(), quint64(300));
        QCOMPARE(b.size(), qsizetype(300));
        for (qsizetype i = 0; i < b.size(); ++i)
            compareExchanges(b.decode(i), a.decode(i + 300));
    }

    void appliesDerivedFields()
    {
        FakeSink sink;
        ExchangeStore a;
        a.setBodySink(&sink);
        const Log log = fillAndLog(a, 300);
        ExchangeStore b;
        b.setBodySink(&sink);
        QString error;
        QVERIFY(replay(b, log, &error));

        // A later change (re-judging) to an older record, as a patch.
        ExchangeStore::Record &r = a.record(42);
        r.verdict.state = VerdictState::Blocked;
        r.verdict.error = quint8(cors::CorsError::AllowOriginMismatch);
        r.pairing = PairingState::CacheHit;
        r.paired = 0;
        r.flags ^= ExchangeStore::NeedsPreflight;
        QByteArray patch;
        a.encodeDerived(42, patch);
        QVERIFY(patch.size() < 24);
        QVERIFY2(b.applyDerived(patch, &error), qPrintable(error));
        compareRecords(b.record(42), a.record(42));

        // Only the derived flags are patched: the capture's stay.
        const quint8 captured = b.record(43).flags & ~store_codec::kDerivedFlags;
        a.record(43).flags ^= ExchangeStore::Failed;
        patch.clear();
        a.encodeDerived(43, patch);
        QVERIFY(b.applyDerived(patch, &error));
        QCOMPARE(quint8(b.record(43).flags & ~store_codec::kDerivedFlags), captured);

        // A patch for a record dropped since is ignored; one for a record not there yet fails.
        b.dropFront(100);
        QVERIFY(b.applyDerived(patch, &error));
        ExchangeStore empty;
        QVERIFY(!empty.applyDerived(patch, &error));
        QVERIFY(error.contains(QLatin1String("43")));
        for (qsizetype cut = 0; cut < patch.size(); ++cut) {
            error.clear();
            QVERIFY(!a.applyDerived(QByteArrayView(patch).first(cut), &error));
            QVERIFY(!error.isEmpty());
        }
    }

    void refusesMalformedRecords()
    {
        FakeSink sink;
        ExchangeStore a;
        a.setBodySink(&sink);
        const Log log = fillAndLog(a, 200);
        const QByteArray delta = log.frames.at(0);
        QByteArray record96; // everyField(): every section present
        a.encodeRecord(96, record96);

        ExchangeStore b;
        b.setBodySink(&sink);
        QString error;
        QVERIFY(b.applyDictDelta(delta, &error));
        QVERIFY(b.restoreRecord(log.frames.at(1), &error)); // seq 0
        // The next record must be seq 1.
        QVERIFY(!b.restoreRecord(record96, &error));
        QVERIFY(error.contains(QLatin1String("96")));
        QCOMPARE(b.size(), qsizetype(1));

        // Every cut of a real record payload and of a dictionary delta is refused.
        ExchangeStore c;
        c.setBodySink(&sink);
        QVERIFY(c.applyDictDelta(delta, &error));
        for (qsizetype cut = 0; cut < record96.size(); ++cut) {
            error.clear();
            QVERIFY(!c.restoreRecord(QByteArrayView(record96).first(cut), &error));
            QVERIFY(!error.isEmpty());
        }
        QCOMPARE(c.size(), qsizetype(0));
        QVERIFY(c.restoreRecord(record96, &error));
        compareExchanges(c.decode(0), a.decode(96));
        for (qsizetype cut = 0; cut < delta.size(); ++cut) {
            ExchangeStore d;
            QVERIFY(!d.applyDictDelta(QByteArrayView(delta).first(cut), &error));
        }

        // Ids the dictionary does not have.
        ExchangeStore noDict;
        QVERIFY(!noDict.restoreRecord(record96, &error));
        QVERIFY(error.contains(QLatin1String("dictionary")));
    }

    void survivesGarbage()
    {
        FakeSink sink;
        ExchangeStore a;
        a.setBodyCap(kCap);
        a.setBodySink(&sink);
        const Log log = fillAndLog(a, 300);
        QRandomGenerator random(1234);

        // Random bytes as every kind of payload.
        ExchangeStore b;
        b.setBodySink(&sink);
        QString error;
        QVERIFY(b.applyDictDelta(log.frames.at(0), &error));
        for (int round = 0; round < 3000; ++round) {
            const QByteArray junk = randomBytes(random, random.bounded(64));
            error.clear();
            if (!b.applyDictDelta(junk, &error))
                QVERIFY(!error.isEmpty());
            if (!b.restoreRecord(junk, &error))
                QVERIFY(!error.isEmpty());
            if (!b.applyDerived(junk, &error))
                QVERIFY(!error.isEmpty());
        }
        for (qsizetype i = 0; i < b.size(); ++i)
            decodeEveryWay(b, i);

        // Valid record fields around random packed blocks: decode() must hold on any bytes,
        // with the bodies in memory or in the sink.
        for (BodySink *s : {static_cast<BodySink *>(&sink), static_cast<BodySink *>(nullptr)}) {
            ExchangeStore c;
            c.setBodySink(s);
            QVERIFY(c.applyDictDelta(a.dictDelta({}), &error));
            c.add(trafficAt(1)); // some memory bodies to point at
            for (int round = 0; round < 3000; ++round) {
                ExchangeStore::Record r = a.record(round % a.size());
                QByteArray packed = randomBytes(random, random.bounded(200));
                if (round % 2) {
                    // A real block with some bytes changed: deeper paths.
                    QByteArray payload;
                    a.encodeRecord(round % a.size(), payload);
                    store_codec::RecordPayload real;
                    QVERIFY(store_codec::decodeRecord(payload, &real, &error));
                    packed = real.packed.toByteArray();
                    for (int k = 0; k < 1 + round % 4; ++k)
                        packed[random.bounded(int(packed.size()))] = char(random.bounded(256));
                }
                r.urlSize = quint32(random.bounded(int(packed.size()) + 1));
                QByteArray payload;
                store_codec::encodeRecord(c.seqOf(c.size()), r, packed, payload);
                QVERIFY2(c.restoreRecord(payload, &error), qPrintable(error));
                decodeEveryWay(c, c.size() - 1);
            }
        }

        // Real payloads with bytes flipped: refused, or restored and decodable.
        for (int round = 0; round < 3000; ++round) {
            ExchangeStore d;
            d.setBodySink(&sink);
            QByteArray delta = log.frames.at(0);
            QByteArray payload = log.frames.at(1 + round % 200);
            QByteArray &victim = round % 3 == 0 ? delta : payload;
            victim[random.bounded(int(victim.size()))] = char(random.bounded(256));
            if (!d.applyDictDelta(delta, &error))
                continue;
            if (d.restoreRecord(payload, &error))
                decodeEveryWay(d, 0);
        }
    }

    /// Writes the fuzz target's seed corpus (fuzz/corpus/store_codec/) when
    /// CORSLAB_WRITE_STORE_SEEDS names a directory; otherwise skipped.
    void writeFuzzSeeds()
    {
        const QString dir = qEnvironmentVariable("CORSLAB_WRITE_STORE_SEEDS");
        if (dir.isEmpty())
            QSKIP("CORSLAB_WRITE_STORE_SEEDS not set");
        FakeSink sink;
        ExchangeStore a;
        a.setBodyCap(kCap);
        a.setBodySink(&sink);
        for (int i = 0; i < 120; ++i)
            deriveFields(a, a.add(trafficAt(i)));
        QDir().mkpath(dir);
        // The fuzz target's input: varint length + dictionary delta, then per record a varint
        // length + record payload, then derived payloads the same way.
        auto frame = [](QByteArray &out, const QByteArray &payload) {
            quint64 n = quint64(payload.size());
            while (n >= 0x80) {
                out.append(char((n & 0x7F) | 0x80));
                n >>= 7;
            }
            out.append(char(n));
            out.append(payload);
        };
        const QList<std::pair<int, int>> seeds = {{0, 3}, {90, 8}, {96, 1}, {112, 2}, {0, 12}};
        for (const auto &[first, count] : seeds) {
            QByteArray input;
            frame(input, a.dictDelta({}));
            for (int i = first; i < first + count; ++i) {
                QByteArray payload;
                a.encodeRecord(i, payload);
                frame(input, payload);
            }
            QByteArray patch;
            a.encodeDerived(first, patch);
            frame(input, patch);
            QFile file(QStringLiteral("%1/seed-%2-%3").arg(dir).arg(first).arg(count));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(input);
        }
    }
};

QTEST_GUILESS_MAIN(TestExchangeStore)
#include "tst_exchange_store.moc"
