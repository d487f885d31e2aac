#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QString>
#include <QStringList>
#include <optional>

class QCommandLineParser;
class QTextStream;
class UnixSignalWatcher;

namespace corslab::cors {
struct BrowserProfile;
}

/// `-b, --browser NAME`: the browser profile the verdicts are for (chromium by default).
QCommandLineOption browserProfileOption();
/// The profile called \a name, or null with \a error saying what was expected.
const corslab::cors::BrowserProfile *browserProfileNamed(const QString &name, QString *error);

/// On SIGINT/SIGTERM: says so on \a out and quits the event loop (the command then cleans up).
void stopOnTerminationSignal(UnixSignalWatcher &watcher, QTextStream &out);

/// The exit code for bad usage: one line on stderr naming the option and what was expected.
constexpr int kCliUsageError = 2;

/// Parses \a arguments with \a parser (its options and help option already added). Returns
/// nullopt when the command should go on; otherwise the exit code: 0 after --help (printed on
/// \a out), kCliUsageError after a parse error ("\a prefix<error>" on \a err; \a prefix is
/// "corslab-cli NAME: ").
/// Writes \a bytes to \a path atomically (QSaveFile), or to \a out when \a path is empty or
/// "-". On failure prints "<prefix><option>: cannot write PATH: reason" on \a err.
bool writeCliOutput(const QString &path, const QByteArray &bytes, const QString &prefix,
                    const QString &option, QTextStream &out, QTextStream &err);

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments,
                                    const QString &prefix, QTextStream &out, QTextStream &err);
