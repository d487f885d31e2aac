#pragma once

#include <QStyledItemDelegate>

namespace corslab::ui {

/// \brief Draws the # column with a bracket joining a preflight to its actual request when they
/// are listed one above the other, so a pair reads as one (like Wireshark's related-packet marks).
class PairBracketDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace corslab::ui
