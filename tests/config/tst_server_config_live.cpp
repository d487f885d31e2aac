// The generated configurations, run for real: each snippet goes into a real nginx, Express,
// Flask, Django, Go (rs/cors) or Apache httpd server on 127.0.0.1, which gets real preflights and
// actual requests from the demo origins. The CORS engine judges its answers and the playground's
// own answer (answerFor) to the same requests: the verdicts must be the same.
//
// A tool that is missing fails its test with what to install: never a silent skip.
#include "check/check_runner.h"
#include "config/server_config.h"
#include "cors/cors_engine.h"
#include "live_servers.h"
#include "policy/cors_policy.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

using namespace corslab;
using config::ServerKind;
using policy::CorsPolicy;
using namespace corslab::live; // the servers: live_servers.h

namespace {

const policy::DemoOrigins kOrigins{"http://localhost:8080", "http://localhost:3000",
                                   "http://127.0.0.1:6666"};
// The origins requests come from: the trusted app, another site, and the classic bypass of an
// unanchored pattern.
const QList<QByteArray> kRequestOrigins{kOrigins.app, kOrigins.evil, "http://localhost.evil.test"};

struct RequestKind
{
    const char *name;
    QByteArray method;
    base::HeaderList headers;
    cors::CredentialsMode credentials;
};

const QList<RequestKind> kRequests{
    {"simple GET", "GET", {}, cors::CredentialsMode::Omit},
    {"credentialed GET", "GET", {}, cors::CredentialsMode::Include},
    {"PUT with Content-Type",
     "PUT",
     {{"Content-Type", "application/json"}},
     cors::CredentialsMode::Omit},
    {"credentialed PUT with Content-Type",
     "PUT",
     {{"Content-Type", "application/json"}},
     cors::CredentialsMode::Include},
    {"JSON PUT",
     "PUT",
     {{"Content-Type", "application/json"}, {"X-Requested-With", "XMLHttpRequest"}},
     cors::CredentialsMode::Omit},
    {"credentialed JSON PUT",
     "PUT",
     {{"Content-Type", "application/json"}, {"X-Requested-With", "XMLHttpRequest"}},
     cors::CredentialsMode::Include},
};

QString templatePath(const char *name)
{
    return QStringLiteral(CORSLAB_CONFIG_TEMPLATES "/") + QString::fromLatin1(name);
}

QString readTemplate(const char *name)
{
    return readSourceFile(templatePath(name));
}

struct Reply
{
    int status = 0;
    base::HeaderList headers;
    QByteArray raw;
};

/// One request on its own connection (Connection: close), read until the server closes.
Reply send(quint16 port, const QByteArray &method, const base::HeaderList &headers)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    Reply reply;
    if (!socket.waitForConnected(10000))
        return reply;
    QByteArray request = method + " /data HTTP/1.1\r\nHost: localhost:" + QByteArray::number(port) +
                         "\r\nConnection: close\r\n";
    for (const auto &h : headers)
        request += h.first + ": " + h.second + "\r\n";
    const QByteArray body = method == "PUT" ? QByteArrayLiteral("{}") : QByteArray();
    if (!body.isEmpty())
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    // Only a guard against a server that never answers: the outcome never depends on time.
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(15000))
        reply.raw += socket.readAll();
    reply.raw += socket.readAll();
    const qsizetype headEnd = reply.raw.indexOf("\r\n\r\n");
    const QList<QByteArray> lines =
        reply.raw.left(headEnd < 0 ? reply.raw.size() : headEnd).split('\n');
    if (lines.isEmpty())
        return reply;
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    reply.status = statusLine.size() > 1 ? statusLine.at(1).toInt() : 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            reply.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    return reply;
}

/// Writes the server's files for \a snippet into \a dir; false with \a why when it cannot.
using Prepare = std::function<bool(const config::GeneratedConfig &config, const QString &dir,
                                   quint16 port, Launch *launch, QString *why)>;

cors::Scenario scenarioFor(const QByteArray &origin, quint16 port, const RequestKind &kind)
{
    cors::Scenario s;
    QString error;
    cors::Origin::parse(QString::fromLatin1(origin), &s.origin, &error);
    s.setUrl(QUrl(QStringLiteral("http://localhost:%1/data").arg(port)));
    s.method = kind.method;
    s.headers = kind.headers;
    s.credentials = kind.credentials;
    return s;
}

QByteArray requestedHeaders(const RequestKind &kind)
{
    QList<QByteArray> names;
    for (const auto &h : kind.headers)
        names << h.first.toLower();
    std::sort(names.begin(), names.end());
    return names.join(',');
}

