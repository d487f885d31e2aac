#pragma once

#include <sys/types.h>

class QProcess;

// Process-group bookkeeping shared by the browser runners. Each runner starts its browser (or the
// driver that starts it) in a new session, so the browser's whole tree is one process group that
// can be signalled at once without touching the test process.

namespace process_group {

/// True while a live (non-zombie) process belongs to process group \a group. Zombies are skipped:
/// orphaned helpers are reaped by init, which in some containers happens only after seconds.
bool isAlive(pid_t group);

/// Polls until group \a group is empty or \a timeoutMs passes; false on timeout.
bool waitForExit(pid_t group, int timeoutMs);

/// Ends group \a group whose leader is \a leader: SIGTERM so the leader can shut its helpers down
/// itself, then SIGKILL whatever is still there after the grace periods. No-op for \a group <= 0.
void end(pid_t group, QProcess &leader);

} // namespace process_group
