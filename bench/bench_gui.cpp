// The desktop app's figures (issue 5, docs/PERFORMANCE.md):
//  1. launch: from the process's start to a shown, idle main window, with the playground and
//     the proxy running (what `./run` gives);
//  2. the GUI thread under capture: the real window while the real proxy captures paced traffic
//     (GET, preflight, PUT through the proxy to the playground) from a thread of its own; every
//     event the GUI thread handles is timed, and a 1 ms timer measures how late it fires;
//  3. the exchange list over a session of N exchanges: for each filter, the time from the user's
//     change to its rows shown, and the GUI thread's longest event meanwhile (the scan runs on a
//     worker; --sync-filter scans on the GUI thread, as before issue 15); and the memory the app
//     holds for them.
// With --open STORE, instead: the app launched with that session store (as `corslab STORE`),
// the window and its rows shown, scrolling, a body viewed, the filters, and the close.
// Usage: bench_gui [--rate R] [--seconds S] [--connections C] [--rows N] [--sync-filter]
//        bench_gui --open STORE [--sync-filter]
// Run it under a real X server (xvfb-run) or QT_QPA_PLATFORM=offscreen.
#include "chromium_traffic.h"
#include "exchange_table_model.h"
#include "filter_bar.h"
#include "gui_filters.h"
#include "gui_open.h"
#include "gui_timing.h"
#include "lab/lab.h"
#include "main_window.h"
#include "session/session.h"
#include "session/session_store.h"

#include <QAbstractEventDispatcher>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QHostAddress>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <thread>
#include <unistd.h>

using namespace corslab;

namespace {

/// Sends paced requests through the proxy on plain blocking sockets in a thread of its own, like
/// a browser's page would: a GET, then a preflight and its PUT, over keep-alive connections.
class LoadGenerator
{
public:
    LoadGenerator(quint16 proxyPort, QByteArray api, QByteArray origin, double rate,
                  int connections, double seconds)
        : m_port(proxyPort), m_api(std::move(api)), m_origin(std::move(origin)), m_rate(rate),
          m_connections(connections), m_seconds(seconds)
    {
    }

    void start()
    {
        for (int c = 0; c < m_connections; ++c)
            m_threads.emplace_back([this, c] { run(c); });
    }
    void join()
    {
        for (std::thread &t : m_threads)
            t.join();
    }
    qint64 completed() const { return m_completed; }
    qint64 failed() const { return m_failed; }

private:
    QByteArray request(qint64 n) const
    {
        const QByteArray host = m_api.mid(m_api.indexOf("://") + 3);
        const QByteArray common = "Host: " + host + "\r\nOrigin: " + m_origin +
                                  "\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Site: same-site\r\n"
                                  "Sec-Fetch-Dest: empty\r\nAccept: */*\r\n";
        switch (n % 4) {
        case 1:
            return "OPTIONS " + m_api + "/echo HTTP/1.1\r\n" + common +
                   "Access-Control-Request-Method: PUT\r\n"
                   "Access-Control-Request-Headers: content-type\r\n\r\n";
        case 2:
            return "PUT " + m_api + "/echo HTTP/1.1\r\n" + common +
                   "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        default:
            return "GET " + m_api + "/public HTTP/1.1\r\n" + common + "\r\n";
        }
    }

