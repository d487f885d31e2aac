#include "har_command.h"

#include "cli_common.h"
#include "cors/browser_profile.h"
#include "report/har_export.h"
#include "report/har_import.h"
#include "session/session.h"
#include "session/session_store.h"
#include "workspace/workspace_file.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli har: ");

bool readFile(const QString &path, QByteArray *data, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *data = file.readAll();
    return true;
}

// "12 exchanges: 3 blocked, 2 preflights paired".
QString counts(const session::Session &s)
{
    qsizetype blocked = 0;
    qsizetype paired = 0;
    const QList<session::ExchangeRow> rows = s.rows(0, s.count());
    for (const session::ExchangeRow &row : rows) {
        blocked += row.verdict.state == session::VerdictState::Blocked;
        paired += row.kind == session::ExchangeKind::Preflight &&
                  row.pairing == session::PairingState::Paired;
    }
    return QStringLiteral("%1 exchanges: %2 blocked, %3 preflights paired")
        .arg(s.count())
        .arg(blocked)
        .arg(paired);
}

} // namespace

int runHarCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Converts between CORS Lab session files and HAR 1.2 (docs/har.md).\n"
        "  har export SESSION -o FILE.har   a session as a HAR that Chrome DevTools imports\n"
        "  har import FILE.har -o SESSION   a HAR from Chrome, Firefox or CORS Lab, every "
        "exchange classified, paired and judged"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("export or import."));
    parser.addPositionalArgument(QStringLiteral("input"),
                                 QStringLiteral("The session file or store (export), or the HAR "
                                                "file (import)."));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The file to write (replaced atomically)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption profile = browserProfileOption();
    parser.addOptions({output, profile});
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2 || (positional.first() != QLatin1String("export") &&
                                   positional.first() != QLatin1String("import"))) {
        err << kCommand
            << "expected \"export SESSION -o FILE.har\" or \"import FILE.har -o SESSION\"\n";
        return 2;
    }
    if (!parser.isSet(output) || parser.value(output).isEmpty()) {
        err << kCommand << "--output: expected the file to write (-o FILE)\n";
        return 2;
    }
    const cors::BrowserProfile *browser = nullptr;
    if (parser.isSet(profile)) {
        QString why;
        browser = browserProfileNamed(parser.value(profile), &why);
        if (!browser) {
            err << kCommand << "--browser: " << why << "\n";
            return 2;
        }
    }
    const bool exporting = positional.first() == QLatin1String("export");
    const QString &input = positional.at(1);
    const QString target = parser.value(output);

    QByteArray data;
    QString error;
    const bool isStore = exporting && session::SessionStore::isStore(input);
    if (!isStore && !readFile(input, &data, &error)) {
        err << kCommand << error << "\n";
        return 1;
    }
    session::Session session;
    // A session file the app saved carries its policy and rules too: read, not exported.
    const bool parsed = isStore     ? workspace::readFile(input, &session, nullptr, &error)
                        : exporting ? workspace::readJson(data, &session, nullptr, &error)
                                    : report::loadHar(data, &session, &error, browser);
    if (!parsed) {
        err << kCommand << input << ": " << error << "\n";
        return 2;
    }
    if (exporting && browser)
        session.setProfile(*browser);
    const bool written =
        exporting
            ? report::writeHarFile(session, target, &error)
            : workspace::writeFile(
                  session, target, &error,
                  QStringLiteral("corslab-cli %1").arg(QCoreApplication::applicationVersion()));
    if (!written) {
        err << kCommand << error << "\n";
        return 1;
    }
    out << (exporting ? "exported " : "imported ") << counts(session) << " (profile "
        << session.profile().name << ") to " << target << "\n";
    return 0;
}
