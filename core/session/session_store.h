#pragma once

#include "body_reader.h"
#include "session_extension.h"
#include "session_log.h"
#include "store_writer.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace corslab::session {

class Session;

/// How much a store keeps: the oldest exchanges go first, a segment at a time. 0: no limit.
struct StoreRetention
{
    qint64 maxExchanges = 0;
    qint64 maxDiskBytes = 0;
    qint64 maxAgeSeconds = 0;
    bool any() const { return maxExchanges > 0 || maxDiskBytes > 0 || maxAgeSeconds > 0; }
};

struct StoreOptions
{
    QString createdBy;         ///< the program, for the manifest
    int syncIntervalMs = 1000; ///< how much a crash may lose
    qint64 queueBytes = qint64(64) << 20;
    qint64 segmentBytes = qint64(64) << 20;
    qint64 segmentSeconds = 600;
    StoreRetention retention;
};

/// What a store holds and costs, for the status bar and `session info`.
struct StoreStats
{
    qint64 exchanges = 0; ///< exchanges held (after retention)
    quint64 firstSeq = 0; ///< the oldest one's seq (id - 1)
    qint64 diskBytes = 0; ///< the segment files
    qint64 segments = 0;
    qint64 droppedByRetention = 0;
    qint64 bodiesNotKept = 0; ///< bodies the disk could not take (full, failing, too slow)
    qint64 headsNotSaved = 0; ///< exchanges the disk could not take at all
    StoreWriter::State state = StoreWriter::State::Writing;
    QString warning; ///< the last problem, in words; empty when all is well (again)
};

/// What opening a store found.
struct StoreOpenReport
{
    bool wasClean = true; ///< closed properly (false: a crash or a kill)
    qint64 exchanges = 0;
    qint64 segments = 0;
    qint64 cutBytes = 0;      ///< torn tails cut (or ignored, read-only)
    qint64 bodiesNotKept = 0; ///< exchanges whose bodies the disk could not take
    QStringList problems;     ///< what could not be read, in words
};

/// \brief A session kept on disk: a directory of append-only segment files (docs/session-format.md
/// § Session store) that is at once the body store, the crash-recovery journal and the fast way
/// to open a large session.
///
/// Attached to a Session (Session::setLog()), it receives every change on the session's write
/// path and queues it to a StoreWriter: bodies go to `seg-N.bodies` and never stay in memory;
/// exchange records, dictionary growth, later changes and settings go to `seg-N.heads`.
/// Synced about once a second; nothing is ever rewritten, so closing costs at most the last
/// second's data whatever the size. open() replays the heads (no re-judging) and cuts torn
/// tails. One writer per directory (a lock file); readers may open it read-only meanwhile.
class SessionStore : public QObject, public SessionLog, public BodySink
{
    Q_OBJECT

public:
    enum class Mode { ReadOnly, ReadWrite };

    /// Creates a new store in \a directory (created; it must not hold a store) and attaches it to
    /// \a session; what the session holds already is written to it (bodies moved to its files).
    /// False with \a error naming the directory and why.
    static bool create(const QString &directory, const StoreOptions &options, Session *session,
                       QString *error);
    /// Replaces \a session's content with the store in \a directory and attaches the store to
    /// it. ReadWrite continues the store (in a new segment; refused while another process
    /// writes it); ReadOnly only reads. \a values (may be null) receives the \a known extension
    /// members last saved. False with \a error when it is not a readable store.
    static bool open(const QString &directory, Mode mode, const StoreOptions &options,
                     Session *session, const SessionExtensions &known, ExtensionValues *values,
                     StoreOpenReport *report, QString *error);
    /// Whether \a path is a store's directory.
    static bool isStore(const QString &path);
    /// Whether the store in \a directory was left by a process that did not close it (a crash)
    /// and no process writes it now.
    static bool wasLeftOpen(const QString &directory);
    /// Whether a process writes the store in \a directory now (it holds the lock).
    static bool inUseElsewhere(const QString &directory);
    /// Deletes the store in \a directory (refused while a process writes it).
    static bool remove(const QString &directory, QString *error);

