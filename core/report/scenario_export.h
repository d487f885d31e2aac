#pragma once

#include <QJsonObject>
#include <QString>

namespace corslab::session {
class Session;
}

namespace corslab::report {

/// Exchange \a index of \a session as a scenario `corslab-cli evaluate` runs: the request,
/// preflight and response the engine judged, under the session's profile. Its comment says what
/// the browser itself reported and what the engine said, so the file is a self-contained bug
/// report when they disagree. False with \a error when the engine judged nothing (CORS does not
/// apply, or the exchange could not be judged).
bool exchangeScenario(const session::Session &session, qsizetype index, QJsonObject *out,
                      QString *error);

} // namespace corslab::report
