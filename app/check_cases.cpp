#include "check_cases.h"

#include "check/check_json.h"
#include "check/contract_judge.h"
#include "check/junit_writer.h"
#include "cli_common.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

using namespace corslab;

namespace {

enum ExitCode { kAllPassed = 0, kSomeFailed = 1, kCannotWrite = 2 };

void printCaseText(const check::ContractCase &c, const check::CaseResult &r, QTextStream &out)
{
    out << (r.passed() ? "✓ " : "✗ ") << c.name << '\n';
    for (const QString &reason : r.reasons)
        out << "    " << reason << '\n';
    if (!r.fix.isEmpty())
        out << "    Fix: " << r.fix << '\n';
}

QJsonObject caseJson(const check::ContractCase &c, const check::CaseResult &r,
                     const check::CheckResult &result)
{
    static const char *const outcomes[] = {"passed", "failed", "error"};
    return {{QStringLiteral("name"), c.name},
            {QStringLiteral("browser"), c.browser},
            {QStringLiteral("expect"), check::expectationName(c.expect)},
            {QStringLiteral("outcome"), QString::fromLatin1(outcomes[int(r.outcome)])},
            {QStringLiteral("reasons"), QJsonArray::fromStringList(r.reasons)},
            {QStringLiteral("fix"), r.fix.isEmpty() ? QJsonValue::Null : QJsonValue(r.fix)},
            {QStringLiteral("result"), check::checkResultToJson(result)}};
}

} // namespace

int checkExitCode(const QList<check::CheckResult> &results)
{
    enum { kExposed = 0, kBlocked = 1, kNetworkFailure = 3 };
    bool blocked = false;
    for (const check::CheckResult &r : results) {
        if (!r.observation.networkFailure.isEmpty())
            return kNetworkFailure;
        blocked = blocked || !r.observation.exposed;
    }
    return blocked ? kBlocked : kExposed;
}

int runCheckCases(const QList<check::ContractCase> &cases, const QString &suiteName,
                  const CheckCommandOptions &options, QTextStream &out, QTextStream &err)
{
    QList<check::CheckJob> jobs;
    for (const check::ContractCase &c : cases)
        jobs.append({c.request, c.browser});
    QElapsedTimer clock;
    clock.start();
    const QList<check::CheckResult> results = check::runChecks(jobs, options.runner);
    // The cases run a few at a time: each gets an equal share of the run's time.
    const qint64 share = cases.isEmpty() ? 0 : clock.elapsed() / cases.size();
    QList<check::CaseResult> judged;
    QList<qint64> durations;
    int passed = 0;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        judged.append(check::judgeCase(cases.at(i), results.at(i).observation));
        durations.append(share);
        passed += judged.last().passed() ? 1 : 0;
    }
    const int failed = int(cases.size()) - passed;
    if (options.format == CheckCommandOptions::Format::Json) {
        QJsonArray each;
        for (qsizetype i = 0; i < cases.size(); ++i)
            each.append(caseJson(cases.at(i), judged.at(i), results.at(i)));
        out << QJsonDocument(QJsonObject{{QStringLiteral("cases"), each},
                                         {QStringLiteral("passed"), passed},
                                         {QStringLiteral("failed"), failed}})
                   .toJson(QJsonDocument::Indented);
    } else {
        for (qsizetype i = 0; i < cases.size(); ++i)
            printCaseText(cases.at(i), judged.at(i), out);
        out << '\n' << passed << " passed, " << failed << " failed\n";
    }
    if (!options.junitFile.isEmpty() &&
        !writeCliOutput(options.junitFile, check::junitXml(suiteName, cases, judged, durations),
                        QStringLiteral("corslab-cli check: "), QStringLiteral("--junit"), out, err))
        return kCannotWrite;
    return failed == 0 ? kAllPassed : kSomeFailed;
}
