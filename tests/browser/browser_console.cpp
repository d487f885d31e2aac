#include "browser_console.h"

#include "scenario_page.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

/// Splits \a output at the case markers and keeps, per case, capture 1 of every line that
/// \a message matches.
QHash<QString, QStringList> messagesByCase(const QString &output, const QRegularExpression &message)
{
    static const QRegularExpression marker(
        QRegularExpression::escape(QLatin1String(kConsoleCaseMarker)) + u"([^\\s\"]+)"_s);
    QHash<QString, QStringList> messages;
    QString currentCase;
    for (const QString &line : output.split(u'\n')) {
        const QRegularExpressionMatch caseStart = marker.match(line);
        if (caseStart.hasMatch()) {
            currentCase = caseStart.captured(1);
            continue;
        }
        const QRegularExpressionMatch found = message.match(line);
        if (found.hasMatch() && !currentCase.isEmpty())
            messages[currentCase].append(found.captured(1).trimmed());
    }
    return messages;
}

} // namespace

QHash<QString, QStringList> webkitSecurityErrorsByCase(const QString &output)
{
    static const QRegularExpression securityError(u"CONSOLE SECURITY ERROR (.*)$"_s);
    return messagesByCase(output, securityError);
}

QHash<QString, QStringList> chromiumCorsMessagesByCase(const QString &output)
{
    static const QRegularExpression corsMessage(
        u":CONSOLE[^\\]]*\\] \"(Access to fetch at .* has been blocked by CORS policy: .*)\", "
        "source: "_s);
    return messagesByCase(output, corsMessage);
}
