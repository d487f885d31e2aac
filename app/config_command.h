#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli config --for TARGET [--policy FILE | --preset NAME] [--origins ...]`: prints the
/// configuration that makes a real server (nginx, Express, ...) answer like the playground
/// policy, and on stderr one "note:" line per difference the target cannot avoid. Returns the
/// exit code: 0 when printed, 2 for bad input or usage.
int runConfigCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
