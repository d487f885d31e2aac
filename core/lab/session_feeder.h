#pragma once

#include "session/session.h"

#include <QObject>

namespace corslab::lab {

/// Appends captures on the session thread, so judging never runs on the GUI thread nor slows
/// the proxy's network threads.
class SessionFeeder : public QObject
{
public:
    explicit SessionFeeder(session::Session *session) : m_session(session) {}
    void append(const QList<session::CapturedExchange> &batch) { m_session->append(batch); }

private:
    session::Session *m_session;
};

} // namespace corslab::lab
