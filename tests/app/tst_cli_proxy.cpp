// corslab-cli proxy as a user runs it: a real upstream on loopback, raw requests through the
// proxy, one line per exchange, the session file written while running and on SIGINT/SIGTERM,
// override rules reloaded live, the CA exported, bad options refused with exit code 2.
#include "http/http_server.h"
#include "raw_request.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace corslab;

namespace {

// An API with CORS on /data and its preflight, none on /nocors.
http::HttpResponse upstreamHandler(const http::HttpRequest &request)
{
    http::HttpResponse r;
    const QByteArray origin = request.header("origin").value_or(QByteArray());
    if (request.method == "OPTIONS") {
        r.status = 204;
        r.headers = {{"Access-Control-Allow-Origin", origin},
                     {"Access-Control-Allow-Credentials", "true"},
                     {"Access-Control-Allow-Methods", "PUT"},
                     {"Access-Control-Allow-Headers", "Content-Type"}};
    } else if (request.path() == "/nocors") {
        r.body = "{}";
    } else {
        r.headers = {{"Access-Control-Allow-Origin", origin},
                     {"Access-Control-Allow-Credentials", "true"}};
        r.body = "{\"ok\":true}";
    }
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    return r;
}

int exchangeCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return int(
        QJsonDocument::fromJson(file.readAll()).object().value(u"exchanges").toArray().size());
}

/// What `corslab-cli session info --format json` says of the store at \a path (read while the
/// proxy records into it); an empty object when it fails.
QJsonObject storeInfo(const QString &path)
{
    QProcess info;
    info.start(QStringLiteral(CORSLAB_CLI),
               {QStringLiteral("session"), QStringLiteral("info"), QStringLiteral("--format"),
                QStringLiteral("json"), path});
    if (!info.waitForFinished(10000) || info.exitCode() != 0)
        return {};
    return QJsonDocument::fromJson(info.readAllStandardOutput()).object();
}

int storeCount(const QString &path)
{
    return storeInfo(path).value(u"exchanges").toInt(-1);
}

} // namespace

