// Contracts: both file formats read into the same model, every malformed value refused with its
// path, expansion into cases, write → read round trips, and each kind of judgement.
#include "check/contract.h"
#include "check/contract_file.h"
#include "check/contract_judge.h"

#include <QtTest>

using namespace corslab;
using check::Contract;
using check::ContractCase;
using check::ContractRule;
using check::Expectation;

namespace {

const QByteArray kEveryFieldJson = R"({
  "version": 1,
  "base_url": "https://api.example.com",
  "browsers": ["chromium", "firefox"],
  "rules": [
    {
      "name": "the frontend reads items",
      "url": "/items",
      "origins": ["https://app.example.com", "http://localhost:3000"],
      "methods": ["GET", "PUT"],
      "headers": {"Content-Type": "application/json"},
      "credentials": "include",
      "mode": "cors",
      "body": "{\"a\":1}",
      "browsers": "all",
      "expect": "exposed",
      "readable_headers": ["X-Total-Count"],
      "vary_origin": true,
      "max_age_at_least": 600
    },
    {
      "url": "https://other.example.net/v1/things",
      "origins": "https://app.example.com",
      "methods": "DELETE",
      "headers": ["X-Trace: 1", "Authorization: Bearer x"],
      "credentials": "omit",
      "mode": "no-cors",
      "expect": "blocked",
      "error": "PreflightMissingAllowOriginHeader"
    },
    {
      "url": "/items",
      "allowed_origins": ["https://app.example.com"],
      "denied_origins": ["https://evil.example"]
    }
  ]
})";

const QByteArray kEveryFieldYaml = R"(# the same contract as YAML
version: 1
base_url: https://api.example.com
browsers: [chromium, firefox]
rules:
  - name: the frontend reads items
    url: /items
    origins: [https://app.example.com, "http://localhost:3000"]
    methods: [GET, PUT]
    headers: {Content-Type: application/json}
    credentials: include
    mode: cors
    body: '{"a":1}'
    browsers: all
    expect: exposed
    readable_headers: [X-Total-Count]
    vary_origin: true
    max_age_at_least: 600
  - url: https://other.example.net/v1/things
    origins: https://app.example.com
    methods: DELETE
    headers:
      - "X-Trace: 1"
      - "Authorization: Bearer x"
    credentials: omit
    mode: no-cors
    expect: blocked
    error: PreflightMissingAllowOriginHeader
  - url: /items
    allowed_origins:
      - https://app.example.com
    denied_origins:
      - https://evil.example
)";

Contract everyFieldContract()
{
    Contract c;
    c.baseUrl = QStringLiteral("https://api.example.com");
    c.browsers = {QStringLiteral("chromium"), QStringLiteral("firefox")};
    ContractRule items;
    items.name = QStringLiteral("the frontend reads items");
    items.url = QStringLiteral("/items");
    items.origins = {"https://app.example.com", "http://localhost:3000"};
    items.methods = {"GET", "PUT"};
    items.headers = {{"Content-Type", "application/json"}};
    items.credentials = cors::CredentialsMode::Include;
    items.body = R"({"a":1})";
    items.browsers = check::allBrowsers();
    items.expect = Expectation::Exposed;
    items.readableHeaders = {"X-Total-Count"};
    items.varyOrigin = true;
    items.maxAgeAtLeast = 600;
    ContractRule things;
    things.url = QStringLiteral("https://other.example.net/v1/things");
    things.origins = {"https://app.example.com"};
    things.methods = {"DELETE"};
    things.headers = {{"X-Trace", "1"}, {"Authorization", "Bearer x"}};
    things.credentials = cors::CredentialsMode::Omit;
    things.mode = cors::RequestMode::NoCors;
    things.expect = Expectation::Blocked;
    things.error = cors::CorsError::PreflightMissingAllowOriginHeader;
    ContractRule shorthand;
    shorthand.url = QStringLiteral("/items");
    shorthand.allowedOrigins = {"https://app.example.com"};
    shorthand.deniedOrigins = {"https://evil.example"};
    c.rules = {items, things, shorthand};
    return c;
}

