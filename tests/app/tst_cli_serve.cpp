// corslab-cli serve as a user runs it: prints the origins, logs one line per exchange with the
// engine's verdict, stops cleanly on SIGTERM/SIGINT, refuses bad options with exit code 2.
#include "raw_request.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QtTest>
#include <csignal>

class TestCliServe : public QObject
{
    Q_OBJECT

private:
    // Starts serve, waits for the origin lines, returns the API port (0 on failure).
    quint16 start(QProcess &p, const QStringList &extra = {})
    {
        p.start(QStringLiteral(CORSLAB_CLI), QStringList{QStringLiteral("serve")} + extra);
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (!out.contains("Press Ctrl+C") && timer.elapsed() < 10000) {
            p.waitForReadyRead(200);
            out += p.readAllStandardOutput();
        }
        m_banner = out;
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("API origin: +http://localhost:(\\d+)"))
                .match(QString::fromUtf8(out));
        return m.hasMatch() ? m.captured(1).toUShort() : 0;
    }
    QByteArray m_banner;

private Q_SLOTS:
    void servesLogsAndStops_data()
    {
        QTest::addColumn<int>("signalNumber");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }
    void servesLogsAndStops()
    {
        QFETCH(int, signalNumber);
        QProcess p;
        const quint16 port =
            start(p, {QStringLiteral("--preset"), QStringLiteral("Credentialed allowlist")});
        QVERIFY2(port != 0, m_banner.constData());
        QVERIFY(m_banner.contains("trusted app:     http://localhost:"));
        QVERIFY(m_banner.contains("untrusted site:  http://127.0.0.1:"));
        QVERIFY(m_banner.contains("policy:          Credentialed allowlist"));
        const QRegularExpressionMatch app =
            QRegularExpression(QStringLiteral("trusted app: +(http://localhost:\\d+)"))
                .match(QString::fromUtf8(m_banner));
        const QRegularExpressionMatch evil =
            QRegularExpression(QStringLiteral("untrusted site: +(http://127.0.0.1:\\d+)"))
                .match(QString::fromUtf8(m_banner));

        const QByteArray ok =
            rawRequest(port, "GET /public HTTP/1.1\r\nHost: localhost\r\nOrigin: " +
                                 app.captured(1).toLatin1() + "\r\nConnection: close\r\n\r\n");
        QVERIFY(ok.startsWith("HTTP/1.1 200"));
        QVERIFY(ok.contains("Access-Control-Allow-Origin: " + app.captured(1).toLatin1()));
        rawRequest(port, "GET /public HTTP/1.1\r\nHost: localhost\r\nOrigin: " +
                             evil.captured(1).toLatin1() + "\r\nConnection: close\r\n\r\n");
        rawRequest(
            port,
            "OPTIONS /echo HTTP/1.1\r\nHost: localhost\r\nOrigin: " + app.captured(1).toLatin1() +
                "\r\nAccess-Control-Request-Method: PATCH\r\nConnection: close\r\n\r\n");

        QByteArray log;
        QElapsedTimer timer;
        timer.start();
        while (log.count('\n') < 3 && timer.elapsed() < 5000) {
            p.waitForReadyRead(200);
            log += p.readAllStandardOutput();
        }
        const QList<QByteArray> lines = log.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(0).contains("GET http://localhost:") && lines.at(0).contains("200") &&
                     lines.at(0).endsWith("exposed"),
                 lines.at(0).constData());
        QVERIFY2(lines.at(1).endsWith("blocked: MissingAllowOriginHeader"),
                 lines.at(1).constData());
        QVERIFY2(lines.at(2).contains("preflight blocked: MethodDisallowedByPreflightResponse"),
                 lines.at(2).constData());

        ::kill(static_cast<pid_t>(p.processId()), signalNumber);
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("Stopping"));
    }

    void policyFile()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"name\": \"mine\", \"allow_origin\": {\"mode\": \"wildcard\"}, "
                   "\"expose_headers\": [\"X-Total-Count\"]}");
        file.close();
        QProcess p;
        const quint16 port = start(p, {QStringLiteral("--policy"), file.fileName()});
        QVERIFY2(port != 0, m_banner.constData());
        QVERIFY(m_banner.contains("policy:          mine"));
        const QByteArray reply =
            rawRequest(port, "GET /public HTTP/1.1\r\nHost: localhost\r\nOrigin: "
                             "http://x.test\r\nConnection: close\r\n\r\n");
        QVERIFY(reply.contains("Access-Control-Allow-Origin: *"));
        p.terminate();
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
    }

    void quietPrintsNoExchangeLines()
    {
        QProcess p;
        const quint16 port = start(p, {QStringLiteral("--quiet")});
        QVERIFY2(port != 0, m_banner.constData());
        QVERIFY(
            rawRequest(port, "GET /public HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 200"));
        p.waitForReadyRead(500);
        QVERIFY(!p.readAllStandardOutput().contains("/public"));
        p.terminate();
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
    }

    void listPresets()
    {
        QProcess p;
        p.start(QStringLiteral(CORSLAB_CLI),
                {QStringLiteral("serve"), QStringLiteral("--list-presets")});
        QVERIFY(p.waitForFinished(5000));
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY(out.contains("Open public API"));
        QVERIFY(out.contains("Dangerous:"));
        QCOMPARE(p.exitCode(), 0);
    }

    void badOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("port") << QStringList{QStringLiteral("--port"), QStringLiteral("70000")}
                              << QStringLiteral(
                                     "--port: expected a port from 0 to 65533, got \"70000\"");
        QTest::newRow("preset") << QStringList{QStringLiteral("--preset"), QStringLiteral("nope")}
                                << QStringLiteral("--preset: expected one of \"Open public API\"");
        QTest::newRow("policy missing")
            << QStringList{QStringLiteral("--policy"), QStringLiteral("/nonexistent.json")}
            << QStringLiteral("--policy: cannot open /nonexistent.json");
        QTest::newRow("listen") << QStringList{QStringLiteral("--listen"), QStringLiteral("here")}
                                << QStringLiteral("--listen: expected an IP address");
        QTest::newRow("browser") << QStringList{QStringLiteral("--browser"), QStringLiteral("edge")}
                                 << QStringLiteral("--browser: expected one of chromium");
        QTest::newRow("samesite") << QStringList{QStringLiteral("--cookie-samesite"),
                                                 QStringLiteral("lax")}
                                  << QStringLiteral(
                                         "--cookie-samesite: expected Lax, Strict or None");
    }
    void badOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QProcess p;
        p.start(QStringLiteral(CORSLAB_CLI), QStringList{QStringLiteral("serve")} + args);
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(message), qPrintable(err));
    }

    void badPolicyFile()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("{\"allow_origin\": {\"mode\": \"everyone\"}}");
        file.close();
        QProcess p;
        p.start(QStringLiteral(CORSLAB_CLI),
                {QStringLiteral("serve"), QStringLiteral("--policy"), file.fileName()});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("allow_origin.mode: expected one of"));
    }
};

QTEST_GUILESS_MAIN(TestCliServe)
#include "tst_cli_serve.moc"
