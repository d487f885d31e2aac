#pragma once

#include "exchange_store.h"
#include "session_json.h"
#include "session_store.h"

#include <QHash>

namespace corslab::session {

/// What replaying a store's heads files rebuilt.
struct StoreReplay
{
    ExchangeStore store;
    QHash<quint64, QList<quint64>> links; ///< preflight seq -> later actual seqs
    /// Links as read, in order, until the end of the replay puts them in links (one hash sized
    /// once: growing it link by link took a tenth of a large store's replay).
    std::vector<std::pair<quint64, quint64>> linksRead;
    SessionFile settings; ///< profile, body cap and extension members
    std::vector<SessionStore::Segment> segments;
    StoreOpenReport report;
};

/// Replays the heads files of epoch \a epoch in \a directory into \a out, in segment order.
/// Each file is read up to its first damaged frame; \a truncate cuts torn tails (the caller
/// holds the lock). Exchanges are restored as they were judged: nothing is classified or judged
/// again. False with \a error only when nothing sensible can be read (a file of the wrong kind,
/// a newer format); a damaged frame or a gap ends the replay there, told in the report.
bool replayStore(const QString &directory, quint32 epoch, bool truncate,
                 const SessionExtensions &known, StoreReplay *out, QString *error);

} // namespace corslab::session
