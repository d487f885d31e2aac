#pragma once

#include "scenario.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace corslab::cors {

/// Reads a scenario in the `corslab-cli evaluate` shape (docs/cli.md). Returns false and sets
/// \a error to a message naming the field and what was expected; never throws.
bool scenarioFromJson(const QJsonObject &json, Scenario *out, QString *error);
/// Parses JSON text and then the scenario; \a error also covers JSON syntax errors.
bool scenarioFromJsonText(const QByteArray &text, Scenario *out, QString *error);
/// The scenario in the same shape (defaults written out), for reports and fixes.
QJsonObject scenarioToJson(const Scenario &scenario);
/// A header list as JSON: [["Name", "value"], ...] in order.
QJsonArray headerListToJson(const HeaderList &headers);

} // namespace corslab::cors
