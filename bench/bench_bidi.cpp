// Firefox's attach under a busy page: BidiAssembler with many requests pending (announced, not
// answered: long polls, streams, slow uploads across tabs) while the page's own requests come and
// go, each a PUT with its preflight and a console sentence blaming it. Every preflight looks up
// its request, every sentence the request it names, and beyond maxPending the oldest go out.
// Measured at a small and a large number pending, so a cost that grows with them shows; and the
// lookups alone side by side with the linear scans the assembler made before (commit 00ea3b7,
// copied here) over the same requests, so the figures are ratios from one run.
// Usage: bench_bidi [--pending N] [--small S] [--units U] [--lookups L] [--rounds R]
#include "attach/bidi_assembler.h"
#include "attach/bidi_request_index.h"
#include "best_of_rounds.h"
#include "count_option.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>
#include <algorithm>
#include <cstdio>

using namespace corslab::attach;
using namespace corslab::bench;

namespace {

constexpr int kTabs = 8;
constexpr int kItemUrls = 64;   ///< the distinct URLs the page's PUTs go to
constexpr int kPumpUnits = 100; ///< BidiAttachment's pump: takeReady every 100 ms
constexpr int kEventsPerUnit = 5;
constexpr qint64 kT0 = 1'800'000'000'000;
const QString kBlockedText =
    QStringLiteral("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the "
                   "remote resource at %1. (Reason: CORS header ‘Access-Control-Allow-Origin’ "
                   "missing). Status code: 200.");

QString tab(int i)
{
    return QStringLiteral("tab-%1").arg(i % kTabs);
}

QString streamUrl(int i)
{
    return QStringLiteral("http://api.test/stream/%1").arg(i);
}

QString itemUrl(int i)
{
    return QStringLiteral("http://api.test/items/%1").arg(i % kItemUrls);
}

struct Event
{
    QString method;
    QJsonObject params;
    qint64 atMs = 0;
};

QJsonArray bidiHeaders(const QList<std::pair<QString, QString>> &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers)
        out.append(QJsonObject{{QStringLiteral("name"), name},
                               {QStringLiteral("value"),
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                            {QStringLiteral("value"), value}}}});
    return out;
}

Event networkEvent(const QString &event, const QString &id, const QString &method,
                   const QString &url, const QString &context, qint64 atMs)
{
    QList<std::pair<QString, QString>> headers{
        {QStringLiteral("Origin"), QStringLiteral("http://app.test")}};
    if (method == QLatin1String("OPTIONS"))
        headers.append({QStringLiteral("Access-Control-Request-Method"), QStringLiteral("PUT")});
    const QJsonObject request{{QStringLiteral("request"), id},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("url"), url},
                              {QStringLiteral("headers"), bidiHeaders(headers)}};
    QJsonObject params{{QStringLiteral("context"), context},
                       {QStringLiteral("redirectCount"), 0},
                       {QStringLiteral("timestamp"), double(atMs)},
                       {QStringLiteral("request"), request}};
    if (event == QLatin1String("network.responseCompleted"))
        params.insert(QStringLiteral("response"),
                      QJsonObject{{QStringLiteral("status"), 200},
                                  {QStringLiteral("headers"), QJsonArray()},
                                  {QStringLiteral("bodySize"), 0}});
    return {event, params, atMs};
}

Event consoleEvent(const QString &url, const QString &context, qint64 atMs)
{
    const QJsonObject params{
        {QStringLiteral("text"), kBlockedText.arg(url)},
        {QStringLiteral("source"), QJsonObject{{QStringLiteral("context"), context}}}};
    return {QStringLiteral("log.entryAdded"), params, atMs};
}

/// The requests pending throughout: announced, never answered, in every tab.
void announceBackground(BidiAssembler &assembler, int pending)
{
    for (int i = 0; i < pending; ++i) {
        const Event e = networkEvent(QStringLiteral("network.beforeRequestSent"),
                                     QStringLiteral("bg-%1").arg(i), QStringLiteral("GET"),
                                     streamUrl(i), tab(i), kT0);
        assembler.handle(e.method, e.params, e.atMs);
    }
}

