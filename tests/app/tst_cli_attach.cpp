// `corslab-cli attach` as a process, without a browser: a --rules file that does not load is
// refused before anything is attached, with exit code 2 and the file, the field and what was
// expected (the proxy's loader, so the same messages as `proxy --rules`); so is a --url that is
// no browser endpoint, naming the forms each browser answers on.
#include "run_cli.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace corslab::testing;
using namespace Qt::StringLiterals;

class TestCliAttach : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badRulesFileIsRefused_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("unknown field")
            << QByteArray("{\"rules\": [{\"hots\": \"localhost:8080\"}]}")
            << QByteArray("rules[0].hots: unknown field (known: name, enabled, host, path");
        QTest::newRow("URL as host")
            << QByteArray("{\"rules\": [{\"host\": \"http://localhost:8080\"}]}")
            << QByteArray("rules[0].host: expected a host glob");
        QTest::newRow("framing header")
            << QByteArray("{\"rules\": [{\"remove\": [\"Content-Length\"]}]}")
            << QByteArray("rules[0].remove[0]: expected a header name the proxy may change");
        QTest::newRow("invalid JSON")
            << QByteArray("{\"rules\": [,]}") << QByteArray("invalid JSON at line 1, column");
    }

    void badRulesFileIsRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(QByteArray, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"rules.json"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        // Port 1: nothing listens there, and the rules are refused before any lookup.
        const CliRun run = runCli({u"attach"_s, u"--port"_s, u"1"_s, u"--rules"_s, path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.startsWith("corslab-cli attach: --rules: " + path.toUtf8() + ": "),
                 run.err.constData());
        QVERIFY2(run.err.contains(expected), run.err.constData());
        QVERIFY2(!run.out.contains("Attached"), run.out.constData());
    }

    void missingRulesFileIsRefused()
    {
        const CliRun run = runCli({u"attach"_s, u"--rules"_s, u"/nonexistent/rules.json"_s});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(
            run.err.startsWith("corslab-cli attach: --rules: cannot open /nonexistent/rules.json"),
            run.err.constData());
    }

    void badUrlNamesBothEndpoints_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("no scheme") << u"127.0.0.1:9222"_s;
        QTest::newRow("wss") << u"wss://127.0.0.1:9222/session"_s;
        QTest::newRow("no host") << u"ws:///devtools/browser/abc"_s;
    }

    void badUrlNamesBothEndpoints()
    {
        QFETCH(QString, url);
        const CliRun run = runCli({u"attach"_s, u"--url"_s, url});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err, "corslab-cli attach: --url: expected "
                          "ws://HOST:PORT/devtools/browser/ID (Chromium), ws://HOST:PORT/session "
                          "(Firefox) or http://HOST:PORT, got \"" +
                              url.toUtf8() + "\"\n");
        QVERIFY2(!run.out.contains("Attached"), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliAttach)
#include "tst_cli_attach.moc"
