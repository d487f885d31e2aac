// The proxy's override rules without sockets: the rules file (round trip, every malformed shape
// with its error), which exchange a rule matches, what each edit does to a response, the CORS
// policy applied to a real API's answer (judged by the CORS engine), preflights answered locally,
// and the live store.
#include "../cors/scenario_builder.h"
#include "cors/cors_engine.h"
#include "proxy/override_rules.h"
#include "proxy/override_store.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

Q_DECLARE_METATYPE(corslab::http::HttpRequest)
Q_DECLARE_METATYPE(corslab::proxy::OverrideRule)

using namespace corslab;
using namespace corslab::proxy;

namespace {

const QByteArray kApp = "http://localhost:3000";
const QByteArray kApiHost = "api.example.com:443";
const char *const kApiUrl = "https://api.example.com/v1/items";

const QString kNameExpectation = QStringLiteral(
    "expected a header name the proxy may change (letters, digits and !#$%&'*+-.^_`|~; not "
    "Content-Length, Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, TE, Trailer or "
    "Upgrade, which frame the message)");
const QString kHostExpectation = QStringLiteral(
    "expected a host glob such as \"api.example.com\", \"*.example.com\", \"localhost:8080\" or "
    "\"[::1]:8080\" (no scheme, no path)");
const QString kPathExpectation = QStringLiteral(
    "expected a path glob starting with \"/\" or \"*\" such as \"/api/*\" (printable ASCII; the "
    "query is not matched)");

http::HttpRequest request(const QByteArray &method, base::HeaderList headers = {})
{
    http::HttpRequest r;
    r.method = method;
    r.target = "/v1/items";
    r.headers = std::move(headers);
    return r;
}

http::HttpRequest preflight(const QByteArray &requestedMethod,
                            const QByteArray &requestedHeaders = {})
{
    base::HeaderList headers{{"Origin", kApp}, {"Access-Control-Request-Method", requestedMethod}};
    if (!requestedHeaders.isEmpty())
        headers.append({"Access-Control-Request-Headers", requestedHeaders});
    return request("OPTIONS", headers);
}

/// "field: expectation, got value", as JsonReader words its errors.
QString err(const char *field, const QString &expectation, const char *got)
{
    return QStringLiteral("%1: %2, got %3")
        .arg(QString::fromUtf8(field), expectation, QString::fromUtf8(got));
}

QString render(const base::HeaderList &headers)
{
    QStringList lines;
    for (const auto &[name, value] : headers)
        lines << QString::fromLatin1(name + ": " + value);
    return lines.join(QStringLiteral(" | "));
}

OverrideSet compile(const QList<OverrideRule> &rules, const policy::DemoOrigins &origins = {})
{
    OverrideSet set;
    QString error;
    if (!OverrideSet::fromRules(rules, origins, &set, &error))
        qFatal("rules rejected: %s", qPrintable(error));
    return set;
}

OverrideSet parse(const QByteArray &json)
{
    OverrideSet set;
    QString error;
    if (!OverrideSet::fromJson(json, &set, &error))
        qFatal("rules file rejected: %s", qPrintable(error));
    return set;
}

/// The server's credentialed allowlist for the front end at kApp, as docs/proxy-rules.md shows.
policy::CorsPolicy allowApp()
{
    policy::CorsPolicy policy;
    policy.allowedOrigins = {QString::fromLatin1(kApp)};
    policy.allowCredentials = true;
    policy.headers = {QStringLiteral("Content-Type"), QStringLiteral("X-Api-Key")};
    policy.exposeHeaders = {QStringLiteral("X-Total-Count")};
    policy.maxAge = 600;
    return policy;
}

OverrideRule rule(const QString &name = QStringLiteral("test"))
{
    OverrideRule r;
    r.name = name;
    return r;
}

} // namespace

class TestOverrideRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- the rules file ------------------------------------------------------------------------

    void jsonRoundTrip()
    {
        const OverrideSet set =
            parse("{\"version\": 1, \"rules\": [ "
                  "            {\"name\": \"real API\", \"host\": \"api.example.com\", \"path\": "
                  "\"/v1/*\", "
                  "             \"methods\": [\"GET\", \"PUT\"], \"policy\": {\"allow_origin\": "
                  "{\"mode\": \"allowlist\", "
                  "             \"origins\": [\"http://localhost:3000\"]}, \"allow_credentials\": "
                  "true, \"max_age\": 600}, "
                  "             \"answer_preflights\": true, \"remove\": [\"X-Frame-Options\"], "
                  "             \"replace\": [[\"Cache-Control\", \"no-store\"]], \"set\": "
                  "[[\"X-Debug\", \"1\"]], "
                  "             \"add\": [[\"Set-Cookie\", \"a=1\"], [\"Set-Cookie\", \"b=2\"]]}, "
                  "            {\"enabled\": false, \"host\": \"*.example.com:8443\", \"policy\": "
                  "\"Open public API\"}, "
                  "            {\"host\": \"[::1]:*\", \"path\": \"*.json\"}]}");
        QCOMPARE(set.rules().size(), 3);
        QCOMPARE(set.rules().at(0).name, QStringLiteral("real API"));
        QCOMPARE(set.rules().at(0).methods, (QList<QByteArray>{"GET", "PUT"}));
        QCOMPARE(set.rules().at(0).add.size(), 2);
        QVERIFY(set.rules().at(0).policy->allowCredentials);
        QCOMPARE(set.rules().at(1).name, QStringLiteral("rule 2")); // defaults are filled in
        QCOMPARE(set.rules().at(1).policy->name, QStringLiteral("Open public API"));
        QVERIFY(!set.rules().at(1).enabled);
        QCOMPARE(set.rules().at(2).path, QStringLiteral("*.json"));
        QVERIFY(!set.isEmpty());

        OverrideSet again;
        QString error;
        QVERIFY2(OverrideSet::fromJson(set.toJson(), &again, &error), qPrintable(error));
        QCOMPARE(again.rules(), set.rules());
        QCOMPARE(again.toJson(), set.toJson());
    }

    void documentedExamplesLoad_data()
    {
        QTest::addColumn<QString>("file");
        const QDir dir(QStringLiteral(CORSLAB_EXAMPLES));
        const QStringList files =
            dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 2);
        for (const QString &file : files)
            QTest::newRow(qPrintable(file)) << dir.filePath(file);
    }
    void documentedExamplesLoad()
    {
        QFETCH(QString, file);
        OverrideSet set;
        QString error;
        QVERIFY2(OverrideSet::loadFile(file, &set, &error), qPrintable(error));
        QVERIFY(!set.rules().isEmpty());
    }

    void loadFileErrorsNameTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("rules.json"));
        OverrideSet set;
        QString error;
        QVERIFY(!OverrideSet::loadFile(path, &set, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot open ") + path + QStringLiteral(": ")),
                 qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"rules\": [{\"host\": \"https://api.example.com\"}]}");
        file.close();
        QVERIFY(!OverrideSet::loadFile(path, &set, &error));
        QCOMPARE(error, path + QStringLiteral(": rules[0].host: ") + kHostExpectation +
                            QStringLiteral(", got \"https://api.example.com\""));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const QByteArray ok = "{\"host\": \"api.example.com\"}, "; // rules[0], so errors say [1]
        QTest::newRow("not JSON")
            << QByteArray("{\"rules\": [\n  {\"host\": }]}")
            << "invalid JSON at line 2, column 13: object is missing after a comma";
        QTest::newRow("top level array")
            << QByteArray("[]") << "expected a JSON object {\"rules\": [...]} at the top level";
        QTest::newRow("unknown top-level key")
            << QByteArray("{\"rule\": []}") << "rule: unknown field (known: version, rules)";
        QTest::newRow("no rules") << QByteArray("{}")
                                  << "rules: expected an array of rule objects, got nothing";
        QTest::newRow("rules not an array")
            << QByteArray("{\"rules\": {}}")
            << "rules: expected an array of rule objects, got an object";
        QTest::newRow("unknown version")
            << QByteArray("{\"version\": 2, \"rules\": []}") << "version: expected 1, got 2";
        QTest::newRow("rule not an object")
            << QByteArray("{\"rules\": [\"api.example.com\"]}")
            << "rules[0]: expected a rule object {\"host\": ..., \"path\": ..., \"set\": [...], "
               "...}, got \"api.example.com\"";
        QTest::newRow("misspelt rule key")
            << QByteArray("{\"rules\": [" + ok + "{\"hots\": \"a\"}]}")
            << "rules[1].hots: unknown field (known: name, enabled, host, path, methods, policy, "
               "answer_preflights, remove, replace, set, add)";
        QTest::newRow("name not a string") << QByteArray("{\"rules\": [{\"name\": 3}]}")
                                           << "rules[0].name: expected a string, got 3";
        QTest::newRow("enabled not a bool")
            << QByteArray("{\"rules\": [{\"enabled\": \"yes\"}]}")
            << "rules[0].enabled: expected true or false, got \"yes\"";
        QTest::newRow("host with a scheme")
            << QByteArray("{\"rules\": [{\"host\": \"https://api.example.com\"}]}")
            << err("rules[0].host", kHostExpectation, "\"https://api.example.com\"");
        QTest::newRow("host with a path")
            << QByteArray("{\"rules\": [" + ok + "{\"host\": \"api.example.com/v1\"}]}")
            << err("rules[1].host", kHostExpectation, "\"api.example.com/v1\"");
        QTest::newRow("port out of range")
            << QByteArray("{\"rules\": [{\"host\": \"localhost:70000\"}]}")
            << err("rules[0].host", kHostExpectation, "\"localhost:70000\"");
        QTest::newRow("IPv6 without brackets") << QByteArray("{\"rules\": [{\"host\": \"::1\"}]}")
                                               << err("rules[0].host", kHostExpectation, "\"::1\"");
        QTest::newRow("empty host") << QByteArray("{\"rules\": [{\"host\": \"\"}]}")
                                    << err("rules[0].host", kHostExpectation, "\"\"");
        QTest::newRow("path without a slash")
            << QByteArray("{\"rules\": [{\"path\": \"api/*\"}]}")
            << err("rules[0].path", kPathExpectation, "\"api/*\"");
        QTest::newRow("path with a query")
            << QByteArray("{\"rules\": [{\"path\": \"/api?x=1\"}]}")
            << err("rules[0].path", kPathExpectation, "\"/api?x=1\"");
        QTest::newRow("methods not an array")
            << QByteArray("{\"rules\": [{\"methods\": \"GET\"}]}")
            << "rules[0].methods: expected an array of strings, got \"GET\"";
        QTest::newRow("method not a token")
            << QByteArray("{\"rules\": [" + ok + "{\"methods\": [\"GET\", \"P UT\"]}]}")
            << "rules[1].methods[1]: expected an HTTP method token such as \"PUT\", got \"P UT\"";
        QTest::newRow("set entry not a pair")
            << QByteArray("{\"rules\": [" + ok + "{\"set\": [[\"Vary\"]]}]}")
            << "rules[1].set[0]: expected a [name, value] pair of two strings, got an array";
        QTest::newRow("set name not a token")
            << QByteArray("{\"rules\": [{\"set\": [[\"Allow Origin\", \"*\"]]}]}")
            << "rules[0].set[0][0]: expected a header name (letters, digits and "
               "!#$%&'*+-.^_`|~), got \"Allow Origin\"";
        QTest::newRow("set a framing header")
            << QByteArray("{\"rules\": [{\"set\": [[\"content-length\", \"0\"]]}]}")
            << err("rules[0].set[0][0]", kNameExpectation, "\"content-length\"");
        QTest::newRow("add a value with a line break")
            << QByteArray(
                   "{\"rules\": [{\"add\": [[\"X-A\", \"1\"], [\"X-B\", \"a\\r\\nX-C: 1\"]]}]}")
            << "rules[0].add[1][1]: expected a header value (Latin-1 text without NUL, CR or LF), "
               "got \"a\r\nX-C: 1\"";
        QTest::newRow("replace with an object")
            << QByteArray("{\"rules\": [{\"replace\": {\"Vary\": \"Origin\"}}]}")
            << "rules[0].replace: expected an array of [name, value] pairs, got an object";
        QTest::newRow("remove a framing header")
            << QByteArray("{\"rules\": [{\"remove\": [\"X-Powered-By\", \"Transfer-Encoding\"]}]}")
            << err("rules[0].remove[1]", kNameExpectation, "\"Transfer-Encoding\"");
        QTest::newRow("answer_preflights not a bool")
            << QByteArray("{\"rules\": [{\"answer_preflights\": 1}]}")
            << "rules[0].answer_preflights: expected true or false, got 1";
        QTest::newRow("policy of the wrong type")
            << QByteArray("{\"rules\": [{\"policy\": 5}]}")
            << "rules[0].policy: expected a policy object (docs/policy.md) or a preset name such "
               "as \"Open public API\", got 5";
        QTest::newRow("unknown preset")
            << QByteArray("{\"rules\": [{\"policy\": \"Open\"}]}")
            << err("rules[0].policy",
                   QStringLiteral("expected a preset name (%1)")
                       .arg(policy::CorsPolicy::presetNames().join(QStringLiteral(", "))),
                   "\"Open\"");
        QTest::newRow("policy's own error")
            << QByteArray("{\"rules\": [" + ok + ok +
                          "{\"policy\": {\"allow_origin\": {\"mode\": \"some\"}}}]}")
            << "rules[2].policy.allow_origin.mode: expected one of \"none\", \"wildcard\", "
               "\"echo\", \"allowlist\", \"pattern\", got \"some\"";
        QTest::newRow("misspelt policy key")
            << QByteArray("{\"rules\": [{\"policy\": {\"allow_orign\": {\"mode\": \"echo\"}}}]}")
            << "rules[0].policy.allow_orign: unknown field (known: allow_credentials, "
               "allow_headers, allow_methods, allow_origin, expose_headers, extra_headers, "
               "max_age, name, preflight, vary_origin)";
        QTest::newRow("misspelt nested policy key")
            << QByteArray("{\"rules\": [{\"policy\": {\"preflight\": {\"stauts\": 200}}}]}")
            << "rules[0].policy.preflight.stauts: unknown field (known: answer, status)";
        QTest::newRow("policy extra header that frames the message")
            << QByteArray("{\"rules\": [{\"policy\": {\"extra_headers\": [[\"Connection\", "
                          "\"close\"]]}}]}")
            << err("rules[0].policy.extra_headers[0][0]", kNameExpectation, "\"Connection\"");
    }
    void malformed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        OverrideSet set;
        QString got;
        QVERIFY(!OverrideSet::fromJson(json, &set, &got));
        QCOMPARE(got, error);
        QVERIFY(set.isEmpty()); // untouched
    }

    void rulesMadeInCodeAreCheckedToo()
    {
        OverrideRule bad = rule();
        bad.path = QStringLiteral("/ok/*");
        bad.set = {{"Transfer-Encoding", "chunked"}};
        OverrideSet set;
        QString error;
        QVERIFY(!OverrideSet::fromRules({rule(), bad}, {}, &set, &error));
        QCOMPARE(error, err("rules[1].set[0][0]", kNameExpectation, "\"Transfer-Encoding\""));
        OverrideRule pattern = rule();
        pattern.policy = policy::CorsPolicy();
        pattern.policy->allowOrigin = policy::CorsPolicy::OriginMode::Pattern;
        pattern.policy->originPattern = QStringLiteral("(");
        QVERIFY(!OverrideSet::fromRules({pattern}, {}, &set, &error));
        QCOMPARE(error, QStringLiteral("rules[0].policy.allow_origin.pattern: expected a valid "
                                       "regular expression (mode is \"pattern\"), got \"(\""));
    }

    // --- matching ------------------------------------------------------------------------------

    void globs_data()
    {
        QTest::addColumn<QByteArray>("glob");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("caseInsensitive");
        QTest::addColumn<bool>("matches");
        QTest::newRow("literal") << QByteArray("/a") << QByteArray("/a") << false << true;
        QTest::newRow("literal, other case")
            << QByteArray("/a") << QByteArray("/A") << false << false;
        QTest::newRow("folded case") << QByteArray("api") << QByteArray("API") << true << true;
        QTest::newRow("star matches nothing")
            << QByteArray("a*b") << QByteArray("ab") << false << true;
        QTest::newRow("two stars backtrack")
            << QByteArray("a*b*c") << QByteArray("aXbYbZc") << false << true;
        QTest::newRow("star then literal, no match")
            << QByteArray("a*b*c") << QByteArray("aXbYc!") << false << false;
        QTest::newRow("only stars, empty text")
            << QByteArray("**") << QByteArray() << false << true;
        QTest::newRow("prefix needs its text")
            << QByteArray("a*") << QByteArray() << false << false;
        QTest::newRow("suffix glob")
            << QByteArray("*.json") << QByteArray("/a/b.json") << false << true;
    }
    void globs()
    {
        QFETCH(QByteArray, glob);
        QFETCH(QByteArray, text);
        QFETCH(bool, caseInsensitive);
        QFETCH(bool, matches);
        QCOMPARE(globMatches(glob, text, caseInsensitive), matches);
    }

    void matching_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QList<QByteArray>>("methods");
        QTest::addColumn<http::HttpRequest>("request");
        QTest::addColumn<QByteArray>("urlHost");
        QTest::addColumn<QByteArray>("urlPath");
        QTest::addColumn<bool>("matches");
        const QString any = QStringLiteral("*");
        const QList<QByteArray> anyMethod;
        const http::HttpRequest get = request("GET");
        auto row = [&](const char *name, const char *host, const char *path,
                       QList<QByteArray> methods, const http::HttpRequest &r, const char *urlHost,
                       const char *urlPath, bool matches) {
            QTest::newRow(name) << QString::fromLatin1(host) << QString::fromLatin1(path) << methods
                                << r << QByteArray(urlHost) << QByteArray(urlPath) << matches;
        };
        row("host without port: same host", "api.example.com", "*", anyMethod, get,
            "api.example.com", "/", true);
        row("host without port: any port", "api.example.com", "*", anyMethod, get,
            "api.example.com:8443", "/", true);
        row("host case-insensitive", "API.example.com", "*", anyMethod, get, "api.EXAMPLE.com:443",
            "/", true);
        row("host: other host", "api.example.com", "*", anyMethod, get, "www.example.com:443", "/",
            false);
        row("host: no suffix match", "api.example.com", "*", anyMethod, get,
            "evilapi.example.com:443", "/", false);
        row("wildcard subdomain", "*.example.com", "*", anyMethod, get, "api.example.com:443", "/",
            true);
        row("wildcard subdomain, two levels", "*.example.com", "*", anyMethod, get,
            "a.b.example.com", "/", true);
        row("wildcard subdomain is not the bare domain", "*.example.com", "*", anyMethod, get,
            "example.com:443", "/", false);
        row("wildcard subdomain is not a lookalike", "*.example.com", "*", anyMethod, get,
            "evil-example.com", "/", false);
        row("host with port: same port", "localhost:8080", "*", anyMethod, get, "localhost:8080",
            "/", true);
        row("host with port: other port", "localhost:8080", "*", anyMethod, get, "localhost:8081",
            "/", false);
        row("host with port: URL without port", "localhost:8080", "*", anyMethod, get, "localhost",
            "/", false);
        row("any port written out", "localhost:*", "*", anyMethod, get, "localhost:1234", "/",
            true);
        row("any host on one port", "*:8080", "*", anyMethod, get, "127.0.0.1:8080", "/", true);
        row("IPv6 literal with port", "[::1]:8080", "*", anyMethod, get, "[::1]:8080", "/", true);
        row("IPv6 literal, other port", "[::1]:8080", "*", anyMethod, get, "[::1]:9090", "/",
            false);
        row("any host", "*", "*", anyMethod, get, "anything.test:1", "/x", true);
        row("path prefix glob", "*", "/api/*", anyMethod, get, "h", "/api/users/7", true);
        row("path glob matches the empty rest", "*", "/api/*", anyMethod, get, "h", "/api/", true);
        row("path glob needs its slash", "*", "/api/*", anyMethod, get, "h", "/api", false);
        row("path glob: not a lookalike", "*", "/api/*", anyMethod, get, "h", "/apix/1", false);
        row("path case-sensitive", "*", "/api/*", anyMethod, get, "h", "/API/users", false);
        row("path exact", "*", "/login", anyMethod, get, "h", "/login", true);
        row("empty URL path is /", "*", "/", anyMethod, get, "h", "", true);
        row("method listed", "*", "*", {"GET", "PUT"}, request("PUT"), "h", "/", true);
        row("method not listed", "*", "*", {"GET", "PUT"}, request("DELETE"), "h", "/", false);
        row("method case-sensitive", "*", "*", {"PUT"}, request("put"), "h", "/", false);
        row("preflight for a listed method", "*", "*", {"PUT"}, preflight("PUT"), "h", "/", true);
        row("preflight for another method", "*", "*", {"PUT"}, preflight("DELETE"), "h", "/",
            false);
        row("OPTIONS listed covers preflights", "*", "*", {"OPTIONS"}, preflight("PUT"), "h", "/",
            true);
        row("plain OPTIONS is not a preflight", "*", "*", {"PUT"},
            request("OPTIONS", {{"Access-Control-Request-Method", "PUT"}}), "h", "/", false);
    }
    void matching()
    {
        QFETCH(QString, host);
        QFETCH(QString, path);
        QFETCH(QList<QByteArray>, methods);
        QFETCH(http::HttpRequest, request);
        QFETCH(QByteArray, urlHost);
        QFETCH(QByteArray, urlPath);
        QFETCH(bool, matches);
        OverrideRule r = rule();
        r.host = host;
        r.path = path;
        r.methods = methods;
        r.set = {{"X-Matched", "1"}};
        const OverrideSet set = compile({r});
        QCOMPARE(set.matchingRule(request, urlHost, urlPath), matches ? 0 : -1);
        int status = 200;
        base::HeaderList headers;
        QString name;
        QCOMPARE(set.applyToResponse(request, urlHost, urlPath, &status, &headers, &name), matches);
        QCOMPARE(render(headers), matches ? QStringLiteral("X-Matched: 1") : QString());
    }

    void firstEnabledMatchDecides()
    {
        OverrideRule health = rule(QStringLiteral("leave health checks alone"));
        health.path = QStringLiteral("/health");
        OverrideRule all = rule(QStringLiteral("all"));
        all.set = {{"X-Rule", "all"}};
        OverrideRule later = rule(QStringLiteral("never reached"));
        later.set = {{"X-Rule", "later"}};
        const OverrideSet set = compile({health, all, later});
        const http::HttpRequest get = request("GET");
        // A rule without edits is how a path is excluded from the rules after it.
        QCOMPARE(set.matchingRule(get, kApiHost, "/health"), 0);
        int status = 200;
        base::HeaderList headers;
        QString name;
        QVERIFY(!set.applyToResponse(get, kApiHost, "/health", &status, &headers, &name));
        QVERIFY(name.isEmpty());
        QCOMPARE(set.matchingRule(get, kApiHost, "/v1"), 1);
        QVERIFY(set.applyToResponse(get, kApiHost, "/v1", &status, &headers, &name));
        QCOMPARE(render(headers), QStringLiteral("X-Rule: all"));
        QCOMPARE(name, QStringLiteral("all"));
    }

    void disabledRulesMatchNothing()
    {
        OverrideRule off = rule(QStringLiteral("off"));
        off.enabled = false;
        off.set = {{"X-Off", "1"}};
        const OverrideSet onlyOff = compile({off});
        QVERIFY(onlyOff.isEmpty());
        QCOMPARE(onlyOff.rules().size(), 1); // still kept, to be saved and switched on again
        int status = 200;
        base::HeaderList headers;
        QString name;
        QVERIFY(!onlyOff.applyToResponse(request("GET"), kApiHost, "/", &status, &headers, &name));
        QVERIFY(headers.isEmpty());

        OverrideRule on = rule(QStringLiteral("on"));
        on.set = {{"X-On", "1"}};
        const OverrideSet set = compile({off, on});
        QCOMPARE(set.matchingRule(request("GET"), kApiHost, "/"), 1); // index in rules()
        QVERIFY(set.applyToResponse(request("GET"), kApiHost, "/", &status, &headers, &name));
        QCOMPARE(render(headers), QStringLiteral("X-On: 1"));
        QCOMPARE(name, QStringLiteral("on"));

        OverrideRule answering = rule();
        answering.enabled = false;
        answering.answerPreflights = true;
        QVERIFY(!compile({answering}).localPreflightAnswer(preflight("PUT"), kApiHost, "/"));
    }

    void emptySetChangesNothing()
    {
        const OverrideSet set;
        QVERIFY(set.isEmpty());
        int status = 200;
        base::HeaderList headers{{"Content-Type", "text/plain"}};
        QString name;
        QVERIFY(!set.applyToResponse(request("GET"), kApiHost, "/", &status, &headers, &name));
        QVERIFY(!set.localPreflightAnswer(preflight("PUT"), kApiHost, "/"));
        QCOMPARE(set.matchingRule(request("GET"), kApiHost, "/"), -1);
        QCOMPARE(set.toJson().object().value(QStringLiteral("rules")).toArray().size(), 0);
    }

    // --- header edits ---------------------------------------------------------------------------

    void edits_data()
    {
        QTest::addColumn<OverrideRule>("edit");
        QTest::addColumn<base::HeaderList>("server");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("changed");
        const base::HeaderList plain{{"Content-Type", "application/json"}, {"Vary", "Accept"}};
        auto row = [](const char *name, const OverrideRule &r, const base::HeaderList &server,
                      const char *expected, bool changed) {
            QTest::newRow(name) << r << server << QString::fromLatin1(expected) << changed;
        };
        OverrideRule r = rule();
        r.set = {{"X-New", "1"}};
        row("set: absent name is appended", r, plain,
            "Content-Type: application/json | Vary: Accept | X-New: 1", true);
        r.set = {{"content-type", "text/plain"}};
        row("set: present name replaced in place, rule's spelling", r, plain,
            "content-type: text/plain | Vary: Accept", true);
        r.set = {{"Access-Control-Allow-Origin", "http://localhost:3000"}};
        row("set: duplicates collapse into the first place", r,
            {{"access-control-allow-origin", "*"},
             {"Vary", "Origin"},
             {"Access-Control-Allow-Origin", "http://evil.test"}},
            "Access-Control-Allow-Origin: http://localhost:3000 | Vary: Origin", true);
        r.set = {{"Set-Cookie", "a=1"}, {"Vary", "Origin"}, {"set-cookie", "b=2"}};
        row("set: several values of one name, several fields", r,
            {{"Set-Cookie", "old=1"}, {"X", "y"}, {"Set-Cookie", "old=2"}},
            "Set-Cookie: a=1 | Set-Cookie: b=2 | X: y | Vary: Origin", true);
        r.set = {{"VARY", "Accept"}};
        row("set: same value, other case: no change", r, plain,
            "Content-Type: application/json | Vary: Accept", false);
        r = rule();
        r.replace = {{"Cache-Control", "no-store"}};
        row("replace: absent name is left absent", r, plain,
            "Content-Type: application/json | Vary: Accept", false);
        row("replace: present name", r, {{"cache-control", "max-age=60"}, {"X", "y"}},
            "Cache-Control: no-store | X: y", true);
        r = rule();
        r.add = {{"Vary", "Origin"}, {"Vary", "Accept"}};
        row("add: appended, duplicates kept", r, plain,
            "Content-Type: application/json | Vary: Accept | Vary: Origin | Vary: Accept", true);
        r = rule();
        r.remove = {"x-powered-by"};
        row("remove: every field, any case", r,
            {{"X-Powered-By", "PHP"}, {"Content-Type", "text/html"}, {"x-POWERED-by", "Express"}},
            "Content-Type: text/html", true);
        row("remove: absent name, no change", r, plain,
            "Content-Type: application/json | Vary: Accept", false);
        r = rule();
        r.remove = {"Vary"};
        r.replace = {{"Vary", "never"}};
        r.set = {{"Vary", "Origin"}};
        row("order: remove, then replace (nothing left), then set", r, plain,
            "Content-Type: application/json | Vary: Origin", true);
        r = rule();
        r.set = {{"Vary", "Accept"}};
        r.add = {{"Vary", "Origin"}};
        row("order: set, then add", r, {{"Vary", "Cookie"}}, "Vary: Accept | Vary: Origin", true);
        r = rule();
        r.remove = {"Vary"};
        r.add = {{"vary", "Accept"}};
        row("removed and added back the same: no change", r, plain,
            "Content-Type: application/json | Vary: Accept", false);
    }
    void edits()
    {
        QFETCH(OverrideRule, edit);
        QFETCH(base::HeaderList, server);
        QFETCH(QString, expected);
        QFETCH(bool, changed);
        const OverrideSet set = compile({edit});
        int status = 200;
        base::HeaderList headers = server;
        QString name;
        QCOMPARE(set.applyToResponse(request("GET"), kApiHost, "/", &status, &headers, &name),
                 changed);
        QCOMPARE(render(headers), expected);
        QCOMPARE(status, 200);
        if (!changed) {
            QCOMPARE(headers, server); // untouched, byte for byte
            QVERIFY(name.isEmpty());
        } else {
            QCOMPARE(name, QStringLiteral("test"));
        }
    }

    // --- a CORS policy applied to a real API's answer ------------------------------------------

    void policyMakesAnApiWithoutCorsReadable()
    {
        OverrideRule r = rule(QStringLiteral("CORS for the dev front end"));
        r.host = QStringLiteral("api.example.com");
        r.policy = allowApp();
        const OverrideSet set = compile({r});
        const http::HttpRequest get = request("GET", {{"Origin", kApp}, {"Cookie", "session=1"}});
        const base::HeaderList server{{"Content-Type", "application/json"},
                                      {"X-Total-Count", "42"}};
        const auto judge = [](const base::HeaderList &headers) {
            return cors::evaluate(ScenarioBuilder()
                                      .url(kApiUrl)
                                      .origin("http://localhost:3000")
                                      .include()
                                      .response(200, headers));
        };
        QVERIFY(!judge(server).exposed); // the starting point: the browser blocks it

        int status = 200;
        base::HeaderList headers = server;
        QString name;
        QVERIFY(set.applyToResponse(get, kApiHost, "/v1/items", &status, &headers, &name));
        QCOMPARE(name, QStringLiteral("CORS for the dev front end"));
        QCOMPARE(status, 200);
        QCOMPARE(render(headers),
                 QStringLiteral("Content-Type: application/json | X-Total-Count: 42 | "
                                "Access-Control-Allow-Origin: http://localhost:3000 | "
                                "Access-Control-Allow-Credentials: true | Vary: Origin | "
                                "Access-Control-Expose-Headers: X-Total-Count"));
        const cors::Verdict verdict = judge(headers);
        QVERIFY(verdict.exposed);
        QVERIFY(verdict.readableHeaders.contains("x-total-count"));

        // The same rule applied to what it produced changes nothing more.
        QVERIFY(!set.applyToResponse(get, kApiHost, "/v1/items", &status, &headers, &name));

        // Another origin gets no Access-Control-Allow-Origin from the allowlist.
        base::HeaderList evil = server;
        QVERIFY(set.applyToResponse(request("GET", {{"Origin", "http://evil.test"}}), kApiHost,
                                    "/v1/items", &status, &evil, &name));
        QVERIFY(!evil.contains({"Access-Control-Allow-Origin", "http://evil.test"}));
    }

    void policyReplacesWrongCorsHeaders()
    {
        OverrideRule r = rule();
        r.policy = allowApp();
        const OverrideSet set = compile({r});
        // A server that sends '*' with credentials, twice, and a stale Allow-Methods.
        const base::HeaderList server{
            {"Access-Control-Allow-Origin", "*"},         {"Vary", "Accept-Encoding"},
            {"access-control-allow-credentials", "true"}, {"Access-Control-Allow-Origin", "*"},
            {"Access-Control-Allow-Methods", "GET"},      {"Content-Type", "application/json"}};
        const auto judge = [](const base::HeaderList &headers) {
            return cors::evaluate(ScenarioBuilder()
                                      .url(kApiUrl)
                                      .origin("http://localhost:3000")
                                      .include()
                                      .response(200, headers));
        };
        QVERIFY(!judge(server).exposed);
        int status = 200;
        base::HeaderList headers = server;
        QString name;
        QVERIFY(set.applyToResponse(request("GET", {{"Origin", kApp}}), kApiHost, "/v1/items",
                                    &status, &headers, &name));
        // Every Access-Control-* field the server sent is gone; Origin joins the server's Vary.
        QCOMPARE(render(headers), QStringLiteral("Vary: Accept-Encoding, Origin | "
                                                 "Content-Type: application/json | "
                                                 "Access-Control-Allow-Origin: "
                                                 "http://localhost:3000 | "
                                                 "Access-Control-Allow-Credentials: true | "
                                                 "Access-Control-Expose-Headers: X-Total-Count"));
        QVERIFY(judge(headers).exposed);
    }

    void policyVaryOrigin_data()
    {
        QTest::addColumn<bool>("varyOrigin");
        QTest::addColumn<base::HeaderList>("server");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("changed");
        const QByteArray acao = "Access-Control-Allow-Origin";
        QTest::newRow("Vary already lists Origin")
            << true << base::HeaderList{{"Vary", "origin, Accept"}, {acao, "*"}}
            << "Vary: origin, Accept | Access-Control-Allow-Origin: *" << false;
        QTest::newRow("Vary: * covers Origin")
            << true << base::HeaderList{{"Vary", "*"}} << "Vary: * | Access-Control-Allow-Origin: *"
            << true;
        QTest::newRow("no Vary: one is added")
            << true << base::HeaderList{} << "Access-Control-Allow-Origin: * | Vary: Origin"
            << true;
        QTest::newRow("policy without Vary: Origin token removed")
            << false << base::HeaderList{{"Vary", "Accept, Origin"}, {"Vary", "Origin"}}
            << "Vary: Accept | Access-Control-Allow-Origin: *" << true;
    }
    void policyVaryOrigin()
    {
        QFETCH(bool, varyOrigin);
        QFETCH(base::HeaderList, server);
        QFETCH(QString, expected);
        QFETCH(bool, changed);
        OverrideRule r = rule();
        r.policy = policy::CorsPolicy();
        r.policy->allowOrigin = policy::CorsPolicy::OriginMode::Wildcard;
        r.policy->varyOrigin = varyOrigin;
        const OverrideSet set = compile({r});
        int status = 200;
        base::HeaderList headers = server;
        QString name;
        QCOMPARE(set.applyToResponse(request("GET", {{"Origin", kApp}}), kApiHost, "/", &status,
                                     &headers, &name),
                 changed);
        QCOMPARE(render(headers), expected);
    }

    void policyFixesAForwardedPreflight()
    {
        // The server answers OPTIONS through its authentication layer: 401, no CORS headers.
        OverrideRule r = rule();
        r.policy = allowApp();
        const OverrideSet set = compile({r});
        const http::HttpRequest options = preflight("PUT", "content-type,x-api-key");
        int status = 401;
        base::HeaderList headers{{"WWW-Authenticate", "Bearer"}};
        QString name;
        QVERIFY(set.applyToResponse(options, kApiHost, "/v1/items", &status, &headers, &name));
        QCOMPARE(status, 204);
        QCOMPARE(render(headers),
                 QStringLiteral("WWW-Authenticate: Bearer | "
                                "Access-Control-Allow-Origin: http://localhost:3000 | "
                                "Access-Control-Allow-Credentials: true | Vary: Origin | "
                                "Access-Control-Allow-Methods: GET, POST, PUT, DELETE | "
                                "Access-Control-Allow-Headers: Content-Type, X-Api-Key | "
                                "Access-Control-Max-Age: 600"));
        // The actual response goes through the same rule, and the browser now reads it.
        int actualStatus = 200;
        base::HeaderList actual{{"Content-Type", "application/json"}};
        QVERIFY(set.applyToResponse(request("PUT", {{"Origin", kApp}}), kApiHost, "/v1/items",
                                    &actualStatus, &actual, &name));
        const cors::Verdict verdict = cors::evaluate(ScenarioBuilder()
                                                         .url(kApiUrl)
                                                         .origin("http://localhost:3000")
                                                         .method("PUT")
                                                         .header("Content-Type", "application/json")
                                                         .header("X-Api-Key", "k")
                                                         .include()
                                                         .preflight(status, headers)
                                                         .response(actualStatus, actual));
        QVERIFY(verdict.preflightEvaluated);
        QVERIFY(verdict.preflightOk);
        QVERIFY(verdict.exposed);
    }

    void policyThatIgnoresPreflightsAnswers404()
    {
        OverrideRule r = rule();
        r.policy = *policy::CorsPolicy::preset(QStringLiteral("No CORS"));
        const OverrideSet set = compile({r});
        int status = 204;
        base::HeaderList headers{{"Access-Control-Allow-Origin", "*"}};
        QString name;
        QVERIFY(set.applyToResponse(preflight("PUT"), kApiHost, "/", &status, &headers, &name));
        QCOMPARE(status, 404);
        QVERIFY(headers.isEmpty());
    }

    // --- preflights answered by the proxy --------------------------------------------------------

    void localPreflightAnswerFromPolicy()
    {
        OverrideRule r = rule(QStringLiteral("answer preflights"));
        r.host = QStringLiteral("api.example.com");
        r.policy = allowApp();
        r.answerPreflights = true;
        r.set = {{"X-Answered-By", "corslab"}};
        const OverrideSet set = compile({r});
        const std::optional<OverrideOutcome> outcome =
            set.localPreflightAnswer(preflight("PUT", "content-type"), kApiHost, "/v1/items");
        QVERIFY(outcome);
        QCOMPARE(outcome->ruleName, QStringLiteral("answer preflights"));
        QCOMPARE(outcome->response.status, 204);
        // No Content-Length: a 204 never carries one (RFC 9110 §8.6).
        QCOMPARE(render(outcome->response.headers),
                 QStringLiteral("Access-Control-Allow-Origin: http://localhost:3000 | "
                                "Access-Control-Allow-Credentials: true | Vary: Origin | "
                                "Access-Control-Allow-Methods: GET, POST, PUT, DELETE | "
                                "Access-Control-Allow-Headers: Content-Type, X-Api-Key | "
                                "Access-Control-Max-Age: 600 | X-Answered-By: corslab"));
        const cors::Verdict verdict =
            cors::evaluate(ScenarioBuilder()
                               .url(kApiUrl)
                               .origin("http://localhost:3000")
                               .method("PUT")
                               .header("Content-Type", "application/json")
                               .include()
                               .preflight(outcome->response.status, outcome->response.headers)
                               .response(200, {{"Access-Control-Allow-Origin", kApp},
                                               {"Access-Control-Allow-Credentials", "true"}}));
        QVERIFY(verdict.preflightOk);
        QVERIFY(verdict.exposed);

        // Not a preflight, or not this rule's host: forwarded as usual.
        QVERIFY(!set.localPreflightAnswer(request("OPTIONS"), kApiHost, "/v1/items"));
        QVERIFY(!set.localPreflightAnswer(request("OPTIONS", {{"Origin", kApp}}), kApiHost, "/"));
        QVERIFY(!set.localPreflightAnswer(preflight("PUT"), "other.example.com:443", "/"));
    }

    void localPreflightAnswerStatusAndLength()
    {
        OverrideRule r = rule();
        r.policy = allowApp();
        r.policy->preflightStatus = 200;
        r.answerPreflights = true;
        std::optional<OverrideOutcome> outcome =
            compile({r}).localPreflightAnswer(preflight("GET"), kApiHost, "/");
        QVERIFY(outcome);
        QCOMPARE(outcome->response.status, 200);
        QCOMPARE(outcome->response.headers.last(),
                 (QPair<QByteArray, QByteArray>{"Content-Length", "0"}));
        QVERIFY(outcome->response.body.isEmpty());

        // Without a policy: 204 and the rule's own headers.
        OverrideRule bare = rule();
        bare.answerPreflights = true;
        bare.set = {{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Methods", "PUT"}};
        bare.replace = {{"Vary", "Origin"}}; // nothing to replace in a local answer
        outcome = compile({bare}).localPreflightAnswer(preflight("PUT"), kApiHost, "/");
        QVERIFY(outcome);
        QCOMPARE(outcome->response.status, 204);
        QCOMPARE(render(outcome->response.headers),
                 QStringLiteral("Access-Control-Allow-Origin: * | "
                                "Access-Control-Allow-Methods: PUT"));
    }

    void localPreflightAnswerOnlyWhenTheDecidingRuleSaysSo()
    {
        OverrideRule putOnly = rule(QStringLiteral("put"));
        putOnly.methods = {"PUT"};
        putOnly.answerPreflights = true;
        putOnly.set = {{"Access-Control-Allow-Origin", "*"}};
        OverrideRule forward = rule(QStringLiteral("forward"));
        forward.set = {{"X-Seen", "1"}};
        const OverrideSet set = compile({putOnly, forward});
        QVERIFY(set.localPreflightAnswer(preflight("PUT"), kApiHost, "/"));
        // DELETE's preflight is decided by the second rule, which forwards it.
        QVERIFY(!set.localPreflightAnswer(preflight("DELETE"), kApiHost, "/"));
        QCOMPARE(set.matchingRule(preflight("DELETE"), kApiHost, "/"), 1);
    }

    // --- the live store -------------------------------------------------------------------------

    void storeSwapsRulesAndResolvesPlaceholders()
    {
        OverrideRule r = rule(QStringLiteral("playground app"));
        r.policy = policy::CorsPolicy(); // allowlist "{app}"
        OverrideStore store;
        QVERIFY(store.current()->isEmpty());
        store.set(compile({r}));
        const std::shared_ptr<const OverrideSet> before = store.current();
        const http::HttpRequest get = request("GET", {{"Origin", kApp}});
        int status = 200;
        base::HeaderList headers;
        QString name;
        QVERIFY(before->applyToResponse(get, kApiHost, "/", &status, &headers, &name));
        QCOMPARE(render(headers), QStringLiteral("Vary: Origin")); // {app} is no origin yet

        store.setOrigins({"http://localhost:8080", kApp, "http://127.0.0.1:6666"});
        headers.clear();
        QVERIFY(store.current()->applyToResponse(get, kApiHost, "/", &status, &headers, &name));
        QCOMPARE(render(headers),
                 QStringLiteral("Access-Control-Allow-Origin: http://localhost:3000 | "
                                "Vary: Origin"));
        // A reader that took the set before the change keeps a consistent one.
        headers.clear();
        QVERIFY(before->applyToResponse(get, kApiHost, "/", &status, &headers, &name));
        QCOMPARE(render(headers), QStringLiteral("Vary: Origin"));

        // Rules set later use the origins the store knows.
        r.name = QStringLiteral("renamed");
        store.set(compile({r}));
        headers.clear();
        QVERIFY(store.current()->applyToResponse(get, kApiHost, "/", &status, &headers, &name));
        QCOMPARE(name, QStringLiteral("renamed"));
        QVERIFY(headers.contains({"Access-Control-Allow-Origin", kApp}));
        store.set(OverrideSet());
        QVERIFY(store.current()->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestOverrideRules)
#include "tst_override_rules.moc"
