#pragma once

// A session report as a file: its formats, and the writer each format goes to. The writers
// (report_html, report_markdown, report_json) read the report model (session_report.h); only
// this file knows all of them, so the arrows point one way: output -> writers -> model.
#include "session_report.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace corslab::report {

/// The report file formats.
enum class ReportFormat { Html, Markdown, Json };

/// "html", "md", "json".
QString reportFormatName(ReportFormat format);
/// Parses "html", "md" (or "markdown") and "json"; false when \a name is none of them.
bool reportFormatFromName(const QString &name, ReportFormat *out);
/// The format a file name's extension names (.html/.htm, .md/.markdown, .json), nullopt when
/// none.
std::optional<ReportFormat> reportFormatForPath(const QString &path);

/// \a report rendered in \a format (UTF-8).
QByteArray renderReport(const SessionReport &report, ReportFormat format);
/// Writes \a bytes to \a path atomically (QSaveFile): a failure midway leaves any previous file
/// as it was. On failure sets \a error to the path and the reason.
bool saveReportBytes(const QByteArray &bytes, const QString &path, QString *error);
/// renderReport() then saveReportBytes().
bool saveReport(const SessionReport &report, ReportFormat format, const QString &path,
                QString *error);

} // namespace corslab::report
