// The capture session under load: append() throughput and memory per exchange for a realistic
// Chromium capture (a page, its API calls, preflights and their actual requests, cache hits,
// images, same-origin calls; ~14 request and ~11 response headers, no bodies), then row access,
// on-demand evaluation, a browser-profile switch (re-judging everything) and the session file.
// Usage: bench_session [--exchanges N] [--batch B] [--file-exchanges M]
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

namespace {

qint64 heapBytes()
{
    const struct mallinfo2 m = mallinfo2();
    return qint64(m.uordblks + m.hblkhd); // small blocks in use + mmapped blocks
}

qint64 rssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

QByteArray hex(quint64 v, int width)
{
    return QByteArray::number(v, 16).rightJustified(width, '0');
}

// A deterministic stream of what Chromium 120 sends through a proxy while a single-page app
// runs on https://app.example.com against https://api.example.com.
class Traffic
{
public:
    CapturedExchange next()
    {
        const quint64 i = m_n++;
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        const quint64 r = m_state >> 17;
        CapturedExchange x;
        x.startedAtMs = kStart + qint64(i) * 5;
        x.firstByteAtMs = x.startedAtMs + 3 + qint64(r % 40);
        x.finishedAtMs = x.firstByteAtMs + 1 + qint64(r % 7);
        x.clientAddress = "127.0.0.1";
        x.clientPort = quint16(40000 + (i / 50) % 20000);
        x.upstreamAddress = "93.184.216.34";
        x.upstreamPort = 443;
        x.status = 200;
        x.reason = "OK";
        const int step = int(i % 10);
        const quint64 item = (i / 10) % 5000;
        switch (step) {
        case 0: // the page
            x.method = "GET";
            x.url = "https://app.example.com/items/" + QByteArray::number(item);
            x.requestHeaders = common("document", "navigate", "none", false, true);
            x.responseHeaders = response("text/html; charset=utf-8", false, r);
            break;
        case 5: // the preflight for a PUT
            x.method = "OPTIONS";
            x.url = "https://api.example.com/v1/items/" + QByteArray::number(item);
            x.requestHeaders = {{"Host", "api.example.com"},
                                {"Connection", "keep-alive"},
                                {"Accept", "*/*"},
                                {"Access-Control-Request-Method", "PUT"},
                                {"Access-Control-Request-Headers", "content-type,x-csrf-token"},
                                {"Origin", "https://app.example.com"},
                                {"User-Agent", kUserAgent},
                                {"Sec-Fetch-Mode", "cors"},
                                {"Sec-Fetch-Site", "same-site"},
                                {"Sec-Fetch-Dest", "empty"},
                                {"Referer", "https://app.example.com/"},
                                {"Accept-Encoding", "gzip, deflate, br"},
                                {"Accept-Language", "en-US,en;q=0.9"}};
            x.status = 204;
            x.reason = "No Content";
            x.responseHeaders = {{"Date", date(x.startedAtMs)},
                                 {"Connection", "keep-alive"},
                                 {"Access-Control-Allow-Origin", "https://app.example.com"},
                                 {"Access-Control-Allow-Credentials", "true"},
                                 {"Access-Control-Allow-Methods", "GET, PUT, DELETE"},
                                 {"Access-Control-Allow-Headers", "Content-Type, X-CSRF-Token"},
                                 {"Access-Control-Max-Age", "600"},
                                 {"Vary", "Origin"},
                                 {"X-Request-Id", requestId(r)},
                                 {"Server", "nginx"}};
            break;
        case 6: // its actual request, and 9: the same again, served by the preflight cache
        case 9:
            x.method = "PUT";
            x.url = "https://api.example.com/v1/items/" + QByteArray::number(item);
            x.requestHeaders = common("empty", "cors", "same-site", true, false);
            x.requestHeaders.insert(7, {"Content-Type", "application/json"});
            x.requestHeaders.insert(8, {"X-CSRF-Token", hex(r, 32)});
            x.requestHeaders.insert(2, {"Content-Length", QByteArray::number(40 + r % 60)});
            x.responseHeaders = response("application/json", true, r);
            break;
        case 7: // an image
            x.method = "GET";
            x.url = "https://cdn.example.com/img/" + QByteArray::number(item % 300) + ".webp";
            x.requestHeaders = common("image", "no-cors", "same-site", false, false);
            x.requestHeaders[6].second = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";
            x.responseHeaders = response("image/webp", false, r);
            break;
        case 8: // a same-origin call
            x.method = "GET";
            x.url = "https://app.example.com/api/me";
            x.requestHeaders = common("empty", "cors", "same-origin", false, true);
            x.responseHeaders = response("application/json", false, r);
            break;
        default: // simple cross-origin GETs with the session cookie
            x.method = "GET";
            x.url = "https://api.example.com/v1/items?page=" + QByteArray::number(step) +
                    "&q=" + QByteArray::number(item);
            x.requestHeaders = common("empty", "cors", "same-site", true, true);
            x.responseHeaders = response("application/json; charset=utf-8", true, r);
            break;
        }
        return x;
    }

private:
    static constexpr qint64 kStart = 1714560000000;
    static constexpr const char *kUserAgent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36";