QString describe(const cors::Verdict &v)
{
    return QStringLiteral("%1 (%2), readable: %3, cache %4 s")
        .arg(v.exposed ? QStringLiteral("exposed") : QStringLiteral("blocked"),
             cors::corsErrorName(v.error), QString::fromLatin1(v.readableHeaders.join(' ')))
        .arg(v.preflightCacheSeconds);
}

QString headersText(const base::HeaderList &headers)
{
    QStringList lines;
    for (const auto &h : headers)
        lines << QString::fromLatin1(h.first + ": " + h.second);
    return lines.join(QStringLiteral(" | "));
}

/// What `check` must find for one request: the playground's verdict for it.
struct CheckExpectation
{
    QString label;
    bool exposed = false;
};

check::CheckJob checkJobFor(const QByteArray &origin, quint16 port, const RequestKind &kind)
{
    check::CheckJob job;
    job.request.origin = origin;
    job.request.url = QUrl(QStringLiteral("http://localhost:%1/data").arg(port));
    job.request.method = kind.method;
    job.request.headers = kind.headers;
    job.request.credentials = kind.credentials;
    if (kind.method == "PUT")
        job.request.body = "{}";
    return job;
}

/// `check` sends every request to the real server as Chromium would: its verdicts must be the
/// playground's.
QStringList compareCheck(const QList<check::CheckJob> &jobs,
                         const QList<CheckExpectation> &expected)
{
    QStringList mismatches;
    const QList<check::CheckResult> results = check::runChecks(jobs, {});
    for (qsizetype i = 0; i < results.size(); ++i) {
        const check::Observation &o = results.at(i).observation;
        if (o.exposed != expected.at(i).exposed || !o.networkFailure.isEmpty())
            mismatches << QStringLiteral("check: %1: %2 (%3), playground: %4")
                              .arg(expected.at(i).label,
                                   o.exposed ? QStringLiteral("exposed")
                                             : QStringLiteral("blocked"),
                                   o.networkFailure.isEmpty() ? cors::corsErrorName(o.error)
                                                              : o.networkFailure,
                                   expected.at(i).exposed ? QStringLiteral("exposed")
                                                          : QStringLiteral("blocked"));
    }
    return mismatches;
}

/// `corslab-cli check` as a CI job runs it: the exit code is 0 when the page can read the
/// answer, 1 when the browser blocks it.
QString checkExitCode(const check::CheckJob &job, bool exposed)
{
    QStringList args = {
        QStringLiteral("check"),         job.request.url.toString(),
        QStringLiteral("--origin"),      QString::fromLatin1(job.request.origin),
        QStringLiteral("--method"),      QString::fromLatin1(job.request.method),
        QStringLiteral("--credentials"), cors::credentialsModeName(job.request.credentials)};
    QProcess cli;
    cli.start(QStringLiteral(CORSLAB_CLI), args);
    if (!cli.waitForFinished(60000)) {
        cli.kill();
        cli.waitForFinished();
        return QStringLiteral("corslab-cli check did not finish");
    }
    const int want = exposed ? 0 : 1;
    if (cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == want)
        return {};
    return QStringLiteral("corslab-cli check %1 exited %2, expected %3:\n%4")
        .arg(args.join(QLatin1Char(' ')))
        .arg(cli.exitCode())
        .arg(want)
        .arg(QString::fromUtf8(cli.readAllStandardOutput().left(2000)));
}

