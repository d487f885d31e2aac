// The HTML report in a real browser: headless Chromium, driven over the DevTools protocol
// (cdp_client.h), loads it from a loopback server that also counts every request it receives.
// The report must cause no console message and no log entry (no CSP violation, no script run
// from a header value) and ask for nothing but itself. A control page with a request, a console
// error and a CSP violation proves that each would be seen.
#include "../session/chromium_exchanges.h"
#include "cdp_client.h"
#include "report/report_html.h"
#include "report/session_report.h"
#include "session/session.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

const QString kChromium = QStringLiteral("/usr/bin/chromium");

/// Serves fixed pages on 127.0.0.1 and records the path of every request it receives.
class PageServer : public QObject
{
public:
    QHash<QByteArray, QByteArray> pages; ///< path -> HTML
    QList<QByteArray> requests;          ///< request targets, in arrival order

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url(const char *path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2")
                        .arg(m_server.serverPort())
                        .arg(QLatin1String(path)));
    }

    PageServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        qsizetype end;
        // Keep-alive: answer every complete request head (these GETs have no body).
        while ((end = buffer.indexOf("\r\n\r\n")) >= 0) {
            const QByteArray head = buffer.left(end);
            buffer.remove(0, end + 4);
            const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
            const QByteArray target = requestLine.value(1);
            requests.append(target);
            const auto page = pages.constFind(target);
            const QByteArray body = page == pages.cend() ? QByteArray("not found") : page.value();
            socket->write(
                (page == pages.cend() ? "HTTP/1.1 404 Not Found\r\n" : "HTTP/1.1 200 OK\r\n") +
                QByteArray("Content-Type: text/html; charset=utf-8\r\nContent-Length: ") +
                QByteArray::number(body.size()) + "\r\n\r\n" + body);
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

/// What the browser did with one page, from the DevTools protocol.
struct PageRun
{
    QString error;              ///< the client failed (empty: the run is valid)
    QList<QString> requests;    ///< URLs of Network.requestWillBeSent, in order
    QList<QJsonObject> console; ///< Runtime.consoleAPICalled
    QList<QJsonObject> log;     ///< Log.entryAdded: CSP violations, network errors...
    QJsonValue probe;           ///< the value of the probe expression, evaluated after load
    QByteArray output;          ///< the browser's own output, for diagnosis
};

QString describe(const PageRun &run)
{
    QStringList lines{QStringLiteral("error: ") + run.error};
    for (const QString &url : run.requests)
        lines << QStringLiteral("request: ") + url;
    for (const QJsonObject &c : run.console)
        lines << QStringLiteral("console: ") +
                     QString::fromUtf8(QJsonDocument(c).toJson(QJsonDocument::Compact));
    for (const QJsonObject &l : run.log)
        lines << QStringLiteral("log: ") +
                     QString::fromUtf8(QJsonDocument(l).toJson(QJsonDocument::Compact));
    lines << QString::fromLocal8Bit(run.output.right(2000));
    return lines.join(QLatin1Char('\n'));
}

/// Opens \a url in a fresh headless Chromium with Network, Runtime and Log on, waits for its
/// load event, then evaluates \a probe (a round trip, so events sent before it are in).
PageRun openPage(const QUrl &url, const QString &probe)
{
    PageRun run;
    CdpClient chromium(kChromium);
    if (!chromium.start(&run.error) || !chromium.enableDomains(&run.error) ||
        !chromium.navigate(url, &run.error)) {
        run.output = chromium.output();
        chromium.stop();
        return run;
    }
    run.probe = chromium.evaluate(probe, &run.error);
    for (const QJsonObject &r : chromium.requestsSent())
        run.requests << r.value(QStringLiteral("request"))
                            .toObject()
                            .value(QStringLiteral("url"))
                            .toString();
    run.console = chromium.consoleCalls();
    for (const QJsonObject &entry : chromium.logEntries())
        run.log << entry;
    run.output = chromium.output();
    chromium.stop();
    return run;
}

/// A small session with what a report shows: a blocked preflighted pair, a failed preflight, an
/// exposed request with a warning, and header values full of markup.
QByteArray reportHtml()
{
    const QByteArray app = "https://app.example.com";
    const QByteArray items = "https://api.example.net/items";
    Session s;
    s.append({X("OPTIONS", items, kT0)
                  .request(chromiumPreflight("api.example.net", app, "PUT", "content-type"))
                  .response(204, {{"Access-Control-Allow-Origin", app},
                                  {"Access-Control-Allow-Credentials", "true"},
                                  {"Access-Control-Allow-Methods", "PUT"},
                                  {"Access-Control-Allow-Headers", "Content-Type"}}),
              X("PUT", items, kT0 + 20)
                  .request(chromiumFetch("api.example.net", app, "cross-site"))
                  .add("Content-Type", "application/json")
                  .add("Cookie", "sid=1")
                  .response(200, {{"Access-Control-Allow-Origin", "*"},
                                  {"X-Debug", "<script>console.error('escaped?')</script>"},
                                  {"X-Img", "<img src=\"http://127.0.0.1:9/x.png\">"}}),
              X("OPTIONS", items, kT0 + 1000)
                  .request(chromiumPreflight("api.example.net", "https://evil.example", "PUT",
                                             "content-type"))
                  .response(204, {{"Access-Control-Allow-Methods", "PUT"}}),
              X("GET", items + "?q=<b>", kT0 + 2000)
                  .request(chromiumFetch("api.example.net", app, "cross-site"))
                  .response(200, {{"Access-Control-Allow-Origin", app}})});
    report::SessionReport r;
    if (report::buildSessionReport(s, &r) != report::ReportStatus::Complete)
        qFatal("the report did not complete");
    return report::renderReportHtml(r);
}

} // namespace

