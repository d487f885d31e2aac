// corslab-cli audit as a user runs it: a real process against the real playground under every
// preset, each with the exact set of findings (class and severity) docs/audit.md says holds, the
// JSON, SARIF and HTML reports, a browser-specific origin, bad input and a network failure.
// Exit codes: 0 nothing above info, 1 findings, 2 bad input, 3 network failure.
#include "policy/cors_policy.h"
#include "run_cli.h"
#include "server/playground_server.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace corslab;
using corslab::testing::runCli;

namespace {

enum Exit { kClean = 0, kFindings = 1, kUsage = 2, kNetwork = 3 };

// The production-like origin of the presets whose flaw needs dots or https.
const QString kExampleApp = QStringLiteral("https://app.example.com");

QJsonObject jsonOf(const QByteArray &out)
{
    return QJsonDocument::fromJson(out).object();
}

// "class:severity" of every finding, sorted: the exact set a test expects.
QStringList findingsOf(const QJsonObject &report)
{
    QStringList out;
    for (const QJsonValue &f : report.value(QStringLiteral("findings")).toArray())
        out << f[QStringLiteral("class")].toString() + QLatin1Char(':') +
                   f[QStringLiteral("severity")].toString();
    out.sort();
    return out;
}

} // namespace

class TestCliAudit : public QObject
{
    Q_OBJECT

    std::unique_ptr<server::PlaygroundServer> m_playground;

    void startPlayground(const policy::CorsPolicy &policy)
    {
        m_playground =
            std::make_unique<server::PlaygroundServer>(server::PlaygroundServer::Options{}, policy);
        QString error;
        QVERIFY2(m_playground->start(&error), qPrintable(error));
    }

    QString privateUrl() const
    {
        return QString::fromLatin1(m_playground->origins().api) + QStringLiteral("/private");
    }

    QString appOrigin() const { return QString::fromLatin1(m_playground->origins().app); }

    // Audits the playground's /private from \a trusted ("app": the demo app's origin).
    testing::CliRun audit(const QString &trusted, const QStringList &more = {})
    {
        const QString origin = trusted == QLatin1String("app") ? appOrigin() : trusted;
        return runCli(QStringList{QStringLiteral("audit"), privateUrl(),
                                  QStringLiteral("--trusted-origin"), origin,
                                  QStringLiteral("--format"), QStringLiteral("json")} +
                      more);
    }

private Q_SLOTS:
    void cleanup() { m_playground.reset(); }

