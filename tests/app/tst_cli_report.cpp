// corslab-cli report as a script would use it: a real session file, the real process, the files
// it writes, exit codes and error messages.
#include "../session/chromium_exchanges.h"
#include "run_cli.h"
#include "session/session.h"
#include "session/session_json.h"
#include "workspace/workspace_file.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
using Run = corslab::testing::CliRun;

Run cli(const QStringList &args)
{
    return corslab::testing::runCli(QStringList{QStringLiteral("report")} + args);
}

const QByteArray kItems = "https://api.example.net/items";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestCliReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_session;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A credentialed PUT answered with '*' (blocked), an exposed GET, a blocked GET.
        Session s;
        s.append(
            {X("OPTIONS", kItems, kT0)
                 .request(chromiumPreflight("api.example.net", kApp, "PUT", "content-type"))
                 .response(204, {{"Access-Control-Allow-Origin", kApp},
                                 {"Access-Control-Allow-Credentials", "true"},
                                 {"Access-Control-Allow-Methods", "PUT"},
                                 {"Access-Control-Allow-Headers", "Content-Type"}}),
             X("PUT", kItems, kT0 + 20)
                 .request(chromiumFetch("api.example.net", kApp, "cross-site"))
                 .add("Content-Type", "application/json")
                 .add("Cookie", "sid=1")
                 .response(200, {{"Access-Control-Allow-Origin", "*"}}),
             X("GET", kItems, kT0 + 40)
                 .request(chromiumFetch("api.example.net", kApp, "cross-site"))
                 .response(200, {{"Access-Control-Allow-Origin", "*"}}),
             X("GET", kItems, kT0 + 60)
                 .request(chromiumFetch("api.example.net", "https://evil.example", "cross-site"))
                 .response(200, {{"Access-Control-Allow-Origin", kApp}})});
        m_session = path("session.json");
        QString error;
        QVERIFY2(writeSessionFile(s, m_session, &error, QStringLiteral("tst_cli_report")),
                 qPrintable(error));
    }

    void htmlFromTheExtension()
    {
        const QString out = path("report.html");
        const Run r = cli({m_session, QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.startsWith("Wrote " + out.toUtf8() +
                                 " (html): 4 exchanges judged as "
                                 "Chromium, 2 blocked in 2 pairs"));
        const QByteArray html = readAll(out);
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QVERIFY(html.contains("WildcardOriginNotAllowed"));
        QVERIFY(html.contains("Access-Control-Allow-Credentials: true"));
    }

    void markdownAndJson()
    {
        const QString md = path("ticket.txt");
        Run r = cli({m_session, QStringLiteral("--format"), QStringLiteral("md"),
                     QStringLiteral("-o"), md});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(readAll(md).startsWith("# CORS report: 4 exchanges, judged as Chromium"));

        const QString json = path("report.json");
        r = cli({m_session, QStringLiteral("-o"), json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(readAll(json)).object();
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QStringLiteral("corslab-report"));
        QCOMPARE(o.value(QStringLiteral("profile")).toString(), QStringLiteral("chromium"));
        QCOMPARE(o.value(QStringLiteral("blockedPairs")).toArray().size(), 2);
        QCOMPARE(o.value(QStringLiteral("generatedBy")).toString().left(12),
                 QStringLiteral("corslab-cli "));
    }

    void toStandardOutput()
    {
        const Run r = cli({m_session, QStringLiteral("-f"), QStringLiteral("json"),
                           QStringLiteral("-o"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out)
                     .object()
                     .value(QStringLiteral("summary"))
                     .toObject()
                     .value(QStringLiteral("exchanges"))
                     .toInt(),
                 4);
    }

    void anotherProfile()
    {
        const Run r = cli({m_session, QStringLiteral("--profile"), QStringLiteral("firefox"),
                           QStringLiteral("-o"), QStringLiteral("-"), QStringLiteral("-f"),
                           QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("profile")).toString(), QStringLiteral("firefox"));
        // Firefox's texts are the current ones in the explanation.
        const QJsonArray texts = o.value(QStringLiteral("blockedPairs"))
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(QStringLiteral("explanation"))
                                     .toObject()
                                     .value(QStringLiteral("browserTexts"))
                                     .toArray();
        QVERIFY(!texts.isEmpty());
        QVERIFY(texts.first()
                    .toObject()
                    .value(QStringLiteral("label"))
                    .toString()
                    .startsWith(QLatin1String("Firefox")));
    }

    void maxPairs()
    {
        const Run r = cli({m_session, QStringLiteral("--max-pairs"), QStringLiteral("1"),
                           QStringLiteral("-o"), QStringLiteral("-"), QStringLiteral("-f"),
                           QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("blockedPairs")).toArray().size(), 1);
        QCOMPARE(o.value(QStringLiteral("moreBlockedPairs")).toArray().size(), 1);
    }

    void badInputNamesTheOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString out = m_dir.filePath(QStringLiteral("x.html"));
        QTest::newRow("format") << QStringList{m_session, QStringLiteral("--format"),
                                               QStringLiteral("pdf"), QStringLiteral("-o"), out}
                                << QStringLiteral(
                                       "--format: expected html, md or json, got \"pdf\"");
        QTest::newRow("profile") << QStringList{m_session, QStringLiteral("--profile"),
                                                QStringLiteral("netscape"), QStringLiteral("-o"),
                                                out}
                                 << QStringLiteral("--profile: expected one of chromium");
        QTest::newRow("max-pairs") << QStringList{m_session, QStringLiteral("--max-pairs"),
                                                  QStringLiteral("-3"), QStringLiteral("-o"), out}
                                   << QStringLiteral("--max-pairs: expected a whole number");
        QTest::newRow("no output")
            << QStringList{m_session} << QStringLiteral("-o/--output: expected the report file");
        QTest::newRow("no session") << QStringList{QStringLiteral("-o"), out}
                                    << QStringLiteral("expected exactly one session file");
        QTest::newRow("missing file")
            << QStringList{m_dir.filePath(QStringLiteral("nope.json")), QStringLiteral("-o"), out}
            << QStringLiteral("nope.json");
    }

    void badInputNamesTheOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("x.html"))));
    }

    void corruptSessionGivesTheReadersError()
    {
        QByteArray json = readAll(m_session);
        json.replace("\"status\": 204", "\"status\": \"abc\"");
        json.replace("\"status\":204", "\"status\":\"abc\"");
        const QString corrupt = path("corrupt.json");
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        f.close();
        SessionFile parsed;
        QString expected;
        QVERIFY(!corslab::workspace::parseJson(json, &parsed, nullptr, &expected));
        QVERIFY(expected.contains(QLatin1String("status")));

        const Run r = cli({corrupt, QStringLiteral("-o"), path("corrupt.html")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
        QVERIFY(!QFile::exists(path("corrupt.html")));
    }

    void unwritableOutputFails()
    {
        const QString out = m_dir.filePath(QStringLiteral("no/such/dir/report.html"));
        const Run r = cli({m_session, QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(QString::fromUtf8(r.err).contains(out), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliReport)
#include "tst_cli_report.moc"
