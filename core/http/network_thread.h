#pragma once

#include <QObject>
#include <QThread>
#include <functional>
#include <memory>

namespace corslab::http {

/// \brief A thread with its own event loop for one object (a server's core: listeners and
/// connections) that other threads hand work to. Shared by the playground's HttpServer and the
/// proxy, so sockets never wait for a busy GUI.
///
/// The thread starts with the first run() and stops with stop(); run() may be called again after
/// a stop. The owner deletes the core after stop(), when nothing runs on the thread any more.
class NetworkThread
{
public:
    explicit NetworkThread(const QString &name) : m_thread(std::make_unique<QThread>())
    {
        m_thread->setObjectName(name);
    }
    ~NetworkThread() { stop(); }
    NetworkThread(const NetworkThread &) = delete;
    NetworkThread &operator=(const NetworkThread &) = delete;

    /// Moves \a core to the thread; run() executes work in its context.
    void adopt(QObject *core)
    {
        m_core = core;
        core->moveToThread(m_thread.get());
    }

    /// Runs \a work on the thread and waits for it (at once when called from the thread itself).
    void run(const std::function<void()> &work)
    {
        if (QThread::currentThread() == m_thread.get()) {
            work();
            return;
        }
        if (!m_thread->isRunning())
            m_thread->start();
        QMetaObject::invokeMethod(m_core, work, Qt::BlockingQueuedConnection);
    }

    /// Runs \a lastWork on the thread (closing sockets), then ends its loop and joins it. Does
    /// nothing when the thread is not running.
    void stop(const std::function<void()> &lastWork = {})
    {
        if (!m_thread->isRunning())
            return;
        if (lastWork)
            run(lastWork);
        m_thread->quit();
        if (QThread::currentThread() != m_thread.get()) // a thread cannot join itself
            m_thread->wait();
    }

    QThread *thread() const { return m_thread.get(); }

private:
    std::unique_ptr<QThread> m_thread;
    QObject *m_core = nullptr;
};

} // namespace corslab::http
