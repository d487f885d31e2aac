#pragma once

#include "contract.h"
#include "contract_judge.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace corslab::session {
class Session;
}

/// Contracts written from a recording (a session file or a HAR), and contracts judged against
/// one offline.
namespace corslab::check {

/// A contract stating what \a session recorded: one rule per distinct page origin × URL (query
/// dropped) × method × set of script header names × credentials mode, expecting what the page
/// saw under the session's profile (blocked: with its CorsError). Script headers keep their
/// recorded values; `vary_origin` is set for exposed responses that named Vary: Origin with an
/// Access-Control-Allow-Origin other than '*'. Preflights become no rule: their request is
/// covered by the actual one, or, when the preflight failed and it was never sent, by the
/// preflight's verdict. \a onlyOrigins, when not empty, keeps the requests of those page origins.
/// Requests that got no response are left out (there is nothing to promise). When every URL has
/// one origin it becomes base_url and rules name paths.
Contract contractFromSession(const session::Session &session,
                             const QList<QByteArray> &onlyOrigins = {});

/// Loads the recording at \a path into \a session: a HAR (a JSON object with "log") or a CORS
/// Lab session file. False with \a error starting with the path.
bool loadRecording(const QString &path, session::Session *session, QString *error);

/// contractFromSession() of the recording at \a path (loadRecording()). False with \a error when
/// the file cannot be read, or when it holds no CORS request to write a rule for.
bool contractFromFile(const QString &path, const QList<QByteArray> &onlyOrigins, Contract *out,
                      QString *error);

/// Every case of \a cases judged against what \a session recorded (observationsFromSession()).
QList<CaseResult> judgeRecording(const session::Session &session, const QList<ContractCase> &cases);

} // namespace corslab::check
