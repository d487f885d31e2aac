#include "proxy_command_options.h"

#include "base/quantity_text.h"
#include "cli_common.h"
#include "proxy/certificate_authority.h"

#include <QCommandLineParser>
#include <QSslCertificate>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli proxy: ");
constexpr int kMaxThreads = 64;
// A disk limit below this would hold less than one segment of a busy capture.
constexpr qint64 kMinRetainDisk = qint64(1) << 20;
constexpr int kMaxRecordSeconds = 3600;
constexpr int kUsageError = 2;

/// The command's options, declared once; addTo() registers them with a parser.
struct Options
{
    QCommandLineOption port{{QStringLiteral("p"), QStringLiteral("port")},
                            QStringLiteral("Port to listen on (default 8888; 0 picks one)."),
                            QStringLiteral("N"),
                            QStringLiteral("8888")};
    QCommandLineOption listen{QStringLiteral("listen"),
                              QStringLiteral("Address to listen on (default 127.0.0.1)."),
                              QStringLiteral("ADDR"), QStringLiteral("127.0.0.1")};
    QCommandLineOption reverse{
        QStringLiteral("reverse"),
        QStringLiteral("Reverse proxy in front of URL (http or https): point your app at "
                       "http://localhost:PORT instead of the API."),
        QStringLiteral("URL")};
    QCommandLineOption interceptTls{
        QStringLiteral("intercept-tls"),
        QStringLiteral("Decrypt HTTPS (CONNECT) with certificates of a local CA, created on first "
                       "use in --ca-dir; the launched browser trusts it. Without it, HTTPS "
                       "tunnels are recorded as opaque.")};
    QCommandLineOption caDir{QStringLiteral("ca-dir"),
                             QStringLiteral("Directory of the local CA (default %1).")
                                 .arg(proxy::CertificateAuthority::defaultDirectory()),
                             QStringLiteral("DIR")};
    QCommandLineOption exportCa{
        QStringLiteral("export-ca"),
        QStringLiteral("Write the local CA's certificate to FILE (PEM; DER for .der/.cer) and "
                       "exit."),
        QStringLiteral("FILE")};
    QCommandLineOption upstreamCa{
        QStringLiteral("upstream-ca"),
        QStringLiteral("Also trust the CA certificate(s) in FILE (PEM) for https servers."),
        QStringLiteral("FILE")};
    QCommandLineOption insecure{
        QStringLiteral("insecure-upstream"),
        QStringLiteral("Do not verify https servers' certificates (test servers only).")};
    QCommandLineOption rules{
        QStringLiteral("rules"),
        QStringLiteral("Override rules (docs/proxy-rules.md), reloaded whenever FILE changes."),
        QStringLiteral("FILE")};
    QCommandLineOption record{
        QStringLiteral("record"),
        QStringLiteral("Record the session into PATH as it is captured: a session store "
                       "directory (docs/session-format.md), synced every second, so a crash "
                       "loses at most the last second and stopping takes under a second. A PATH "
                       "ending in .json is also written as a session file on exit (until then the "
                       "capture is kept in PATH without .json plus .corslab)."),
        QStringLiteral("PATH")};
    QCommandLineOption recordInterval{
        QStringLiteral("record-interval"),
        QStringLiteral("Seconds between syncs of the recording to disk: what a crash may lose "
                       "(default 1)."),
        QStringLiteral("S"), QStringLiteral("1")};
    QCommandLineOption retainCount{
        QStringLiteral("retain-count"),
        QStringLiteral("Keep about the N newest exchanges; older ones are dropped, oldest first."),
        QStringLiteral("N")};
    QCommandLineOption retainDisk{
        QStringLiteral("retain-disk"),
        QStringLiteral("Keep the session's files under SIZE on disk (e.g. 500M, 20G), dropping "
                       "the oldest exchanges."),
        QStringLiteral("SIZE")};
    QCommandLineOption retainAge{
        QStringLiteral("retain-age"),
        QStringLiteral("Drop exchanges older than AGE (e.g. 90m, 12h, 7d)."),
        QStringLiteral("AGE")};
    QCommandLineOption launch{
        QStringLiteral("launch-browser"),
        QStringLiteral("Start Chromium (or --browser-binary) in a fresh profile that uses this "
                       "proxy, at --open.")};
    QCommandLineOption browserBinary{
        QStringLiteral("browser-binary"),
        QStringLiteral("Browser for --launch-browser (default: chromium)."),
        QStringLiteral("PATH")};
    QCommandLineOption open{
        QStringLiteral("open"),
        QStringLiteral("Page the launched browser opens (default: the playground's page with "
                       "--playground, else about:blank)."),
        QStringLiteral("URL")};
    QCommandLineOption playground{
        QStringLiteral("playground"),
        QStringLiteral("Also run the playground (demo API and pages on free loopback ports), so "
                       "there is traffic to look at right away.")};
    QCommandLineOption profile = browserProfileOption();
    QCommandLineOption bodyCap{
        QStringLiteral("body-cap"),
        QStringLiteral("Bytes of each body kept in the session (default 65536)."),
        QStringLiteral("BYTES"), QStringLiteral("65536")};
    QCommandLineOption quiet{QStringLiteral("quiet"),
                             QStringLiteral("Print no line per exchange.")};
    QCommandLineOption threads{
        QStringLiteral("threads"),
        QStringLiteral("Network threads sharing the browser connections (default: one per CPU "
                       "core, at most 4)."),
        QStringLiteral("N"), QStringLiteral("0")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({port,           listen,      reverse,    interceptTls, caDir,
                           exportCa,       upstreamCa,  insecure,   rules,        record,
                           recordInterval, retainCount, retainDisk, retainAge,    launch,
                           browserBinary,  open,        playground, profile,      bodyCap,
                           quiet,          threads});
    }
};

