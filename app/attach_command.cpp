#include "attach_command.h"

#include "attach/attachment.h"
#include "attach/browser_endpoint.h"
#include "capture_recording.h"
#include "cli_common.h"
#include "cors/browser_profile.h"
#include "proxy/override_rules.h"
#include "rules_file_watcher.h"
#include "session/session.h"
#include "unix_signal_watcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli attach: ");
constexpr int kPrintIntervalMs = 100;
constexpr double kMaxRecordSeconds = 3600;

struct AttachOptions
{
    quint16 port = attach::kDefaultDevToolsPort;
    QUrl url; ///< --url: ws://... (used as is) or http://host:port (looked up)
    const cors::BrowserProfile *browser = nullptr;
    bool profileGiven = false; ///< --profile set: else the attached browser's own
    qint64 bodyCap = 0;
    QString recordFile;
    double recordSeconds = 1;
    bool quiet = false;
    QString rulesFile;        ///< --rules: applied in the browser, reloaded on change
    proxy::OverrideSet rules; ///< what rulesFile held at start
};

struct Options
{
    QCommandLineOption port{
        QStringLiteral("port"),
        QStringLiteral("The browser's debugging port, on this machine (default 9222: the "
                       "browser was started with --remote-debugging-port=9222). Chrome, Chromium "
                       "and Edge answer with the DevTools protocol, Firefox with WebDriver BiDi."),
        QStringLiteral("PORT"), QStringLiteral("9222")};
    QCommandLineOption url{
        QStringLiteral("url"),
        QStringLiteral("The browser's endpoint instead of --port: its WebSocket "
                       "(ws://127.0.0.1:9222/devtools/browser/<id>, or Firefox's "
                       "ws://127.0.0.1:9222/session) or http://HOST:PORT."),
        QStringLiteral("URL")};
    QCommandLineOption record{
        QStringLiteral("record"),
        QStringLiteral("Record the session into PATH as it is captured (a session store "
                       "directory; a PATH ending in .json is also written as a session file on "
                       "exit)."),
        QStringLiteral("PATH")};
    QCommandLineOption recordInterval{
        QStringLiteral("record-interval"),
        QStringLiteral("Seconds between syncs of the recording to disk (default 1)."),
        QStringLiteral("S"), QStringLiteral("1")};
    QCommandLineOption profile = browserProfileOption();
    QCommandLineOption bodyCap{
        QStringLiteral("body-cap"),
        QStringLiteral("Bytes of each response body kept in the session (default 65536)."),
        QStringLiteral("BYTES"), QStringLiteral("65536")};
    QCommandLineOption quiet{QStringLiteral("quiet"),
                             QStringLiteral("Print no line per exchange.")};
    QCommandLineOption rules{
        QStringLiteral("rules"),
        QStringLiteral("Override rules (docs/proxy-rules.md) applied inside the browser (the "
                       "DevTools Fetch domain, Firefox's WebDriver BiDi network interception), "
                       "no proxy needed; reloaded whenever FILE changes, removed on detach."),
        QStringLiteral("FILE")};
};

int usage(QTextStream &err, const QCommandLineOption &option, const QString &message)
{
    err << kCommand << "--" << option.names().constLast() << ": " << message << "\n";
    return kCliUsageError;
}

std::optional<int> readUrl(const QCommandLineParser &parser, const Options &o, QTextStream &err,
                           AttachOptions *out)
{
    if (!parser.isSet(o.url))
        return std::nullopt;
    if (parser.isSet(o.port))
        return usage(err, o.url, QStringLiteral("give either --url or --port, not both"));
    out->url = QUrl(parser.value(o.url));
    const QString scheme = out->url.scheme();
    if (!out->url.isValid() || out->url.host().isEmpty() ||
        (scheme != QLatin1String("ws") && scheme != QLatin1String("http")))
        return usage(err, o.url,
                     QStringLiteral("expected ws://HOST:PORT/devtools/browser/ID (Chromium), "
                                    "ws://HOST:PORT/session (Firefox) or http://HOST:PORT, "
                                    "got \"%1\"")
                         .arg(parser.value(o.url)));
    return std::nullopt;
}

