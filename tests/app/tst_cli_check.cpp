// corslab-cli check as a user runs it: a real process against the real playground under every
// preset, against scripted loopback servers for HTTPS and for every kind of network failure, and
// with bad input. Exit codes: 0 exposed, 1 blocked, 2 bad input, 3 network failure.
#include "../proxy/proxy_test_support.h"
#include "policy/cors_policy.h"
#include "proxy/certificate_authority.h"
#include "run_cli.h"
#include "server/playground_server.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace corslab;
using corslab::testing::runCli;

namespace {

enum Exit { kExposed = 0, kBlocked = 1, kUsage = 2, kNetwork = 3 };

// A CORS answer that lets http://app.test read everything, preflight included, and asks for
// the preflight to be cached a day.
void answerOpenly(QTcpSocket *socket, const proxytest::ReceivedRequest &)
{
    socket->write("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://app.test\r\n"
                  "Access-Control-Allow-Methods: PUT\r\nAccess-Control-Allow-Headers: *\r\n"
                  "Access-Control-Max-Age: 86400\r\nContent-Length: 2\r\n\r\n{}");
}

QJsonObject jsonOf(const QByteArray &out)
{
    return QJsonDocument::fromJson(out).object();
}

} // namespace

class TestCliCheck : public QObject
{
    Q_OBJECT

    std::unique_ptr<server::PlaygroundServer> m_playground;
    policy::DemoOrigins m_origins;

    void startPlayground(const QString &preset)
    {
        m_playground = std::make_unique<server::PlaygroundServer>(
            server::PlaygroundServer::Options{}, *policy::CorsPolicy::preset(preset));
        QString error;
        QVERIFY2(m_playground->start(&error), qPrintable(error));
        m_origins = m_playground->origins();
    }

    QByteArray originNamed(const QString &who) const
    {
        return who == QLatin1String("app") ? m_origins.app : m_origins.evil;
    }

private Q_SLOTS:
    void cleanup() { m_playground.reset(); }

