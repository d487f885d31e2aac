// The autosave under load: a realistic Chromium capture (as in bench_session) appended on one
// thread, at full speed or at --rate exchanges per second, while SessionAutosave saves every
// --interval-ms on its worker thread. Per save: the exchanges and bytes appended to the journal
// and the time taken (copying, encoding, writing and fdatasync), early saves against late ones
// (a save must cost what the interval brought, not what the session holds); then what one full
// session-file write of the whole session costs (what the journal avoids doing every interval)
// and the time to recover the journal.
// Usage: bench_autosave [--exchanges N] [--batch B] [--rate R] [--interval-ms I]
//                       [--no-full-write] [--no-recover]
#include "chromium_traffic.h"
#include "session/session.h"
#include "session/session_autosave.h"
#include "session/session_json.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::bench;

namespace {

qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

qint64 processCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

struct Save
{
    qsizetype sessionSize = 0; ///< exchanges in the session when the save ended
    SessionJournal::SyncStats stats;
};

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min(values.size() - 1, qsizetype(p * double(values.size()))));
}

/// Median time per save and per 1000 exchanges over \a saves (appends only).
QString summary(const QList<Save> &saves)
{
    QList<double> ms;
    double totalMs = 0;
    qint64 exchanges = 0;
    for (const Save &s : saves) {
        ms.append(double(s.stats.wallNs) / 1e6);
        totalMs += double(s.stats.wallNs) / 1e6;
        exchanges += s.stats.exchanges;
    }
    return QStringLiteral("%1 saves, %2 exchanges/save, median %3 ms, p95 %4 ms, max %5 ms, "
                          "%6 ms per 1000 exchanges")
        .arg(saves.size())
        .arg(saves.isEmpty() ? 0.0 : double(exchanges) / double(saves.size()), 0, 'f', 0)
        .arg(percentile(ms, 0.5), 0, 'f', 1)
        .arg(percentile(ms, 0.95), 0, 'f', 1)
        .arg(percentile(ms, 1.0), 0, 'f', 1)
        .arg(exchanges ? totalMs * 1000 / double(exchanges) : 0.0, 0, 'f', 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qsizetype total = 1000000;
    qsizetype batchSize = 256;
    qint64 rate = 0; // exchanges per second; 0: as fast as append() goes
    int intervalMs = 2000;
    bool fullWrite = true;
    bool recover = true;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const bool hasValue = i + 1 < args.size();
        if (args.at(i) == QLatin1String("--exchanges") && hasValue)
            total = std::max(1, args.at(++i).toInt());
        else if (args.at(i) == QLatin1String("--batch") && hasValue)
            batchSize = std::max(1, args.at(++i).toInt());
        else if (args.at(i) == QLatin1String("--rate") && hasValue)
            rate = std::max(0, args.at(++i).toInt());
        else if (args.at(i) == QLatin1String("--interval-ms") && hasValue)
            intervalMs = std::max(1, args.at(++i).toInt());
        else if (args.at(i) == QLatin1String("--no-full-write"))
            fullWrite = false;
        else if (args.at(i) == QLatin1String("--no-recover"))
            recover = false;
    }
    QTextStream out(stdout);
    out << QStringLiteral("bench_autosave: %1 exchanges in batches of %2, %3, a save every %4 "
                          "ms\n")
               .arg(total)
               .arg(batchSize)
               .arg(rate ? QStringLiteral("%1 exchanges/s").arg(rate)
                         : QStringLiteral("as fast as append() goes"))
               .arg(intervalMs);
    out.flush();

    QTemporaryDir dir;
    auto session = std::make_unique<Session>();
    SessionAutosave autosave(session.get(), dir.path(), intervalMs);
    QList<Save> saves;
    QString saveError;
    QObject::connect(&autosave, &SessionAutosave::saved, [&](qsizetype, const QString &error) {
        if (!error.isEmpty())
            saveError = error;
        saves.append({session->count(), autosave.lastSave()});
    });
    autosave.start();

    std::atomic<qint64> appenderCpuNs{0};
    std::atomic<qint64> appendWallNs{0};
    // The run ends with the first save that holds the whole capture: every periodic save is
    // measured, and none by a final save of our own.
    QObject::connect(&autosave, &SessionAutosave::saved, &app, [&](qsizetype exchanges) {
        if (exchanges == total)
            app.quit();
    });
    QElapsedTimer wall;
    wall.start();
    const qint64 cpuBefore = processCpuNs();
    QThread *appender = QThread::create([&] {
        const qint64 cpuStart = threadCpuNs();
        Traffic traffic;
        QElapsedTimer clock;
        clock.start();
        for (qsizetype done = 0; done < total;) {
            const QList<CapturedExchange> batch =
                batchOf(traffic, std::min(batchSize, total - done));
            session->append(batch);
            done += batch.size();
            if (rate > 0) {
                const qint64 due = done * 1000 / rate;
                if (due > clock.elapsed())
                    QThread::msleep(quint64(due - clock.elapsed()));
            }
        }
        appenderCpuNs = threadCpuNs() - cpuStart;
        appendWallNs = clock.nsecsElapsed();
    });
    appender->start();
    app.exec();
    appender->wait();
    delete appender;
    const double captureSeconds = double(wall.nsecsElapsed()) / 1e9;
    QString error;
    const double otherCpuSeconds = double(processCpuNs() - cpuBefore - appenderCpuNs.load()) / 1e9;
    if (!saveError.isEmpty()) {
        std::fprintf(stderr, "bench_autosave: a save failed: %s\n", qPrintable(saveError));
        return 1;
    }
    const qint64 journalBytes = QFileInfo(SessionAutosave::journalPath(dir.path())).size();

    QList<Save> appends;
    QList<Save> rewrites;
    for (const Save &s : saves) {
        if (s.stats.rewritten)
            rewrites.append(s);
        else if (s.stats.exchanges > 0)
            appends.append(s);
    }
    out << QStringLiteral("  capture:  %1 exchanges/s appended with the autosave running; %2 s "
                          "until the last save held them all\n")
               .arg(double(total) * 1e9 / double(appendWallNs.load()), 0, 'f', 0)
               .arg(captureSeconds, 0, 'f', 1);
    out << QStringLiteral("  journal:  %1 MB, %2 bytes/exchange\n")
               .arg(double(journalBytes) / 1e6, 0, 'f', 1)
               .arg(double(journalBytes) / double(total), 0, 'f', 0);
    for (const Save &s : rewrites)
        out << QStringLiteral("  whole-journal write (the first save): %1 exchanges in %2 ms\n")
                   .arg(s.stats.exchanges)
                   .arg(double(s.stats.wallNs) / 1e6, 0, 'f', 1);
    out << QStringLiteral("  saves (appends; wall time, fdatasync included):\n    all:    %1\n")
               .arg(summary(appends));
    // Early saves against late ones: the same cost per exchange, whatever the session holds.
    QList<Save> early, late;
    for (const Save &s : appends) {
        if (s.sessionSize <= total / 4)
            early.append(s);
        else if (s.sessionSize > total * 3 / 4)
            late.append(s);
    }
    out << QStringLiteral("    session <= %1: %2\n").arg(total / 4).arg(summary(early));
    out << QStringLiteral("    session >  %1: %2\n").arg(total * 3 / 4).arg(summary(late));
    out << QStringLiteral("  CPU besides the appending thread (autosave, timer): %1 s over the "
                          "run, %2 ms per save\n")
               .arg(otherCpuSeconds, 0, 'f', 2)
               .arg(saves.isEmpty() ? 0.0 : otherCpuSeconds * 1000 / double(saves.size()), 0, 'f',
                    1);
    out.flush();

    if (fullWrite) {
        // What saving the whole session every interval would cost instead.
        const QString path = dir.filePath(QStringLiteral("full.json"));
        QElapsedTimer t;
        t.start();
        if (!writeSessionFile(*session, path, &error)) {
            std::fprintf(stderr, "bench_autosave: %s\n", qPrintable(error));
            return 1;
        }
        out << QStringLiteral("  one full session-file write of all %1 exchanges: %2 s, %3 MB "
                              "(what each save would cost without the journal)\n")
                   .arg(session->count())
                   .arg(double(t.nsecsElapsed()) / 1e9, 0, 'f', 2)
                   .arg(double(QFileInfo(path).size()) / 1e6, 0, 'f', 1);
        QFile::remove(path);
        out.flush();
    }
    if (recover) {
        const qsizetype expected = session->count();
        const CapturedExchange last = session->exchange(expected - 1);
        session.reset(); // one session of this size in memory at a time
        Session recovered;
        QElapsedTimer t;
        t.start();
        if (!SessionAutosave::recover(dir.path(), &recovered, {}, nullptr, &error)) {
            std::fprintf(stderr, "bench_autosave: %s\n", qPrintable(error));
            return 1;
        }
        out << QStringLiteral("  recovery: %1 s to read, classify, pair and judge %2 "
                              "exchanges\n")
                   .arg(double(t.nsecsElapsed()) / 1e9, 0, 'f', 2)
                   .arg(recovered.count());
        if (recovered.count() != expected || recovered.exchange(expected - 1).url != last.url) {
            std::fprintf(stderr, "bench_autosave: recovered %lld exchanges of %lld\n",
                         qlonglong(recovered.count()), qlonglong(expected));
            return 1;
        }
    }
    return 0;
}
