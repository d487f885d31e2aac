#include "gui_open.h"

#include "chromium_traffic.h"
#include "exchange_table_model.h"
#include "gui_filters.h"
#include "lab/lab.h"
#include "main_window.h"

#include <QDir>
#include <QEventLoop>
#include <QScrollBar>
#include <QTableView>
#include <QTest>
#include <limits>

namespace corslab::bench {

namespace {

QString ms(double value)
{
    return QString::number(value, 'f', 0) + QStringLiteral(" ms");
}

QString ms(qint64 ns)
{
    return QString::number(double(ns) / 1e6, 'f', 1) + QStringLiteral(" ms");
}

/// Launches the app and opens \a store; false with \a error when it could not.
bool launchWith(TimedApplication &app, const QString &store, std::unique_ptr<lab::Lab> &lab,
                std::unique_ptr<ui::MainWindow> &window, const QString &home, QTextStream &out,
                QString *error)
{
    lab::Lab::Options options;
    options.proxy.port = 0;
    options.caDirectory = QDir(home).filePath(QStringLiteral("ca"));
    options.recoveryDirectory = QDir(home).filePath(QStringLiteral("recovery"));
    app.startTiming();
    lab = std::make_unique<lab::Lab>(options);
    lab->start();
    window = std::make_unique<ui::MainWindow>(lab.get());
    window->show();
    QEventLoop opened;
    QObject::connect(lab.get(), &lab::Lab::fileJobFinished, &opened,
                     [&](quint64, const QString &, const QString &why) {
                         *error = why;
                         opened.quit();
                     });
    window->openSessionFile(store); // as app/gui_main.cpp does with its argument
    if (!QTest::qWaitForWindowExposed(window.get())) {
        *error = QStringLiteral("the window was not shown");
        return false;
    }
    const double shownMs = msSinceProcessStart();
    opened.exec();
    QCoreApplication::processEvents(); // the rows' insertion and the repaint
    const double listedMs = msSinceProcessStart();
    app.stopTiming();
    if (!error->isEmpty())
        return false;
    out << "launch with " << store << ": window shown at " << ms(shownMs) << ", "
        << window->exchangeModel()->rowCount() << " rows listed at " << ms(listedMs)
        << " (from the process's start); GUI thread's longest event " << longestEvent(app) << "; "
        << QString::number(double(rssBytes()) / 1048576.0, 'f', 0) << " MiB resident\n";
    return true;
}

/// Scrolls the list to the end, the middle, the start and three quarters, as a user drags.
void scroll(TimedApplication &app, QTableView *view, QTextStream &out)
{
    QScrollBar *bar = view->verticalScrollBar();
    const int max = bar->maximum();
    app.startTiming();
    QElapsedTimer t;
    t.start();
    for (const int position : {max, max / 2, 0, max / 4 * 3}) {
        bar->setValue(position);
        QCoreApplication::processEvents();
    }
    const qint64 ns = t.nsecsElapsed();
    app.stopTiming();
    out << "scroll (end, middle, start, 3/4): " << ms(ns) << ", longest GUI event "
        << longestEvent(app) << "\n";
}

/// Shows the newest exchange in the detail region: its head and bodies read from the store.
void viewNewest(TimedApplication &app, ui::MainWindow *window, lab::Lab *lab, QTextStream &out)
{
    const qsizetype newest = lab->session().count() - 1;
    app.startTiming();
    QElapsedTimer t;
    t.start();
    window->selectExchange(newest);
    QCoreApplication::processEvents();
    const qint64 ns = t.nsecsElapsed();
    app.stopTiming();
    QElapsedTimer read;
    read.start();
    const qsizetype bytes = lab->session().exchange(newest).responseBody.stored.size();
    const qint64 readNs = read.nsecsElapsed();
    out << "view the newest exchange: " << ms(ns) << " to its pair shown, longest GUI event "
        << longestEvent(app) << "; reading it again " << ms(readNs) << " (" << bytes
        << " B of body)\n";
}

} // namespace

int benchOpen(TimedApplication &app, const QString &store, const QString &home, bool onGuiThread,
              QTextStream &out)
{
    std::unique_ptr<lab::Lab> lab;
    std::unique_ptr<ui::MainWindow> window;
    QString error;
    if (!launchWith(app, store, lab, window, home, out, &error)) {
        out << "open " << store << ": " << error << "\n";
        return 1;
    }
    out.flush();
    scroll(app, window->exchangeView(), out);
    viewNewest(app, window.get(), lab.get(), out);
    out.flush();
    ui::ExchangeTableModel *model = window->exchangeModel();
    if (onGuiThread)
        model->setAsyncThreshold(std::numeric_limits<qsizetype>::max());
    runFilterCases(app, *model, onGuiThread, out);
    QElapsedTimer t;
    t.start();
    window.reset();
    lab.reset(); // the store is closed clean and kept: it is the user's
    out << "close: " << ms(t.nsecsElapsed()) << "\n";
    return 0;
}

} // namespace corslab::bench
