#pragma once

#include <QString>
#include <QStringList>

// Python literals, shared by the Django and Flask generators.
namespace corslab::config {

QString pythonList(const QStringList &items);
/// Python's re.match() anchors at the start only; ".*" in front searches anywhere, as the
/// playground does.
QString pythonSearchPattern(const QString &pattern);

} // namespace corslab::config
