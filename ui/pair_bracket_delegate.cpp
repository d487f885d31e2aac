#include "pair_bracket_delegate.h"

#include "exchange_table_model.h"

#include <QPainter>

namespace corslab::ui {

void PairBracketDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const qint64 paired = index.data(ExchangeTableModel::PairedIdRole).toLongLong();
    if (paired == 0)
        return;
    const QAbstractItemModel *model = index.model();
    // Joined only to a neighbour: a pair far apart is found through the detail view.
    const bool joinsBelow =
        index.row() + 1 < model->rowCount() &&
        model->index(index.row() + 1, 0).data(ExchangeTableModel::IdRole) == paired;
    const bool joinsAbove =
        index.row() > 0 &&
        model->index(index.row() - 1, 0).data(ExchangeTableModel::IdRole) == paired;
    if (!joinsBelow && !joinsAbove)
        return;
    painter->save();
    QPen pen(option.palette.color(QPalette::Highlight), 2);
    painter->setPen(pen);
    const QRect r = option.rect;
    const int x = r.left() + 4;
    const int mid = r.center().y();
    if (joinsBelow) {
        painter->drawLine(x, mid, x + 5, mid);
        painter->drawLine(x, mid, x, r.bottom());
    } else {
        painter->drawLine(x, r.top(), x, mid);
        painter->drawLine(x, mid, x + 5, mid);
    }
    painter->restore();
}

} // namespace corslab::ui
