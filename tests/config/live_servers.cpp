#include "live_servers.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <unistd.h>

namespace corslab::live {

namespace {

constexpr int kStartTimeoutMs = 10000;
constexpr int kStopTimeoutMs = 5000;
// A server gets kListenAttempts × (kConnectTimeoutMs + kRetryDelayMs), some 90 s, to listen: on a
// busy CI machine Django and httpd are slow to start.
constexpr int kListenAttempts = 300;
constexpr int kConnectTimeoutMs = 200;
constexpr int kRetryDelayMs = 100;
constexpr int kToolTimeoutMs = 120000;
constexpr qint64 kMaxOutputChars = 4000;

QString sbinProgram(const QString &name)
{
    return QStandardPaths::findExecutable(
        name, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
}

} // namespace

bool writeFile(const QString &path, const QString &text)
{
    QFile file(path);
    const QByteArray bytes = text.toUtf8();
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

QString readSourceFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QString::fromUtf8(file.readAll());
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

RunningServer::~RunningServer()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(kStopTimeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(kStopTimeoutMs);
    }
}

bool RunningServer::launch(const Launch &launch, const QString &dir, QString *why)
{
    m_program = launch.program;
    m_process.setProcessEnvironment(launch.environment);
    m_process.setWorkingDirectory(dir);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(launch.program, launch.arguments);
    if (m_process.waitForStarted(kStartTimeoutMs))
        return true;
    *why = QStringLiteral("cannot start %1: %2").arg(launch.program, m_process.errorString());
    return false;
}

bool RunningServer::waitUntilListening(quint16 port, QString *why)
{
    // Ready once it accepts a connection; a server that exits says why in its output.
    for (int attempt = 0; attempt < kListenAttempts; ++attempt) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(kConnectTimeoutMs))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QTest::qWait(kRetryDelayMs);
    }
    *why = QStringLiteral("%1 did not start listening on port %2: %3")
               .arg(m_program)
               .arg(port)
               .arg(QString::fromUtf8(m_process.readAll().left(kMaxOutputChars)));
    return false;
}

bool RunningServer::start(const Launch &launch, const QString &dir, quint16 port, QString *why)
{
    return this->launch(launch, dir, why) && waitUntilListening(port, why);
}

QString nginxProgram()
{
    return sbinProgram(QStringLiteral("nginx"));
}

QString apacheProgram()
{
    return sbinProgram(QStringLiteral("apache2"));
}

Launch nginxLaunch(const QString &dir)
{
    Launch launch;
    launch.program = nginxProgram();
    launch.arguments = {QStringLiteral("-p"), dir + QLatin1Char('/'),
                        QStringLiteral("-e"), QStringLiteral("stderr"),
                        QStringLiteral("-c"), dir + QStringLiteral("/nginx.conf"),
                        QStringLiteral("-g"), QStringLiteral("daemon off;")};
    return launch;
}

Launch apacheLaunch(const QString &dir)
{
    Launch launch;
    launch.program = apacheProgram();
    launch.arguments = {QStringLiteral("-X"), QStringLiteral("-f"),
                        dir + QStringLiteral("/httpd.conf")};
    return launch;
}

QString apacheUser(const QString &dir)
{
    if (geteuid() != 0)
        return {};
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                   QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                   QFile::ExeOther);
    return QStringLiteral("User nobody\nGroup nogroup");
}

QString python3()
{
    return QFile::exists(QStringLiteral("/usr/bin/python3"))
               ? QStringLiteral("/usr/bin/python3")
               : QStandardPaths::findExecutable(QStringLiteral("python3"));
}

QString runQuietly(const QString &program, const QStringList &arguments,
                   const QProcessEnvironment &environment)
{
    if (program.isEmpty())
        return QStringLiteral("not found");
    QProcess p;
    p.setProcessEnvironment(environment);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    if (!p.waitForFinished(kToolTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        return QStringLiteral("%1 did not finish").arg(program);
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QString::fromUtf8(p.readAll()).trimmed() +
               QStringLiteral(" (exit %1)").arg(p.exitCode());
    return {};
}

QProcessEnvironment nodeEnvironment()
{
    // Debian installs node modules in /usr/share/nodejs, which a nodejs from elsewhere does not
    // search on its own.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString existing = env.value(QStringLiteral("NODE_PATH"));
    env.insert(QStringLiteral("NODE_PATH"),
               QStringLiteral("/usr/share/nodejs:/usr/lib/nodejs") +
                   (existing.isEmpty() ? QString() : QLatin1Char(':') + existing));
    return env;
}

QProcessEnvironment goEnvironment()
{
    // Offline and without modules: rs/cors comes from Debian's GOPATH tree.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GO111MODULE"), QStringLiteral("off"));
    env.insert(QStringLiteral("GOPATH"), QStringLiteral("/usr/share/gocode"));
    env.insert(QStringLiteral("GOFLAGS"), QString());
    env.insert(QStringLiteral("GOPROXY"), QStringLiteral("off"));
    if (!env.contains(QStringLiteral("GOCACHE")))
        env.insert(QStringLiteral("GOCACHE"),
                   QDir::tempPath() + QStringLiteral("/corslab-test-gocache"));
    return env;
}

bool buildGoServer(const QString &source, const QString &dir, quint16 port, Launch *launch,
                   QString *why)
{
    const QString binary = dir + QStringLiteral("/server");
    const QString failure = runQuietly(
        QStandardPaths::findExecutable(QStringLiteral("go")),
        {QStringLiteral("build"), QStringLiteral("-o"), binary, source}, goEnvironment());
    if (!failure.isEmpty()) {
        *why = QStringLiteral("go build failed: ") + failure;
        return false;
    }
    launch->program = binary;
    launch->arguments = {QString::number(port)};
    return true;
}

} // namespace corslab::live
