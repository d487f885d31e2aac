#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace corslab::check {

/// \a value as indented JSON whose object keys come in the order of \a keyOrder (keys it does not
/// name last, alphabetically), so a written file reads in the order a person writes it;
/// QJsonDocument would sort every object's keys.
QByteArray orderedJsonText(const QJsonValue &value, const QStringList &keyOrder);

/// The keys of \a object in the order of \a keyOrder, then the others alphabetically.
QStringList orderedKeys(const QJsonObject &object, const QStringList &keyOrder);

} // namespace corslab::check
