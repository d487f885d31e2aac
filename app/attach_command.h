#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli attach`: attaches to a running Chromium-family browser over its DevTools
/// protocol and captures every tab's traffic (no proxy, no certificate) until SIGINT/SIGTERM or
/// the browser goes away, printing one line per exchange with the engine's verdict beside the
/// browser's own. Returns the exit code (2 for bad usage, 1 when it could not attach).
int runAttachCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
