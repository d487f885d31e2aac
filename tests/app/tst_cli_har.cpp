// corslab-cli har export / import as a script would use them: real process, files, exit codes.
#include "../session/chromium_exchanges.h"
#include "run_cli.h"
#include "session/session.h"
#include "session/session_json.h"

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
    return corslab::testing::runCli(args);
}

// A preflight and its PUT (exposed), and a GET another origin was allowed for (blocked).
QList<CapturedExchange> capture()
{
    const QByteArray app = "https://app.example.com";
    const QByteArray items = "https://api.example.net/items";
    const corslab::base::HeaderList allow = {{"Access-Control-Allow-Origin", app},
                                             {"Access-Control-Allow-Credentials", "true"},
                                             {"Access-Control-Allow-Methods", "PUT"},
                                             {"Access-Control-Allow-Headers", "Content-Type"}};
    X put("PUT", items, kT0 + 10);
    put.request(chromiumFetch("api.example.net", app, "cross-site"))
        .add("Content-Type", "application/json")
        .response(200, allow);
    return {X("OPTIONS", items, kT0)
                .request(chromiumPreflight("api.example.net", app, "PUT", "content-type"))
                .response(204, allow),
            put,
            X("GET", items, kT0 + 20)
                .request(chromiumFetch("api.example.net", app, "cross-site"))
                .response(200, {{"Access-Control-Allow-Origin", "https://else.example.com"}})};
}
} // namespace

class TestCliHar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exportThenImportKeepsTheVerdicts()
    {
        QTemporaryDir dir;
        Session original;
        original.append(capture());
        QString error;
        const QString sessionPath = dir.filePath(QStringLiteral("capture.json"));
        QVERIFY2(writeSessionFile(original, sessionPath, &error), qPrintable(error));

        const QString harPath = dir.filePath(QStringLiteral("capture.har"));
        Run r = cli({QStringLiteral("har"), QStringLiteral("export"), sessionPath,
                     QStringLiteral("-o"), harPath});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("exported 3 exchanges: 1 blocked, 1 preflights paired"),
                 r.out.constData());
        QFile harFile(harPath);
        QVERIFY(harFile.open(QIODevice::ReadOnly));
        const QJsonObject log = QJsonDocument::fromJson(harFile.readAll())
                                    .object()
                                    .value(QStringLiteral("log"))
                                    .toObject();
        QCOMPARE(log.value(QStringLiteral("version")).toString(), QStringLiteral("1.2"));
        const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries.at(0).toObject().value(QStringLiteral("_resourceType")).toString(),
                 QStringLiteral("preflight"));

        const QString backPath = dir.filePath(QStringLiteral("back.json"));
        r = cli({QStringLiteral("har"), QStringLiteral("import"), harPath, QStringLiteral("-o"),
                 backPath});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("imported 3 exchanges"), r.out.constData());
        Session back;
        QVERIFY2(readSessionFile(backPath, &back, &error), qPrintable(error));
        QCOMPARE(back.count(), 3);
        for (qsizetype i = 0; i < 3; ++i) {
            QCOMPARE(back.row(i).verdict, original.row(i).verdict);
            QCOMPARE(back.exchange(i).requestHeaders, original.exchange(i).requestHeaders);
        }
        QCOMPARE(back.row(1).pairing, PairingState::Paired);

        // Another profile on import re-judges.
        r = cli({QStringLiteral("har"), QStringLiteral("import"), harPath, QStringLiteral("-o"),
                 backPath, QStringLiteral("--browser"), QStringLiteral("firefox")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("(profile firefox)"));
    }

    void badUsageAndBadFiles()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("bad.har"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"log": {"version": "1.2", "entries": [{"startedDateTime": 5}]}})");
        file.close();
        const QString out = dir.filePath(QStringLiteral("out.json"));

        Run r =
            cli({QStringLiteral("har"), QStringLiteral("import"), bad, QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("log.entries[0].startedDateTime: expected a string, got 5"),
                 r.err.constData());
        QVERIFY(!QFile::exists(out));

        r = cli({QStringLiteral("har"), QStringLiteral("import"), bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--output"), r.err.constData());

        r = cli({QStringLiteral("har"), QStringLiteral("convert"), bad, QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("expected \"export SESSION"), r.err.constData());

        r = cli({QStringLiteral("har"), QStringLiteral("import"), bad, QStringLiteral("-o"), out,
                 QStringLiteral("--browser"), QStringLiteral("netscape")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--browser"), r.err.constData());

        r = cli({QStringLiteral("har"), QStringLiteral("export"),
                 dir.filePath(QStringLiteral("missing.json")), QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot read"), r.err.constData());

        // A HAR is not a session file: export names what it expected.
        r = cli({QStringLiteral("har"), QStringLiteral("export"), bad, QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("format"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliHar)
#include "tst_cli_har.moc"
