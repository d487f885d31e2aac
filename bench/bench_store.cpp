// The session store on disk: a realistic Chromium capture (as in bench_session) with a response
// body of --body-bytes each is appended to a session kept in a store; then the store is closed,
// and opened again as the app and `session info` open it (replayed, nothing judged again), and
// bodies are read back at random. Prints append throughput, resident memory per exchange with
// the bodies on disk, the disk used, the time to close (what Ctrl+C costs), the time to open and
// the memory after it, and a body read's latency.
// Usage: bench_store [--exchanges N] [--body-bytes B] [--batch K] [--dir DIR] [--keep]
#include "chromium_traffic.h"
#include "session/session.h"
#include "session/session_store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <cstdio>
#include <malloc.h>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::bench;

namespace {

constexpr qint64 kMiB = 1024 * 1024;
constexpr int kBodyReads = 2000;

struct Settings
{
    qsizetype exchanges = 1000000;
    qsizetype bodyBytes = 10 * 1024;
    qsizetype batch = 64;
    QString directory;
    bool keep = false;
};

/// A JSON-like body of \a size bytes that differs per exchange: a template made once, with the
/// exchange's number written over its start (making each body from scratch would cost more
/// than storing it, and measure the generator).
QByteArray bodyFor(quint64 n, qsizetype size)
{
    static QByteArray pattern;
    if (pattern.size() < size) {
        pattern = "{\"n\":0000000000000000,\"items\":[";
        for (quint64 i = 0; pattern.size() < size; ++i)
            pattern += "{\"id\":" + QByteArray::number(i * 7919) + "},";
    }
    QByteArray body = pattern.left(size);
    const QByteArray number = QByteArray::number(n).rightJustified(16, '0');
    const qsizetype at = qsizetype(qstrlen("{\"n\":"));
    if (body.size() >= at + number.size())
        body.replace(at, number.size(), number);
    return body;
}

double mib(qint64 bytes)
{
    return double(bytes) / double(kMiB);
}

/// Appends the capture; returns the store's directory size when done.
void make(const Settings &s, QTextStream &out)
{
    Session session;
    StoreOptions options;
    options.createdBy = QStringLiteral("bench_store");
    QString error;
    if (!SessionStore::create(s.directory, options, &session, &error)) {
        out << "create: " << error << "\n";
        return;
    }
    auto *store = static_cast<SessionStore *>(session.log());
    Traffic traffic;
    const qint64 rssBefore = rssBytes();
    QElapsedTimer t;
    t.start();
    for (qsizetype done = 0; done < s.exchanges; done += s.batch) {
        QList<CapturedExchange> batch = batchOf(traffic, std::min(s.batch, s.exchanges - done));
        for (qsizetype i = 0; i < batch.size(); ++i) {
            batch[i].responseBody.stored = bodyFor(quint64(done + i), s.bodyBytes);
            batch[i].responseBody.size = s.bodyBytes;
        }
        session.append(batch);
    }
    const qint64 appendMs = t.elapsed();
    const qint64 rss = rssBytes();
    const StoreStats stats = store->stats();
    t.restart();
    store->close();
    const qint64 closeMs = t.elapsed();
    out << "append: " << s.exchanges << " exchanges with " << s.bodyBytes << " B bodies in "
        << appendMs << " ms ("
        << qint64(double(s.exchanges) * 1000 / double(std::max<qint64>(appendMs, 1)))
        << " exchanges/s)\n";
    out << "resident: " << mib(rss) << " MiB ("
        << (rss - rssBefore) / std::max<qsizetype>(s.exchanges, 1)
        << " B per exchange over the start), bodies in memory: " << session.memory().bodies
        << " B\n";
    out << "disk: " << mib(stats.diskBytes) << " MiB in " << stats.segments
        << " segments; bodies not kept: " << stats.bodiesNotKept << "\n";
    out << "close (drain and sync): " << closeMs << " ms\n";
    out.flush();
}

void open(const Settings &s, QTextStream &out)
{
    malloc_trim(0);
    const qint64 rssBefore = rssBytes();
    Session session;
    StoreOpenReport report;
    QString error;
    QElapsedTimer t;
    t.start();
    if (!SessionStore::open(s.directory, SessionStore::Mode::ReadOnly, {}, &session, {}, nullptr,
                            &report, &error)) {
        out << "open: " << error << "\n";
        return;
    }
    const qint64 openMs = t.elapsed();
    out << "open: " << session.count() << " exchanges in " << openMs << " ms; resident +"
        << mib(rssBytes() - rssBefore) << " MiB\n";
    QRandomGenerator random(7);
    qint64 bytes = 0;
    t.restart();
    for (int i = 0; i < kBodyReads; ++i)
        bytes += session.exchange(qsizetype(random.bounded(quint64(session.count()))))
                     .responseBody.stored.size();
    out << "body reads: " << kBodyReads << " random exchanges in " << t.elapsed() << " ms ("
        << double(t.nsecsElapsed()) / kBodyReads / 1000 << " us each, " << mib(bytes) << " MiB)\n";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption exchanges(QStringLiteral("exchanges"), QStringLiteral("Exchanges."),
                                       QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption bodyBytes(QStringLiteral("body-bytes"),
                                       QStringLiteral("Response body bytes."), QStringLiteral("B"),
                                       QStringLiteral("10240"));
    const QCommandLineOption batch(QStringLiteral("batch"), QStringLiteral("Batch size."),
                                   QStringLiteral("K"), QStringLiteral("64"));
    const QCommandLineOption dir(QStringLiteral("dir"), QStringLiteral("Store directory."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption keep(QStringLiteral("keep"), QStringLiteral("Keep the store."));
    parser.addOptions({exchanges, bodyBytes, batch, dir, keep});
    parser.addHelpOption();
    parser.process(app);
    Settings s;
    s.exchanges = parser.value(exchanges).toLongLong();
    s.bodyBytes = parser.value(bodyBytes).toLongLong();
    s.batch = std::max<qsizetype>(1, parser.value(batch).toLongLong());
    s.keep = parser.isSet(keep);
    QTemporaryDir scratch;
    s.directory =
        parser.isSet(dir) ? parser.value(dir) : scratch.filePath(QStringLiteral("bench.corslab"));
    QTextStream out(stdout);
    if (!SessionStore::isStore(s.directory))
        make(s, out);
    open(s, out);
    if (!s.keep && !parser.isSet(dir))
        QDir(s.directory).removeRecursively();
    return 0;
}
