// The session store on disk (SessionStore): a session, its verdicts, links, profile and extension
// members survive store -> session exactly as they were, with bodies read back from the files;
// a crash (SIGKILL) loses only what was not synced; retention drops the oldest exchanges a
// segment at a time with ids kept; Clear is instant; a full disk drops bodies but keeps
// capturing; bad stores are refused with the path and the reason.
#include "chromium_exchanges.h"
#include "session/browser_verdict.h"
#include "session/session.h"
#include "session/session_json.h"
#include "session/session_store.h"

#include <QBuffer>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <csignal>
#include <sys/resource.h>
#include <thread>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

// Set in the environment of the child process that records and then gets killed.
const char *const kChildDirectory = "CORSLAB_STORE_CRASH_DIR";
// Set for the child that records under a file size limit (a full disk).
const char *const kChildFullDisk = "CORSLAB_STORE_FULL_DISK_DIR";
constexpr qsizetype kBatch = 64;
const QByteArray kHost = "api.example.net";

/// A response body that tells which exchange it belongs to, of a size that varies.
QByteArray bodyOf(qsizetype i)
{
    return "{\"item\":" + QByteArray::number(i) + ",\"pad\":\"" +
           QByteArray(int(i % 700), char('a' + i % 26)) + "\"}";
}

/// Exchange \a i of a browser's traffic: a preflight and its PUT every third, GETs with bodies
/// between, now and then an exchange with every field set.
CapturedExchange traffic(qsizetype i)
{
    const qint64 at = kT0 + i * 10;
    const QByteArray url = "https://api.example.net/items/" + QByteArray::number(i / 3);
    CapturedExchange x;
    switch (i % 3) {
    case 0:
        x = X("OPTIONS", url, at)
                .request(chromiumPreflight(kHost, kApp, "PUT", "content-type"))
                .response(204, {{"Access-Control-Allow-Origin", kApp},
                                {"Access-Control-Allow-Methods", "PUT"},
                                {"Access-Control-Allow-Headers", "content-type"}});
        break;
    case 1:
        x = X("PUT", url, at)
                .request(chromiumFetch(kHost, kApp, "cross-site"))
                .add("Content-Type", "application/json")
                .response(200, {{"Access-Control-Allow-Origin", kApp}});
        x.requestBody.stored = bodyOf(i);
        x.requestBody.size = x.requestBody.stored.size();
        break;
    default:
        x = i % 301 == 2
                ? everyField(at)
                : CapturedExchange(
                      X("GET", url + "?n=" + QByteArray::number(i), at)
                          .request(chromiumFetch(kHost, kApp, "cross-site"))
                          .response(200, {{"Access-Control-Allow-Origin", i % 5 ? kApp : "*"}}));
        break;
    }
    x.responseBody.stored = bodyOf(i);
    x.responseBody.size = x.responseBody.stored.size() + (i % 7 == 0 ? 100000 : 0);
    return x;
}

QList<CapturedExchange> trafficBatch(qsizetype from, qsizetype count)
{
    QList<CapturedExchange> batch;
    for (qsizetype i = from; i < from + count; ++i)
        batch.append(traffic(i));
    return batch;
}

void appendTraffic(Session &s, qsizetype from, qsizetype count)
{
    for (qsizetype i = from; i < from + count; i += kBatch)
        s.append(trafficBatch(i, std::min(kBatch, from + count - i)));
}

StoreOptions fastOptions()
{
    StoreOptions o;
    o.createdBy = QStringLiteral("tst_session_store");
    o.syncIntervalMs = 50;
    return o;
}

/// A new store in \a dir (`s.corslab`, fastOptions()) that \a s lives in; null when it could not
/// be made.
SessionStore *storeIn(const QTemporaryDir &dir, Session &s)
{
    QString error;
    if (!SessionStore::create(dir.filePath(QStringLiteral("s.corslab")), fastOptions(), &s,
                              &error)) {
        qWarning() << error;
        return nullptr;
    }
    return static_cast<SessionStore *>(s.log());
}

