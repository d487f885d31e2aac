// core/check's OpenAPI probes: descriptions (3.0 and 3.1, JSON and YAML of the same API, in
// data/openapi/) turned into the fetch() of every operation, the base URL and its override,
// and malformed documents refused with the file, the field path and what was expected.
// Documents written inline are YAML flow mappings in ordinary string literals (moc 6.4 stops
// seeing the test class after a raw string literal).
#include "check/openapi_probes.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>

using namespace corslab;
using check::ApiProbe;

namespace {

QByteArray dataFile(const QString &name)
{
    QFile file(QStringLiteral(CORSLAB_OPENAPI_DATA "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

// A description with one server and the given paths (and more top-level fields), as flow YAML.
QByteArray withPaths(const char *paths, const char *more = "")
{
    return QByteArrayLiteral("{openapi: 3.0.3, servers: [{url: 'https://api.test'}], paths: ") +
           paths + more + '}';
}

struct Expected
{
    QString label;
    QByteArray method;
    QByteArray url; ///< encoded
    base::HeaderList headers;
    QByteArray body;
};

const QByteArray kKey = QByteArrayLiteral("corslab-placeholder-key");
const QByteArray kBearer = QByteArrayLiteral("Bearer corslab-placeholder-token");
const QByteArray kUuid = QByteArrayLiteral("123e4567-e89b-12d3-a456-426614174000");

// The probes of the Shelf API (shelf-3.0.*): paths sorted, methods in the Path Item's order.
QList<Expected> shelfProbes(const QByteArray &base)
{
    const base::Header key{"X-Shelf-Key", kKey};
    const base::Header json{"Content-Type", "application/json"};
    return {
        {QStringLiteral("GET /health"), "GET", base + "/health", {}, {}},
        {QStringLiteral("listItems (GET /items)"), "GET", base + "/items?limit=20", {key}, {}},
        {QStringLiteral("createItem (POST /items)"),
         "POST",
         base + "/items",
         {key, json},
         "{\"name\":\"Lamp\",\"price\":12.5}"},
        {QStringLiteral("getItem (GET /items/{itemId})"),
         "GET",
         base + "/items/" + kUuid,
         {key},
         {}},
        {QStringLiteral("replaceItem (PUT /items/{itemId})"),
         "PUT",
         base + "/items/" + kUuid,
         {{"If-Match", "\"v1\""}, key, json},
         "{}"},
        {QStringLiteral("deleteItem (DELETE /items/{itemId})"),
         "DELETE",
         base + "/items/" + kUuid,
         {key},
         {}},
    };
}

// The probes of the Notes API (notes-3.1.*).
QList<Expected> notesProbes()
{
    const base::Header auth{"Authorization", kBearer};
    return {
        {QStringLiteral("listNotes (GET /notes)"),
         "GET",
         "https://eu.notes.test/v2/notes?tag=work",
         {auth},
         {}},
        {QStringLiteral("createNote (POST /notes)"),
         "POST",
         "https://eu.notes.test/v2/notes",
         {auth, {"Content-Type", "application/json"}},
         "{\"body\":\"A longer note.\",\"title\":\"Long\"}"},
        {QStringLiteral("DELETE /notes/{noteId}"),
         "DELETE",
         "https://notes.test/api/notes/7",
         {},
         {}},
        {QStringLiteral("updateNote (PATCH /notes/{noteId})"),
         "PATCH",
         "https://edit.notes.test/notes/7",
         {auth, {"Content-Type", "text/plain"}},
         "new text"},
        {QStringLiteral("GET /status"),
         "GET",
         "https://notes.test/api/status",
         {{"X-Trace-Id", kUuid}},
         {}},
    };
}

bool read(const QByteArray &text, const QString &fileName, QList<ApiProbe> *probes, QString *error,
          const QUrl &override = {}, QStringList *skipped = nullptr)
{
    return check::readOpenApiProbes(text, fileName, override, probes, error, skipped);
}

// The one probe of a description that must read.
ApiProbe onlyProbe(const QByteArray &text)
{
    QList<ApiProbe> probes;
    QString error;
    if (!read(text, QStringLiteral("spec.yaml"), &probes, &error))
        qWarning("%s", qPrintable(error));
    return probes.size() == 1 ? probes.first() : ApiProbe{};
}

} // namespace

class TestOpenApi : public QObject
{
    Q_OBJECT

private:
    void compareProbes(const QList<ApiProbe> &got, const QList<Expected> &expected)
    {
        QCOMPARE(got.size(), expected.size());
        for (qsizetype i = 0; i < got.size(); ++i) {
            const ApiProbe &probe = got.at(i);
            QCOMPARE(probe.label, expected.at(i).label);
            QCOMPARE(probe.request.method, expected.at(i).method);
            QCOMPARE(probe.request.url.toEncoded(), expected.at(i).url);
            QCOMPARE(probe.request.headers, expected.at(i).headers);
            QCOMPARE(probe.request.body, expected.at(i).body);
            QVERIFY(!probe.notes.isEmpty());
        }
    }

private Q_SLOTS:
    // --- the sample descriptions -------------------------------------------------------------

    void jsonAndYamlGiveTheSameProbes_data()
    {
        QTest::addColumn<QString>("api");
        QTest::newRow("3.0") << QStringLiteral("shelf-3.0");
        QTest::newRow("3.1") << QStringLiteral("notes-3.1");
    }

    void jsonAndYamlGiveTheSameProbes()
    {
        QFETCH(QString, api);
        QList<ApiProbe> fromJson, fromYaml;
        QString error;
        QVERIFY2(read(dataFile(api + QStringLiteral(".json")), api + QStringLiteral(".json"),
                      &fromJson, &error),
                 qPrintable(error));
        QVERIFY2(read(dataFile(api + QStringLiteral(".yaml")), api + QStringLiteral(".yaml"),
                      &fromYaml, &error),
                 qPrintable(error));
        QVERIFY(!fromJson.isEmpty());
        QCOMPARE(fromJson.size(), fromYaml.size());
        for (qsizetype i = 0; i < fromJson.size(); ++i) {
            const ApiProbe &a = fromJson.at(i);
            const ApiProbe &b = fromYaml.at(i);
            QCOMPARE(a.label, b.label);
            QCOMPARE(a.operationId, b.operationId);
            QCOMPARE(a.request.url, b.request.url);
            QCOMPARE(a.request.method, b.request.method);
            QCOMPARE(a.request.headers, b.request.headers);
            QCOMPARE(a.request.body, b.request.body);
            QCOMPARE(a.request.credentials, b.request.credentials);
            QCOMPARE(a.notes, b.notes);
        }
    }

    void shelfProbes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("json") << QStringLiteral("shelf-3.0.json");
        QTest::newRow("yaml") << QStringLiteral("shelf-3.0.yaml");
    }

    void shelfProbes()
    {
        QFETCH(QString, file);
        QList<ApiProbe> probes;
        QString error;
        QStringList skipped;
        QVERIFY2(read(dataFile(file), file, &probes, &error, {}, &skipped), qPrintable(error));
        // The server's {region} variable is filled from its default.
        compareProbes(probes, ::shelfProbes("https://eu.shelf.test/v1"));
        QCOMPARE(probes.at(1).operationId, QStringLiteral("listItems"));
        QVERIFY(probes.at(0).operationId.isEmpty());
        QVERIFY(probes.at(1).notes.contains(
            QStringLiteral("query parameter limit from schema default")));
        QVERIFY(probes.at(1).notes.contains(
            QStringLiteral("X-Shelf-Key from security scheme shelfKey (placeholder key)")));
        QVERIFY(probes.at(1).notes.contains(
            QStringLiteral("cookie parameter theme not sent (a script cannot set Cookie; the "
                           "browser sends its own cookies)")));
        QVERIFY(probes.at(3).notes.contains(
            QStringLiteral("path parameter itemId from placeholder for string")));
        QVERIFY(probes.at(2).notes.contains(QStringLiteral("body application/json from example")));
        QVERIFY(probes.at(0).notes.contains(QStringLiteral("base URL from servers[0]")));
        QCOMPARE(skipped, QStringList{QStringLiteral(
                              "traceItem (TRACE /items/{itemId}): skipped, fetch() refuses the "
                              "TRACE method")});
        for (const ApiProbe &probe : std::as_const(probes)) {
            QCOMPARE(probe.request.credentials, cors::CredentialsMode::SameOrigin);
            QString invalid;
            QVERIFY2(probe.request.validate(&invalid), qPrintable(invalid));
        }
    }

    void notesProbes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("json") << QStringLiteral("notes-3.1.json");
        QTest::newRow("yaml") << QStringLiteral("notes-3.1.yaml");
    }

    void notesProbes()
    {
        QFETCH(QString, file);
        QList<ApiProbe> probes;
        QString error;
        // Webhooks beside the paths are not probes; path-level servers (with a variable) and
        // operation-level servers win over the document's.
        QVERIFY2(read(dataFile(file), file, &probes, &error), qPrintable(error));
        compareProbes(probes, ::notesProbes());
        QVERIFY(probes.at(0).notes.contains(
            QStringLiteral("query parameter tag from schema examples[0]")));
        QVERIFY(probes.at(0).notes.contains(
            QStringLiteral("Authorization from security scheme bearerAuth (placeholder token)")));
        QVERIFY(
            probes.at(0).notes.contains(QStringLiteral("base URL from paths./notes.servers[0]")));
        QVERIFY(probes.at(1).notes.contains(
            QStringLiteral("body application/json from examples \"long\"")));
        QVERIFY(probes.at(3).notes.contains(
            QStringLiteral("path parameter noteId from examples \"first\"")));
        QVERIFY(probes.at(3).notes.contains(
            QStringLiteral("base URL from paths./notes/{noteId}.patch.servers[0]")));
    }

    // --- the base URL ------------------------------------------------------------------------

    void baseUrlOverride()
    {
        // The override replaces every servers entry: the document's, a path's, an operation's.
        QList<ApiProbe> probes;
        QString error;
        const QUrl base(QStringLiteral("http://localhost:8080/staging/"));
        QVERIFY2(read(dataFile(QStringLiteral("shelf-3.0.yaml")), QStringLiteral("s.yaml"), &probes,
                      &error, base),
                 qPrintable(error));
        compareProbes(probes, ::shelfProbes("http://localhost:8080/staging"));
        QVERIFY(probes.at(0).notes.contains(QStringLiteral("base URL from --base-url")));
        QVERIFY2(read(dataFile(QStringLiteral("notes-3.1.json")), QStringLiteral("n.json"), &probes,
                      &error, base),
                 qPrintable(error));
        QCOMPARE(probes.size(), 5);
        for (const ApiProbe &probe : std::as_const(probes))
            QVERIFY2(probe.request.url.toString().startsWith(
                         QLatin1String("http://localhost:8080/staging/notes")) ||
                         probe.request.url.toString().startsWith(
                             QLatin1String("http://localhost:8080/staging/status")),
                     qPrintable(probe.request.url.toString()));
    }

    void relativeServerNeedsBaseUrl()
    {
        const QByteArray text = "{openapi: 3.1.0, servers: [{url: /v1}], paths: {/a: {get: {}}}}";
        QList<ApiProbe> probes;
        QString error;
        QVERIFY(!read(text, QStringLiteral("api.yaml"), &probes, &error));
        QCOMPARE(error, QStringLiteral("api.yaml: servers[0].url: \"/v1\" is relative to where "
                                       "the description is served: pass --base-url with the "
                                       "API's absolute URL"));
        QVERIFY(probes.isEmpty());
        QVERIFY2(read(text, QStringLiteral("api.yaml"), &probes, &error,
                      QUrl(QStringLiteral("https://api.test/v1"))),
                 qPrintable(error));
        QCOMPARE(probes.size(), 1);
        QCOMPARE(probes.first().request.url, QUrl(QStringLiteral("https://api.test/v1/a")));
    }

    void invalidOverride()
    {
        QList<ApiProbe> probes;
        QString error;
        QVERIFY(!read(withPaths("{/a: {get: {}}}"), QStringLiteral("spec.yaml"), &probes, &error,
                      QUrl(QStringLiteral("ftp://files.test"))));
        QCOMPARE(error, QStringLiteral("--base-url: expected an absolute http:// or https:// "
                                       "URL, got \"ftp://files.test\""));
    }

    // --- parameters, security, bodies --------------------------------------------------------

    void pathParameterIsPercentEncoded()
    {
        const ApiProbe probe = onlyProbe(withPaths(
            "{'/files/{name}/v{n}': {get: {parameters: [{name: name, in: path, required: true, "
            "example: 'a b/c?'}, {name: n, in: path, required: true, schema: {type: "
            "integer}}]}}}"));
        QCOMPARE(probe.request.url.toEncoded(),
                 QByteArray("https://api.test/files/a%20b%2Fc%3F/v1"));
    }

    void parameterValueOrder_data()
    {
        QTest::addColumn<QByteArray>("parameter");
        QTest::addColumn<QByteArray>("query");
        QTest::newRow("example wins")
            << QByteArray("example: 5, schema: {type: integer, default: 3}") << QByteArray("q=5");
        QTest::newRow("schema example")
            << QByteArray("schema: {type: string, example: x, default: y}") << QByteArray("q=x");
        QTest::newRow("default") << QByteArray("schema: {type: string, default: y, enum: [z]}")
                                 << QByteArray("q=y");
        QTest::newRow("enum") << QByteArray("schema: {type: string, enum: [z, w]}")
                              << QByteArray("q=z");
        QTest::newRow("number") << QByteArray("schema: {type: number}") << QByteArray("q=1");
        QTest::newRow("boolean") << QByteArray("schema: {type: boolean}") << QByteArray("q=true");
        QTest::newRow("3.1 type list")
            << QByteArray("schema: {type: ['null', integer]}") << QByteArray("q=1");
        QTest::newRow("array") << QByteArray("example: [a, b]") << QByteArray("q=a%2Cb");
        QTest::newRow("no schema") << QByteArray("description: free") << QByteArray("q=example");
        QTest::newRow("ref schema")
            << QByteArray("schema: {$ref: '#/components/schemas/Id'}") << QByteArray("q=" + kUuid);
        QTest::newRow("oneOf") << QByteArray("schema: {oneOf: [{type: integer}, {type: string}]}")
                               << QByteArray("q=1");
    }

    void parameterValueOrder()
    {
        QFETCH(QByteArray, parameter);
        QFETCH(QByteArray, query);
        const ApiProbe probe = onlyProbe(withPaths(
            "{/a: {get: {parameters: [{name: q, in: query, required: true, " + parameter + "}]}}}",
            ", components: {schemas: {Id: {type: string, format: uuid}}}"));
        QCOMPARE(probe.request.url.query(QUrl::FullyEncoded).toLatin1(), query);
    }

    void operationParameterWinsOverPathLevel()
    {
        const ApiProbe probe = onlyProbe(withPaths(
            "{/a: {parameters: [{name: q, in: query, required: true, example: path}, "
            "{name: X-Id, in: header, required: true, example: h1}], "
            "get: {parameters: [{name: q, in: query, required: true, example: op}, "
            "{name: q, in: header, example: other}, {name: opt, in: query, example: no}]}}}"));
        QCOMPARE(probe.request.url.query(), QStringLiteral("q=op"));
        QCOMPARE(probe.request.headers, (base::HeaderList{{"X-Id", "h1"}}));
    }

    void noBodyOnGet()
    {
        const ApiProbe probe = onlyProbe(
            withPaths("{/a: {get: {requestBody: {content: {application/json: {example: 1}}}}}}"));
        QVERIFY(probe.request.body.isEmpty());
        QVERIFY(probe.request.headers.isEmpty());
        QVERIFY(probe.notes.contains(
            QStringLiteral("request body not sent: fetch() refuses a body on GET")));
    }

    void ignoredHeaderParameters()
    {
        // OpenAPI ignores header parameters named Accept, Content-Type or Authorization.
        const ApiProbe probe = onlyProbe(
            withPaths("{/a: {get: {parameters: [{name: Authorization, in: header, required: true}, "
                      "{name: accept, in: header, required: true}]}}}"));
        QVERIFY(probe.request.headers.isEmpty());
        QVERIFY(probe.notes.contains(
            QStringLiteral("header parameter Authorization ignored (OpenAPI ignores it)")));
    }

    void securitySchemes_data()
    {
        QTest::addColumn<QByteArray>("scheme");
        QTest::addColumn<base::HeaderList>("headers");
        QTest::addColumn<QByteArray>("url");
        QTest::addColumn<cors::CredentialsMode>("credentials");
        const QByteArray plain = "https://api.test/a";
        const auto same = cors::CredentialsMode::SameOrigin;
        QTest::newRow("bearer") << QByteArray("{type: http, scheme: Bearer}")
                                << base::HeaderList{{"Authorization", kBearer}} << plain << same;
        QTest::newRow("basic") << QByteArray("{type: http, scheme: basic}")
                               << base::HeaderList{{"Authorization", "Basic dXNlcjpwYXNzd29yZA=="}}
                               << plain << same;
        QTest::newRow("digest") << QByteArray("{type: http, scheme: digest}") << base::HeaderList{}
                                << plain << same;
        QTest::newRow("api key header") << QByteArray("{type: apiKey, in: header, name: X-Key}")
                                        << base::HeaderList{{"X-Key", kKey}} << plain << same;
        QTest::newRow("api key query") << QByteArray("{type: apiKey, in: query, name: api_key}")
                                       << base::HeaderList{} << plain + "?api_key=" + kKey << same;
        QTest::newRow("api key cookie")
            << QByteArray("{type: apiKey, in: cookie, name: sid}") << base::HeaderList{} << plain
            << cors::CredentialsMode::Include;
        QTest::newRow("oauth2") << QByteArray("{type: oauth2, flows: {}}")
                                << base::HeaderList{{"Authorization", kBearer}} << plain << same;
        QTest::newRow("openIdConnect")
            << QByteArray("{type: openIdConnect, openIdConnectUrl: 'https://id.test'}")
            << base::HeaderList{{"Authorization", kBearer}} << plain << same;
        QTest::newRow("mutualTLS")
            << QByteArray("{type: mutualTLS}") << base::HeaderList{} << plain << same;
    }

    void securitySchemes()
    {
        QFETCH(QByteArray, scheme);
        QFETCH(base::HeaderList, headers);
        QFETCH(QByteArray, url);
        QFETCH(cors::CredentialsMode, credentials);
        const ApiProbe probe =
            onlyProbe(withPaths("{/a: {get: {}}}", ", security: [{s: []}], components: "
                                                   "{securitySchemes: {s: " +
                                                       scheme + "}}"));
        QCOMPARE(probe.request.headers, headers);
        QCOMPARE(probe.request.url.toEncoded(), url);
        QCOMPARE(probe.request.credentials, credentials);
    }

    void emptySecurityRequirementAsksForNothing()
    {
        const QByteArray more = ", security: [{k: []}], components: {securitySchemes: "
                                "{k: {type: apiKey, in: header, name: X-Key}}}";
        QVERIFY(onlyProbe(withPaths("{/a: {get: {security: [{}]}}}", more.constData()))
                    .request.headers.isEmpty());
        QVERIFY(onlyProbe(withPaths("{/a: {get: {security: []}}}", more.constData()))
                    .request.headers.isEmpty());
        QCOMPARE(onlyProbe(withPaths("{/a: {get: {}}}", more.constData())).request.headers.size(),
                 1);
    }

    void requestBodies_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("json first") << QByteArray("{text/plain: {}, application/json: {schema: "
                                                  "{type: array}}}")
                                    << QByteArray("application/json") << QByteArray("[]");
        QTest::newRow("json without schema") << QByteArray("{application/json: {}}")
                                             << QByteArray("application/json") << QByteArray("{}");
        QTest::newRow("+json") << QByteArray("{application/merge-patch+json: {example: {a: 1}}}")
                               << QByteArray("application/merge-patch+json")
                               << QByteArray("{\"a\":1}");
        QTest::newRow("form") << QByteArray("{application/x-www-form-urlencoded: {example: "
                                            "{a: 1, b: x y}}}")
                              << QByteArray("application/x-www-form-urlencoded")
                              << QByteArray("a=1&b=x%20y");
        QTest::newRow("multipart")
            << QByteArray("{multipart/form-data: {schema: {type: object}}}")
            << QByteArray("multipart/form-data; boundary=corslab-boundary")
            << QByteArray("--corslab-boundary\r\nContent-Disposition: form-data; "
                          "name=\"field\"\r\n\r\nexample\r\n--corslab-boundary--\r\n");
        QTest::newRow("text") << QByteArray("{text/plain: {example: hello}}")
                              << QByteArray("text/plain") << QByteArray("hello");
        QTest::newRow("range") << QByteArray("{'*/*': {}}")
                               << QByteArray("application/octet-stream") << QByteArray("example");
        QTest::newRow("ref") << QByteArray("{$ref: '#/components/requestBodies/B'}")
                             << QByteArray("application/json") << QByteArray("\"b\"");
    }

