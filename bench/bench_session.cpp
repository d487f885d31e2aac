// The capture session under load: append() throughput and memory per exchange for a realistic
// Chromium capture (a page, its API calls, preflights and their actual requests, cache hits,
// images, same-origin calls; ~14 request and ~11 response headers, no bodies), then row access,
// on-demand evaluation, a browser-profile switch (re-judging everything) and the session file.
// Usage: bench_session [--exchanges N] [--batch B] [--file-exchanges M]
#include "chromium_traffic.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimeZone>
#include <cstdio>
#include <ctime>
#include <malloc.h>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::bench;

namespace {

qint64 heapBytes()
{
    const struct mallinfo2 m = mallinfo2();
    return qint64(m.uordblks + m.hblkhd); // small blocks in use + mmapped blocks
}

qint64 cpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

struct Timer
{
    QElapsedTimer wall;
    qint64 cpuStart = 0;
    Timer() { restart(); }
    void restart()
    {
        wall.start();
        cpuStart = cpuNs();
    }
    qint64 cpuElapsed() const { return cpuNs() - cpuStart; }
    double cpuSeconds() const { return double(cpuElapsed()) / 1e9; }
    double wallSeconds() const { return double(wall.nsecsElapsed()) / 1e9; }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qsizetype total = 1000000;
    qsizetype batchSize = 256;
    qsizetype fileExchanges = 100000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--exchanges"))
            total = std::max(1, args.at(i + 1).toInt());
        else if (args.at(i) == QLatin1String("--batch"))
            batchSize = std::max(1, args.at(i + 1).toInt());
        else if (args.at(i) == QLatin1String("--file-exchanges"))
            fileExchanges = std::max(0, args.at(i + 1).toInt());
    }
    QTextStream out(stdout);

    // A capture of the same traffic held as CapturedExchange values, for comparison.
    {
        Traffic sample;
        const qint64 before = heapBytes();
        const QList<CapturedExchange> plain = batchOf(sample, 10000);
        out << QStringLiteral("bench_session: %1 exchanges in batches of %2\n"
                              "  as CapturedExchange values:  %3 bytes/exchange (for comparison)\n")
                   .arg(total)
                   .arg(batchSize)
                   .arg(double(heapBytes() - before) / double(plain.size()), 0, 'f', 0);
    }

    Session session;
    Traffic traffic;
    const qint64 heapBefore = heapBytes();
    const qint64 rssBefore = rssBytes();
    qint64 appendNs = 0;
    qint64 appendWallNs = 0;
    for (qsizetype done = 0; done < total;) {
        const QList<CapturedExchange> batch = batchOf(traffic, std::min(batchSize, total - done));
        Timer t;
        session.append(batch);
        appendNs += t.cpuElapsed();
        appendWallNs += t.wall.nsecsElapsed();
        done += batch.size();
    }
    const qint64 heapAfter = heapBytes();
    const qint64 rssAfter = rssBytes();
    const ExchangeStore::Memory m = session.memory();
    const double n = double(session.count());
    out << QStringLiteral("  (times are CPU time of the thread; wall time in brackets)\n");
    out << QStringLiteral("  append:   %1 exchanges/s, %2 us/exchange (wall %3 us): classify, "
                          "pair, judge, store\n")
               .arg(n / (double(appendNs) / 1e9), 0, 'f', 0)
               .arg(double(appendNs) / 1e3 / n, 0, 'f', 2)
               .arg(double(appendWallNs) / 1e3 / n, 0, 'f', 2);
    out << QStringLiteral("  memory:   %1 bytes/exchange (heap in use, mallinfo2), %2 "
                          "bytes/exchange (VmRSS delta); target < 2048\n")
               .arg(double(heapAfter - heapBefore) / n, 0, 'f', 0)
               .arg(double(rssAfter - rssBefore) / n, 0, 'f', 0);
    out << QStringLiteral("            records %1, packed %2, bodies %3, dictionaries %4 "
                          "bytes/exchange\n")
               .arg(double(m.records) / n, 0, 'f', 0)
               .arg(double(m.packed) / n, 0, 'f', 0)
               .arg(double(m.bodies) / n, 0, 'f', 0)
               .arg(double(m.dictionaries) / n, 0, 'f', 0);
    int counts[5] = {};
    session.scanRows(0, session.count(),
                     [&](const ExchangeRowView &v) { ++counts[int(v.record.verdict.state)]; });
    out << QStringLiteral("  verdicts: %1 exposed, %2 warning, %3 blocked, %4 n/a, %5 unknown\n")
               .arg(counts[int(VerdictState::Exposed)])
               .arg(counts[int(VerdictState::Warning)])
               .arg(counts[int(VerdictState::Blocked)])
               .arg(counts[int(VerdictState::NotApplicable)])
               .arg(counts[int(VerdictState::Unknown)]);

