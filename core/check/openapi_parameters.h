#pragma once

#include "openapi_document.h"

#include <QJsonValue>
#include <QString>

/// An operation's parameters put into its request (internal to openapi_probes).
namespace corslab::check::openapi {

/// Where a parameter travels (Parameter object, `in`).
enum class ParameterLocation { Path, Query, Header, Cookie };

/// Both lists of parameters of an operation: the Path Item's and the operation's own.
struct ParameterLists
{
    QJsonValue pathLevel; ///< the Path Item's `parameters` (may be undefined)
    QString pathLevelPath;
    QJsonValue operationLevel; ///< the operation's `parameters` (may be undefined)
    QString operationLevelPath;
};

/// Fills \a parts from \a lists, the operation's parameter winning over the Path Item's of the
/// same name and location: \a pathTemplate's variables with their values (percent-encoded),
/// required query parameters, required header parameters as headers; cookie parameters only as
/// a note (a script cannot set Cookie). Every value chosen adds a note saying where it came from.
bool applyParameters(Document &doc, const ParameterLists &lists, const QString &pathTemplate,
                     RequestParts *parts);

} // namespace corslab::check::openapi
