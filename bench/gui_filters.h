#pragma once

#include "gui_timing.h"

#include <QTextStream>

namespace corslab::ui {
class ExchangeTableModel;
}

namespace corslab::bench {

/// The exchange list's filters, one after the other as a user sets them (text, blocked only,
/// origin, kind, an error's name, none): for each, the time from the change to its rows shown
/// and the GUI thread's longest event meanwhile. \a onGuiThread says where the model scans.
void runFilterCases(TimedApplication &app, ui::ExchangeTableModel &model, bool onGuiThread,
                    QTextStream &out);

} // namespace corslab::bench
