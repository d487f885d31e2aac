#include "status_text.h"

#include <QLabel>

namespace corslab::ui {

void setStatusText(QLabel *label, const QString &text, bool alert)
{
    label->setText(text);
    QFont font = label->font();
    font.setBold(alert);
    label->setFont(font);
}

} // namespace corslab::ui
