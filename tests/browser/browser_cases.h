#pragma once

#include "browser_case.h"

#include <QJsonObject>
#include <QList>

/// \brief The browser-neutral CORS scenarios that tst_browser_chromium (headless Chromium) and
/// tst_browser_firefox (headless Firefox ESR) run and compare with the engine's profiles.
///
/// Each case id names the Fetch-standard rule it covers (https://fetch.spec.whatwg.org/); the
/// scenario's "comment" says what the case checks. Every request goes to
/// {TARGET}/case/<id>/0 from {ORIGIN}. Cases whose behaviour depends on a preflight decision
/// answer the preflight permissively, so that only the decision itself can differ.
QList<BrowserCase> browserCases();

/// One row of a case table ({"id", "rule", "repeat"?, "request"?, "preflight"?, "redirects"?,
/// "response"}) as a case: the request's URL ({TARGET}/case/<id>/0) and Origin ({ORIGIN}) added,
/// "rule" as the scenario's comment.
BrowserCase browserCaseFromRow(QJsonObject row);
