#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>

class QThread;

namespace corslab::session {

class Session;

/// \brief Keeps a session file up to date while a capture runs (`corslab-cli proxy --record`):
/// every few seconds when something changed, and once more on flush() at the end.
///
/// Periodic writes run on a thread of their own (a large session takes seconds to write, and
/// the session is thread-safe), one at a time; a tick that finds a write still running waits for
/// the next. Each write is atomic (writeSessionFile()).
class SessionRecorder : public QObject
{
    Q_OBJECT

public:
    SessionRecorder(const Session *session, const QString &path, int intervalMs = 5000,
                    QObject *parent = nullptr);
    ~SessionRecorder() override;

    const QString &path() const { return m_path; }
    /// Starts the periodic writes.
    void start();
    /// Waits for a running write, then writes the session as it is now (on this thread). For
    /// SIGINT/SIGTERM and the end of the capture.
    bool flush(QString *error);

Q_SIGNALS:
    /// A write finished: \a exchanges written, or \a error (empty on success).
    void written(qsizetype exchanges, const QString &error);

private:
    void tick();
    void markDirty() { m_dirty = true; }
    void waitForWriter();

    const Session *m_session;
    QString m_path;
    QTimer m_timer;
    std::atomic<bool> m_dirty{true};
    QThread *m_writer = nullptr;
};

} // namespace corslab::session
