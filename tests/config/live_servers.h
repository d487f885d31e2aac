// Real servers on loopback for the `config` tests (tst_server_config_live, tst_audit_live): how to
// find their tools, write their files, start them on a free port and stop them.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace corslab::live {

/// Writes \a text (UTF-8) to \a path, replacing it; false when it cannot.
bool writeFile(const QString &path, const QString &text);

/// The text (UTF-8) of a template or app in the source tree; a missing one is fatal (a broken
/// checkout, not a missing tool).
QString readSourceFile(const QString &path);

/// A port nobody listens on right now on 127.0.0.1 (0 when none could be found).
quint16 freePort();

/// How to start one server: the program, its arguments and its environment.
struct Launch
{
    QString program;
    QStringList arguments;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

/// A running server, stopped (and waited for) when it goes out of scope.
class RunningServer
{
public:
    RunningServer() = default;
    RunningServer(const RunningServer &) = delete;
    RunningServer &operator=(const RunningServer &) = delete;
    ~RunningServer();

    /// Starts the process in \a dir without waiting for it to listen (so that several servers
    /// can start at once); false with \a why when it cannot be started.
    bool launch(const Launch &launch, const QString &dir, QString *why);
    /// Waits until the server accepts connections on \a port; false with \a why (its output)
    /// when it exits or never listens.
    bool waitUntilListening(quint16 port, QString *why);
    /// launch() then waitUntilListening().
    bool start(const Launch &launch, const QString &dir, quint16 port, QString *why);

private:
    QProcess m_process;
    QString m_program;
};

/// Debian's nginx and Apache httpd (in /usr/sbin); empty when not installed.
QString nginxProgram();
QString apacheProgram();

/// nginx in the foreground with \a dir as its prefix and \a dir/nginx.conf as its configuration
/// (which keeps its temporary files in \a dir/tmp).
Launch nginxLaunch(const QString &dir);

/// httpd as one process in the foreground (-X) with \a dir/httpd.conf.
Launch apacheLaunch(const QString &dir);

/// What replaces CORSLAB_USER in an httpd.conf served from \a dir: as root, httpd serves as
/// nobody, so \a dir is made readable to others.
QString apacheUser(const QString &dir);

/// Debian's python3: the interpreter its python3-flask and python3-django packages are for.
QString python3();

/// Empty when \a program runs \a arguments successfully, else its output.
QString
runQuietly(const QString &program, const QStringList &arguments,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

/// node's environment with Debian's module directories searched.
QProcessEnvironment nodeEnvironment();

/// go's environment for building offline against Debian's GOPATH tree (rs/cors).
QProcessEnvironment goEnvironment();

/// Builds the Go program \a source into \a dir/server and says how to run it on \a port (its
/// one argument); false with the compiler's output in \a why.
bool buildGoServer(const QString &source, const QString &dir, quint16 port, Launch *launch,
                   QString *why);

} // namespace corslab::live
