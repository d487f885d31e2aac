#pragma once

#include "contract.h"

#include <QByteArray>
#include <QString>

/// Contract files: JSON or YAML with the same structure (the fields: contract_json.cpp).
namespace corslab::check {

enum class ContractFormat { Json, Yaml };

/// Parses \a text, YAML when base::looksLikeYaml(\a fileName, \a text) says so, else JSON.
/// False with \a error starting with \a fileName ("api.yaml: rules[2].credentials: expected
/// omit, same-origin or include, got \"yes\""); \a out is written only on success.
bool readContract(const QByteArray &text, const QString &fileName, Contract *out, QString *error);
/// readContract() of the file at \a path.
bool readContractFile(const QString &path, Contract *out, QString *error);

/// \a contract as a file readContract() reads back into an equal Contract.
QByteArray writeContract(const Contract &contract, ContractFormat format);

/// The format a file name asks for: YAML for .yaml / .yml, else JSON.
ContractFormat contractFormatFor(const QString &fileName);

} // namespace corslab::check
