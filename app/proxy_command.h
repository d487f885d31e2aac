#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli proxy`: runs the intercepting proxy headless until SIGINT/SIGTERM, printing one
/// line per captured exchange with its kind, pairing and verdict, and writing the session to
/// --record FILE every few seconds and on exit. Returns the exit code (2 for bad usage).
int runProxyCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