    ~SessionStore() override;

    QString directory() const { return m_directory; }
    Mode mode() const { return m_mode; }
    /// Writes what is queued and syncs, the manifest marked clean. The session keeps its rows;
    /// bodies stay readable. Idempotent.
    bool close(QString *error = nullptr);
    /// close()s, then deletes the store's directory (its exchanges are no longer needed, or were
    /// saved elsewhere). Bodies not read yet are gone.
    bool removeFiles(QString *error = nullptr);
    /// Waits until everything logged so far is on disk (synced).
    bool flush(QString *error = nullptr);
    /// The extension members (the workspace's policy and rules) to save with the session.
    void setExtensions(const ExtensionValues &values);
    void setRetention(const StoreRetention &retention);
    StoreRetention retention() const;
    StoreStats stats() const;

    // SessionLog
    void attachedTo(Session *session) override;
    BodySink *bodySink() override { return this; }
    void beginBatch(const ExchangeStore &store) override;
    void logAppended(const ExchangeStore &store, qsizetype first, qsizetype count,
                     const QList<qsizetype> &changed,
                     const QList<QPair<quint64, quint64>> &links) override;
    void logRejudged(const ExchangeStore &store, const QList<qsizetype> &changed,
                     const QList<QPair<quint64, quint64>> &links,
                     const QString &profileName) override;
    void logBodyCap(qint64 bytes) override;
    void logCleared() override;
    qsizetype retentionDrop(const ExchangeStore &store) override;
    void logDropped(quint64 firstKeptSeq) override;

    // BodySink
    std::optional<BodyRef> put(quint64 seq, const QByteArray &bytes) override;
    quint64 generation() const override;
    bool get(BodyRef ref, quint64 generation, quint64 seq, qsizetype size, QByteArray *bytes,
             QString *error) const override;

Q_SIGNALS:
    /// Something went wrong writing (disk full...): \a text says what and what still works.
    /// Emitted on the store's thread.
    void warning(const QString &text);
    /// Writing works again after a warning() (a new segment could be written): bodies are kept
    /// again and stats().warning is empty; the bodies not kept meanwhile stay counted. \a text
    /// says so. Emitted on the store's thread.
    void recovered(const QString &text);

public:
    /// One pair of segment files and what it holds.
    struct Segment
    {
        quint32 number = 0;
        quint64 firstSeq = 0;
        qint64 exchanges = 0;
        qint64 bytes = 0;         ///< both files
        qint64 newestStartMs = 0; ///< the newest exchange's start time
        qint64 createdAtMs = 0;
    };

private:
    SessionStore(QString directory, Mode mode, const StoreOptions &options);
    bool lock(QString *error);
    bool startWriting(quint32 segment, quint32 epoch, QString *error);
    void startSegment(const ExchangeStore &store, quint64 firstSeq);
    bool segmentFull(qint64 nowMs) const;
    void queueHead(quint8 type, QByteArray payload);
    void queueDictDelta(const ExchangeStore &store);
    void queueSettings();
    bool writeManifest(bool clean, QString *error);
    qint64 diskBytesLocked() const;

    QString m_directory;
    Mode m_mode;
    StoreOptions m_options;
    int m_lockFd = -1;
    quint32 m_epoch = 1;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<BodyReader> m_reader;
    Session *m_session = nullptr;
    bool m_closed = false;

    mutable QMutex m_mutex; ///< what follows: the log's side of the writer
    std::vector<Segment> m_segments;
    ExchangeStore::DictMark m_dictMark;
    QString m_profileName = QStringLiteral("chromium");
    qint64 m_bodyCap = 64 * 1024;
    ExtensionValues m_extensions;
    qint64 m_droppedByRetention = 0;
    mutable QMutex m_warningMutex; ///< m_lastWarning: set and cleared on the writer thread
    QString m_lastWarning;
};

} // namespace corslab::session
