#pragma once

#include <QCommandLineOption>
#include <QString>

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