/// The page's own traffic, one millisecond per unit: a PUT, its preflight, both answered, and
/// Firefox's sentence blaming the PUT.
QList<Event> pageTraffic(int units)
{
    QList<Event> events;
    events.reserve(qsizetype(units) * kEventsPerUnit);
    const QString announce = QStringLiteral("network.beforeRequestSent");
    const QString completed = QStringLiteral("network.responseCompleted");
    for (int k = 0; k < units; ++k) {
        const qint64 at = kT0 + k;
        const QString put = QStringLiteral("put-%1").arg(k);
        const QString preflight = QStringLiteral("pre-%1").arg(k);
        const QString url = itemUrl(k);
        events << networkEvent(announce, put, QStringLiteral("PUT"), url, tab(k), at)
               << networkEvent(announce, preflight, QStringLiteral("OPTIONS"), url, tab(k), at)
               << networkEvent(completed, preflight, QStringLiteral("OPTIONS"), url, tab(k), at)
               << networkEvent(completed, put, QStringLiteral("PUT"), url, tab(k), at)
               << consoleEvent(url, tab(k), at);
    }
    return events;
}

BidiAssembler::Options options(qsizetype maxPending)
{
    BidiAssembler::Options o;
    o.graceMs = 50; // a console line follows its request within a few ms; 500 only keeps more
    o.maxPending = maxPending;
    return o;
}

/// Best of \a rounds: ns per event through handle(), with the pump's takeReady among them.
double nsPerEvent(int pending, const QList<Event> &traffic, int rounds, qsizetype &exchanges)
{
    double best = 1e300;
    for (int round = 0; round < rounds; ++round) {
        BidiAssembler assembler(options(pending + qsizetype(traffic.size())));
        announceBackground(assembler, pending);
        exchanges = 0;
        QElapsedTimer timer;
        timer.start();
        for (qsizetype i = 0; i < traffic.size(); ++i) {
            const Event &e = traffic.at(i);
            assembler.handle(e.method, e.params, e.atMs);
            if ((i + 1) % (kPumpUnits * kEventsPerUnit) == 0)
                exchanges += assembler.takeReady(e.atMs).size();
        }
        best = std::min(best, double(timer.nsecsElapsed()) / double(traffic.size()));
    }
    return best;
}

/// Best of \a rounds: ns per request evicted when \a evicted more than maxPending wait.
double nsPerEviction(int pending, int evicted, int rounds)
{
    double best = 1e300;
    for (int round = 0; round < rounds; ++round) {
        BidiAssembler assembler(options(pending));
        announceBackground(assembler, pending + evicted);
        QElapsedTimer timer;
        timer.start();
        const qsizetype out = assembler.takeReady(kT0).size();
        best = std::min(best, double(timer.nsecsElapsed()) / double(std::max<qsizetype>(1, out)));
    }
    return best;
}

/// The same requests as the assembler holds them, and as the index files them.
struct Pending
{
    std::map<QString, BidiRequest> requests;
    BidiRequestIndex index;
    std::map<quint64, QString> arrivals;
};

/// A quarter are PUTs waiting for their preflight, the rest streams.
void fill(Pending &p, int pending)
{
    for (int i = 0; i < pending; ++i) {
        BidiRequest r;
        r.id = QStringLiteral("r-%1").arg(i);
        r.context = tab(i);
        r.arrival = quint64(i);
        BidiHop hop;
        const bool put = i % 4 == 0;
        hop.method = put ? "PUT" : "GET";
        hop.url = (put ? itemUrl(i) : streamUrl(i)).toUtf8();
        r.hops.append(hop);
        p.index.update(r);
        p.arrivals.emplace(r.arrival, r.id);
        p.requests.emplace(r.id, std::move(r));
    }
}

