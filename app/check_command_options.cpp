#include "check_command_options.h"

#include "cli_common.h"
#include "cors/browser_profile.h"
#include "request_options.h"

#include <QCommandLineParser>
#include <QFile>
#include <QRegularExpression>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli check: ");

/// The command's options, declared once; addTo() registers them with a parser.
struct Options
{
    QCommandLineOption origin{QStringLiteral("origin"),
                              QStringLiteral("The page's origin, e.g. https://app.example.com."),
                              QStringLiteral("O")};
    QCommandLineOption method{QStringLiteral("method"),
                              QStringLiteral("The request method (default GET)."),
                              QStringLiteral("M"), QStringLiteral("GET")};
    QCommandLineOption header{QStringLiteral("header"),
                              QStringLiteral("A header the script sets, 'Name: value' "
                                             "(repeatable)."),
                              QStringLiteral("H")};
    QCommandLineOption credentials{QStringLiteral("credentials"),
                                   QStringLiteral("omit, same-origin (default) or include."),
                                   QStringLiteral("MODE"), QStringLiteral("same-origin")};
    QCommandLineOption cookie{QStringLiteral("cookie"),
                              QStringLiteral("A cookie the browser holds for the URL's host, "
                                             "'name=value' (repeatable)."),
                              QStringLiteral("C")};
    QCommandLineOption body{QStringLiteral("body"),
                            QStringLiteral("The request body: TEXT, or @FILE for a file's "
                                           "content."),
                            QStringLiteral("TEXT|@FILE")};
    QCommandLineOption mode{QStringLiteral("mode"),
                            QStringLiteral("cors (default), no-cors or same-origin."),
                            QStringLiteral("MODE"), QStringLiteral("cors")};
    QCommandLineOption redirect{QStringLiteral("redirect"),
                                QStringLiteral("follow (default), manual or error."),
                                QStringLiteral("MODE"), QStringLiteral("follow")};
    QCommandLineOption browser{QStringLiteral("browser"),
                               QStringLiteral("chromium (default), firefox, safari or all."),
                               QStringLiteral("NAME"), QStringLiteral("chromium")};
    QCommandLineOption format{QStringLiteral("format"), QStringLiteral("text (default) or json."),
                              QStringLiteral("F"), QStringLiteral("text")};
    cli_request::TransportOptions transport;
    QCommandLineOption contract{QStringLiteral("contract"),
                                QStringLiteral("Check every case of a contract (JSON or YAML, "
                                               "docs/check.md) instead of one URL."),
                                QStringLiteral("FILE")};
    QCommandLineOption openapi{QStringLiteral("openapi"),
                               QStringLiteral("Probe every operation of an OpenAPI 3.0/3.1 "
                                              "description (JSON or YAML) from --origin."),
                               QStringLiteral("FILE")};
    QCommandLineOption baseUrl{QStringLiteral("base-url"),
                               QStringLiteral("With --contract or --openapi: the API's base URL, "
                                              "instead of the file's."),
                               QStringLiteral("URL")};
    QCommandLineOption junit{QStringLiteral("junit"),
                             QStringLiteral("With --contract or --openapi: also write JUnit XML "
                                            "to FILE."),
                             QStringLiteral("FILE")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({origin, method, header, credentials, cookie, body, mode, redirect,
                           browser, format, contract, openapi, baseUrl, junit});
        parser.addOptions(transport.all());
    }
};

bool usage(QTextStream &err, const QString &option, const QString &expected, const QString &got)
{
    return cli_request::usage(err, kCommand, option, expected, got);
}

template<typename Enum>
bool pick(QTextStream &err, const QString &option, const QString &value,
          const QList<std::pair<QString, Enum>> &choices, Enum *out)
{
    return cli_request::pick(err, kCommand, option, value, choices, out);
}

