#include "lazy_deadline.h"

#include <QDeadlineTimer>

namespace corslab::http {

LazyDeadline::LazyDeadline(std::function<void()> onExpired) : m_onExpired(std::move(onExpired))
{
    m_timer.setSingleShot(true);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { onTimer(); });
}

qint64 LazyDeadline::nowMs()
{
    return QDeadlineTimer::current().deadline();
}

void LazyDeadline::arm(int ms)
{
    const qint64 now = nowMs();
    m_deadline = now + qMax(0, ms);
    // A timer due before the new deadline is left alone: it finds the deadline moved and re-arms.
    if (m_timer.isActive() && m_timerDue <= m_deadline)
        return;
    m_timerDue = m_deadline;
    m_timer.start(qMax(0, ms));
}

void LazyDeadline::onTimer()
{
    m_timerDue = -1;
    if (m_deadline < 0)
        return;
    const qint64 left = m_deadline - nowMs();
    if (left > 0) { // moved since the timer was started (or a coarse timer fired early)
        m_timerDue = m_deadline;
        m_timer.start(int(left));
        return;
    }
    m_deadline = -1;
    m_onExpired(); // the owner may call deleteLater() from here, never delete itself
}

} // namespace corslab::http
