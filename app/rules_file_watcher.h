#pragma once

#include "proxy/override_rules.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <functional>

/// \brief A rules file (docs/proxy-rules.md) reloaded when it changes, for the commands that take
/// `--rules` (proxy, attach).
///
/// Each change that parses into rules other than the ones in force comes out of changed(); one
/// that does not parse comes out of rejected() with the field at fault, and the rules in force
/// stay. Editors that replace a file by renaming it are followed (the directory is watched too).
class RulesFileWatcher : public QObject
{
    Q_OBJECT

public:
    /// \a inForce gives the rules in force now, which an unchanged file is compared with.
    RulesFileWatcher(std::function<QList<corslab::proxy::OverrideRule>()> inForce,
                     QObject *parent = nullptr);

    void watch(const QString &path);

Q_SIGNALS:
    /// \a path (absolute) now holds \a rules.
    void changed(const corslab::proxy::OverrideSet &rules, const QString &path);
    void rejected(const QString &error);

private:
    void reload();

    std::function<QList<corslab::proxy::OverrideRule>()> m_inForce;
    QFileSystemWatcher m_watcher;
    QString m_path;
};
