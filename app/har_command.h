#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli har export SESSION -o FILE.har` writes a session file as a HAR 1.2 log (Chrome
/// DevTools and other HAR tools import it); `corslab-cli har import FILE.har -o SESSION` reads a
/// HAR saved by Chrome, Firefox or CORS Lab, classifies, pairs and judges every exchange, writes
/// the session file and prints one line of counts. Returns the exit code: 0 done, 1 when a file
/// cannot be read or written, 2 for bad usage or a malformed input file.
int runHarCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
