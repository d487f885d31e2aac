// `corslab-cli audit` against real servers configured the way real projects get CORS wrong, and
// right: nginx, Apache httpd, Express with the cors package, Flask with flask-cors, Django with
// django-cors-headers and Go (hand-written net/http checks and rs/cors) on 127.0.0.1, one process
// per server kind with one path per configuration (their apps are in audit/).
//
// Each endpoint's expected findings are derived by hand from docs/audit.md: which probe origins
// the server's check lets in, then the subsumption order (an earlier class that holds and
// predicts a later class's probe leaves that class out), then the severity (credentials → high,
// medium for any-subdomain and http-origin-trusted; without credentials low). The trusted origin
// is always https://app.example.com, so R = example.com. A run fails on any missing or extra
// (class, severity), on a wrong exit code, on a probe without an answer, and on a finding
// without evidence or browsers.
//
// A server kind whose tools are missing fails its endpoints, naming what to install (as
// tst_server_config_live does: scripts/deps.sh installs them all, and a skip would go unseen).
#include "live_servers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <memory>

using namespace corslab::live;

namespace {

const QString kTrustedOrigin = QStringLiteral("https://app.example.com");
// Seconds per request: a server that does not answer fails the run in seconds, not in the
// audit's default 15 s × 128 requests.
constexpr int kRequestTimeoutSeconds = 5;
// One audit is at most 128 requests on loopback; this only guards against a hung run.
constexpr int kAuditTimeoutMs = 180000;
constexpr qsizetype kMaxShownOutput = 3000;

enum class Stack { Nginx, Apache, Express, Flask, Django, Go };
constexpr Stack kStacks[] = {Stack::Nginx, Stack::Apache, Stack::Express,
                             Stack::Flask, Stack::Django, Stack::Go};

struct Finding
{
    QString cls;
    QString severity;
    friend bool operator==(const Finding &, const Finding &) = default;
};

size_t qHash(const Finding &f, size_t seed = 0)
{
    return qHashMulti(seed, f.cls, f.severity);
}

struct Endpoint
{
    Stack stack;
    const char *path;
    QSet<Finding> expected;
};

Finding high(const char *cls)
{
    return {QString::fromLatin1(cls), QStringLiteral("high")};
}

Finding medium(const char *cls)
{
    return {QString::fromLatin1(cls), QStringLiteral("medium")};
}

Finding low(const char *cls)
{
    return {QString::fromLatin1(cls), QStringLiteral("low")};
}

Finding info(const char *cls)
{
    return {QString::fromLatin1(cls), QStringLiteral("info")};
}

// Probe origins (docs/audit.md) used in the derivations below:
//   A   https://corslab-attacker.test                                 reflect-any-origin
//   N   null                                                          null-origin
//   PFX https://app.example.com.corslab-attacker.test                 prefix-match
//   SFX https://corslab-attackerexample.com                           suffix-match
//   DOT https://appxexample.com                                       unescaped-dot
//   SUB https://corslab-attacker-app.example.com.corslab-attacker.test substring-match
//   ANY https://corslab-audit.example.com                             any-subdomain
//   HTTP http://app.example.com                                       http-origin-trusted
//   SPC https://app.example.com_.corslab-attacker.test and the like   special-characters
//   3P  https://corslab-attacker.github.io and the like               third-party-origin
// Every server sends credentials (so trust is high, or medium) unless said otherwise.
QList<Endpoint> expressEndpoints()
{
    const Stack s = Stack::Express;
    return {
        // origin: true reflects every probe: reflect-any-origin predicts them all. No
        // allowedHeaders: the cors package echoes Access-Control-Request-Headers.
        {s, "/reflect", {high("reflect-any-origin"), low("preflight-reflects-any-header")}},
        // /app.example.com/.test() lets in PFX, SUB, SPC, HTTP (they contain the host) and DOT
        // (its dots match any character). substring-match predicts all but DOT.
        {s, "/regex", {high("substring-match"), high("unescaped-dot")}},
        // endsWith('example.com') lets in SFX, DOT, ANY (https, host ends with R: predicted by
        // suffix-match) and HTTP (http: not predicted).
        {s, "/endswith", {high("suffix-match"), medium("http-origin-trusted")}},
        // startsWith(trusted) lets in PFX and SPC, which prefix-match predicts.
        {s, "/startswith", {high("prefix-match")}},
        {s, "/null", {high("null-origin")}},
        // The right origin; the preflight echoes X-CorsLab-Audit with credentials.
        {s, "/headers", {low("preflight-reflects-any-header")}},
        {s, "/allowlist", {}},
    };
}

QList<Endpoint> flaskEndpoints()
{
    const Stack s = Stack::Flask;
    return {
        // origins="*" with supports_credentials: flask-cors reflects the origin, with Vary,
        // and (allow_headers left at "*") every requested header.
        {s, "/any-credentials", {high("reflect-any-origin"), low("preflight-reflects-any-header")}},
        // The default: the origin reflected, no credentials. Its preflight echoes headers, but
        // not for a credentialed request, so that is not reported.
        {s, "/default", {low("reflect-any-origin")}},
        // re.match("https://.*\.example\.com") lets in PFX, SUB, SPC (predicted by
        // substring-match) and ANY (not: it does not contain app.example.com).
        {s, "/regex", {high("substring-match"), medium("any-subdomain")}},
        // re.match("https?://app\.example\.com") lets in PFX, SPC (prefix-match) and HTTP.
        {s, "/http-prefix", {high("prefix-match"), medium("http-origin-trusted")}},
        // Only the app is answered, and flask-cors sends no Vary for a single plain origin.
        {s, "/single-origin", {low("missing-vary-origin")}},
        {s, "/allowlist", {}},
    };
}

QList<Endpoint> djangoEndpoints()
{
    const Stack s = Stack::Django;
    return {
        // CORS_ALLOW_ALL_ORIGINS with credentials reflects every origin (with Vary: Origin).
        {s, "/allow-all", {high("reflect-any-origin")}},
        // ^https://.*example.com$ lets in SFX, DOT and ANY: suffix-match predicts the others.
        {s, "/regex-suffix", {high("suffix-match")}},
        // ^https://app\.example\.com without $ lets in PFX and SPC: prefix-match.
        {s, "/regex-prefix", {high("prefix-match")}},
        // ^https://[\w-]+\.vercel\.app$ lets in https://corslab-attacker.vercel.app.
        {s, "/previews", {high("third-party-origin")}},
        {s, "/allowlist", {}},
        // * without credentials: a deliberate public API, nothing to report.
        {s, "/public", {}},
    };
}

QList<Endpoint> nginxEndpoints()
{
    const Stack s = Stack::Nginx;
    return {
        // $http_origin with credentials and no Vary: the answer differs per origin.
        {s, "/reflect", {high("reflect-any-origin"), low("missing-vary-origin")}},
        // ~^https?://(.*\.)?example\.com lets in PFX, SUB, SPC, HTTP (substring-match predicts
        // them) and ANY.
        {s, "/domain-regex", {high("substring-match"), medium("any-subdomain")}},
        // ~^https://[a-z0-9-]+\.github\.io$ lets in https://corslab-attacker.github.io.
        {s, "/github-pages", {high("third-party-origin")}},
        {s, "/no-vary", {low("missing-vary-origin")}},
        // Access-Control-Allow-Methods: $http_access_control_request_method.
        {s, "/any-method", {low("preflight-allows-any-method")}},
        {s, "/allowlist", {}},
    };
}

QList<Endpoint> apacheEndpoints()
{
    const Stack s = Stack::Apache;
    return {
        // * with credentials on every answer: broken, not exploitable, so exit code 0.
        {s, "/wildcard", {info("wildcard-with-credentials")}},
        // ^(https?://app\.example\.com)$ lets in HTTP alone.
        {s, "/http-too", {medium("http-origin-trusted")}},
        // ^(https://app.example.com)$ lets in DOT alone.
        {s, "/unescaped", {high("unescaped-dot")}},
        // Access-Control-Allow-Headers: expr=%{req:Access-Control-Request-Headers}.
        {s, "/echo-headers", {low("preflight-reflects-any-header")}},
        {s, "/allowlist", {}},
    };
}

QList<Endpoint> goEndpoints()
{
    const Stack s = Stack::Go;
    return {
        // strings.HasPrefix(o, trusted): PFX and SPC, which prefix-match predicts.
        {s, "/hasprefix", {high("prefix-match")}},
        // strings.Contains(o, "app.example.com"): PFX, SUB, SPC, HTTP; substring-match.
        {s, "/contains", {high("substring-match")}},
        // strings.HasSuffix(o, ".example.com"): ANY, and HTTP (any-subdomain predicts only
        // https origins).
        {s, "/hassuffix", {medium("any-subdomain"), medium("http-origin-trusted")}},
        // The prefix check refusing a following dot: PFX is refused, SPC let in (in the browsers
        // that keep those characters in a host).
        {s, "/port-check", {high("special-characters")}},
        // The right origin; the preflight echoes the method and the headers asked for.
        {s,
         "/echo-preflight",
         {low("preflight-allows-any-method"), low("preflight-reflects-any-header")}},
        // rs/cors with https://*.example.com: ANY alone.
        {s, "/subdomains", {medium("any-subdomain")}},
        {s, "/allowlist", {}},
    };
}

QList<Endpoint> allEndpoints()
{
    return expressEndpoints() + flaskEndpoints() + djangoEndpoints() + nginxEndpoints() +
           apacheEndpoints() + goEndpoints();
}

QString stackName(Stack stack)
{
    switch (stack) {
    case Stack::Nginx:
        return QStringLiteral("nginx");
    case Stack::Apache:
        return QStringLiteral("apache");
    case Stack::Express:
        return QStringLiteral("express");
    case Stack::Flask:
        return QStringLiteral("flask");
    case Stack::Django:
        return QStringLiteral("django");
    case Stack::Go:
        return QStringLiteral("go");
    }
    return {};
}

QString appPath(const char *name)
{
    return QStringLiteral(CORSLAB_AUDIT_SERVERS "/") + QString::fromLatin1(name);
}

QString readApp(const char *name)
{
    return readSourceFile(appPath(name));
}

/// Empty when \a installed, else the Debian \a packages to install.
QString toInstall(bool installed, const char *packages)
{
    return installed ? QString() : QStringLiteral("the Debian packages ") + QLatin1String(packages);
}

/// Empty when \a stack's tools are installed, else what to install.
QString missingTools(Stack stack)
{
    const QString python = python3();
    switch (stack) {
    case Stack::Nginx:
        return toInstall(!nginxProgram().isEmpty(), "nginx");
    case Stack::Apache:
        return toInstall(
            !apacheProgram().isEmpty() &&
                QFile::exists(QStringLiteral("/usr/lib/apache2/modules/mod_setenvif.so")),
            "apache2");
    case Stack::Express:
        return toInstall(runQuietly(QStandardPaths::findExecutable(QStringLiteral("node")),
                                    {QStringLiteral("-e"),
                                     QStringLiteral("require('express'); require('cors')")},
                                    nodeEnvironment())
                             .isEmpty(),
                         "nodejs node-express node-cors");
    case Stack::Flask:
        return toInstall(
            runQuietly(python, {QStringLiteral("-c"), QStringLiteral("import flask_cors")})
                .isEmpty(),
            "python3-flask python3-flask-cors");
    case Stack::Django:
        return toInstall(
            runQuietly(python, {QStringLiteral("-c"), QStringLiteral("import corsheaders")})
                .isEmpty(),
            "python3-django python3-django-cors-headers");
    case Stack::Go:
        return toInstall(
            !QStandardPaths::findExecutable(QStringLiteral("go")).isEmpty() &&
                QFile::exists(QStringLiteral("/usr/share/gocode/src/github.com/rs/cors/cors.go")),
            "golang-go golang-github-rs-cors-dev");
    }
    return {};
}

/// The paths \a stack serves (Apache serves each from a file of that name).
QStringList pathsOf(Stack stack)
{
    QStringList paths;
    for (const Endpoint &e : allEndpoints())
        if (e.stack == stack)
            paths << QString::fromLatin1(e.path);
    return paths;
}

bool prepareNginx(const QString &dir, quint16 port, Launch *launch)
{
    QString conf = readApp("nginx.conf");
    conf.replace(QStringLiteral("CORSLAB_PORT"), QString::number(port));
    if (!QDir(dir).mkpath(QStringLiteral("tmp")) ||
        !writeFile(dir + QStringLiteral("/nginx.conf"), conf))
        return false;
    *launch = nginxLaunch(dir);
    return true;
}

bool prepareApache(const QString &dir, quint16 port, Launch *launch)
{
    QString conf = readApp("apache.conf");
    conf.replace(QStringLiteral("CORSLAB_DIR"), dir);
    conf.replace(QStringLiteral("CORSLAB_PORT"), QString::number(port));
    conf.replace(QStringLiteral("CORSLAB_USER"), apacheUser(dir));
    if (!QDir(dir).mkpath(QStringLiteral("htdocs")) ||
        !writeFile(dir + QStringLiteral("/httpd.conf"), conf))
        return false;
    for (const QString &path : pathsOf(Stack::Apache))
        if (!writeFile(dir + QStringLiteral("/htdocs") + path,
                       QStringLiteral("{\"user\":\"alice\"}\n")))
            return false;
    *launch = apacheLaunch(dir);
    return true;
}

/// Writes \a stack's files into \a dir and says how to start it on \a port; false with \a why.
bool prepare(Stack stack, const QString &dir, quint16 port, Launch *launch, QString *why)
{
    bool written = true;
    switch (stack) {
    case Stack::Nginx:
        written = prepareNginx(dir, port, launch);
        break;
    case Stack::Apache:
        written = prepareApache(dir, port, launch);
        break;
    case Stack::Express:
        launch->program = QStandardPaths::findExecutable(QStringLiteral("node"));
        launch->arguments = {appPath("express_app.js"), QString::number(port)};
        launch->environment = nodeEnvironment();
        break;
    case Stack::Flask:
        launch->program = python3();
        launch->arguments = {appPath("flask_app.py"), QString::number(port)};
        break;
    case Stack::Django:
        launch->program = python3();
        launch->arguments = {appPath("django_app.py"), QString::number(port)};
        break;
    case Stack::Go:
        // Built from the source tree: GOPATH mode needs no module file next to it.
        return buildGoServer(appPath("go_main.go"), dir, port, launch, why);
    }
    if (!written)
        *why = QStringLiteral("cannot write the %1 configuration in %2").arg(stackName(stack), dir);
    return written;
}

/// One server kind: running (port set), missing its tools (missingPackages) or failed to start
/// (failure).
struct Server
{
    QTemporaryDir dir;
    quint16 port = 0;
    std::unique_ptr<RunningServer> process;
    QString missingPackages;
    QString failure;
};

/// What one `corslab-cli audit --format json` run printed and returned.
struct AuditRun
{
    int exitCode = -1;
    QJsonObject report;
    QString output; // for failure messages
};

AuditRun runAudit(const QString &url)
{
    QProcess cli;
    const QStringList args = {QStringLiteral("audit"),
                              url,
                              QStringLiteral("--trusted-origin"),
                              kTrustedOrigin,
                              QStringLiteral("--timeout"),
                              QString::number(kRequestTimeoutSeconds),
                              QStringLiteral("--format"),
                              QStringLiteral("json")};
    cli.start(QStringLiteral(CORSLAB_CLI), args);
    AuditRun run;
    if (!cli.waitForFinished(kAuditTimeoutMs)) {
        cli.kill();
        cli.waitForFinished();
        run.output =
            QStringLiteral("corslab-cli %1 did not finish").arg(args.join(QLatin1Char(' ')));
        return run;
    }
    const QByteArray out = cli.readAllStandardOutput();
    run.exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    run.report = QJsonDocument::fromJson(out).object();
    run.output = QStringLiteral("corslab-cli %1 (exit %2)\nstdout: %3\nstderr: %4")
                     .arg(args.join(QLatin1Char(' ')))
                     .arg(run.exitCode)
                     .arg(QString::fromUtf8(out.left(kMaxShownOutput)),
                          QString::fromUtf8(cli.readAllStandardError().left(kMaxShownOutput)));
    return run;
}

QString describe(const QSet<Finding> &findings)
{
    QStringList items;
    for (const Finding &f : findings)
        items << f.cls + QLatin1Char(' ') + f.severity;
    items.sort();
    return items.isEmpty() ? QStringLiteral("(none)") : items.join(QStringLiteral(", "));
}

/// The findings of \a report as (class, severity). A finding without evidence or browsers, or a
/// class reported twice (one flaw is one finding), goes to \a wrong.
QSet<Finding> findingsOf(const QJsonObject &report, QStringList *wrong)
{
    QSet<Finding> found;
    QSet<QString> classes;
    const QJsonArray findings = report.value(QStringLiteral("findings")).toArray();
    for (const auto &value : findings) {
        const QJsonObject f = value.toObject();
        const Finding finding{f.value(QStringLiteral("class")).toString(),
                              f.value(QStringLiteral("severity")).toString()};
        found.insert(finding);
        if (f.value(QStringLiteral("evidence")).toArray().isEmpty())
            wrong->append(finding.cls + QStringLiteral(": no evidence"));
        if (f.value(QStringLiteral("browsers")).toArray().isEmpty())
            wrong->append(finding.cls + QStringLiteral(": in no browser"));
        if (classes.contains(finding.cls))
            wrong->append(finding.cls + QStringLiteral(": reported twice"));
        classes.insert(finding.cls);
    }
    return found;
}

/// 0 when nothing above info is expected, else 1 (docs/audit.md, exit codes).
int expectedExitCode(const QSet<Finding> &expected)
{
    for (const Finding &f : expected)
        if (f.severity != QLatin1String("info"))
            return 1;
    return 0;
}

} // namespace

