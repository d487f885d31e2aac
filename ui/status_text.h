#pragma once

#include <QString>

class QLabel;

namespace corslab::ui {

/// Shows \a text in a form's status line \a label; an \a alert (a refusal, a failure) is bold,
/// so that it does not rely on colour alone.
void setStatusText(QLabel *label, const QString &text, bool alert);

} // namespace corslab::ui
