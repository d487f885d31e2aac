#include "evaluate_command.h"

#include "cli_common.h"
#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/explanation.h"
#include "cors/scenario_json.h"
#include "cors/verdict_json.h"
#include "verdict_text.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

using namespace corslab::cors;

namespace {

bool readInput(const QString &path, QByteArray *data, QString *error)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read standard input");
            return false;
        }
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
            return false;
        }
    }
    *data = file.readAll();
    return true;
}

} // namespace

int runEvaluateCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Judges one CORS scenario (JSON, see docs/cli.md) the way a browser does and prints the "
        "verdict: exposed or blocked, every check with its explanation, and the fix."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("Scenario JSON file, or - for standard input."));
    const QCommandLineOption browser(
        {QStringLiteral("b"), QStringLiteral("browser")},
        QStringLiteral("Browser profile, overriding the scenario's: %1.")
            .arg(BrowserProfile::names().join(QStringLiteral(", "))),
        QStringLiteral("name"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("Output format: json (default) or text."),
                                    QStringLiteral("format"), QStringLiteral("json"));
    const QCommandLineOption compact(QStringLiteral("compact"), QStringLiteral("One-line JSON."));
    parser.addOptions({browser, format, compact});
    if (const std::optional<int> code =
            parseCommandLine(parser, arguments, QStringLiteral("corslab-cli evaluate: "), out, err))
        return *code;
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1) {
        err << "corslab-cli evaluate: expected exactly one scenario file (or - for standard "
               "input)\n";
        return 2;
    }
    const QString fmt = parser.value(format);
    if (fmt != QLatin1String("json") && fmt != QLatin1String("text")) {
        err << "corslab-cli evaluate: --format: expected json or text, got \"" << fmt << "\"\n";
        return 2;
    }
    QByteArray data;
    QString error;
    if (!readInput(files.first(), &data, &error)) {
        err << "corslab-cli evaluate: " << error << "\n";
        return 2;
    }
    Scenario scenario;
    if (!scenarioFromJsonText(data, &scenario, &error)) {
        err << "corslab-cli evaluate: " << files.first() << ": " << error << "\n";
        return 2;
    }
    if (parser.isSet(browser)) {
        QString why;
        if (!browserProfileNamed(parser.value(browser), &why)) {
            err << "corslab-cli evaluate: --browser: " << why << "\n";
            return 2;
        }
        scenario.browser = parser.value(browser);
    }
    const BrowserProfile &profile = *BrowserProfile::byName(scenario.browser);
    const QJsonObject verdict = verdictToJson(evaluate(scenario, profile), scenario, profile);
    if (fmt == QLatin1String("text"))
        printVerdictText(verdict, out);
    else
        out << QJsonDocument(verdict).toJson(parser.isSet(compact) ? QJsonDocument::Compact
                                                                   : QJsonDocument::Indented)
            << (parser.isSet(compact) ? "\n" : "");
    return 0;
}
