#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli session info STORE [--urls] [--format text|json]` tells what a session store
/// (or session file) holds: exchanges, disk use, whether it was closed cleanly, what was cut
/// from a torn tail; --urls lists every exchange's URL, one per line. `corslab-cli session
/// export STORE -o FILE.json` writes it as a session file. Opening a store read-only works while
/// a proxy still records into it. Returns 0, 1 when a file cannot be read or written, 2 for bad
/// usage.
int runSessionCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
