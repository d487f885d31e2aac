#include "webkit_console.h"

#include "scenario_page.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

QHash<QString, QStringList> webkitSecurityErrorsByCase(const QString &consoleOutput)
{
    static const QRegularExpression marker(
        u"CONSOLE \\w+ "_s + QRegularExpression::escape(QLatin1String(kConsoleCaseMarker)) +
        u"(\\S+)"_s);
    static const QLatin1String securityError("CONSOLE SECURITY ERROR ");
    QHash<QString, QStringList> sentences;
    QString currentCase;
    for (const QString &line : consoleOutput.split(u'\n')) {
        const QRegularExpressionMatch caseStart = marker.match(line);
        if (caseStart.hasMatch()) {
            currentCase = caseStart.captured(1);
            continue;
        }
        const qsizetype at = line.indexOf(securityError);
        if (at >= 0 && !currentCase.isEmpty())
            sentences[currentCase].append(line.mid(at + securityError.size()).trimmed());
    }
    return sentences;
}
