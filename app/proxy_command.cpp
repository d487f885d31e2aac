#include "proxy_command.h"

#include "capture_recording.h"
#include "cli_common.h"
#include "proxy/browser_launcher.h"
#include "proxy/certificate_authority.h"
#include "proxy/override_rules.h"
#include "proxy/override_store.h"
#include "proxy/proxy_server.h"
#include "proxy_command_options.h"
#include "rules_file_watcher.h"
#include "server/playground_server.h"
#include "session/session.h"
#include "session/session_store.h"
#include "unix_signal_watcher.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli proxy: ");
constexpr int kUsageError = 2;
constexpr int kPrintIntervalMs = 100;

/// \brief One run of `corslab-cli proxy`: start-up (CA, rules, listener, playground, banner,
/// browser), the event loop, and the orderly end (captures delivered, last lines printed, the
/// session written once more).
class ProxyRun
{
public:
    ProxyRun(ProxyCommandOptions options, QTextStream &out, QTextStream &err);

    /// Everything before the event loop; an exit code when the run ends here (--export-ca, or a
    /// failure), nullopt when the proxy is listening.
    std::optional<int> start();
    /// Runs until SIGINT/SIGTERM, then cleans up; the exit code.
    int exec();

private:
    std::optional<int> loadCertificateAuthority();
    std::optional<int> loadRules();
    std::optional<int> listen();
    std::optional<int> startPlayground();
    std::optional<int> launchBrowser();
    void printBanner();
    void watchRules();
    void printNewExchanges();
    std::optional<int> startRecorder();
    int finish(int code);

    ProxyCommandOptions m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    session::Session m_session;
    std::unique_ptr<proxy::ProxyServer> m_server;
    std::shared_ptr<proxy::CertificateAuthority> m_ca;
    std::unique_ptr<server::PlaygroundServer> m_demo;
    QByteArray m_hostPort;
    RulesFileWatcher m_rulesWatcher;
    qsizetype m_printed = 0;
    QTimer m_printer;
    CaptureRecording m_recording;
    proxy::BrowserLauncher m_launcher;
};

session::Session::Options sessionOptions(qint64 bodyCap)
{
    session::Session::Options options;
    options.bodyCap = bodyCap;
    return options;
}

ProxyRun::ProxyRun(ProxyCommandOptions options, QTextStream &out, QTextStream &err)
    : m_options(std::move(options)), m_out(out), m_err(err),
      m_session(sessionOptions(m_options.bodyCap)),
      m_rulesWatcher([this] { return m_options.proxy.overrides->current()->rules(); }),
      m_recording({m_options.recordFile, m_options.recordSeconds, m_options.retention, kCommand},
                  out, err)
{
    m_session.setProfile(*m_options.browser);
}

std::optional<int> ProxyRun::start()
{
    if (const std::optional<int> code = loadCertificateAuthority())
        return code;
    if (const std::optional<int> code = loadRules())
        return code;
    if (const std::optional<int> code = listen())
        return code;
    printBanner();
    if (const std::optional<int> code = startPlayground())
        return code;
    m_out << "  verdicts for:    " << m_options.browser->name << "\n";
    m_out << "Press Ctrl+C to stop.\n";
    m_out.flush();
    if (const std::optional<int> code = startRecorder())
        return code;
    watchRules();
    QObject::connect(&m_printer, &QTimer::timeout, qApp, [this] { printNewExchanges(); });
    m_printer.start(kPrintIntervalMs);
    return launchBrowser();
}

std::optional<int> ProxyRun::loadCertificateAuthority()
{
    if (!m_options.interceptTls && m_options.exportCaTo.isEmpty())
        return std::nullopt;
    const QString dir = m_options.caDirectory.isEmpty()
                            ? proxy::CertificateAuthority::defaultDirectory()
                            : m_options.caDirectory;
    QString error;
    m_ca = proxy::CertificateAuthority::loadOrCreate(dir, &error);
    if (!m_ca) {
        m_err << kCommand << "local CA: " << error << "\n";
        return 1;
    }
    if (!m_options.exportCaTo.isEmpty()) {
        if (!m_ca->exportCertificate(m_options.exportCaTo, &error)) {
            m_err << kCommand << "--export-ca: " << error << "\n";
            return 1;
        }
        m_out << "Wrote the CORS Lab CA certificate to " << m_options.exportCaTo << "\n";
        return 0;
    }
    if (m_options.proxy.mode == proxy::ProxyOptions::Mode::Reverse) {
        m_err << kCommand
              << "--intercept-tls: only applies to the forward proxy (a reverse proxy talks "
                 "https upstream by itself)\n";
        return kUsageError;
    }
    m_options.proxy.certificateAuthority = m_ca;
    return std::nullopt;
}

std::optional<int> ProxyRun::loadRules()
{
    m_options.proxy.overrides = std::make_shared<proxy::OverrideStore>();
    if (m_options.rulesFile.isEmpty())
        return std::nullopt;
    proxy::OverrideSet set;
    QString error;
    if (!proxy::OverrideSet::loadFile(m_options.rulesFile, &set, &error)) {
        m_err << kCommand << "--rules: " << error << "\n";
        return kUsageError;
    }
    m_options.proxy.overrides->set(set);
    return std::nullopt;
}