/// Reads the checked values of \a parser's options; the first bad one is a usage error.
class ValueReader
{
public:
    ValueReader(const QCommandLineParser &parser, QTextStream &err) : m_parser(parser), m_err(err)
    {
    }

    /// Prints "corslab-cli proxy: --OPTION: MESSAGE" and returns the usage exit code.
    int usage(const QCommandLineOption &option, const QString &message)
    {
        m_err << kCommand << "--" << option.names().constLast() << ": " << message << "\n";
        return kUsageError;
    }

    std::optional<int> readBasics(const Options &o, ProxyCommandOptions *out);
    std::optional<int> readUpstream(const Options &o, ProxyCommandOptions *out);
    std::optional<int> readRetention(const Options &o, ProxyCommandOptions *out);

private:
    QString value(const QCommandLineOption &option) const { return m_parser.value(option); }

    const QCommandLineParser &m_parser;
    QTextStream &m_err;
};

std::optional<int> ValueReader::readBasics(const Options &o, ProxyCommandOptions *out)
{
    bool ok = false;
    const int port = value(o.port).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return usage(
            o.port,
            QStringLiteral("expected a port from 0 to 65535, got \"%1\"").arg(value(o.port)));
    out->port = quint16(port);
    if (!out->address.setAddress(value(o.listen)))
        return usage(o.listen, QStringLiteral("expected an IP address such as 127.0.0.1, got "
                                              "\"%1\"")
                                   .arg(value(o.listen)));
    QString why;
    out->browser = browserProfileNamed(value(o.profile), &why);
    if (!out->browser)
        return usage(o.profile, why);
    out->bodyCap = value(o.bodyCap).toLongLong(&ok);
    if (!ok || out->bodyCap < 0)
        return usage(o.bodyCap, QStringLiteral("expected a number of bytes (0 or more), got "
                                               "\"%1\"")
                                    .arg(value(o.bodyCap)));
    out->recordSeconds = value(o.recordInterval).toDouble(&ok);
    if (!ok || out->recordSeconds < 0.1 || out->recordSeconds > kMaxRecordSeconds)
        return usage(o.recordInterval, QStringLiteral("expected seconds from 0.1 to %1, got \"%2\"")
                                           .arg(kMaxRecordSeconds)
                                           .arg(value(o.recordInterval)));
    const int threads = value(o.threads).toInt(&ok);
    if (!ok || threads < 0 || threads > kMaxThreads)
        return usage(o.threads, QStringLiteral("expected a number of threads from 1 to %1 (0: "
                                               "one per CPU core), got \"%2\"")
                                    .arg(kMaxThreads)
                                    .arg(value(o.threads)));
    out->proxy.bodyCaptureBytes = out->bodyCap;
    out->proxy.networkThreads = threads;
    return std::nullopt;
}

