#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace corslab::report {

struct SessionReport;

/// The format version this build writes (docs/report-format.md).
constexpr int kReportFormatVersion = 1;

/// \brief The report for tools: the shape documented in docs/report-format.md ("format":
/// "corslab-report", "version": 1). Bytes from the capture (methods, URLs, header names and
/// values) are Latin-1 text, as in the session file; every blocked pair is listed, those past
/// the cap by line only.
QJsonObject reportToJson(const SessionReport &report);
/// reportToJson() as indented UTF-8.
QByteArray renderReportJson(const SessionReport &report);

} // namespace corslab::report
