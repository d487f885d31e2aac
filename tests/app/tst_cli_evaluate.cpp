// corslab-cli evaluate as a script would use it: real process, files, stdin, exit codes.
#include "run_cli.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryFile>
#include <QtTest>

namespace {
using Run = corslab::testing::CliRun;

Run cli(const QStringList &args, const QByteArray &input = QByteArray())
{
    return corslab::testing::runCli(args, input, 30000);
}

QString example(const char *name)
{
    return QStringLiteral(CORSLAB_EXAMPLES) + QLatin1Char('/') + QString::fromLatin1(name);
}
} // namespace

class TestCliEvaluate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void issueExample()
    {
        const Run r = cli({QStringLiteral("evaluate"), example("put-credentials-wildcard.json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject v = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(v.value(QStringLiteral("preflight_required")).toBool(), true);
        QCOMPARE(v.value(QStringLiteral("preflight_ok")).toBool(), true);
        QCOMPARE(v.value(QStringLiteral("exposed")).toBool(), false);
        QCOMPARE(v.value(QStringLiteral("error")).toString(),
                 QStringLiteral("WildcardOriginNotAllowed"));
        QCOMPARE(v.value(QStringLiteral("readable_headers")).toArray().size(), 0);
        QCOMPARE(v.value(QStringLiteral("preflight_cache_seconds")).toInt(), 5);
        const QJsonObject fix = v.value(QStringLiteral("fix")).toObject();
        const QJsonArray set =
            fix.value(QStringLiteral("response")).toObject().value(QStringLiteral("set")).toArray();
        QCOMPARE(set.at(0).toArray().at(0).toString(),
                 QStringLiteral("Access-Control-Allow-Origin"));
        QCOMPARE(set.at(0).toArray().at(1).toString(), QStringLiteral("http://127.0.0.1:8080"));
        QVERIFY(fix.value(QStringLiteral("preflight")).isNull());
        QCOMPARE(fix.value(QStringLiteral("client"))
                     .toObject()
                     .value(QStringLiteral("request"))
                     .toObject()
                     .value(QStringLiteral("credentials"))
                     .toString(),
                 QStringLiteral("same-origin"));
        const QJsonArray headers = v.value(QStringLiteral("preflight_request"))
                                       .toObject()
                                       .value(QStringLiteral("headers"))
                                       .toArray();
        QCOMPARE(headers.at(1).toArray().at(1).toString(), QStringLiteral("PUT"));
        QCOMPARE(headers.at(2).toArray().at(1).toString(), QStringLiteral("content-type"));
        QVERIFY(v.value(QStringLiteral("messages"))
                    .toObject()
                    .value(QStringLiteral("chromium"))
                    .toString()
                    .startsWith(QStringLiteral(
                        "Access to fetch at 'http://localhost:8081/items' from origin")));
        for (const QJsonValue &c : v.value(QStringLiteral("checks")).toArray())
            QVERIFY(!c.toObject().value(QStringLiteral("explanation")).toString().isEmpty());
    }

    void everyDocumentedExampleEvaluates()
    {
        const QStringList files =
            QDir(QStringLiteral(CORSLAB_EXAMPLES)).entryList({QStringLiteral("*.json")});
        QVERIFY(files.size() >= 4);
        for (const QString &f : files) {
            const Run r =
                cli({QStringLiteral("evaluate"), QStringLiteral(CORSLAB_EXAMPLES "/") + f});
            QVERIFY2(r.exitCode == 0,
                     qPrintable(f + QStringLiteral(": ") + QString::fromUtf8(r.err)));
            QVERIFY(QJsonDocument::fromJson(r.out).isObject());
        }
    }

    void readsStandardInput()
    {
        const Run r =
            cli({QStringLiteral("evaluate"), QStringLiteral("-"), QStringLiteral("--compact")},
                "{\"request\": {\"url\": \"http://a.test/x\", \"origin\": \"http://b.test\"},\n"
                "                              \"response\": {\"status\": 200, \"headers\": "
                "[[\"Access-Control-Allow-Origin\", \"*\"]]}}");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.count('\n'), 1);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("exposed")).toBool(),
                 true);
    }

    void browserOverride()
    {
        const QByteArray s =
            "{\"request\": {\"url\": \"http://a.test/x\", \"origin\": \"http://b.test\", "
            "\"method\": \"PUT\"},\n"
            "            \"preflight\": {\"status\": 204, \"headers\": "
            "[[\"Access-Control-Allow-Origin\", \"*\"], [\"Access-Control-Allow-Methods\", "
            "\"PUT\"], [\"Access-Control-Max-Age\", \"100000\"]]},\n"
            "            \"response\": {\"status\": 200, \"headers\": "
            "[[\"Access-Control-Allow-Origin\", \"*\"]]}}";
        const Run chromium = cli({QStringLiteral("evaluate"), QStringLiteral("-")}, s);
        const Run firefox = cli({QStringLiteral("evaluate"), QStringLiteral("-"),
                                 QStringLiteral("--browser"), QStringLiteral("firefox")},
                                s);
        QCOMPARE(QJsonDocument::fromJson(chromium.out)
                     .object()
                     .value(QStringLiteral("preflight_cache_seconds"))
                     .toInt(),
                 7200);
        QCOMPARE(QJsonDocument::fromJson(firefox.out)
                     .object()
                     .value(QStringLiteral("preflight_cache_seconds"))
                     .toInt(),
                 86400);
    }

    void textFormat()
    {
        const Run r = cli({QStringLiteral("evaluate"), example("preflight-forbidden.json"),
                           QStringLiteral("--format"), QStringLiteral("text")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Blocked by Chromium (PreflightInvalidStatus)"));
        QVERIFY(r.out.contains("Fix:"));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command")
            << QStringList{} << QByteArray() << QStringLiteral("Usage: corslab-cli");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("frobnicate")} << QByteArray()
            << QStringLiteral("unknown command \"frobnicate\"");
        QTest::newRow("no file") << QStringList{QStringLiteral("evaluate")} << QByteArray()
                                 << QStringLiteral("expected exactly one scenario file");
        QTest::newRow("missing file")
            << QStringList{QStringLiteral("evaluate"), QStringLiteral("/nonexistent/x.json")}
            << QByteArray() << QStringLiteral("cannot open /nonexistent/x.json");
        QTest::newRow("broken JSON")
            << QStringList{QStringLiteral("evaluate"), QStringLiteral("-")}
            << QByteArray("{\"request\":") << QStringLiteral("-: invalid JSON at line 1");
        QTest::newRow("bad field")
            << QStringList{QStringLiteral("evaluate"), QStringLiteral("-")}
            << QByteArray(
                   "{\"request\": {\"url\": \"http://a/\", \"origin\": \"x\"}, \"response\": {}}")
            << QStringLiteral("request.origin: expected a serialized origin");
        QTest::newRow("bad browser flag")
            << QStringList{QStringLiteral("evaluate"), QStringLiteral("-"),
                           QStringLiteral("--browser"), QStringLiteral("edge")}
            << QByteArray("{\"request\": {\"url\": \"http://a/\", \"origin\": \"http://b\"}, "
                          "\"response\": {}}")
            << QStringLiteral("--browser: expected one of chromium, firefox, safari, spec");
        QTest::newRow("bad format")
            << QStringList{QStringLiteral("evaluate"), QStringLiteral("-"),
                           QStringLiteral("--format"), QStringLiteral("xml")}
            << QByteArray("{}") << QStringLiteral("--format: expected json or text");
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, message);
        const Run r = cli(args, input);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliEvaluate)
#include "tst_cli_evaluate.moc"
