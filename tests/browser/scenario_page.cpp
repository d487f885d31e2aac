#include "scenario_page.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

// The script is fixed; only the case list and the timeout are spliced in. Results go to the page
// origin, so posting them is a same-origin request that CORS never interferes with.
constexpr char PageTemplate[] = R"HTML(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>CORS Lab browser harness</title></head>
<body><pre id="log"></pre>
<script>
"use strict";
const CASES = @CASES@;
const FETCH_TIMEOUT_MS = @TIMEOUT@;
const CASE_MARKER = "@MARKER@";

function log(text) {
  document.getElementById("log").textContent += text + "\n";
}

async function post(path, payload) {
  try {
    await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                       body: JSON.stringify(payload)});
  } catch (e) {
    log("posting " + path + " failed: " + e);
  }
}

async function attempt(testCase) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const init = Object.assign({}, testCase.init, {signal: controller.signal});
    const res = await fetch(testCase.url, init);
    const result = {
      resolved: true, status: res.status, type: res.type, url: res.url,
      headers: [...res.headers.keys()].map((name) => name.toLowerCase()).sort(),
    };
    try {
      await res.text(); // Finish the exchange so the connection can be reused.
    } catch (e) {
      result.bodyError = String(e);
    }
    return result;
  } catch (e) {
    return {resolved: false, error: String(e)};
  } finally {
    clearTimeout(timer);
  }
}

async function run() {
  for (const testCase of CASES) {
    // Marks where this case's console messages start, for browsers whose console is read from
    // their output (tst_console_text: WebKitGTK and Chromium).
    console.info(CASE_MARKER + testCase.id);
    const attempts = [];
    try {
      for (let i = 0; i < testCase.repeat; ++i)
        attempts.push(await attempt(testCase));
    } catch (e) {
      attempts.push({resolved: false, error: "harness: " + e});
    }
    log(testCase.id + ": " + JSON.stringify(attempts));
    await post("/result", {id: testCase.id, attempts: attempts});
  }
  await post("/done", {});
  document.title = "done";
}

run().catch((e) => post("/done", {error: String(e)}));
</script>
</body></html>
)HTML";

} // namespace

QByteArray scenarioPageHtml(const QList<PageCase> &cases, int fetchTimeoutMs)
{
    static const QStringList initFields = {u"method"_s, u"headers"_s,  u"credentials"_s,
                                           u"mode"_s,   u"redirect"_s, u"body"_s};
    QJsonArray pageCases;
    for (const PageCase &pageCase : cases) {
        QJsonObject init;
        for (const QString &field : initFields) {
            if (pageCase.request.contains(field))
                init.insert(field, pageCase.request.value(field));
        }
        pageCases.append(QJsonObject{{u"id"_s, pageCase.id},
                                     {u"repeat"_s, pageCase.repeat},
                                     {u"url"_s, pageCase.request.value(u"url"_s)},
                                     {u"init"_s, init}});
    }
    // JSON is valid JavaScript; escaping '<' keeps a "</script>" inside a string from ending the
    // script element.
    QByteArray json = QJsonDocument(pageCases).toJson(QJsonDocument::Compact);
    json.replace("<", "\\u003c");

    QByteArray html(PageTemplate);
    html.replace("@TIMEOUT@", QByteArray::number(fetchTimeoutMs));
    html.replace("@MARKER@", kConsoleCaseMarker);
    html.replace("@CASES@", json); // Last, so case text is never searched for markers.
    return html;
}
