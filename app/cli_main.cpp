#include "attach_command.h"
#include "audit_command.h"
#include "check_command.h"
#include "config_command.h"
#include "contract_command.h"
#include "evaluate_command.h"
#include "har_command.h"
#include "proxy_command.h"
#include "report_command.h"
#include "serve_command.h"
#include "session_command.h"

#include <QCoreApplication>
#include <QTextStream>
#include <cstdio>

namespace {
const char *const kUsage =
    "Usage: corslab-cli <command> [options]\n"
    "\n"
    "Commands:\n"
    "  evaluate FILE|-   Judge one CORS scenario (JSON) and print the verdict\n"
    "  check URL         Send a request to a real API as a browser would and judge it; also\n"
    "                    --contract FILE (CORS as a contract in CI) and --openapi FILE\n"
    "  audit URL         Probe a real API for CORS misconfigurations: every class that holds,\n"
    "                    its severity per browser, the evidence and the fix (json, sarif, html)\n"
    "  contract init     Write the contract that a recorded session or HAR satisfies\n"
    "  serve             Run the playground server (demo origins, live CORS policy)\n"
    "  proxy             Run the intercepting proxy: capture, pair and judge a browser's traffic\n"
    "  attach            Capture a running Chrome/Chromium/Edge over its DevTools protocol (no\n"
    "                    proxy): every tab's requests, with the browser's own CORS verdict\n"
    "  config            Print the nginx, Express, ... configuration of a playground CORS policy\n"
    "  har export|import Convert a session to HAR 1.2, or judge a HAR from Chrome or Firefox\n"
    "  report SESSION    Write a session's CORS report (--format html|md|json -o FILE)\n"
    "  session info|export  What a recorded session store holds; export it as a session file\n"
    "\n"
    "Run 'corslab-cli <command> --help' for a command's options.\n";
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("corslab-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CORSLAB_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") ||
        args.at(1) == QLatin1String("-h")) {
        (args.size() < 2 ? err : out) << kUsage;
        return args.size() < 2 ? 2 : 0;
    }
    if (args.at(1) == QLatin1String("--version")) {
        out << "corslab-cli " << CORSLAB_VERSION << "\n";
        return 0;
    }
    const QString command = args.at(1);
    args.removeAt(1); // the parser of each command sees "corslab-cli [options] args"
    if (command == QLatin1String("evaluate"))
        return runEvaluateCommand(args, out, err);
    if (command == QLatin1String("check"))
        return runCheckCommand(args, out, err);
    if (command == QLatin1String("audit"))
        return runAuditCommand(args, out, err);
    if (command == QLatin1String("contract"))
        return runContractCommand(args, out, err);
    if (command == QLatin1String("serve"))
        return runServeCommand(args, out, err);
    if (command == QLatin1String("proxy"))
        return runProxyCommand(args, out, err);
    if (command == QLatin1String("attach"))
        return runAttachCommand(args, out, err);
    if (command == QLatin1String("config"))
        return runConfigCommand(args, out, err);
    if (command == QLatin1String("session"))
        return runSessionCommand(args, out, err);
    if (command == QLatin1String("har"))
        return runHarCommand(args, out, err);
    if (command == QLatin1String("report"))
        return runReportCommand(args, out, err);
    err << "corslab-cli: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
}