    Timer t;
    qsizetype rowsRead = 0;
    for (qsizetype first = 0; first < session.count(); first += 50)
        rowsRead += session.rows(first, 50).size();
    out << QStringLiteral("  rows:     %1 ns/row (50 at a time, as a table view asks)\n")
               .arg(double(t.cpuElapsed()) / double(rowsRead), 0, 'f', 0);
    t.restart();
    qsizetype matches = 0;
    session.scanRows(0, session.count(), [&](const ExchangeRowView &v) {
        matches +=
            v.url.contains("items/42") && v.record.verdict.state != VerdictState::NotApplicable;
    });
    out << QStringLiteral("  filter:   %1 ms for a text filter over every row (%2 matches)\n")
               .arg(double(t.cpuElapsed()) / 1e6, 0, 'f', 1)
               .arg(matches);
    t.restart();
    const qsizetype evaluations = std::min<qsizetype>(2000, session.count());
    for (qsizetype i = 0; i < evaluations; ++i)
        session.evaluation((i * 7919) % session.count());
    out << QStringLiteral("  evaluation(index): %1 us (decode, classify, judge, notes)\n")
               .arg(double(t.cpuElapsed()) / 1e3 / double(evaluations), 0, 'f', 1);
    t.restart();
    session.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
    out << QStringLiteral("  setProfile(firefox): %1 s (wall %2 s) to re-pair and re-judge %3 "
                          "exchanges\n")
               .arg(t.cpuSeconds(), 0, 'f', 2)
               .arg(t.wallSeconds(), 0, 'f', 2)
               .arg(session.count());

    if (fileExchanges > 0) {
        Session small;
        const Session *toWrite = &session;
        if (session.count() != fileExchanges) {
            Traffic again;
            for (qsizetype done = 0; done < fileExchanges; done += batchSize)
                small.append(batchOf(again, std::min(batchSize, fileExchanges - done)));
            toWrite = &small;
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("session.json"));
        QString error;
        t.restart();
        if (!writeSessionFile(*toWrite, path, &error)) {
            std::fprintf(stderr, "bench_session: %s\n", qPrintable(error));
            return 1;
        }
        const double writeSeconds = t.cpuSeconds();
        const double writeWall = t.wallSeconds();
        const qint64 size = QFileInfo(path).size();
        Session loaded;
        t.restart();
        if (!readSessionFile(path, &loaded, &error)) {
            std::fprintf(stderr, "bench_session: %s\n", qPrintable(error));
            return 1;
        }
        out << QStringLiteral("  session file: %1 exchanges, %2 MB; write %3 s (wall %4 s), read "
                              "%5 s (wall %6 s)\n")
                   .arg(toWrite->count())
                   .arg(double(size) / 1e6, 0, 'f', 1)
                   .arg(writeSeconds, 0, 'f', 2)
                   .arg(writeWall, 0, 'f', 2)
                   .arg(t.cpuSeconds(), 0, 'f', 2)
                   .arg(t.wallSeconds(), 0, 'f', 2);
        if (loaded.count() != toWrite->count()) {
            std::fprintf(stderr, "bench_session: read back %lld exchanges of %lld\n",
                         qlonglong(loaded.count()), qlonglong(toWrite->count()));
            return 1;
        }
    }
    return 0;
}