std::optional<int> parseAttachCommand(const QStringList &arguments, QTextStream &out,
                                      QTextStream &err, AttachOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Attaches to a browser the user already runs (started with --remote-debugging-port) and "
        "captures every tab, iframe and worker's requests: Chrome, Chromium and Edge over the "
        "DevTools protocol, Firefox over WebDriver BiDi. No proxy, no certificate. Each exchange "
        "is paired and judged like a proxy capture, and printed with the browser's own CORS "
        "verdict beside the engine's. Stop with Ctrl+C."));
    parser.addHelpOption();
    const Options o;
    parser.addOptions(
        {o.port, o.url, o.record, o.recordInterval, o.profile, o.bodyCap, o.quiet, o.rules});
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    if (!parser.positionalArguments().isEmpty()) {
        err << kCommand << "unexpected argument \"" << parser.positionalArguments().first()
            << "\"\n";
        return kCliUsageError;
    }
    bool ok = false;
    const int port = parser.value(o.port).toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return usage(err, o.port,
                     QStringLiteral("expected a port from 1 to 65535, got \"%1\"")
                         .arg(parser.value(o.port)));
    options->port = quint16(port);
    if (const std::optional<int> code = readUrl(parser, o, err, options))
        return code;
    QString why;
    options->browser = browserProfileNamed(parser.value(o.profile), &why);
    if (!options->browser)
        return usage(err, o.profile, why);
    options->profileGiven = parser.isSet(o.profile);
    options->bodyCap = parser.value(o.bodyCap).toLongLong(&ok);
    if (!ok || options->bodyCap < 0)
        return usage(err, o.bodyCap,
                     QStringLiteral("expected a number of bytes (0 or more), got \"%1\"")
                         .arg(parser.value(o.bodyCap)));
    options->recordSeconds = parser.value(o.recordInterval).toDouble(&ok);
    if (!ok || options->recordSeconds < 0.1 || options->recordSeconds > kMaxRecordSeconds)
        return usage(err, o.recordInterval,
                     QStringLiteral("expected seconds from 0.1 to %1, got \"%2\"")
                         .arg(kMaxRecordSeconds)
                         .arg(parser.value(o.recordInterval)));
    options->recordFile = parser.value(o.record);
    options->quiet = parser.isSet(o.quiet);
    options->rulesFile = parser.value(o.rules);
    if (!options->rulesFile.isEmpty() &&
        !proxy::OverrideSet::loadFile(options->rulesFile, &options->rules, &why))
        return usage(err, o.rules, why);
    return std::nullopt;
}

session::Session::Options sessionOptions(qint64 bodyCap)
{
    session::Session::Options options;
    options.bodyCap = bodyCap;
    return options;
}

/// \brief One run of `corslab-cli attach`: find the browser, attach, capture until Ctrl+C or
/// the browser goes away, then hand in what was pending and close the recording.
class AttachRun
{
public:
    AttachRun(AttachOptions options, QTextStream &out, QTextStream &err)
        : m_options(std::move(options)), m_out(out), m_err(err),
          m_session(sessionOptions(m_options.bodyCap)),
          m_recording({m_options.recordFile, m_options.recordSeconds, {}, kCommand}, out, err),
          m_rulesWatcher([this] {
              return m_attachment ? m_attachment->overrides().rules() : m_options.rules.rules();
          })
    {
        m_session.setProfile(*m_options.browser);
    }

    int exec();

private:
    void findBrowser();
    void attachTo(const QUrl &endpoint);
    void connectAttachment();
    void onAttached(const QString &product);
    void watchRules();
    void printNewExchanges();
    void stop(int code);

    AttachOptions m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    session::Session m_session;
    CaptureRecording m_recording;
    std::unique_ptr<attach::Attachment> m_attachment; ///< once the endpoint is known
    attach::BrowserEndpointLookup m_lookup;
    RulesFileWatcher m_rulesWatcher;
    QTimer m_printer;
    qsizetype m_printed = 0;
    bool m_everAttached = false;
    int m_code = 0;
};

int AttachRun::exec()
{
    if (!m_recording.start(&m_session))
        return 1;
    QObject::connect(&m_lookup, &attach::BrowserEndpointLookup::found, qApp,
                     [this](const QUrl &endpoint) { attachTo(endpoint); });
    QObject::connect(&m_lookup, &attach::BrowserEndpointLookup::failed, qApp,
                     [this](const QString &reason) {
                         m_err << kCommand << reason << "\n";
                         stop(1);
                     });
    QObject::connect(
        &m_session, &session::Session::exchangesDropped, qApp,
        [this](qsizetype count) { m_printed = std::max<qsizetype>(0, m_printed - count); });
    QObject::connect(&m_printer, &QTimer::timeout, qApp, [this] { printNewExchanges(); });
    m_printer.start(kPrintIntervalMs);
    watchRules();
    QTimer::singleShot(0, qApp, [this] { findBrowser(); });
    const int loopCode = QCoreApplication::exec();
    if (m_attachment)
        m_attachment->detach(); // hands in what is pending
    printNewExchanges();
    const bool recorded = m_recording.finish(m_session);
    m_out.flush();
    const int code = loopCode != 0 ? loopCode : m_code;
    return code == 0 && !recorded ? 1 : code;
}