// The assembler's lookups before the index: a scan of every pending request (commit 00ea3b7).
const BidiRequest *linearAwaitingPreflight(const std::map<QString, BidiRequest> &requests,
                                           const QString &context, const QByteArray &url,
                                           const QByteArray &method)
{
    const BidiRequest *actual = nullptr;
    for (const auto &[id, candidate] : requests) {
        if (candidate.preflight || candidate.context != context)
            continue;
        const BidiHop &last = candidate.hops.last();
        if (!last.preflightId.isEmpty() || last.status != 0 || last.ended || last.url != url ||
            last.method != method)
            continue;
        if (!actual || candidate.arrival > actual->arrival)
            actual = &candidate;
    }
    return actual;
}

const BidiRequest *linearBlockedBy(const std::map<QString, BidiRequest> &requests,
                                   const QString &context, const QByteArray &url, bool generic)
{
    const BidiRequest *best = nullptr;
    for (const auto &[id, r] : requests) {
        if (r.preflight || (!context.isEmpty() && r.context != context))
            continue;
        const bool hasUrl = std::any_of(r.hops.cbegin(), r.hops.cend(),
                                        [&](const BidiHop &h) { return h.url == url; });
        if (!hasUrl || (r.explained() && !generic))
            continue;
        if (!best || r.arrival > best->arrival)
            best = &r;
    }
    return best;
}

const BidiRequest *found(const std::map<QString, BidiRequest> &requests, const QString &id)
{
    const auto it = requests.find(id);
    return it == requests.end() ? nullptr : &it->second;
}

struct LookupTimes
{
    double linear = 0;
    double indexed = 0;
};

struct Lookups
{
    LookupTimes preflight; ///< a preflight's request
    LookupTimes console;   ///< the request a console sentence names
    LookupTimes oldest;    ///< the request to evict
    int disagreements = 0;
};

Lookups measureLookups(int pending, int calls, int rounds)
{
    Pending p;
    fill(p, pending);
    const auto &requests = p.requests;
    const QByteArray put = QByteArrayLiteral("PUT");
    QList<QByteArray> urls;
    for (int i = 0; i < kItemUrls; ++i)
        urls.append(itemUrl(i).toUtf8());
    Lookups l;
    // Queries 4k: a PUT of that tab and URL is pending (fill()).
    for (int i = 0; i < calls; ++i) {
        const int q = 4 * i;
        l.disagreements +=
            linearAwaitingPreflight(requests, tab(q), urls.at(q % kItemUrls), put) !=
                found(requests, p.index.awaitingPreflight(tab(q), urls.at(q % kItemUrls), put)) ||
            linearBlockedBy(requests, tab(q), urls.at(q % kItemUrls), false) !=
                found(requests, p.index.latestWithUrl(tab(q), urls.at(q % kItemUrls), false));
    }
    const QStringList tabs{tab(0), tab(1), tab(2), tab(3), tab(4), tab(5), tab(6), tab(7)};
    volatile quintptr sink = 0;
    auto keep = [&](const void *pointer) { sink = sink + quintptr(pointer); };
    l.preflight.linear = bestNsPerCall(calls, rounds, [&](int i) {
        keep(linearAwaitingPreflight(requests, tabs.at(4 * i % kTabs), urls.at(4 * i % kItemUrls),
                                     put));
    });
    l.preflight.indexed = bestNsPerCall(calls, rounds, [&](int i) {
        keep(found(requests, p.index.awaitingPreflight(tabs.at(4 * i % kTabs),
                                                       urls.at(4 * i % kItemUrls), put)));
    });
    l.console.linear = bestNsPerCall(calls, rounds, [&](int i) {
        keep(linearBlockedBy(requests, tabs.at(4 * i % kTabs), urls.at(4 * i % kItemUrls), false));
    });
    l.console.indexed = bestNsPerCall(calls, rounds, [&](int i) {
        keep(found(requests, p.index.latestWithUrl(tabs.at(4 * i % kTabs),
                                                   urls.at(4 * i % kItemUrls), false)));
    });
    l.oldest.linear = bestNsPerCall(calls, rounds, [&](int) {
        keep(&*std::min_element(requests.begin(), requests.end(), [](const auto &a, const auto &b) {
            return a.second.arrival < b.second.arrival;
        }));
    });
    l.oldest.indexed = bestNsPerCall(
        calls, rounds, [&](int) { keep(found(requests, p.arrivals.begin()->second)); });
    return l;
}