Contract parsed(const QByteArray &text, const QString &fileName)
{
    Contract c;
    QString error;
    if (!check::readContract(text, fileName, &c, &error))
        qWarning().noquote() << error;
    return c;
}

/// A one-rule contract with \a rule (JSON members) under the given top-level members.
QByteArray oneRule(const QByteArray &rule, const QByteArray &top = {})
{
    return "{" + top + (top.isEmpty() ? "" : ",") + R"("rules": [)" + rule + "]}";
}

ContractCase exposedCase()
{
    ContractCase c;
    c.name = QStringLiteral("GET /items from https://app.example.com [chromium]");
    c.request.origin = "https://app.example.com";
    c.request.url = QUrl(QStringLiteral("https://api.example.com/items"));
    c.browser = QStringLiteral("chromium");
    c.expect = Expectation::Exposed;
    return c;
}

check::Observation exposedObservation()
{
    check::Observation o;
    o.browser = QStringLiteral("chromium");
    o.exposed = true;
    o.readableHeaders = {"content-type", "x-total-count"};
    o.varyOrigin = true;
    o.preflightSent = true;
    o.preflightMaxAgeSeconds = 600;
    o.explanation = QStringLiteral("The page can read the response.");
    return o;
}

check::Observation blockedObservation(cors::CorsError error)
{
    check::Observation o;
    o.browser = QStringLiteral("chromium");
    o.error = error;
    o.explanation = QStringLiteral("The response has no Access-Control-Allow-Origin header.");
    o.fix = QStringLiteral("Add Access-Control-Allow-Origin: https://app.example.com.");
    return o;
}

int count(const QList<ContractCase> &cases, check::CaseVariant variant)
{
    return int(std::count_if(cases.begin(), cases.end(),
                             [&](const ContractCase &c) { return c.variant == variant; }));
}

} // namespace

Q_DECLARE_METATYPE(corslab::check::ContractCase)
Q_DECLARE_METATYPE(corslab::check::Observation)