    static http::HeaderList common(const char *dest, const char *mode, const char *site,
                                   bool withOrigin, bool cookie)
    {
        http::HeaderList h = {
            {"Host", "api.example.com"},
            {"Connection", "keep-alive"},
            {"sec-ch-ua", R"("Not_A Brand";v="8", "Chromium";v="120")"},
            {"sec-ch-ua-mobile", "?0"},
            {"User-Agent", kUserAgent},
            {"sec-ch-ua-platform", "\"Linux\""},
            {"Accept", "*/*"},
            {"Sec-Fetch-Site", site},
            {"Sec-Fetch-Mode", mode},
            {"Sec-Fetch-Dest", dest},
            {"Referer", "https://app.example.com/items"},
            {"Accept-Encoding", "gzip, deflate, br"},
            {"Accept-Language", "en-US,en;q=0.9"},
        };
        if (withOrigin)
            h.insert(7, {"Origin", "https://app.example.com"});
        if (cookie)
            h.append(http::HeaderList::value_type(
                "Cookie", "sid=5f2b9c0e4a7d41b3a8e6c1d2f3a4b5c6; theme=dark"));
        return h;
    }
    static QByteArray date(qint64 ms)
    {
        return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
            .toString(QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
            .toLatin1();
    }
    static QByteArray requestId(quint64 r) { return hex(r, 16) + '-' + hex(r * 31, 16); }
    http::HeaderList response(const QByteArray &type, bool cors, quint64 r)
    {
        if ((m_n & 1023) == 1 || m_date.isEmpty())
            m_date = date(kStart + qint64(m_n) * 5);
        http::HeaderList h = {{"Date", m_date},
                              {"Content-Type", type},
                              {"Content-Length", QByteArray::number(200 + r % 5000)},
                              {"Connection", "keep-alive"},
                              {"Cache-Control", "no-cache"},
                              {"ETag", "W/\"" + hex(r, 8) + "-" + hex(r >> 7, 10) + "\""},
                              {"X-Request-Id", requestId(r)},
                              {"Server", "nginx"}};
        if (cors) {
            h += {{"Access-Control-Allow-Origin", "https://app.example.com"},
                  {"Access-Control-Allow-Credentials", "true"},
                  {"Vary", "Origin"}};
        }
        return h;
    }

    quint64 m_n = 0;
    quint64 m_state = 42;
    QByteArray m_date;
};

QList<CapturedExchange> batchOf(Traffic &traffic, qsizetype n)
{
    QList<CapturedExchange> batch;
    batch.reserve(n);
    for (qsizetype i = 0; i < n; ++i)
        batch.append(traffic.next());
    return batch;
}

// CPU time of this thread: the machine may be shared, and wall time then measures the others.
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
