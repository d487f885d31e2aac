// corslab-cli session info|export, and the other commands that read a recording, on a session
// store as `proxy --record` leaves it: what it holds, its URLs, exported as a session file,
// judged by report and har export; bad usage and bad stores refused with the reason.
#include "../session/chromium_exchanges.h"
#include "session/session.h"
#include "session/session_json.h"
#include "session/session_store.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

constexpr qsizetype kExchanges = 300;

CapturedExchange numbered(qsizetype i)
{
    CapturedExchange x =
        X("GET", "https://api.example.net/items?i=" + QByteArray::number(i), kT0 + i)
            .request(chromiumFetch("api.example.net", kApp, "cross-site"))
            .response(200, {{"Access-Control-Allow-Origin", kApp}});
    x.responseBody.stored = "{\"i\":" + QByteArray::number(i) + "}";
    x.responseBody.size = x.responseBody.stored.size();
    return x;
}

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run cli(const QStringList &arguments)
{
    QProcess p;
    p.start(QStringLiteral(CORSLAB_CLI), arguments);
    Run run;
    if (!p.waitForFinished(30000))
        return run;
    run.code = p.exitCode();
    run.out = p.readAllStandardOutput();
    run.err = p.readAllStandardError();
    return run;
}

} // namespace

class TestCliSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("capture.corslab"));
        Session s;
        QString error;
        QVERIFY2(SessionStore::create(m_store, {}, &s, &error), qPrintable(error));
        QList<CapturedExchange> batch;
        for (qsizetype i = 0; i < kExchanges; ++i)
            batch.append(numbered(i));
        s.append(batch);
        QVERIFY(static_cast<SessionStore *>(s.log())->close(&error));
    }

    void infoTellsWhatTheStoreHolds()
    {
        const Run text = cli({QStringLiteral("session"), QStringLiteral("info"), m_store});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("session store " + m_store.toUtf8()), text.out.constData());
        QVERIFY2(text.out.contains("exchanges:  300 (ids 1 to 300)"), text.out.constData());
        QVERIFY2(text.out.contains("closed:     cleanly"), text.out.constData());
        QVERIFY2(text.out.contains(" in 1 segments"), text.out.constData());

        const Run json = cli({QStringLiteral("session"), QStringLiteral("info"),
                              QStringLiteral("--format"), QStringLiteral("json"), m_store});
        QCOMPARE(json.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(u"kind").toString(), QStringLiteral("store"));
        QCOMPARE(o.value(u"exchanges").toInt(), kExchanges);
        QCOMPARE(o.value(u"first_id").toInt(), 1);
        QCOMPARE(o.value(u"last_id").toInt(), kExchanges);
        QCOMPARE(o.value(u"closed_cleanly").toBool(), true);
        QVERIFY(o.value(u"disk_bytes").toInteger() > 0);
        QCOMPARE(o.value(u"torn_bytes").toInt(), 0);

        const Run urls = cli(
            {QStringLiteral("session"), QStringLiteral("info"), QStringLiteral("--urls"), m_store});
        QCOMPARE(urls.code, 0);
        const QList<QByteArray> lines = urls.out.trimmed().split('\n');
        QCOMPARE(lines.size(), kExchanges);
        QCOMPARE(lines.first(), numbered(0).url);
        QCOMPARE(lines.last(), numbered(kExchanges - 1).url);
    }

    void exportWritesTheSessionFile()
    {
        const QString file = m_dir.filePath(QStringLiteral("exported.json"));
        const Run run = cli({QStringLiteral("session"), QStringLiteral("export"), m_store,
                             QStringLiteral("-o"), file});
        QCOMPARE(run.code, 0);
        QVERIFY2(run.out.contains("exported 300 exchanges to " + file.toUtf8()),
                 run.out.constData());
        Session back;
        QString error;
        QVERIFY2(readSessionFile(file, &back, &error), qPrintable(error));
        QCOMPARE(back.count(), kExchanges);
        compareExchanges(back.exchange(123), numbered(123));
        // And the file reads the same way.
        const Run info = cli({QStringLiteral("session"), QStringLiteral("info"), file});
        QCOMPARE(info.code, 0);
        QVERIFY2(info.out.contains("session file " + file.toUtf8()), info.out.constData());
    }

    void otherCommandsReadAStore()
    {
        const QString report = m_dir.filePath(QStringLiteral("report.json"));
        const Run r = cli({QStringLiteral("report"), m_store, QStringLiteral("--format"),
                           QStringLiteral("json"), QStringLiteral("-o"), report});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFileInfo(report).size() > 0);
        const QString har = m_dir.filePath(QStringLiteral("capture.har"));
        const Run h = cli(
            {QStringLiteral("har"), QStringLiteral("export"), m_store, QStringLiteral("-o"), har});
        QVERIFY2(h.code == 0, h.err.constData());
        QVERIFY2(h.out.contains("exported 300 exchanges"), h.out.constData());
    }

    void badUsageAndBadStoresAreRefused_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no action") << QStringList{QStringLiteral("session")} << 2
                                   << QStringLiteral("expected \"info STORE\" or \"export STORE");
        QTest::newRow("unknown action")
            << QStringList{QStringLiteral("session"), QStringLiteral("list"), QStringLiteral("x")}
            << 2 << QStringLiteral("expected \"info STORE\"");
        QTest::newRow("format") << QStringList{QStringLiteral("session"), QStringLiteral("info"),
                                               QStringLiteral("--format"), QStringLiteral("xml"),
                                               QStringLiteral("x")}
                                << 2
                                << QStringLiteral("--format: expected text or json, got \"xml\"");
        QTest::newRow("export without -o")
            << QStringList{QStringLiteral("session"), QStringLiteral("export"), QStringLiteral("x")}
            << 2 << QStringLiteral("--output: expected the session file to write");
        QTest::newRow("missing") << QStringList{QStringLiteral("session"), QStringLiteral("info"),
                                                QStringLiteral("/nonexistent/capture.corslab")}
                                 << 1 << QStringLiteral("/nonexistent/capture.corslab");
    }
    void badUsageAndBadStoresAreRefused()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Run run = cli(arguments);
        QCOMPARE(run.code, code);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
    }

    void aStoreIsNeverRecordedOver()
    {
        const Run run = cli({QStringLiteral("proxy"), QStringLiteral("--port"), QStringLiteral("0"),
                             QStringLiteral("--record"), m_store});
        QCOMPARE(run.code, 1);
        QVERIFY2(
            run.err.contains("--record: " + m_store.toUtf8() + ": already holds a session store"),
            run.err.constData());
        const Run info = cli({QStringLiteral("session"), QStringLiteral("info"), m_store});
        QVERIFY2(info.out.contains("exchanges:  300"), info.out.constData()); // untouched
    }

    void aProxyWithoutAWritableCacheSaysWhy()
    {
        // Without --record the proxy keeps its session in a store under the cache directory;
        // when there is none to write, it says so and starts nothing.
        const QString blocked = m_dir.filePath(QStringLiteral("not-a-directory"));
        QFile file(blocked);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), blocked);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CORSLAB_CLI),
                {QStringLiteral("proxy"), QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("corslab-cli proxy: session store: "), err.constData());
        QVERIFY2(!err.contains("--record"), err.constData());
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(TestCliSession)
#include "tst_cli_session.moc"
