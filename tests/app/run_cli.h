#pragma once

// corslab-cli as a real process, for the CLI tests (CORSLAB_CLI is the binary's path, set by
// tests/CMakeLists.txt).
#include <QByteArray>
#include <QProcess>
#include <QStringList>

namespace corslab::testing {

/// How a run of corslab-cli ended.
struct CliRun
{
    int exitCode = -1; ///< -1 when it crashed or was killed
    QByteArray out;
    QByteArray err;
};

/// Runs corslab-cli with \a args, writing \a input to its standard input (nothing when null). A
/// run still going after \a timeoutMs is killed, so a hang fails the test instead of stalling it.
inline CliRun runCli(const QStringList &args, const QByteArray &input = QByteArray(),
                     int timeoutMs = 60000)
{
    QProcess p;
    p.start(QStringLiteral(CORSLAB_CLI), args);
    if (!input.isNull())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace corslab::testing
