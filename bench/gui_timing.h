#pragma once
// What bench_gui measures the GUI thread with: every event it delivers timed, and the time since
// the process started.
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QThread>
#include <algorithm>
#include <unistd.h>

namespace corslab::bench {

/// Milliseconds since this process started (/proc/self/stat's start time against the uptime), so
/// the launch figure includes loading the program and its libraries.
inline double msSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    QFile uptime(QStringLiteral("/proc/uptime"));
    if (!stat.open(QIODevice::ReadOnly) || !uptime.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray s = stat.readAll();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    const double startTicks = fields.value(19).toDouble(); // field 22: starttime
    const double up = uptime.readAll().split(' ').value(0).toDouble();
    return (up - startTicks / double(sysconf(_SC_CLK_TCK))) * 1000.0;
}

/// Times every event the GUI thread delivers.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!m_timing || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        // Read before delivery: the event may delete the receiver (DeferredDelete) and itself.
        const int type = int(event->type());
        const char *className = receiver->metaObject()->className();
        QElapsedTimer t;
        t.start();
        const bool result = QApplication::notify(receiver, event);
        const qint64 ns = t.nsecsElapsed();
        // Nested loops (a modal dialog) would count twice; none runs here.
        m_events.append(ns);
        if (ns > m_maxNs) {
            m_maxNs = ns;
            m_maxWhat =
                QStringLiteral("event %1 to %2").arg(type).arg(QString::fromLatin1(className));
        }
        return result;
    }

    void startTiming()
    {
        m_events.clear();
        m_maxNs = 0;
        m_timing = true;
    }
    void stopTiming() { m_timing = false; }
    QList<qint64> m_events;
    qint64 m_maxNs = 0;
    QString m_maxWhat;

private:
    bool m_timing = false;
};

inline double percentileMs(QList<qint64> ns, double p)
{
    if (ns.isEmpty())
        return 0;
    std::sort(ns.begin(), ns.end());
    return double(ns.at(qsizetype(p * double(ns.size() - 1)))) / 1e6;
}

/// The longest GUI event of the last timing, as text: "12.3 ms (event 43 to QTableView)".
inline QString longestEvent(const TimedApplication &app)
{
    return QString::number(double(app.m_maxNs) / 1e6, 'f', 1) + QStringLiteral(" ms (") +
           app.m_maxWhat + QLatin1Char(')');
}

} // namespace corslab::bench
