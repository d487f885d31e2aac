#include "exchange_table_model.h"

#include "cors/cors_error.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <algorithm>
#include <iterator>

namespace corslab::ui {

namespace {

using session::BrowserAgreement;
using session::ExchangeKind;
using session::VerdictState;

char folded(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c;
}

// Whether \a haystack contains \a needle (already lower case), ASCII letters in any case.
bool containsFolded(QByteArrayView haystack, QByteArrayView needle)
{
    const qsizetype n = needle.size();
    if (n == 0)
        return true;
    for (qsizetype i = 0; i + n <= haystack.size(); ++i) {
        if (folded(haystack[i]) != needle[0])
            continue;
        qsizetype j = 1;
        while (j < n && folded(haystack[i + j]) == needle[j])
            ++j;
        if (j == n)
            return true;
    }
    return false;
}

} // namespace

ExchangeMatcher::ExchangeMatcher(const ExchangeFilter &filter)
    : m_filter(filter), m_needle(filter.text.toUtf8().toLower())
{
}

bool ExchangeMatcher::operator()(const session::ExchangeRowView &row) const
{
    // Marked once when the exchange was classified: one bit test per row.
    if (m_filter.hideBackground && (row.record.evidence & session::Evidence::BrowserBackground))
        return false;
    if (m_filter.kind && row.record.kind != *m_filter.kind)
        return false;
    if (m_filter.blockedOnly && row.record.verdict.state != VerdictState::Blocked)
        return false;
    if (!m_filter.origin.isEmpty() && row.origin != m_filter.origin)
        return false;
    if (m_needle.isEmpty())
        return true;
    if (containsFolded(row.url, m_needle) || containsFolded(row.method, m_needle) ||
        containsFolded(row.origin, m_needle))
        return true;
    const quint8 error = row.record.verdict.error;
    return error &&
           containsFolded(cors::corsErrorName(cors::CorsError(error)).toLatin1(), m_needle);
}

ExchangeTableModel::ExchangeTableModel(session::Session *session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session)
{
    const session::Session::Span span = session->span();
    m_shown = span.count;
    m_baseSeq = span.firstSeq;
    m_pool.setMaxThreadCount(1);
    // From whichever thread appends: queued to this one when that is another.
    connect(session, &session::Session::exchangesAdded, this, &ExchangeTableModel::onAdded);
    connect(session, &session::Session::exchangesChanged, this, &ExchangeTableModel::onChanged);
    connect(session, &session::Session::cleared, this, &ExchangeTableModel::onCleared);
    connect(session, &session::Session::exchangesDropped, this, &ExchangeTableModel::onDropped);
}

ExchangeTableModel::~ExchangeTableModel()
{
    ++*m_generation;
    m_pool.waitForDone(); // the task reads the session and posts to this model
}

int ExchangeTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_applied.filter().isEmpty() ? m_shown : m_matches.size());
}

int ExchangeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qsizetype ExchangeTableModel::sessionIndex(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    return m_applied.filter().isEmpty() ? qsizetype(row) : qsizetype(m_matches.at(row));
}

int ExchangeTableModel::rowOf(qsizetype index) const
{
    if (index < 0 || index >= m_shown)
        return -1;
    if (m_applied.filter().isEmpty())
        return int(index);
    const auto it = std::lower_bound(m_matches.cbegin(), m_matches.cend(), qint32(index));
    return it != m_matches.cend() && *it == index ? int(it - m_matches.cbegin()) : -1;
}

QString ExchangeTableModel::kindLabel(ExchangeKind kind)
{
    switch (kind) {
    case ExchangeKind::Preflight:
        return tr("preflight");
    case ExchangeKind::SimpleCors:
        return tr("simple");
    case ExchangeKind::PreflightedActual:
        return tr("preflighted");
    case ExchangeKind::PreflightCachedActual:
        return tr("cached preflight");
    case ExchangeKind::SameOrigin:
        return tr("same-origin");
    case ExchangeKind::NoCors:
        return tr("no-cors");
    case ExchangeKind::Navigation:
        return tr("navigation");
    case ExchangeKind::Tunnel:
        return tr("tunnel");
    }
    return {};
}

QString ExchangeTableModel::verdictLabel(VerdictState state)
{
    switch (state) {
    case VerdictState::Exposed:
        return tr("✓ exposed");
    case VerdictState::Blocked:
        return tr("✗ blocked");
    case VerdictState::Warning:
        return tr("⚠ warning");
    case VerdictState::NotApplicable:
        return tr("n/a");
    case VerdictState::Unknown:
        return tr("?");
    }
    return {};
}

