#include "report_command.h"

#include "cli_common.h"
#include "cors/browser_profile.h"
#include "report/report_output.h"
#include "session/session.h"
#include "workspace/workspace_file.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli report: ");

bool parseCount(const QString &text, qsizetype *out)
{
    bool ok = false;
    const qlonglong n = text.toLongLong(&ok);
    if (!ok || n < 0)
        return false;
    *out = qsizetype(n);
    return true;
}

} // namespace

int runReportCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes the CORS report of a session file (corslab-cli proxy --record, or the app's "
        "File > Save): a summary (origins, exposed vs blocked, error kinds), each blocked pair "
        "side by side with its explanation and fix, then the warnings. HTML is one "
        "self-contained page, Markdown is for tickets, JSON for tools (docs/report-format.md)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("session"),
                                 QStringLiteral("Session file (docs/session-format.md)."));
    const QCommandLineOption format(
        {QStringLiteral("f"), QStringLiteral("format")},
        QStringLiteral("Report format: html, md or json (default: from the output file's "
                       "extension, else html)."),
        QStringLiteral("format"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The report file to write, or - for standard "
                                                   "output."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption profile(
        QStringLiteral("profile"),
        QStringLiteral("Judge under this browser profile instead of the session's own: %1.")
            .arg(cors::BrowserProfile::names().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    const QCommandLineOption maxPairs(
        QStringLiteral("max-pairs"),
        QStringLiteral("Blocked pairs shown in full, side by side (default 500); the rest are "
                       "counted and listed by line."),
        QStringLiteral("N"), QStringLiteral("500"));
    parser.addOptions({format, output, profile, maxPairs});
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1) {
        err << kCommand << "expected exactly one session file, got " << files.size() << "\n";
        return 2;
    }
    if (!parser.isSet(output) || parser.value(output).isEmpty()) {
        err << kCommand
            << "-o/--output: expected the report file to write (or - for standard "
               "output)\n";
        return 2;
    }
    const QString path = parser.value(output);
    report::ReportFormat reportFormat = report::ReportFormat::Html;
    if (parser.isSet(format)) {
        if (!report::reportFormatFromName(parser.value(format), &reportFormat)) {
            err << kCommand << "--format: expected html, md or json, got \"" << parser.value(format)
                << "\"\n";
            return 2;
        }
    } else if (const auto fromPath = report::reportFormatForPath(path)) {
        reportFormat = *fromPath;
    }
    report::ReportOptions options;
    options.generatedBy = QStringLiteral("corslab-cli %1").arg(QStringLiteral(CORSLAB_VERSION));
    if (!parseCount(parser.value(maxPairs), &options.maxFullPairs)) {
        err << kCommand << "--max-pairs: expected a whole number 0 or more, got \""
            << parser.value(maxPairs) << "\"\n";
        return 2;
    }
    const cors::BrowserProfile *judgeAs = nullptr;
    if (parser.isSet(profile)) {
        QString why;
        judgeAs = browserProfileNamed(parser.value(profile), &why);
        if (!judgeAs) {
            err << kCommand << "--profile: " << why << "\n";
            return 2;
        }
    }

    QElapsedTimer timer;
    timer.start();
    session::Session session;
    QString error;
    if (!workspace::readFile(files.first(), &session, nullptr, &error)) {
        err << kCommand << files.first() << ": " << error << "\n";
        return 2;
    }
    if (judgeAs && judgeAs->name != session.profile().name)
        session.setProfile(*judgeAs);

    report::SessionReport built;
    if (report::buildSessionReport(session, &built, options) != report::ReportStatus::Complete) {
        // Nothing cancels it here and nothing else touches the session: only a bug gets here.
        err << kCommand << "the report could not be computed\n";
        return 1;
    }
    const QByteArray bytes = report::renderReport(built, reportFormat);
    if (path == QLatin1String("-")) {
        QFile stdOut;
        if (!stdOut.open(stdout, QIODevice::WriteOnly) || stdOut.write(bytes) != bytes.size()) {
            err << kCommand << "cannot write to standard output\n";
            return 1;
        }
        return 0;
    }
    if (!report::saveReportBytes(bytes, path, &error)) {
        err << kCommand << error << "\n";
        return 1;
    }
    const report::ReportSummary &s = built.summary;
    out << "Wrote " << path << " (" << report::reportFormatName(reportFormat)
        << "): " << s.exchanges << " exchanges judged as " << s.profileDisplayName << ", "
        << s.verdicts.blocked << " blocked in " << s.blockedPairs << " pairs ("
        << built.blockedPairs.size() << " in full), " << built.warnings.size()
        << " kinds of warning, in " << timer.elapsed() << " ms.\n";
    return 0;
}
