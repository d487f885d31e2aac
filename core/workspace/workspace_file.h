#pragma once

#include "policy/cors_policy.h"
#include "proxy/override_rules.h"
#include "session/session_extension.h"
#include "session/session_journal.h"
#include "session/session_json.h"

#include <QByteArray>
#include <QString>
#include <optional>

class QIODevice;

namespace corslab::session {
class Session;
}

namespace corslab::workspace {

/// \brief What a session file carries besides the session (docs/session-format.md): the
/// playground's policy and the proxy's override rules in force when it was written.
struct Workspace
{
    /// The playground's CORS policy; nullopt when the file has none (older files, or a writer
    /// without a playground such as `corslab-cli proxy`).
    std::optional<policy::CorsPolicy> policy;
    /// The proxy's override rules (their policies keep the `{api}`, `{app}`, `{evil}`
    /// placeholders); nullopt when the file has none. An empty set differs from none.
    std::optional<proxy::OverrideSet> rules;
};

/// The session file's extension members this module owns, in the order they are written:
/// "policy" (checked key by key against the shape a policy writes, then read by
/// CorsPolicy::fromJson()) and "overrideRules" (OverrideSet::fromJson()).
const session::SessionExtensions &extensions();
/// \a workspace as extension values, in the order of extensions(); nullopt parts are left out.
session::ExtensionValues toValues(const Workspace &workspace);
/// Extension values read with extensions() (so already checked) as a workspace.
Workspace fromValues(const session::ExtensionValues &values);
/// What a write of the session file puts besides the session: the program's
/// name (\a createdBy; empty: the application's) and \a workspace.
session::WriteOptions writeOptions(const QString &createdBy, const Workspace &workspace);

/// session::writeSession() with \a workspace.
bool write(const session::Session &session, QIODevice *device, QString *error,
           const QString &createdBy, const Workspace &workspace = {});
/// session::writeSessionFile() with \a workspace: atomic, a failure leaves the old file.
bool writeFile(const session::Session &session, const QString &path, QString *error,
               const QString &createdBy, const Workspace &workspace = {});

/// session::readSession() of a session file that may carry a policy and rules: they go to
/// \a workspace (may be null; parts the file does not have become nullopt). On an error the
/// session and \a workspace are left untouched.
bool readJson(const QByteArray &json, session::Session *session, Workspace *workspace,
              QString *error);
/// readJson() of the file at \a path, or the session store (a directory) at \a path, opened
/// read-only: the session keeps the store and reads bodies from it on demand.
bool readFile(const QString &path, session::Session *session, Workspace *workspace, QString *error);
/// session::parseSessionJson() of a file that may carry a policy and rules.
bool parseJson(const QByteArray &json, session::SessionFile *out, Workspace *workspace,
               QString *error);

/// session::journal::read() of a journal of an earlier build, whose settings may carry a policy
/// and rules: the last ones saved go to \a workspace (may be null).
bool readJournal(const QByteArray &data, session::Session *session, Workspace *workspace,
                 QString *error, session::journal::ReadStats *stats = nullptr);
/// session::journal::recover() with the policy and rules last saved.
bool recover(const QString &directory, session::Session *session, Workspace *workspace,
             QString *error);

} // namespace corslab::workspace
