#include "browser_comparison_table.h"

#include "cors/browser_profile.h"

#include <QHeaderView>

namespace corslab::ui {

namespace {

// Marks a cell as differing; the role keeps the fact for tests and accessibility.
constexpr int kDiffersRole = Qt::UserRole + 1;

QString verdictText(const check::CheckResult &r)
{
    if (!r.observation.networkFailure.isEmpty())
        return QObject::tr("✗ network failure: %1").arg(r.observation.networkFailure);
    if (r.observation.exposed)
        return QObject::tr("✓ exposed");
    return QObject::tr("✗ blocked: %1").arg(cors::corsErrorName(r.observation.error));
}

QString preflightText(const check::CheckResult &r)
{
    return r.outcome.preflightSent ? QObject::tr("sent") : QObject::tr("none");
}

QString cacheText(const check::CheckResult &r)
{
    const cors::Verdict &v = r.outcome.verdict;
    if (!r.outcome.judged || !v.preflightEvaluated || !v.preflightOk)
        return QObject::tr("—");
    return QObject::tr("%1 s").arg(v.preflightCacheSeconds);
}

QString readableText(const check::CheckResult &r)
{
    return r.observation.readableHeaders.isEmpty()
               ? QObject::tr("none")
               : QString::fromLatin1(r.observation.readableHeaders.join(", "));
}

QString cellText(const check::CheckResult &r, int column)
{
    switch (column) {
    case BrowserComparisonTable::Verdict:
        return verdictText(r);
    case BrowserComparisonTable::Preflight:
        return preflightText(r);
    case BrowserComparisonTable::PreflightCache:
        return cacheText(r);
    default:
        return readableText(r);
    }
}

} // namespace

BrowserComparisonTable::BrowserComparisonTable(QWidget *parent) : QTableWidget(parent)
{
    setObjectName(QStringLiteral("browserComparison"));
    setColumnCount(ColumnCount);
    setHorizontalHeaderLabels(
        {tr("Verdict"), tr("Preflight"), tr("Preflight cached"), tr("Readable headers")});
    horizontalHeader()->setStretchLastSection(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAccessibleName(tr("The request under each browser"));
}

void BrowserComparisonTable::showResults(const QList<check::CheckResult> &results)
{
    clearContents();
    setRowCount(int(results.size()));
    QStringList browsers;
    for (int row = 0; row < results.size(); ++row) {
        const cors::BrowserProfile *profile = cors::BrowserProfile::byName(results.at(row).browser);
        browsers << (profile ? profile->displayName : results.at(row).browser);
        for (int column = 0; column < ColumnCount; ++column) {
            const QString text = cellText(results.at(row), column);
            const bool differs = row > 0 && text != cellText(results.first(), column);
            auto *item = new QTableWidgetItem(differs ? QStringLiteral("≠ ") + text : text);
            item->setData(kDiffersRole, differs);
            if (differs) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setBackground(palette().color(QPalette::Highlight).lighter(170));
                item->setToolTip(tr("Differs from %1: %2")
                                     .arg(browsers.first(), cellText(results.first(), column)));
            }
            setItem(row, column, item);
        }
    }
    setVerticalHeaderLabels(browsers);
    resizeColumnsToContents();
}

bool BrowserComparisonTable::differs(int row, int column) const
{
    const QTableWidgetItem *cell = item(row, column);
    return cell && cell->data(kDiffersRole).toBool();
}

} // namespace corslab::ui
