// CORS Lab attached to a real headless Chromium (core/attach) when the browser does more than one
// page's fetch() calls, against loopback servers of its own:
// - a tab opened after attaching (Target.createTarget about:blank, then navigated), an iframe on
//   a third origin (another site: its own process) and a dedicated worker each make a
//   cross-origin fetch: every request the servers logged is in the session once, with the
//   browser's verdict (the same as the engine's), the worker's preflight linked to its request;
// - a tab closed mid-capture: the capture goes on in the other tab, and the closed tab's
//   requests (the finished one and the one still waiting for its answer) are kept;
// - the browser killed mid-capture (its process group, so the DevTools socket drops):
//   detached() once with the reason, everything seen before in the session;
// - nothing listening on the port (the lookup names the port and how to start the browser), an
//   HTTP server that is not a browser, and a WebSocket URL where no DevTools endpoint answers.

#include "attach/browser_endpoint.h"
#include "attach/cdp_attachment.h"
#include "cdp_client.h"
#include "cors/browser_profile.h"
#include "http_connection.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace corslab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 20000;

/// One request a server received.
struct Logged
{
    QString server; ///< "page", "frame", "api", "hang"
    QString method;
    QString path;
};

/// \brief Loopback servers for the pages: the page's origin (http://127.0.0.1:P: pages and the
/// worker's script), a third origin for an iframe (http://localhost:F, another site), the API
/// (http://127.0.0.1:A: allows the calling origin, except under /api/blocked/) and a server that
/// reads requests and never answers (http://127.0.0.1:H).
class LoopbackSites : public QObject
{
public:
    bool start(QString *error)
    {
        for (QTcpServer *server : {&m_page, &m_frame, &m_api, &m_hang}) {
            if (!server->listen(QHostAddress::LocalHost, 0)) {
                *error = u"cannot listen on 127.0.0.1: "_s + server->errorString();
                return false;
            }
        }
        serve(m_page, u"page"_s);
        serve(m_frame, u"frame"_s);
        serve(m_api, u"api"_s);
        connect(&m_hang, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_hang.nextPendingConnection()) {
                // Held open, never answered; the request line is logged.
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    const QList<QByteArray> line = socket->readAll().split('\n').first().split(' ');
                    if (line.size() >= 2)
                        m_log.append({u"hang"_s, QString::fromLatin1(line.at(0)),
                                      QString::fromLatin1(line.at(1))});
                });
            }
        });
        return true;
    }

    QString page() const { return u"http://127.0.0.1:%1"_s.arg(m_page.serverPort()); }
    QString frame() const { return u"http://localhost:%1"_s.arg(m_frame.serverPort()); }
    QString api() const { return u"http://127.0.0.1:%1"_s.arg(m_api.serverPort()); }
    QString hang() const { return u"http://127.0.0.1:%1"_s.arg(m_hang.serverPort()); }
    QString originOf(const QString &server) const
    {
        return server == u"page"_s    ? page()
               : server == u"frame"_s ? frame()
               : server == u"api"_s   ? api()
                                      : hang();
    }

    const QList<Logged> &log() const { return m_log; }
    bool received(const QString &server, const QString &method, const QString &path) const
    {
        return std::any_of(m_log.begin(), m_log.end(), [&](const Logged &l) {
            return l.server == server && l.method == method && l.path == path;
        });
    }

