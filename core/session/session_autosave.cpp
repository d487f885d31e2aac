#include "session_autosave.h"

#include "session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

namespace corslab::session {

namespace {

const QString kJournalName = QStringLiteral("session.journal");

/// QSaveFile's temporary files ("session.journal.XXXXXX") that a crash during a rewrite left.
void removeLeftoverTemporaries(const QString &directory)
{
    QDir dir(directory);
    for (const QString &name :
         dir.entryList({kJournalName + QStringLiteral(".*")}, QDir::Files | QDir::Hidden))
        dir.remove(name);
}

} // namespace

SessionAutosave::SessionAutosave(const Session *session, const QString &directory, int intervalMs,
                                 QObject *parent)
    : QObject(parent), m_session(session), m_directory(directory), m_journal(journalPath(directory))
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &SessionAutosave::tick);
    // Direct: the flag is atomic, and the session's signals come from the appending thread.
    const auto direct = Qt::DirectConnection;
    connect(session, &Session::exchangesAdded, this, &SessionAutosave::markDirty, direct);
    connect(session, &Session::cleared, this, &SessionAutosave::markDirty, direct);
    connect(session, &Session::profileChanged, this, &SessionAutosave::markDirty, direct);
}

SessionAutosave::~SessionAutosave()
{
    m_timer.stop();
    waitForWriter();
}

QString SessionAutosave::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/recovery");
}

QString SessionAutosave::journalPath(const QString &directory)
{
    return QDir(directory).filePath(kJournalName);
}

void SessionAutosave::setSettingsSource(SettingsSource source)
{
    m_source = std::move(source);
}

void SessionAutosave::start()
{
    // An idle app writes nothing (a crash then leaves nothing to recover); a session that
    // already holds exchanges (opened, recovered) is saved at the first tick.
    if (m_session->count() > 0)
        m_dirty = true;
    currentSettings(); // the baseline: only a change from here on is worth a save
    m_timer.start();
}

WriteOptions SessionAutosave::currentSettings()
{
    WriteOptions now = m_source ? m_source() : WriteOptions{};
    if (m_lastSettings && *m_lastSettings != now)
        m_dirty = true;
    m_lastSettings = now;
    return now;
}

void SessionAutosave::tick()
{
    const WriteOptions settings = currentSettings();
    if (!m_dirty || (m_writer && !m_writer->isFinished()))
        return;
    waitForWriter();
    // Cleared before the copy: whatever is appended while it runs is saved next time.
    m_dirty = false;
    m_writer = QThread::create([this, settings] {
        QString error;
        if (!m_journal.sync(*m_session, settings, &error))
            m_dirty = true; // try again next time
        const qsizetype exchanges = m_journal.exchanges();
        // Queued to this object's thread: the receiver may touch the GUI.
        QMetaObject::invokeMethod(
            this,
            [this, exchanges, error, stats = m_journal.lastSync()] {
                m_lastSave = stats;
                Q_EMIT saved(exchanges, error);
            },
            Qt::QueuedConnection);
    });
    m_writer->start();
}

bool SessionAutosave::saveNow(QString *error)
{
    waitForWriter();
    const WriteOptions settings = currentSettings();
    m_dirty = false;
    const bool ok = m_journal.sync(*m_session, settings, error);
    if (!ok)
        m_dirty = true;
    m_lastSave = m_journal.lastSync();
    Q_EMIT saved(m_journal.exchanges(), ok ? QString() : *error);
    return ok;
}

bool SessionAutosave::finish(QString *error)
{
    m_timer.stop();
    waitForWriter();
    const bool ok = m_journal.remove(error);
    removeLeftoverTemporaries(m_directory);
    return ok;
}

void SessionAutosave::waitForWriter()
{
    if (m_writer) {
        m_writer->wait();
        delete m_writer;
        m_writer = nullptr;
    }
}

bool SessionAutosave::hasRecovery(const QString &directory)
{
    const QFileInfo journal(journalPath(directory));
    return journal.isFile() && journal.size() > 0;
}

bool SessionAutosave::recover(const QString &directory, Session *session,
                              const SessionExtensions &known, ExtensionValues *values,
                              QString *error)
{
    const QString path = journalPath(directory);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("cannot read the recovery journal %1: %2").arg(path, file.errorString());
        return false;
    }
    // Mapped, not read: a journal of a million exchanges is more than a gigabyte.
    const qint64 size = file.size();
    const uchar *mapped = size > 0 ? file.map(0, size) : nullptr;
    const QByteArray data =
        mapped ? QByteArray::fromRawData(reinterpret_cast<const char *>(mapped), qsizetype(size))
               : file.readAll();
    QString why;
    if (!SessionJournal::read(data, session, known, values, &why)) {
        *error = QStringLiteral("recovery journal %1: %2").arg(path, why);
        return false;
    }
    return true;
}

bool SessionAutosave::discard(const QString &directory, QString *error)
{
    const QString path = journalPath(directory);
    removeLeftoverTemporaries(directory);
    if (QFile::exists(path) && !QFile::remove(path)) {
        if (error)
            *error = QStringLiteral("cannot delete the recovery journal %1").arg(path);
        return false;
    }
    return true;
}

} // namespace corslab::session