    static bool readResponse(QTcpSocket &s, QByteArray &buffer)
    {
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = buffer.first(end).toLower();
                const qsizetype at = head.indexOf("content-length:");
                const qsizetype length = at < 0
                                             ? 0
                                             : head.mid(at + 15, head.indexOf('\r', at) - at - 15)
                                                   .trimmed()
                                                   .toLongLong();
                if (buffer.size() >= end + 4 + length) {
                    buffer.remove(0, end + 4 + length);
                    return true;
                }
            }
            if (!s.waitForReadyRead(5000))
                return false;
            buffer += s.readAll();
        }
    }

    void run(int index)
    {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_port);
        if (!s.waitForConnected(3000)) {
            ++m_failed;
            return;
        }
        QByteArray buffer;
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        const double perConnection = m_rate / m_connections;
        const qint64 total = qint64(perConnection * m_seconds);
        for (qint64 i = 0; i < total; ++i) {
            std::this_thread::sleep_until(
                start + std::chrono::duration<double>((double(i) + double(index) / m_connections) /
                                                      perConnection));
            s.write(request(i));
            if (!s.waitForBytesWritten(5000) || !readResponse(s, buffer)) {
                ++m_failed;
                return;
            }
            ++m_completed;
        }
    }

    quint16 m_port;
    QByteArray m_api;
    QByteArray m_origin;
    double m_rate;
    int m_connections;
    double m_seconds;
    std::vector<std::thread> m_threads;
    std::atomic<qint64> m_completed{0};
    std::atomic<qint64> m_failed{0};
};

} // namespace

