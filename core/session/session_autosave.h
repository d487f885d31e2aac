#pragma once

#include "session_journal.h"
#include "session_json.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <functional>
#include <optional>

class QThread;

namespace corslab::session {

class Session;

/// \brief Keeps a recovery journal of the session up to date while the app runs, so that a
/// crash loses at most the last few seconds of capture.
///
/// Every interval (2 s by default) in which something changed (an exchange was added, the
/// session was cleared or replaced, the profile or the extension members, such as the
/// workspace's policy and rules, changed), a worker thread brings the journal (SessionJournal) up
/// to date: it appends only what is new, so the cost of a save follows the traffic of the interval,
/// not the size of the session. One write at a time; a tick that finds a write still running leaves
/// the work to the next one.
///
/// At start, before start(): hasRecovery() says whether the last run ended without finish()
/// (a crash); recover() loads what it saved, discard() drops it. start() begins a new journal at
/// its first write, replacing any left over. The clean-exit path calls finish(), which deletes
/// the journal; destroying the object without finish() leaves it for the next start.
class SessionAutosave : public QObject
{
    Q_OBJECT

public:
    /// The extension members in force now (and the program's name for the journal's header).
    /// Called on this object's thread at every tick; unchanged values cost a comparison.
    using SettingsSource = std::function<WriteOptions()>;

    /// Journals \a session into \a directory (created when needed) every \a intervalMs.
    SessionAutosave(const Session *session, const QString &directory, int intervalMs = 2000,
                    QObject *parent = nullptr);
    /// Waits for a write under way. Leaves the journal (see finish()).
    ~SessionAutosave() override;

    /// `<AppLocalDataLocation>/recovery`: where the desktop app keeps its journal.
    static QString defaultDirectory();
    /// The journal's file in \a directory.
    static QString journalPath(const QString &directory);

    /// Where the extension members come from; none: the journal has none.
    void setSettingsSource(SettingsSource source);
    /// Starts the periodic saves.
    void start();
    /// Waits for a write under way, then saves what changed now, on the calling thread (for a
    /// save that must not wait for the next tick).
    bool saveNow(QString *error);
    /// The clean exit: stops the saves, waits for a write under way and deletes the journal.
    bool finish(QString *error = nullptr);

    /// What the save last reported by saved() did (see SessionJournal::SyncStats).
    const SessionJournal::SyncStats &lastSave() const { return m_lastSave; }

    /// Whether \a directory holds a journal left by a run that did not finish().
    static bool hasRecovery(const QString &directory);
    /// Loads the journal in \a directory into \a session (replacing its content) and the members
    /// of the \a known extensions it last saved into \a values (may be null). A torn last line
    /// (the crash) is ignored; any other problem gives false and \a error ("recovery journal
    /// /path: line 12: ...") and leaves the session and \a values untouched.
    static bool recover(const QString &directory, Session *session, const SessionExtensions &known,
                        ExtensionValues *values, QString *error);
    /// Deletes the journal in \a directory. False with \a error when it cannot be deleted.
    static bool discard(const QString &directory, QString *error = nullptr);

Q_SIGNALS:
    /// A save finished (emitted on this object's thread): the journal holds \a exchanges, or
    /// \a error says why the save failed (the next one writes a whole new journal).
    void saved(qsizetype exchanges, const QString &error);

private:
    void tick();
    void markDirty() { m_dirty = true; }
    void waitForWriter();
    /// Asks the settings source; a change marks the journal dirty.
    WriteOptions currentSettings();

    const Session *m_session;
    QString m_directory;
    QTimer m_timer;
    SettingsSource m_source;
    std::optional<WriteOptions> m_lastSettings;
    std::atomic<bool> m_dirty{false};
    QThread *m_writer = nullptr;
    SessionJournal m_journal; ///< used by one thread at a time: the writer, or saveNow()
    SessionJournal::SyncStats m_lastSave; ///< this object's thread only
};

} // namespace corslab::session
