#pragma once

#include "check/check_runner.h"

#include <QTableWidget>

namespace corslab::ui {

/// \brief One request checked on the real wire under each browser: a row per browser (verdict,
/// preflight, how long the preflight is cached, headers the page can read), every cell that
/// differs from the first browser's marked (bold, highlighted, "≠").
class BrowserComparisonTable : public QTableWidget
{
    Q_OBJECT

public:
    enum Column { Verdict, Preflight, PreflightCache, Readable, ColumnCount };

    explicit BrowserComparisonTable(QWidget *parent = nullptr);

    void showResults(const QList<check::CheckResult> &results);
    /// Whether the cell of \a row, \a column differs from the first browser's.
    bool differs(int row, int column) const;
};

} // namespace corslab::ui