const session::ExchangeRow *ExchangeTableModel::cachedRow(qsizetype index) const
{
    const qsizetype block = index / kBlockRows;
    const qsizetype offset = index % kBlockRows;
    auto it = m_blocks.find(block);
    if (it == m_blocks.end() || offset >= it->size()) { // absent, or read before it filled up
        if (m_blocks.size() >= kMaxBlocks && it == m_blocks.end())
            m_blocks.clear(); // a view shows a screenful: what it scrolled past can go
        it = m_blocks.insert(block, m_session->rows(block * kBlockRows, kBlockRows));
    }
    return offset < it->size() ? &it->at(offset) : nullptr;
}

QVariant ExchangeTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.column() >= ColumnCount)
        return {};
    const qsizetype at = sessionIndex(index.row());
    const session::ExchangeRow *row = at >= 0 ? cachedRow(at) : nullptr;
    if (!row)
        return {};
    switch (role) {
    case IdRole:
        return row->id;
    case VerdictStateRole:
        return int(row->verdict.state);
    case KindRole:
        return int(row->kind);
    case PairedIdRole:
        return row->pairedId;
    case Qt::TextAlignmentRole:
        if (index.column() == Id || index.column() == Status || index.column() == Duration)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() != Verdict)
            return {};
        switch (row->verdict.state) {
        case VerdictState::Exposed:
            return QBrush(QColor(0x1a, 0x7f, 0x37));
        case VerdictState::Blocked:
            return QBrush(QColor(0xcf, 0x22, 0x2e));
        case VerdictState::Warning:
            return QBrush(QColor(0x9a, 0x67, 0x00));
        default:
            return {};
        }
    case BrowserAgreementRole:
        return int(row->browserAgreement());
    case Qt::ToolTipRole:
        if (index.column() == Url)
            return QString::fromUtf8(row->url);
        if (index.column() == Verdict && row->browserAgreement() == BrowserAgreement::Disagrees)
            return tr("The browser and CORS Lab disagree: see the explanation, and export the "
                      "exchange as a scenario to report it");
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case Id:
        return row->id;
    case Time:
        return QDateTime::fromMSecsSinceEpoch(row->startedAtMs)
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case Kind:
        return kindLabel(row->kind);
    case Method:
        return QString::fromLatin1(row->method);
    case Url:
        return QString::fromUtf8(row->url);
    case Origin:
        return QString::fromUtf8(row->origin);
    case Status:
        return row->status ? QVariant(row->status) : QVariant(QStringLiteral("—"));
    case Verdict:
        // The browser's own verdict differs from the engine's: flagged where the eye goes.
        return row->browserAgreement() == BrowserAgreement::Disagrees
                   ? tr("⚠ %1, browser disagrees").arg(verdictLabel(row->verdict.state))
                   : verdictLabel(row->verdict.state);
    case Error:
        return row->errorName();
    case Duration:
        return row->durationMs >= 0 ? tr("%1 ms").arg(row->durationMs) : QStringLiteral("…");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ExchangeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("#");
    case Time:
        return tr("Time");
    case Kind:
        return tr("Kind");
    case Method:
        return tr("Method");
    case Url:
        return tr("URL");
    case Origin:
        return tr("Origin");
    case Status:
        return tr("Status");
    case Verdict:
        return tr("Verdict");
    case Error:
        return tr("Error");
    case Duration:
        return tr("Duration");
    case ColumnCount:
        break;
    }
    return {};
}

QList<qint32> ExchangeTableModel::matchingIn(const ExchangeMatcher &matcher, qsizetype first,
                                             qsizetype end) const
{
    QList<qint32> out;
    m_session->scanSeqs(m_baseSeq + quint64(first), end - first,
                        [&](const session::ExchangeRowView &row) {
                            if (matcher(row))
                                out.append(qint32(row.seq - m_baseSeq));
                        });
    return out;
}

void ExchangeTableModel::applyFilter(const ExchangeMatcher &matcher, QList<qint32> matches)
{
    beginResetModel();
    m_applied = matcher;
    m_matches = std::move(matches);
    endResetModel();
}

ExchangeFilter ExchangeTableModel::effectiveFilter() const
{
    ExchangeFilter f = m_filter;
    // No background traffic to hide: no scan of millions of rows for it (an opened store, an
    // attached browser). onAdded() applies it once such traffic arrives.
    if (f.hideBackground && m_session->verdictCounts().background == 0)
        f.hideBackground = false;
    return f;
}

void ExchangeTableModel::setFilter(const ExchangeFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    applyWantedFilter();
}