bool readBrowsers(const QCommandLineParser &p, const Options &o, QTextStream &err,
                  CheckCommandOptions *out)
{
    const QString value = p.value(o.browser);
    out->browsersGiven = p.isSet(o.browser);
    if (value == QLatin1String("all")) {
        out->browsers = check::kCheckBrowsers;
        return true;
    }
    if (!check::kCheckBrowsers.contains(value))
        return usage(err, QStringLiteral("--browser"),
                     QStringLiteral("chromium, firefox, safari or all"), value);
    out->browsers = {value};
    return true;
}

bool readHeaders(const QCommandLineParser &p, const Options &o, QTextStream &err,
                 client::ComposedRequest *request)
{
    if (!cli_request::readHeaders(p.values(o.header), kCommand, err, &request->headers))
        return false;
    for (const QString &c : p.values(o.cookie))
        request->cookies.append(c.toUtf8());
    return true;
}

bool readBody(const QCommandLineParser &p, const Options &o, QTextStream &err,
              client::ComposedRequest *request)
{
    if (!p.isSet(o.body))
        return true;
    const QString value = p.value(o.body);
    if (!value.startsWith(QLatin1Char('@'))) {
        request->body = value.toUtf8();
        return true;
    }
    QFile file(value.mid(1));
    if (!file.open(QIODevice::ReadOnly)) {
        err << kCommand << "--body: cannot read " << file.fileName() << ": " << file.errorString()
            << "\n";
        return false;
    }
    request->body = file.readAll();
    return true;
}

bool readModes(const QCommandLineParser &p, const Options &o, QTextStream &err,
               client::ComposedRequest *request)
{
    using cors::CredentialsMode;
    using cors::RedirectMode;
    using cors::RequestMode;
    return pick<CredentialsMode>(err, QStringLiteral("--credentials"), p.value(o.credentials),
                                 {{QStringLiteral("omit"), CredentialsMode::Omit},
                                  {QStringLiteral("same-origin"), CredentialsMode::SameOrigin},
                                  {QStringLiteral("include"), CredentialsMode::Include}},
                                 &request->credentials) &&
           pick<RequestMode>(err, QStringLiteral("--mode"), p.value(o.mode),
                             {{QStringLiteral("cors"), RequestMode::Cors},
                              {QStringLiteral("no-cors"), RequestMode::NoCors},
                              {QStringLiteral("same-origin"), RequestMode::SameOrigin}},
                             &request->mode) &&
           pick<RedirectMode>(err, QStringLiteral("--redirect"), p.value(o.redirect),
                              {{QStringLiteral("follow"), RedirectMode::Follow},
                               {QStringLiteral("manual"), RedirectMode::Manual},
                               {QStringLiteral("error"), RedirectMode::Error}},
                              &request->redirect);
}

bool readTransport(const QCommandLineParser &p, const Options &o, QTextStream &err,
                   check::CheckRunner::Options *runner)
{
    return cli_request::readTransport(o.transport.given(p), kCommand, err, runner);
}

// The request's own checks (ComposedRequest::validate), told in terms of the command line.
bool validateRequest(const client::ComposedRequest &request, QTextStream &err)
{
    QString error;
    if (request.validate(&error))
        return true;
    static const QList<std::pair<QRegularExpression, QString>> fieldToOption = {
        {QRegularExpression(QStringLiteral("^origin: ")), QStringLiteral("--origin: ")},
        {QRegularExpression(QStringLiteral("^url: ")), QStringLiteral("URL: ")},
        {QRegularExpression(QStringLiteral("^method: ")), QStringLiteral("--method: ")},
        {QRegularExpression(QStringLiteral("^headers\\[(\\d+)\\]\\.(name|value): ")),
         QStringLiteral("--header #\\1 (\\2): ")},
        {QRegularExpression(QStringLiteral("^cookies\\[(\\d+)\\]: ")),
         QStringLiteral("--cookie #\\1: ")},
        {QRegularExpression(QStringLiteral("^body: ")), QStringLiteral("--body: ")}};
    for (const auto &[field, option] : fieldToOption) {
        if (field.match(error).hasMatch()) {
            error.replace(field, option);
            break;
        }
    }
    err << kCommand << error << "\n";
    return false;
}

