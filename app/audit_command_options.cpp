#include "audit_command_options.h"

#include "cli_common.h"
#include "request_options.h"

#include <QCommandLineParser>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli audit: ");

/// The command's options, declared once; addTo() registers them with a parser.
struct Options
{
    QCommandLineOption trusted{QStringLiteral("trusted-origin"),
                               QStringLiteral("An origin the API trusts on purpose, e.g. "
                                              "https://app.example.com (repeatable; default: the "
                                              "URL's own origin)."),
                               QStringLiteral("O")};
    QCommandLineOption method{QStringLiteral("method"),
                              QStringLiteral("The method of the preflighted probes (default: GET "
                                             "with Content-Type: application/json). Another than "
                                             "GET/HEAD is sent whenever a preflight passes."),
                              QStringLiteral("M"), QStringLiteral("GET")};
    QCommandLineOption header{QStringLiteral("header"),
                              QStringLiteral("A header of the preflighted probes, 'Name: value' "
                                             "(repeatable)."),
                              QStringLiteral("H")};
    QCommandLineOption credentials{QStringLiteral("credentials"),
                                   QStringLiteral("The API is used with cookies: the fix keeps "
                                                  "Access-Control-Allow-Credentials.")};
    QCommandLineOption browser{QStringLiteral("browser"),
                               QStringLiteral("Send and judge as chromium, firefox or safari only "
                                              "(default: send as chromium, judge in all three)."),
                               QStringLiteral("NAME")};
    QCommandLineOption format{QStringLiteral("format"),
                              QStringLiteral("text (default), json, html or sarif."),
                              QStringLiteral("F"), QStringLiteral("text")};
    QCommandLineOption output{{QStringLiteral("o"), QStringLiteral("output")},
                              QStringLiteral("Write the report to FILE instead of standard "
                                             "output."),
                              QStringLiteral("FILE")};
    QCommandLineOption record{QStringLiteral("record"),
                              QStringLiteral("Also save every request and response of the audit "
                                             "as a session file (open it in the app)."),
                              QStringLiteral("FILE")};
    cli_request::TransportOptions transport;
    QCommandLineOption maxRequests{QStringLiteral("max-requests"),
                                   QStringLiteral("Refuse to send more than N requests "
                                                  "(default %1).")
                                       .arg(audit::kDefaultMaxRequests),
                                   QStringLiteral("N"),
                                   QString::number(audit::kDefaultMaxRequests)};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions(
            {trusted, method, header, credentials, browser, format, output, record, maxRequests});
        parser.addOptions(transport.all());
    }
};

bool readTarget(const QCommandLineParser &p, QTextStream &err, audit::AuditOptions *audit)
{
    const QStringList positional = p.positionalArguments();
    if (positional.size() != 1) {
        err << kCommand << "URL: expected exactly one URL to audit, got " << positional.size()
            << "\n";
        return false;
    }
    audit->target = QUrl(positional.first(), QUrl::StrictMode);
    return true;
}

bool readBrowser(const QCommandLineParser &p, const Options &o, QTextStream &err,
                 audit::AuditOptions *audit)
{
    if (!p.isSet(o.browser))
        return true;
    const QString name = p.value(o.browser);
    if (!check::kCheckBrowsers.contains(name))
        return cli_request::usage(err, kCommand, QStringLiteral("--browser"),
                                  QStringLiteral("chromium, firefox or safari"), name);
    audit->sendAs = name;
    audit->judgeBrowsers = {name};
    return true;
}

bool readRequest(const QCommandLineParser &p, const Options &o, QTextStream &err,
                 audit::AuditOptions *audit)
{
    for (const QString &origin : p.values(o.trusted))
        audit->trustedOrigins.append(origin.toUtf8());
    audit->method = p.value(o.method).toUtf8();
    if (!base::isHttpToken(audit->method))
        return cli_request::usage(err, kCommand, QStringLiteral("--method"),
                                  QStringLiteral("an HTTP method token such as PUT"),
                                  p.value(o.method));
    audit->credentials = p.isSet(o.credentials);
    bool ok = false;
    audit->maxRequests = p.value(o.maxRequests).toInt(&ok);
    if (!ok || audit->maxRequests <= 0)
        return cli_request::usage(err, kCommand, QStringLiteral("--max-requests"),
                                  QStringLiteral("a positive number"), p.value(o.maxRequests));
    return cli_request::readHeaders(p.values(o.header), kCommand, err, &audit->headers);
}

} // namespace

std::optional<int> parseAuditCommand(const QStringList &arguments, QTextStream &out,
                                     QTextStream &err, AuditCommandOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Probes a real API with the origins an attacker would use (derived from the trusted "
        "origins) through simple requests and real preflights, and reports every CORS "
        "misconfiguration that holds, with the severity the browsers' own rules give it, the "
        "evidence and the fix. Exit codes: 0 nothing above info, 1 findings, 2 bad input, "
        "3 network failure. See docs/audit.md."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 QStringLiteral("The http:// or https:// URL to audit."));
    const Options o;
    o.addTo(parser);
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return code;
    AuditCommandOptions &opts = *options;
    using Format = AuditCommandOptions::Format;
    if (!readTarget(parser, err, &opts.audit) || !readBrowser(parser, o, err, &opts.audit) ||
        !readRequest(parser, o, err, &opts.audit) ||
        !cli_request::pick<Format>(err, kCommand, QStringLiteral("--format"),
                                   parser.value(o.format),
                                   {{QStringLiteral("text"), Format::Text},
                                    {QStringLiteral("json"), Format::Json},
                                    {QStringLiteral("html"), Format::Html},
                                    {QStringLiteral("sarif"), Format::Sarif}},
                                   &opts.format) ||
        !cli_request::readTransport(o.transport.given(parser), kCommand, err, &opts.audit.runner))
        return kCliUsageError;
    opts.outputFile = parser.value(o.output);
    opts.recordFile = parser.value(o.record);
    QString error;
    if (!audit::validateAuditOptions(&opts.audit, &error)) {
        err << kCommand << error << "\n";
        return kCliUsageError;
    }
    return std::nullopt;
}
