#pragma once

#include "gui_timing.h"

#include <QTextStream>

namespace corslab::bench {

/// The app opening the session store \a store as `corslab STORE` does, in a fresh home \a home:
/// the window shown, the rows listed, scrolling, a body viewed, the filters, and the close; for
/// each the time and the GUI thread's longest event. 0, or 1 when the store could not be opened.
int benchOpen(TimedApplication &app, const QString &store, const QString &home, bool onGuiThread,
              QTextStream &out);

} // namespace corslab::bench
