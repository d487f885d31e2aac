#pragma once

#include <QTimer>
#include <functional>

namespace corslab::http {

/// \brief A timeout that costs next to nothing to move: arm() only records the new deadline, and
/// the one QTimer behind it is restarted when it fires before the deadline (or when the deadline
/// moves earlier than the timer). Connections move their timeouts on every request and read,
/// tens of thousands of times a second under load; restarting a QTimer each time unregisters and
/// registers a timer with the event dispatcher.
class LazyDeadline
{
public:
    /// \a onExpired runs on the owner's thread when an armed deadline passes.
    explicit LazyDeadline(std::function<void()> onExpired);
    LazyDeadline(const LazyDeadline &) = delete;
    LazyDeadline &operator=(const LazyDeadline &) = delete;

    /// Expires \a ms from now (replacing any earlier deadline).
    void arm(int ms);
    /// No deadline; a timer still running finds none and stops.
    void disarm() { m_deadline = -1; }
    bool isArmed() const { return m_deadline >= 0; }

    /// Monotonic milliseconds (immune to wall-clock changes), the clock deadlines are kept in.
    static qint64 nowMs();

private:
    void onTimer();

    std::function<void()> m_onExpired;
    QTimer m_timer;
    qint64 m_deadline = -1; // monotonic ms; -1: none
    qint64 m_timerDue = -1; // when m_timer fires, while active
};

} // namespace corslab::http
