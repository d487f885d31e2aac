#pragma once

#include "check_runner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace corslab::check {

/// One result as `check --format json` prints it: the fields of `evaluate`'s verdict
/// (exposed, preflight_required, preflight_request, readable_headers, error, response_type,
/// fix, ...) for the engine's deciding judgement, plus `exchanges` (every request and response
/// head as it went on the wire), `network_failure` (null, or its kind and reason) and `notes`.
QJsonObject checkResultToJson(const CheckResult &result);

/// Request and response heads in wire order: [{"request": {method, url, headers},
/// "response": {status, reason, headers} | null, "error": text | null}].
QJsonArray exchangesToJson(const QList<session::CapturedExchange> &exchanges);

/// Where the results of one request under several browsers differ, a sentence per difference
/// ("firefox: blocked (PreflightInvalidAllowHeaders) where chromium: exposed"); empty when they
/// agree.
QStringList browserDifferences(const QList<CheckResult> &results);

} // namespace corslab::check