Q_DECLARE_METATYPE(Stack)

class TestAuditLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void audit_data();
    void audit();
    void cleanupTestCase();

private:
    void launchAll();
    std::map<Stack, std::unique_ptr<Server>> m_servers; // stopped when the test object goes
};

void TestAuditLive::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(CORSLAB_CLI)), CORSLAB_CLI " is not built");
    launchAll();
    // All started at once: the slowest one (Django) sets the wait, not their sum.
    for (auto &[stack, server] : m_servers)
        if (server->process && !server->process->waitUntilListening(server->port, &server->failure))
            server->process.reset();
}

void TestAuditLive::launchAll()
{
    for (const Stack stack : kStacks) {
        auto server = std::make_unique<Server>();
        server->missingPackages = missingTools(stack);
        server->port = freePort();
        Launch launch;
        if (server->missingPackages.isEmpty()) {
            if (!server->dir.isValid() || server->port == 0)
                server->failure = QStringLiteral("no temporary directory or free port");
            else if (prepare(stack, server->dir.path(), server->port, &launch, &server->failure)) {
                server->process = std::make_unique<RunningServer>();
                if (!server->process->launch(launch, server->dir.path(), &server->failure))
                    server->process.reset();
            }
        }
        m_servers[stack] = std::move(server);
    }
}

