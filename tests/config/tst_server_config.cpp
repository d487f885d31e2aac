// Server configuration from the playground policy: for each target and each policy field, the
// snippet holds the directive that says it, and the notes name what the target cannot say.
// (tst_server_config_live.cpp runs the snippets in real servers, tst_server_config_golden.cpp
// freezes the whole output.)
#include "config/server_config.h"

#include <QtTest>

using namespace corslab;
using config::ServerKind;
using policy::CorsPolicy;

namespace {

/// Test tables are written in UTF-8 literals (QString has no implicit conversion here).
QStringList texts(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *item : items)
        out << QString::fromUtf8(item);
    return out;
}

const policy::DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                                   "http://127.0.0.1:6666"};

CorsPolicy preset(const char *name)
{
    return *CorsPolicy::preset(QString::fromLatin1(name));
}

/// Credentialed allowlist of {app} and {evil}: every list field in List mode.
CorsPolicy allowlist()
{
    CorsPolicy p = preset("Credentialed allowlist");
    p.allowedOrigins = {QStringLiteral("{app}"), QStringLiteral("{evil}")};
    return p;
}

CorsPolicy wildcard()
{
    CorsPolicy p = preset("Open public API");
    p.allowHeaders = CorsPolicy::ListMode::List;
    p.headers = {QStringLiteral("Content-Type")};
    return p;
}

CorsPolicy echo()
{
    return preset("Misconfigured: reflect any origin with credentials");
}

CorsPolicy pattern()
{
    CorsPolicy p;
    p.allowOrigin = CorsPolicy::OriginMode::Pattern;
    p.originPattern = QStringLiteral("^https://[a-z]+\\.example\\.com$");
    return p;
}

CorsPolicy rejectedPreflight()
{
    CorsPolicy p = preset("Misconfigured: preflight rejected (401)");
    p.extraHeaders = {{"X-Extra", "one"}};
    return p;
}

CorsPolicy listsAsWildcard()
{
    CorsPolicy p; // allowlist {app}, no credentials
    p.allowMethods = CorsPolicy::ListMode::Wildcard;
    p.allowHeaders = CorsPolicy::ListMode::Wildcard;
    p.maxAge = 0;
    p.varyOrigin = false;
    return p;
}

CorsPolicy listsNone()
{
    CorsPolicy p = preset("No CORS");
    p.allowOrigin = CorsPolicy::OriginMode::Allowlist;
    p.allowedOrigins = {QStringLiteral("{app}")};
    return p;
}

} // namespace

Q_DECLARE_METATYPE(ServerKind)

class TestServerConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void targets()
    {
        const QList<config::ServerTarget> targets = config::serverTargets();
        QCOMPARE(targets.size(), 8);
        QCOMPARE(config::serverTargetNames(), (texts({"nginx", "apache", "express", "aspnetcore",
                                                      "spring", "django", "flask", "go"})));
        for (const config::ServerTarget &t : targets) {
            QCOMPARE(config::serverKindNamed(t.name), std::optional(t.kind));
            QCOMPARE(config::serverKindNamed(t.name.toUpper()), std::optional(t.kind));
            QVERIFY(!t.displayName.isEmpty());
            const config::GeneratedConfig c =
                config::generateServerConfig(CorsPolicy(), kOrigins, t.kind);
            QCOMPARE(c.target, t.name);
            QVERIFY(!c.language.isEmpty());
        }
        QCOMPARE(config::serverKindNamed(QStringLiteral("iis")), std::nullopt);
        QCOMPARE(config::serverKindNamed(QString()), std::nullopt);
    }

    // Every preset, every target: the placeholders are resolved and the policy is named.
    void everyPresetResolvesPlaceholders()
    {
        for (const CorsPolicy &p : CorsPolicy::presets()) {
            for (const config::ServerTarget &t : config::serverTargets()) {
                const QString text = config::generateServerConfig(p, kOrigins, t.kind).text;
                QVERIFY2(!text.contains(QStringLiteral("{app}")) &&
                             !text.contains(QStringLiteral("{api}")) &&
                             !text.contains(QStringLiteral("{evil}")),
                         qPrintable(t.name + QStringLiteral(": ") + p.name));
                QVERIFY2(text.contains(QLatin1Char('"') + p.name + QLatin1Char('"')),
                         qPrintable(t.name + QStringLiteral(": ") + p.name));
            }
        }
    }

    void directives_data()
    {
        QTest::addColumn<ServerKind>("kind");
        QTest::addColumn<CorsPolicy>("policy");
        QTest::addColumn<QStringList>("present");
        QTest::addColumn<QStringList>("absent");

        // --- nginx
        QTest::newRow("nginx allowlist")
            << ServerKind::Nginx << allowlist()
            << texts({"map $http_origin $cors_allow_origin {",
                      "    \"http://localhost:3000\" $http_origin;",
                      "    \"http://127.0.0.1:6666\" $http_origin;",
                      "add_header Access-Control-Allow-Origin $cors_allow_origin always;",
                      "add_header Access-Control-Allow-Credentials \"true\" always;",
                      "add_header Vary \"Origin\" always;", "if ($request_method = OPTIONS) {",
                      "add_header Access-Control-Allow-Methods \"GET, POST, PUT, DELETE\" always;",
                      "add_header Access-Control-Allow-Headers \"Content-Type, X-Requested-With\" "
                      "always;",
                      "add_header Access-Control-Max-Age \"600\" always;",
                      "add_header Access-Control-Expose-Headers \"X-Total-Count\" always;",
                      "return 204;", "location / {"})
            << texts({"{app}"});
        QTest::newRow("nginx wildcard")
            << ServerKind::Nginx << wildcard()
            << texts({"add_header Access-Control-Allow-Origin \"*\" always;"})
            << texts({"map $http_origin", "Access-Control-Allow-Credentials", "Vary"});
        QTest::newRow("nginx echo")
            << ServerKind::Nginx << echo()
            << texts({"add_header Access-Control-Allow-Origin $http_origin always;",
                      "add_header Access-Control-Allow-Methods $http_access_control_request_method "
                      "always;",
                      "add_header Access-Control-Allow-Headers "
                      "$http_access_control_request_headers always;"})
            << texts({"map $http_origin"});
        QTest::newRow("nginx pattern")
            << ServerKind::Nginx << pattern()
            << texts({"\"~^https://[a-z]+\\\\.example\\\\.com$\" $http_origin;"}) << QStringList();
        QTest::newRow("nginx 401 and extra")
            << ServerKind::Nginx << rejectedPreflight()
            << texts({"return 401;", "add_header X-Extra \"one\" always;"})
            << texts({"return 204;"});
        QTest::newRow("nginx no answer")
            << ServerKind::Nginx << preset("No CORS") << texts({"return 404;"})
            << texts({"Access-Control-Allow-Origin", "Access-Control-Allow-Methods"});
        QTest::newRow("nginx lists as *")
            << ServerKind::Nginx << listsAsWildcard()
            << texts({"add_header Access-Control-Allow-Methods \"*\" always;",
                      "add_header Access-Control-Allow-Headers \"*\" always;",
                      "add_header Access-Control-Max-Age \"0\" always;"})
            << texts({"Vary"});

        // --- Apache
        QTest::newRow("apache allowlist")
            << ServerKind::Apache << allowlist()
            << texts({"SetEnvIf Origin \"^(http://localhost:3000|http://127\\.0\\.0\\.1:6666)$\" "
                      "CORS_ORIGIN_ALLOWED",
                      "Header always set Access-Control-Allow-Origin \"expr=%{req:Origin}\" "
                      "env=CORS_ORIGIN_ALLOWED",
                      "Header always set Access-Control-Allow-Credentials \"true\"",
                      "Header always merge Vary \"Origin\"",
                      "Header always set Access-Control-Allow-Methods \"GET, POST, PUT, DELETE\" "
                      "\"expr=%{REQUEST_METHOD} == 'OPTIONS'\"",
                      "Header always set Access-Control-Max-Age \"600\" \"expr=%{REQUEST_METHOD} "
                      "== 'OPTIONS'\"",
                      "Header always set Access-Control-Expose-Headers \"X-Total-Count\" "
                      "\"expr=%{REQUEST_METHOD} != 'OPTIONS'\"",
                      "RewriteCond %{REQUEST_METHOD} =OPTIONS",
                      "RewriteCond %{HTTP:Access-Control-Request-Method} !=\"\"",
                      "RewriteRule ^ - [R=204,L]"})
            << QStringList();
        QTest::newRow("apache echo")
            << ServerKind::Apache << echo()
            << texts(
                   {"SetEnvIf Origin \".\" CORS_ORIGIN_ALLOWED",
                    "Access-Control-Allow-Methods \"expr=%{req:Access-Control-Request-Method}\"",
                    "Access-Control-Allow-Headers \"expr=%{req:Access-Control-Request-Headers}\""})
            << QStringList();
        QTest::newRow("apache wildcard")
            << ServerKind::Apache << wildcard()
            << texts({"Header always set Access-Control-Allow-Origin \"*\""})
            << texts({"SetEnvIf", "Vary"});
        QTest::newRow("apache 401 and extra")
            << ServerKind::Apache << rejectedPreflight()
            << texts({"RewriteRule ^ - [R=401,L]", "Header always add X-Extra \"one\""})
            << QStringList();

        // --- Express
        QTest::newRow("express allowlist")
            << ServerKind::Express << allowlist()
            << texts({"const cors = require('cors');", "app.use(cors({",
                      "origin: [\"http://localhost:3000\", \"http://127.0.0.1:6666\"],",
                      "credentials: true,", "methods: [\"GET\", \"POST\", \"PUT\", \"DELETE\"],",
                      "allowedHeaders: [\"Content-Type\", \"X-Requested-With\"],",
                      "exposedHeaders: [\"X-Total-Count\"],", "maxAge: 600,",
                      "optionsSuccessStatus: 204,"})
            << QStringList();
        QTest::newRow("express wildcard") << ServerKind::Express << wildcard()
                                          << texts({"origin: '*',"}) << texts({"credentials:"});
        QTest::newRow("express echo")
            << ServerKind::Express << echo()
            << texts(
                   {"origin: true,", "methods: req.header('Access-Control-Request-Method') || [],"})
            << texts({"allowedHeaders: "});
        QTest::newRow("express pattern")
            << ServerKind::Express << pattern()
            << texts({"origin: new RegExp(\"^https://[a-z]+\\\\.example\\\\.com$\"),"})
            << QStringList();
        QTest::newRow("express 401 and extra")
            << ServerKind::Express << rejectedPreflight()
            << texts({"optionsSuccessStatus: 401,", "res.append(\"X-Extra\", \"one\");"})
            << QStringList();
        QTest::newRow("express no answer")
            << ServerKind::Express << preset("No CORS")
            << texts({"origin: false,", "return res.sendStatus(404);", "methods: [],",
                      "allowedHeaders: [],"})
            << QStringList();
        QTest::newRow("express lists as *")
            << ServerKind::Express << listsAsWildcard()
            << texts({"methods: '*',", "allowedHeaders: '*',", "maxAge: 0,"}) << QStringList();

        // --- ASP.NET Core
        QTest::newRow("aspnetcore allowlist")
            << ServerKind::AspNetCore << allowlist()
            << texts({"builder.Services.AddCors(options =>",
                      "options.AddPolicy(\"CorsLab\", policy =>",
                      ".WithOrigins(\"http://localhost:3000\", \"http://127.0.0.1:6666\")",
                      ".AllowCredentials()",
                      ".WithMethods(\"GET\", \"POST\", \"PUT\", \"DELETE\", \"HEAD\")",
                      ".WithHeaders(\"Content-Type\", \"X-Requested-With\")",
                      ".WithExposedHeaders(\"X-Total-Count\")",
                      ".SetPreflightMaxAge(TimeSpan.FromSeconds(600));",
                      "app.UseCors(\"CorsLab\");"})
            << QStringList();
        QTest::newRow("aspnetcore wildcard with credentials")
            << ServerKind::AspNetCore << preset("Misconfigured: wildcard with credentials")
            << texts({".AllowAnyOrigin()", ".AllowAnyHeader()"}) << texts({"AllowCredentials"});
        QTest::newRow("aspnetcore echo") << ServerKind::AspNetCore << echo()
                                         << texts({".SetIsOriginAllowed(origin => true)",
                                                   ".AllowAnyMethod()", ".AllowAnyHeader()"})
                                         << QStringList();
        QTest::newRow("aspnetcore pattern")
            << ServerKind::AspNetCore << pattern()
            << texts({"using System.Text.RegularExpressions;",
                      ".SetIsOriginAllowed(origin => Regex.IsMatch(origin, "
                      "@\"^https://[a-z]+\\.example\\.com$\"))"})
            << QStringList();
        QTest::newRow("aspnetcore extra")
            << ServerKind::AspNetCore << rejectedPreflight()
            << texts({"context.Response.Headers.Append(\"X-Extra\", \"one\");"}) << QStringList();

        // --- Spring
        QTest::newRow("spring allowlist")
            << ServerKind::Spring << allowlist()
            << texts({"config.setAllowedOrigins(List.of(\"http://localhost:3000\", "
                      "\"http://127.0.0.1:6666\"));",
                      "config.setAllowCredentials(true);",
                      "config.setAllowedMethods(List.of(\"GET\", \"POST\", \"PUT\", \"DELETE\", "
                      "\"HEAD\"));",
                      "config.setAllowedHeaders(List.of(\"Content-Type\", \"X-Requested-With\"));",
                      "config.setExposedHeaders(List.of(\"X-Total-Count\"));",
                      "config.setMaxAge(600L);",
                      "source.registerCorsConfiguration(\"/**\", config);",
                      "return new CorsFilter(source);"})
            << QStringList();
        QTest::newRow("spring echo") << ServerKind::Spring << echo()
                                     << texts({"config.setAllowedOriginPatterns(List.of(\"*\"));",
                                               "config.setAllowedMethods(List.of(\"*\"));",
                                               "config.setAllowedHeaders(List.of(\"*\"));"})
                                     << texts({"setAllowedOrigins"});
        QTest::newRow("spring pattern")
            << ServerKind::Spring << pattern()
            << texts({"Pattern.compile(\"^https://[a-z]+\\\\.example\\\\.com$\")",
                      "public String checkOrigin(String origin)"})
            << texts({"setAllowedOrigins"});
        QTest::newRow("spring wildcard with credentials")
            << ServerKind::Spring << preset("Misconfigured: wildcard with credentials")
            << texts({"config.setAllowedOrigins(List.of(\"*\"));"})
            << texts({"setAllowCredentials"});

        // --- Django
        QTest::newRow("django allowlist")
            << ServerKind::Django << allowlist()
            << texts(
                   {"INSTALLED_APPS += [\"corsheaders\"]",
                    "MIDDLEWARE.insert(0, \"corsheaders.middleware.CorsMiddleware\")",
                    "CORS_ALLOWED_ORIGINS = [\"http://localhost:3000\", \"http://127.0.0.1:6666\"]",
                    "CORS_ALLOW_CREDENTIALS = True",
                    "CORS_ALLOW_METHODS = [\"GET\", \"POST\", \"PUT\", \"DELETE\"]",
                    "CORS_ALLOW_HEADERS = [\"Content-Type\", \"X-Requested-With\"]",
                    "CORS_EXPOSE_HEADERS = [\"X-Total-Count\"]", "CORS_PREFLIGHT_MAX_AGE = 600"})
            << QStringList();
        QTest::newRow("django wildcard")
            << ServerKind::Django << wildcard()
            << texts({"CORS_ALLOW_ALL_ORIGINS = True", "CORS_PREFLIGHT_MAX_AGE = 600"})
            << texts({"CORS_ALLOW_CREDENTIALS"});
        QTest::newRow("django echo")
            << ServerKind::Django << echo()
            << texts({"CORS_ALLOW_ALL_ORIGINS = True", "CORS_ALLOW_CREDENTIALS = True",
                      "CORS_ALLOW_HEADERS = [\"*\"]"})
            << QStringList();
        QTest::newRow("django pattern")
            << ServerKind::Django << pattern()
            << texts({"CORS_ALLOWED_ORIGIN_REGEXES = "
                      "[\".*(?:^https://[a-z]+\\\\.example\\\\.com$)\"]",
                      "CORS_PREFLIGHT_MAX_AGE = 0"})
            << QStringList();

        // --- Flask
        QTest::newRow("flask allowlist")
            << ServerKind::Flask << allowlist()
            << texts({"from flask_cors import CORS", "CORS(\n    app,",
                      "origins=[\"http://localhost:3000\", \"http://127.0.0.1:6666\"],",
                      "supports_credentials=True,",
                      "methods=[\"GET\", \"POST\", \"PUT\", \"DELETE\", \"HEAD\"],",
                      "allow_headers=[\"Content-Type\", \"X-Requested-With\"],",
                      "expose_headers=[\"X-Total-Count\"],", "max_age=600,", "vary_header=True,",
                      "@app.before_request", "return \"\", 204"})
            << QStringList();
        QTest::newRow("flask wildcard")
            << ServerKind::Flask << wildcard()
            << texts({"origins=\"*\",", "send_wildcard=True,", "vary_header=False,"})
            << texts({"supports_credentials"});
        QTest::newRow("flask echo")
            << ServerKind::Flask << echo() << texts({"origins=\"*\",", "allow_headers=\"*\","})
            << texts({"send_wildcard=True"});
        QTest::newRow("flask pattern")
            << ServerKind::Flask << pattern()
            << texts({"import re",
                      "origins=[re.compile(\".*(?:^https://[a-z]+\\\\.example\\\\.com$)\")],"})
            << QStringList();
        QTest::newRow("flask 401 and extra")
            << ServerKind::Flask << rejectedPreflight()
            << texts({"return \"\", 401", "@app.after_request",
                      "response.headers.add(\"X-Extra\", \"one\")"})
            << QStringList();
        QTest::newRow("flask status 200") << ServerKind::Flask << [] {
            CorsPolicy p;
            p.preflightStatus = 200;
            return p;
        }() << texts({"CORS("}) << texts({"before_request", "from flask import request"});

        // --- Go
        QTest::newRow("go allowlist")
            << ServerKind::Go << allowlist()
            << texts({"\"github.com/rs/cors\"", "handler := cors.New(cors.Options{",
                      "AllowedOrigins: []string{\"http://localhost:3000\", "
                      "\"http://127.0.0.1:6666\"},",
                      "AllowCredentials: true,",
                      "AllowedMethods: []string{\"GET\", \"POST\", \"PUT\", \"DELETE\", \"HEAD\"},",
                      "AllowedHeaders: []string{\"Content-Type\", \"X-Requested-With\"},",
                      "ExposedHeaders: []string{\"X-Total-Count\"},", "MaxAge: 600,",
                      "OptionsPassthrough: true,", "w.WriteHeader(204)",
                      "}).Handler(preflightStatus)"})
            << QStringList();
        QTest::newRow("go wildcard")
            << ServerKind::Go << wildcard()
            << texts({"AllowedOrigins: []string{\"*\"},", "}).Handler(preflightStatus)"})
            << texts({"AllowCredentials"});
        QTest::newRow("go status 200") << ServerKind::Go <<
            [] {
                CorsPolicy p;
                p.preflightStatus = 200;
                return p;
            }() << texts({"}).Handler(next)", "\treturn handler\n"})
                                       << texts({"OptionsPassthrough", "preflightStatus"});
        QTest::newRow("go echo")
            << ServerKind::Go << echo()
            << texts({"AllowOriginFunc: func(origin string) bool { return true },",
                      "AllowedHeaders: []string{\"*\"},"})
            << QStringList();
        QTest::newRow("go pattern")
            << ServerKind::Go << pattern()
            << texts({"\"regexp\"",
                      "var allowedOrigin = "
                      "regexp.MustCompile(\"^https://[a-z]+\\\\.example\\\\.com$\")",
                      "AllowOriginFunc: allowedOrigin.MatchString,"})
            << QStringList();
        QTest::newRow("go none") << ServerKind::Go << listsNone()
                                 << texts({"AllowedMethods: []string{\"GET\", \"HEAD\", \"POST\"},",
                                           "AllowedHeaders: []string{\"Origin\"},",
                                           "w.WriteHeader(404)"})
                                 << QStringList();
        QTest::newRow("go 401 and extra")
            << ServerKind::Go << rejectedPreflight()
            << texts({"w.WriteHeader(401)", "w.Header().Add(\"X-Extra\", \"one\")"})
            << QStringList();
    }

    void directives()
    {
        QFETCH(ServerKind, kind);
        QFETCH(CorsPolicy, policy);
        QFETCH(QStringList, present);
        QFETCH(QStringList, absent);
        const QString text = config::generateServerConfig(policy, kOrigins, kind).text;
        for (const QString &line : present)
            QVERIFY2(text.contains(line),
                     qPrintable(QStringLiteral("missing: %1\n---\n%2").arg(line, text)));
        for (const QString &line : absent)
            QVERIFY2(!text.contains(line),
                     qPrintable(QStringLiteral("unexpected: %1\n---\n%2").arg(line, text)));
    }

    // What a target cannot say is in the notes, and what it can say gets no note.
    void notes_data()
    {
        QTest::addColumn<ServerKind>("kind");
        QTest::addColumn<CorsPolicy>("policy");
        QTest::addColumn<QString>("fragment"); ///< a note must contain it; empty: no such note
        QTest::addColumn<QString>("absentFragment");

        const CorsPolicy wildcardCredentials = preset("Misconfigured: wildcard with credentials");
        QTest::newRow("aspnetcore * with credentials")
            << ServerKind::AspNetCore << wildcardCredentials << "refuses `*` together with"
            << QString();
        QTest::newRow("spring * with credentials") << ServerKind::Spring << wildcardCredentials
                                                   << "refuses `*` together with" << QString();
        QTest::newRow("flask * with credentials")
            << ServerKind::Flask << wildcardCredentials << "refuses `*` together with" << QString();
        QTest::newRow("django * with credentials")
            << ServerKind::Django << wildcardCredentials << "reflects every origin" << QString();
        QTest::newRow("express * with credentials is exact")
            << ServerKind::Express << wildcardCredentials << QString() << "refuses";
        QTest::newRow("django 401")
            << ServerKind::Django << rejectedPreflight() << "cannot send 401" << QString();
        QTest::newRow("spring no answer")
            << ServerKind::Spring << preset("No CORS") << "cannot leave it unanswered" << QString();
        QTest::newRow("aspnetcore 204 is exact")
            << ServerKind::AspNetCore << allowlist() << QString() << "answers preflights with";
        QTest::newRow("spring 204 vs 200")
            << ServerKind::Spring << allowlist() << "both are ok statuses" << QString();
        QTest::newRow("flask echoes no method")
            << ServerKind::Flask << echo() << "cannot echo the requested method" << QString();
        QTest::newRow("go * headers with credentials")
            << ServerKind::Go << preset("Misconfigured: wildcard with credentials")
            << "credentialed requests pass here" << QString();
        QTest::newRow("django echo headers with credentials")
            << ServerKind::Django << echo() << "cannot echo the requested headers" << QString();
        QTest::newRow("go max-age 0") << ServerKind::Go << listsAsWildcard()
                                      << "no Access-Control-Max-Age for 0" << QString();
        QTest::newRow("express no vary") << ServerKind::Express << listsAsWildcard()
                                         << "always sends `Vary: Origin`" << QString();
        QTest::newRow("go pattern dialect") << ServerKind::Go << pattern() << "RE2" << QString();
        QTest::newRow("spring extra headers")
            << ServerKind::Spring << rejectedPreflight() << "extra raw headers" << QString();
    }

    void notes()
    {
        QFETCH(ServerKind, kind);
        QFETCH(CorsPolicy, policy);
        QFETCH(QString, fragment);
        QFETCH(QString, absentFragment);
        const QStringList notes = config::generateServerConfig(policy, kOrigins, kind).notes;
        const QString all = notes.join(QLatin1Char('\n'));
        if (!fragment.isEmpty())
            QVERIFY2(all.contains(fragment), qPrintable(all));
        if (!absentFragment.isEmpty())
            QVERIFY2(!all.contains(absentFragment), qPrintable(all));
    }

    // Quotes and backslashes in values stay one literal in each language.
    void quoting()
    {
        CorsPolicy p;
        p.allowOrigin = CorsPolicy::OriginMode::Pattern;
        p.originPattern = QStringLiteral("^http://a\\.test\"$");
        p.extraHeaders = {{"X-Quote", "say \"hi\""}};
        const auto text = [&](ServerKind kind) {
            return config::generateServerConfig(p, kOrigins, kind).text;
        };
        QVERIFY(text(ServerKind::Express)
                    .contains(QStringLiteral("new RegExp(\"^http://a\\\\.test\\\"$\")")));
        QVERIFY(text(ServerKind::Express)
                    .contains(QStringLiteral("res.append(\"X-Quote\", \"say \\\"hi\\\"\");")));
        QVERIFY(text(ServerKind::Nginx)
                    .contains(QStringLiteral("\"~^http://a\\\\.test\\\"$\" $http_origin;")));
        QVERIFY(
            text(ServerKind::AspNetCore).contains(QStringLiteral("@\"^http://a\\.test\"\"$\"")));
        QVERIFY(text(ServerKind::Apache)
                    .contains(QStringLiteral(
                        "SetEnvIf Origin \"^http://a\\.test\\\"$\" CORS_ORIGIN_ALLOWED")));
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_server_config.moc"
