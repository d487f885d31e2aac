#include "check_command.h"

#include "check/check_json.h"
#include "check/contract_file.h"
#include "check_cases.h"
#include "check_command_options.h"
#include "check_openapi.h"
#include "cli_common.h"
#include "verdict_text.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>

using namespace corslab;

namespace {

void printResultText(const check::CheckResult &r, const client::ComposedRequest &request,
                     QTextStream &out)
{
    out << "━━ " << r.browser << ": " << QString::fromLatin1(request.method) << ' '
        << request.url.toString() << " from " << QString::fromUtf8(request.origin) << "\n\n";
    printExchangesSideBySide(r.outcome.exchanges, out);
    for (const QString &note : r.outcome.notes)
        out << "Note: " << note << '\n';
    if (r.outcome.networkFailure != client::NetworkFailure::None)
        out << "Network failure (" << client::networkFailureName(r.outcome.networkFailure)
            << "): " << r.outcome.failure << "\n\n";
    if (r.outcome.judged)
        printVerdictText(check::checkResultToJson(r), out);
    else if (r.outcome.networkFailure == client::NetworkFailure::None)
        out << r.outcome.failure << '\n';
    out << '\n';
}

int checkUrl(const CheckCommandOptions &o, QTextStream &out)
{
    QList<check::CheckJob> jobs;
    for (const QString &browser : o.browsers)
        jobs.append({o.request, browser});
    const QList<check::CheckResult> results = check::runChecks(jobs, o.runner);
    const QStringList differences = check::browserDifferences(results);
    if (o.format == CheckCommandOptions::Format::Json) {
        QJsonObject json;
        if (results.size() == 1) {
            json = check::checkResultToJson(results.first());
        } else {
            QJsonArray each;
            for (const check::CheckResult &r : results)
                each.append(check::checkResultToJson(r));
            json.insert(QStringLiteral("results"), each);
            json.insert(QStringLiteral("differences"), QJsonArray::fromStringList(differences));
        }
        out << QJsonDocument(json).toJson(QJsonDocument::Indented);
        return checkExitCode(results);
    }
    for (const check::CheckResult &r : results)
        printResultText(r, o.request, out);
    if (results.size() > 1) {
        if (differences.isEmpty())
            out << "All " << results.size() << " browsers agree.\n";
        else
            out << "The browsers differ:\n  " << differences.join(QStringLiteral("\n  ")) << '\n';
    }
    return checkExitCode(results);
}

// A contract file, refused whole (nothing sent) when any field is wrong.
int checkContract(const CheckCommandOptions &o, QTextStream &out, QTextStream &err)
{
    check::Contract contract;
    QString error;
    if (!check::readContractFile(o.contractFile, &contract, &error)) {
        err << "corslab-cli check: --contract: " << error << '\n';
        return kCliUsageError;
    }
    if (o.browsersGiven) { // --browser decides for every rule
        contract.browsers = o.browsers;
        for (check::ContractRule &rule : contract.rules)
            rule.browsers.clear();
    }
    const QList<check::ContractCase> cases = check::expandContract(contract, o.baseUrl, &error);
    if (cases.isEmpty()) {
        err << "corslab-cli check: --contract: " << o.contractFile << ": "
            << (error.isEmpty() ? QStringLiteral("no case to check") : error) << '\n';
        return kCliUsageError;
    }
    return runCheckCases(cases, QFileInfo(o.contractFile).completeBaseName(), o, out, err);
}

} // namespace

int runCheckCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    CheckCommandOptions options;
    if (const std::optional<int> code = parseCheckCommand(arguments, out, err, &options))
        return *code;
    switch (options.target) {
    case CheckCommandOptions::Target::Url:
        return checkUrl(options, out);
    case CheckCommandOptions::Target::Contract:
        return checkContract(options, out, err);
    case CheckCommandOptions::Target::OpenApi:
        break;
    }
    return checkOpenApi(options, out, err);
}
