// Verdicts per second for a mixed set of scenarios, side by side with the work around a verdict
// (reading the scenario JSON, writing the verdict JSON with explanations and fix), so the figures
// are ratios measured in one run on the same machine.
// Usage: bench_engine [--iterations N] [--rounds R] [--verdict-only]
#include "best_of_rounds.h"
#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/scenario_json.h"
#include "cors/verdict_json.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>
#include <algorithm>
#include <cstdio>

using namespace corslab::cors;
using corslab::bench::bestNsPerCall;

namespace {

// A realistic mix: simple and preflighted, passing and failing, credentials, a redirect.
const char *const kScenarios[] = {
    R"({"request": {"url": "http://localhost:8081/public", "origin": "http://127.0.0.1:8080"},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"], ["Content-Type", "application/json"], ["X-Total", "4"]]}})",
    R"({"request": {"url": "http://localhost:8081/public", "origin": "http://127.0.0.1:8080"},
        "response": {"status": 200, "headers": [["Content-Type", "application/json"]]}})",
    R"({"request": {"url": "http://localhost:8081/items", "origin": "http://127.0.0.1:8080", "method": "PUT",
                    "headers": [["Content-Type", "application/json"], ["Authorization", "Bearer x"]], "credentials": "include"},
        "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "http://127.0.0.1:8080"], ["Access-Control-Allow-Credentials", "true"],
                      ["Access-Control-Allow-Methods", "GET, PUT, DELETE"], ["Access-Control-Allow-Headers", "Content-Type, Authorization"], ["Access-Control-Max-Age", "600"]]},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "http://127.0.0.1:8080"], ["Access-Control-Allow-Credentials", "true"], ["Vary", "Origin"]]}})",
    R"({"request": {"url": "http://localhost:8081/items", "origin": "http://127.0.0.1:8080", "method": "PUT",
                    "headers": [["Content-Type", "application/json"]], "credentials": "include"},
        "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "http://127.0.0.1:8080"], ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "content-type"]]},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}})",
    R"({"request": {"url": "http://localhost:8081/items/1", "origin": "http://localhost:3000", "method": "DELETE"},
        "preflight": {"status": 401, "headers": []},
        "response": {"status": 204, "headers": []}})",
    R"({"request": {"url": "http://localhost:8081/items", "origin": "http://localhost:3000", "method": "PATCH", "headers": [["X-Requested-With", "fetch"]]},
        "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "*"], ["Access-Control-Allow-Headers", "x-other"]]},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}})",
    R"({"request": {"url": "http://localhost:8081/download", "origin": "http://127.0.0.1:8080"},
        "redirects": [{"status": 302, "headers": [["Location", "http://localhost:9000/f/1"], ["Access-Control-Allow-Origin", "*"]]}],
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "http://127.0.0.1:8080"]]}})",
    R"({"request": {"url": "http://localhost:8081/data", "origin": "http://127.0.0.1:8080", "headers": [["Accept", "application/json"], ["Range", "bytes=0-99"]]},
        "response": {"status": 206, "headers": [["Access-Control-Allow-Origin", "http://127.0.0.1:8080"], ["Vary", "Origin"], ["Access-Control-Expose-Headers", "Content-Range, X-Total"], ["Content-Range", "bytes 0-99/1000"]]}})",
};

struct Result
{
    double nsPerItem;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int iterations = 200000;
    int rounds = 5;
    const QStringList args = app.arguments();
    // --verdict-only skips the slower peers, e.g. for counting instructions with callgrind.
    const bool verdictOnly = args.contains(QLatin1String("--verdict-only"));
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--iterations"))
            iterations = std::max(1, args.at(i + 1).toInt());
        else if (args.at(i) == QLatin1String("--rounds"))
            rounds = std::max(1, args.at(i + 1).toInt());
    }

    QList<QByteArray> texts;
    QList<Scenario> scenarios;
    for (const char *text : kScenarios) {
        Scenario s;
        QString error;
        if (!scenarioFromJsonText(text, &s, &error)) {
            std::fprintf(stderr, "bench_engine: bad built-in scenario: %s\n", qPrintable(error));
            return 1;
        }
        texts.append(text);
        scenarios.append(s);
    }
    const BrowserProfile &profile = BrowserProfile::get(Browser::Chromium);
    const qsizetype n = scenarios.size();
    volatile int sink = 0;

    const double verdict = bestNsPerCall(iterations, rounds, [&](int i) {
        const Verdict v = evaluate(scenarios.at(i % n), profile);
        sink = sink + int(v.exposed) + int(v.checks.size());
    });
    if (verdictOnly) {
        std::printf("verdict (evaluate) %.0f ns/verdict\n", verdict);
        return sink == -1 ? 1 : 0;
    }
    const int slow = std::max(1, iterations / 20);
    const double parse = bestNsPerCall(slow, rounds, [&](int i) {
        Scenario s;
        QString error;
        sink = sink + int(scenarioFromJsonText(texts.at(i % n), &s, &error));
    });
    const double full = bestNsPerCall(slow, rounds, [&](int i) {
        const Scenario &s = scenarios.at(i % n);
        const QJsonObject json = verdictToJson(evaluate(s, profile), s, profile);
        sink = sink + int(json.size());
    });

    QTextStream out(stdout);
    out << "CORS engine benchmark: " << n << " mixed scenarios, chromium profile, best of "
        << rounds << " rounds\n";
    out << QStringLiteral(
               "  verdict (evaluate)                   %1 ns/verdict  %2 verdicts/s  1.0x\n")
               .arg(verdict, 8, 'f', 0)
               .arg(1e9 / verdict, 10, 'f', 0);
    out << QStringLiteral(
               "  scenario JSON text -> Scenario       %1 ns/scenario %2 /s          %3x\n")
               .arg(parse, 8, 'f', 0)
               .arg(1e9 / parse, 10, 'f', 0)
               .arg(parse / verdict, 0, 'f', 1);
    out << QStringLiteral(
               "  verdict + explanations + fix (JSON)  %1 ns/verdict  %2 /s          %3x\n")
               .arg(full, 8, 'f', 0)
               .arg(1e9 / full, 10, 'f', 0)
               .arg(full / verdict, 0, 'f', 1);
    return sink == -1 ? 1 : 0;
}
