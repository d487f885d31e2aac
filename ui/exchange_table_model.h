#pragma once

#include "session/session.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <optional>

namespace corslab::ui {

/// What the exchange list shows: every exchange, or those matching all the set criteria.
struct ExchangeFilter
{
    QString text; ///< in the URL, method, Origin or error name, any case; empty: any
    bool blockedOnly = false;
    QByteArray origin; ///< exactly this Origin header; empty: any
    std::optional<session::ExchangeKind> kind;

    bool isEmpty() const { return text.isEmpty() && !blockedOnly && origin.isEmpty() && !kind; }
    bool operator==(const ExchangeFilter &) const = default;
};

/// \brief The exchange list as a table model over the session: one row per exchange (or per
/// matching exchange), columns #, time, kind, method, URL, origin, status, verdict, error name,
/// duration.
///
/// Rows are read from the session in blocks when a view asks for them, and only a few blocks are
/// kept: a session of a million exchanges costs the model one int per matching row while
/// filtered, nothing otherwise. New exchanges are appended as rows as the session reports them;
/// exchanges judged again (a preflight linked later, a browser profile switch) are refreshed.
class ExchangeTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Id,
        Time,
        Kind,
        Method,
        Url,
        Origin,
        Status,
        Verdict,
        Error,
        Duration,
        ColumnCount
    };
    enum Role {
        IdRole = Qt::UserRole + 1, ///< qint64 exchange id (index + 1)
        VerdictStateRole,          ///< int(session::VerdictState)
        KindRole,                  ///< int(session::ExchangeKind)
        PairedIdRole,              ///< qint64 id of the linked preflight / actual request, 0: none
    };

    explicit ExchangeTableModel(session::Session *session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const ExchangeFilter &filter() const { return m_filter; }
    /// Shows only the matching exchanges (a scan of the session: tens of ms for a million).
    void setFilter(const ExchangeFilter &filter);

    /// The session index shown at \a row, -1 when there is none.
    qsizetype sessionIndex(int row) const;
    /// The row showing session index \a index, -1 when it is filtered out or not shown yet.
    int rowOf(qsizetype index) const;

    /// What a kind is called in the list ("preflight", "simple", "cached preflight"...).
    static QString kindLabel(session::ExchangeKind kind);
    /// The verdict as the list shows it ("✓ exposed", "✗ blocked", "⚠ warning", "n/a", "?").
    static QString verdictLabel(session::VerdictState state);

private:
    void onAdded(qsizetype first, qsizetype count);
    void onChanged(qsizetype first, qsizetype last);
    void onCleared();
    bool matches(const session::ExchangeRowView &row) const;
    QList<qint32> matchingIn(qsizetype first, qsizetype end) const;
    const session::ExchangeRow *cachedRow(qsizetype index) const;

    session::Session *m_session;
    ExchangeFilter m_filter;
    QByteArray m_needle;     ///< the filter text, lower case, Latin-1
    qsizetype m_shown = 0;   ///< session rows taken in (0..m_shown-1)
    QList<qint32> m_matches; ///< while filtered: the session indices shown, ascending

    // A few blocks of rows, read from the session as the view scrolls.
    static constexpr qsizetype kBlockRows = 256;
    static constexpr qsizetype kMaxBlocks = 64;
    mutable QHash<qsizetype, QList<session::ExchangeRow>> m_blocks;
};

} // namespace corslab::ui