QString lookupLine(const char *what, const LookupTimes &small, const LookupTimes &large)
{
    return QStringLiteral("    %1 linear %2 / %3 ns, index %4 / %5 ns: %6x / %7x faster\n")
        .arg(QLatin1String(what), -24)
        .arg(small.linear, 0, 'f', 0)
        .arg(large.linear, 0, 'f', 0)
        .arg(small.indexed, 0, 'f', 0)
        .arg(large.indexed, 0, 'f', 0)
        .arg(small.linear / small.indexed, 0, 'f', 1)
        .arg(large.linear / large.indexed, 0, 'f', 0);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int large = countOption(args, QLatin1String("--pending"), 10000);
    const int small = countOption(args, QLatin1String("--small"), 100);
    const int units = countOption(args, QLatin1String("--units"), 2000);
    const int lookups = countOption(args, QLatin1String("--lookups"), 2000);
    const int rounds = countOption(args, QLatin1String("--rounds"), 5);
    QTextStream out(stdout);
    out << QStringLiteral("bench_bidi: BidiAssembler with %1 and %2 requests pending, best of %3 "
                          "rounds (figures: %1 / %2 pending)\n")
               .arg(small)
               .arg(large)
               .arg(rounds);

    const QList<Event> traffic = pageTraffic(units);
    qsizetype smallOut = 0;
    qsizetype largeOut = 0;
    const double smallEvent = nsPerEvent(small, traffic, rounds, smallOut);
    const double largeEvent = nsPerEvent(large, traffic, rounds, largeOut);
    out << QStringLiteral("  events through handle(), %1 units of PUT + preflight + 2 responses + "
                          "console line, takeReady every %2 units:\n"
                          "    %3 / %4 events/s (%5 / %6 us per event): %7x the time per event\n")
               .arg(units)
               .arg(kPumpUnits)
               .arg(1e9 / smallEvent, 0, 'f', 0)
               .arg(1e9 / largeEvent, 0, 'f', 0)
               .arg(smallEvent / 1e3, 0, 'f', 2)
               .arg(largeEvent / 1e3, 0, 'f', 2)
               .arg(largeEvent / smallEvent, 0, 'f', 2);
    const int evicted = 1000;
    const double smallEvict = nsPerEviction(small, evicted, rounds);
    const double largeEvict = nsPerEviction(large, evicted, rounds);
    out << QStringLiteral("  %1 oldest evicted beyond maxPending by one takeReady:\n"
                          "    %2 / %3 us per eviction: %4x the time\n")
               .arg(evicted)
               .arg(smallEvict / 1e3, 0, 'f', 2)
               .arg(largeEvict / 1e3, 0, 'f', 2)
               .arg(largeEvict / smallEvict, 0, 'f', 2);

    const Lookups smallLookups = measureLookups(small, lookups, rounds);
    const Lookups largeLookups = measureLookups(large, lookups, rounds);
    out << QStringLiteral("  lookups alone, the linear scan before against BidiRequestIndex "
                          "now, %1 each:\n")
               .arg(lookups);
    out << lookupLine("preflight's request", smallLookups.preflight, largeLookups.preflight);
    out << lookupLine("console line's request", smallLookups.console, largeLookups.console);
    out << lookupLine("oldest, to evict", smallLookups.oldest, largeLookups.oldest);
    out.flush();
    // Each unit's two requests go out once their grace passed: the pump kept up.
    const qsizetype expected = 2 * qsizetype(units - units % kPumpUnits - kPumpUnits);
    if (smallOut < expected || largeOut < expected) {
        std::fprintf(stderr, "bench_bidi: the page's requests did not go out (%lld, %lld)\n",
                     qlonglong(smallOut), qlonglong(largeOut));
        return 1;
    }
    const int disagreements = smallLookups.disagreements + largeLookups.disagreements;
    if (disagreements > 0) {
        std::fprintf(stderr, "bench_bidi: the index and the scan disagree on %d lookups\n",
                     disagreements);
        return 1;
    }
    return 0;
}
