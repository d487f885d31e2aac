#pragma once

#include "session/session_store.h"

#include <QString>
#include <QWidget>

class QLabel;

namespace corslab::lab {
class Lab;
}

namespace corslab::ui {

/// "8.1 GB on disk · limit 20 GB · 312 bodies not kept": what the session's store costs and
/// the limits it keeps to (only those set); "in memory" when \a directory is empty (no store).
QString storeStatusText(const session::StoreStats &stats, const session::StoreRetention &limits,
                        const QString &directory);
/// "at most 1,000,000 exchanges; at most 20 GB on disk; exchanges older than 7 days dropped",
/// or "no limits".
QString retentionText(const session::StoreRetention &limits);
/// "7 days", "12 hours", "90 seconds": \a seconds in the largest unit that divides it.
QString formatAge(qint64 seconds);

/// \brief The status bar's word on the session's store (issue 15): the disk it uses, its limits
/// and the bodies the disk could not take, from the Lab's figures of each second; the tooltip
/// says where the session lives. A store warning (disk full, unwritable) turns it bold in a
/// warning colour with an icon, its text in the tooltip, and is announced by warningRaised();
/// when the store writes again, warningCleared() says so and the label is plain again (the
/// bodies not kept meanwhile stay counted).
class StoreStatus : public QWidget
{
    Q_OBJECT

public:
    explicit StoreStatus(lab::Lab *lab, QWidget *parent = nullptr);

    QString text() const;
    /// The last store problem, in words; empty while all is well.
    QString warning() const { return m_warning; }
    /// Reads the Lab's figures and limits again (after a limit changed, say).
    void refresh();

Q_SIGNALS:
    /// A new store problem: the window shows \a text where it is seen.
    void warningRaised(const QString &text);
    /// The store writes again after a warning: \a text says so.
    void warningCleared(const QString &text);

private:
    void raiseWarning(const QString &text);
    void clearWarning(const QString &text);

    lab::Lab *m_lab;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QString m_warning;
    /// A warning or recovery signal came: from then on they say whether all is well, not the
    /// figures of a tick (which may predate the last recovery).
    bool m_storeSpoke = false;
};

} // namespace corslab::ui
