#pragma once

#include "session/session.h"

#include <QByteArray>
#include <QObject>

namespace corslab::ui {

/// \brief The status bar's figures: how many exchanges, how many blocked, kept up to date from
/// the session's signals by reading only the rows that changed (a full recount of a million rows
/// would hold the GUI thread too long on every batch).
class SessionCounts : public QObject
{
    Q_OBJECT

public:
    explicit SessionCounts(session::Session *session, QObject *parent = nullptr);

    qsizetype total() const { return m_states.size(); }
    qsizetype blocked() const { return m_blocked; }
    qsizetype warnings() const { return m_warnings; }

Q_SIGNALS:
    void changed();

private:
    void onAdded(qsizetype first, qsizetype count);
    void onChanged(qsizetype first, qsizetype last);
    void recountAll();
    void take(qsizetype first, qsizetype end);

    session::Session *m_session;
    QByteArray m_states; ///< VerdictState of each row taken in
    qsizetype m_blocked = 0;
    qsizetype m_warnings = 0;
};

} // namespace corslab::ui
