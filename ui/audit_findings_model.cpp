#include "audit_findings_model.h"

#include "audit/audit_text.h"

#include <QFont>
#include <algorithm>

namespace corslab::ui {

AuditFindingsModel::AuditFindingsModel(QObject *parent) : QAbstractTableModel(parent)
{
}

int AuditFindingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditFindingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditFindingsModel::display(const audit::AuditFinding &f, int column)
{
    switch (column) {
    case Severity:
        return audit::severityName(f.severity);
    case ClassId:
        return audit::classInfo(f.auditClass).id;
    case Title:
        return audit::classInfo(f.auditClass).title;
    case Origin:
        return QString::fromLatin1(f.origin);
    case Credentials:
        return f.credentials ? tr("with") : tr("without");
    case Browsers:
        return audit::browserList(f.browsers);
    default:
        return {};
    }
}

QVariant AuditFindingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const audit::AuditFinding &f = m_rows.at(index.row()).finding;
    switch (role) {
    case Qt::DisplayRole:
        return display(f, index.column());
    case Qt::ToolTipRole:
        return audit::classInfo(f.auditClass).description;
    case SeverityRole:
        return int(f.severity);
    case Qt::FontRole:
        if (index.column() == Severity && f.severity == audit::Severity::High) {
            // The worst findings stand out in weight as well as in words, not by colour.
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    default:
        return {};
    }
}

QVariant AuditFindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Severity:
        return tr("Severity");
    case ClassId:
        return tr("Class");
    case Title:
        return tr("Finding");
    case Origin:
        return tr("Origin");
    case Credentials:
        return tr("Credentials");
    case Browsers:
        return tr("Browsers");
    default:
        return {};
    }
}

void AuditFindingsModel::setRows(QList<Row> rows)
{
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return a.finding.severity > b.finding.severity;
    });
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void AuditFindingsModel::clear()
{
    setRows({});
}

void AuditFindingsModel::forgetEvidence()
{
    for (Row &r : m_rows)
        std::fill(r.evidence.begin(), r.evidence.end(), qsizetype(-1));
}

} // namespace corslab::ui
