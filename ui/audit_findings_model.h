#pragma once

#include "audit/audit_finding.h"

#include <QAbstractTableModel>
#include <QList>

namespace corslab::ui {

/// \brief The Audit panel's findings: one row per finding, high severity first, with where its
/// evidence is in the session so that selecting it can show the exchanges.
class AuditFindingsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Severity, ClassId, Title, Origin, Credentials, Browsers, ColumnCount };
    enum Role {
        SeverityRole = Qt::UserRole + 1, ///< int(audit::Severity), for sorting and tests
    };

    /// A finding and the session index of each of its evidence exchanges (-1: not in the
    /// session any more).
    struct Row
    {
        audit::AuditFinding finding;
        QList<qsizetype> evidence;
    };

    explicit AuditFindingsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Shows \a rows, high severity first (findings of one severity keep their order).
    void setRows(QList<Row> rows);
    void clear();
    /// The session no longer holds the evidence (it was cleared or replaced).
    void forgetEvidence();
    /// Row \a row; \a row must be in range.
    const Row &row(int row) const { return m_rows.at(row); }

private:
    static QVariant display(const audit::AuditFinding &finding, int column);

    QList<Row> m_rows;
};

} // namespace corslab::ui