/// Runs \a policy's configuration for \a kind in a real server and compares every verdict with
/// the playground's. Returns the mismatches (empty when all match), or a setup failure in \a why.
QStringList compareWithPlayground(ServerKind kind, const CorsPolicy &policy, const Prepare &prepare,
                                  QString *why)
{
    QTemporaryDir dir;
    const quint16 port = freePort();
    const config::GeneratedConfig config = config::generateServerConfig(policy, kOrigins, kind);
    Launch launch;
    if (!dir.isValid() || port == 0 || !prepare(config, dir.path(), port, &launch, why))
        return {};
    RunningServer running;
    if (!running.start(launch, dir.path(), port, why))
        return {};
    const cors::BrowserProfile &chromium =
        *cors::BrowserProfile::byName(QStringLiteral("chromium"));
    QStringList mismatches;
    QList<check::CheckJob> checkJobs;
    QList<CheckExpectation> checkExpected;
    for (const QByteArray &origin : kRequestOrigins) {
        for (const RequestKind &request : kRequests) {
            cors::Scenario real = scenarioFor(origin, port, request);
            cors::Scenario playground = real;
            const bool preflighted = request.method == "PUT";
            Reply preflight;
            if (preflighted) {
                const QByteArray requested = requestedHeaders(request);
                preflight = send(port, "OPTIONS",
                                 {{"Origin", origin},
                                  {"Access-Control-Request-Method", request.method},
                                  {"Access-Control-Request-Headers", requested}});
                real.preflight = cors::ResponseSpec{preflight.status, preflight.headers};
                const policy::PolicyAnswer answer = policy::answerFor(
                    policy, kOrigins, origin, "OPTIONS", request.method, requested);
                playground.preflight = cors::ResponseSpec{answer.status, answer.headers};
            }
            base::HeaderList actualHeaders{{"Origin", origin}};
            actualHeaders << request.headers;
            const Reply actual = send(port, request.method, actualHeaders);
            real.response = cors::ResponseSpec{actual.status, actual.headers};
            policy::PolicyAnswer answer = policy::answerFor(
                policy, kOrigins, origin, request.method, std::nullopt, std::nullopt);
            answer.headers.append(
                base::Header("X-Total-Count", "42")); // what every test server sends
            playground.response = cors::ResponseSpec{200, answer.headers};

            if (actual.status == 0) {
                mismatches << QStringLiteral("%1 from %2: no HTTP answer (%3)")
                                  .arg(QString::fromLatin1(request.name),
                                       QString::fromLatin1(origin),
                                       QString::fromLatin1(actual.raw.left(200)));
                continue;
            }
            const cors::Verdict got = cors::evaluate(real, chromium);
            const cors::Verdict want = cors::evaluate(playground, chromium);
            checkJobs << checkJobFor(origin, port, request);
            checkExpected << CheckExpectation{
                QStringLiteral("%1 from %2")
                    .arg(QString::fromLatin1(request.name), QString::fromLatin1(origin)),
                want.exposed};
            const bool same = got.exposed == want.exposed &&
                              got.readableHeaders.contains("x-total-count") ==
                                  want.readableHeaders.contains("x-total-count") &&
                              got.preflightCacheSeconds == want.preflightCacheSeconds;
            if (!same)
                mismatches << QStringLiteral("%1 from %2: server %3, playground %4; preflight "
                                             "%5 [%6]; response %7 [%8]")
                                  .arg(QString::fromLatin1(request.name),
                                       QString::fromLatin1(origin), describe(got), describe(want))
                                  .arg(preflight.status)
                                  .arg(headersText(preflight.headers))
                                  .arg(actual.status)
                                  .arg(headersText(actual.headers));
        }
    }
    mismatches << compareCheck(checkJobs, checkExpected);
    // The exit code of the credentialed GET from the trusted app (index 1: kRequests' second).
    if (const QString wrong = checkExitCode(checkJobs.at(1), checkExpected.at(1).exposed);
        !wrong.isEmpty())
        mismatches << wrong;
    return mismatches;
}

CorsPolicy customPreflightPolicy()
{
    CorsPolicy p; // allowlist {app}, no credentials
    p.name = QStringLiteral("Preflight: PUT and PATCH, X-Requested-With, Max-Age 30, status 200");
    p.methods = {QStringLiteral("PUT"), QStringLiteral("PATCH")};
    p.headers = {QStringLiteral("Content-Type"), QStringLiteral("X-Requested-With")};
    p.maxAge = 30;
    p.preflightStatus = 200;
    return p;
}

CorsPolicy anchoredPatternPolicy()
{
    CorsPolicy p;
    p.name = QStringLiteral("Anchored pattern");
    p.allowOrigin = CorsPolicy::OriginMode::Pattern;
    p.allowedOrigins.clear();
    p.originPattern = QStringLiteral("^http://localhost:\\d+$");
    p.allowCredentials = true;
    p.headers = {QStringLiteral("Content-Type"), QStringLiteral("X-Requested-With")};
    p.exposeHeaders = {QStringLiteral("X-Total-Count")};
    return p;
}

/// The policies every target can express with the same verdicts (see docs/server-config.md).
QList<CorsPolicy> commonPolicies()
{
    return {*CorsPolicy::preset(QStringLiteral("Credentialed allowlist")),
            *CorsPolicy::preset(QStringLiteral("Open public API")),
            *CorsPolicy::preset(QStringLiteral("Misconfigured: reflect any origin with "
                                               "credentials")),
            *CorsPolicy::preset(QStringLiteral("Misconfigured: unanchored origin pattern")),
            *CorsPolicy::preset(QStringLiteral("Misconfigured: wildcard with credentials")),
            anchoredPatternPolicy(),
            customPreflightPolicy()};
}

