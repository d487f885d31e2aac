#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli serve`: runs the playground headless until SIGINT/SIGTERM, printing the origins
/// and one line per exchange with the engine's verdict. Returns the exit code (2 for bad usage).
int runServeCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
