#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli check`: one URL, a contract, or an OpenAPI description, checked on the real wire
/// as browsers would make the requests (docs/check.md). Returns the exit code: 0 exposed (or
/// every case passed), 1 blocked (or a case failed), 2 bad input, 3 network failure.
int runCheckCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