void ExchangeTableModel::applyWantedFilter()
{
    const ExchangeFilter filter = effectiveFilter();
    const bool wasBusy = isFiltering();
    cancelScan();
    // Back to what the rows already follow (typing then deleting): nothing to scan.
    const bool alreadyShown = filter == m_applied.filter();
    if (alreadyShown || filter.isEmpty() || m_shown <= m_asyncThreshold) {
        if (!alreadyShown) {
            const ExchangeMatcher matcher(filter);
            applyFilter(matcher,
                        filter.isEmpty() ? QList<qint32>() : matchingIn(matcher, 0, m_shown));
        }
        if (wasBusy)
            Q_EMIT filteringChanged(false);
        Q_EMIT filterApplied();
        return;
    }
    m_scan.emplace();
    m_scan->matcher = ExchangeMatcher(filter);
    m_scan->generation = ++*m_generation;
    startScan(0);
    if (!wasBusy)
        Q_EMIT filteringChanged(true);
}

void ExchangeTableModel::startScan(qsizetype from)
{
    const qsizetype end = m_shown;
    // The task copies what it reads: the model may move on (or go) while it runs.
    m_pool.start([this, session = m_session, matcher = m_scan->matcher, from, end, base = m_baseSeq,
                  chunk = m_chunkRows, generation = m_scan->generation, current = m_generation] {
        auto stale = [&] { return current->load(std::memory_order_relaxed) != generation; };
        QList<qint32> found;
        // Chunks keep the session's read lock short: a writer waiting for it blocks the GUI's
        // reads too.
        for (qsizetype first = from; first < end && !stale(); first += chunk) {
            session->scanSeqs(base + quint64(first), std::min(chunk, end - first),
                              [&](const session::ExchangeRowView &row) {
                                  if (!stale() && matcher(row))
                                      found.append(qint32(row.seq - base));
                              });
        }
        if (stale())
            return;
        QMetaObject::invokeMethod(
            this,
            [this, generation, end, found = std::move(found)] {
                onScanned(generation, end, found);
            },
            Qt::QueuedConnection);
    });
}

void ExchangeTableModel::onScanned(quint64 generation, qsizetype end, const QList<qint32> &found)
{
    if (!m_scan || m_scan->generation != generation)
        return; // cancelled after the worker's last check
    if (m_scan->found.isEmpty())
        m_scan->found = found; // shared, not copied: millions of matches at once
    else
        m_scan->found += found;
    m_scan->scanned = end;
    if (m_scan->dirtyRows > m_asyncThreshold || m_scan->dirty.size() > kMaxDirtyRanges) {
        // Judged again wholesale meanwhile (a profile switch): reading it all again is simpler.
        restartScan();
        return;
    }
    if (m_shown - end > m_asyncThreshold) {
        startScan(end); // many rows arrived meanwhile: the worker takes them too
        return;
    }
    finishScan();
}

void ExchangeTableModel::finishScan()
{
    Scan scan = std::move(*m_scan);
    m_scan.reset();
    QList<qint32> matches = rescanned(scan);
    // The few rows appended since the worker's end.
    matches += matchingIn(scan.matcher, scan.scanned, m_shown);
    applyFilter(scan.matcher, std::move(matches));
    Q_EMIT filteringChanged(false);
    Q_EMIT filterApplied();
}

QList<qint32> ExchangeTableModel::rescanned(Scan &scan) const
{
    if (scan.dirty.isEmpty())
        return std::move(scan.found);
    // Rows judged again while the worker ran may have been read before: read them again, in one
    // pass over the matches (splicing range by range would move millions of them each time).
    std::sort(scan.dirty.begin(), scan.dirty.end());
    QList<qint32> out;
    out.reserve(scan.found.size());
    auto kept = scan.found.cbegin();
    qsizetype done = 0; // rows read again so far: [.., done)
    for (auto [first, end] : scan.dirty) {
        first = std::max(first, done);
        end = std::min(end, scan.scanned);
        if (first >= end)
            continue;
        const auto lo = std::lower_bound(kept, scan.found.cend(), qint32(first));
        std::copy(kept, lo, std::back_inserter(out));
        out += matchingIn(scan.matcher, first, end);
        kept = std::lower_bound(lo, scan.found.cend(), qint32(end));
        done = end;
    }
    std::copy(kept, scan.found.cend(), std::back_inserter(out));
    return out;
}

void ExchangeTableModel::restartScan()
{
    ExchangeMatcher matcher = std::move(m_scan->matcher);
    m_scan.emplace();
    m_scan->matcher = std::move(matcher);
    m_scan->generation = ++*m_generation;
    startScan(0);
}

void ExchangeTableModel::cancelScan()
{
    if (!m_scan)
        return;
    ++*m_generation; // the worker stops at its next row
    m_scan.reset();
}

