#pragma once

#include "browser_case.h"

#include <QList>

/// \brief The CORS scenarios tst_browser_chromium runs in headless Chromium.
///
/// Each case id names the Fetch-standard rule it covers (https://fetch.spec.whatwg.org/); the
/// scenario's "comment" says what the case checks. Every request goes to
/// {TARGET}/case/<id>/0 from {ORIGIN}. Cases whose behaviour depends on a preflight decision
/// answer the preflight permissively, so that only the decision itself can differ.
QList<BrowserCase> chromiumCases();