bool readTarget(const QCommandLineParser &p, const Options &o, QTextStream &err,
                CheckCommandOptions *out)
{
    const QStringList positional = p.positionalArguments();
    const bool contract = p.isSet(o.contract);
    const bool openapi = p.isSet(o.openapi);
    if (contract && openapi) {
        err << kCommand << "--contract and --openapi: expected one of them, got both\n";
        return false;
    }
    if ((contract || openapi) && !positional.isEmpty()) {
        err << kCommand << "URL: expected no URL with " << (contract ? "--contract" : "--openapi")
            << " (use --base-url), got \"" << positional.first() << "\"\n";
        return false;
    }
    if (!contract && !openapi && positional.size() != 1) {
        err << kCommand
            << "URL: expected exactly one URL to check (or --contract FILE, or "
               "--openapi FILE), got "
            << positional.size() << "\n";
        return false;
    }
    if (p.isSet(o.baseUrl)) {
        out->baseUrl = QUrl(p.value(o.baseUrl), QUrl::StrictMode);
        const QString scheme = out->baseUrl.scheme();
        if (!out->baseUrl.isValid() || out->baseUrl.host().isEmpty() ||
            (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            return usage(err, QStringLiteral("--base-url"),
                         QStringLiteral("an absolute http:// or https:// URL"), p.value(o.baseUrl));
    }
    out->target = contract  ? CheckCommandOptions::Target::Contract
                  : openapi ? CheckCommandOptions::Target::OpenApi
                            : CheckCommandOptions::Target::Url;
    out->contractFile = p.value(o.contract);
    out->openApiFile = p.value(o.openapi);
    out->junitFile = p.value(o.junit);
    if (!contract && !openapi)
        out->request.url = QUrl(positional.first(), QUrl::StrictMode);
    return true;
}

} // namespace

std::optional<int> parseCheckCommand(const QStringList &arguments, QTextStream &out,
                                     QTextStream &err, CheckCommandOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Sends a request to a real API exactly as a browser's fetch() would (Origin, Sec-Fetch-*, "
        "a preflight when Fetch needs one), judges every step like that browser, and prints the "
        "pair, the verdict, the explanation and the fix. Exit codes: 0 exposed, 1 blocked, "
        "2 bad input, 3 network failure. See docs/check.md."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 QStringLiteral("The http:// or https:// URL to check."));
    const Options o;
    o.addTo(parser);
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return code;
    CheckCommandOptions &opts = *options;
    if (!readTarget(parser, o, err, &opts) || !readBrowsers(parser, o, err, &opts) ||
        !pick<CheckCommandOptions::Format>(
            err, QStringLiteral("--format"), parser.value(o.format),
            {{QStringLiteral("text"), CheckCommandOptions::Format::Text},
             {QStringLiteral("json"), CheckCommandOptions::Format::Json}},
            &opts.format) ||
        !readHeaders(parser, o, err, &opts.request) || !readBody(parser, o, err, &opts.request) ||
        !readModes(parser, o, err, &opts.request) || !readTransport(parser, o, err, &opts.runner))
        return kCliUsageError;
    opts.request.method = parser.value(o.method).toUtf8();
    opts.originGiven = parser.isSet(o.origin);
    if (opts.target != CheckCommandOptions::Target::Contract && !opts.originGiven) {
        err << kCommand
            << "--origin: expected the page's origin (e.g. --origin "
               "https://app.example.com), got none\n";
        return kCliUsageError;
    }
    if (opts.originGiven)
        opts.request.origin = parser.value(o.origin).toUtf8();
    if (opts.target == CheckCommandOptions::Target::Url && !validateRequest(opts.request, err))
        return kCliUsageError;
    if (!opts.junitFile.isEmpty() && opts.target == CheckCommandOptions::Target::Url) {
        err << kCommand << "--junit: expected with --contract or --openapi only\n";
        return kCliUsageError;
    }
    return std::nullopt;
}