void TestAuditLive::audit_data()
{
    QTest::addColumn<Stack>("stack");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QSet<Finding>>("expected");
    for (const Endpoint &e : allEndpoints())
        QTest::addRow("%s %s", qPrintable(stackName(e.stack)), e.path)
            << e.stack << QString::fromLatin1(e.path) << e.expected;
}

void TestAuditLive::audit()
{
    QFETCH(Stack, stack);
    QFETCH(QString, path);
    QFETCH(QSet<Finding>, expected);
    const Server &server = *m_servers.at(stack);
    if (!server.missingPackages.isEmpty())
        QFAIL(qPrintable(stackName(stack) + QStringLiteral(" is missing: install ") +
                         server.missingPackages));
    QVERIFY2(server.process, qPrintable(server.failure));

    const QString url = QStringLiteral("http://127.0.0.1:%1%2").arg(server.port).arg(path);
    const AuditRun run = runAudit(url);
    QVERIFY2(!run.report.isEmpty(), qPrintable(run.output));
    QStringList wrong;
    const QSet<Finding> found = findingsOf(run.report, &wrong);
    QVERIFY2(found == expected,
             qPrintable(QStringLiteral("%1\nexpected: %2\nfound:    %3\n%4")
                            .arg(url, describe(expected), describe(found), run.output)));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QStringLiteral("; ")) + u'\n' + run.output));
    QVERIFY2(run.report.value(QStringLiteral("probes")).toInt() > 0, qPrintable(run.output));
    // Every probe origin, special characters included, must reach the server and be answered.
    QVERIFY2(run.report.value(QStringLiteral("failed_probes")).toInt(-1) == 0,
             qPrintable(run.output));
    QVERIFY2(run.exitCode == expectedExitCode(expected),
             qPrintable(QStringLiteral("exit code %1, expected %2\n%3")
                            .arg(run.exitCode)
                            .arg(expectedExitCode(expected))
                            .arg(run.output)));
}

void TestAuditLive::cleanupTestCase()
{
    m_servers.clear(); // stops every server and removes its directory
}

QTEST_GUILESS_MAIN(TestAuditLive)
#include "tst_audit_live.moc"