private:
    void serve(QTcpServer &server, const QString &name)
    {
        connect(&server, &QTcpServer::newConnection, this, [this, &server, name] {
            while (QTcpSocket *socket = server.nextPendingConnection())
                new HttpConnection(socket, [this, name](const HttpRequest &r) {
                    m_log.append(
                        {name, QString::fromLatin1(r.method), QString::fromLatin1(r.target)});
                    return answer(name, r);
                });
        });
    }

    HttpResponse answer(const QString &server, const HttpRequest &r) const
    {
        HttpResponse response;
        const QByteArray path = r.path();
        auto html = [&](const QString &text) {
            response.headers = {{"Content-Type", "text/html; charset=utf-8"}};
            response.body = text.toUtf8();
        };
        if (server == u"page"_s && path == "/tab.html") {
            // A fetch of its own, a dedicated worker's, and an iframe on a third origin's.
            html(u"<!doctype html><title>tab</title><script>"
                 "fetch('%1/api/tab').then(r => r.text());"
                 "new Worker('/worker.js');"
                 "</script><iframe src='%2/frame.html'></iframe>"_s.arg(api(), frame()));
        } else if (server == u"page"_s && path == "/worker.js") {
            response.headers = {{"Content-Type", "text/javascript"}};
            response.body = u"fetch('%1/api/worker', {method: 'PUT', headers: {'X-Test': '1'}, "
                            "body: 'from the worker'}).then(r => r.text());"_s.arg(api())
                                .toUtf8();
        } else if (server == u"page"_s) {
            html(u"<!doctype html><title>plain</title><p>plain"_s);
        } else if (server == u"frame"_s) {
            html(u"<!doctype html><title>frame</title><script>"
                 "fetch('%1/api/blocked/frame').catch(() => {});</script>"_s.arg(api()));
        } else if (r.method == "OPTIONS") {
            response.status = 204;
            response.headers = {{"Access-Control-Allow-Origin", r.header("Origin")},
                                {"Access-Control-Allow-Methods", "PUT"},
                                {"Access-Control-Allow-Headers", "x-test"}};
        } else {
            response.headers = {{"Content-Type", "text/plain"}};
            if (!path.startsWith("/api/blocked/"))
                response.headers.append({"Access-Control-Allow-Origin", r.header("Origin")});
            response.body = "ok";
        }
        return response;
    }

    QTcpServer m_page;
    QTcpServer m_frame;
    QTcpServer m_api;
    QTcpServer m_hang;
    QList<Logged> m_log;
};

/// A session that an attachment captures into (chromium profile).
struct Capture
{
    session::Session session;
    attach::CdpAttachment attachment{{}};
    QSignalSpy attached{&attachment, &attach::CdpAttachment::attached};
    QSignalSpy detached{&attachment, &attach::CdpAttachment::detached};

    Capture()
    {
        session.setProfile(*cors::BrowserProfile::byName(u"chromium"_s));
        QObject::connect(&attachment, &attach::CdpAttachment::exchangesCaptured, &session,
                         &session::Session::append);
    }

    /// The indexes of the exchanges for \a method \a url.
    QList<qsizetype> find(const QString &method, const QString &url) const
    {
        QList<qsizetype> out;
        for (qsizetype i = 0; i < session.count(); ++i) {
            const session::ExchangeRow row = session.row(i);
            if (QString::fromLatin1(row.method) == method && QString::fromUtf8(row.url) == url)
                out.append(i);
        }
        return out;
    }
    /// True once an exchange for \a method \a url with a response is in the session.
    bool has(const QString &method, const QString &url) const
    {
        const QList<qsizetype> found = find(method, url);
        return std::any_of(found.begin(), found.end(),
                           [&](qsizetype i) { return session.row(i).status != 0; });
    }
};

/// Opens a tab (Target.createTarget about:blank) once \a capture has attached to it, attaches
/// \a client to it too, and navigates it to \a url; \a sessionId receives \a client's session.
bool openTab(CdpClient &client, Capture &capture, const QString &url, QString *targetId,
             QString *sessionId, QString *error)
{
    const qsizetype before = capture.attachment.targetCount();
    QJsonObject result;
    if (!client.command(u"Target.createTarget"_s, {{u"url"_s, u"about:blank"_s}}, &result, error,
                        kTimeoutMs, true))
        return false;
    *targetId = result.value(u"targetId"_s).toString();
    // CORS Lab's auto-attach holds the new tab until its Network domain is on; what the test
    // sends next goes over another connection, so wait until CORS Lab has the tab.
    if (!client.waitFor([&] { return capture.attachment.targetCount() > before; }, kTimeoutMs)) {
        *error = u"CORS Lab did not attach to the new tab"_s;
        return false;
    }
    QTest::qWait(500); // its Network.enable on its way
    if (!client.command(u"Target.attachToTarget"_s,
                        {{u"targetId"_s, *targetId}, {u"flatten"_s, true}}, &result, error,
                        kTimeoutMs, true))
        return false;
    *sessionId = result.value(u"sessionId"_s).toString();
    return client.commandTo(*sessionId, u"Page.navigate"_s, {{u"url"_s, url}}, &result, error);
}

/// Runtime.evaluate in \a sessionId, awaiting a promise: the value.
QJsonValue evaluateIn(CdpClient &client, const QString &sessionId, const QString &expression,
                      QString *error)
{
    QJsonObject result;
    if (!client.commandTo(
            sessionId, u"Runtime.evaluate"_s,
            {{u"expression"_s, expression}, {u"awaitPromise"_s, true}, {u"returnByValue"_s, true}},
            &result, error))
        return QJsonValue::Undefined;
    if (result.contains(u"exceptionDetails"_s)) {
        *error = expression + u" threw: "_s +
                 result.value(u"exceptionDetails"_s).toObject().value(u"text"_s).toString();
        return QJsonValue::Undefined;
    }
    return result.value(u"result"_s).toObject().value(u"value"_s);
}

