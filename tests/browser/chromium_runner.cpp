#include "chromium_runner.h"

#include "process_group.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int StartTimeoutMs = 10000;

} // namespace

ChromiumRunner::ChromiumRunner(const QString &program) : m_program(program)
{
}

ChromiumRunner::~ChromiumRunner()
{
    stop();
}

bool ChromiumRunner::isAvailable() const
{
    const QFileInfo info(m_program);
    return info.isFile() && info.isExecutable();
}

QStringList ChromiumRunner::arguments(const QString &profileDir, const QUrl &url) const
{
    QStringList arguments{
        u"--headless"_s,
        u"--no-sandbox"_s, // Required when running as root (CI containers).
        u"--disable-gpu"_s,
        // Without these Chromium contacts Google services at start-up and can stall on a machine
        // without network access.
        u"--disable-background-networking"_s, u"--no-first-run"_s, u"--disable-component-update"_s,
        u"--disable-sync"_s,
        u"--user-data-dir="_s + profileDir, // Fresh profile: no cache, cookies or HSTS state.
    };
    // Replaces DNS for every name (IP literals stay as they are) and keeps the port.
    if (m_allHostsToLoopback)
        arguments.append(u"--host-resolver-rules=MAP * 127.0.0.1"_s);
    if (m_consoleLogging)
        arguments.append({u"--enable-logging=stderr"_s, u"--v=0"_s});
    arguments.append(url.toString(QUrl::FullyEncoded));
    return arguments;
}

bool ChromiumRunner::open(const QUrl &url, QString *error)
{
    stop();
    if (!isAvailable()) {
        *error = m_program + u" is not an executable file"_s;
        return false;
    }
    m_profile = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/corslab-chromium-XXXXXX"_s);
    if (!m_profile->isValid()) {
        *error = u"cannot create a temporary profile: "_s + m_profile->errorString();
        m_profile.reset();
        return false;
    }

    m_output.clear();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // A new session makes the browser the leader of its own process group, so stop() can signal
    // the whole tree at once without touching the test process.
    m_process->setChildProcessModifier([] { ::setsid(); });
    m_process->start(m_program, arguments(m_profile->path(), url));
    if (!m_process->waitForStarted(StartTimeoutMs)) {
        *error = u"cannot start "_s + m_program + u": "_s + m_process->errorString();
        stop();
        return false;
    }
    // Kept apart from QProcess, which forgets the pid once the browser process has exited while
    // its helpers may still be alive.
    m_group = static_cast<pid_t>(m_process->processId());
    return true;
}

void ChromiumRunner::stop()
{
    if (m_process) {
        killProcessGroup();
        m_output += m_process->readAll();
        m_process.reset();
    }
    // Only after every browser process is gone, so nothing writes into the directory meanwhile.
    m_profile.reset();
}

void ChromiumRunner::killProcessGroup()
{
    // SIGTERM first: Chromium then shuts its helpers down itself.
    // (chrome_crashpad_handler detaches into its own session, out of reach of the group signal;
    // it exits by itself as soon as the browser's connection to it closes.)
    process_group::end(m_group, *m_process);
    m_group = 0;
}

QString ChromiumRunner::version() const
{
    if (!isAvailable())
        return {};
    QProcess process;
    process.start(m_program, {u"--version"_s});
    if (!process.waitForFinished(StartTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    // stdout only: the Debian wrapper prints shell noise on stderr.
    return QString::fromLocal8Bit(process.readAllStandardOutput()).section(u'\n', 0, 0).trimmed();
}
