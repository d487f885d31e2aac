#include "python_text.h"

#include "config_text.h"

namespace corslab::config {

QString pythonList(const QStringList &items)
{
    return QLatin1Char('[') + quotedList(items) + QLatin1Char(']');
}

QString pythonSearchPattern(const QString &pattern)
{
    return QStringLiteral(".*(?:") + pattern + QLatin1Char(')');
}

} // namespace corslab::config