    // Every preset, four requests: the exit code and the JSON verdict say the same, and both say
    // what the preset's description promises.
    void playgroundPresets_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QStringList>("request");
        QTest::addColumn<int>("exit");
        QTest::addColumn<QString>("error");
        const QStringList simpleGet = {QStringLiteral("/public")};
        const QStringList credentialedPut = {QStringLiteral("/echo"),
                                             QStringLiteral("--method"),
                                             QStringLiteral("PUT"),
                                             QStringLiteral("--header"),
                                             QStringLiteral("Content-Type: application/json"),
                                             QStringLiteral("--body"),
                                             QStringLiteral("{}"),
                                             QStringLiteral("--credentials"),
                                             QStringLiteral("include")};
        const QStringList credentialedGet = {
            QStringLiteral("/private"), QStringLiteral("--credentials"), QStringLiteral("include")};
        struct Row
        {
            const char *preset;
            const char *from;
            const QStringList *request;
            int exit;
            const char *error;
        };
        const Row rows[] = {
            {"Open public API", "evil", &simpleGet, kExposed, ""},
            {"Open public API", "evil", &credentialedGet, kBlocked, "WildcardOriginNotAllowed"},
            {"Credentialed allowlist", "app", &credentialedPut, kExposed, ""},
            {"Credentialed allowlist", "app", &credentialedGet, kExposed, ""},
            {"Credentialed allowlist", "evil", &simpleGet, kBlocked, "MissingAllowOriginHeader"},
            {"Credentialed allowlist", "evil", &credentialedPut, kBlocked,
             "PreflightMissingAllowOriginHeader"},
            {"No CORS", "app", &simpleGet, kBlocked, "MissingAllowOriginHeader"},
            // The OPTIONS 404 has no Access-Control-Allow-Origin, checked before the status.
            {"No CORS", "app", &credentialedPut, kBlocked, "PreflightMissingAllowOriginHeader"},
            {"Misconfigured: reflect any origin with credentials", "evil", &credentialedGet,
             kExposed, ""},
            {"Misconfigured: wildcard with credentials", "app", &simpleGet, kExposed, ""},
            {"Misconfigured: wildcard with credentials", "app", &credentialedGet, kBlocked,
             "WildcardOriginNotAllowed"},
            // The pattern matches "localhost" anywhere: the trusted app passes, the other site not.
            {"Misconfigured: unanchored origin pattern", "app", &credentialedGet, kExposed, ""},
            {"Misconfigured: unanchored origin pattern", "evil", &simpleGet, kBlocked,
             "MissingAllowOriginHeader"},
            {"Misconfigured: null origin trusted", "evil", &simpleGet, kBlocked,
             "MissingAllowOriginHeader"},
            {"Misconfigured: preflight rejected (401)", "app", &credentialedPut, kBlocked,
             "PreflightInvalidStatus"},
            {"Misconfigured: preflight rejected (401)", "app", &simpleGet, kExposed, ""},
        };
        for (const Row &r : rows)
            QTest::addRow("%s | %s %s", r.preset, r.from,
                          qPrintable(r.request->join(QLatin1Char(' '))))
                << QString::fromLatin1(r.preset) << QString::fromLatin1(r.from) << *r.request
                << r.exit << QString::fromLatin1(r.error);
    }
    void playgroundPresets()
    {
        QFETCH(QString, preset);
        QFETCH(QString, from);
        QFETCH(QStringList, request);
        QFETCH(int, exit);
        QFETCH(QString, error);
        startPlayground(preset);
        QStringList args = {
            QStringLiteral("check"),    QString::fromLatin1(m_origins.api) + request.takeFirst(),
            QStringLiteral("--origin"), QString::fromLatin1(originNamed(from)),
            QStringLiteral("--format"), QStringLiteral("json")};
        const auto run = runCli(args + request);
        QVERIFY2(run.exitCode == exit, run.out.constData());
        const QJsonObject verdict = jsonOf(run.out);
        QCOMPARE(verdict.value(QStringLiteral("exposed")).toBool(), exit == kExposed);
        QCOMPARE(verdict.value(QStringLiteral("error")).toString(), error);
        // What went on the wire, as the playground saw it: the same number of requests.
        QTRY_COMPARE(m_playground->exchanges().size(),
                     verdict.value(QStringLiteral("exchanges")).toArray().size());
    }

    void jsonCarriesEvaluatesFieldsAndTheWire()
    {
        startPlayground(QStringLiteral("Credentialed allowlist"));
        const auto run = runCli(
            {QStringLiteral("check"), QString::fromLatin1(m_origins.api) + QStringLiteral("/echo"),
             QStringLiteral("--origin"), QString::fromLatin1(m_origins.app),
             QStringLiteral("--method"), QStringLiteral("PUT"), QStringLiteral("--header"),
             QStringLiteral("X-Trace: 1"), QStringLiteral("--body"), QStringLiteral("x"),
             QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonObject v = jsonOf(run.out);
        for (const char *field : {"exposed", "preflight_required", "preflight_request",
                                  "readable_headers", "error", "response_type", "fix", "checks",
                                  "summary", "exchanges", "network_failure", "preflight_sent"})
            QVERIFY2(v.contains(QLatin1String(field)), field);
        QCOMPARE(run.exitCode, int(kBlocked)); // X-Trace is not in Access-Control-Allow-Headers
        QCOMPARE(v.value(QStringLiteral("error")).toString(),
                 QStringLiteral("HeaderDisallowedByPreflightResponse"));
        QVERIFY(v.value(QStringLiteral("fix")).isObject());
        const QJsonArray exchanges = v.value(QStringLiteral("exchanges")).toArray();
        QCOMPARE(exchanges.size(), 1); // the preflight failed: the PUT was never sent
        const QJsonObject preflight = exchanges.at(0).toObject();
        QCOMPARE(
            preflight.value(QStringLiteral("request")).toObject().value(QStringLiteral("method")),
            QStringLiteral("OPTIONS"));
        QCOMPARE(
            preflight.value(QStringLiteral("response")).toObject().value(QStringLiteral("status")),
            204);
        // Text: the pair side by side, the verdict and the fix.
        const auto text = runCli(
            {QStringLiteral("check"), QString::fromLatin1(m_origins.api) + QStringLiteral("/echo"),
             QStringLiteral("--origin"), QString::fromLatin1(m_origins.app),
             QStringLiteral("--method"), QStringLiteral("PUT"), QStringLiteral("--header"),
             QStringLiteral("X-Trace: 1"), QStringLiteral("--body"), QStringLiteral("x")});
        QCOMPARE(text.exitCode, int(kBlocked));
        QVERIFY(text.out.contains("── preflight"));
        QVERIFY(text.out.contains("Access-Control-Request-Headers: x-trace"));
        QVERIFY(text.out.contains("│ HTTP/1.1 204"));
        QVERIFY(text.out.contains("\nFix: "));
    }

    void cookiesAndModes()
    {
        startPlayground(QStringLiteral("Credentialed allowlist"));
        const QString api = QString::fromLatin1(m_origins.api);
        // The trusted app is the API's site: a given cookie travels with credentials include.
        auto run = runCli({QStringLiteral("check"), api + QStringLiteral("/private"),
                           QStringLiteral("--origin"), QString::fromLatin1(m_origins.app),
                           QStringLiteral("--credentials"), QStringLiteral("include"),
                           QStringLiteral("--cookie"), QStringLiteral("session=abc"),
                           QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(run.exitCode, int(kExposed));
        QVERIFY(run.out.contains("\"Cookie\",\n                        \"session=abc\""));
        // Another site: the browser withholds third-party cookies, and says so.
        run = runCli({QStringLiteral("check"), api + QStringLiteral("/public"),
                      QStringLiteral("--origin"), QString::fromLatin1(m_origins.evil),
                      QStringLiteral("--credentials"), QStringLiteral("include"),
                      QStringLiteral("--cookie"), QStringLiteral("session=abc")});
        QVERIFY(run.out.contains("Note: the cookies given were not sent"));
        QVERIFY(!run.out.contains("Cookie: session=abc"));
        // mode same-origin to another origin: refused before anything is sent.
        run = runCli({QStringLiteral("check"), api + QStringLiteral("/public"),
                      QStringLiteral("--origin"), QString::fromLatin1(m_origins.app),
                      QStringLiteral("--mode"), QStringLiteral("same-origin"),
                      QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(run.exitCode, int(kBlocked));
        QCOMPARE(jsonOf(run.out).value(QStringLiteral("error")).toString(),
                 QStringLiteral("DisallowedByMode"));
        QVERIFY(jsonOf(run.out).value(QStringLiteral("exchanges")).toArray().isEmpty());
        // no-cors: sent without a preflight, Sec-Fetch-Mode no-cors, the answer opaque.
        run = runCli({QStringLiteral("check"), api + QStringLiteral("/public"),
                      QStringLiteral("--origin"), QString::fromLatin1(m_origins.evil),
                      QStringLiteral("--mode"), QStringLiteral("no-cors")});
        QCOMPARE(run.exitCode, int(kBlocked));
        QVERIFY(run.out.contains("Sec-Fetch-Mode: no-cors"));
        QVERIFY(!run.out.contains("\nOrigin: "));
        // redirect error: a redirect is a network error for the page.
        run = runCli({QStringLiteral("check"),
                      api + QStringLiteral("/redirect?to=") + api + QStringLiteral("/public"),
                      QStringLiteral("--origin"), QString::fromLatin1(m_origins.app),
                      QStringLiteral("--redirect"), QStringLiteral("error"),
                      QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(run.exitCode, int(kBlocked));
        QCOMPARE(jsonOf(run.out).value(QStringLiteral("error")).toString(),
                 QStringLiteral("RedirectModeError"));
    }

    void browserAllReportsEachBrowser()
    {
        proxytest::ScriptedUpstream upstream(answerOpenly);
        const QString url = QStringLiteral("http://127.0.0.1:%1/x").arg(upstream.port());
        // Each browser caps Access-Control-Max-Age its own way.
        const auto run =
            runCli({QStringLiteral("check"), url, QStringLiteral("--origin"),
                    QStringLiteral("http://app.test"), QStringLiteral("--method"),
                    QStringLiteral("PUT"), QStringLiteral("--browser"), QStringLiteral("all"),
                    QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonArray results = jsonOf(run.out).value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 3);
        QStringList names;
        for (const QJsonValue &r : results)
            names << r.toObject().value(QStringLiteral("browser")).toString();
        QCOMPARE(names, QStringList({QStringLiteral("chromium"), QStringLiteral("firefox"),
                                     QStringLiteral("safari")}));
        const QJsonArray differences =
            jsonOf(run.out).value(QStringLiteral("differences")).toArray();
        QVERIFY2(differences.contains(QStringLiteral("firefox: keeps the preflight's answer cached "
                                                     "for 86400 s where chromium: 7200 s")),
                 QJsonDocument(differences).toJson().constData());
        QCOMPARE(run.exitCode, int(kExposed));
        const auto text = runCli({QStringLiteral("check"), url, QStringLiteral("--origin"),
                                  QStringLiteral("http://app.test"), QStringLiteral("--browser"),
                                  QStringLiteral("all")});
        QVERIFY(text.out.contains("All 3 browsers agree."));
    }

    void httpsWithTheTestCa()
    {
        QTemporaryDir dir;
        QString error;
        const auto ca = proxy::CertificateAuthority::loadOrCreate(dir.path(), &error);
        QVERIFY2(ca, qPrintable(error));
        proxytest::ScriptedUpstream upstream(answerOpenly, ca->serverConfiguration("localhost"));
        const QString caFile = dir.filePath(QStringLiteral("ca.pem"));
        QFile pem(caFile);
        QVERIFY(pem.open(QIODevice::WriteOnly));
        pem.write(ca->certificate().toPem());
        pem.close();
        const QString url = QStringLiteral("https://localhost:%1/x").arg(upstream.port());
        const QStringList base = {QStringLiteral("check"), url, QStringLiteral("--origin"),
                                  QStringLiteral("http://app.test")};
        auto run = runCli(base);
        QCOMPARE(run.exitCode, int(kNetwork)); // not trusted by the system's store
        QVERIFY2(run.out.contains("Network failure (tls)"), run.out.constData());
        run = runCli(base + QStringList{QStringLiteral("--cacert"), caFile});
        QVERIFY2(run.exitCode == kExposed, run.out.constData());
        run = runCli(base + QStringList{QStringLiteral("--insecure")});
        QCOMPARE(run.exitCode, int(kExposed));
    }

    void networkFailures_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("refused") << QStringLiteral("refused");
        QTest::newRow("dns") << QStringLiteral("dns");
        QTest::newRow("timeout") << QStringLiteral("timeout");
        QTest::newRow("reset mid-response") << QStringLiteral("reset");
        QTest::newRow("malformed") << QStringLiteral("malformed");
        QTest::newRow("preflight refused") << QStringLiteral("reset");
    }
    void networkFailures()
    {
        QFETCH(QString, kind);
        const bool preflight = qstrcmp(QTest::currentDataTag(), "preflight refused") == 0;
        proxytest::ScriptedUpstream upstream(
            [kind, preflight](QTcpSocket *socket, const proxytest::ReceivedRequest &) {
                if (kind == QLatin1String("timeout"))
                    return; // never answers
                if (kind == QLatin1String("malformed")) {
                    socket->write("HTTP/1.1 abc\r\n\r\n");
                    return;
                }
                if (!preflight)
                    socket->write("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"
                                  "Content-Length: 1000\r\n\r\n{\"partial\":");
                socket->flush();
                socket->abort();
            });
        QString url = QStringLiteral("http://127.0.0.1:%1/x").arg(upstream.port());
        if (kind == QLatin1String("refused")) {
            QTcpServer closed;
            QVERIFY(closed.listen(QHostAddress::LocalHost));
            url = QStringLiteral("http://127.0.0.1:%1/x").arg(closed.serverPort());
        }
        if (kind == QLatin1String("dns"))
            url = QStringLiteral("http://no-such-host.invalid/x");
        QStringList args = {QStringLiteral("check"),     url,
                            QStringLiteral("--origin"),  QStringLiteral("http://app.test"),
                            QStringLiteral("--timeout"), QStringLiteral("1"),
                            QStringLiteral("--format"),  QStringLiteral("json")};
        if (preflight)
            args << QStringLiteral("--method") << QStringLiteral("DELETE");
        const auto run = runCli(args, {}, 30000);
        QVERIFY2(run.exitCode == kNetwork, run.out.constData());
        const QJsonObject failure =
            jsonOf(run.out).value(QStringLiteral("network_failure")).toObject();
        QCOMPARE(failure.value(QStringLiteral("kind")).toString(), kind);
        QVERIFY(!failure.value(QStringLiteral("reason")).toString().isEmpty());
    }

    // A working state recorded once through the reverse proxy, written as a contract, then
    // guarded: the contract passes against the same API and fails once the policy breaks.
    void contractFromARecordingGuardsThePolicy()
    {
        startPlayground(QStringLiteral("Credentialed allowlist"));
        QTemporaryDir dir;
        const QString record = dir.filePath(QStringLiteral("session.json"));
        QProcess proxy;
        proxy.start(QStringLiteral(CORSLAB_CLI),
                    {QStringLiteral("proxy"), QStringLiteral("--port"), QStringLiteral("0"),
                     QStringLiteral("--reverse"), QString::fromLatin1(m_origins.api),
                     QStringLiteral("--record"), record, QStringLiteral("--record-interval"),
                     QStringLiteral("0.2")});
        QByteArray banner;
        QTRY_VERIFY_WITH_TIMEOUT((banner += proxy.readAllStandardOutput()).contains("Press Ctrl+C"),
                                 10000);
        const QRegularExpressionMatch port =
            QRegularExpression(QStringLiteral("proxy: +http://127.0.0.1:(\\d+)"))
                .match(QString::fromUtf8(banner));
        QVERIFY2(port.hasMatch(), banner.constData());
        const QString viaProxy = QStringLiteral("http://127.0.0.1:") + port.captured(1);
        const QString app = QString::fromLatin1(m_origins.app);
        const QString evil = QString::fromLatin1(m_origins.evil);
        QCOMPARE(runCli({QStringLiteral("check"), viaProxy + QStringLiteral("/echo"),
                         QStringLiteral("--origin"), app, QStringLiteral("--method"),
                         QStringLiteral("PUT"), QStringLiteral("--header"),
                         QStringLiteral("Content-Type: application/json")})
                     .exitCode,
                 int(kExposed));
        QCOMPARE(runCli({QStringLiteral("check"), viaProxy + QStringLiteral("/public"),
                         QStringLiteral("--origin"), app})
                     .exitCode,
                 int(kExposed));
        QCOMPARE(runCli({QStringLiteral("check"), viaProxy + QStringLiteral("/private"),
                         QStringLiteral("--origin"), evil})
                     .exitCode,
                 int(kBlocked));
        proxy.terminate();
        QVERIFY(proxy.waitForFinished(10000));

        const QString contract = dir.filePath(QStringLiteral("cors-contract.yaml"));
        const auto init =
            runCli({QStringLiteral("contract"), QStringLiteral("init"), QStringLiteral("--from"),
                    record, QStringLiteral("-o"), contract});
        QVERIFY2(init.exitCode == 0, init.err.constData());
        const QStringList check = {QStringLiteral("check"),
                                   QStringLiteral("--contract"),
                                   contract,
                                   QStringLiteral("--base-url"),
                                   QString::fromLatin1(m_origins.api),
                                   QStringLiteral("--junit"),
                                   dir.filePath(QStringLiteral("junit.xml"))};
        auto run = runCli(check);
        QVERIFY2(run.exitCode == 0, run.out.constData());
        QVERIFY2(run.out.contains("3 passed, 0 failed"), run.out.constData());

        // Broken on purpose: the API stops answering preflights.
        m_playground->setPolicy(*policy::CorsPolicy::preset(QStringLiteral("No CORS")));
        run = runCli(check);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("✗ ") && run.out.contains("1 passed, 2 failed"),
                 run.out.constData());
        QFile junit(dir.filePath(QStringLiteral("junit.xml")));
        QVERIFY(junit.open(QIODevice::ReadOnly));
        const QByteArray xml = junit.readAll();
        QVERIFY2(xml.contains("tests=\"3\" failures=\"2\" errors=\"0\""), xml.constData());
    }

    // The documented example contract reads, expands into its 24 cases and runs.
    void documentedExampleContractRuns()
    {
        proxytest::ScriptedUpstream api(answerOpenly);
        const auto run = runCli({QStringLiteral("check"), QStringLiteral("--contract"),
                                 QStringLiteral(CORSLAB_EXAMPLES "/contracts/cors-contract.yaml"),
                                 QStringLiteral("--base-url"),
                                 QStringLiteral("http://127.0.0.1:%1").arg(api.port())});
        QVERIFY2(run.exitCode == 0 || run.exitCode == 1, run.err.constData());
        const QRegularExpressionMatch counts =
            QRegularExpression(QStringLiteral("(\\d+) passed, (\\d+) failed"))
                .match(QString::fromUtf8(run.out));
        QVERIFY2(counts.hasMatch(), run.out.constData());
        QCOMPARE(counts.captured(1).toInt() + counts.captured(2).toInt(), 24);
    }

    // A malformed contract is refused whole, naming the file and the field: nothing is sent.
    void malformedContractSendsNothing()
    {
        startPlayground(QStringLiteral("Credentialed allowlist"));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("base_url: " + m_origins.api + "\nrules:\n  - url: /public\n    origins: [" +
                   m_origins.app + "]\n    expect: exposed\n  - url: /private\n    origins: [" +
                   m_origins.app + "]\n    credentials: yes\n    expect: exposed\n");
        file.close();
        const auto run = runCli({QStringLiteral("check"), QStringLiteral("--contract"), path});
        QCOMPARE(run.exitCode, int(kUsage));
        QVERIFY2(run.err.contains("rules[1].credentials: expected omit, same-origin or include"),
                 run.err.constData());
        QVERIFY2(run.err.contains("c.yaml"), run.err.constData());
        QTest::qWait(200);
        QCOMPARE(m_playground->exchanges().size(), 0);
    }

    // Every operation of an OpenAPI description probed as the browser would make it: a matrix
    // of verdicts, the same from its JSON and its YAML; an API that refuses a header fails.
    void openApiMatrix_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("allowEveryHeader");
        QTest::addColumn<int>("exit");
        for (const char *spec :
             {"shelf-3.0.yaml", "shelf-3.0.json", "notes-3.1.yaml", "notes-3.1.json"}) {
            QTest::addRow("%s, open", spec) << QString::fromLatin1(spec) << true << int(kExposed);
            QTest::addRow("%s, content-type only", spec)
                << QString::fromLatin1(spec) << false << int(kBlocked);
        }
    }
    void openApiMatrix()
    {
        QFETCH(QString, spec);
        QFETCH(bool, allowEveryHeader);
        QFETCH(int, exit);
        proxytest::ScriptedUpstream api(
            [allowEveryHeader](QTcpSocket *socket, const proxytest::ReceivedRequest &r) {
                const QByteArray allowHeaders = allowEveryHeader
                                                    ? r.header("access-control-request-headers")
                                                    : QByteArray("content-type");
                socket->write("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://app.test\r\n"
                              "Access-Control-Allow-Methods: GET, POST, PUT, DELETE, PATCH\r\n"
                              "Access-Control-Allow-Headers: " +
                              allowHeaders + "\r\nContent-Length: 2\r\n\r\n{}");
            });
        const QString file = QStringLiteral(CORSLAB_OPENAPI_DATA "/") + spec;
        const QStringList args = {QStringLiteral("check"),
                                  QStringLiteral("--openapi"),
                                  file,
                                  QStringLiteral("--origin"),
                                  QStringLiteral("http://app.test"),
                                  QStringLiteral("--base-url"),
                                  QStringLiteral("http://127.0.0.1:%1/v1").arg(api.port())};
        const auto run = runCli(args);
        QVERIFY2(run.exitCode == exit, run.out.constData());
        QVERIFY(run.out.startsWith("Operation "));
        QVERIFY(run.out.contains(" ✓ ") || !allowEveryHeader);
        if (!allowEveryHeader)
            QVERIFY2(run.out.contains("HeaderDisallowedByPreflightResponse) at \"CORS-preflight "
                                      "fetch: request headers allowed\""),
                     run.out.constData());
        // The JSON of the same run: one entry per operation, each with its verdict.
        const auto json =
            runCli(args + QStringList{QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonArray operations =
            jsonOf(json.out).value(QStringLiteral("operations")).toArray();
        QVERIFY(operations.size() >= 3);
        for (const QJsonValue &op : operations) {
            const QJsonObject result =
                op.toObject().value(QStringLiteral("results")).toArray().at(0).toObject();
            QVERIFY(result.contains(QStringLiteral("exposed")));
            QVERIFY(!result.value(QStringLiteral("exchanges")).toArray().isEmpty());
        }
    }

    void malformedOpenApiSendsNothing()
    {
        proxytest::ScriptedUpstream api(answerOpenly);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("spec.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
                   "      parameters:\n        - {name: a, in: body}\n");
        file.close();
        const auto run = runCli({QStringLiteral("check"), QStringLiteral("--openapi"), path,
                                 QStringLiteral("--origin"), QStringLiteral("http://app.test"),
                                 QStringLiteral("--base-url"),
                                 QStringLiteral("http://127.0.0.1:%1").arg(api.port())});
        QCOMPARE(run.exitCode, int(kUsage));
        QVERIFY2(run.err.contains("spec.yaml: paths./x.get.parameters[0].in: expected"),
                 run.err.constData());
        QCOMPARE(api.requests(), 0);
    }

    void badInputNamesTheOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString url = QStringLiteral("http://127.0.0.1:9/x");
        const QString o = QStringLiteral("--origin");
        const QString app = QStringLiteral("http://app.test");
        QTest::newRow("no URL") << QStringList{o, app}
                                << QStringLiteral("URL: expected exactly one");
        QTest::newRow("no origin") << QStringList{url} << QStringLiteral("--origin: expected");
        QTest::newRow("bad origin") << QStringList{url, o, QStringLiteral("app.test")}
                                    << QStringLiteral("--origin: expected");
        QTest::newRow("bad URL") << QStringList{QStringLiteral("ftp://x/"), o, app}
                                 << QStringLiteral("URL: expected");
        QTest::newRow("bad method")
            << QStringList{url, o, app, QStringLiteral("--method"), QStringLiteral("GE T")}
            << QStringLiteral("--method: expected");
        QTest::newRow("bad header")
            << QStringList{url, o, app, QStringLiteral("--header"), QStringLiteral("NoColon")}
            << QStringLiteral("--header: expected 'Name: value'");
        QTest::newRow("bad credentials")
            << QStringList{url, o, app, QStringLiteral("--credentials"), QStringLiteral("yes")}
            << QStringLiteral("--credentials: expected omit, same-origin or include");
        QTest::newRow("bad mode") << QStringList{url, o, app, QStringLiteral("--mode"),
                                                 QStringLiteral("navigate")}
                                  << QStringLiteral("--mode: expected");
        QTest::newRow("bad redirect")
            << QStringList{url, o, app, QStringLiteral("--redirect"), QStringLiteral("stop")}
            << QStringLiteral("--redirect: expected");
        QTest::newRow("bad browser")
            << QStringList{url, o, app, QStringLiteral("--browser"), QStringLiteral("edge")}
            << QStringLiteral("--browser: expected");
        QTest::newRow("bad format")
            << QStringList{url, o, app, QStringLiteral("--format"), QStringLiteral("xml")}
            << QStringLiteral("--format: expected");
        QTest::newRow("bad timeout")
            << QStringList{url, o, app, QStringLiteral("--timeout"), QStringLiteral("-1")}
            << QStringLiteral("--timeout: expected");
        QTest::newRow("bad cookie")
            << QStringList{url, o, app, QStringLiteral("--cookie"), QStringLiteral("novalue")}
            << QStringLiteral("--cookie #0: expected name=value");
        QTest::newRow("missing body file") << QStringList{url,
                                                          o,
                                                          app,
                                                          QStringLiteral("--method"),
                                                          QStringLiteral("POST"),
                                                          QStringLiteral("--body"),
                                                          QStringLiteral("@/nonexistent/body")}
                                           << QStringLiteral("--body: cannot read");
        QTest::newRow("GET with a body")
            << QStringList{url, o, app, QStringLiteral("--body"), QStringLiteral("x")}
            << QStringLiteral("--body: expected no body");
        QTest::newRow("missing cacert")
            << QStringList{url, o, app, QStringLiteral("--cacert"), QStringLiteral("/nonexistent")}
            << QStringLiteral("--cacert: no such file");
        QTest::newRow("junit without contract")
            << QStringList{url, o, app, QStringLiteral("--junit"), QStringLiteral("x.xml")}
            << QStringLiteral("--junit: expected with --contract or --openapi only");
        QTest::newRow("unknown option")
            << QStringList{url, o, app, QStringLiteral("--bogus")} << QStringLiteral("bogus");
    }
    void badInputNamesTheOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto run = runCli(QStringList{QStringLiteral("check")} + args);
        QCOMPARE(run.exitCode, int(kUsage));
        QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
        QVERIFY2(run.err.startsWith("corslab-cli check: "), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // one line
        QVERIFY(run.out.isEmpty());       // nothing was sent, nothing printed
    }
};

QTEST_GUILESS_MAIN(TestCliCheck)
#include "tst_cli_check.moc"