std::optional<int> ValueReader::readRetention(const Options &o, ProxyCommandOptions *out)
{
    session::StoreRetention &r = out->retention;
    if (m_parser.isSet(o.retainCount)) {
        bool ok = false;
        r.maxExchanges = value(o.retainCount).toLongLong(&ok);
        if (!ok || r.maxExchanges < 1)
            return usage(o.retainCount, QStringLiteral("expected a number of exchanges (1 or "
                                                       "more), got \"%1\"")
                                            .arg(value(o.retainCount)));
    }
    if (m_parser.isSet(o.retainDisk)) {
        const std::optional<qint64> bytes = base::parseByteSize(value(o.retainDisk));
        if (!bytes || *bytes < kMinRetainDisk)
            return usage(o.retainDisk, QStringLiteral("expected a size of 1M or more such as "
                                                      "500M or 20G, got \"%1\"")
                                           .arg(value(o.retainDisk)));
        r.maxDiskBytes = *bytes;
    }
    if (m_parser.isSet(o.retainAge)) {
        const std::optional<qint64> seconds = base::parseDuration(value(o.retainAge));
        if (!seconds || *seconds < 1)
            return usage(o.retainAge, QStringLiteral("expected a duration such as 90m, 12h or 7d, "
                                                     "got \"%1\"")
                                          .arg(value(o.retainAge)));
        r.maxAgeSeconds = *seconds;
    }
    return std::nullopt;
}

std::optional<int> ValueReader::readUpstream(const Options &o, ProxyCommandOptions *out)
{
    if (m_parser.isSet(o.reverse)) {
        const QUrl target = QUrl::fromUserInput(value(o.reverse));
        if (!target.isValid() || target.host().isEmpty() ||
            (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https")))
            return usage(o.reverse, QStringLiteral("expected an http:// or https:// URL, got "
                                                   "\"%1\"")
                                        .arg(value(o.reverse)));
        out->proxy.mode = proxy::ProxyOptions::Mode::Reverse;
        out->proxy.reverseTarget = target;
    }
    if (m_parser.isSet(o.upstreamCa)) {
        const QList<QSslCertificate> certificates =
            QSslCertificate::fromPath(value(o.upstreamCa), QSsl::Pem);
        if (certificates.isEmpty())
            return usage(o.upstreamCa, QStringLiteral("no PEM certificate could be read from "
                                                      "\"%1\"")
                                           .arg(value(o.upstreamCa)));
        out->proxy.upstreamCaCertificates = certificates;
    }
    out->proxy.verifyUpstreamCertificates = !m_parser.isSet(o.insecure);
    return std::nullopt;
}

void readFlags(const QCommandLineParser &parser, const Options &o, ProxyCommandOptions *out)
{
    out->rulesFile = parser.value(o.rules);
    out->recordFile = parser.value(o.record);
    out->exportCaTo = parser.value(o.exportCa);
    out->caDirectory = parser.value(o.caDir);
    out->interceptTls = parser.isSet(o.interceptTls);
    out->launchBrowser = parser.isSet(o.launch);
    out->browserBinary = parser.value(o.browserBinary);
    out->openUrl = parser.value(o.open);
    out->playground = parser.isSet(o.playground);
    out->quiet = parser.isSet(o.quiet);
}

} // namespace

std::optional<int> parseProxyCommand(const QStringList &arguments, QTextStream &out,
                                     QTextStream &err, ProxyCommandOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the CORS Lab intercepting proxy headless: point a browser at it (or use "
        "--launch-browser), and every request it sends is captured, paired with its preflight and "
        "judged by the CORS engine, one line each. Stop with Ctrl+C."));
    parser.addHelpOption();
    const Options o;
    o.addTo(parser);
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    if (!parser.positionalArguments().isEmpty()) {
        err << kCommand << "unexpected argument \"" << parser.positionalArguments().first()
            << "\"\n";
        return kUsageError;
    }
    ValueReader reader(parser, err);
    if (const std::optional<int> code = reader.readBasics(o, options))
        return code;
    if (const std::optional<int> code = reader.readRetention(o, options))
        return code;
    if (const std::optional<int> code = reader.readUpstream(o, options))
        return code;
    readFlags(parser, o, options);
    return std::nullopt;
}
