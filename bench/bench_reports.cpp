// Exporting a large session (issue 6, docs/PERFORMANCE.md): the report (computed once, then
// written as HTML, Markdown and JSON), the HAR export and its import, next to the session file
// itself as the peer: every export is timed in the same run as writing the session file.
// Usage: bench_reports [--exchanges N] [--blocked-every K]
#include "chromium_traffic.h"
#include "report/har_export.h"
#include "report/har_import.h"
#include "report/report_output.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <cstdio>

using namespace corslab;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption exchangesOption(QStringLiteral("exchanges"),
                                             QStringLiteral("Exchanges in the session."),
                                             QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption blockedOption(
        QStringLiteral("blocked-every"),
        QStringLiteral("Every K-th exchange loses its Access-Control-Allow-Origin (blocked)."),
        QStringLiteral("K"), QStringLiteral("7"));
    parser.addOptions({exchangesOption, blockedOption});
    parser.process(app);
    bool ok1 = false;
    bool ok2 = false;
    const qint64 count = parser.value(exchangesOption).toLongLong(&ok1);
    const qint64 every = parser.value(blockedOption).toLongLong(&ok2);
    if (!ok1 || count < 1 || count > 10000000 || !ok2 || every < 1) {
        std::fprintf(stderr, "--exchanges: expected 1 to 10000000; --blocked-every: expected a "
                             "positive whole number\n");
        return 2;
    }
    QTextStream out(stdout);
    QTemporaryDir dir;

    session::Session session;
    bench::Traffic traffic;
    for (qint64 done = 0; done < count;) {
        QList<session::CapturedExchange> batch =
            bench::batchOf(traffic, qsizetype(std::min<qint64>(4096, count - done)));
        for (qsizetype i = 0; i < batch.size(); ++i) {
            if ((done + i) % every == 0)
                batch[i].responseHeaders.removeIf([](const auto &h) {
                    return h.first.compare("Access-Control-Allow-Origin", Qt::CaseInsensitive) == 0;
                });
        }
        done += batch.size();
        session.append(batch);
    }
    out << "session: " << session.count() << " exchanges\n";

    auto timed = [&](const char *what, const std::function<QString()> &work) {
        QElapsedTimer t;
        t.start();
        const QString detail = work();
        out << what << ": " << t.elapsed() << " ms" << (detail.isEmpty() ? "" : ", ") << detail
            << "\n";
        out.flush();
    };
    auto size = [](const QString &path) {
        return QStringLiteral("%1 MB").arg(double(QFileInfo(path).size()) / 1e6, 0, 'f', 1);
    };
    QString error;
    const QString sessionPath = dir.filePath(QStringLiteral("s.json"));
    timed("session file (peer)", [&] {
        session::writeSessionFile(session, sessionPath, &error);
        return size(sessionPath);
    });
    report::SessionReport r;
    qsizetype steps = 0;
    timed("report computed", [&] {
        report::buildSessionReport(session, &r, {}, [&](qsizetype, qsizetype) {
            ++steps;
            return true;
        });
        return QStringLiteral("%1 blocked pairs, %2 progress calls")
            .arg(r.summary.blockedPairs)
            .arg(steps);
    });
    for (auto [name, format] : {std::pair{"HTML", report::ReportFormat::Html},
                                {"Markdown", report::ReportFormat::Markdown},
                                {"JSON", report::ReportFormat::Json}}) {
        const QString path = dir.filePath(QStringLiteral("report.") + QString::fromLatin1(name));
        timed((QByteArray("report written as ") + name).constData(), [&] {
            report::saveReport(r, format, path, &error);
            return size(path);
        });
    }
    const QString harPath = dir.filePath(QStringLiteral("s.har"));
    timed("HAR export", [&] {
        report::writeHarFile(session, harPath, &error);
        return size(harPath);
    });
    timed("HAR import (into a new session)", [&] {
        session::Session back;
        report::loadHarFile(harPath, &back, &error);
        return QStringLiteral("%1 exchanges").arg(back.count());
    });
    if (!error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    return 0;
}
