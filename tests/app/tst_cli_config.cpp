// corslab-cli config as a script would use it: real process, files, exit codes; the snippet on
// stdout is the library's, the notes go to stderr.
#include "config/server_config.h"
#include "run_cli.h"

#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;

namespace {
QStringList texts(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *item : items)
        out << QString::fromUtf8(item);
    return out;
}

using Run = corslab::testing::CliRun;

Run cli(const QStringList &args)
{
    return corslab::testing::runCli(QStringList{QStringLiteral("config")} + args, {}, 30000);
}

QString writePolicy(const QTemporaryDir &dir, const QByteArray &json)
{
    const QString path = dir.filePath(QStringLiteral("policy.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}
} // namespace

class TestCliConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTargetPrintsTheLibrarysSnippet()
    {
        const policy::CorsPolicy policy =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        const policy::DemoOrigins origins{"https://api.example.com", "https://app.example.com",
                                          "http://127.0.0.1:8082"};
        for (const config::ServerTarget &t : config::serverTargets()) {
            const Run r = cli({QStringLiteral("--for"), t.name, QStringLiteral("--origins"),
                               QStringLiteral("api=https://api.example.com,"
                                              "app=https://app.example.com")});
            QCOMPARE(r.exitCode, 0);
            const config::GeneratedConfig want =
                config::generateServerConfig(policy, origins, t.kind);
            QCOMPARE(QString::fromUtf8(r.out), want.text);
            QVERIFY2(r.out.contains("https://app"), qPrintable(t.name)); // Apache escapes the dots
            QString notes;
            for (const QString &n : want.notes)
                notes += QStringLiteral("note: ") + n + QLatin1Char('\n');
            QCOMPARE(QString::fromUtf8(r.err), notes);
        }
    }

    void defaultOriginsAreThoseOfServePort8080()
    {
        const Run r = cli({QStringLiteral("--for"), QStringLiteral("Django")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("CORS_ALLOWED_ORIGINS = [\"http://localhost:8081\"]"), r.out);
    }

    void policyFileAndPreset()
    {
        QTemporaryDir dir;
        const QString path = writePolicy(
            dir, R"({"name": "Mine", "allow_origin": {"mode": "wildcard"}, "max_age": 42})");
        Run r = cli(
            {QStringLiteral("--for"), QStringLiteral("express"), QStringLiteral("--policy"), path});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("origin: '*',"), r.out);
        QVERIFY2(r.out.contains("maxAge: 42,"), r.out);
        QVERIFY2(r.out.contains("\"Mine\""), r.out);

        r = cli({QStringLiteral("--for"), QStringLiteral("nginx"), QStringLiteral("--preset"),
                 QStringLiteral("misconfigured: preflight rejected (401)")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("return 401;"), r.out);
    }

    void notesGoToStderr()
    {
        const Run r =
            cli({QStringLiteral("--for"), QStringLiteral("spring"), QStringLiteral("--preset"),
                 QStringLiteral("Misconfigured: wildcard with credentials")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("note: Spring refuses `*` together with credentials"), r.err);
        QVERIFY(!r.out.contains("note:"));
    }

    void list()
    {
        const Run r = cli({QStringLiteral("--list")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 8);
        QVERIFY(lines.first().startsWith("nginx"));
        QVERIFY(r.out.contains("Express (cors package)"));
        QVERIFY(r.out.contains("Go (rs/cors)"));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no target")
            << QStringList() << QByteArray("--for: expected one of nginx, apache");
        QTest::newRow("unknown target") << texts({"--for", "iis"})
                                        << QByteArray("--for: expected one of nginx, apache, "
                                                      "express, aspnetcore, spring, django, flask, "
                                                      "go, got \"iis\"");
        QTest::newRow("missing file") << texts({"--for", "go", "--policy", "/nonexistent/p.json"})
                                      << QByteArray("--policy: cannot open /nonexistent/p.json");
        QTest::newRow("unknown preset")
            << texts({"--for", "go", "--preset", "Nope"})
            << QByteArray("--preset: expected one of \"Open public API\"");
        QTest::newRow("both") << texts({"--for", "go", "--preset", "No CORS", "--policy", "x.json"})
                              << QByteArray("--policy and --preset: expected one of them");
        QTest::newRow("bad origin") << texts({"--for", "go", "--origins", "app=localhost:3000"})
                                    << QByteArray("--origins: app: expected an http or https "
                                                  "origin such as http://localhost:3000, got "
                                                  "\"localhost:3000\"");
        QTest::newRow("unknown origin key")
            << texts({"--for", "go", "--origins", "web=http://a.test"})
            << QByteArray("--origins: expected api=ORIGIN,app=ORIGIN,"
                          "evil=ORIGIN");
        QTest::newRow("positional")
            << texts({"--for", "go", "extra"}) << QByteArray("unexpected argument \"extra\"");
        QTest::newRow("unknown option")
            << texts({"--for", "go", "--colour"}) << QByteArray("Unknown option 'colour'");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("corslab-cli config: " + message), r.err);
        QVERIFY(r.out.isEmpty());
    }

    void badPolicyNamesTheField()
    {
        QTemporaryDir dir;
        const QString path = writePolicy(dir, R"({"allow_origin": {"mode": "some"}})");
        const Run r = cli(
            {QStringLiteral("--for"), QStringLiteral("flask"), QStringLiteral("--policy"), path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("allow_origin.mode: expected one of"), r.err);
        const Run notJson =
            cli({QStringLiteral("--for"), QStringLiteral("flask"), QStringLiteral("--policy"),
                 writePolicy(dir, QByteArrayLiteral("{not json"))});
        QCOMPARE(notJson.exitCode, 2);
        QVERIFY2(notJson.err.contains("expected a JSON object (docs/policy.md)"), notJson.err);
    }
};

QTEST_GUILESS_MAIN(TestCliConfig)
#include "tst_cli_config.moc"
