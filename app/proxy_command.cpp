#include "proxy_command.h"

#include "cli_common.h"
#include "cors/browser_profile.h"
#include "proxy/browser_launcher.h"
#include "proxy/certificate_authority.h"
#include "proxy/override_rules.h"
#include "proxy/override_store.h"
#include "proxy/proxy_server.h"
#include "server/playground_server.h"
#include "session/session.h"
#include "session/session_recorder.h"
#include "unix_signal_watcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli proxy: ");
constexpr int maxThreads = 64;

// "14:03:07.123  #12  preflight  OPTIONS https://api.example.com/x  origin=…  204  3ms  exposed"
QByteArray exchangeLine(const session::ExchangeRow &row)
{
    QByteArray line = QDateTime::fromMSecsSinceEpoch(row.startedAtMs)
                          .toString(QStringLiteral("HH:mm:ss.zzz"))
                          .toLatin1();
    line += "  #" + QByteArray::number(row.id) + "  " +
            session::exchangeKindName(row.kind).toUtf8() + "  " + row.method + ' ' + row.url;
    if (!row.origin.isEmpty())
        line += "  origin=" + row.origin;
    line += "  " + (row.status ? QByteArray::number(row.status) : QByteArrayLiteral("-"));
    if (row.durationMs >= 0)
        line += "  " + QByteArray::number(row.durationMs) + "ms";
    const session::VerdictSummary &v = row.verdict;
    if (row.failed)
        line += "  failed";
    switch (v.state) {
    case session::VerdictState::NotApplicable:
        break;
    case session::VerdictState::Warning:
        // Exposed as sent; the error is what the same request would get with credentials.
        line += row.errorName().isEmpty()
                    ? QByteArrayLiteral("  exposed (with warnings)")
                    : "  exposed; with credentials blocked: " + row.errorName().toUtf8();
        break;
    default:
        line += "  " + session::verdictStateName(v.state).toUtf8();
        if (!row.errorName().isEmpty())
            line += ": " + row.errorName().toUtf8();
    }
    if (row.pairing != session::PairingState::None)
        line += "  [" + session::pairingStateName(row.pairing).toUtf8() +
                (row.pairedId ? " #" + QByteArray::number(row.pairedId) : QByteArray()) + ']';
    if (row.overridden)
        line += "  (overridden)";
    return line + '\n';
}

bool loadRules(const QString &path, proxy::OverrideSet *rules, QString *error)
{
    return proxy::OverrideSet::loadFile(path, rules, error);
}

} // namespace

int runProxyCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the CORS Lab intercepting proxy headless: point a browser at it (or use "
        "--launch-browser), and every request it sends is captured, paired with its preflight and "
        "judged by the CORS engine, one line each. Stop with Ctrl+C."));
    parser.addHelpOption();
    const QCommandLineOption port({QStringLiteral("p"), QStringLiteral("port")},
                                  QStringLiteral("Port to listen on (default 8888; 0 picks one)."),
                                  QStringLiteral("N"), QStringLiteral("8888"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address to listen on (default 127.0.0.1)."),
                                    QStringLiteral("ADDR"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption reverse(
        QStringLiteral("reverse"),
        QStringLiteral("Reverse proxy in front of URL (http or https): point your app at "
                       "http://localhost:PORT instead of the API."),
        QStringLiteral("URL"));
    const QCommandLineOption interceptTls(
        QStringLiteral("intercept-tls"),
        QStringLiteral("Decrypt HTTPS (CONNECT) with certificates of a local CA, created on first "
                       "use in --ca-dir; the launched browser trusts it. Without it, HTTPS "
                       "tunnels are recorded as opaque."));
    const QCommandLineOption caDir(QStringLiteral("ca-dir"),
                                   QStringLiteral("Directory of the local CA (default %1).")
                                       .arg(proxy::CertificateAuthority::defaultDirectory()),
                                   QStringLiteral("DIR"));
    const QCommandLineOption exportCa(
        QStringLiteral("export-ca"),
        QStringLiteral("Write the local CA's certificate to FILE (PEM; DER for .der/.cer) and "
                       "exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption upstreamCa(
        QStringLiteral("upstream-ca"),
        QStringLiteral("Also trust the CA certificate(s) in FILE (PEM) for https servers."),
        QStringLiteral("FILE"));
    const QCommandLineOption insecure(
        QStringLiteral("insecure-upstream"),
        QStringLiteral("Do not verify https servers' certificates (test servers only)."));
    const QCommandLineOption rules(
        QStringLiteral("rules"),
        QStringLiteral("Override rules (docs/proxy-rules.md), reloaded whenever FILE changes."),
        QStringLiteral("FILE"));
    const QCommandLineOption record(
        QStringLiteral("record"),
        QStringLiteral("Write the session to FILE (docs/session-format.md) every few seconds and "
                       "on exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption recordInterval(
        QStringLiteral("record-interval"),
        QStringLiteral("Seconds between writes of --record (default 5)."), QStringLiteral("S"),
        QStringLiteral("5"));
    const QCommandLineOption launch(
        QStringLiteral("launch-browser"),
        QStringLiteral("Start Chromium (or --browser-binary) in a fresh profile that uses this "
                       "proxy, at --open."));
    const QCommandLineOption browserBinary(
        QStringLiteral("browser-binary"),
        QStringLiteral("Browser for --launch-browser (default: chromium)."),
        QStringLiteral("PATH"));
    const QCommandLineOption open(
        QStringLiteral("open"),
        QStringLiteral("Page the launched browser opens (default: the playground's page with "
                       "--playground, else about:blank)."),
        QStringLiteral("URL"));
    const QCommandLineOption playground(
        QStringLiteral("playground"),
        QStringLiteral("Also run the playground (demo API and pages on free loopback ports), so "
                       "there is traffic to look at right away."));
    const QCommandLineOption profile = browserProfileOption();
    const QCommandLineOption bodyCap(
        QStringLiteral("body-cap"),
        QStringLiteral("Bytes of each body kept in the session (default 65536)."),
        QStringLiteral("BYTES"), QStringLiteral("65536"));
    const QCommandLineOption quiet(QStringLiteral("quiet"),
                                   QStringLiteral("Print no line per exchange."));
    const QCommandLineOption threads(
        QStringLiteral("threads"),
        QStringLiteral("Network threads sharing the browser connections (default: one per CPU "
                       "core, at most 4)."),
        QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({port, listen, reverse, interceptTls, caDir, exportCa, upstreamCa, insecure,
                       rules, record, recordInterval, launch, browserBinary, open, playground,
                       profile, bodyCap, quiet, threads});
    if (!parser.parse(arguments)) {
        err << kCommand << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << kCommand << "unexpected argument \"" << parser.positionalArguments().first()
            << "\"\n";
        return 2;
    }
    auto usage = [&](const QCommandLineOption &option, const QString &message) {
        err << kCommand << "--" << option.names().constLast() << ": " << message << "\n";
        return 2;
    };

    bool ok = false;
    const int portValue = parser.value(port).toInt(&ok);
    if (!ok || portValue < 0 || portValue > 65535)
        return usage(
            port,
            QStringLiteral("expected a port from 0 to 65535, got \"%1\"").arg(parser.value(port)));
    QHostAddress address;
    if (!address.setAddress(parser.value(listen)))
        return usage(listen, QStringLiteral("expected an IP address such as 127.0.0.1, got \"%1\"")
                                 .arg(parser.value(listen)));
    QString why;
    const cors::BrowserProfile *browser = browserProfileNamed(parser.value(profile), &why);
    if (!browser)
        return usage(profile, why);
    const qint64 cap = parser.value(bodyCap).toLongLong(&ok);
    if (!ok || cap < 0)
        return usage(bodyCap, QStringLiteral("expected a number of bytes (0 or more), got \"%1\"")
                                  .arg(parser.value(bodyCap)));
    const double interval = parser.value(recordInterval).toDouble(&ok);
    if (!ok || interval < 0.1)
        return usage(recordInterval, QStringLiteral("expected seconds (0.1 or more), got \"%1\"")
                                         .arg(parser.value(recordInterval)));

    const int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0 || threadCount > maxThreads)
        return usage(threads, QStringLiteral("expected a number of threads from 1 to %1 (0: one "
                                             "per CPU core), got \"%2\"")
                                  .arg(maxThreads)
                                  .arg(parser.value(threads)));

    proxy::ProxyOptions options;
    options.bodyCaptureBytes = cap;
    options.networkThreads = threadCount;
    if (parser.isSet(reverse)) {
        const QUrl target = QUrl::fromUserInput(parser.value(reverse));
        if (!target.isValid() || target.host().isEmpty() ||
            (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https")))
            return usage(reverse, QStringLiteral("expected an http:// or https:// URL, got \"%1\"")
                                      .arg(parser.value(reverse)));
        options.mode = proxy::ProxyOptions::Mode::Reverse;
        options.reverseTarget = target;
    }
    if (parser.isSet(upstreamCa)) {
        const QList<QSslCertificate> certificates =
            QSslCertificate::fromPath(parser.value(upstreamCa), QSsl::Pem);
        if (certificates.isEmpty())
            return usage(upstreamCa, QStringLiteral("no PEM certificate could be read from \"%1\"")
                                         .arg(parser.value(upstreamCa)));
        options.upstreamCaCertificates = certificates;
    }
    options.verifyUpstreamCertificates = !parser.isSet(insecure);

    std::shared_ptr<proxy::CertificateAuthority> ca;
    if (parser.isSet(interceptTls) || parser.isSet(exportCa)) {
        const QString dir = parser.isSet(caDir) ? parser.value(caDir)
                                                : proxy::CertificateAuthority::defaultDirectory();
        QString error;
        ca = proxy::CertificateAuthority::loadOrCreate(dir, &error);
        if (!ca) {
            err << kCommand << "local CA: " << error << "\n";
            return 1;
        }
        if (parser.isSet(exportCa)) {
            if (!ca->exportCertificate(parser.value(exportCa), &error)) {
                err << kCommand << "--export-ca: " << error << "\n";
                return 1;
            }
            out << "Wrote the CORS Lab CA certificate to " << parser.value(exportCa) << "\n";
            return 0;
        }
        if (options.mode == proxy::ProxyOptions::Mode::Reverse) {
            return usage(interceptTls, QStringLiteral("only applies to the forward proxy (a "
                                                      "reverse proxy talks https upstream by "
                                                      "itself)"));
        }
        options.certificateAuthority = ca;
    }

    options.overrides = std::make_shared<proxy::OverrideStore>();
    if (parser.isSet(rules)) {
        proxy::OverrideSet set;
        QString error;
        if (!loadRules(parser.value(rules), &set, &error)) {
            err << kCommand << "--rules: " << error << "\n";
            return 2;
        }
        options.overrides->set(set);
    }

    UnixSignalWatcher signalWatcher;
    stopOnTerminationSignal(signalWatcher, out);

    session::Session::Options sessionOptions;
    sessionOptions.bodyCap = cap;
    session::Session session(sessionOptions);
    session.setProfile(*browser);
    proxy::ProxyServer server(options);
    // Captures are judged and stored on this (otherwise idle) thread, so the proxy's network
    // thread only moves bytes: the batches are implicitly shared, a queued event each.
    QObject::connect(&server, &proxy::ProxyServer::exchangesCaptured, &session,
                     &session::Session::append, Qt::QueuedConnection);
    QString error;
    const quint16 bound = server.listen(address, quint16(portValue), &error);
    if (bound == 0) {
        err << kCommand << "cannot listen on " << address.toString() << ":" << portValue << ": "
            << error << "\n";
        return 1;
    }
    const QByteArray hostPort = (address.protocol() == QAbstractSocket::IPv6Protocol
                                     ? '[' + address.toString().toLatin1() + ']'
                                     : address.toString().toLatin1()) +
                                ':' + QByteArray::number(bound);
    out << "CORS Lab proxy\n";
    if (options.mode == proxy::ProxyOptions::Mode::Reverse)
        out << "  reverse proxy:   http://" << hostPort << "  ->  "
            << options.reverseTarget.toString() << "\n";
    else
        out << "  forward proxy:   http://" << hostPort << "   (browser: --proxy-server=http://"
            << hostPort << " --proxy-bypass-list=\"<-loopback>\")\n";
    if (ca)
        out << "  HTTPS:           intercepted with the CA in " << ca->directory()
            << "\n                   (Chromium: --ignore-certificate-errors-spki-list="
            << ca->spkiSha256Base64() << ")\n";
    else if (options.mode == proxy::ProxyOptions::Mode::Forward)
        out << "  HTTPS:           relayed as opaque tunnels (--intercept-tls to look inside)\n";
    if (parser.isSet(rules))
        out << "  rules:           " << parser.value(rules) << " ("
            << options.overrides->current()->rules().size() << ", reloaded on change)\n";
    if (parser.isSet(record))
        out << "  recording to:    " << parser.value(record) << "\n";
    std::unique_ptr<server::PlaygroundServer> demo;
    if (parser.isSet(playground)) {
        demo = std::make_unique<server::PlaygroundServer>(server::PlaygroundServer::Options{});
        if (!demo->start(&error)) {
            err << kCommand << "--playground: " << error << "\n";
            return 1;
        }
        const policy::DemoOrigins o = demo->origins();
        out << "  playground:      API " << o.api << ", trusted app " << o.app
            << "/, untrusted site " << o.evil << "/\n";
    }
    out << "  verdicts for:    " << browser->name << "\n";
    out << "Press Ctrl+C to stop.\n";
    out.flush();

    // Live rules: the file is watched and reloaded; a broken edit keeps the rules in force.
    QFileSystemWatcher watcher;
    if (parser.isSet(rules)) {
        const QString path = QFileInfo(parser.value(rules)).absoluteFilePath();
        watcher.addPath(path);
        watcher.addPath(QFileInfo(path).absolutePath()); // editors replace files by renaming
        auto reload = [&, path] {
            if (!QFileInfo::exists(path))
                return;
            if (!watcher.files().contains(path))
                watcher.addPath(path);
            proxy::OverrideSet set;
            QString why;
            if (!loadRules(path, &set, &why)) {
                err << kCommand << "rules not reloaded, the previous ones stay: " << why << "\n";
                err.flush();
                return;
            }
            if (set.rules() == options.overrides->current()->rules())
                return;
            options.overrides->set(set);
            out << "Rules reloaded: " << set.rules().size() << " rule(s) from " << path << "\n";
            out.flush();
        };
        QObject::connect(&watcher, &QFileSystemWatcher::fileChanged, qApp, reload);
        QObject::connect(&watcher, &QFileSystemWatcher::directoryChanged, qApp, reload);
    }

    // One line per exchange, written from the main thread in batches.
    qsizetype printed = 0;
    QByteArray pending;
    auto printNew = [&] {
        const qsizetype total = session.count();
        if (!parser.isSet(quiet)) {
            for (const session::ExchangeRow &row : session.rows(printed, total - printed))
                pending += exchangeLine(row);
            if (!pending.isEmpty()) {
                std::fwrite(pending.constData(), 1, size_t(pending.size()), stdout);
                std::fflush(stdout);
                pending.clear();
            }
        }
        printed = total;
    };
    QTimer printer;
    QObject::connect(&printer, &QTimer::timeout, qApp, printNew);
    printer.start(100);

    // The session file is rewritten every few seconds on a thread of its own (a large session
    // takes a while to write), and once more at the end.
    std::unique_ptr<session::SessionRecorder> recorder;
    if (parser.isSet(record)) {
        recorder = std::make_unique<session::SessionRecorder>(&session, parser.value(record),
                                                              int(interval * 1000));
        QObject::connect(recorder.get(), &session::SessionRecorder::written, qApp,
                         [&](qsizetype, const QString &why) {
                             if (!why.isEmpty()) {
                                 err << kCommand << "--record: " << why << "\n";
                                 err.flush();
                             }
                         });
        recorder->start();
    }

    proxy::BrowserLauncher launcher;
    if (parser.isSet(launch)) {
        proxy::BrowserLauncher::Options launchOptions;
        launchOptions.binary = parser.value(browserBinary);
        launchOptions.proxyHostPort = hostPort;
        if (ca)
            launchOptions.spkiHash = ca->spkiSha256Base64();
        launchOptions.startUrl = parser.isSet(open) ? QUrl::fromUserInput(parser.value(open))
                                 : demo             ? demo->appPageUrl()
                                                    : QUrl(QStringLiteral("about:blank"));
        if (!launcher.start(launchOptions, &error)) {
            err << kCommand << "--launch-browser: " << error << "\n";
            return 1;
        }
        out << "Browser started (pid " << launcher.processId() << ", profile "
            << launcher.profileDirectory() << ").\n";
        out.flush();
    }

    const int code = QCoreApplication::exec();
    launcher.stop();
    server.close();                               // delivers what was captured up to now
    QCoreApplication::sendPostedEvents(&session); // the batches still queued for the session
    if (demo)
        demo->stop();
    printNew();
    bool recorded = true;
    if (recorder) {
        QString why;
        recorded = recorder->flush(&why); // a failure is reported through written()
        if (recorded)
            out << "Session written to " << parser.value(record) << " (" << session.count()
                << " exchanges).\n";
    }
    out.flush();
    return code == 0 && recorded ? 0 : (code != 0 ? code : 1);
}