/// Plus what only some targets can say: a rejected preflight, and no preflight answer at all.
QList<CorsPolicy> allPolicies()
{
    QList<CorsPolicy> list = commonPolicies();
    list << *CorsPolicy::preset(QStringLiteral("Misconfigured: preflight rejected (401)"))
         << *CorsPolicy::preset(QStringLiteral("No CORS"));
    return list;
}

void checkTarget(ServerKind kind, const QList<CorsPolicy> &policies, const Prepare &prepare)
{
    for (const CorsPolicy &policy : policies) {
        QString why;
        const QStringList mismatches = compareWithPlayground(kind, policy, prepare, &why);
        if (!why.isEmpty())
            QFAIL(qPrintable(QStringLiteral("policy \"%1\": %2").arg(policy.name, why)));
        if (!mismatches.isEmpty())
            QFAIL(qPrintable(QStringLiteral("policy \"%1\":\n  %2\nconfiguration:\n%3")
                                 .arg(policy.name, mismatches.join(QStringLiteral("\n  ")),
                                      config::generateServerConfig(policy, kOrigins, kind).text)));
    }
}

QString withSnippet(QString text, const QString &marker, const QString &snippet)
{
    text.replace(marker, snippet);
    return text;
}

} // namespace

class TestServerConfigLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nginx()
    {
        if (nginxProgram().isEmpty())
            QFAIL("nginx is not installed: install the Debian package nginx");
        const QString conf = readTemplate("nginx.conf");
        checkTarget(ServerKind::Nginx, allPolicies(),
                    [&](const config::GeneratedConfig &config, const QString &dir, quint16 port,
                        Launch *launch, QString *why) {
                        const QString marker = QStringLiteral("# --- server { } block ---\n");
                        const qsizetype split = config.text.indexOf(marker);
                        const QString httpPart = split < 0 ? QString() : config.text.left(split);
                        QString serverPart =
                            split < 0 ? config.text : config.text.mid(split + marker.size());
                        // The location's content: a body and the header the policy exposes.
                        const qsizetype close = serverPart.lastIndexOf(QLatin1Char('}'));
                        serverPart.insert(
                            close, QStringLiteral("    add_header X-Total-Count \"42\" always;\n"
                                                  "    return 200 \"ok\\n\";\n"));
                        QString text =
                            withSnippet(conf, QStringLiteral("# CORSLAB_HTTP_SNIPPET"), httpPart);
                        text = withSnippet(text, QStringLiteral("# CORSLAB_SERVER_SNIPPET"),
                                           serverPart);
                        text.replace(QStringLiteral("CORSLAB_PORT"), QString::number(port));
                        if (!QDir(dir).mkpath(QStringLiteral("tmp")) ||
                            !writeFile(dir + QStringLiteral("/nginx.conf"), text)) {
                            *why = QStringLiteral("cannot write the nginx configuration");
                            return false;
                        }
                        *launch = nginxLaunch(dir);
                        return true;
                    });
    }

    void express()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (node.isEmpty())
            QFAIL("node is not installed: install the Debian package nodejs");
        const QString missing = runQuietly(
            node, {QStringLiteral("-e"), QStringLiteral("require('express'); require('cors')")},
            nodeEnvironment());
        if (!missing.isEmpty())
            QFAIL(qPrintable(QStringLiteral("install the Debian packages node-express and "
                                            "node-cors (%1)")
                                 .arg(missing.left(300))));
        const QString app = readTemplate("express_app.js");
        checkTarget(
            ServerKind::Express, allPolicies(),
            [&](const config::GeneratedConfig &config, const QString &dir, quint16 port,
                Launch *launch, QString *why) {
                if (!writeFile(
                        dir + QStringLiteral("/app.js"),
                        withSnippet(app, QStringLiteral("// CORSLAB_SNIPPET"), config.text))) {
                    *why = QStringLiteral("cannot write app.js");
                    return false;
                }
                launch->program = node;
                launch->arguments = {dir + QStringLiteral("/app.js"), QString::number(port)};
                launch->environment = nodeEnvironment();
                return true;
            });
    }

    void flask()
    {
        const QString python = python3();
        const QString missing =
            runQuietly(python, {QStringLiteral("-c"), QStringLiteral("import flask, flask_cors")});
        if (!missing.isEmpty())
            QFAIL(qPrintable(QStringLiteral("install the Debian packages python3-flask and "
                                            "python3-flask-cors (%1)")
                                 .arg(missing.left(300))));
        const QString app = readTemplate("flask_app.py");
        checkTarget(
            ServerKind::Flask, allPolicies(),
            [&](const config::GeneratedConfig &config, const QString &dir, quint16 port,
                Launch *launch, QString *why) {
                if (!writeFile(
                        dir + QStringLiteral("/app.py"),
                        withSnippet(app, QStringLiteral("# CORSLAB_SNIPPET"), config.text))) {
                    *why = QStringLiteral("cannot write app.py");
                    return false;
                }
                launch->program = python;
                launch->arguments = {dir + QStringLiteral("/app.py"), QString::number(port)};
                return true;
            });
    }

    void django()
    {
        const QString python = python3();
        const QString missing = runQuietly(
            python, {QStringLiteral("-c"), QStringLiteral("import django, corsheaders")});
        if (!missing.isEmpty())
            QFAIL(qPrintable(QStringLiteral("install the Debian packages python3-django and "
                                            "python3-django-cors-headers (%1)")
                                 .arg(missing.left(300))));
        const QString settings = readTemplate("django_settings.py");
        const QString run = readTemplate("django_run.py");
        // Django answers every preflight with 200 and cannot echo request headers: the 401,
        // unanswered and echoing policies are out of its reach (the notes say so).
        QList<CorsPolicy> policies = commonPolicies();
        policies.removeIf([](const CorsPolicy &p) {
            return p.allowHeaders == CorsPolicy::ListMode::Echo && p.allowCredentials;
        });
        checkTarget(ServerKind::Django, policies,
                    [&](const config::GeneratedConfig &config, const QString &dir, quint16 port,
                        Launch *launch, QString *why) {
                        if (!writeFile(dir + QStringLiteral("/corslab_settings.py"),
                                       withSnippet(settings, QStringLiteral("# CORSLAB_SNIPPET"),
                                                   config.text)) ||
                            !writeFile(dir + QStringLiteral("/corslab_run.py"), run)) {
                            *why = QStringLiteral("cannot write the Django site");
                            return false;
                        }
                        launch->program = python;
                        launch->arguments = {dir + QStringLiteral("/corslab_run.py"),
                                             QString::number(port)};
                        return true;
                    });
    }

    void go()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("go")).isEmpty())
            QFAIL("go is not installed: install the Debian package golang-go");
        if (!QFile::exists(QStringLiteral("/usr/share/gocode/src/github.com/rs/cors/cors.go")))
            QFAIL("rs/cors is not installed: install the Debian package golang-github-rs-cors-dev");
        const QString main = readTemplate("go_main.go");
        checkTarget(ServerKind::Go, allPolicies(),
                    [&](const config::GeneratedConfig &config, const QString &dir, quint16 port,
                        Launch *launch, QString *why) {
                        if (!writeFile(dir + QStringLiteral("/main.go"),
                                       withSnippet(main, QStringLiteral("// CORSLAB_SNIPPET"),
                                                   config.text))) {
                            *why = QStringLiteral("cannot write main.go");
                            return false;
                        }
                        return buildGoServer(dir + QStringLiteral("/main.go"), dir, port, launch,
                                             why);
                    });
    }

    void apache()
    {
        if (apacheProgram().isEmpty() ||
            !QFile::exists(QStringLiteral("/usr/lib/apache2/modules/mod_headers.so")))
            QFAIL("Apache httpd is not installed: install the Debian package apache2");
        const QString conf = readTemplate("apache.conf");
        checkTarget(
            ServerKind::Apache, allPolicies(),
            [&](const config::GeneratedConfig &config, const QString &dir, quint16 port,
                Launch *launch, QString *why) {
                QString text = withSnippet(conf, QStringLiteral("# CORSLAB_SNIPPET"), config.text);
                text.replace(QStringLiteral("CORSLAB_DIR"), dir);
                text.replace(QStringLiteral("CORSLAB_PORT"), QString::number(port));
                text.replace(QStringLiteral("CORSLAB_USER"), apacheUser(dir));
                if (!QDir(dir).mkpath(QStringLiteral("htdocs")) ||
                    !writeFile(dir + QStringLiteral("/htdocs/data"), QStringLiteral("ok\n")) ||
                    !writeFile(dir + QStringLiteral("/httpd.conf"), text)) {
                    *why = QStringLiteral("cannot write the Apache configuration");
                    return false;
                }
                *launch = apacheLaunch(dir);
                return true;
            });
    }
};

QTEST_GUILESS_MAIN(TestServerConfigLive)
#include "tst_server_config_live.moc"