    void requestBodies()
    {
        QFETCH(QByteArray, content);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        const QByteArray requestBody =
            content.startsWith("{$ref") ? content : "{content: " + content + '}';
        const ApiProbe probe = onlyProbe(withPaths(
            "{/a: {post: {requestBody: " + requestBody + "}}}",
            ", components: {requestBodies: {B: {content: {application/json: {example: b}}}}}"));
        QCOMPARE(probe.request.headers, (base::HeaderList{{"Content-Type", contentType}}));
        QCOMPARE(probe.request.body, body);
    }

    // --- refused documents -------------------------------------------------------------------

    void malformed_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        const QString yaml = QStringLiteral("spec.yaml");
        const QString json = QStringLiteral("spec.json");
        QTest::newRow("json syntax")
            << json << QByteArray("{\"openapi\": }") << "spec.json: not a valid JSON document";
        QTest::newRow("yaml syntax")
            << yaml << QByteArray("openapi: [3.0.3\npaths: {}") << "spec.yaml: line ";
        QTest::newRow("top array") << json << QByteArray(" [1] ")
                                   << "spec.json: expected an OpenAPI document (an object), got "
                                      "an array";
        QTest::newRow("swagger 2") << yaml << QByteArray("{swagger: '2.0', paths: {}}")
                                   << "spec.yaml: swagger: Swagger 2.0 is not read: expected an "
                                      "OpenAPI 3.0.x or 3.1.x document";
        QTest::newRow("openapi 4") << yaml << QByteArray("{openapi: 4.0.0, paths: {}}")
                                   << "spec.yaml: openapi: expected an OpenAPI version \"3.0.x\" "
                                      "or \"3.1.x\" (a string), got \"4.0.0\"";
        QTest::newRow("openapi number") << yaml << QByteArray("{openapi: 3.1, paths: {}}")
                                        << "spec.yaml: openapi: expected an OpenAPI version "
                                           "\"3.0.x\" or \"3.1.x\" (a string), got 3.1";
        QTest::newRow("openapi missing") << yaml << QByteArray("{paths: {}}")
                                         << "spec.yaml: openapi: expected an OpenAPI version "
                                            "\"3.0.x\" or \"3.1.x\" (a string), got nothing";
        QTest::newRow("no paths") << yaml << QByteArray("{openapi: 3.0.3}")
                                  << "spec.yaml: paths: no paths to probe";
        QTest::newRow("webhooks only")
            << yaml << QByteArray("{openapi: 3.1.0, webhooks: {a: {post: {}}}}")
            << "spec.yaml: paths: no paths to probe (the document describes only webhooks)";
        QTest::newRow("paths array") << yaml << QByteArray("{openapi: 3.0.3, paths: []}")
                                     << "spec.yaml: paths: expected an object of paths, got an "
                                        "array";
        QTest::newRow("path without slash")
            << yaml << withPaths("{items: {}}")
            << "spec.yaml: paths.items: expected a path starting with \"/\", got \"items\"";
        QTest::newRow("path item") << yaml << withPaths("{/x: 5}")
                                   << "spec.yaml: paths./x: expected a Path Item object, got 5";
        QTest::newRow("method in capitals")
            << yaml << withPaths("{/x: {GET: {}}}")
            << "spec.yaml: paths./x.GET: unknown field (expected an HTTP method in lower case";
        QTest::newRow("operation") << yaml << withPaths("{/x: {get: []}}")
                                   << "spec.yaml: paths./x.get: expected an Operation object, "
                                      "got an array";
        QTest::newRow("operationId") << yaml << withPaths("{/x: {get: {operationId: 5}}}")
                                     << "spec.yaml: paths./x.get.operationId: expected a string, "
                                        "got 5";
        QTest::newRow("parameters") << yaml << withPaths("{/x: {get: {parameters: {}}}}")
                                    << "spec.yaml: paths./x.get.parameters: expected an array of "
                                       "Parameter objects, got an object";
        QTest::newRow("parameter in body")
            << yaml << withPaths("{/x: {get: {parameters: [{name: a, in: body}]}}}")
            << "spec.yaml: paths./x.get.parameters[0].in: expected one of \"path\", \"query\", "
               "\"header\", \"cookie\", got \"body\"";
        QTest::newRow("parameter name")
            << yaml << withPaths("{/x: {parameters: [{in: query}], get: {}}}")
            << "spec.yaml: paths./x.parameters[0].name: expected the parameter's name, got "
               "nothing";
        QTest::newRow("parameter required")
            << yaml
            << withPaths("{/x: {get: {parameters: [{name: a, in: query, required: 'yes'}]}}}")
            << "spec.yaml: paths./x.get.parameters[0].required: expected true or false, got "
               "\"yes\"";
        QTest::newRow("schema type")
            << yaml
            << withPaths("{/x: {get: {parameters: [{name: a, in: query, required: true, schema: "
                         "{type: 5}}]}}}")
            << "spec.yaml: paths./x.get.parameters[0].schema.type: expected a type name such as "
               "\"string\", or a list of them (OpenAPI 3.1), got 5";
        QTest::newRow("error inside a component")
            << yaml
            << withPaths("{/x: {get: {parameters: [{$ref: '#/components/parameters/P'}]}}}",
                         ", components: {parameters: {P: {name: p, in: form}}}")
            << "spec.yaml: components.parameters.P.in: expected one of \"path\", \"query\", "
               "\"header\", \"cookie\", got \"form\"";
        QTest::newRow("external ref")
            << yaml << withPaths("{/x: {get: {parameters: [{$ref: 'common.yaml#/P'}]}}}")
            << "spec.yaml: paths./x.get.parameters[0].$ref: expected a reference inside this "
               "document such as \"#/components/schemas/Item\" (other files are not read), got "
               "\"common.yaml#/P\"";
        QTest::newRow("missing ref")
            << yaml
            << withPaths("{/x: {get: {parameters: [{$ref: '#/components/parameters/No'}]}}}")
            << "spec.yaml: paths./x.get.parameters[0].$ref: expected a reference to a part of "
               "this document, got \"#/components/parameters/No\"";
        QTest::newRow("ref not a string")
            << yaml << withPaths("{/x: {post: {requestBody: {$ref: 5}}}}")
            << "spec.yaml: paths./x.post.requestBody.$ref: expected a reference such as "
               "\"#/components/schemas/Item\", got 5";
        QTest::newRow("unknown scheme")
            << yaml << withPaths("{/x: {get: {security: [{nope: []}]}}}")
            << "spec.yaml: paths./x.get.security[0]: expected the name of a scheme in "
               "components.securitySchemes, got \"nope\"";
        QTest::newRow("security object")
            << yaml << withPaths("{/x: {get: {}}}", ", security: {k: []}")
            << "spec.yaml: security: expected an array of Security Requirement objects, got an "
               "object";
        QTest::newRow("scheme type")
            << yaml
            << withPaths("{/x: {get: {}}}", ", security: [{k: []}], components: "
                                            "{securitySchemes: {k: {type: cookie}}}")
            << "spec.yaml: components.securitySchemes.k.type: expected one of \"apiKey\", "
               "\"http\", \"oauth2\", \"openIdConnect\", \"mutualTLS\", got \"cookie\"";
        QTest::newRow("api key in")
            << yaml
            << withPaths("{/x: {get: {}}}", ", security: [{k: []}], components: "
                                            "{securitySchemes: {k: {type: apiKey, name: K}}}")
            << "spec.yaml: components.securitySchemes.k.in: expected one of \"header\", "
               "\"query\", \"cookie\", got nothing";
        QTest::newRow("http scheme")
            << yaml
            << withPaths("{/x: {get: {}}}", ", security: [{k: []}], components: "
                                            "{securitySchemes: {k: {type: http}}}")
            << "spec.yaml: components.securitySchemes.k.scheme: expected an HTTP authentication "
               "scheme such as \"bearer\", got nothing";
        QTest::newRow("body content") << yaml << withPaths("{/x: {post: {requestBody: {}}}}")
                                      << "spec.yaml: paths./x.post.requestBody.content: expected "
                                         "an object of media types such as \"application/json\", "
                                         "got nothing";
        QTest::newRow("no servers")
            << yaml << QByteArray("{openapi: 3.0.3, paths: {/x: {get: {}}}}")
            << "spec.yaml: servers: none given, and the default server \"/\" is relative to "
               "where the description is served: pass --base-url with the API's absolute URL";
        QTest::newRow("server variable")
            << yaml
            << QByteArray("{openapi: 3.0.3, servers: [{url: 'https://{env}.api.test'}], paths: "
                          "{/x: {get: {}}}}")
            << "spec.yaml: servers[0].url: the variable {env} is not defined in "
               "servers[0].variables";
        QTest::newRow("server variable default")
            << yaml
            << QByteArray("{openapi: 3.0.3, servers: [{url: 'https://{env}.api.test', "
                          "variables: {env: {enum: [a]}}}], paths: {/x: {get: {}}}}")
            << "spec.yaml: servers[0].variables.env.default: expected the variable's default "
               "value (a string), got nothing";
        QTest::newRow("path server url")
            << yaml << withPaths("{/x: {servers: [{url: 7}], get: {}}}")
            << "spec.yaml: paths./x.servers[0].url: expected the server's URL, got 7";
        QTest::newRow("operation servers")
            << yaml << withPaths("{/x: {get: {servers: {url: 'https://b.test'}}}}")
            << "spec.yaml: paths./x.get.servers: expected an array of Server objects, got an "
               "object";
        QTest::newRow("header value fetch refuses")
            << yaml
            << withPaths("{/x: {get: {parameters: [{name: X-A, in: header, required: true, "
                         "example: \"a\\nb\"}]}}}")
            << "spec.yaml: paths./x.get: makes a request fetch() refuses: ";
    }

    void malformed()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        QList<ApiProbe> probes{ApiProbe{}};
        QString got;
        QVERIFY(!check::readOpenApiProbes(text, fileName, QUrl(), &probes, &got));
        QVERIFY2(got.startsWith(error), qPrintable(got));
        QCOMPARE(probes.size(), 1); // left as it was
    }

    void referenceCycles_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("two parameters")
            << withPaths("{/x: {get: {parameters: [{$ref: '#/components/parameters/A'}]}}}",
                         ", components: {parameters: {A: {$ref: '#/components/parameters/B'}, "
                         "B: {$ref: '#/components/parameters/A'}}}")
            << "spec.yaml: paths./x.get.parameters[0]: reference cycle: #/components/parameters/A "
               "→ #/components/parameters/B → #/components/parameters/A";
        QTest::newRow("itself")
            << withPaths("{/x: {post: {requestBody: {$ref: '#/components/requestBodies/R'}}}}",
                         ", components: {requestBodies: {R: {$ref: "
                         "'#/components/requestBodies/R'}}}")
            << "spec.yaml: paths./x.post.requestBody: reference cycle: "
               "#/components/requestBodies/R → #/components/requestBodies/R";
        QTest::newRow("path item")
            << withPaths("{/x: {$ref: '#/paths/~1x'}}")
            << "spec.yaml: paths./x: reference cycle: #/paths/~1x → #/paths/~1x";
        QTest::newRow("schema through allOf")
            << withPaths("{/x: {get: {parameters: [{name: q, in: query, required: true, "
                         "schema: {$ref: '#/components/schemas/S'}}]}}}",
                         ", components: {schemas: {S: {allOf: [{$ref: "
                         "'#/components/schemas/S'}]}}}")
            << "spec.yaml: components.schemas.S.allOf[0]: schemas nested more than 64 levels deep";
    }

    void referenceCycles()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        QList<ApiProbe> probes;
        QString got;
        QVERIFY(!read(text, QStringLiteral("spec.yaml"), &probes, &got));
        QCOMPARE(got, error);
    }

    void longReferenceChain()
    {
        // 70 parameters, each a reference to the next: no cycle, but longer than any real chain.
        QJsonObject parameters;
        for (int i = 0; i < 70; ++i)
            parameters.insert(
                QStringLiteral("P%1").arg(i),
                QJsonObject{{QStringLiteral("$ref"),
                             QStringLiteral("#/components/parameters/P%1").arg(i + 1)}});
        parameters.insert(QStringLiteral("P70"),
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("q")},
                                      {QStringLiteral("in"), QStringLiteral("query")}});
        const QJsonObject get{
            {QStringLiteral("parameters"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("$ref"), QStringLiteral("#/components/parameters/P0")}}}}};
        const QJsonObject doc{
            {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
            {QStringLiteral("servers"),
             QJsonArray{QJsonObject{{QStringLiteral("url"), QStringLiteral("https://a.test")}}}},
            {QStringLiteral("paths"),
             QJsonObject{{QStringLiteral("/x"), QJsonObject{{QStringLiteral("get"), get}}}}},
            {QStringLiteral("components"),
             QJsonObject{{QStringLiteral("parameters"), parameters}}}};
        QList<ApiProbe> probes;
        QString error;
        QVERIFY(!read(QJsonDocument(doc).toJson(), QStringLiteral("chain.json"), &probes, &error));
        QCOMPARE(error, QStringLiteral("chain.json: paths./x.get.parameters[0]: more than 64 "
                                       "references in a chain"));
    }

    void damagedDocumentsEndCleanly_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *name :
             {"shelf-3.0.json", "shelf-3.0.yaml", "notes-3.1.json", "notes-3.1.yaml"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void damagedDocumentsEndCleanly()
    {
        // Every cut of the file and a few hundred flipped bytes (a fixed seed): each read ends,
        // and a refusal always says which file.
        QFETCH(QString, file);
        const QByteArray whole = dataFile(file);
        QList<QByteArray> damaged;
        for (qsizetype cut = 0; cut < whole.size(); cut += 13)
            damaged << whole.left(cut);
        QRandomGenerator random(7);
        for (int i = 0; i < 300; ++i) {
            QByteArray text = whole;
            text[random.bounded(int(text.size()))] = char(random.bounded(32, 127));
            damaged << text;
        }
        for (const QByteArray &text : std::as_const(damaged)) {
            QList<ApiProbe> probes;
            QString error;
            if (!read(text, file, &probes, &error))
                QVERIFY2(error.startsWith(file + QStringLiteral(": ")), qPrintable(error));
        }
    }

    void traceIsSkipped()
    {
        QList<ApiProbe> probes;
        QString error;
        QStringList skipped;
        QVERIFY2(read(withPaths("{/x: {trace: {}, get: {}}, /y: {trace: {}}}"),
                      QStringLiteral("spec.yaml"), &probes, &error, {}, &skipped),
                 qPrintable(error));
        QCOMPARE(probes.size(), 1);
        QCOMPARE(probes.first().label, QStringLiteral("GET /x"));
        QCOMPARE(skipped, (QStringList{
                              QStringLiteral("TRACE /x: skipped, fetch() refuses the TRACE method"),
                              QStringLiteral("TRACE /y: skipped, fetch() refuses the TRACE method"),
                          }));
    }
};

QTEST_APPLESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
