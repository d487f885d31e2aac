#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli contract init --from session.json|capture.har [--origin O]... [-o FILE]`: writes
/// the contract that the recorded traffic satisfies (JSON, or YAML for a .yaml/.yml file or
/// --format yaml). Returns 0, or 2 for bad input.
int runContractCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
