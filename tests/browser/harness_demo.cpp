// Manual check of the browser harness: runs a few sample CORS scenarios in headless Chromium and
// prints every observation as JSON. Usage: browser_harness_demo [timeout-ms]

#include "browser_harness.h"
#include "chromium_runner.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// Each entry: {"id", "repeat"?, "scenario"}. Ids double as URL path segments.
constexpr char SampleCases[] = R"JSON([
{"id": "simple-get-acao", "scenario": {
  "request": {"url": "{TARGET}/case/simple-get-acao/0", "origin": "{ORIGIN}"},
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}}},

{"id": "simple-get-no-acao", "scenario": {
  "request": {"url": "{TARGET}/case/simple-get-no-acao/0", "origin": "{ORIGIN}"},
  "response": {"status": 200, "headers": []}}},

{"id": "put-json-preflight", "scenario": {
  "request": {"url": "{TARGET}/case/put-json-preflight/0", "origin": "{ORIGIN}", "method": "PUT",
              "headers": [["Content-Type", "application/json"]], "body": "{}"},
  "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Access-Control-Allow-Methods", "PUT"],
                                           ["Access-Control-Allow-Headers", "Content-Type"]]},
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}}},

{"id": "exposed-header", "scenario": {
  "request": {"url": "{TARGET}/case/exposed-header/0", "origin": "{ORIGIN}"},
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"],
                                          ["X-Custom", "42"], ["X-Hidden", "1"],
                                          ["Access-Control-Expose-Headers", "X-Custom"]]}}},

{"id": "max-age-repeat", "repeat": 2, "scenario": {
  "request": {"url": "{TARGET}/case/max-age-repeat/0", "origin": "{ORIGIN}", "method": "PUT"},
  "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Access-Control-Allow-Methods", "PUT"],
                                           ["Access-Control-Max-Age", "60"]]},
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}}},

{"id": "redirect-to-other", "scenario": {
  "request": {"url": "{TARGET}/case/redirect-to-other/0", "origin": "{ORIGIN}"},
  "redirects": [{"status": 302, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                            ["Location", "{OTHER}/case/redirect-to-other/1"]]}],
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}},

{"id": "custom-method-foo", "scenario": {
  "request": {"url": "{TARGET}/case/custom-method-foo/0", "origin": "{ORIGIN}", "method": "FOO"},
  "preflight": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"],
                                           ["Access-Control-Allow-Methods", "FOO"]]},
  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "{ORIGIN}"]]}}}
])JSON";

QList<BrowserCase> sampleCases()
{
    QList<BrowserCase> cases;
    for (const QJsonValue &value : QJsonDocument::fromJson(SampleCases).array()) {
        const QJsonObject object = value.toObject();
        cases.append({object.value(u"id"_s).toString(), object.value(u"scenario"_s).toObject(),
                      object.value(u"repeat"_s).toInt(1)});
    }
    return cases;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int timeoutMs = argc > 1 ? QByteArray(argv[1]).toInt() : 120000;

    ChromiumRunner chromium;
    std::printf("browser: %s\n", qPrintable(chromium.version()));

    QList<BrowserObservation> observations;
    QString error;
    const bool ok = runInBrowser(chromium, sampleCases(), &observations, &error, timeoutMs);
    for (const BrowserObservation &observation : observations)
        std::printf("%s\n", QJsonDocument(observationToJson(observation)).toJson().constData());
    if (!ok) {
        std::fprintf(stderr, "harness failed: %s\nbrowser output:\n%s\n", qPrintable(error),
                     chromium.output().constData());
        return 1;
    }
    return 0;
}
