#include "serve_command.h"

#include "base/header_list.h"
#include "cli_common.h"
#include "cors/browser_profile.h"
#include "server/playground_server.h"
#include "session/exchange_judge.h"
#include "unix_signal_watcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>
#include <charconv>
#include <cstdio>

using namespace corslab;

namespace {

// "HH:mm:ss.zzz" of a local time in milliseconds since the epoch, without QDateTime's time-zone
// work per call.
QByteArray clockText(qint64 localMs)
{
    const qint64 ms = ((localMs % 86400000) + 86400000) % 86400000;
    const int parts[] = {int(ms / 3600000), int(ms / 60000 % 60), int(ms / 1000 % 60)};
    QByteArray text(12, ':');
    for (int i = 0; i < 3; ++i) {
        text[i * 3] = char('0' + parts[i] / 10);
        text[i * 3 + 1] = char('0' + parts[i] % 10);
    }
    text[8] = '.';
    text[9] = char('0' + ms % 1000 / 100);
    text[10] = char('0' + ms % 100 / 10);
    text[11] = char('0' + ms % 10);
    return text;
}

bool parsePort(const QString &text, quint16 *port)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0 || value > 65533) // three consecutive ports are needed
        return false;
    *port = static_cast<quint16>(value);
    return true;
}

} // namespace

int runServeCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the CORS Lab playground headless: a demo API origin, a trusted app origin and an "
        "untrusted origin on loopback, with a CORS policy you choose. Prints their URLs and one "
        "line "
        "per exchange with the engine's verdict. Stop with Ctrl+C."));
    parser.addHelpOption();
    const QCommandLineOption port(
        {QStringLiteral("p"), QStringLiteral("port")},
        QStringLiteral("API port; the app and the untrusted page take the "
                       "next two. 0 (default) picks free ports."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption policyFile(
        QStringLiteral("policy"),
        QStringLiteral("Load the CORS policy from a JSON file (docs/policy.md)."),
        QStringLiteral("FILE"));
    const QCommandLineOption preset(
        QStringLiteral("preset"), QStringLiteral("Start from a named preset (see --list-presets)."),
        QStringLiteral("NAME"));
    const QCommandLineOption listPresets(QStringLiteral("list-presets"),
                                         QStringLiteral("Print the presets and exit."));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QStringLiteral("Address to listen on (default 127.0.0.1 and ::1). "
                       "Anything else exposes the playground to your network."),
        QStringLiteral("ADDR"));
    const QCommandLineOption browser = browserProfileOption();
    const QCommandLineOption sameSite(
        QStringLiteral("cookie-samesite"),
        QStringLiteral("SameSite attribute of the login cookie: Lax (default), Strict or None."),
        QStringLiteral("VALUE"), QStringLiteral("Lax"));
    const QCommandLineOption secure(
        QStringLiteral("cookie-secure"),
        QStringLiteral("Mark the login cookie Secure (browsers then drop it over http://)."));
    const QCommandLineOption quiet(
        QStringLiteral("quiet"),
        QStringLiteral("Print no line per exchange (the banner and errors only)."));
    parser.addOptions(
        {port, policyFile, preset, listPresets, listen, browser, sameSite, secure, quiet});
    if (const std::optional<int> code =
            parseCommandLine(parser, arguments, QStringLiteral("corslab-cli serve: "), out, err))
        return *code;
    if (parser.isSet(listPresets)) {
        for (const policy::CorsPolicy &p : policy::CorsPolicy::presets()) {
            out << p.name << "\n";
            for (const QString &d : p.dangers())
                out << "    " << d << "\n";
        }
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "corslab-cli serve: unexpected argument \"" << parser.positionalArguments().first()
            << "\"\n";
        return 2;
    }
    server::PlaygroundServer::Options options;
    if (!parsePort(parser.value(port), &options.apiPort)) {
        err << "corslab-cli serve: --port: expected a port from 0 to 65533, got \""
            << parser.value(port) << "\"\n";
        return 2;
    }
    if (options.apiPort != 0) {
        options.appPort = options.apiPort + 1;
        options.evilPort = options.apiPort + 2;
    }
    if (parser.isSet(listen)) {
        QHostAddress address;
        if (!address.setAddress(parser.value(listen))) {
            err << "corslab-cli serve: --listen: expected an IP address such as 127.0.0.1, got \""
                << parser.value(listen) << "\"\n";
            return 2;
        }
        options.address = address;
        if (!address.isLoopback())
            err << "corslab-cli serve: warning: listening on " << address.toString()
                << ": the playground (and its deliberately broken CORS policies) is reachable from "
                   "your network\n";
    }
    QString why;
    const cors::BrowserProfile *profile = browserProfileNamed(parser.value(browser), &why);
    if (!profile) {
        err << "corslab-cli serve: --browser: " << why << "\n";
        return 2;
    }
    const QString site = parser.value(sameSite);
    if (site != QLatin1String("Lax") && site != QLatin1String("Strict") &&
        site != QLatin1String("None")) {
        err << "corslab-cli serve: --cookie-samesite: expected Lax, Strict or None, got \"" << site
            << "\"\n";
        return 2;
    }
    options.cookies.sameSite = site.toLatin1();
    options.cookies.secure = parser.isSet(secure);

    policy::CorsPolicy policy =
        *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
    if (parser.isSet(preset)) {
        const auto named = policy::CorsPolicy::preset(parser.value(preset));
        if (!named) {
            err << "corslab-cli serve: --preset: expected one of \""
                << policy::CorsPolicy::presetNames().join(QStringLiteral("\", \"")) << "\", got \""
                << parser.value(preset) << "\"\n";
            return 2;
        }
        policy = *named;
    }
    if (parser.isSet(policyFile)) {
        QString error;
        if (!policy::CorsPolicy::loadFile(parser.value(policyFile), &policy, &error)) {
            err << "corslab-cli serve: --policy: " << error << "\n";
            return 2;
        }
    }

    // Catch SIGINT/SIGTERM before anything is printed: a script that reads the banner and then
    // stops us must get a clean shutdown, never the default action.
    UnixSignalWatcher signalWatcher;
    stopOnTerminationSignal(signalWatcher, out);
    server::PlaygroundServer playground(options, policy);
    QString error;
    if (!playground.start(&error)) {
        err << "corslab-cli serve: " << error << "\n";
        return 1;
    }
    const policy::DemoOrigins o = playground.origins();
    out << "CORS Lab playground\n"
        << "  API origin:      " << o.api
        << "   (/public /private /login /logout /echo /slow?ms= /status/{code} /redirect?to=)\n"
        << "  trusted app:     " << o.app << "/   (same site as the API: its cookie travels)\n"
        << "  untrusted site:  " << o.evil << "/   (another site)\n"
        << "  policy:          " << policy.name << "\n";
    for (const QString &d : policy.dangers())
        out << "    " << d << "\n";
    out << "Press Ctrl+C to stop.\n";
    out.flush();

    // One line per exchange. Under load this runs for every request, so: verdicts are memoized
    // (ExchangeJudge), the clock is formatted by hand, and output is flushed in batches.
    session::ExchangeJudge judge(*profile);
    const qint64 utcOffsetMs = QDateTime::currentDateTime().offsetFromUtc() * 1000LL;
    QByteArray pending; // lines not yet written; bytes all the way (no QString round trip)
    pending.reserve(128 * 1024);
    out.flush();
    auto writePending = [&pending] {
        if (!pending.isEmpty()) {
            std::fwrite(pending.constData(), 1, size_t(pending.size()), stdout);
            std::fflush(stdout);
            pending.truncate(0); // keeps the capacity: no reallocation per batch
        }
    };
    if (!parser.isSet(quiet))
        QObject::connect(
            &playground, &server::PlaygroundServer::exchangeRecorded, &playground,
            [&](const http::HttpExchange &x) {
                const QByteArray &base = x.request.listener == QLatin1String("api")   ? o.api
                                         : x.request.listener == QLatin1String("app") ? o.app
                                                                                      : o.evil;
                const QByteArray url = base + x.request.target;
                const session::ExchangeJudgement &j = judge.judge(x.request, x.response, url);
                char numbers[48];
                const auto status = std::to_chars(numbers, numbers + 16, x.response.status);
                const auto took =
                    std::to_chars(numbers + 16, numbers + 48, x.finishedAtMs - x.startedAtMs);
                QByteArrayView origin("-");
                for (const auto &h : x.request.headers) {
                    if (base::equalsIgnoreCase(h.first, "origin"))
                        origin = h.second;
                }
                pending.append(clockText(x.startedAtMs + utcOffsetMs))
                    .append("  ")
                    .append(x.request.method)
                    .append(' ')
                    .append(url)
                    .append("  origin=")
                    .append(origin)
                    .append("  ")
                    .append(numbers, status.ptr - numbers)
                    .append("  ")
                    .append(numbers + 16, took.ptr - (numbers + 16))
                    .append("ms  ")
                    .append(j.summaryUtf8)
                    .append('\n');
                if (pending.size() > 64 * 1024)
                    writePending();
            });
    QTimer flusher;
    QObject::connect(&flusher, &QTimer::timeout, &playground, writePending);
    flusher.start(100);
    const int code = QCoreApplication::exec();
    playground.stop();
    writePending();
    out.flush();
    return code;
}