int main(int argc, char *argv[])
{
    bench::TimedApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("CORS Lab bench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_gui"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The desktop app's launch, responsiveness "
                                                    "under capture, and exchange list filters."));
    parser.addHelpOption();
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        QStringLiteral("Requests per second through the proxy."),
                                        QStringLiteral("R"), QStringLiteral("2000"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("How long the capture runs."),
                                           QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
                                               QStringLiteral("Browser connections."),
                                               QStringLiteral("C"), QStringLiteral("8"));
    const QCommandLineOption rowsOption(QStringLiteral("rows"),
                                        QStringLiteral("Exchanges in the session for the filter "
                                                       "and memory figures."),
                                        QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption syncOption(QStringLiteral("sync-filter"),
                                        QStringLiteral("Filter on the GUI thread (the old way), "
                                                       "for comparison."));
    const QCommandLineOption openOption(
        QStringLiteral("open"),
        QStringLiteral("Launch with this session store (a .corslab directory) instead."),
        QStringLiteral("STORE"));
    parser.addOptions(
        {rateOption, secondsOption, connectionsOption, rowsOption, syncOption, openOption});
    parser.process(app);
    bool ok = true;
    auto number = [&](const QCommandLineOption &o, double min, double max) {
        bool good = false;
        const double v = parser.value(o).toDouble(&good);
        if (!good || v < min || v > max) {
            std::fprintf(stderr, "--%s: expected a number from %g to %g, got \"%s\"\n",
                         qPrintable(o.names().first()), min, max, qPrintable(parser.value(o)));
            ok = false;
        }
        return v;
    };
    const double rate = number(rateOption, 1, 100000);
    const double seconds = number(secondsOption, 0.1, 3600);
    const int connections = int(number(connectionsOption, 1, 256));
    const qint64 rows = qint64(number(rowsOption, 1, 20000000));
    if (!ok)
        return 2;
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toLocal8Bit());
    QTextStream out(stdout);
    if (parser.isSet(openOption)) {
        const QString store = parser.value(openOption);
        if (!session::SessionStore::isStore(store)) {
            std::fprintf(stderr,
                         "--open: expected a session store (a .corslab directory), got "
                         "\"%s\"\n",
                         qPrintable(store));
            return 2;
        }
        return bench::benchOpen(app, store, home.path(), parser.isSet(syncOption), out);
    }

    // 1. Launch, as app/gui_main.cpp does it.
    lab::Lab::Options options;
    options.proxy.port = 0;
    options.caDirectory = home.filePath(QStringLiteral("ca"));
    options.recoveryDirectory = home.filePath(QStringLiteral("recovery"));
    auto lab = std::make_unique<lab::Lab>(options);
    lab->start();
    auto window = std::make_unique<ui::MainWindow>(lab.get());
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return 1;
    QCoreApplication::processEvents();
    const double launchMs = bench::msSinceProcessStart();
    out << "launch to an idle window: " << QString::number(launchMs, 'f', 0) << " ms ("
        << QGuiApplication::platformName() << ")\n";
    out.flush();
    if (!lab->proxyRunning() || !lab->playgroundRunning()) {
        std::fprintf(stderr, "the proxy or the playground did not start\n");
        return 1;
    }

    // 2. The GUI thread while the proxy captures.
    const policy::DemoOrigins o = lab->playground().origins();
    LoadGenerator load(lab->proxyPort(), o.api, o.app, rate, connections, seconds);
    QList<qint64> lateness;
    QElapsedTimer tick;
    QTimer watchdog;
    watchdog.setTimerType(Qt::PreciseTimer);
    watchdog.setInterval(1);
    QObject::connect(&watchdog, &QTimer::timeout, [&] {
        lateness.append(std::max<qint64>(0, tick.nsecsElapsed() - 1000000));
        tick.restart();
    });
    bool selected = false;
    QObject::connect(&lab->session(), &session::Session::exchangesAdded, window.get(), [&] {
        if (!selected && lab->session().count() > 2) {
            window->selectExchange(1); // the detail region follows its pair as rows arrive
            selected = true;
        }
    });
    app.startTiming();
    tick.start();
    watchdog.start();
    QElapsedTimer wall;
    wall.start();
    load.start();
    std::atomic<bool> done{false};
    std::thread waiter([&] {
        load.join();
        done = true;
    });
    while (!done)
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    waiter.join();
    const double loadSeconds = double(wall.elapsed()) / 1000.0;
    // Let the last batches arrive.
    for (int i = 0; i < 20 && lab->session().count() < load.completed(); ++i)
        QTest::qWait(50);
    watchdog.stop();
    app.stopTiming();
    const qsizetype over50 = std::count_if(app.m_events.cbegin(), app.m_events.cend(),
                                           [](qint64 ns) { return ns > 50000000; });
    out << "capture: " << load.completed() << " requests in "
        << QString::number(loadSeconds, 'f', 1) << " s ("
        << QString::number(double(load.completed()) / loadSeconds, 'f', 0) << " requests/s, "
        << load.failed() << " failed), " << lab->session().count() << " exchanges in the session, "
        << window->exchangeModel()->rowCount() << " rows listed\n";
    out << "GUI thread: " << app.m_events.size() << " events, longest "
        << QString::number(double(app.m_maxNs) / 1e6, 'f', 1) << " ms (" << app.m_maxWhat
        << "), p99 " << QString::number(bench::percentileMs(app.m_events, 0.99), 'f', 2) << " ms, "
        << over50 << " over 50 ms; 1 ms timer late by at most "
        << QString::number(bench::percentileMs(lateness, 1.0), 'f', 1) << " ms (p99 "
        << QString::number(bench::percentileMs(lateness, 0.99), 'f', 2) << " ms)\n";
    out.flush();
    window.reset();
    lab.reset();

    // 3. The exchange list over a large session.
    const qint64 rssBefore = bench::rssBytes();
    session::Session session;
    bench::Traffic traffic;
    for (qint64 done = 0; done < rows;) {
        const qsizetype n = qsizetype(std::min<qint64>(4096, rows - done));
        session.append(bench::batchOf(traffic, n));
        done += n;
    }
    ui::ExchangeTableModel model(&session);
    QTableView view;
    view.setModel(&model);
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.resize(1200, 700);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        return 1;
    QCoreApplication::processEvents();
    const qint64 rssAfter = bench::rssBytes();
    out << "session of " << rows
        << " exchanges: " << QString::number(double(rssAfter - rssBefore) / 1048576.0, 'f', 0)
        << " MiB resident (" << QString::number(double(rssAfter - rssBefore) / double(rows), 'f', 0)
        << " B per exchange, headers included), the app at "
        << QString::number(double(rssAfter) / 1048576.0, 'f', 0) << " MiB\n";
    if (parser.isSet(syncOption))
        model.setAsyncThreshold(std::numeric_limits<qsizetype>::max());
    bench::runFilterCases(app, model, parser.isSet(syncOption), out);
    return 0;
}
