#include "report_output.h"

#include "report_html.h"
#include "report_json.h"
#include "report_markdown.h"

#include <QFileInfo>
#include <QSaveFile>

namespace corslab::report {

QString reportFormatName(ReportFormat format)
{
    switch (format) {
    case ReportFormat::Markdown:
        return QStringLiteral("md");
    case ReportFormat::Json:
        return QStringLiteral("json");
    case ReportFormat::Html:
        break;
    }
    return QStringLiteral("html");
}

bool reportFormatFromName(const QString &name, ReportFormat *out)
{
    const QString n = name.toLower();
    if (n == QLatin1String("html"))
        *out = ReportFormat::Html;
    else if (n == QLatin1String("md") || n == QLatin1String("markdown"))
        *out = ReportFormat::Markdown;
    else if (n == QLatin1String("json"))
        *out = ReportFormat::Json;
    else
        return false;
    return true;
}

std::optional<ReportFormat> reportFormatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("html") || suffix == QLatin1String("htm"))
        return ReportFormat::Html;
    if (suffix == QLatin1String("md") || suffix == QLatin1String("markdown"))
        return ReportFormat::Markdown;
    if (suffix == QLatin1String("json"))
        return ReportFormat::Json;
    return std::nullopt;
}

QByteArray renderReport(const SessionReport &report, ReportFormat format)
{
    switch (format) {
    case ReportFormat::Markdown:
        return renderReportMarkdown(report);
    case ReportFormat::Json:
        return renderReportJson(report);
    case ReportFormat::Html:
        break;
    }
    return renderReportHtml(report);
}

bool saveReportBytes(const QByteArray &bytes, const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool saveReport(const SessionReport &report, ReportFormat format, const QString &path,
                QString *error)
{
    return saveReportBytes(renderReport(report, format), path, error);
}

} // namespace corslab::report
