#include "exchange_table_model.h"

#include "cors/cors_error.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <algorithm>

namespace corslab::ui {

namespace {

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

ExchangeTableModel::ExchangeTableModel(session::Session *session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session), m_shown(session->count())
{
    // From whichever thread appends: queued to this one when that is another.
    connect(session, &session::Session::exchangesAdded, this, &ExchangeTableModel::onAdded);
    connect(session, &session::Session::exchangesChanged, this, &ExchangeTableModel::onChanged);
    connect(session, &session::Session::cleared, this, &ExchangeTableModel::onCleared);
}

int ExchangeTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_filter.isEmpty() ? m_shown : m_matches.size());
}

int ExchangeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qsizetype ExchangeTableModel::sessionIndex(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    return m_filter.isEmpty() ? qsizetype(row) : qsizetype(m_matches.at(row));
}

int ExchangeTableModel::rowOf(qsizetype index) const
{
    if (index < 0 || index >= m_shown)
        return -1;
    if (m_filter.isEmpty())
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
    case Qt::ToolTipRole:
        if (index.column() == Url)
            return QString::fromUtf8(row->url);
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
        return verdictLabel(row->verdict.state);
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

bool ExchangeTableModel::matches(const session::ExchangeRowView &row) const
{
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

QList<qint32> ExchangeTableModel::matchingIn(qsizetype first, qsizetype end) const
{
    QList<qint32> out;
    m_session->scanRows(first, end - first, [&](const session::ExchangeRowView &row) {
        if (matches(row))
            out.append(qint32(row.index));
    });
    return out;
}

void ExchangeTableModel::setFilter(const ExchangeFilter &filter)
{
    if (filter == m_filter)
        return;
    beginResetModel();
    m_filter = filter;
    m_needle = filter.text.toUtf8().toLower();
    m_matches = filter.isEmpty() ? QList<qint32>() : matchingIn(0, m_shown);
    endResetModel();
}

void ExchangeTableModel::onAdded(qsizetype first, qsizetype count)
{
    const qsizetype end = std::min(first + count, m_session->count());
    if (end <= m_shown)
        return;
    if (m_filter.isEmpty()) {
        beginInsertRows({}, int(m_shown), int(end - 1));
        m_shown = end;
        endInsertRows();
        return;
    }
    const QList<qint32> added = matchingIn(m_shown, end);
    m_shown = end;
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_matches.size()), int(m_matches.size() + added.size() - 1));
    m_matches += added;
    endInsertRows();
}

void ExchangeTableModel::onChanged(qsizetype first, qsizetype last)
{
    const qsizetype end = std::min(last + 1, m_shown);
    if (first >= end)
        return;
    for (qsizetype b = first / kBlockRows; b <= (end - 1) / kBlockRows; ++b)
        m_blocks.remove(b);
    if (m_filter.isEmpty()) {
        Q_EMIT dataChanged(index(int(first), 0), index(int(end - 1), ColumnCount - 1));
        return;
    }
    // A verdict judged again may enter or leave the filter: replace the rows of that range.
    const auto lo = std::lower_bound(m_matches.cbegin(), m_matches.cend(), qint32(first));
    const auto hi = std::lower_bound(lo, m_matches.cend(), qint32(end));
    const int from = int(lo - m_matches.cbegin());
    const int oldCount = int(hi - lo);
    const QList<qint32> now = matchingIn(first, end);
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
    beginResetModel();
    m_shown = 0;
    m_matches.clear();
    m_blocks.clear();
    endResetModel();
}

} // namespace corslab::ui