std::optional<int> ProxyRun::listen()
{
    m_server = std::make_unique<proxy::ProxyServer>(m_options.proxy);
    // Captures are judged and stored on this (otherwise idle) thread, so the proxy's network
    // thread only moves bytes: the batches are implicitly shared, a queued event each.
    QObject::connect(m_server.get(), &proxy::ProxyServer::exchangesCaptured, &m_session,
                     &session::Session::append, Qt::QueuedConnection);
    QString error;
    const quint16 bound = m_server->listen(m_options.address, m_options.port, &error);
    if (bound == 0) {
        m_err << kCommand << "cannot listen on " << m_options.address.toString() << ":"
              << m_options.port << ": " << error << "\n";
        return 1;
    }
    const QByteArray host = m_options.address.toString().toLatin1();
    m_hostPort =
        (m_options.address.protocol() == QAbstractSocket::IPv6Protocol ? '[' + host + ']' : host) +
        ':' + QByteArray::number(bound);
    return std::nullopt;
}

void ProxyRun::printBanner()
{
    const bool reverse = m_options.proxy.mode == proxy::ProxyOptions::Mode::Reverse;
    m_out << "CORS Lab proxy\n";
    if (reverse)
        m_out << "  reverse proxy:   http://" << m_hostPort << "  ->  "
              << m_options.proxy.reverseTarget.toString() << "\n";
    else
        m_out << "  forward proxy:   http://" << m_hostPort << "   (browser: --proxy-server=http://"
              << m_hostPort << " --proxy-bypass-list=\"<-loopback>\")\n";
    if (m_ca)
        m_out << "  HTTPS:           intercepted with the CA in " << m_ca->directory()
              << "\n                   (Chromium: --ignore-certificate-errors-spki-list="
              << m_ca->spkiSha256Base64() << ")\n";
    else if (!reverse)
        m_out << "  HTTPS:           relayed as opaque tunnels (--intercept-tls to look inside)\n";
    if (!m_options.rulesFile.isEmpty())
        m_out << "  rules:           " << m_options.rulesFile << " ("
              << m_options.proxy.overrides->current()->rules().size() << ", reloaded on change)\n";
    if (!m_options.recordFile.isEmpty())
        m_out << "  recording to:    " << m_options.recordFile << " (synced every "
              << m_options.recordSeconds << " s)\n";
}

std::optional<int> ProxyRun::startPlayground()
{
    if (!m_options.playground)
        return std::nullopt;
    m_demo = std::make_unique<server::PlaygroundServer>(server::PlaygroundServer::Options{});
    QString error;
    if (!m_demo->start(&error)) {
        m_err << kCommand << "--playground: " << error << "\n";
        return 1;
    }
    const policy::DemoOrigins o = m_demo->origins();
    m_out << "  playground:      API " << o.api << ", trusted app " << o.app << "/, untrusted site "
          << o.evil << "/\n";
    return std::nullopt;
}

// Live rules: the file is watched and reloaded; a broken edit keeps the rules in force.
void ProxyRun::watchRules()
{
    if (m_options.rulesFile.isEmpty())
        return;
    QObject::connect(
        &m_rulesWatcher, &RulesFileWatcher::rejected, qApp, [this](const QString &why) {
            m_err << kCommand << "rules not reloaded, the previous ones stay: " << why << "\n";
            m_err.flush();
        });
    QObject::connect(&m_rulesWatcher, &RulesFileWatcher::changed, qApp,
                     [this](const proxy::OverrideSet &set, const QString &path) {
                         m_options.proxy.overrides->set(set);
                         m_out << "Rules reloaded: " << set.rules().size() << " rule(s) from "
                               << path << "\n";
                         m_out.flush();
                     });
    m_rulesWatcher.watch(m_options.rulesFile);
}

// One line per exchange, written from the main thread in batches.
void ProxyRun::printNewExchanges()
{
    m_printed = ::printNewExchanges(m_session, m_printed, m_options.quiet);
}

std::optional<int> ProxyRun::startRecorder()
{
    if (!m_recording.start(&m_session))
        return 1;
    QObject::connect(
        &m_session, &session::Session::exchangesDropped, qApp,
        [this](qsizetype count) { m_printed = std::max<qsizetype>(0, m_printed - count); });
    return std::nullopt;
}

std::optional<int> ProxyRun::launchBrowser()
{
    if (!m_options.launchBrowser)
        return std::nullopt;
    proxy::BrowserLauncher::Options launch;
    launch.binary = m_options.browserBinary;
    launch.proxyHostPort = m_hostPort;
    if (m_ca)
        launch.spkiHash = m_ca->spkiSha256Base64();
    launch.startUrl = !m_options.openUrl.isEmpty() ? QUrl::fromUserInput(m_options.openUrl)
                      : m_demo                     ? m_demo->appPageUrl()
                                                   : QUrl(QStringLiteral("about:blank"));
    QString error;
    if (!m_launcher.start(launch, &error)) {
        m_err << kCommand << "--launch-browser: " << error << "\n";
        return 1;
    }
    m_out << "Browser started (pid " << m_launcher.processId() << ", profile "
          << m_launcher.profileDirectory() << ").\n";
    m_out.flush();
    return std::nullopt;
}

int ProxyRun::exec()
{
    return finish(QCoreApplication::exec());
}

int ProxyRun::finish(int code)
{
    m_launcher.stop();
    m_server->close();                              // delivers what was captured up to now
    QCoreApplication::sendPostedEvents(&m_session); // the batches still queued for the session
    if (m_demo)
        m_demo->stop();
    printNewExchanges();
    const bool recorded = m_recording.finish(m_session);
    m_out.flush();
    return code == 0 && recorded ? 0 : (code != 0 ? code : 1);
}

} // namespace

int runProxyCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    ProxyCommandOptions options;
    if (const std::optional<int> code = parseProxyCommand(arguments, out, err, &options))
        return *code;
    UnixSignalWatcher signalWatcher;
    stopOnTerminationSignal(signalWatcher, out);
    ProxyRun run(std::move(options), out, err);
    if (const std::optional<int> code = run.start())
        return *code;
    return run.exec();
}
