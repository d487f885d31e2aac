#include "gui_filters.h"

#include "exchange_table_model.h"

#include <QEventLoop>
#include <QTimer>

namespace corslab::bench {

void runFilterCases(TimedApplication &app, ui::ExchangeTableModel &model, bool onGuiThread,
                    QTextStream &out)
{
    struct Case
    {
        const char *name;
        ui::ExchangeFilter filter;
    };
    ui::ExchangeFilter text;
    text.text = QStringLiteral("items/42");
    ui::ExchangeFilter blocked;
    blocked.blockedOnly = true;
    ui::ExchangeFilter origin;
    origin.origin = "https://app.example.com";
    ui::ExchangeFilter kind;
    kind.kind = session::ExchangeKind::Preflight;
    ui::ExchangeFilter error;
    error.text = QStringLiteral("mismatch");
    ui::ExchangeFilter background; // the list's default: the browser's own traffic hidden
    background.hideBackground = true;
    out << "filters (" << (onGuiThread ? "on the GUI thread" : "on a worker")
        << "): time to the rows shown, the GUI thread's longest event meanwhile\n";
    // Waits in an event loop that sleeps: processEvents() in a loop would spin, taking a core
    // from the worker.
    QEventLoop waiting;
    QObject::connect(&model, &ui::ExchangeTableModel::filterApplied, &waiting, &QEventLoop::quit,
                     Qt::QueuedConnection);
    qsizetype slowFilters = 0;
    for (const Case &c :
         {Case{"text \"items/42\"", text}, Case{"blocked only", blocked}, Case{"origin", origin},
          Case{"kind preflight", kind}, Case{"text \"mismatch\" (error names)", error},
          Case{"background hidden (the default)", background}, Case{"none", {}}}) {
        app.startTiming();
        QElapsedTimer t;
        t.start();
        // From an event, as the filter bar does: a scan on the GUI thread counts in its time.
        QTimer::singleShot(0, &model, [&] { model.setFilter(c.filter); });
        waiting.exec();
        QCoreApplication::processEvents(); // the view's reset and repaint
        const qint64 ns = t.nsecsElapsed();
        app.stopTiming();
        slowFilters += app.m_maxNs > 50000000 ? 1 : 0;
        out << "filter " << c.name << ": " << QString::number(double(ns) / 1e6, 'f', 1)
            << " ms to the rows shown, longest GUI event " << longestEvent(app) << ", "
            << model.rowCount() << " rows\n";
        out.flush();
    }
    out << "filters with a GUI event over 50 ms: " << slowFilters << "\n";
}

} // namespace corslab::bench
