#pragma once

#include "browser_profile.h"
#include "fix_finder.h"
#include "scenario.h"
#include "verdict.h"

#include <QJsonObject>

namespace corslab::cors {

/// The verdict in the `corslab-cli evaluate` output shape (docs/cli.md), with every explanation
/// written out and the fix computed.
QJsonObject verdictToJson(const Verdict &verdict, const Scenario &scenario,
                          const BrowserProfile &profile);
/// The fix object of that shape (null when there is no fix).
QJsonValue fixToJson(const std::optional<Fix> &fix);

/// Reads scenario JSON, judges it, and returns the verdict JSON: the whole `evaluate` command.
/// Returns false with \a error (field and expectation) for bad input.
bool evaluateJson(const QJsonObject &scenario, QJsonObject *verdict, QString *error);

} // namespace corslab::cors
