#include "cli_common.h"

#include "cors/browser_profile.h"
#include "unix_signal_watcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSaveFile>
#include <QTextStream>

QCommandLineOption browserProfileOption()
{
    return QCommandLineOption(
        {QStringLiteral("b"), QStringLiteral("browser")},
        QStringLiteral("Browser profile for the verdicts: %1.")
            .arg(corslab::cors::BrowserProfile::names().join(QStringLiteral(", "))),
        QStringLiteral("NAME"), QStringLiteral("chromium"));
}

const corslab::cors::BrowserProfile *browserProfileNamed(const QString &name, QString *error)
{
    const corslab::cors::BrowserProfile *profile = corslab::cors::BrowserProfile::byName(name);
    if (!profile)
        *error = QStringLiteral("expected one of %1, got \"%2\"")
                     .arg(corslab::cors::BrowserProfile::names().join(QStringLiteral(", ")), name);
    return profile;
}

void stopOnTerminationSignal(UnixSignalWatcher &watcher, QTextStream &out)
{
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, qApp, [&out](int number) {
        out << "Stopping (signal " << number << ").\n";
        out.flush();
        QCoreApplication::quit();
    });
}

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments,
                                    const QString &prefix, QTextStream &out, QTextStream &err)
{
    if (!parser.parse(arguments)) {
        err << prefix << parser.errorText() << "\n";
        return kCliUsageError;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    return std::nullopt;
}

bool writeCliOutput(const QString &path, const QByteArray &bytes, const QString &prefix,
                    const QString &option, QTextStream &out, QTextStream &err)
{
    if (path.isEmpty() || path == QLatin1String("-")) {
        out << QString::fromUtf8(bytes);
        out.flush();
        return true;
    }
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    err << prefix << option << ": cannot write " << path << ": " << file.errorString() << '\n';
    return false;
}
