#pragma once

#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

namespace corslab::architecture {

/// \brief The module graph docs/ARCHITECTURE.md draws: which module may use which.
///
/// The document's Mermaid block after the marker line `<!-- layering -->` lists the direct
/// arrows (`proxy --> session & policy`); a module may use every module it reaches through them
/// (a layer sees everything below it), and nothing else.
struct ModuleGraph
{
    QMap<QString, QSet<QString>> arrows; ///< module -> the modules it uses directly

    /// Parses \a markdown; false with \a error when the marker or the block is missing.
    static bool fromMarkdown(const QString &markdown, ModuleGraph *out, QString *error);
    /// Every module \a module reaches through the arrows (itself excluded).
    QSet<QString> reachableFrom(const QString &module) const;
    /// A cycle in the arrows, as "a -> b -> a"; empty when there is none.
    QString findCycle() const;
    QStringList modules() const;
};

/// \brief Checks the includes of a source tree against a ModuleGraph.
///
/// The modules are core/<name>/ (named <name>), ui/ ("ui") and app/ ("app"). A quoted include
/// names the module it reaches: "proxy/override_rules.h" is module proxy; "main_window.h" from
/// app/ is found in ui/. Includes that resolve to no file of the tree (Qt, llhttp, generated moc
/// files) are not arrows.
class LayeringCheck
{
public:
    LayeringCheck(QString root, ModuleGraph graph);

    /// One line per forbidden include, "core/session/session_json.h:4: #include
    /// "proxy/override_rules.h": session may not use proxy (...)"; one per module directory the
    /// document does not draw; one per module whose CMake DEPENDS names a module it may not use.
    QStringList violations() const;

private:
    QStringList includeViolations(const QString &file, const QString &module) const;
    QStringList cmakeViolations(const QString &module) const;
    QString moduleOfInclude(const QString &file, const QString &include) const;
    QString moduleOfPath(const QString &relativePath) const;
    QString allowedText(const QString &module) const;
    QStringList moduleDirectories() const;

    QString m_root;
    ModuleGraph m_graph;
};

} // namespace corslab::architecture
