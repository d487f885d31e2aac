#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli evaluate FILE|-`: judges one scenario and prints the verdict. Returns the exit
/// code: 0 when evaluated (whatever the verdict), 2 for bad input or usage.
int runEvaluateCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
