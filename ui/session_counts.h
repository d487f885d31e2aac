#pragma once

#include "session/session.h"

#include <QObject>

namespace corslab::ui {

/// \brief The status bar's figures: how many exchanges, how many blocked, how many with warnings,
/// how many are background traffic.
/// The session keeps them as it judges (Session::verdictCounts()), so following its signals costs
/// nothing on the GUI thread whatever its size; changed() says when they moved.
class SessionCounts : public QObject
{
    Q_OBJECT

public:
    explicit SessionCounts(session::Session *session, QObject *parent = nullptr);

    qsizetype total() const { return m_counts.total; }
    qsizetype blocked() const { return m_counts.blocked; }
    qsizetype warnings() const { return m_counts.warnings; }
    /// The browser's own background traffic (hidden from the list by default).
    qsizetype background() const { return m_counts.background; }

Q_SIGNALS:
    void changed();

private:
    void refresh();

    session::Session *m_session;
    session::VerdictCounts m_counts;
};

} // namespace corslab::ui