class TestContract : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFieldInJsonAndYaml()
    {
        const Contract expected = everyFieldContract();
        QCOMPARE(parsed(kEveryFieldJson, QStringLiteral("api.json")), expected);
        QCOMPARE(parsed(kEveryFieldYaml, QStringLiteral("api.yaml")), expected);
        // The format comes from the text when the name does not tell.
        QCOMPARE(parsed(kEveryFieldYaml, QStringLiteral("contract")), expected);
        QCOMPARE(parsed(kEveryFieldJson, QStringLiteral("contract")), expected);
    }

    void defaults()
    {
        const Contract c = parsed(oneRule("{\"url\": \"https://api.example.com/x\", \"origins\": "
                                          "\"https://a.example\", \"expect\": \"exposed\"}"),
                                  QStringLiteral("c.json"));
        QCOMPARE(c.rules.size(), 1);
        const ContractRule &r = c.rules.first();
        QCOMPARE(r.methods, QList<QByteArray>{"GET"});
        QCOMPARE(r.credentials, cors::CredentialsMode::SameOrigin);
        QCOMPARE(r.mode, cors::RequestMode::Cors);
        QString error;
        const QList<ContractCase> cases = check::expandContract(c, {}, &error);
        QCOMPARE(error, QString());
        QCOMPARE(cases.size(), 1);
        QCOMPARE(cases.first().browser, QStringLiteral("chromium"));
        QCOMPARE(cases.first().name,
                 QStringLiteral("GET https://api.example.com/x from https://a.example [chromium]"));
    }

    void expansionCountsAndShapes()
    {
        QString error;
        const QList<ContractCase> cases = check::expandContract(everyFieldContract(), {}, &error);
        QCOMPARE(error, QString());
        // Rule 0: 2 origins × 2 methods × all (3) browsers; rule 1: 1 × 1 × the default 2.
        // Rule 2 (GET, 2 browsers): 1 allowed + denied simple and preflighted.
        QCOMPARE(cases.size(), 12 + 2 + 2 * 3);
        const ContractCase &first = cases.first();
        QCOMPARE(first.ruleIndex, 0);
        QCOMPARE(first.request.url, QUrl(QStringLiteral("https://api.example.com/items")));
        QCOMPARE(first.request.credentials, cors::CredentialsMode::Include);
        QCOMPARE(first.request.body, QByteArray()); // GET has none
        QCOMPARE(first.readableHeaders, QList<QByteArray>{"X-Total-Count"});
        QCOMPARE(first.maxAgeAtLeast, std::optional<qint64>(600));
        QVERIFY(first.varyOrigin);
        QCOMPARE(first.name, QStringLiteral("the frontend reads items: GET from "
                                            "https://app.example.com [chromium]"));
        const auto put = std::find_if(cases.begin(), cases.end(), [](const ContractCase &c) {
            return c.request.method == "PUT";
        });
        QVERIFY(put != cases.end());
        QCOMPARE(put->request.body, QByteArray("{\"a\":1}"));
        QStringList browsers;
        for (const ContractCase &c : cases) {
            if (c.ruleIndex == 0 && !browsers.contains(c.browser))
                browsers << c.browser;
        }
        QCOMPARE(browsers, check::allBrowsers());

        const ContractCase &things = cases.at(12);
        QCOMPARE(things.ruleIndex, 1);
        QCOMPARE(things.request.mode, cors::RequestMode::NoCors);
        QCOMPARE(things.expect, Expectation::Blocked);
        QCOMPARE(things.error, cors::CorsError::PreflightMissingAllowOriginHeader);

        QList<ContractCase> shorthand;
        for (const ContractCase &c : cases) {
            if (c.ruleIndex == 2)
                shorthand << c;
        }
        QCOMPARE(count(shorthand, check::CaseVariant::Plain), 2);
        QCOMPARE(count(shorthand, check::CaseVariant::DeniedSimple), 2);
        QCOMPARE(count(shorthand, check::CaseVariant::DeniedPreflight), 2);
        for (const ContractCase &c : shorthand) {
            const bool denied = c.request.origin == "https://evil.example";
            QCOMPARE(c.expect, denied ? Expectation::Blocked : Expectation::Exposed);
            if (c.variant == check::CaseVariant::DeniedSimple) {
                QCOMPARE(c.request.method, QByteArray("GET"));
                QVERIFY(c.request.headers.isEmpty());
                QVERIFY(c.name.endsWith(QStringLiteral(" (simple)")));
            } else if (c.variant == check::CaseVariant::DeniedPreflight) {
                QCOMPARE(c.request.method, QByteArray("PUT"));
                QCOMPARE(c.request.headers,
                         base::HeaderList({{"Content-Type", "application/json"}}));
                QVERIFY(c.name.endsWith(QStringLiteral(" (preflight)")));
            }
        }
    }

    void deniedOriginKeepsAPreflightedRequest()
    {
        // DELETE with a custom header already needs a preflight: it is sent as it is; its simple
        // twin is a GET without headers. Two methods give the same simple GET once.
        Contract c =
            parsed(oneRule("{\"url\": \"https://api.example.com/x\", \"methods\": [\"DELETE\", "
                           "\"PATCH\"], \"headers\": {\"X-Trace\": \"1\"}, \"denied_origins\": "
                           "[\"https://evil.example\", \"https://worse.example\"]}"),
                   QStringLiteral("c.json"));
        QString error;
        const QList<ContractCase> cases = check::expandContract(c, {}, &error);
        QCOMPARE(error, QString());
        // Per origin: one simple GET, a preflighted DELETE, a preflighted PATCH.
        QCOMPARE(cases.size(), 6);
        QCOMPARE(count(cases, check::CaseVariant::DeniedSimple), 2);
        for (const ContractCase &x : cases) {
            if (x.variant == check::CaseVariant::DeniedPreflight)
                QCOMPARE(x.request.headers, base::HeaderList({{"X-Trace", "1"}}));
        }
    }

    void baseUrlOverrideAndMissingBase()
    {
        Contract c = parsed(oneRule("{\"url\": \"/items\", \"origins\": \"https://a.example\", "
                                    "\"expect\": \"blocked\"}"),
                            QStringLiteral("c.json"));
        QString error;
        QVERIFY(check::expandContract(c, {}, &error).isEmpty());
        QVERIFY2(error.startsWith(QStringLiteral("rules[0].url: ")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("base_url")), qPrintable(error));
        const QList<ContractCase> cases =
            check::expandContract(c, QUrl(QStringLiteral("http://127.0.0.1:8080/v1/")), &error);
        QCOMPARE(cases.size(), 1);
        QCOMPARE(cases.first().request.url, QUrl(QStringLiteral("http://127.0.0.1:8080/v1/items")));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("message"); ///< the whole error, or its start when it ends "…"

        const QByteArray ok = "\"url\": \"https://api.example.com/x\", \"origins\": "
                              "\"https://a.example\", \"expect\": \"exposed\"";
        const auto rule = [&](const QByteArray &extra) {
            return oneRule("{" + ok + "," + extra + "}");
        };
        const QString json = QStringLiteral("c.json");
        const QString yaml = QStringLiteral("c.yaml");

        QTest::newRow("not JSON") << QByteArray("{\"rules\": [") << json
                                  << QStringLiteral("c.json: not valid JSON at offset …");
        QTest::newRow("bad YAML") << QByteArray("rules: [\n  - url: x\n bad") << yaml
                                  << QStringLiteral("c.yaml: line …");
        QTest::newRow("array document") << QByteArray("[]") << json
                                        << QStringLiteral("c.json: contract: expected an object "
                                                          "with \"rules\", got an array");
        QTest::newRow("no rules") << QByteArray("{}") << json
                                  << QStringLiteral("c.json: rules: expected a non-empty list of "
                                                    "rules, got nothing");
        QTest::newRow("zero rules") << QByteArray("{\"rules\": []}") << json
                                    << QStringLiteral("c.json: rules: expected a non-empty list "
                                                      "of rules, got an array");
        QTest::newRow("zero rules yaml") << QByteArray("rules: []\n") << yaml
                                         << QStringLiteral("c.yaml: rules: expected a non-empty "
                                                           "list of rules, got an array");
        QTest::newRow("unknown top key") << oneRule("{" + ok + "}", "\"rulez\": 1") << json
                                         << QStringLiteral("c.json: rulez: unknown field …");
        QTest::newRow("version 2") << oneRule("{" + ok + "}", "\"version\": 2") << json
                                   << QStringLiteral("c.json: version: expected 1, got 2");
        QTest::newRow("version text") << oneRule("{" + ok + "}", "\"version\": \"1\"") << json
                                      << QStringLiteral("c.json: version: expected 1, got \"1\"");
        QTest::newRow("base_url relative")
            << oneRule("{" + ok + "}", "\"base_url\": \"api.example.com\"") << json
            << QStringLiteral("c.json: base_url: expected an absolute http:// or https:// URL, "
                              "got \"api.example.com\"");
        QTest::newRow("top browser")
            << oneRule("{" + ok + "}", "\"browsers\": [\"chromium\", \"edge\"]") << json
            << QStringLiteral("c.json: browsers[1]: expected a browser "
                              "(chromium, firefox, safari, spec or all), "
                              "got \"edge\"");
        QTest::newRow("rule not object") << oneRule("5") << json
                                         << QStringLiteral("c.json: rules[0]: expected a rule (an "
                                                           "object with \"url\"), got 5");
        QTest::newRow("unknown rule key") << rule("\"credential\": \"include\"") << json
                                          << QStringLiteral("c.json: rules[0].credential: unknown "
                                                            "field …");
        QTest::newRow("no url")
            << oneRule("{\"origins\": \"https://a.example\", \"expect\": \"exposed\"}") << json
            << QStringLiteral("c.json: rules[0].url: expected an absolute "
                              "http:// or https:// URL or a path starting "
                              "with \"/\", got nothing");
        QTest::newRow("ftp url") << oneRule("{\"url\": \"ftp://x/y\", \"origins\": "
                                            "\"https://a.example\", \"expect\": \"exposed\"}")
                                 << json
                                 << QStringLiteral("c.json: rules[0].url: expected an absolute …");
        QTest::newRow("relative url")
            << oneRule("{\"url\": \"items\", \"origins\": \"https://a.example\", \"expect\": "
                       "\"exposed\"}")
            << json << QStringLiteral("c.json: rules[0].url: expected an absolute …");
        QTest::newRow("credentials yes") << rule("\"credentials\": \"yes\"") << json
                                         << QStringLiteral("c.json: rules[0].credentials: expected "
                                                           "omit, same-origin or include, got "
                                                           "\"yes\"");
        QTest::newRow("credentials yaml bool")
            << QByteArray("rules:\n  - url: https://a.example/x\n    origins: https://b.example\n"
                          "    expect: exposed\n    credentials: true\n")
            << yaml
            << QStringLiteral("c.yaml: rules[0].credentials: expected omit, same-origin or "
                              "include, got true");
        QTest::newRow("mode") << rule("\"mode\": \"navigate\"") << json
                              << QStringLiteral("c.json: rules[0].mode: expected cors, no-cors or "
                                                "same-origin, got \"navigate\"");
        QTest::newRow("expect") << oneRule("{\"url\": \"https://api.example.com/x\", \"origins\": "
                                           "\"https://a.example\", \"expect\": \"allowed\"}")
                                << json
                                << QStringLiteral("c.json: rules[0].expect: expected exposed or "
                                                  "blocked, got \"allowed\"");
        QTest::newRow("no expect") << oneRule("{\"url\": \"https://api.example.com/x\"}") << json
                                   << QStringLiteral("c.json: rules[0].expect: expected exposed or "
                                                     "blocked …");
        QTest::newRow("expect without origins")
            << oneRule("{\"url\": \"https://api.example.com/x\", \"expect\": \"exposed\"}") << json
            << QStringLiteral("c.json: rules[0].origins: expected at least one page origin …");
        QTest::newRow("origin with path")
            << rule("\"allowed_origins\": [\"https://a.example/app\"]") << json
            << QStringLiteral("c.json: rules[0].allowed_origins[0]: "
                              "expected a page origin such as "
                              "\"https://app.example.com\", got "
                              "\"https://a.example/app\"");
        QTest::newRow("origin null")
            << oneRule("{\"url\": \"https://api.example.com/x\", \"origins\": "
                       "[\"https://a.example\", \"null\"], \"expect\": \"exposed\"}")
            << json << QStringLiteral("c.json: rules[0].origins[1]: expected a page origin …");
        QTest::newRow("origins empty list")
            << oneRule("{\"url\": \"https://api.example.com/x\", \"origins\": [], \"expect\": "
                       "\"exposed\"}")
            << json
            << QStringLiteral("c.json: rules[0].origins: expected a page origin such as "
                              "\"https://app.example.com\", or a non-empty list of them, got an "
                              "array");
        QTest::newRow("denied origin number") << rule("\"denied_origins\": 5") << json
                                              << QStringLiteral("c.json: rules[0].denied_origins: "
                                                                "expected a page origin …");
        QTest::newRow("method space") << rule("\"methods\": [\"GET\", \"BAD METHOD\"]") << json
                                      << QStringLiteral("c.json: rules[0].methods[1]: expected an "
                                                        "HTTP method such as \"PUT\", got \"BAD "
                                                        "METHOD\"");
        QTest::newRow("method number") << rule("\"methods\": 7") << json
                                       << QStringLiteral("c.json: rules[0].methods: expected an "
                                                         "HTTP method …");
        QTest::newRow("header name") << rule("\"headers\": {\"X Bad\": \"1\"}") << json
                                     << QStringLiteral("c.json: rules[0].headers.X Bad: expected a "
                                                       "header name …");
        QTest::newRow("header value CRLF")
            << rule("\"headers\": {\"X-A\": \"1\\r\\nX-B: 2\"}") << json
            << QStringLiteral("c.json: rules[0].headers.X-A: "
                              "expected a header value …");
        QTest::newRow("header value number") << rule("\"headers\": {\"X-A\": 1}") << json
                                             << QStringLiteral("c.json: rules[0].headers.X-A: "
                                                               "expected a header value …");
        QTest::newRow("header line without colon") << rule("\"headers\": [\"X-A 1\"]") << json
                                                   << QStringLiteral("c.json: rules[0].headers[0]: "
                                                                     "expected a \"Name: value\" "
                                                                     "string, got \"X-A 1\"");
        QTest::newRow("headers string")
            << rule("\"headers\": \"X-A: 1\"") << json
            << QStringLiteral("c.json: rules[0].headers: expected a "
                              "map of header names to values, or a list of \"Name: value\" "
                              "strings, got \"X-A: 1\"");
        QTest::newRow("rule browser") << rule("\"browsers\": \"opera\"") << json
                                      << QStringLiteral("c.json: rules[0].browsers: expected a "
                                                        "browser (chromium, firefox, safari, spec "
                                                        "or all), got \"opera\"");
        QTest::newRow("error name")
            << oneRule("{\"url\": \"https://api.example.com/x\", \"origins\": "
                       "\"https://a.example\", \"expect\": \"blocked\", \"error\": \"CorsFailed\"}")
            << json
            << QStringLiteral("c.json: rules[0].error: expected a CorsError "
                              "name such as \"AllowOriginMismatch\" …");
        QTest::newRow("error with exposed") << rule("\"error\": \"AllowOriginMismatch\"") << json
                                            << QStringLiteral("c.json: rules[0].error: only with "
                                                              "expect: blocked");
        QTest::newRow("readable with blocked")
            << oneRule(
                   "{\"url\": \"https://api.example.com/x\", \"origins\": \"https://a.example\", "
                   "\"expect\": \"blocked\", \"readable_headers\": [\"X-A\"]}")
            << json
            << QStringLiteral("c.json: rules[0].readable_headers: only with expect: exposed or "
                              "allowed_origins");
        QTest::newRow("readable header name") << rule("\"readable_headers\": [\"X A\"]") << json
                                              << QStringLiteral("c.json: rules[0].readable_headers"
                                                                "[0]: expected a header name …");
        QTest::newRow("vary string") << rule("\"vary_origin\": \"yes\"") << json
                                     << QStringLiteral("c.json: rules[0].vary_origin: expected "
                                                       "true or false, got \"yes\"");
        QTest::newRow("max age negative") << rule("\"max_age_at_least\": -1") << json
                                          << QStringLiteral("c.json: rules[0].max_age_at_least: "
                                                            "expected a whole number of seconds, 0 "
                                                            "or more, got -1");
        QTest::newRow("max age fraction") << rule("\"max_age_at_least\": 1.5") << json
                                          << QStringLiteral("c.json: rules[0].max_age_at_least: "
                                                            "expected a whole number …");
        QTest::newRow("max age text") << rule("\"max_age_at_least\": \"600\"") << json
                                      << QStringLiteral("c.json: rules[0].max_age_at_least: "
                                                        "expected a whole number …");
        QTest::newRow("max age with blocked")
            << oneRule("{\"url\": \"https://api.example.com/x\", \"origins\": "
                       "\"https://a.example\", \"expect\": \"blocked\", \"max_age_at_least\": 5}")
            << json << QStringLiteral("c.json: rules[0].max_age_at_least: only for exposed …");
        QTest::newRow("name number") << rule("\"name\": 3") << json
                                     << QStringLiteral("c.json: rules[0].name: expected a string, "
                                                       "got 3");
        QTest::newRow("body object") << rule("\"body\": {\"a\": 1}") << json
                                     << QStringLiteral("c.json: rules[0].body: expected a string, "
                                                       "got an object");
        QTest::newRow("second rule")
            << QByteArray("{\"rules\": [{" + ok + "}, {" + ok + ", \"mode\": 1}]}") << json
            << QStringLiteral("c.json: rules[1].mode: expected cors, "
                              "no-cors or same-origin, got 1");
        QTest::newRow("yaml typo deep")
            << QByteArray("base_url: https://api.example.com\nrules:\n  - url: /a\n"
                          "    origins: [https://a.example]\n    expect: exposed\n"
                          "  - url: /b\n    origins: [https://a.example]\n    expect: exposed\n"
                          "    vary_orgin: true\n")
            << yaml << QStringLiteral("c.yaml: rules[1].vary_orgin: unknown field …");
    }

    void malformed()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, fileName);
        QFETCH(QString, message);
        Contract out;
        out.baseUrl = QStringLiteral("untouched");
        QString error;
        QVERIFY(!check::readContract(text, fileName, &out, &error));
        QCOMPARE(out.baseUrl, QStringLiteral("untouched"));
        if (message.endsWith(QChar(0x2026)))
            QVERIFY2(error.startsWith(message.chopped(1)), qPrintable(error));
        else
            QCOMPARE(error, message);
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("json") << int(check::ContractFormat::Json);
        QTest::newRow("yaml") << int(check::ContractFormat::Yaml);
    }

    void roundTrip()
    {
        QFETCH(int, format);
        Contract c = everyFieldContract();
        // Strings YAML would take for something else, quotes, backslashes, a line break.
        c.rules[0].name = QStringLiteral("yes: \"quoted\" \\ # not a comment\nnull");
        c.rules[0].body = "true";
        c.rules[1].name = QStringLiteral("1.5");
        c.rules[1].headers.append(base::Header{"X-Trace", "2"}); // a duplicate keeps its place
        c.rules[2].browsers = {QStringLiteral("spec")};
        const auto f = check::ContractFormat(format);
        const QByteArray text = check::writeContract(c, f);
        const QString name = f == check::ContractFormat::Yaml ? QStringLiteral("out.yaml")
                                                              : QStringLiteral("out.json");
        Contract back;
        QString error;
        QVERIFY2(check::readContract(text, name, &back, &error),
                 qPrintable(error + QLatin1Char('\n') + QString::fromUtf8(text)));
        QCOMPARE(back, c);
        // And again: a written contract is a fixed point.
        QCOMPARE(check::writeContract(back, f), text);
    }

    void judgePasses()
    {
        ContractCase c = exposedCase();
        c.readableHeaders = {"X-Total-Count"};
        c.varyOrigin = true;
        c.maxAgeAtLeast = 600;
        const check::CaseResult r = check::judgeCase(c, exposedObservation());
        QVERIFY(r.passed());
        QVERIFY(r.reasons.isEmpty());

        ContractCase blocked = exposedCase();
        blocked.expect = Expectation::Blocked;
        blocked.error = cors::CorsError::MissingAllowOriginHeader;
        QVERIFY(
            check::judgeCase(blocked, blockedObservation(cors::CorsError::MissingAllowOriginHeader))
                .passed());
        blocked.error = cors::CorsError::None; // any error will do
        QVERIFY(check::judgeCase(blocked, blockedObservation(cors::CorsError::AllowOriginMismatch))
                    .passed());
    }

    void judgeFailures_data()
    {
        QTest::addColumn<ContractCase>("contractCase");
        QTest::addColumn<check::Observation>("observation");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QStringList>("reasons");
        QTest::addColumn<QString>("fix");

        const int failed = int(check::CaseOutcome::Failed);
        const check::Observation blocked =
            blockedObservation(cors::CorsError::MissingAllowOriginHeader);
        QTest::newRow("expected exposed")
            << exposedCase() << blocked << failed
            << QStringList{QStringLiteral("expected exposed, got blocked: The response has no "
                                          "Access-Control-Allow-Origin header.")}
            << blocked.fix;

        ContractCase readable = exposedCase();
        readable.readableHeaders = {"X-Total-Count", "ETag", "Content-Type"};
        QTest::newRow("not readable")
            << readable << exposedObservation() << failed
            << QStringList{QStringLiteral("ETag is not readable: add it to "
                                          "Access-Control-Expose-Headers")}
            << QStringLiteral("Add ETag to Access-Control-Expose-Headers.");

        ContractCase vary = exposedCase();
        vary.varyOrigin = true;
        check::Observation noVary = exposedObservation();
        noVary.varyOrigin = false;
        QTest::newRow("vary") << vary << noVary << failed
                              << QStringList{QStringLiteral(
                                     "Vary: Origin missing: a cache may serve one origin's "
                                     "answer to another")}
                              << QStringLiteral("Add Vary: Origin to the response.");

        ContractCase maxAge = exposedCase();
        maxAge.maxAgeAtLeast = 600;
        check::Observation short5 = exposedObservation();
        short5.preflightMaxAgeSeconds = 5;
        QTest::newRow("max age short")
            << maxAge << short5 << failed
            << QStringList{QStringLiteral("Access-Control-Max-Age is 5, expected at least 600")}
            << QStringLiteral("Send Access-Control-Max-Age: 600 (or more) on the preflight "
                              "response.");
        check::Observation noMaxAge = exposedObservation();
        noMaxAge.preflightMaxAgeSeconds.reset();
        QTest::newRow("max age missing")
            << maxAge << noMaxAge << failed
            << QStringList{QStringLiteral("Access-Control-Max-Age missing (browsers then cache "
                                          "the preflight for 5 seconds), expected at least 600")}
            << QStringLiteral("Send Access-Control-Max-Age: 600 (or more) on the preflight "
                              "response.");
        check::Observation noPreflight = exposedObservation();
        noPreflight.preflightSent = false;
        QTest::newRow("max age without preflight")
            << maxAge << noPreflight << failed
            << QStringList{QStringLiteral("no preflight was sent, so Access-Control-Max-Age could "
                                          "not be checked (expected at least 600)")}
            << QString();

        ContractCase blockedCase = exposedCase();
        blockedCase.expect = Expectation::Blocked;
        QTest::newRow("expected blocked")
            << blockedCase << exposedObservation() << failed
            << QStringList{QStringLiteral("expected blocked, got exposed: a page at "
                                          "https://app.example.com can read the response")}
            << QStringLiteral("Answer requests from https://app.example.com without "
                              "Access-Control-Allow-Origin (and refuse its preflight).");
        ContractCase wrongError = blockedCase;
        wrongError.error = cors::CorsError::PreflightMissingAllowOriginHeader;
        QTest::newRow("wrong error")
            << wrongError << blocked << failed
            << QStringList{QStringLiteral("expected error PreflightMissingAllowOriginHeader, got "
                                          "MissingAllowOriginHeader")}
            << QString();

        check::Observation network;
        network.networkFailure = QStringLiteral("connection refused: 127.0.0.1:9");
        network.exposed = true;
        QTest::newRow("network failure")
            << exposedCase() << network << int(check::CaseOutcome::Error)
            << QStringList{QStringLiteral("connection refused: 127.0.0.1:9")} << QString();

        // Several promises broken at once: every reason, every fix once.
        ContractCase many = exposedCase();
        many.readableHeaders = {"X-A"};
        many.varyOrigin = true;
        many.maxAgeAtLeast = 60;
        check::Observation poor = noVary;
        poor.preflightMaxAgeSeconds = 10;
        QTest::newRow("several")
            << many << poor << failed
            << QStringList{QStringLiteral("X-A is not readable: add it to "
                                          "Access-Control-Expose-Headers"),
                           QStringLiteral("Vary: Origin missing: a cache may serve one origin's "
                                          "answer to another"),
                           QStringLiteral("Access-Control-Max-Age is 10, expected at least 60")}
            << QStringLiteral("Add X-A to Access-Control-Expose-Headers. Add Vary: Origin to the "
                              "response. Send Access-Control-Max-Age: 60 (or more) on the "
                              "preflight response.");
    }

    void judgeFailures()
    {
        QFETCH(ContractCase, contractCase);
        QFETCH(check::Observation, observation);
        QFETCH(int, outcome);
        QFETCH(QStringList, reasons);
        QFETCH(QString, fix);
        const check::CaseResult r = check::judgeCase(contractCase, observation);
        QCOMPARE(int(r.outcome), outcome);
        QCOMPARE(r.reasons, reasons);
        QCOMPARE(r.fix, fix);
    }

    void blockedPreflightNeedsNoVary()
    {
        // The preflight failed: no actual response came, so its Vary cannot be missing.
        ContractCase c = exposedCase();
        c.expect = Expectation::Blocked;
        c.varyOrigin = true;
        QVERIFY(check::judgeCase(
                    c, blockedObservation(cors::CorsError::PreflightMissingAllowOriginHeader))
                    .passed());
        QVERIFY(!check::judgeCase(c, blockedObservation(cors::CorsError::AllowOriginMismatch))
                     .passed());
    }
};

QTEST_GUILESS_MAIN(TestContract)
#include "tst_contract.moc"
