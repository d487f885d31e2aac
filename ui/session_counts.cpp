#include "session_counts.h"

namespace corslab::ui {

SessionCounts::SessionCounts(session::Session *session, QObject *parent)
    : QObject(parent), m_session(session)
{
    // Whatever the signal says, the session's own counts are the truth as of now.
    connect(session, &session::Session::exchangesAdded, this, &SessionCounts::refresh);
    connect(session, &session::Session::exchangesChanged, this, &SessionCounts::refresh);
    connect(session, &session::Session::exchangesDropped, this, &SessionCounts::refresh);
    connect(session, &session::Session::cleared, this, &SessionCounts::refresh);
    connect(session, &session::Session::profileChanged, this, &SessionCounts::refresh);
    m_counts = session->verdictCounts();
}

void SessionCounts::refresh()
{
    const session::VerdictCounts now = m_session->verdictCounts();
    if (now == m_counts)
        return;
    m_counts = now;
    Q_EMIT changed();
}

} // namespace corslab::ui