/// Waits until the document of \a sessionId is \a url and loaded.
bool waitForDocument(CdpClient &client, const QString &sessionId, const QString &url)
{
    return client.waitFor(
        [&] {
            QString ignored;
            return evaluateIn(client, sessionId,
                              u"document.readyState === 'complete' ? location.href : ''"_s,
                              &ignored)
                       .toString() == url;
        },
        kTimeoutMs);
}

} // namespace

class TestAttachRobustness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void newTabIframeAndWorkerAreCaptured();
    void aClosedTabLosesNothing();
    void aKilledBrowserEndsTheCaptureOnce();
    void nothingToAttachTo();

private:
    CdpClient m_client;
    LoopbackSites m_sites;
};

void TestAttachRobustness::initTestCase()
{
    QString error;
    QVERIFY2(m_sites.start(&error), qPrintable(error));
    if (!m_client.isAvailable())
        QSKIP("chromium is not installed (scripts/deps.sh test)");
    QVERIFY2(m_client.start(&error), qPrintable(error));
    QVERIFY2(m_client.enableDomains(&error), qPrintable(error));
}

void TestAttachRobustness::cleanupTestCase()
{
    m_client.stop();
}

void TestAttachRobustness::newTabIframeAndWorkerAreCaptured()
{
    // Found as a user would: from the DevTools port.
    const QUrl endpoint = m_client.browserEndpoint();
    attach::BrowserEndpointLookup lookup;
    QSignalSpy found(&lookup, &attach::BrowserEndpointLookup::found);
    lookup.lookUp(u"127.0.0.1"_s, quint16(endpoint.port()));
    QVERIFY(found.wait(kTimeoutMs));
    QCOMPARE(found.first().at(0).toUrl(), endpoint);
    QCOMPARE(found.first().at(1).toString(), m_client.product());

    Capture capture;
    QString error;
    QVERIFY2(capture.attachment.attach(endpoint, &error), qPrintable(error));
    QVERIFY(capture.attached.wait(kTimeoutMs));
    const qsizetype logStart = m_sites.log().size();

    QString targetId;
    QString sessionId;
    const QString tab = m_sites.page() + u"/tab.html"_s;
    QVERIFY2(openTab(m_client, capture, tab, &targetId, &sessionId, &error), qPrintable(error));
    const QString api = m_sites.api();
    const QList<QPair<QString, QString>> expected{
        {u"GET"_s, api + u"/api/tab"_s},
        {u"OPTIONS"_s, api + u"/api/worker"_s},
        {u"PUT"_s, api + u"/api/worker"_s},
        {u"GET"_s, api + u"/api/blocked/frame"_s},
    };
    const auto missing = [&] {
        QStringList out;
        for (const auto &[method, url] : expected)
            if (!capture.has(method, url))
                out.append(method + u' ' + url);
        return out;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(
        missing().isEmpty(), qPrintable(u"not captured: "_s + missing().join(u", "_s)), kTimeoutMs);
    capture.attachment.detach(); // everything still held comes out
    QCOMPARE(capture.detached.size(), 1);

    // Every request a server logged is in the session, once.
    QStringList wrong;
    for (const Logged &l : m_sites.log().mid(logStart)) {
        if (l.path == u"/favicon.ico"_s)
            continue;
        const QString url = m_sites.originOf(l.server) + l.path;
        const qsizetype n = capture.find(l.method, url).size();
        if (n != 1)
            wrong.append(u"%1 %2: %3 times in the session"_s.arg(l.method, url).arg(n));
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
    QVERIFY(m_sites.received(u"page"_s, u"GET"_s, u"/worker.js"_s));
    QVERIFY(m_sites.received(u"frame"_s, u"GET"_s, u"/frame.html"_s));

    // The browser's verdict on each API request, the same as the engine's.
    for (const auto &[method, url] : expected) {
        const qsizetype i = capture.find(method, url).value(0, -1);
        QVERIFY(i >= 0);
        const session::ExchangeRow row = capture.session.row(i);
        const session::CapturedExchange x = capture.session.exchange(i);
        QCOMPARE(x.source, u"browser (DevTools protocol)"_s);
        if (method == u"OPTIONS"_s) {
            QCOMPARE(row.kind, session::ExchangeKind::Preflight);
            QVERIFY2(row.pairing != session::PairingState::None,
                     "the worker's preflight is linked to its request");
            QVERIFY(!x.browserReport);
            continue;
        }
        QVERIFY2(x.browserReport, qPrintable(url));
        QCOMPARE(x.browserReport->browser, m_client.product());
        QCOMPARE(x.browserReport->corsError,
                 url.contains(u"/blocked/"_s) ? u"MissingAllowOriginHeader"_s : QString());
        QVERIFY2(row.browserAgreement() == session::BrowserAgreement::Agrees,
                 qPrintable(url + u": "_s + session::browserAgreementName(row.browserAgreement())));
    }
    QJsonObject result;
    QVERIFY2(m_client.command(u"Target.closeTarget"_s, {{u"targetId"_s, targetId}}, &result, &error,
                              kTimeoutMs, true),
             qPrintable(error));
}

void TestAttachRobustness::aClosedTabLosesNothing()
{
    Capture capture;
    QString error;
    QVERIFY2(capture.attachment.attach(m_client.browserEndpoint(), &error), qPrintable(error));
    QVERIFY(capture.attached.wait(kTimeoutMs));
    const QString plain = m_sites.page() + u"/plain.html"_s;
    QVERIFY2(m_client.navigate(QUrl(plain), &error), qPrintable(error));

    // Tab B: one request answered, one waiting for an answer that never comes; then B closes.
    QString targetId;
    QString sessionId;
    QVERIFY2(openTab(m_client, capture, plain + u"?b"_s, &targetId, &sessionId, &error),
             qPrintable(error));
    QVERIFY(waitForDocument(m_client, sessionId, plain + u"?b"_s));
    const QString done = m_sites.api() + u"/api/b-done"_s;
    const QString hanging = m_sites.hang() + u"/hang/b"_s;
    QCOMPARE(evaluateIn(m_client, sessionId, u"fetch('%1').then(r => r.text())"_s.arg(done), &error)
                 .toString(),
             u"ok"_s);
    evaluateIn(m_client, sessionId, u"fetch('%1'), 1"_s.arg(hanging), &error);
    QTRY_VERIFY_WITH_TIMEOUT(m_sites.received(u"hang"_s, u"GET"_s, u"/hang/b"_s), kTimeoutMs);
    const qsizetype targets = capture.attachment.targetCount();
    QJsonObject result;
    QVERIFY2(m_client.command(u"Target.closeTarget"_s, {{u"targetId"_s, targetId}}, &result, &error,
                              kTimeoutMs, true),
             qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(capture.attachment.targetCount() < targets, kTimeoutMs);

    // The capture goes on in tab A.
    const QString after = m_sites.api() + u"/api/a-after"_s;
    QCOMPARE(m_client.evaluate(u"fetch('%1').then(r => r.text())"_s.arg(after), &error).toString(),
             u"ok"_s);
    QTRY_VERIFY_WITH_TIMEOUT(capture.has(u"GET"_s, after), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(capture.has(u"GET"_s, done), kTimeoutMs);
    QVERIFY(capture.attachment.isAttached());
    QCOMPARE(capture.detached.size(), 0);

    capture.attachment.detach();
    QCOMPARE(capture.detached.size(), 1);
    QCOMPARE(capture.find(u"GET"_s, done).size(), 1);
    QCOMPARE(capture.find(u"GET"_s, after).size(), 1);
    // The closed tab's unanswered request is kept, failed, saying why.
    const QList<qsizetype> cut = capture.find(u"GET"_s, hanging);
    QCOMPARE(cut.size(), 1);
    const session::CapturedExchange x = capture.session.exchange(cut.first());
    QCOMPARE(x.status, 0);
    QVERIFY2(!x.error.isEmpty(), "an unanswered request says why it has no response");
    QVERIFY(x.browserReport);
}

void TestAttachRobustness::aKilledBrowserEndsTheCaptureOnce()
{
    CdpClient browser;
    QString error;
    QVERIFY2(browser.start(&error), qPrintable(error));
    QVERIFY2(browser.enableDomains(&error), qPrintable(error));
    Capture capture;
    QVERIFY2(capture.attachment.attach(browser.browserEndpoint(), &error), qPrintable(error));
    QVERIFY(capture.attached.wait(kTimeoutMs));
    const QString plain = m_sites.page() + u"/plain.html?killed"_s;
    QVERIFY2(browser.navigate(QUrl(plain), &error), qPrintable(error));
    const QString done = m_sites.api() + u"/api/c-done"_s;
    const QString hanging = m_sites.hang() + u"/hang/c"_s;
    QCOMPARE(browser.evaluate(u"fetch('%1').then(r => r.text())"_s.arg(done), &error).toString(),
             u"ok"_s);
    browser.evaluate(u"fetch('%1'), 1"_s.arg(hanging), &error);
    QTRY_VERIFY_WITH_TIMEOUT(m_sites.received(u"hang"_s, u"GET"_s, u"/hang/c"_s), kTimeoutMs);

    browser.stop(); // the whole process group: the DevTools socket drops
    QTRY_COMPARE_WITH_TIMEOUT(capture.detached.size(), 1, kTimeoutMs);
    const QString reason = capture.detached.first().first().toString();
    qInfo("detached: %s", qPrintable(reason));
    QVERIFY2(reason.contains(u"closed"_s) || reason.contains(u"connection"_s), qPrintable(reason));
    QVERIFY(!capture.attachment.isAttached());
    // Everything seen before is in the session: the answered request with its verdict, the
    // unanswered one with the reason.
    QVERIFY(capture.has(u"GET"_s, plain));
    QVERIFY(capture.has(u"GET"_s, done));
    const session::CapturedExchange answered =
        capture.session.exchange(capture.find(u"GET"_s, done).value(0));
    QVERIFY(answered.browserReport);
    QVERIFY(answered.browserReport->corsError.isEmpty());
    const QList<qsizetype> cut = capture.find(u"GET"_s, hanging);
    QCOMPARE(cut.size(), 1);
    const session::CapturedExchange x = capture.session.exchange(cut.first());
    QCOMPARE(x.status, 0);
    QVERIFY2(x.error.contains(reason), qPrintable(x.error));
    // Once: neither a late event nor detaching again says it a second time.
    capture.attachment.detach();
    QTest::qWait(500);
    QCOMPARE(capture.detached.size(), 1);
    QCOMPARE(capture.attached.size(), 1);
}

void TestAttachRobustness::nothingToAttachTo()
{
    // A port where nothing listens.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    attach::BrowserEndpointLookup lookup;
    QSignalSpy found(&lookup, &attach::BrowserEndpointLookup::found);
    QSignalSpy failed(&lookup, &attach::BrowserEndpointLookup::failed);
    lookup.lookUp(u"127.0.0.1"_s, closedPort);
    QVERIFY(failed.wait(kTimeoutMs));
    QString message = failed.first().first().toString();
    QVERIFY2(message.contains(u"127.0.0.1:%1"_s.arg(closedPort)), qPrintable(message));
    QVERIFY2(message.contains(u"--remote-debugging-port=%1"_s.arg(closedPort)),
             qPrintable(message));

    // An HTTP server that is not a browser (the test's own page server).
    const QUrl page(m_sites.page());
    failed.clear();
    lookup.lookUp(u"127.0.0.1"_s, quint16(page.port()));
    QVERIFY(failed.wait(kTimeoutMs));
    message = failed.first().first().toString();
    QVERIFY2(message.contains(u"127.0.0.1:%1"_s.arg(page.port())), qPrintable(message));
    QVERIFY2(message.contains(u"not as a browser's debugging endpoint"_s), qPrintable(message));
    QCOMPARE(found.size(), 0);

    // A WebSocket URL with nothing behind it, one on an HTTP server (it answers the handshake
    // with a page) and one on a server that never answers: each ends with the reason, never
    // attached, and leaves no lock behind (a second attempt is not refused).
    const QList<QUrl> endpoints{
        QUrl(u"ws://127.0.0.1:%1/devtools/browser/none"_s.arg(closedPort)),
        QUrl(u"ws://127.0.0.1:%1/devtools/browser/none"_s.arg(page.port())),
        QUrl(u"ws://127.0.0.1:%1/devtools/browser/none"_s.arg(QUrl(m_sites.hang()).port()))};
    for (const QUrl &endpoint : endpoints) {
        for (int attempt = 0; attempt < 2; ++attempt) {
            Capture capture;
            QString error;
            QVERIFY2(capture.attachment.attach(endpoint, &error), qPrintable(error));
            QTRY_VERIFY2_WITH_TIMEOUT(capture.detached.size() == 1,
                                      qPrintable(endpoint.toString() + u" never ended"_s),
                                      kTimeoutMs);
            const QString reason = capture.detached.first().first().toString();
            qInfo("%s: %s", qPrintable(endpoint.toString()), qPrintable(reason));
            QVERIFY2(reason.startsWith(u"cannot connect: "_s), qPrintable(reason));
            QCOMPARE(capture.attached.size(), 0);
            QVERIFY(!capture.attachment.isAttached());
            QCOMPARE(capture.session.count(), 0);
        }
    }
}

QTEST_GUILESS_MAIN(TestAttachRobustness)
#include "tst_attach_robustness.moc"
