// The Lab's session store: where the session lives on disk, which store that is (the app's own,
// or one the user opened), crash recovery, and the figures for the status bar.
#include "lab.h"
#include "session/session_journal.h"
#include "session_feeder.h"
#include "workspace/workspace_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>

Q_DECLARE_LOGGING_CATEGORY(lcLab)

namespace corslab::lab {

namespace {

// The session store's figures (status bar) and retention by age are checked this often.
constexpr int kStoreTickMs = 1000;

// In the recovery directory while the session lives in a store the user opened: that store's
// path, so that a crash is recovered from it (the app's own store is not used meanwhile).
const char kOpenStoreFile[] = "open-store";

bool sameDirectory(const QString &a, const QString &b)
{
    return QDir::cleanPath(QFileInfo(a).absoluteFilePath()) ==
           QDir::cleanPath(QFileInfo(b).absoluteFilePath());
}

/// Opens the store at \a path for writing into \a staging, with the policy and rules it saved.
bool openForWriting(const QString &path, session::Session *staging, workspace::Workspace *saved,
                    QString *error)
{
    session::ExtensionValues values;
    session::StoreOptions options;
    options.createdBy = QStringLiteral("CORS Lab %1").arg(QCoreApplication::applicationVersion());
    if (!session::SessionStore::open(path, session::SessionStore::Mode::ReadWrite, options, staging,
                                     workspace::extensions(), &values, nullptr, error))
        return false;
    *saved = workspace::fromValues(values);
    return true;
}

} // namespace

QString Lab::recoveryDirectory() const
{
    return m_options.recoveryDirectory.isEmpty() ? session::journal::defaultDirectory()
                                                 : m_options.recoveryDirectory;
}

QString Lab::storePath() const
{
    return QDir(recoveryDirectory()).filePath(QStringLiteral("session.corslab"));
}

QString Lab::openStorePointer() const
{
    return QDir(recoveryDirectory()).filePath(QString::fromLatin1(kOpenStoreFile));
}

// The store a crash left the user's session in, or empty.
QString Lab::userStoreLeftOpen() const
{
    QFile pointer(openStorePointer());
    if (!pointer.open(QIODevice::ReadOnly))
        return {};
    const QString path = QString::fromUtf8(pointer.readAll()).trimmed();
    return !path.isEmpty() && session::SessionStore::wasLeftOpen(path) ? path : QString();
}

session::StoreOptions Lab::ownStoreOptions() const
{
    session::StoreOptions options;
    options.createdBy = QStringLiteral("CORS Lab %1").arg(QCoreApplication::applicationVersion());
    options.retention = m_options.retention;
    return options;
}

// The session lives on disk from now on: bodies in the store's files, every change synced
// within a second.
void Lab::startStore()
{
    m_storeDirectory = storePath();
    QMetaObject::invokeMethod(
        m_feeder,
        [this, options = ownStoreOptions(), extensions = writeOptions().extensions] {
            createOwnStore(options, extensions);
        },
        Qt::QueuedConnection);
    startStoreTicker();
}

// On the session thread, between batches: what the session holds now goes into the app's own
// store, a new one.
void Lab::createOwnStore(const session::StoreOptions &options,
                         const session::ExtensionValues &extensions)
{
    const QString path = storePath();
    QString error;
    if (session::SessionStore::isStore(path) && !session::SessionStore::remove(path, &error))
        qCWarning(lcLab) << "session store:" << error;
    if (!session::SessionStore::create(path, options, m_session.get(), &error)) {
        qCWarning(lcLab) << "session store:" << error;
        QMetaObject::invokeMethod(this, [this, error] { Q_EMIT storeWarning(error); });
        return;
    }
    auto *store = static_cast<session::SessionStore *>(m_session->log());
    store->setExtensions(extensions);
    watchStore(options.retention);
}

// On the session thread: the store the session lives in now tells its warnings here.
void Lab::watchStore(const session::StoreRetention &retention)
{
    if (auto *store = dynamic_cast<session::SessionStore *>(m_session->log())) {
        store->setRetention(retention);
        connect(store, &session::SessionStore::warning, this, &Lab::storeWarning,
                Qt::UniqueConnection);
        connect(store, &session::SessionStore::recovered, this, &Lab::storeRecovered,
                Qt::UniqueConnection);
    }
}

void Lab::startStoreTicker()
{
    connect(&m_storeTicker, &QTimer::timeout, this, &Lab::tickStore, Qt::UniqueConnection);
    m_storeTicker.start(kStoreTickMs);
}

// On the session thread. Whether the session lives in a store the user opened (not the app's).
bool Lab::inUserStore() const
{
    const auto *store = dynamic_cast<const session::SessionStore *>(m_session->log());
    return store && !sameDirectory(store->directory(), storePath());
}

QString Lab::currentStoreDirectory() const
{
    const auto *store = dynamic_cast<const session::SessionStore *>(m_session->log());
    return store ? store->directory() : QString();
}

// On the session thread: \a staging replaces the session. A store the user opened goes on being
// the session's store; the app's own store, replaced by it, is deleted; a store the user opened
// before is closed whole, never cleared. Returns the session's store directory now.
QString Lab::adoptStaging(session::Session &staging, const session::StoreOptions &ownOptions)
{
    std::unique_ptr<session::SessionLog> userStore;
    if (inUserStore())
        userStore = m_session->takeLog();
    m_session->adopt(staging);
    if (std::unique_ptr<session::SessionLog> replaced = staging.takeLog()) {
        if (auto *own = dynamic_cast<session::SessionStore *>(replaced.get()))
            own->removeFiles();
    }
    const bool leftUserStore = userStore != nullptr;
    userStore.reset();
    if (leftUserStore && !m_session->log() && m_options.autosave)
        createOwnStore(ownOptions, {}); // the next tick saves the policy and rules with it
    watchStore(ownOptions.retention);
    return currentStoreDirectory();
}

// On the session thread. Clear empties the session; a store the user opened stays as it is
// (closed whole) and the app's own store takes over.
void Lab::clearOnSessionThread(const session::StoreOptions &ownOptions)
{
    if (!inUserStore()) {
        m_session->clear();
        return;
    }
    std::unique_ptr<session::SessionLog> userStore = m_session->takeLog();
    m_session->clear();
    userStore.reset();
    if (m_options.autosave)
        createOwnStore(ownOptions, {});
    QMetaObject::invokeMethod(
        this, [this, now = currentStoreDirectory()] { storeChanged(now); }, Qt::QueuedConnection);
}

// On this thread, after the session's store changed to \a directory (empty: none).
void Lab::storeChanged(const QString &directory)
{
    m_storeDirectory = directory;
    const bool userStore = !directory.isEmpty() && !sameDirectory(directory, storePath());
    if (userStore) {
        QSaveFile pointer(openStorePointer());
        QDir().mkpath(recoveryDirectory());
        if (!pointer.open(QIODevice::WriteOnly) || pointer.write(directory.toUtf8()) < 0 ||
            !pointer.commit())
            qCWarning(lcLab) << "cannot note the open store for crash recovery:"
                             << pointer.errorString();
    } else {
        QFile::remove(openStorePointer());
    }
    if (!directory.isEmpty())
        startStoreTicker();
}

// At exit, with the session thread stopped: the app's own store is no longer needed (Save
// session keeps the session); a store the user opened is closed whole, and stays.
void Lab::closeStore()
{
    const bool own = !inUserStore();
    std::unique_ptr<session::SessionLog> log = m_session->takeLog();
    if (auto *store = dynamic_cast<session::SessionStore *>(log.get()); store && own)
        store->removeFiles();
    log.reset();
    QFile::remove(openStorePointer());
}

QString Lab::storeDirectory() const
{
    return m_storeDirectory;
}

quint64 Lab::openStore(const QString &path)
{
    if (sameDirectory(path, m_storeDirectory)) {
        // Already the session's store (it holds the lock): nothing to read again.
        const quint64 job = ++m_lastJob;
        QMetaObject::invokeMethod(
            this, [this, job, path] { Q_EMIT fileJobFinished(job, path, {}); },
            Qt::QueuedConnection);
        return job;
    }
    return loadJob(path, [](const QString &file, session::Session *staging,
                            workspace::Workspace *saved, QString *error) {
        if (openForWriting(file, staging, saved, error))
            return true;
        // Another program is recording it: say what can be done meanwhile.
        if (session::SessionStore::inUseElsewhere(file))
            *error += QStringLiteral(". While it records, `corslab-cli session info|export` "
                                     "read it");
        return false;
    });
}

// Every second: the figures for the status bar, the policy and rules to save with the session,
// and retention by age (which drops exchanges even when nothing new arrives).
void Lab::tickStore()
{
    const session::ExtensionValues extensions = writeOptions().extensions;
    QMetaObject::invokeMethod(
        m_feeder,
        [this, extensions] {
            auto *store = dynamic_cast<session::SessionStore *>(m_session->log());
            if (!store)
                return;
            store->setExtensions(extensions);
            m_session->applyRetention();
            const session::StoreStats stats = store->stats();
            QMetaObject::invokeMethod(this, [this, stats] {
                m_storeStats = stats;
                Q_EMIT storeStatsChanged();
            });
        },
        Qt::QueuedConnection);
}

void Lab::setRetention(const session::StoreRetention &retention)
{
    m_options.retention = retention;
    QMetaObject::invokeMethod(
        m_feeder,
        [this, retention] {
            if (auto *store = dynamic_cast<session::SessionStore *>(m_session->log())) {
                store->setRetention(retention);
                m_session->applyRetention();
            }
        },
        Qt::QueuedConnection);
}

// A store left open (the app's own, or one the user had opened), or the JSON journal of a build
// from before the store.
bool Lab::hasRecovery() const
{
    return session::SessionStore::wasLeftOpen(storePath()) || !userStoreLeftOpen().isEmpty() ||
           session::journal::hasRecovery(recoveryDirectory());
}

quint64 Lab::recover()
{
    QString store = session::SessionStore::wasLeftOpen(storePath()) ? storePath() : QString();
    if (store.isEmpty())
        store = userStoreLeftOpen();
    const bool fromStore = !store.isEmpty();
    // Reopened for writing: the session goes on in the same store.
    const quint64 job = loadJob(fromStore ? store : recoveryDirectory(),
                                [fromStore](const QString &path, session::Session *staging,
                                            workspace::Workspace *saved, QString *error) {
                                    return fromStore
                                               ? openForWriting(path, staging, saved, error)
                                               : workspace::recover(path, staging, saved, error);
                                });
    auto *once = new QObject(this);
    connect(this, &Lab::fileJobFinished, once, [this, job, once](quint64 done) {
        if (done != job)
            return;
        once->deleteLater();
        session::journal::discard(recoveryDirectory()); // read, or refused: done with it
        if (m_options.autosave && m_storeDirectory.isEmpty())
            startStore();
    });
    return job;
}

// What the last run left is not wanted: the app's own store and journal go; a store the user
// had opened stays theirs (File → Open cuts a torn tail the crash left).
void Lab::discardRecovery()
{
    session::journal::discard(recoveryDirectory());
    QFile::remove(openStorePointer());
    QString error;
    if (session::SessionStore::isStore(storePath()) &&
        !session::SessionStore::remove(storePath(), &error))
        qCWarning(lcLab) << "session store:" << error;
    if (m_options.autosave)
        startStore();
}

} // namespace corslab::lab
