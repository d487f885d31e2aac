#pragma once

#include "exchange_store.h"

#include <QList>
#include <QPair>

namespace corslab::session {

class Session;

/// \brief What keeps a Session on disk (SessionStore): the session tells it every change on its
/// write path, in order, so that replaying what it was told rebuilds the session.
///
/// Every call comes with the session's writer mutex held (one at a time, in the session's
/// order); the store may be read without the read lock then (only the writer changes it).
class SessionLog
{
public:
    virtual ~SessionLog() = default;

    /// Now kept by \a session (null: detached).
    virtual void attachedTo(Session *session) = 0;
    /// Where the session's bodies go (the store's files).
    virtual BodySink *bodySink() = 0;
    /// A batch is about to be packed into \a store (its bodies are put next), at seq
    /// store.seqOf(store.size()).
    virtual void beginBatch(const ExchangeStore &store) = 0;
    /// Records [first, first + count) of \a store are new and judged; \a changed older records
    /// got new derived fields; \a links are (preflight seq, later actual seq) pairs added.
    virtual void logAppended(const ExchangeStore &store, qsizetype first, qsizetype count,
                             const QList<qsizetype> &changed,
                             const QList<QPair<quint64, quint64>> &links) = 0;
    /// A re-judge changed records \a changed (their derived fields) and replaced every link by
    /// \a links; the profile is now \a profileName.
    virtual void logRejudged(const ExchangeStore &store, const QList<qsizetype> &changed,
                             const QList<QPair<quint64, quint64>> &links,
                             const QString &profileName) = 0;
    /// The body cap changed.
    virtual void logBodyCap(qint64 bytes) = 0;
    /// Every exchange was dropped (Clear): what was stored may go at once.
    virtual void logCleared() = 0;
    /// How many of the oldest exchanges of \a store to drop now to keep within the retention
    /// limits (0: none). Asked after each batch and by applyRetention().
    virtual qsizetype retentionDrop(const ExchangeStore &store) = 0;
    /// The \a count oldest exchanges were dropped from memory: their files may go.
    virtual void logDropped(quint64 firstKeptSeq) = 0;
};

} // namespace corslab::session
