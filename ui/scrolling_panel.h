#pragma once

class QWidget;

namespace corslab::ui {

/// Fills \a panel with a frameless scroll area and returns the widget inside it, which the panel
/// lays its controls out on: a dock's form stays usable when the dock is short.
QWidget *addScrollingContent(QWidget *panel);

} // namespace corslab::ui
