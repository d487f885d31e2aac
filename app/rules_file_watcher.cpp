#include "rules_file_watcher.h"

#include <QFileInfo>

using namespace corslab;

RulesFileWatcher::RulesFileWatcher(std::function<QList<proxy::OverrideRule>()> inForce,
                                   QObject *parent)
    : QObject(parent), m_inForce(std::move(inForce))
{
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &RulesFileWatcher::reload);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &RulesFileWatcher::reload);
}

void RulesFileWatcher::watch(const QString &path)
{
    m_path = QFileInfo(path).absoluteFilePath();
    m_watcher.addPath(m_path);
    m_watcher.addPath(QFileInfo(m_path).absolutePath()); // editors replace files by renaming
}

void RulesFileWatcher::reload()
{
    if (!QFileInfo::exists(m_path))
        return;
    if (!m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
    proxy::OverrideSet set;
    QString why;
    if (!proxy::OverrideSet::loadFile(m_path, &set, &why)) {
        Q_EMIT rejected(why);
        return;
    }
    if (set.rules() == m_inForce())
        return;
    Q_EMIT changed(set, m_path);
}
