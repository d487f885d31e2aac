// The house rules of docs/ARCHITECTURE.md, checked over the real tree: every include under core/,
// ui/ and app/ follows an arrow the document draws.
#include "layering_check.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace corslab::architecture;

namespace {

QString readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

const char kSmallDocument[] = "# Layers\n<!-- layering -->\n```mermaid\ngraph TD\n"
                              "  app --> ui\n  ui --> session\n  session --> cors & http\n"
                              "  cors --> base\n  http --> base\n```\n";

ModuleGraph smallGraph()
{
    ModuleGraph graph;
    QString error;
    if (!ModuleGraph::fromMarkdown(QString::fromLatin1(kSmallDocument), &graph, &error))
        qFatal("%s", qPrintable(error));
    return graph;
}

} // namespace

class TestLayering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theTreeFollowsTheDocument()
    {
        const QString root = QStringLiteral(CORSLAB_SOURCE_DIR);
        ModuleGraph graph;
        QString error;
        QVERIFY2(ModuleGraph::fromMarkdown(readFile(root + QStringLiteral("/docs/ARCHITECTURE.md")),
                                           &graph, &error),
                 qPrintable(error));
        QVERIFY2(graph.findCycle().isEmpty(), qPrintable(graph.findCycle()));
        const QStringList violations = LayeringCheck(root, graph).violations();
        QVERIFY2(violations.isEmpty(), qPrintable(QStringLiteral("forbidden arrows:\n") +
                                                  violations.join(QLatin1Char('\n'))));
    }

    void documentParsing()
    {
        const ModuleGraph graph = smallGraph();
        QCOMPARE(graph.arrows.value(QStringLiteral("session")),
                 (QSet<QString>{QStringLiteral("cors"), QStringLiteral("http")}));
        QCOMPARE(graph.reachableFrom(QStringLiteral("ui")),
                 (QSet<QString>{QStringLiteral("session"), QStringLiteral("cors"),
                                QStringLiteral("http"), QStringLiteral("base")}));
        QVERIFY(graph.reachableFrom(QStringLiteral("base")).isEmpty());
        QVERIFY(graph.findCycle().isEmpty());

        ModuleGraph none;
        QString error;
        QVERIFY(!ModuleGraph::fromMarkdown(QStringLiteral("# no marker"), &none, &error));
        QVERIFY(error.contains(QStringLiteral("<!-- layering -->")));
    }

    void aCycleIsFound()
    {
        ModuleGraph graph = smallGraph();
        graph.arrows[QStringLiteral("base")].insert(QStringLiteral("session"));
        QVERIFY(graph.findCycle().contains(QStringLiteral("base -> session")));
    }

    // The check itself fails on a forbidden include: a tiny tree where the session includes the
    // GUI, a module the document does not draw, and a CMake DEPENDS that goes up.
    void forbiddenArrowsAreNamed()
    {
        QTemporaryDir tree;
        QVERIFY(tree.isValid());
        const QDir root(tree.path());
        for (const char *dir : {"core/session", "core/cors", "core/base", "core/http", "ui", "app"})
            QVERIFY(root.mkpath(QLatin1String(dir)));
        QVERIFY(writeFile(root.filePath(QStringLiteral("core/cors/engine.h")),
                          "#include \"base/list.h\"\n#include <QString>\n"));
        QVERIFY(writeFile(root.filePath(QStringLiteral("core/base/list.h")), "#pragma once\n"));
        QVERIFY(writeFile(root.filePath(QStringLiteral("ui/window.h")),
                          "#include \"session/store.h\"\n"));
        QVERIFY(writeFile(root.filePath(QStringLiteral("app/main.cpp")),
                          "#include \"window.h\"\n#include \"moc_main.cpp\"\n"));
        QVERIFY(writeFile(root.filePath(QStringLiteral("core/session/store.h")),
                          "#pragma once\n#include \"cors/engine.h\"\n#include \"store_impl.h\"\n"
                          "\n  #  include \"window.h\"\n"));
        QVERIFY(writeFile(root.filePath(QStringLiteral("core/session/store_impl.h")), ""));
        QVERIFY(writeFile(root.filePath(QStringLiteral("core/http/CMakeLists.txt")),
                          "corslab_module(http\n  SOURCES a.cpp\n  DEPENDS base session\n"
                          "  LIBS Qt6::Network)\n"));
        QVERIFY(root.mkpath(QStringLiteral("core/extra")));

        const QStringList violations = LayeringCheck(tree.path(), smallGraph()).violations();
        QCOMPARE(violations,
                 (QStringList{
                     QStringLiteral("core/extra/: module extra is not drawn in "
                                    "docs/ARCHITECTURE.md's layering"),
                     QStringLiteral("core/http/CMakeLists.txt: DEPENDS session: http may not use "
                                    "session (docs/ARCHITECTURE.md lets http use base)"),
                     QStringLiteral("core/session/store.h:5: #include \"window.h\": session may "
                                    "not use ui (docs/ARCHITECTURE.md lets session use base, "
                                    "cors, http)"),
                 }));
    }
};

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