    // Every preset: exactly the classes that hold, each with its severity, and the exit code.
    void playgroundPresets_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("trusted");
        QTest::addColumn<QStringList>("findings");
        QTest::addColumn<int>("exit");
        const QString app = QStringLiteral("app");
        const auto row = [](const char *preset, const QString &trusted,
                            std::initializer_list<const char *> expected, int exit) {
            QStringList findings;
            for (const char *f : expected)
                findings << QString::fromLatin1(f);
            findings.sort();
            QTest::newRow(preset) << QString::fromLatin1(preset) << trusted << findings << exit;
        };
        row("Open public API", app, {}, kClean);
        row("Credentialed allowlist", app, {}, kClean);
        QTest::newRow("Credentialed allowlist, another trusted origin")
            << QStringLiteral("Credentialed allowlist") << kExampleApp << QStringList{}
            << int(kClean);
        row("No CORS", app, {}, kClean);
        row("Misconfigured: reflect any origin with credentials", app,
            {"reflect-any-origin:high", "preflight-reflects-any-header:low",
             "preflight-allows-any-method:low"},
            kFindings);
        // Browsers refuse '*' with credentials: broken, not exploitable, so exit 0.
        row("Misconfigured: wildcard with credentials", app, {"wildcard-with-credentials:info"},
            kClean);
        row("Misconfigured: unanchored origin pattern", app, {"substring-match:high"}, kFindings);
        row("Misconfigured: null origin trusted", app, {"null-origin:high"}, kFindings);
        row("Misconfigured: origin prefix check", app, {"prefix-match:high"}, kFindings);
        row("Misconfigured: origin suffix check", app, {"suffix-match:high"}, kFindings);
        row("Misconfigured: any subdomain trusted", app, {"any-subdomain:medium"}, kFindings);
        row("Misconfigured: unescaped dot in origin pattern", kExampleApp, {"unescaped-dot:high"},
            kFindings);
        row("Misconfigured: http origin trusted", kExampleApp, {"http-origin-trusted:medium"},
            kFindings);
        row("Misconfigured: special characters after the host", kExampleApp,
            {"special-characters:high"}, kFindings);
        row("Misconfigured: shared hosting trusted", app, {"third-party-origin:high"}, kFindings);
        row("Misconfigured: Vary: Origin missing", app, {"missing-vary-origin:low"}, kFindings);
        row("Misconfigured: preflight echoes any method and header", app,
            {"preflight-reflects-any-header:low", "preflight-allows-any-method:low"}, kFindings);
        row("Misconfigured: preflight rejected (401)", app, {}, kClean);
    }
    void playgroundPresets()
    {
        QFETCH(QString, preset);
        QFETCH(QString, trusted);
        QFETCH(QStringList, findings);
        QFETCH(int, exit);
        startPlayground(*policy::CorsPolicy::preset(preset));
        const testing::CliRun run = audit(trusted);
        QVERIFY2(run.exitCode == exit, run.err.constData());
        const QJsonObject report = jsonOf(run.out);
        QCOMPARE(findingsOf(report), findings);
        QCOMPARE(report[QStringLiteral("failed_probes")].toInt(), 0);
        // Every request the audit counts reached the playground, no more: one at a time, each
        // probe's preflight and actual request included.
        const int probes = report[QStringLiteral("probes")].toInt();
        QVERIFY(probes > 0 && probes <= 128);
        QTRY_VERIFY(m_playground->exchanges().size() >= probes);
    }

    // Each finding carries its evidence, what it exposes, the explanation and the fix with the
    // server configurations of every stack.
    void jsonShape()
    {
        startPlayground(
            *policy::CorsPolicy::preset(QStringLiteral("Misconfigured: reflect any origin with "
                                                       "credentials")));
        const testing::CliRun run = audit(QStringLiteral("app"));
        QCOMPARE(run.exitCode, int(kFindings));
        const QJsonObject report = jsonOf(run.out);
        QCOMPARE(report[QStringLiteral("target")].toString(), privateUrl());
        QCOMPARE(report[QStringLiteral("trusted_origins")].toArray().first().toString(),
                 appOrigin());
        QCOMPARE(report[QStringLiteral("network_failure")], QJsonValue(QJsonValue::Null));
        const QJsonObject f = report[QStringLiteral("findings")].toArray().first().toObject();
        QCOMPARE(f[QStringLiteral("class")].toString(), QStringLiteral("reflect-any-origin"));
        QCOMPARE(f[QStringLiteral("origin")].toString(),
                 QStringLiteral("https://corslab-attacker.test"));
        QCOMPARE(f[QStringLiteral("credentials")].toBool(), true);
        QCOMPARE(f[QStringLiteral("preflight")].toBool(), false);
        QCOMPARE(f[QStringLiteral("browsers")].toArray().size(), 3);
        const QJsonObject exposes = f[QStringLiteral("exposes")].toObject();
        QCOMPARE(exposes[QStringLiteral("status")].toInt(), 401); // /private without the cookie
        QVERIFY(exposes[QStringLiteral("body_bytes")].toInt() > 0);
        const QJsonArray evidence = f[QStringLiteral("evidence")].toArray();
        QCOMPARE(evidence.size(), 1);
        const QString request = QString::fromUtf8(
            QJsonDocument(evidence.first()[QStringLiteral("request")].toObject()).toJson());
        QVERIFY2(request.contains(QStringLiteral("https://corslab-attacker.test")),
                 qPrintable(request));
        QVERIFY(f[QStringLiteral("explanation")].toString().contains(QStringLiteral("cookies")));
        const QJsonObject fix = f[QStringLiteral("fix")].toObject();
        QVERIFY(fix[QStringLiteral("summary")].toString().contains(appOrigin()));
        QCOMPARE(fix[QStringLiteral("server_configs")].toObject().size(), 8);
        QVERIFY(fix[QStringLiteral("server_configs")][QStringLiteral("nginx")].toString().contains(
            appOrigin()));
        QCOMPARE(
            fix[QStringLiteral("policy")][QStringLiteral("allow_origin")][QStringLiteral("mode")]
                .toString(),
            QStringLiteral("allowlist"));
    }

    // An origin only some browsers send: a backtick after the host. Chromium and WebKit keep it
    // in a host name, Firefox does not (docs/BROWSERS.md), so Firefox users are not exposed.
    void browserSpecificOrigin()
    {
        policy::CorsPolicy p =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        p.allowOrigin = policy::CorsPolicy::OriginMode::Pattern;
        p.originPattern = QStringLiteral("^https://app\\.example\\.com(`.*)?$");
        startPlayground(p);
        const QJsonObject all = jsonOf(audit(kExampleApp).out);
        QCOMPARE(findingsOf(all), QStringList{QStringLiteral("special-characters:high")});
        const QJsonObject f = all[QStringLiteral("findings")].toArray().first().toObject();
        QCOMPARE(f[QStringLiteral("origin")].toString(),
                 QStringLiteral("https://app.example.com`.corslab-attacker.test"));
        QCOMPARE(f[QStringLiteral("browsers")].toArray(),
                 QJsonArray({QStringLiteral("chromium"), QStringLiteral("safari")}));
        const testing::CliRun firefox =
            audit(kExampleApp, {QStringLiteral("--browser"), QStringLiteral("firefox")});
        QCOMPARE(firefox.exitCode, int(kClean));
        QCOMPARE(findingsOf(jsonOf(firefox.out)), QStringList{});
    }

    // Without credentials the page reads less: low, and the finding says what it reads.
    void uncredentialedReadIsLow()
    {
        policy::CorsPolicy p;
        p.allowOrigin = policy::CorsPolicy::OriginMode::Echo;
        p.allowedOrigins.clear();
        startPlayground(p);
        const QJsonObject report = jsonOf(audit(QStringLiteral("app")).out);
        QCOMPARE(findingsOf(report), QStringList{QStringLiteral("reflect-any-origin:low")});
        const QJsonObject f = report[QStringLiteral("findings")].toArray().first().toObject();
        QCOMPARE(f[QStringLiteral("credentials")].toBool(), false);
        QVERIFY(f[QStringLiteral("exposes")][QStringLiteral("readable_headers")].toArray().contains(
            QStringLiteral("content-type")));
        QVERIFY(f[QStringLiteral("explanation")].toString().contains(QStringLiteral("without")));
    }

    void sarif()
    {
        startPlayground(
            *policy::CorsPolicy::preset(QStringLiteral("Misconfigured: origin prefix check")));
        const testing::CliRun run =
            audit(QStringLiteral("app"), {QStringLiteral("--format"), QStringLiteral("sarif")});
        QCOMPARE(run.exitCode, int(kFindings));
        const QJsonObject sarif = jsonOf(run.out);
        QCOMPARE(sarif[QStringLiteral("version")].toString(), QStringLiteral("2.1.0"));
        const QJsonObject runJson = sarif[QStringLiteral("runs")].toArray().first().toObject();
        const QJsonObject driver =
            runJson[QStringLiteral("tool")][QStringLiteral("driver")].toObject();
        QCOMPARE(driver[QStringLiteral("rules")].toArray().size(), 14);
        const QJsonArray results = runJson[QStringLiteral("results")].toArray();
        QCOMPARE(results.size(), 1);
        const QJsonObject r = results.first().toObject();
        QCOMPARE(r[QStringLiteral("ruleId")].toString(), QStringLiteral("prefix-match"));
        QCOMPARE(r[QStringLiteral("level")].toString(), QStringLiteral("error"));
        const QJsonObject rule =
            driver[QStringLiteral("rules")][r[QStringLiteral("ruleIndex")].toInt()].toObject();
        QCOMPARE(rule[QStringLiteral("id")].toString(), QStringLiteral("prefix-match"));
        QVERIFY(!rule[QStringLiteral("properties")][QStringLiteral("security-severity")]
                     .toString()
                     .isEmpty());
        QCOMPARE(r[QStringLiteral("locations")][0][QStringLiteral("physicalLocation")]
                  [QStringLiteral("artifactLocation")][QStringLiteral("uri")]
                      .toString(),
                 privateUrl());
    }

    // The HTML report goes to -o FILE, self-contained, every value escaped.
    void htmlToFile()
    {
        startPlayground(
            *policy::CorsPolicy::preset(QStringLiteral("Misconfigured: null origin trusted")));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.html"));
        const testing::CliRun run =
            audit(QStringLiteral("app"),
                  {QStringLiteral("--format"), QStringLiteral("html"), QStringLiteral("-o"), path});
        QCOMPARE(run.exitCode, int(kFindings));
        QVERIFY(run.out.isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray html = file.readAll();
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QVERIFY(html.contains("null-origin"));
        QVERIFY(html.contains("default-src 'none'"));
        QVERIFY(!html.contains("<script"));
        QVERIFY(!html.contains("src=\"http"));
        const testing::CliRun unwritable =
            audit(QStringLiteral("app"),
                  {QStringLiteral("-o"), dir.filePath(QStringLiteral("no/such/dir/x"))});
        QCOMPARE(unwritable.exitCode, int(kUsage));
        QVERIFY(unwritable.err.contains("-o: cannot write"));
    }

    // --record keeps every exchange of the audit as a session file the app opens.
    void recordSession()
    {
        startPlayground(*policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist")));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.json"));
        const testing::CliRun run =
            audit(QStringLiteral("app"), {QStringLiteral("--record"), path});
        QCOMPARE(run.exitCode, int(kClean));
        session::Session recorded;
        QString error;
        QVERIFY2(session::readSessionFile(path, &recorded, &error), qPrintable(error));
        QTRY_COMPARE(recorded.count(), m_playground->exchanges().size());
        QVERIFY(recorded.count() > jsonOf(run.out)[QStringLiteral("probes")].toInt());
        const testing::CliRun unwritable =
            audit(QStringLiteral("app"),
                  {QStringLiteral("--record"), dir.filePath(QStringLiteral("no/x"))});
        QCOMPARE(unwritable.exitCode, int(kUsage));
        QVERIFY(unwritable.err.contains("--record: "));
    }

    void textOutput()
    {
        startPlayground(
            *policy::CorsPolicy::preset(QStringLiteral("Misconfigured: any subdomain trusted")));
        const testing::CliRun run = runCli({QStringLiteral("audit"), privateUrl(),
                                            QStringLiteral("--trusted-origin"), appOrigin()});
        QCOMPARE(run.exitCode, int(kFindings));
        QVERIFY(run.out.contains("MEDIUM  any-subdomain"));
        QVERIFY(run.out.contains("Origin: http://corslab-audit.localhost"));
        QVERIFY(run.out.contains("Fix: "));
        QVERIFY(run.out.contains("Access-Control-Allow-Origin: " + appOrigin().toUtf8()));
    }

    // A method that could change data is only sent after a passing preflight, and said so.
    void unsafeMethodIsAnnounced()
    {
        startPlayground(*policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist")));
        const testing::CliRun run =
            audit(QStringLiteral("app"), {QStringLiteral("--method"), QStringLiteral("DELETE")});
        QCOMPARE(run.exitCode, int(kClean));
        QVERIFY(run.err.contains("--method DELETE"));
        QVERIFY(run.err.contains("may change data"));
        const auto deletes = [this] {
            const QList<http::HttpExchange> all = m_playground->exchanges();
            return std::count_if(all.begin(), all.end(), [](const http::HttpExchange &x) {
                return x.request.method == "DELETE";
            });
        };
        // The trusted origin's own; every attacker's preflight failed, so no DELETE followed.
        QTRY_COMPARE(deletes(), 1);
    }

    void networkFailure()
    {
        const testing::CliRun run =
            runCli({QStringLiteral("audit"), QStringLiteral("http://127.0.0.1:9/x"),
                    QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(run.exitCode, int(kNetwork));
        const QJsonObject report = jsonOf(run.out);
        QVERIFY(report[QStringLiteral("network_failure")].toString().contains(
            QStringLiteral("refused")));
        QCOMPARE(report[QStringLiteral("probes")].toInt(), 1); // nothing more after the baseline
        QVERIFY(run.err.contains("network failure"));
    }

    // Bad input: one line naming the option, nothing sent.
    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString url = QStringLiteral("http://localhost:1/x");
        const auto row = [&](const char *name, const QStringList &args, const char *message) {
            QTest::newRow(name) << args << QString::fromLatin1(message);
        };
        row("no url", {}, "URL: expected exactly one URL");
        row("two urls", {url, url}, "URL: expected exactly one URL");
        row("ftp url", {QStringLiteral("ftp://x/")}, "URL: expected an absolute http");
        row("origin with a path",
            {url, QStringLiteral("--trusted-origin"), QStringLiteral("https://a.test/app")},
            "--trusted-origin: expected a serialized origin");
        row("null trusted", {url, QStringLiteral("--trusted-origin"), QStringLiteral("null")},
            "--trusted-origin: expected an http:// or https:// origin");
        row("browser", {url, QStringLiteral("--browser"), QStringLiteral("edge")},
            "--browser: expected chromium, firefox or safari");
        row("format", {url, QStringLiteral("--format"), QStringLiteral("xml")},
            "--format: expected text, json, html or sarif");
        row("timeout", {url, QStringLiteral("--timeout"), QStringLiteral("0")},
            "--timeout: expected seconds");
        row("max requests", {url, QStringLiteral("--max-requests"), QStringLiteral("none")},
            "--max-requests: expected a positive number");
        row("too few requests", {url, QStringLiteral("--max-requests"), QStringLiteral("10")},
            "--max-requests: the audit needs");
        row("header", {url, QStringLiteral("--header"), QStringLiteral("NoColon")},
            "--header: expected 'Name: value'");
        row("header name", {url, QStringLiteral("--header"), QStringLiteral("Bad Name: 1")},
            "--header #1 (name): expected a header name");
        row("method token", {url, QStringLiteral("--method"), QStringLiteral("GE T")},
            "--method: expected an HTTP method token");
        row("forbidden method", {url, QStringLiteral("--method"), QStringLiteral("TRACE")},
            "--method: expected a method fetch() may send");
        row("cacert", {url, QStringLiteral("--cacert"), QStringLiteral("/no/such.pem")},
            "--cacert: no such file");
        row("unknown option", {url, QStringLiteral("--origin"), QStringLiteral("x")},
            "Unknown option 'origin'");
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const testing::CliRun run = runCli(QStringList{QStringLiteral("audit")} + args);
        QCOMPARE(run.exitCode, int(kUsage));
        QVERIFY(run.out.isEmpty());
        const QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.startsWith(QStringLiteral("corslab-cli audit: ")), qPrintable(err));
        QVERIFY2(err.contains(message), qPrintable(err));
        QCOMPARE(err.count(QLatin1Char('\n')), 1);
    }
};

QTEST_GUILESS_MAIN(TestCliAudit)
#include "tst_cli_audit.moc"