void AttachRun::findBrowser()
{
    if (m_options.url.scheme() == QLatin1String("ws")) {
        attachTo(m_options.url);
        return;
    }
    const QString host =
        m_options.url.isValid() ? m_options.url.host() : QStringLiteral("127.0.0.1");
    const quint16 port = m_options.url.isValid()
                             ? quint16(m_options.url.port(attach::kDefaultDevToolsPort))
                             : m_options.port;
    m_lookup.lookUp(host, port);
}

void AttachRun::attachTo(const QUrl &endpoint)
{
    m_attachment = attach::attachmentFor(endpoint, m_options.bodyCap);
    connectAttachment();
    // In force before the first tab is captured, so its first request is overridden too.
    if (!m_options.rules.rules().isEmpty())
        m_attachment->setOverrides(m_options.rules);
    QString error;
    if (!m_attachment->attach(endpoint, &error)) {
        m_err << kCommand << error << "\n";
        stop(1);
    }
}

void AttachRun::connectAttachment()
{
    attach::Attachment *a = m_attachment.get();
    QObject::connect(a, &attach::Attachment::exchangesCaptured, &m_session,
                     &session::Session::append);
    QObject::connect(a, &attach::Attachment::message, qApp, [this](const QString &text) {
        m_err << kCommand << text << "\n" << Qt::flush;
    });
    QObject::connect(a, &attach::Attachment::attached, qApp,
                     [this](const QString &product) { onAttached(product); });
    QObject::connect(a, &attach::Attachment::detached, qApp, [this](const QString &reason) {
        if (reason == QLatin1String("detached"))
            return;
        m_err << kCommand << (m_everAttached ? "capture stopped: " : "cannot attach: ") << reason
              << "\n";
        stop(m_everAttached ? 0 : 1);
    });
}

void AttachRun::onAttached(const QString &product)
{
    m_everAttached = true;
    // Verdicts for the browser attached to, unless --profile asked for another.
    if (!m_options.profileGiven && product.startsWith(QLatin1String("Firefox")))
        m_options.browser = cors::BrowserProfile::byName(QStringLiteral("firefox"));
    m_session.setProfile(*m_options.browser);
    m_out << "Attached to " << (product.isEmpty() ? QStringLiteral("the browser") : product)
          << " at " << m_attachment->endpoint().toString() << "\n"
          << "  capturing:       every tab, iframe and worker, new ones too\n"
          << "  verdicts for:    " << m_options.browser->name
          << " (the browser's own verdict is printed beside each)\n";
    if (!m_options.rulesFile.isEmpty())
        m_out << "  rules:           " << m_options.rulesFile << " ("
              << m_attachment->overrides().rules().size()
              << ", applied in the browser, reloaded on change, removed on detach)\n";
    m_out << "Press Ctrl+C to detach.\n" << Qt::flush;
}

// Live rules, as `corslab-cli proxy --rules`: a broken edit keeps the rules in force.
void AttachRun::watchRules()
{
    if (m_options.rulesFile.isEmpty())
        return;
    QObject::connect(
        &m_rulesWatcher, &RulesFileWatcher::rejected, qApp, [this](const QString &why) {
            m_err << kCommand << "rules not reloaded, the previous ones stay: " << why << "\n"
                  << Qt::flush;
        });
    QObject::connect(&m_rulesWatcher, &RulesFileWatcher::changed, qApp,
                     [this](const proxy::OverrideSet &set, const QString &path) {
                         m_options.rules = set;
                         if (m_attachment)
                             m_attachment->setOverrides(set);
                         m_out << "Rules reloaded: " << set.rules().size() << " rule(s) from "
                               << path << "\n"
                               << Qt::flush;
                     });
    m_rulesWatcher.watch(m_options.rulesFile);
}

void AttachRun::printNewExchanges()
{
    m_printed = ::printNewExchanges(m_session, m_printed, m_options.quiet);
}

void AttachRun::stop(int code)
{
    m_code = code;
    QCoreApplication::exit(code);
}

} // namespace

int runAttachCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    AttachOptions options;
    if (const std::optional<int> code = parseAttachCommand(arguments, out, err, &options))
        return *code;
    UnixSignalWatcher signalWatcher;
    stopOnTerminationSignal(signalWatcher, out);
    AttachRun run(std::move(options), out, err);
    return run.exec();
}