class TestCliProxy : public QObject
{
    Q_OBJECT

private:
    // Starts the proxy, waits for its banner, returns its port (0 on failure).
    quint16 start(QProcess &p, const QStringList &extra)
    {
        p.start(
            QStringLiteral(CORSLAB_CLI),
            QStringList{QStringLiteral("proxy"), QStringLiteral("--port"), QStringLiteral("0")} +
                extra);
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (!out.contains("Press Ctrl+C") && timer.elapsed() < 10000 &&
               p.state() != QProcess::NotRunning) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        m_banner = out;
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("proxy: +http://127.0.0.1:(\\d+)"))
                .match(QString::fromUtf8(out));
        return m.hasMatch() ? m.captured(1).toUShort() : 0;
    }
    // Reads stdout until it holds \a lines lines (or 5 s passed).
    static QList<QByteArray> readLines(QProcess &p, int lines, QByteArray *log)
    {
        QElapsedTimer timer;
        timer.start();
        while (log->count('\n') < lines && timer.elapsed() < 5000) {
            p.waitForReadyRead(100);
            *log += p.readAllStandardOutput();
        }
        return log->trimmed().split('\n');
    }

    QByteArray m_banner;
    http::HttpServer m_upstream{upstreamHandler};
    quint16 m_upstreamPort = 0;
    QByteArray m_base;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_upstreamPort =
            m_upstream.listen(QHostAddress::LocalHost, 0, QStringLiteral("api"), &error);
        QVERIFY2(m_upstreamPort, qPrintable(error));
        m_base = "http://127.0.0.1:" + QByteArray::number(m_upstreamPort);
    }

    void capturesPairsRecordsAndStops_data()
    {
        QTest::addColumn<int>("signalNumber");
        QTest::addColumn<QString>("threads");
        QTest::addColumn<QString>("recordName");
        QTest::newRow("SIGINT, one network thread, session file")
            << int(SIGINT) << QStringLiteral("1") << QStringLiteral("session.json");
        QTest::newRow("SIGTERM, three network threads, session file")
            << int(SIGTERM) << QStringLiteral("3") << QStringLiteral("session.json");
        QTest::newRow("SIGINT, store")
            << int(SIGINT) << QStringLiteral("2") << QStringLiteral("capture.corslab");
    }
    void capturesPairsRecordsAndStops()
    {
        QFETCH(int, signalNumber);
        QFETCH(QString, threads);
        QFETCH(QString, recordName);
        QTemporaryDir dir;
        const QString record = dir.filePath(recordName);
        const bool json = record.endsWith(QLatin1String(".json"));
        // A .json recording is kept in a store beside it until the end.
        const QString store = json ? dir.filePath(QStringLiteral("session.corslab")) : record;
        QProcess p;
        const quint16 port =
            start(p, {QStringLiteral("--record"), record, QStringLiteral("--record-interval"),
                      QStringLiteral("0.2"), QStringLiteral("--threads"), threads});
        QVERIFY2(port, m_banner.constData());
        QVERIFY(m_banner.contains("recording to:    " + record.toUtf8()));

        const QByteArray origin = "Origin: http://localhost:3000\r\n";
        QVERIFY(rawRequest(port, "OPTIONS " + m_base + "/data HTTP/1.1\r\nHost: x\r\n" + origin +
                                     "Access-Control-Request-Method: PUT\r\n"
                                     "Access-Control-Request-Headers: content-type\r\n"
                                     "Connection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 204"));
        QVERIFY(rawRequest(port, "PUT " + m_base + "/data HTTP/1.1\r\nHost: x\r\n" + origin +
                                     "Content-Type: application/json\r\nContent-Length: 2\r\n"
                                     "Connection: close\r\n\r\n{}")
                    .startsWith("HTTP/1.1 200"));
        QVERIFY(rawRequest(port, "GET " + m_base + "/nocors HTTP/1.1\r\nHost: x\r\n" + origin +
                                     "Connection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 200"));

        QByteArray log;
        const QList<QByteArray> lines = readLines(p, 3, &log);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].contains("#1  preflight  OPTIONS " + m_base + "/data") &&
                     lines[0].contains("exposed") && lines[0].contains("[paired #2]"),
                 lines[0].constData());
        QVERIFY2(lines[1].contains("#2  preflighted-actual  PUT") && lines[1].contains("exposed") &&
                     lines[1].contains("[paired #1]"),
                 lines[1].constData());
        QVERIFY2(lines[2].contains("#3  simple-cors  GET " + m_base + "/nocors") &&
                     lines[2].contains("blocked: MissingAllowOriginHeader"),
                 lines[2].constData());

        // On disk while running (synced every 0.2 s here), readable meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT(storeCount(store), 3, 5000);
        QCOMPARE(storeInfo(store).value(u"closed_cleanly").toBool(), false);
        ::kill(static_cast<pid_t>(p.processId()), signalNumber);
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        const QByteArray tail = p.readAllStandardOutput();
        if (!json) {
            QVERIFY2(tail.contains("Session recorded in " + record.toUtf8() + " (3 exchanges)"),
                     tail.constData());
            const QJsonObject info = storeInfo(store);
            QCOMPARE(info.value(u"exchanges").toInt(), 3);
            QCOMPARE(info.value(u"closed_cleanly").toBool(), true);
            return;
        }
        QVERIFY2(tail.contains("Session written to " + record.toUtf8() + " (3 exchanges)"),
                 tail.constData());
        QVERIFY(!QFileInfo::exists(store)); // the JSON file holds it all now
        QCOMPARE(exchangeCount(record), 3);
        QFile file(record);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject session = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(session.value(u"format").toString(), QStringLiteral("corslab-session"));
        const QJsonArray exchanges = session.value(u"exchanges").toArray();
        QCOMPARE(exchanges.size(), 3);
    }

    void reverseProxyWithLiveRules()
    {
        QTemporaryDir dir;
        const QString rules = dir.filePath(QStringLiteral("rules.json"));
        auto writeRules = [&](const QByteArray &json) {
            QFile f(rules);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(json);
        };
        writeRules("{\"rules\": []}");
        QProcess p;
        const quint16 port = start(p, {QStringLiteral("--reverse"), QString::fromLatin1(m_base),
                                       QStringLiteral("--rules"), rules});
        QVERIFY2(m_banner.contains("reverse proxy:   http://127.0.0.1:"), m_banner.constData());
        QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("reverse proxy: +http://127.0.0.1:(\\d+)"))
                .match(QString::fromUtf8(m_banner));
        const quint16 local = m.captured(1).toUShort();
        QVERIFY(local);
        Q_UNUSED(port);
        const QByteArray request = "GET /nocors HTTP/1.1\r\nHost: localhost\r\nOrigin: "
                                   "http://localhost:3000\r\nConnection: close\r\n\r\n";
        QVERIFY(!rawRequest(local, request).contains("Access-Control-Allow-Origin"));
        QByteArray log;
        QVERIFY2(readLines(p, 1, &log).value(0).contains("blocked: MissingAllowOriginHeader"),
                 log.constData());

        // Fix it with a rule, live: the running proxy picks the file up.
        writeRules("{\"rules\": [{\"name\": \"allow the app\", \"path\": \"/nocors\", \"set\": "
                   "[[\"Access-Control-Allow-Origin\", \"http://localhost:3000\"]]}]}");
        QByteArray reloaded;
        QElapsedTimer timer;
        timer.start();
        while (!reloaded.contains("Rules reloaded") && timer.elapsed() < 5000) {
            p.waitForReadyRead(100);
            reloaded += p.readAllStandardOutput();
        }
        QVERIFY2(reloaded.contains("Rules reloaded: 1 rule(s)"), reloaded.constData());
        QVERIFY(rawRequest(local, request)
                    .contains("Access-Control-Allow-Origin: http://localhost:3000"));
        log.clear();
        const QByteArray line = readLines(p, 1, &log).value(0);
        QVERIFY2(line.contains("exposed; with credentials blocked: InvalidAllowCredentials") &&
                     line.contains("(overridden)"),
                 line.constData());

        // A broken edit keeps the rules in force and says why.
        writeRules("{\"rules\": [{\"hots\": \"x\"}]}");
        QByteArray errors;
        timer.restart();
        while (!errors.contains("rules not reloaded") && timer.elapsed() < 5000) {
            p.waitForReadyRead(100);
            errors += p.readAllStandardError();
        }
        QVERIFY2(errors.contains("rules not reloaded") && errors.contains("hots"),
                 errors.constData());
        QVERIFY(rawRequest(local, request)
                    .contains("Access-Control-Allow-Origin: http://localhost:3000"));
        p.terminate();
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
    }

    void exportsTheCa()
    {
        QTemporaryDir dir;
        const QString pem = dir.filePath(QStringLiteral("corslab-ca.pem"));
        QProcess p;
        p.start(QStringLiteral(CORSLAB_CLI),
                {QStringLiteral("proxy"), QStringLiteral("--ca-dir"),
                 dir.filePath(QStringLiteral("ca")), QStringLiteral("--export-ca"), pem});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(pem);
        QCOMPARE(certificates.size(), 1);
        QVERIFY(certificates.first()
                    .subjectInfo(QSslCertificate::CommonName)
                    .value(0)
                    .contains(QLatin1String("CORS Lab")));
        QCOMPARE(QFile::permissions(dir.filePath(QStringLiteral("ca/ca-key.pem"))),
                 QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    }

    void interceptionBannerNamesTheSpkiFlag()
    {
        QTemporaryDir dir;
        QProcess p;
        QVERIFY(start(p, {QStringLiteral("--intercept-tls"), QStringLiteral("--ca-dir"),
                          dir.filePath(QStringLiteral("ca"))}));
        QVERIFY2(m_banner.contains("--ignore-certificate-errors-spki-list="), m_banner.constData());
        p.terminate();
        QVERIFY(p.waitForFinished(5000));
    }

    void launchesTheBrowserThroughItself()
    {
        // A stand-in browser that writes down how it was started: the real Chromium through the
        // proxy is tst_browser_proxy's business; this checks what the command hands it.
        QTemporaryDir dir;
        const QString argsFile = dir.filePath(QStringLiteral("args.txt"));
        const QString fake = dir.filePath(QStringLiteral("fake-chromium"));
        {
            QFile script(fake);
            QVERIFY(script.open(QIODevice::WriteOnly));
            script.write("#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + argsFile.toUtf8() +
                         "'\nexec sleep 30\n");
        }
        QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QProcess p;
        const quint16 port =
            start(p, {QStringLiteral("--launch-browser"), QStringLiteral("--browser-binary"), fake,
                      QStringLiteral("--playground"), QStringLiteral("--intercept-tls"),
                      QStringLiteral("--ca-dir"), dir.filePath(QStringLiteral("ca"))});
        QVERIFY2(port, m_banner.constData());
        QVERIFY2(m_banner.contains("playground:      API http://localhost:"), m_banner.constData());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(argsFile) && QFileInfo(argsFile).size() > 0, 5000);
        QFile file(argsFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> args = file.readAll().trimmed().split('\n');
        QVERIFY(args.contains("--proxy-server=http://127.0.0.1:" + QByteArray::number(port)));
        QVERIFY(args.contains("--proxy-bypass-list=<-loopback>"));
        QVERIFY(args.contains("--no-first-run"));
        bool profile = false, spki = false;
        for (const QByteArray &a : args) {
            profile |= a.startsWith("--user-data-dir=/");
            spki |= a.startsWith("--ignore-certificate-errors-spki-list=") && a.size() > 60;
        }
        QVERIFY(profile);
        QVERIFY(spki);
        // The playground's trusted app page opens first.
        QVERIFY2(args.constLast().startsWith("http://localhost:"), args.constLast().constData());
        p.terminate();
        QVERIFY(p.waitForFinished(10000)); // stops the browser too
        QCOMPARE(p.exitCode(), 0);
    }

    void refusesBadOptions_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("port") << QStringList{QStringLiteral("--port"), QStringLiteral("70000")}
                              << QStringLiteral("--port: expected a port from 0 to 65535");
        QTest::newRow("listen") << QStringList{QStringLiteral("--listen"), QStringLiteral("here")}
                                << QStringLiteral("--listen: expected an IP address");
        QTest::newRow("reverse") << QStringList{QStringLiteral("--reverse"),
                                                QStringLiteral("ftp://example.com")}
                                 << QStringLiteral(
                                        "--reverse: expected an http:// or https:// URL");
        QTest::newRow("rules") << QStringList{QStringLiteral("--rules"),
                                              QStringLiteral("/nonexistent/rules.json")}
                               << QStringLiteral("--rules: ");
        QTest::newRow("browser") << QStringList{QStringLiteral("--browser"),
                                                QStringLiteral("opera")}
                                 << QStringLiteral("--browser: expected one of");
        QTest::newRow("body-cap") << QStringList{QStringLiteral("--body-cap"), QStringLiteral("-1")}
                                  << QStringLiteral("--body-cap: expected a number of bytes");
        QTest::newRow("record-interval")
            << QStringList{QStringLiteral("--record-interval"), QStringLiteral("0")}
            << QStringLiteral("--record-interval: expected seconds");
        QTest::newRow("upstream-ca")
            << QStringList{QStringLiteral("--upstream-ca"), QStringLiteral("/nonexistent.pem")}
            << QStringLiteral("--upstream-ca: no PEM certificate");
        QTest::newRow("threads") << QStringList{QStringLiteral("--threads"), QStringLiteral("65")}
                                 << QStringLiteral("--threads: expected a number of threads from "
                                                   "1 to 64");
        QTest::newRow("threads, not a number")
            << QStringList{QStringLiteral("--threads"), QStringLiteral("many")}
            << QStringLiteral("--threads: expected a number of threads");
        QTest::newRow("positional") << QStringList{QStringLiteral("extra")}
                                    << QStringLiteral("unexpected argument \"extra\"");
        QTest::newRow("retain-count")
            << QStringList{QStringLiteral("--retain-count"), QStringLiteral("0")}
            << QStringLiteral("--retain-count: expected a number of exchanges (1 or more), got "
                              "\"0\"");
        QTest::newRow("retain-disk")
            << QStringList{QStringLiteral("--retain-disk"), QStringLiteral("lots")}
            << QStringLiteral("--retain-disk: expected a size of 1M or more such as 500M or 20G, "
                              "got \"lots\"");
        QTest::newRow("retain-disk, too small")
            << QStringList{QStringLiteral("--retain-disk"), QStringLiteral("10K")}
            << QStringLiteral("--retain-disk: expected a size of 1M or more");
        QTest::newRow("retain-age")
            << QStringList{QStringLiteral("--retain-age"), QStringLiteral("3 weeks")}
            << QStringLiteral("--retain-age: expected a duration such as 90m, 12h or 7d, got "
                              "\"3 weeks\"");
    }
    void refusesBadOptions()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QProcess p;
        p.start(QStringLiteral(CORSLAB_CLI), QStringList{QStringLiteral("proxy")} + arguments);
        QVERIFY(p.waitForFinished(10000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(message), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCliProxy)
#include "tst_cli_proxy.moc"