class TestReportChromium : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(kChromium).isExecutable())
            QSKIP("needs /usr/bin/chromium (apt-get install chromium)");
    }

    // The detection works: a page that asks for an image, logs an error and breaks its own CSP
    // (an image from another origin) is caught on every count, so a clean result below means
    // something.
    void controlPageIsCaught()
    {
        PageServer server;
        QVERIFY(server.listen());
        QUrl elsewhere = server.url("/blocked.png");
        elsewhere.setHost(QStringLiteral("localhost")); // another origin than 127.0.0.1
        server.pages.insert(
            "/control.html",
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src 'unsafe-inline'; img-src 'self'\"><title>control</title></head><body>"
            "<img src=\"/probe.png\" alt=\"\"><img src=\"" +
                elsewhere.toEncoded() +
                "\" alt=\"\"><script>console.error('control error')</script></body></html>");
        const PageRun run = openPage(server.url("/control.html"), QStringLiteral("1"));
        QVERIFY2(run.error.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(server.requests.contains("/probe.png"), qPrintable(describe(run)));
        QVERIFY2(!server.requests.contains("/blocked.png"), qPrintable(describe(run)));
        bool sawProbe = false;
        for (const QString &url : run.requests)
            sawProbe = sawProbe || url.endsWith(QLatin1String("/probe.png"));
        QVERIFY2(sawProbe, qPrintable(describe(run)));
        QVERIFY2(!run.console.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(!run.log.isEmpty(), qPrintable(describe(run))); // the CSP violation
    }

    void reportLoadsNothingAndLogsNothing()
    {
        PageServer server;
        QVERIFY(server.listen());
        server.pages.insert("/report.html", reportHtml());
        const QUrl url = server.url("/report.html");
        const PageRun run = openPage(
            url, QStringLiteral("JSON.stringify({elements: document.querySelectorAll("
                                "'script,img,link,iframe,object,embed').length, "
                                "text: document.body.innerText.includes("
                                "\"X-Debug: <script>console.error('escaped?')</script>\"), "
                                "pairs: document.querySelectorAll('article.pair').length})"));
        QVERIFY2(run.error.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(run.console.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(run.log.isEmpty(), qPrintable(describe(run)));
        // The page itself, and nothing else: as the browser saw it and as the server did.
        QVERIFY2(run.requests == QList<QString>{url.toString()}, qPrintable(describe(run)));
        QVERIFY2(server.requests == QList<QByteArray>{"/report.html"},
                 server.requests.join(' ').constData());
        // Rendered: the pairs are there, the markup from header values is text.
        const QJsonObject probe = QJsonDocument::fromJson(run.probe.toString().toUtf8()).object();
        QCOMPARE(probe.value(QStringLiteral("elements")).toInt(-1), 0);
        QVERIFY(probe.value(QStringLiteral("text")).toBool());
        QCOMPARE(probe.value(QStringLiteral("pairs")).toInt(), 2);
    }

    // From disk too, as a user opens an attachment.
    void reportFromAFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("report.html"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(reportHtml());
        file.close();
        const QUrl url = QUrl::fromLocalFile(path);
        const PageRun run = openPage(url, QStringLiteral("document.title"));
        QVERIFY2(run.error.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(run.console.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(run.log.isEmpty(), qPrintable(describe(run)));
        QVERIFY2(run.requests == QList<QString>{url.toString()}, qPrintable(describe(run)));
        QVERIFY(run.probe.toString().startsWith(QLatin1String("CORS report")));
    }
};

QTEST_GUILESS_MAIN(TestReportChromium)
#include "tst_report_chromium.moc"
