#include "check_openapi.h"

#include "check/check_json.h"
#include "check/contract_judge.h"
#include "check/junit_writer.h"
#include "check/openapi_probes.h"
#include "check_cases.h"
#include "cli_common.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTextStream>

using namespace corslab;

namespace {

// The matrix's column widths (a longer operation label pushes its row to the right).
constexpr int kLabelWidth = 44;
constexpr int kCellWidth = 9;

// The matrix cell: readable, blocked, or no answer.
QString markOf(const check::CheckResult &r)
{
    if (!r.observation.networkFailure.isEmpty())
        return QStringLiteral("! network");
    return r.observation.exposed ? QStringLiteral("✓") : QStringLiteral("✗");
}

// What went wrong, for the lines under the matrix: the CorsError, the step that failed, or the
// network failure.
QString failureText(const check::CheckResult &r)
{
    if (!r.observation.networkFailure.isEmpty())
        return QStringLiteral("network failure: ") + r.observation.networkFailure;
    QString text =
        QStringLiteral("blocked (") + cors::corsErrorName(r.observation.error) + QLatin1Char(')');
    if (const cors::Check *failed = r.outcome.verdict.failedCheck(); failed && r.outcome.judged)
        text += QStringLiteral(" at \"") + QString::fromLatin1(cors::stepInfo(failed->step).name) +
                QLatin1Char('"');
    return text;
}

void printMatrix(const QList<check::ApiProbe> &probes, const QStringList &browsers,
                 const QList<check::CheckResult> &results, QTextStream &out)
{
    out << QStringLiteral("Operation").leftJustified(kLabelWidth);
    for (const QString &b : browsers)
        out << "  " << b.leftJustified(kCellWidth);
    out << '\n';
    for (qsizetype p = 0; p < probes.size(); ++p) {
        out << probes.at(p).label.leftJustified(kLabelWidth);
        for (qsizetype b = 0; b < browsers.size(); ++b)
            out << "  " << markOf(results.at(p * browsers.size() + b)).leftJustified(kCellWidth);
        out << '\n';
    }
}

// Under the matrix: each operation that is not readable, why, in which browsers, and the fix.
void printFailures(const QList<check::ApiProbe> &probes, const QStringList &browsers,
                   const QList<check::CheckResult> &results, QTextStream &out)
{
    for (qsizetype p = 0; p < probes.size(); ++p) {
        QMap<QString, QStringList> browsersByFailure; // the same failure in several browsers
        QMap<QString, QString> fixByFailure;
        for (qsizetype b = 0; b < browsers.size(); ++b) {
            const check::CheckResult &r = results.at(p * browsers.size() + b);
            if (r.observation.exposed)
                continue;
            browsersByFailure[failureText(r)] << browsers.at(b);
            fixByFailure[failureText(r)] = r.observation.fix;
        }
        for (auto it = browsersByFailure.cbegin(); it != browsersByFailure.cend(); ++it) {
            out << "\n✗ " << probes.at(p).label << ": " << it.key() << " in "
                << it.value().join(QStringLiteral(", ")) << '\n';
            if (!fixByFailure.value(it.key()).isEmpty())
                out << "    Fix: " << fixByFailure.value(it.key()) << '\n';
        }
    }
}

// JUnit: each operation under each browser is a case that expects the page to read it.
bool writeJunit(const CheckCommandOptions &o, const QList<check::CheckJob> &jobs,
                const QStringList &labels, const QList<check::CheckResult> &results,
                QTextStream &err)
{
    QList<check::ContractCase> cases;
    QList<check::CaseResult> judged;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        check::ContractCase c;
        c.name = QStringLiteral("%1 [%2]").arg(labels.at(i), jobs.at(i).browser);
        c.request = jobs.at(i).request;
        c.browser = jobs.at(i).browser;
        cases.append(c);
        judged.append(check::judgeCase(c, results.at(i).observation));
    }
    const QByteArray xml =
        check::junitXml(QFileInfo(o.openApiFile).completeBaseName(), cases, judged);
    QTextStream unused;
    return writeCliOutput(o.junitFile, xml, QStringLiteral("corslab-cli check: "),
                          QStringLiteral("--junit"), unused, err);
}

} // namespace

int checkOpenApi(const CheckCommandOptions &o, QTextStream &out, QTextStream &err)
{
    QFile file(o.openApiFile);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "corslab-cli check: --openapi: cannot read " << o.openApiFile << ": "
            << file.errorString() << '\n';
        return kCliUsageError;
    }
    QList<check::ApiProbe> probes;
    QStringList skipped;
    QString error;
    if (!check::readOpenApiProbes(file.readAll(), o.openApiFile, o.baseUrl, &probes, &error,
                                  &skipped)) {
        err << "corslab-cli check: --openapi: " << error << '\n';
        return kCliUsageError;
    }
    QList<check::CheckJob> jobs;
    QStringList labels;
    for (const check::ApiProbe &probe : std::as_const(probes)) {
        for (const QString &browser : o.browsers) {
            client::ComposedRequest request = probe.request;
            request.origin = o.request.origin;
            if (request.credentials != cors::CredentialsMode::Include)
                request.credentials = o.request.credentials;
            jobs.append({request, browser});
            labels.append(probe.label);
        }
    }
    const QList<check::CheckResult> results = check::runChecks(jobs, o.runner);
    if (o.format == CheckCommandOptions::Format::Json) {
        QJsonArray operations;
        for (qsizetype p = 0; p < probes.size(); ++p) {
            QJsonArray each;
            for (qsizetype b = 0; b < o.browsers.size(); ++b)
                each.append(check::checkResultToJson(results.at(p * o.browsers.size() + b)));
            operations.append(QJsonObject{
                {QStringLiteral("operation"), probes.at(p).label},
                {QStringLiteral("operation_id"), probes.at(p).operationId},
                {QStringLiteral("notes"), QJsonArray::fromStringList(probes.at(p).notes)},
                {QStringLiteral("results"), each}});
        }
        out << QJsonDocument(
                   QJsonObject{{QStringLiteral("operations"), operations},
                               {QStringLiteral("skipped"), QJsonArray::fromStringList(skipped)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        printMatrix(probes, o.browsers, results, out);
        printFailures(probes, o.browsers, results, out);
        for (const QString &s : std::as_const(skipped))
            out << "Skipped: " << s << '\n';
    }
    if (!o.junitFile.isEmpty() && !writeJunit(o, jobs, labels, results, err))
        return kCliUsageError;
    return checkExitCode(results);
}
