#include "session_counts.h"

namespace corslab::ui {

using session::VerdictState;

SessionCounts::SessionCounts(session::Session *session, QObject *parent)
    : QObject(parent), m_session(session)
{
    connect(session, &session::Session::exchangesAdded, this, &SessionCounts::onAdded);
    connect(session, &session::Session::exchangesChanged, this, &SessionCounts::onChanged);
    connect(session, &session::Session::cleared, this, &SessionCounts::recountAll);
    connect(session, &session::Session::profileChanged, this, &SessionCounts::recountAll);
    recountAll();
}

void SessionCounts::onAdded(qsizetype first, qsizetype count)
{
    // Queued signals run after the fact: take from the first row not taken in yet, up to what the
    // session holds now (a clear in between is followed by recountAll()).
    const qsizetype start = qMin(first, qsizetype(m_states.size()));
    const qsizetype end = qMin(first + count, m_session->count());
    if (start >= end)
        return;
    take(start, end);
    Q_EMIT changed();
}

void SessionCounts::onChanged(qsizetype first, qsizetype last)
{
    const qsizetype end = qMin(last + 1, qsizetype(m_states.size()));
    if (first >= end)
        return;
    take(first, end);
    Q_EMIT changed();
}

void SessionCounts::recountAll()
{
    m_states.clear();
    m_blocked = 0;
    m_warnings = 0;
    take(0, m_session->count());
    Q_EMIT changed();
}

void SessionCounts::take(qsizetype first, qsizetype end)
{
    if (m_states.size() < end)
        m_states.resize(end, char(VerdictState::NotApplicable));
    m_session->scanRows(first, end - first, [this](const session::ExchangeRowView &row) {
        const auto before = VerdictState(quint8(m_states.at(row.index)));
        const VerdictState now = row.record.verdict.state;
        m_blocked += (now == VerdictState::Blocked) - (before == VerdictState::Blocked);
        m_warnings += (now == VerdictState::Warning) - (before == VerdictState::Warning);
        m_states[row.index] = char(now);
    });
}

} // namespace corslab::ui
