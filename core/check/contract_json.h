#pragma once

#include "contract.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

/// A contract as the JSON tree both of its file formats (JSON, YAML) are read into.
namespace corslab::check {

/// Reads and checks \a value (the whole document). False with \a error naming the field and what
/// was expected (`rules[2].credentials: expected omit, same-origin or include, got "yes"`);
/// unknown keys are refused by name. \a out is written only on success.
bool contractFromJson(const QJsonValue &value, Contract *out, QString *error);

/// \a contract as the tree contractFromJson() reads back into an equal Contract: defaults are
/// left out, headers are written as "Name: value" strings (keeping their order and duplicates).
QJsonObject contractToJson(const Contract &contract);

/// The keys of a contract in the order a person reads them, for writers that keep an order.
const QStringList &contractKeyOrder();

} // namespace corslab::check
