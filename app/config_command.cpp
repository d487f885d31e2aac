#include "config_command.h"

#include "cli_common.h"
#include "config/server_config.h"
#include "cors/origin.h"
#include "policy/cors_policy.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

using namespace corslab;

namespace {

const QString kCommand = QStringLiteral("corslab-cli config: ");

// The origins `corslab-cli serve --port 8080` gives the demo: the API on 8080, the pages next.
policy::DemoOrigins defaultOrigins()
{
    return {"http://localhost:8080", "http://localhost:8081", "http://127.0.0.1:8082"};
}

/// "api=http://localhost:8080,app=...,evil=..." over \a origins; any subset of the three.
bool parseOrigins(const QString &text, policy::DemoOrigins *origins, QString *error)
{
    const QString expected = QStringLiteral("api=ORIGIN,app=ORIGIN,evil=ORIGIN (any of them, "
                                            "e.g. app=http://localhost:3000)");
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype equals = item.indexOf(QLatin1Char('='));
        const QString key = item.left(equals).trimmed();
        const QString value = item.mid(equals + 1).trimmed();
        QByteArray *slot = key == QLatin1String("api")    ? &origins->api
                           : key == QLatin1String("app")  ? &origins->app
                           : key == QLatin1String("evil") ? &origins->evil
                                                          : nullptr;
        if (equals < 0 || !slot) {
            *error = QStringLiteral("expected %1, got \"%2\"").arg(expected, item);
            return false;
        }
        cors::Origin origin;
        QString why;
        if (!cors::Origin::parse(value, &origin, &why) || !origin.isHttpFamily()) {
            *error = QStringLiteral("%1: expected an http or https origin such as "
                                    "http://localhost:3000, got \"%2\"")
                         .arg(key, value);
            return false;
        }
        *slot = origin.serialize();
    }
    return true;
}

} // namespace

int runConfigCommand(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints the server configuration that answers like a playground CORS policy, for nginx, "
        "Apache httpd, Express, ASP.NET Core, Spring, Django, Flask or Go. What the target cannot "
        "express exactly is printed on stderr as \"note:\" lines."));
    parser.addHelpOption();
    const QCommandLineOption target(
        QStringLiteral("for"),
        QStringLiteral("The server or framework: %1.")
            .arg(config::serverTargetNames().join(QStringLiteral(", "))),
        QStringLiteral("TARGET"));
    const QCommandLineOption policyFile(QStringLiteral("policy"),
                                        QStringLiteral("The CORS policy as JSON (docs/policy.md)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption preset(
        QStringLiteral("preset"),
        QStringLiteral("A named preset instead of --policy (corslab-cli serve --list-presets); "
                       "default \"Credentialed allowlist\"."),
        QStringLiteral("NAME"));
    const QCommandLineOption originsOption(
        QStringLiteral("origins"),
        QStringLiteral("What {api}, {app} and {evil} stand for, e.g. "
                       "app=https://app.example.com (default: api=http://localhost:8080,"
                       "app=http://localhost:8081,evil=http://127.0.0.1:8082)."),
        QStringLiteral("LIST"));
    const QCommandLineOption list(QStringLiteral("list"),
                                  QStringLiteral("Print the targets and exit."));
    parser.addOptions({target, policyFile, preset, originsOption, list});
    if (const std::optional<int> code = parseCommandLine(parser, arguments, kCommand, out, err))
        return *code;
    if (parser.isSet(list)) {
        for (const config::ServerTarget &t : config::serverTargets())
            out << t.name.leftJustified(12) << t.displayName << "\n";
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << kCommand << "unexpected argument \"" << parser.positionalArguments().first()
            << "\"\n";
        return 2;
    }
    const QString names = config::serverTargetNames().join(QStringLiteral(", "));
    if (!parser.isSet(target)) {
        err << kCommand << "--for: expected one of " << names << "\n";
        return 2;
    }
    const std::optional<config::ServerKind> kind = config::serverKindNamed(parser.value(target));
    if (!kind) {
        err << kCommand << "--for: expected one of " << names << ", got \"" << parser.value(target)
            << "\"\n";
        return 2;
    }
    if (parser.isSet(policyFile) && parser.isSet(preset)) {
        err << kCommand << "--policy and --preset: expected one of them, not both\n";
        return 2;
    }
    policy::CorsPolicy policy =
        *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
    if (parser.isSet(preset)) {
        const auto named = policy::CorsPolicy::preset(parser.value(preset));
        if (!named) {
            err << kCommand << "--preset: expected one of \""
                << policy::CorsPolicy::presetNames().join(QStringLiteral("\", \"")) << "\", got \""
                << parser.value(preset) << "\"\n";
            return 2;
        }
        policy = *named;
    }
    QString error;
    if (parser.isSet(policyFile) &&
        !policy::CorsPolicy::loadFile(parser.value(policyFile), &policy, &error)) {
        err << kCommand << "--policy: " << error << "\n";
        return 2;
    }
    policy::DemoOrigins origins = defaultOrigins();
    if (parser.isSet(originsOption) &&
        !parseOrigins(parser.value(originsOption), &origins, &error)) {
        err << kCommand << "--origins: " << error << "\n";
        return 2;
    }

    const config::GeneratedConfig config = config::generateServerConfig(policy, origins, *kind);
    out << config.text;
    for (const QString &note : config.notes)
        err << "note: " << note << "\n";
    return 0;
}
