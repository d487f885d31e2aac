#include "layering_check.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

namespace corslab::architecture {

namespace {

const QString kMarker = QStringLiteral("<!-- layering -->");

QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

/// The arrows of one Mermaid line, "a --> b & c" (other lines: none).
void addArrows(const QString &line, QMap<QString, QSet<QString>> *arrows)
{
    static const QRegularExpression arrow(QStringLiteral(R"(^\s*(\w+)\s*-->\s*([\w\s&]+?)\s*$)"));
    const QRegularExpressionMatch m = arrow.match(line);
    if (!m.hasMatch())
        return;
    QSet<QString> &targets = (*arrows)[m.captured(1)];
    for (const QString &target : m.captured(2).split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        targets.insert(target.trimmed());
        arrows->insert(target.trimmed(), arrows->value(target.trimmed())); // known, maybe a leaf
    }
}

bool findCycleFrom(const QMap<QString, QSet<QString>> &arrows, const QString &module,
                   QStringList *path, QSet<QString> *done)
{
    if (path->contains(module)) {
        path->append(module);
        return true;
    }
    if (done->contains(module))
        return false;
    path->append(module);
    QStringList targets = arrows.value(module).values();
    targets.sort();
    for (const QString &target : targets)
        if (findCycleFrom(arrows, target, path, done))
            return true;
    path->removeLast();
    done->insert(module);
    return false;
}

} // namespace

bool ModuleGraph::fromMarkdown(const QString &markdown, ModuleGraph *out, QString *error)
{
    const qsizetype marker = markdown.indexOf(kMarker);
    const qsizetype open = markdown.indexOf(QStringLiteral("```mermaid"), marker);
    const qsizetype close = markdown.indexOf(QStringLiteral("```"), open + 10);
    if (marker < 0 || open < 0 || close < 0) {
        *error =
            QStringLiteral("expected a line \"%1\" followed by a ```mermaid block").arg(kMarker);
        return false;
    }
    out->arrows.clear();
    for (const QString &line : markdown.mid(open, close - open).split(QLatin1Char('\n')))
        addArrows(line, &out->arrows);
    if (out->arrows.isEmpty()) {
        *error = QStringLiteral("the layering block has no arrow (\"proxy --> session\")");
        return false;
    }
    return true;
}

QSet<QString> ModuleGraph::reachableFrom(const QString &module) const
{
    QSet<QString> seen;
    QStringList todo = arrows.value(module).values();
    while (!todo.isEmpty()) {
        const QString next = todo.takeLast();
        if (seen.contains(next))
            continue;
        seen.insert(next);
        todo += arrows.value(next).values();
    }
    seen.remove(module);
    return seen;
}

QString ModuleGraph::findCycle() const
{
    QSet<QString> done;
    for (const QString &module : modules()) {
        QStringList path;
        if (findCycleFrom(arrows, module, &path, &done))
            return path.mid(path.indexOf(path.last())).join(QStringLiteral(" -> "));
    }
    return {};
}

QStringList ModuleGraph::modules() const
{
    return arrows.keys();
}

LayeringCheck::LayeringCheck(QString root, ModuleGraph graph)
    : m_root(std::move(root)), m_graph(std::move(graph))
{
}

QStringList LayeringCheck::violations() const
{
    QStringList found;
    for (const QString &directory : moduleDirectories()) {
        const QString module = moduleOfPath(directory + QStringLiteral("/x"));
        if (!m_graph.arrows.contains(module)) {
            found +=
                QStringLiteral("%1/: module %2 is not drawn in docs/ARCHITECTURE.md's layering")
                    .arg(directory, module);
            continue;
        }
        QDirIterator it(m_root + QLatin1Char('/') + directory,
                        {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = QDir(m_root).relativeFilePath(it.next());
            found += includeViolations(file, module);
        }
        found += cmakeViolations(module);
    }
    std::sort(found.begin(), found.end());
    return found;
}

QStringList LayeringCheck::includeViolations(const QString &file, const QString &module) const
{
    static const QRegularExpression include(QStringLiteral(R"re(^\s*#\s*include\s*"([^"]+)")re"));
    const QSet<QString> allowed = m_graph.reachableFrom(module);
    QStringList found;
    const QStringList lines = readText(m_root + QLatin1Char('/') + file).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QRegularExpressionMatch m = include.match(lines.at(i));
        if (!m.hasMatch())
            continue;
        const QString target = moduleOfInclude(file, m.captured(1));
        if (target.isEmpty() || target == module || allowed.contains(target))
            continue;
        found += QStringLiteral("%1:%2: #include \"%3\": %4 may not use %5 (%6)")
                     .arg(file)
                     .arg(i + 1)
                     .arg(m.captured(1), module, target, allowedText(module));
    }
    return found;
}

QStringList LayeringCheck::cmakeViolations(const QString &module) const
{
    static const QRegularExpression depends(
        QStringLiteral(R"(DEPENDS([\w\s]*?)(\)|\n\s*[A-Z]+\s))"));
    const QString path = QStringLiteral("core/%1/CMakeLists.txt").arg(module);
    const QRegularExpressionMatch m = depends.match(readText(m_root + QLatin1Char('/') + path));
    QStringList found;
    if (!m.hasMatch())
        return found;
    const QSet<QString> allowed = m_graph.reachableFrom(module);
    for (const QString &used :
         m.captured(1).split(QRegularExpression(QStringLiteral(R"(\s+)")), Qt::SkipEmptyParts))
        if (!allowed.contains(used))
            found += QStringLiteral("%1: DEPENDS %2: %3 may not use %2 (%4)")
                         .arg(path, used, module, allowedText(module));
    return found;
}

QString LayeringCheck::moduleOfInclude(const QString &file, const QString &include) const
{
    const QDir root(m_root);
    const QString besideFile = QFileInfo(file).path() + QLatin1Char('/') + include;
    QStringList candidates{QStringLiteral("core/") + include, besideFile};
    if (!include.contains(QLatin1Char('/')))
        candidates += {QStringLiteral("ui/") + include, QStringLiteral("app/") + include};
    for (const QString &candidate : candidates)
        if (QFileInfo::exists(root.filePath(candidate)))
            return moduleOfPath(QDir::cleanPath(candidate));
    return {};
}

QString LayeringCheck::moduleOfPath(const QString &relativePath) const
{
    const QStringList parts = relativePath.split(QLatin1Char('/'));
    if (parts.size() >= 3 && parts.first() == QLatin1String("core"))
        return parts.at(1);
    if (parts.size() >= 2 &&
        (parts.first() == QLatin1String("ui") || parts.first() == QLatin1String("app")))
        return parts.first();
    return {};
}

QString LayeringCheck::allowedText(const QString &module) const
{
    QStringList allowed = m_graph.reachableFrom(module).values();
    std::sort(allowed.begin(), allowed.end());
    return allowed.isEmpty()
               ? QStringLiteral("docs/ARCHITECTURE.md: %1 uses no other module").arg(module)
               : QStringLiteral("docs/ARCHITECTURE.md lets %1 use %2")
                     .arg(module, allowed.join(QStringLiteral(", ")));
}

QStringList LayeringCheck::moduleDirectories() const
{
    QStringList directories;
    const QDir core(m_root + QStringLiteral("/core"));
    for (const QString &name : core.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        directories += QStringLiteral("core/") + name;
    for (const char *top : {"ui", "app"})
        if (QDir(m_root + QLatin1Char('/') + QLatin1String(top)).exists())
            directories += QLatin1String(top);
    return directories;
}

} // namespace corslab::architecture
