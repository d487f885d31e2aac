#include "contract_command.h"

#include "check/contract_file.h"
#include "check/contract_init.h"
#include "cli_common.h"

#include <QCommandLineParser>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli contract init: ");

} // namespace

int runContractCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "contract init: writes the CORS contract that a recording satisfies: each distinct "
        "origin, URL, method, header set and credentials mode with its observed verdict. Check it "
        "later with 'corslab-cli check --contract FILE'."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("init"), QStringLiteral("The subcommand."));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("The recording: a CORS Lab session file or a HAR "
                                                 "(Chrome, Firefox, CORS Lab)."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption origin(QStringLiteral("origin"),
                                    QStringLiteral("Keep only the requests of this page origin "
                                                   "(repeatable)."),
                                    QStringLiteral("O"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Write to FILE (default: standard output)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("json or yaml (default: by the -o file's "
                                                   "extension, else json)."),
                                    QStringLiteral("F"));
    parser.addOptions({from, origin, output, format});
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    if (parser.positionalArguments() != QStringList{QStringLiteral("init")}) {
        err << "corslab-cli contract: expected the subcommand init, got \""
            << parser.positionalArguments().join(QLatin1Char(' ')) << "\"\n";
        return kCliUsageError;
    }
    if (!parser.isSet(from)) {
        err << kCommand << "--from: expected a session file or a HAR, got none\n";
        return kCliUsageError;
    }
    check::ContractFormat chosen = check::contractFormatFor(parser.value(output));
    if (parser.isSet(format)) {
        const QString f = parser.value(format);
        if (f != QLatin1String("json") && f != QLatin1String("yaml")) {
            err << kCommand << "--format: expected json or yaml, got \"" << f << "\"\n";
            return kCliUsageError;
        }
        chosen =
            f == QLatin1String("yaml") ? check::ContractFormat::Yaml : check::ContractFormat::Json;
    }
    QList<QByteArray> origins;
    for (const QString &o : parser.values(origin))
        origins.append(o.toUtf8());
    check::Contract contract;
    QString error;
    if (!check::contractFromFile(parser.value(from), origins, &contract, &error)) {
        err << kCommand << "--from: " << error << '\n';
        return kCliUsageError;
    }
    return writeCliOutput(parser.value(output), check::writeContract(contract, chosen), kCommand,
                          QStringLiteral("-o"), out, err)
               ? 0
               : kCliUsageError;
}
