#pragma once

#include "session_json.h"

#include <QByteArray>
#include <QFile>
#include <QString>

namespace corslab::session {

class Session;

/// The recovery journal's format version this build writes and the newest it reads.
constexpr int kJournalFormatVersion = 1;

/// \brief The autosave's recovery journal (docs/session-format.md#recovery-journal): a session
/// kept on disk by appending, so that saving costs what was added since the last save, not the
/// whole session.
///
/// One JSON object per line: a header, then settings lines (profile, body cap, the extension
/// members such as the workspace's policy and rules) whenever they change, and chunks of new
/// exchanges in the session file's form. The first sync(), and the first after the session was
/// cleared or replaced (its generation changed) or after a failed write, writes a whole new journal
/// atomically (QSaveFile: a temporary file renamed over the old one); every other sync() appends
/// lines and flushes them to the disk (fdatasync). A crash can only tear the last line, which
/// read() ignores.
///
/// Not thread-safe: one thread at a time calls sync() (the session itself may be appended to
/// meanwhile).
class SessionJournal
{
public:
    /// What the last sync() did.
    struct SyncStats
    {
        bool rewritten = false;  ///< a whole new journal, not an append
        qsizetype exchanges = 0; ///< exchanges written by this sync
        qint64 bytes = 0;        ///< bytes written by this sync
        qint64 wallNs = 0;       ///< time taken, copying, encoding and syncing to disk included
    };

    /// What read() found besides the exchanges.
    struct ReadStats
    {
        qsizetype lines = 0;         ///< complete lines read, the header included
        qint64 ignoredTailBytes = 0; ///< a torn last line (a crash mid-write), ignored
    };

    /// The journal at \a path (its directory is created when needed).
    explicit SessionJournal(QString path);
    ~SessionJournal();
    SessionJournal(const SessionJournal &) = delete;
    SessionJournal &operator=(const SessionJournal &) = delete;

    const QString &path() const { return m_path; }
    /// Brings the journal up to date with \a session and \a options (the extension members go
    /// in the settings lines, the program's name in the header). False with \a error on a write
    /// failure; the next sync() then writes a whole new journal.
    bool sync(const Session &session, const WriteOptions &options, QString *error);
    const SyncStats &lastSync() const { return m_stats; }
    /// Exchanges the journal holds (as of the last successful sync()).
    qsizetype exchanges() const { return m_written; }
    /// Closes the journal and deletes its file. False with \a error when it cannot be deleted.
    bool remove(QString *error);

    /// Reads journal \a data into \a session (replacing its content, as readSession() does) and
    /// the members of the \a known extensions of the last settings line into \a values (may be
    /// null). A torn last line is ignored; any other problem gives false and \a error naming
    /// the line and the field ("line 12: exchanges[3].request.method: expected ..."), the
    /// session and \a values left untouched.
    static bool read(const QByteArray &data, Session *session, const SessionExtensions &known,
                     ExtensionValues *values, QString *error, ReadStats *stats = nullptr);

private:
    bool rewrite(const Session &session, const WriteOptions &options, const QByteArray &settings,
                 QString *error);
    bool appendNew(const Session &session, const QByteArray &settings, QString *error);
    /// Appends chunk lines for exchanges [m_written, total) to \a lines; flushes to \a device
    /// every few megabytes. False when the session was cleared meanwhile.
    bool encodeExchanges(const Session &session, qsizetype from, qsizetype total,
                         quint64 generation, QByteArray *lines, QIODevice *device, QString *error);
    bool writeOut(QIODevice *device, QByteArray *lines, QString *error);

    QString m_path;
    QFile m_file;               ///< open for appending after the first rewrite
    quint64 m_generation = 0;   ///< the session generation the journal holds; 0: none yet
    qsizetype m_written = 0;    ///< exchanges in the journal
    QByteArray m_settings;      ///< the last settings line written
    bool m_needsRewrite = true; ///< no journal yet, or a write failed midway
    SyncStats m_stats;
};

} // namespace corslab::session
