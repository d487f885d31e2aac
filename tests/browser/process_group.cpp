#include "process_group.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QThread>
#include <csignal>

using namespace Qt::StringLiterals;

namespace process_group {

namespace {

constexpr int GracefulExitMs = 5000;
constexpr int GroupExitMs = 3000;
constexpr int PollMs = 50;

} // namespace

bool isAlive(pid_t group)
{
    QDirIterator procs(u"/proc"_s, QDir::Dirs | QDir::NoDotAndDotDot);
    bool scanned = false;
    while (procs.hasNext()) {
        QFile stat(procs.next() + u"/stat"_s);
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        scanned = true;
        // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 2 && fields[2].toLongLong() == group && fields[0] != "Z" &&
            fields[0] != "X")
            return true;
    }
    // Without /proc fall back to kill(), which also counts zombies.
    return !scanned && ::kill(-group, 0) == 0;
}

bool waitForExit(pid_t group, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (isAlive(group)) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(PollMs);
    }
    return true;
}

void end(pid_t group, QProcess &leader)
{
    if (group <= 0)
        return; // Never started.
    ::kill(-group, SIGTERM);
    if (!leader.waitForFinished(GracefulExitMs))
        ::kill(-group, SIGKILL);
    leader.waitForFinished(GroupExitMs);
    if (!waitForExit(group, GroupExitMs)) {
        ::kill(-group, SIGKILL);
        waitForExit(group, GroupExitMs);
    }
}

} // namespace process_group
