#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli audit URL`: probes a real API for CORS misconfigurations (docs/audit.md). Exit
/// codes: 0 nothing above info, 1 a finding of low or above, 2 bad input, 3 network failure.
int runAuditCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
