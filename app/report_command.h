#pragma once

#include <QStringList>

class QTextStream;

/// `corslab-cli report SESSION --format html|md|json -o FILE`: reads a session file, judges it
/// (under --profile, or the session's own profile) and writes its CORS report. Returns the exit
/// code: 0 when written, 1 when the report could not be written, 2 for bad input or usage (a
/// corrupt session file included, with the session reader's error).
int runReportCommand(const QStringList &arguments, QTextStream &out, QTextStream &err);
