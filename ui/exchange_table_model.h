#pragma once

#include "session/session.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QThreadPool>
#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>

namespace corslab::ui {

/// What the exchange list shows: every exchange, or those matching all the set criteria.
struct ExchangeFilter
{
    QString text; ///< in the URL, method, Origin or error name, any case; empty: any
    bool blockedOnly = false;
    QByteArray origin; ///< exactly this Origin header; empty: any
    std::optional<session::ExchangeKind> kind;
    /// Hides the browser's own background traffic (session::Evidence::BrowserBackground). Off in
    /// a default filter; the filter bar turns it on unless the user chose to see that traffic.
    bool hideBackground = false;

    bool isEmpty() const
    {
        return text.isEmpty() && !blockedOnly && origin.isEmpty() && !kind && !hideBackground;
    }
    bool operator==(const ExchangeFilter &) const = default;
};

/// Decides whether a row passes an ExchangeFilter. A plain value: the filter scan copies one to its
/// worker thread.
class ExchangeMatcher
{
public:
    ExchangeMatcher() = default;
    explicit ExchangeMatcher(const ExchangeFilter &filter);

    const ExchangeFilter &filter() const { return m_filter; }
    bool operator()(const session::ExchangeRowView &row) const;

private:
    ExchangeFilter m_filter;
    QByteArray m_needle; ///< the filter text, lower case, Latin-1
};

/// ExchangeTableModel's filter scan on the worker: what it found so far and what changed
/// meanwhile. (At namespace scope: clang cannot default-construct a nested struct with member
/// initializers inside std::optional before the enclosing class is complete.)
struct ExchangeFilterScan
{
    ExchangeMatcher matcher;
    quint64 generation = 0;
    QList<qint32> found;                          ///< matches in [0, scanned)
    qsizetype scanned = 0;                        ///< rows the worker has gone through
    QList<std::pair<qsizetype, qsizetype>> dirty; ///< [first, end) judged again meanwhile
    qsizetype dirtyRows = 0;
};

/// \brief The exchange list as a table model over the session: one row per exchange (or per
/// matching exchange), columns #, time, kind, method, URL, origin, status, verdict, error name,
/// duration.
///
/// Rows are read from the session in blocks when a view asks for them, and only a few blocks are
/// kept: a session of a million exchanges costs the model one int per matching row while
/// filtered, nothing otherwise. New exchanges are appended as rows as the session reports them;
/// exchanges judged again (a preflight linked later, a browser profile switch) are refreshed.
///
/// Filtering a large session runs on a worker thread, chunk by chunk, so the GUI thread is never
/// busy with it: meanwhile the list keeps the previous result (isFiltering() is true), then the
/// new one replaces it in one reset. A newer filter cancels the running scan. The session must
/// outlive the model.
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
        BrowserAgreementRole,      ///< int(session::BrowserAgreement)
    };

    explicit ExchangeTableModel(session::Session *session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    ~ExchangeTableModel() override;

    /// The filter last asked for (the rows may still follow the previous one: isFiltering()).
    const ExchangeFilter &filter() const { return m_filter; }
    /// Shows only the matching exchanges. Up to asyncThreshold() rows, at once; beyond, the scan
    /// runs on a worker and filterApplied() tells when its rows are shown.
    void setFilter(const ExchangeFilter &filter);
    /// Whether a filter scan is running (the rows shown follow the previous filter).
    bool isFiltering() const { return m_scan.has_value(); }
    /// Sessions of more rows than this are filtered on a worker thread.
    qsizetype asyncThreshold() const { return m_asyncThreshold; }
    /// For tests and benches: 0 filters every non-empty session on the worker.
    void setAsyncThreshold(qsizetype rows) { m_asyncThreshold = rows; }
    /// For tests: rows the worker reads per lock of the session (at least 1).
    void setScanChunkRows(qsizetype rows) { m_chunkRows = std::max<qsizetype>(rows, 1); }

    /// The session index shown at \a row, -1 when there is none.
    qsizetype sessionIndex(int row) const;
    /// The row showing session index \a index, -1 when it is filtered out or not shown yet.
    int rowOf(qsizetype index) const;

    /// What a kind is called in the list ("preflight", "simple", "cached preflight"...).
    static QString kindLabel(session::ExchangeKind kind);
    /// The verdict as the list shows it ("✓ exposed", "✗ blocked", "⚠ warning", "n/a", "?").
    static QString verdictLabel(session::VerdictState state);

    /// The session's oldest rows are gone (retention), up to seq \a firstSeq: they leave the
    /// list, and every index after them shifts down, filtered or not.
    void onDropped(qsizetype count, quint64 firstSeq);

Q_SIGNALS:
    /// A filter scan started (true) or ended (false): the filter bar shows it is busy.
    void filteringChanged(bool busy);
    /// The rows now follow filter(), after setFilter() (at once, or when its scan ends).
    void filterApplied();

private:
    ExchangeFilter effectiveFilter() const;
    void applyWantedFilter();
    void hideBackgroundWhenItArrives();
    using Scan = ExchangeFilterScan;

    void onAdded(qsizetype first, qsizetype count);
    void onChanged(qsizetype first, qsizetype last);
    void onCleared();
    QList<qint32> matchingIn(const ExchangeMatcher &matcher, qsizetype first, qsizetype end) const;
    void applyFilter(const ExchangeMatcher &matcher, QList<qint32> matches);
    void startScan(qsizetype from);
    void onScanned(quint64 generation, qsizetype end, const QList<qint32> &found);
    void finishScan();
    QList<qint32> rescanned(Scan &scan) const;
    void restartScan();
    void cancelScan();
    const session::ExchangeRow *cachedRow(qsizetype index) const;

    session::Session *m_session;
    ExchangeFilter m_filter;   ///< asked for
    ExchangeMatcher m_applied; ///< what the rows follow
    qsizetype m_shown = 0;     ///< session rows taken in (0..m_shown-1)
    /// The seq of row index 0 as this model numbers rows: the session's first seq as of the
    /// last drop handled. Signals come in order, so their indexes are in this numbering; the
    /// session may be ahead (a drop not handled yet), so rows are read from it by seq.
    quint64 m_baseSeq = 0;
    QList<qint32> m_matches; ///< while filtered: the session indices shown, ascending

    // The filter scan. The worker reads the generation to stop early once it is stale.
    static constexpr qsizetype kDefaultAsyncThreshold = 100'000; // about 10 ms of scan
    static constexpr qsizetype kScanChunkRows = 64 * 1024;       // rows per read lock: a few ms
    static constexpr qsizetype kMaxDirtyRanges = 1024;           // beyond: the scan starts again
    qsizetype m_asyncThreshold = kDefaultAsyncThreshold;
    qsizetype m_chunkRows = kScanChunkRows;
    std::optional<Scan> m_scan;
    std::shared_ptr<std::atomic<quint64>> m_generation = std::make_shared<std::atomic<quint64>>(0);
    QThreadPool m_pool; ///< one thread: a cancelled scan ends before the next one starts

    // A few blocks of rows, read from the session as the view scrolls.
    static constexpr qsizetype kBlockRows = 256;
    static constexpr qsizetype kMaxBlocks = 64;
    mutable QHash<qsizetype, QList<session::ExchangeRow>> m_blocks;
};

} // namespace corslab::ui
