#include "session_recorder.h"

#include "session.h"
#include "session_json.h"

#include <QCoreApplication>
#include <QThread>

namespace corslab::session {

SessionRecorder::SessionRecorder(const Session *session, const QString &path, int intervalMs,
                                 QObject *parent)
    : QObject(parent), m_session(session), m_path(path)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &SessionRecorder::tick);
    // Direct: the flag is atomic, and the session's signals come from the appending thread.
    const auto direct = Qt::DirectConnection;
    connect(session, &Session::exchangesAdded, this, &SessionRecorder::markDirty, direct);
    connect(session, &Session::exchangesChanged, this, &SessionRecorder::markDirty, direct);
    connect(session, &Session::cleared, this, &SessionRecorder::markDirty, direct);
    connect(session, &Session::profileChanged, this, &SessionRecorder::markDirty, direct);
}

SessionRecorder::~SessionRecorder()
{
    waitForWriter();
}

void SessionRecorder::start()
{
    m_timer.start();
}

void SessionRecorder::tick()
{
    if (!m_dirty || (m_writer && !m_writer->isFinished()))
        return;
    waitForWriter();
    m_dirty = false;
    m_writer = QThread::create([this] {
        QString error;
        const qsizetype n = m_session->count();
        writeSessionFile(*m_session, m_path, &error, QCoreApplication::applicationName());
        if (!error.isEmpty())
            m_dirty = true; // try again next time
        // Queued to this object's thread: the receiver may touch the GUI.
        QMetaObject::invokeMethod(
            this, [this, n, error] { Q_EMIT written(n, error); }, Qt::QueuedConnection);
    });
    m_writer->start();
}

bool SessionRecorder::flush(QString *error)
{
    waitForWriter();
    m_dirty = false;
    const qsizetype n = m_session->count();
    const bool ok =
        writeSessionFile(*m_session, m_path, error, QCoreApplication::applicationName());
    Q_EMIT written(n, ok ? QString() : *error);
    return ok;
}

void SessionRecorder::waitForWriter()
{
    if (m_writer) {
        m_writer->wait();
        delete m_writer;
        m_writer = nullptr;
    }
}

} // namespace corslab::session
