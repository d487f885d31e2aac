#include "scrolling_panel.h"

#include <QScrollArea>
#include <QVBoxLayout>

namespace corslab::ui {

QWidget *addScrollingContent(QWidget *panel)
{
    auto *outer = new QVBoxLayout(panel);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    return content;
}

} // namespace corslab::ui