/// Two sessions hold the same rows, links, exchanges (bodies included) and judgements.
void compareSessions(const Session &a, const Session &b)
{
    QCOMPARE(a.count(), b.count());
    QCOMPARE(a.profile().name, b.profile().name);
    for (qsizetype i = 0; i < a.count(); ++i) {
        const ExchangeRow ra = a.row(i);
        const ExchangeRow rb = b.row(i);
        QCOMPARE(ra.id, rb.id);
        QCOMPARE(int(ra.kind), int(rb.kind));
        QCOMPARE(ra.url, rb.url);
        QCOMPARE(int(ra.pairing), int(rb.pairing));
        QCOMPARE(ra.pairedId, rb.pairedId);
        QVERIFY(ra.verdict == rb.verdict);
        QCOMPARE(a.linkedIds(i), b.linkedIds(i));
        compareExchanges(a.exchange(i), b.exchange(i));
    }
}

/// The session file of \a s, without its informational "createdAt" line.
QByteArray sessionJson(const Session &s)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!writeSession(s, &buffer, &error, QStringLiteral("test")))
        return "error: " + error.toUtf8();
    QList<QByteArray> lines = buffer.data().split('\n');
    lines.removeIf([](const QByteArray &line) { return line.startsWith("\"createdAt\""); });
    return lines.join('\n');
}

/// The child of killedWhileRecordingLosesOnlyWhatWasNotSynced(): records batches, prints the
/// count synced after each, until it is killed.
int runChildRecording(const QString &directory)
{
    Session s;
    QString error;
    if (!SessionStore::create(directory, fastOptions(), &s, &error))
        return 3;
    auto *store = static_cast<SessionStore *>(s.log());
    for (qsizetype i = 0;; i += kBatch) {
        s.append(trafficBatch(i, kBatch));
        if (i % (kBatch * 8) == 0 && store->flush()) {
            std::printf("%lld\n", static_cast<long long>(s.count()));
            std::fflush(stdout);
        }
    }
}

/// The child of aFullDiskDropsBodiesAndKeepsCapturing(): files may not grow past a few hundred
/// kilobytes (RLIMIT_FSIZE: the writes fail with EFBIG as on a full disk).
int runChildFullDisk(const QString &directory)
{
    std::signal(SIGXFSZ, SIG_IGN);
    constexpr rlim_t kLimit = 300 * 1024;
    const rlimit limit{kLimit, kLimit};
    setrlimit(RLIMIT_FSIZE, &limit);
    Session s;
    QString error;
    if (!SessionStore::create(directory, fastOptions(), &s, &error))
        return 3;
    auto *store = static_cast<SessionStore *>(s.log());
    constexpr qsizetype kExchanges = kBatch * 100;
    for (qsizetype i = 0; i < kExchanges; i += kBatch) {
        s.append(trafficBatch(i, kBatch));
        store->flush();
    }
    const StoreStats stats = store->stats();
    store->close();
    std::printf("%lld %lld %lld\n", static_cast<long long>(s.count()),
                static_cast<long long>(stats.bodiesNotKept),
                static_cast<long long>(stats.headsNotSaved));
    return s.count() == kExchanges ? 0 : 4;
}

/// While it lives, files may not grow past \a bytes (RLIMIT_FSIZE: writes fail with EFBIG as on
/// a full disk); the limit before comes back after, as when space is freed.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_before);
        const rlimit limit{bytes, m_before.rlim_max};
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &m_before); }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;

private:
    rlimit m_before{};
};

} // namespace

class TestSessionStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aStoredSessionReopensExactly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        Session memory;
        appendTraffic(memory, 0, 3000);
        {
            Session s;
            QString error;
            QVERIFY2(SessionStore::create(path, fastOptions(), &s, &error), qPrintable(error));
            appendTraffic(s, 0, 3000);
            compareSessions(s, memory); // bodies read back from the files while recording
            QCOMPARE(s.memory().bodies, 0);
            auto *store = static_cast<SessionStore *>(s.log());
            store->setExtensions({{QStringLiteral("mode"), QStringLiteral("open")}});
            QVERIFY(store->close(&error));
        }
        QVERIFY(SessionStore::isStore(path));
        QVERIFY(!SessionStore::wasLeftOpen(path));
        for (const SessionStore::Mode mode :
             {SessionStore::Mode::ReadOnly, SessionStore::Mode::ReadWrite}) {
            Session back;
            ExtensionValues values;
            StoreOpenReport report;
            QString error;
            const SessionExtensions known = {
                {QStringLiteral("mode"),
                 [](const QJsonValue &, const QString &, QString *) { return true; }}};
            QVERIFY2(SessionStore::open(path, mode, fastOptions(), &back, known, &values, &report,
                                        &error),
                     qPrintable(error));
            QVERIFY(report.wasClean);
            QCOMPARE(report.exchanges, 3000);
            QCOMPARE(report.cutBytes, 0);
            QCOMPARE(values, (ExtensionValues{{QStringLiteral("mode"), QStringLiteral("open")}}));
            compareSessions(back, memory);
            QCOMPARE(sessionJson(back), sessionJson(memory));
        }
    }

    // What an attachment to the browser adds to an exchange (its source and the browser's own
    // report) is read back from the store while recording, and after a close and a reopen, with
    // the verdict byte and the agreement of each row.
    void browserReportsAndSourcesSurviveTheStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        const QList<CapturedExchange> exchanges = attachedExchanges(kT0);
        Session memory;
        memory.append(exchanges);
        QVERIFY(memory.row(2).browserVerdict != browser_verdict::kNone);
        {
            Session s;
            QString error;
            QVERIFY2(SessionStore::create(path, fastOptions(), &s, &error), qPrintable(error));
            s.append(exchanges);
            compareSessions(s, memory);
            QVERIFY(static_cast<SessionStore *>(s.log())->close(&error));
        }
        for (const SessionStore::Mode mode :
             {SessionStore::Mode::ReadOnly, SessionStore::Mode::ReadWrite}) {
            Session back;
            QString error;
            QVERIFY2(
                SessionStore::open(path, mode, fastOptions(), &back, {}, nullptr, nullptr, &error),
                qPrintable(error));
            compareSessions(back, memory);
            for (qsizetype i = 0; i < back.count(); ++i) {
                QCOMPARE(back.row(i).browserVerdict, memory.row(i).browserVerdict);
                QCOMPARE(back.row(i).browserAgreement(), memory.row(i).browserAgreement());
                compareExchanges(back.exchange(i), exchanges.at(i));
            }
            QCOMPARE(sessionJson(back), sessionJson(memory));
        }
    }

    void aSessionInMemoryMovesToAStore()
    {
        // A file read into memory, then kept on disk: as a store created for it, or adopted
        // into a session that has one.
        QTemporaryDir dir;
        Session memory;
        appendTraffic(memory, 0, 700);
        for (const bool adopting : {false, true}) {
            const QString path =
                dir.filePath(adopting ? QStringLiteral("a.corslab") : QStringLiteral("c.corslab"));
            Session loaded;
            appendTraffic(loaded, 0, 700);
            Session s;
            QString error;
            if (adopting) {
                QVERIFY(SessionStore::create(path, fastOptions(), &s, &error));
                appendTraffic(s, 5000, 50); // replaced by what is adopted
                s.adopt(loaded);
            } else {
                QVERIFY(SessionStore::create(path, fastOptions(), &loaded, &error));
            }
            Session &kept = adopting ? s : loaded;
            QCOMPARE(kept.memory().bodies, 0);
            compareSessions(kept, memory);
            QVERIFY(static_cast<SessionStore *>(kept.log())->close());
            Session back;
            QVERIFY2(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                        nullptr, &error),
                     qPrintable(error));
            compareSessions(back, memory);
        }
    }

    void aReopenedStoreGoesOnRecording()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        {
            Session s;
            QString error;
            QVERIFY(SessionStore::create(path, fastOptions(), &s, &error));
            appendTraffic(s, 0, 600);
        } // destroyed: closed
        Session memory;
        appendTraffic(memory, 0, 600);
        {
            Session s;
            QString error;
            QVERIFY2(SessionStore::open(path, SessionStore::Mode::ReadWrite, fastOptions(), &s, {},
                                        nullptr, nullptr, &error),
                     qPrintable(error));
            appendTraffic(s, 600, 600);
            appendTraffic(memory, 600, 600);
            // The pairing window does not survive a restart: compare what it does not touch.
            QCOMPARE(s.count(), memory.count());
            QCOMPARE(s.row(1199).id, 1200);
        }
        Session back;
        QString error;
        QVERIFY(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                   nullptr, &error));
        QCOMPARE(back.count(), 1200);
        for (qsizetype i : {0, 599, 600, 1199})
            compareExchanges(back.exchange(i), traffic(i));
    }

    void aNewProfileIsStoredWithItsVerdicts()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        Session memory;
        appendTraffic(memory, 0, 900);
        memory.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        {
            Session s;
            QString error;
            QVERIFY(SessionStore::create(path, fastOptions(), &s, &error));
            appendTraffic(s, 0, 900);
            s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        }
        Session back;
        QString error;
        QVERIFY(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                   nullptr, &error));
        QCOMPARE(back.profile().name, QStringLiteral("firefox"));
        compareSessions(back, memory);
    }

    void killedWhileRecordingLosesOnlyWhatWasNotSynced()
    {
        for (const int killAfterReports : {1, 3, 6}) {
            QTemporaryDir dir;
            const QString path = dir.filePath(QStringLiteral("s.corslab"));
            QProcess child;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QString::fromLatin1(kChildDirectory), path);
            child.setProcessEnvironment(env);
            child.start(QCoreApplication::applicationFilePath(), {});
            qint64 synced = 0;
            for (int reports = 0; reports < killAfterReports;) {
                QVERIFY(child.waitForReadyRead(30000));
                while (child.canReadLine()) {
                    synced = child.readLine().trimmed().toLongLong();
                    ++reports;
                }
            }
            child.kill(); // SIGKILL: no chance to close anything
            QVERIFY(child.waitForFinished(30000));
            QVERIFY(SessionStore::wasLeftOpen(path));
            Session back;
            StoreOpenReport report;
            QString error;
            QVERIFY2(SessionStore::open(path, SessionStore::Mode::ReadWrite, fastOptions(), &back,
                                        {}, nullptr, &report, &error),
                     qPrintable(error));
            QVERIFY(!report.wasClean);
            QVERIFY2(back.count() >= synced,
                     qPrintable(
                         QStringLiteral("%1 recovered, %2 synced").arg(back.count()).arg(synced)));
            for (qsizetype i = 0; i < back.count(); ++i) {
                const CapturedExchange x = back.exchange(i);
                QCOMPARE(x.url, traffic(i).url);
                // A body synced reads back whole; one the kill caught is empty, never wrong.
                if (i < synced)
                    QCOMPARE(x.responseBody.stored, bodyOf(i));
                else
                    QVERIFY(x.responseBody.stored.isEmpty() || x.responseBody.stored == bodyOf(i));
            }
        }
    }

    void aFullDiskDropsBodiesAndKeepsCapturing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kChildFullDisk), path);
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForFinished(60000));
        const QList<QByteArray> figures = child.readAllStandardOutput().trimmed().split(' ');
        QCOMPARE(child.exitCode(), 0); // every exchange captured
        QCOMPARE(figures.size(), 3);
        QVERIFY2(figures.at(1).toLongLong() > 0, figures.join(' ').constData()); // bodies dropped
        Session back;
        StoreOpenReport report;
        QString error;
        QVERIFY2(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                    &report, &error),
                 qPrintable(error));
        QVERIFY(back.count() > 0);
        for (qsizetype i = 0; i < back.count(); ++i) {
            const CapturedExchange x = back.exchange(i);
            QCOMPARE(x.url, traffic(i).url);
            QVERIFY(x.responseBody.stored.isEmpty() || x.responseBody.stored == bodyOf(i));
        }
    }

    void aDiskThatRecoversIsSaidAndBodiesAreKeptAgain()
    {
        // A full disk, then space again: the writer's next segment (tried every 5 s) works, the
        // store says so and has no warning any more, and bodies are kept again; those lost
        // meanwhile stay counted.
        QTemporaryDir dir;
        Session s;
        SessionStore *store = storeIn(dir, s);
        QVERIFY(store);
        QString error;
        QSignalSpy warned(store, &SessionStore::warning);
        QSignalSpy recovered(store, &SessionStore::recovered);
        qsizetype next = 0;
        {
            constexpr rlim_t kFull = 200 * 1024;
            const FileSizeLimit full(kFull);
            constexpr qsizetype kEnough = kBatch * 1000; // far more than fills kFull
            while (store->stats().state == StoreWriter::State::Writing && next < kEnough) {
                appendTraffic(s, next, kBatch);
                next += kBatch;
                store->flush();
            }
        }
        QVERIFY(store->stats().state != StoreWriter::State::Writing);
        QTRY_VERIFY(!warned.isEmpty());
        QVERIFY(!store->stats().warning.isEmpty());
        QVERIFY(recovered.isEmpty());
        // The capture goes on; the writer asks for a new segment at a batch.
        constexpr int kRetryWaitMs = 30000; // a timeout only: the writer retries every 5 s
        constexpr int kBetweenBatchesMs = 50;
        QDeadlineTimer deadline(kRetryWaitMs);
        while (recovered.isEmpty() && !deadline.hasExpired()) {
            appendTraffic(s, next++, 1);
            QTest::qWait(kBetweenBatchesMs);
        }
        QCOMPARE(recovered.size(), 1);
        QVERIFY2(recovered.first().first().toString().startsWith(
                     QStringLiteral("The session store writes again")),
                 qPrintable(recovered.first().first().toString()));
        const StoreStats stats = store->stats();
        QCOMPARE(stats.warning, QString());
        QCOMPARE(stats.state, StoreWriter::State::Writing);
        QVERIFY(stats.bodiesNotKept > 0);
        appendTraffic(s, next, 1);
        QVERIFY(store->flush());
        QCOMPARE(s.exchange(s.count() - 1).responseBody.stored, bodyOf(next));
        QCOMPARE(store->stats().bodiesNotKept, stats.bodiesNotKept);
    }

    void aDiskBehindTheTrafficIsSaidAndCounted()
    {
        // A write queue too small for one body: as when the disk cannot keep up. The exchanges
        // are kept, their bodies counted as not kept, and the store says so.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        StoreOptions options = fastOptions();
        options.queueBytes = 1;
        Session s;
        QString error;
        QVERIFY(SessionStore::create(path, options, &s, &error));
        auto *store = static_cast<SessionStore *>(s.log());
        QSignalSpy warned(store, &SessionStore::warning);
        appendTraffic(s, 0, 300);
        QVERIFY(store->flush());
        QTRY_VERIFY(!warned.isEmpty());
        QVERIFY2(warned.first().first().toString().startsWith(
                     QStringLiteral("The disk is behind the traffic: ")),
                 qPrintable(warned.first().first().toString()));
        // Every response, the 100 PUT bodies and the request body of exchange 2 (everyField()).
        QCOMPARE(store->stats().bodiesNotKept, 300 + 100 + 1);
        QCOMPARE(s.count(), 300);
        QVERIFY(s.exchange(7).responseBody.stored.isEmpty());
        QCOMPARE(s.exchange(7).responseBody.size, traffic(7).responseBody.size);
        QVERIFY(store->close());
        Session back;
        StoreOpenReport report;
        QVERIFY(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                   &report, &error));
        QCOMPARE(report.bodiesNotKept, 300);
    }

    void retentionDropsTheOldestAndKeepsIds()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        StoreOptions options = fastOptions();
        options.retention.maxExchanges = 40000;
        Session s;
        QString error;
        QVERIFY(SessionStore::create(path, options, &s, &error));
        QSignalSpy dropped(&s, &Session::exchangesDropped);
        appendTraffic(s, 0, 60000);
        QVERIFY(dropped.count() > 0);
        QVERIFY(s.count() <= 40000 + 5000);
        QVERIFY(s.count() >= 40000 - 5000);
        const qsizetype first = 60000 - s.count();
        QCOMPARE(s.row(0).id, first + 1);
        QCOMPARE(s.indexOfId(first), -1);
        QCOMPARE(s.indexOfId(first + 1), 0);
        compareExchanges(s.exchange(0), traffic(first));
        compareExchanges(s.exchange(s.count() - 1), traffic(59999));
        auto *store = static_cast<SessionStore *>(s.log());
        QCOMPARE(store->stats().droppedByRetention, first);
        QVERIFY(store->close());
        Session back;
        QVERIFY(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                   nullptr, &error));
        QCOMPARE(back.count(), s.count());
        QCOMPARE(back.row(0).id, first + 1);
        compareExchanges(back.exchange(0), traffic(first));
    }

    void clearIsInstantAndSticks()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        {
            Session s;
            QString error;
            QVERIFY(SessionStore::create(path, fastOptions(), &s, &error));
            appendTraffic(s, 0, 2000);
            s.clear();
            QCOMPARE(s.count(), 0);
            appendTraffic(s, 5000, 100);
            QCOMPARE(s.row(0).id, 1);
            compareExchanges(s.exchange(0), traffic(5000));
        }
        Session back;
        QString error;
        QVERIFY(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &back, {}, nullptr,
                                   nullptr, &error));
        QCOMPARE(back.count(), 100);
        compareExchanges(back.exchange(99), traffic(5099));
    }

    void clearWhileBodiesAreReadOnAnotherThread()
    {
        // The app reads a body on the GUI thread while its session thread clears: a read gets
        // the body or nothing, never freed memory or another exchange's bytes.
        QTemporaryDir dir;
        Session s;
        QVERIFY(storeIn(dir, s));
        QString error;
        std::atomic<bool> stop{false};
        std::atomic<int> wrong{0};
        std::thread reader([&] {
            while (!stop) {
                const qsizetype n = s.count();
                for (qsizetype i = 0; i < n; i += 17) {
                    const CapturedExchange x = s.exchange(i);
                    const qsizetype at = x.url.indexOf("?n=");
                    if (at < 0 || x.responseBody.stored.isEmpty())
                        continue; // gone with the Clear, or not a GET
                    if (x.responseBody.stored != bodyOf(x.url.mid(at + 3).toLongLong()))
                        ++wrong;
                }
            }
        });
        for (int round = 0; round < 20; ++round) {
            appendTraffic(s, 0, 600);
            s.clear();
        }
        stop = true;
        reader.join();
        QCOMPARE(wrong.load(), 0);
        appendTraffic(s, 0, 30);
        compareExchanges(s.exchange(29), traffic(29));
    }

    void switchingStoresWhileBodiesAreRead()
    {
        // The app opens another store (adopt) while the GUI reads a body: the store it leaves
        // is closed and freed at once, so no read may still be using it (ASan would say so).
        QTemporaryDir dir;
        Session s;
        std::atomic<bool> stop{false};
        std::atomic<int> wrong{0};
        std::thread reader([&] {
            while (!stop) {
                const qsizetype n = s.count();
                for (qsizetype i = 0; i < n; i += 7) {
                    const CapturedExchange x = s.exchange(i);
                    const qsizetype at = x.url.indexOf("?n=");
                    if (at >= 0 && !x.responseBody.stored.isEmpty() &&
                        x.responseBody.stored != bodyOf(x.url.mid(at + 3).toLongLong()))
                        ++wrong;
                }
            }
        });
        for (int round = 0; round < 12; ++round) {
            QTemporaryDir storeDir(dir.filePath(QStringLiteral("round-XXXXXX")));
            Session staging;
            QVERIFY(storeIn(storeDir, staging));
            appendTraffic(staging, 0, 300);
            s.adopt(staging); // s now lives in the new store...
            std::unique_ptr<SessionLog> left = staging.takeLog();
            left.reset(); // ...and the one it left is gone
            QCOMPARE(s.count(), 300);
        }
        stop = true;
        reader.join();
        QCOMPARE(wrong.load(), 0);
        compareExchanges(s.exchange(299), traffic(299));
    }

    void aBodyLookedUpBeforeAClearIsNotReadAfterIt()
    {
        // The session decodes under its lock and reads bodies after it: a Clear in between
        // starts a new epoch where seq 0's body lands at the same place. The read must fail,
        // never return the new exchange's bytes.
        QTemporaryDir dir;
        Session s;
        SessionStore *store = storeIn(dir, s);
        QVERIFY(store);
        QString error;
        auto captureWithBody = [&](ExchangeStore &packed, char fill) {
            packed.setBodySink(store);
            CapturedExchange x = traffic(5); // a GET: a response body only
            x.responseBody.stored = QByteArray(200, fill);
            x.responseBody.size = x.responseBody.stored.size();
            ExchangeStore::DeferredBodies deferred;
            (void)packed.decode(packed.add(x), true, &deferred);
            return deferred;
        };
        ExchangeStore before;
        const ExchangeStore::DeferredBodies old = captureWithBody(before, 'a');
        QVERIFY(store->flush());
        s.clear();
        ExchangeStore after;
        const ExchangeStore::DeferredBodies current = captureWithBody(after, 'b');
        // The case at hand: the same seq, place and size in both epochs.
        QCOMPARE(current.seq, old.seq);
        QVERIFY(old.response && current.response == old.response);
        QCOMPARE(current.responseSize, old.responseSize);
        for (const bool flushed : {false, true}) { // from the writer's queue, then the file
            if (flushed)
                QVERIFY(store->flush());
            CapturedExchange x;
            QVERIFY(!before.loadBodies(old, x, &error));
            QVERIFY2(error.contains(QLatin1String("cleared")), qPrintable(error));
            QVERIFY(x.responseBody.stored.isEmpty());
            CapturedExchange y;
            QVERIFY2(after.loadBodies(current, y, &error), qPrintable(error));
            QCOMPARE(y.responseBody.stored, QByteArray(200, 'b'));
        }
    }

    void oneWriterAtATime()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        Session s;
        QString error;
        QVERIFY(SessionStore::create(path, fastOptions(), &s, &error));
        appendTraffic(s, 0, 100);
        QVERIFY(static_cast<SessionStore *>(s.log())->flush());
        Session other;
        QVERIFY(!SessionStore::open(path, SessionStore::Mode::ReadWrite, {}, &other, {}, nullptr,
                                    nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("in use by another CORS Lab")), qPrintable(error));
        // Reading while it records works.
        QVERIFY2(SessionStore::open(path, SessionStore::Mode::ReadOnly, {}, &other, {}, nullptr,
                                    nullptr, &error),
                 qPrintable(error));
        QCOMPARE(other.count(), 100);
        QVERIFY(!SessionStore::wasLeftOpen(path)); // being written is not a crash
    }

    void badStoresAreRefusedWithTheReason()
    {
        QTemporaryDir dir;
        Session s;
        QString error;
        QVERIFY(!SessionStore::open(dir.path(), SessionStore::Mode::ReadOnly, {}, &s, {}, nullptr,
                                    nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("not a session store")), qPrintable(error));
        QFile manifest(dir.filePath(QStringLiteral("store.json")));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"format":"corslab-store","version":99})");
        manifest.close();
        QVERIFY(!SessionStore::open(dir.path(), SessionStore::Mode::ReadOnly, {}, &s, {}, nullptr,
                                    nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"format":"har"})");
        manifest.close();
        QVERIFY(!SessionStore::open(dir.path(), SessionStore::Mode::ReadOnly, {}, &s, {}, nullptr,
                                    nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("corslab-store")), qPrintable(error));
        // A store is never created over another one.
        QVERIFY(!SessionStore::create(dir.path(), {}, &s, &error));
        QVERIFY2(error.contains(QStringLiteral("already holds")), qPrintable(error));
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (const QString d = qEnvironmentVariable(kChildDirectory); !d.isEmpty())
        return runChildRecording(d);
    if (const QString d = qEnvironmentVariable(kChildFullDisk); !d.isEmpty())
        return runChildFullDisk(d);
    TestSessionStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_session_store.moc"