void ExchangeTableModel::onAdded(qsizetype first, qsizetype count)
{
    const session::Session::Span span = m_session->span();
    const auto held = qsizetype(span.firstSeq + quint64(span.count) - m_baseSeq);
    const qsizetype end = std::min(first + count, held);
    if (end <= m_shown)
        return;
    if (m_applied.filter().isEmpty()) {
        if (rowCount() == 0) {
            // A whole session at once (opened): a reset costs the view far less than inserting
            // millions of rows (92 ms against 13 ms at 5,000,000 rows).
            beginResetModel();
            m_shown = end;
            endResetModel();
            hideBackgroundWhenItArrives();
            return;
        }
        beginInsertRows({}, int(m_shown), int(end - 1));
        m_shown = end;
        endInsertRows();
        hideBackgroundWhenItArrives();
        return;
    }
    const QList<qint32> added = matchingIn(m_applied, m_shown, end);
    m_shown = end;
    hideBackgroundWhenItArrives();
    if (added.isEmpty())
        return;
    if (m_matches.isEmpty()) {
        beginResetModel();
        m_matches = added;
        endResetModel();
        return;
    }
    beginInsertRows({}, int(m_matches.size()), int(m_matches.size() + added.size() - 1));
    m_matches += added;
    endInsertRows();
}

// The first background exchange of a list that had none to hide: the filter now applies.
void ExchangeTableModel::hideBackgroundWhenItArrives()
{
    if (m_filter.hideBackground && !m_applied.filter().hideBackground && !m_scan &&
        m_session->verdictCounts().background > 0)
        applyWantedFilter();
}

void ExchangeTableModel::onChanged(qsizetype first, qsizetype last)
{
    const qsizetype end = std::min(last + 1, m_shown);
    if (first >= end)
        return;
    for (qsizetype b = first / kBlockRows; b <= (end - 1) / kBlockRows; ++b)
        m_blocks.remove(b);
    if (m_scan) { // the worker may have read these rows before: read them again at its end
        m_scan->dirty.append({first, end});
        m_scan->dirtyRows += end - first;
    }
    if (m_applied.filter().isEmpty()) {
        Q_EMIT dataChanged(index(int(first), 0), index(int(end - 1), ColumnCount - 1));
        return;
    }
    // A verdict judged again may enter or leave the filter: replace the rows of that range.
    const auto lo = std::lower_bound(m_matches.cbegin(), m_matches.cend(), qint32(first));
    const auto hi = std::lower_bound(lo, m_matches.cend(), qint32(end));
    const int from = int(lo - m_matches.cbegin());
    const int oldCount = int(hi - lo);
    const QList<qint32> now = matchingIn(m_applied, first, end);
    if (std::equal(lo, hi, now.cbegin(), now.cend())) {
        if (oldCount > 0)
            Q_EMIT dataChanged(index(from, 0), index(from + oldCount - 1, ColumnCount - 1));
        return;
    }
    if (oldCount > 0) {
        beginRemoveRows({}, from, from + oldCount - 1);
        m_matches.remove(from, oldCount);
        endRemoveRows();
    }
    if (!now.isEmpty()) {
        beginInsertRows({}, from, from + int(now.size()) - 1);
        m_matches.insert(from, now.size(), 0);
        std::copy(now.cbegin(), now.cend(), m_matches.begin() + from);
        endInsertRows();
    }
}

void ExchangeTableModel::onCleared()
{
    const bool wasBusy = isFiltering();
    cancelScan(); // nothing left to scan: the filter asked for applies to the empty list
    beginResetModel();
    m_applied = ExchangeMatcher(effectiveFilter());
    m_shown = 0;
    m_baseSeq = m_session->span().firstSeq; // its rows come with exchangesAdded()
    m_matches.clear();
    m_blocks.clear();
    endResetModel();
    if (wasBusy) {
        Q_EMIT filteringChanged(false);
        Q_EMIT filterApplied();
    }
}

void ExchangeTableModel::onDropped(qsizetype, quint64 firstSeq)
{
    // By seq, not count: after a clear this model may have taken the session's numbering of
    // later than the drop already.
    if (firstSeq <= m_baseSeq)
        return;
    const auto count = qsizetype(firstSeq - m_baseSeq);
    m_baseSeq = firstSeq;
    const qsizetype n = std::min(count, m_shown);
    if (n <= 0)
        return;
    m_blocks.clear(); // keyed by index: every block moved
    if (m_applied.filter().isEmpty()) {
        beginRemoveRows({}, 0, int(n - 1));
        m_shown -= n;
        endRemoveRows();
    } else {
        const qsizetype gone =
            std::lower_bound(m_matches.cbegin(), m_matches.cend(), qint32(n)) - m_matches.cbegin();
        if (gone > 0)
            beginRemoveRows({}, 0, int(gone - 1));
        m_matches.remove(0, gone);
        for (qint32 &index : m_matches)
            index -= qint32(n); // the same exchanges, at their new index
        m_shown -= n;
        if (gone > 0)
            endRemoveRows();
    }
    if (m_scan)
        restartScan(); // its indices went stale: start again over what is left
}

} // namespace corslab::ui
