#include "session_command.h"

#include "base/quantity_text.h"
#include "cli_common.h"
#include "session/session.h"
#include "session/session_store.h"
#include "workspace/workspace_file.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli session: ");
constexpr int kUsageError = 2;
constexpr int kFileError = 1;
// URLs are copied out of the session this many at a time (the lock is held per chunk).
constexpr qsizetype kUrlChunk = 65536;

/// What `info` reports: the store's own figures, or a session file's count.
struct Info
{
    QString path;
    bool isStore = false;
    session::StoreOpenReport report;
    session::StoreStats stats;
    qsizetype exchanges = 0;
    qint64 firstId = 0;
    QString profile;
    qint64 bodyCap = 0;
};

bool load(const QString &path, session::Session *session, Info *info, QString *error)
{
    info->path = path;
    info->isStore = session::SessionStore::isStore(path);
    const bool loaded =
        info->isStore
            ? session::SessionStore::open(path, session::SessionStore::Mode::ReadOnly, {}, session,
                                          workspace::extensions(), nullptr, &info->report, error)
            : workspace::readFile(path, session, nullptr, error);
    if (!loaded)
        return false;
    if (info->isStore)
        info->stats = static_cast<session::SessionStore *>(session->log())->stats();
    info->exchanges = session->count();
    info->firstId = info->exchanges ? session->row(0).id : 0;
    info->profile = session->profile().name;
    info->bodyCap = session->bodyCap();
    return true;
}

QJsonObject infoJson(const Info &i)
{
    QJsonObject o{
        {QStringLiteral("path"), i.path},
        {QStringLiteral("kind"), i.isStore ? QStringLiteral("store") : QStringLiteral("file")},
        {QStringLiteral("exchanges"), qint64(i.exchanges)},
        {QStringLiteral("first_id"), i.firstId},
        {QStringLiteral("last_id"), i.exchanges ? i.firstId + i.exchanges - 1 : 0},
        {QStringLiteral("profile"), i.profile},
        {QStringLiteral("body_cap"), i.bodyCap}};
    if (i.isStore) {
        o.insert(QStringLiteral("closed_cleanly"), i.report.wasClean);
        o.insert(QStringLiteral("segments"), i.report.segments);
        o.insert(QStringLiteral("disk_bytes"), i.stats.diskBytes);
        o.insert(QStringLiteral("torn_bytes"), i.report.cutBytes);
        o.insert(QStringLiteral("bodies_not_kept"), i.report.bodiesNotKept);
        o.insert(QStringLiteral("problems"), QJsonArray::fromStringList(i.report.problems));
    }
    return o;
}

void printInfo(const Info &i, QTextStream &out)
{
    out << (i.isStore ? "session store " : "session file ") << i.path << "\n";
    out << "  exchanges:  " << i.exchanges;
    if (i.exchanges)
        out << " (ids " << i.firstId << " to " << i.firstId + i.exchanges - 1 << ")";
    out << "\n  profile:    " << i.profile << ", bodies kept up to " << i.bodyCap << " bytes\n";
    if (!i.isStore)
        return;
    out << "  on disk:    " << base::formatByteSize(i.stats.diskBytes) << " in "
        << i.report.segments << " segments\n";
    if (i.report.bodiesNotKept > 0)
        out << "  bodies:     " << i.report.bodiesNotKept
            << " exchanges without their bodies (the disk could not take them)\n";
    out << "  closed:     "
        << (i.report.wasClean ? "cleanly"
                              : "not closed (a crash, a kill, or still recording): read up to "
                                "the last whole record")
        << "\n";
    for (const QString &problem : i.report.problems)
        out << "  problem:    " << problem << "\n";
}

void printUrls(const session::Session &session, QTextStream &out)
{
    const qsizetype n = session.count();
    for (qsizetype first = 0; first < n; first += kUrlChunk) {
        QByteArray lines;
        session.scanRows(first, kUrlChunk, [&](const session::ExchangeRowView &row) {
            lines.append(row.url.data(), row.url.size());
            lines.append('\n');
        });
        out << lines;
    }
}

int runInfo(const QCommandLineParser &parser, const QString &path, const QCommandLineOption &urls,
            const QCommandLineOption &format, QTextStream &out, QTextStream &err)
{
    const QString f = parser.value(format);
    if (f != QLatin1String("text") && f != QLatin1String("json")) {
        err << kCommand << "--format: expected text or json, got \"" << f << "\"\n";
        return kUsageError;
    }
    session::Session session;
    Info info;
    QString error;
    if (!load(path, &session, &info, &error)) {
        err << kCommand << error << "\n";
        return kFileError;
    }
    if (parser.isSet(urls))
        printUrls(session, out);
    else if (f == QLatin1String("json"))
        out << QJsonDocument(infoJson(info)).toJson();
    else
        printInfo(info, out);
    return 0;
}

int runExport(const QString &path, const QString &target, QTextStream &out, QTextStream &err)
{
    if (target.isEmpty()) {
        err << kCommand << "--output: expected the session file to write (-o FILE.json)\n";
        return kUsageError;
    }
    session::Session session;
    workspace::Workspace saved;
    QString error;
    if (!workspace::readFile(path, &session, &saved, &error)) {
        err << kCommand << error << "\n";
        return kFileError;
    }
    if (!workspace::writeFile(
            session, target, &error,
            QStringLiteral("corslab-cli ") + QCoreApplication::applicationVersion(), saved)) {
        err << kCommand << error << "\n";
        return kFileError;
    }
    out << "exported " << session.count() << " exchanges to " << target << "\n";
    return 0;
}

} // namespace

int runSessionCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Reads a session store (the directory --record writes) or a session file.\n"
                       "  session info STORE [--urls] [--format text|json]   what it holds\n"
                       "  session export STORE -o FILE.json                  as a session file"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("info or export."));
    parser.addPositionalArgument(QStringLiteral("store"),
                                 QStringLiteral("The session store or session file."));
    const QCommandLineOption urls(QStringLiteral("urls"),
                                  QStringLiteral("info: every exchange's URL, one per line."));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("info: text (default) or json."),
                                    QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("export: the session file to write."),
                                    QStringLiteral("FILE"));
    parser.addOptions({urls, format, output});
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    if (positional.size() != 2 ||
        (action != QLatin1String("info") && action != QLatin1String("export"))) {
        err << kCommand << "expected \"info STORE\" or \"export STORE -o FILE.json\"\n";
        return kUsageError;
    }
    if (action == QLatin1String("info"))
        return runInfo(parser, positional.at(1), urls, format, out, err);
    return runExport(positional.at(1), parser.value(output), out, err);
}
