// Which special characters a page's origin can really carry after a host name, in a real
// browser, against the engine profile's claim (BrowserProfile::hostSpecialCharacters). The audit
// marks a special-characters finding with the browsers whose profile holds the character
// (docs/audit.md, "Which browsers send which origins"), so the profile must say exactly what the
// browser sends.
//
// One browser session, every character of audit::kSpecialProbeCharacters in it: a page on
// 127.0.0.1 opens one iframe per character on app.example.com<c>.corslab-attacker.test (the
// runner resolves every host name to 127.0.0.1, so nothing leaves the machine), and each frame
// fetch()es the loopback server cross-origin; the server records the Origin header it gets. A
// character is kept when that Origin is the frame's origin verbatim. The URL parser throwing, the
// browser refusing to connect to the host (Firefox's network layer takes only letters, digits and
// . - _ $ +) or the character arriving escaped (Chromium's %2A for '*') all mean a page cannot
// send it. Plain http: http and https hosts go through the same host parser, and http needs no
// certificate.
//
// Built twice (tests/browser/CMakeLists.txt): as tst_host_characters_chromium and, with
// CORSLAB_AGREEMENT_FIREFOX, as tst_host_characters_firefox (ctest: audit_host_characters_*).

#include "audit/probe_origins.h"
#include "browser_under_test.h"
#include "cors/browser_profile.h"
#include "http_connection.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QtTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace corslab;
using namespace browser_under_test;

namespace {

constexpr int PageTimeoutMs = 60000;
/// The trusted host the audit's probes extend (docs/audit.md's example).
constexpr char kTrustedHost[] = "app.example.com";

/// What became of one character's frame.
struct FrameSighting
{
    QString parserError;  ///< the page's new URL() threw this; nothing was requested
    QString connectError; ///< the browser would not connect to the host (the page's fetch() error)
    QByteArray frameHost; ///< Host header of the frame's page request; empty: never requested
    QByteArray origin;    ///< Origin header of the frame's fetch(); empty: none arrived
};

/// The index page: per character, the host is tried and the frame opened; POST /done once every
/// character has settled. Firefox shows a frame on a host it refuses an error page that fires no
/// load event (headless), so the page could not tell it from a slow one: a no-cors fetch() of the
/// host first, which rejects at once when the browser will not connect, says whether to open the
/// frame at all. A frame posts a message once its own fetch() has settled.
QByteArray indexPage(const QByteArray &characters, quint16 port)
{
    QJsonArray list;
    for (const char c : characters)
        list.append(QString(QLatin1Char(c)));
    const QByteArray script = R"js(
const characters = %1, port = %2;
let pending = characters.length;
const report = (path, body) => fetch(path, {method: 'POST', body});
const settle = () => { if (--pending === 0) report('/done'); };
addEventListener('message', settle);
characters.forEach((c, i) => {
  const origin = 'http://%3' + c + '.%4:' + port;
  try {
    new URL(origin);
  } catch (e) {
    report('/rejected?i=' + i, String(e)).finally(settle);
    return;
  }
  fetch(origin + '/reach', {mode: 'no-cors'}).then(() => {
    const frame = document.createElement('iframe');
    frame.src = origin + '/frame?i=' + i;
    document.body.append(frame);
  }, e => report('/unreachable?i=' + i, String(e)).finally(settle));
});
)js"_ba;
    return "<!doctype html><meta charset=\"utf-8\"><body><script>"_ba +
           QString::fromLatin1(script)
               .arg(QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact)),
                    QString::number(port), QLatin1String(kTrustedHost),
                    QLatin1String(audit::kAttackerDomain))
               .toUtf8() +
           "</script></body>"_ba;
}

/// A frame's page: one cross-origin fetch() to the server under its IP address, carrying the
/// frame's index on; then it tells the index page that it is done.
QByteArray framePage(quint16 port)
{
    return "<!doctype html><script>fetch('http://127.0.0.1:"_ba + QByteArray::number(port) +
           "/probe' + location.search).finally(() => parent.postMessage('settled', '*'));"
           "</script>"_ba;
}

HttpResponse ok(const QByteArray &contentType, const QByteArray &body)
{
    HttpResponse response;
    // The probe's answer is readable too, so that the browser logs no CORS error for it.
    response.headers = {{"Content-Type"_ba, contentType},
                        {"Access-Control-Allow-Origin"_ba, "*"_ba},
                        {"Cache-Control"_ba, "no-store"_ba}};
    response.body = body;
    return response;
}

/// \brief The loopback server the page, its frames and their fetch() calls talk to
/// (127.0.0.1, one ephemeral port for every host name).
class HostProbeServer
{
public:
    explicit HostProbeServer(const QByteArray &characters)
        : m_characters(characters), m_sightings(characters.size())
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                new HttpConnection(socket, [this](const HttpRequest &r) { return answer(r); });
        });
    }

    bool start(QString *error)
    {
        if (m_server.listen(QHostAddress::LocalHost))
            return true;
        *error = u"cannot listen on 127.0.0.1: "_s + m_server.errorString();
        return false;
    }

    QUrl indexUrl() const { return QUrl(u"http://127.0.0.1:%1/"_s.arg(m_server.serverPort())); }

    /// The origin of character \a index's frame, spelled as the page asked for it.
    QByteArray frameOrigin(qsizetype index) const
    {
        return "http://"_ba + kTrustedHost + m_characters.at(index) + '.' + audit::kAttackerDomain +
               ':' + QByteArray::number(m_server.serverPort());
    }

    const FrameSighting &sighting(qsizetype index) const { return m_sightings.at(index); }

    /// Spins an event loop until the page is done or \a timeoutMs passed; false on timeout.
    bool waitUntilDone(int timeoutMs)
    {
        QEventLoop loop;
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        m_loop = &loop;
        if (!isDone())
            loop.exec();
        m_loop = nullptr;
        return isDone();
    }

private:
    /// The page has posted /done: every character has settled.
    bool isDone() const { return m_done; }

    HttpResponse answer(const HttpRequest &request)
    {
        const HttpResponse response = route(request);
        if (m_loop && isDone())
            m_loop->quit();
        return response;
    }

    /// The sighting of the frame a request names (?i=<index>), or nullptr.
    FrameSighting *sightingOf(const HttpRequest &request)
    {
        const QUrlQuery query(QUrl::fromEncoded(request.target).query());
        bool valid = false;
        const qsizetype index = query.queryItemValue(u"i"_s).toLongLong(&valid);
        return valid && index >= 0 && index < m_sightings.size() ? &m_sightings[index] : nullptr;
    }

    HttpResponse route(const HttpRequest &request)
    {
        const QByteArray path = request.path();
        FrameSighting *sighting = sightingOf(request);
        if (path == "/")
            return ok("text/html", indexPage(m_characters, m_server.serverPort()));
        if (path == "/frame" && sighting)
            sighting->frameHost = request.header("Host");
        else if (path == "/probe" && sighting)
            sighting->origin = request.header("Origin");
        else if (path == "/rejected" && sighting)
            sighting->parserError = QString::fromUtf8(request.body);
        else if (path == "/unreachable" && sighting)
            sighting->connectError = QString::fromUtf8(request.body);
        else if (path == "/done")
            m_done = true;
        else if (path != "/reach")
            return HttpResponse{404, {}, {}};
        return ok("text/html", path == "/frame" ? framePage(m_server.serverPort()) : "ok"_ba);
    }

    QTcpServer m_server;
    QByteArray m_characters;
    QList<FrameSighting> m_sightings;
    bool m_done = false;
    QEventLoop *m_loop = nullptr;
};

/// What the browser did with one character, in words.
QString describe(const FrameSighting &seen)
{
    if (!seen.parserError.isEmpty())
        return u"the URL parser rejected the host (%1)"_s.arg(seen.parserError);
    if (!seen.connectError.isEmpty())
        return u"the browser would not connect to the host (%1)"_s.arg(seen.connectError);
    if (seen.frameHost.isEmpty())
        return u"the frame was never requested"_s;
    if (seen.origin.isEmpty())
        return u"the frame was requested (Host: %1) but its fetch() never arrived"_s.arg(
            QString::fromLatin1(seen.frameHost));
    return u"the frame (Host: %1) sent Origin: %2"_s.arg(QString::fromLatin1(seen.frameHost),
                                                         QString::fromLatin1(seen.origin));
}

} // namespace

class TestHostCharacters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void character_data();
    void character();

private:
    const cors::BrowserProfile &m_profile = cors::BrowserProfile::get(kBrowser);
    const QByteArray m_characters = QByteArray(audit::kSpecialProbeCharacters);
    std::unique_ptr<HostProbeServer> m_server;
};

void TestHostCharacters::initTestCase()
{
    Runner runner;
    if (!runner.isAvailable())
        QSKIP(qPrintable(
            u"Debian package '%1' is not installed (./test installs it): cannot "
            "check the host characters of a real browser"_s.arg(QLatin1String(kPackage))));
    qInfo("browser: %s", qPrintable(runner.version()));

    m_server = std::make_unique<HostProbeServer>(m_characters);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    runner.setAllHostsToLoopback(true);
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(runner.open(m_server->indexUrl(), &error), qPrintable(error));
    const bool done = m_server->waitUntilDone(PageTimeoutMs);
    reportStartup(runner);
    runner.stop();
    qInfo("%s ran the page for %d characters in %lld ms (one browser session)",
          qPrintable(runner.name()), static_cast<int>(m_characters.size()),
          static_cast<long long>(clock.elapsed()));
    QVERIFY2(done, qPrintable(u"the page did not finish within %1 ms; browser output:\n%2"_s.arg(
                       QString::number(PageTimeoutMs), browserOutput(runner))));
}

void TestHostCharacters::character_data()
{
    QTest::addColumn<int>("index");
    for (int i = 0; i < m_characters.size(); ++i)
        QTest::newRow(qPrintable(u"'%1'"_s.arg(QLatin1Char(m_characters.at(i))))) << i;
}

void TestHostCharacters::character()
{
    QFETCH(int, index);
    const char c = m_characters.at(index);
    const FrameSighting &seen = m_server->sighting(index);
    const bool claimed = m_profile.hostSpecialCharacters.contains(c);
    const bool verbatim = seen.origin == m_server->frameOrigin(index);
    qInfo("'%c': %s", c, qPrintable(describe(seen)));
    if (claimed == verbatim)
        return;
    const QString expected = claimed
                                 ? u"Origin: "_s + QString::fromLatin1(m_server->frameOrigin(index))
                                 : u"no verbatim Origin"_s;
    QFAIL(qPrintable(u"character '%1': the %2 profile (hostSpecialCharacters \"%3\") expects %4, "
                     "but %5"_s.arg(QString(QLatin1Char(c)), m_profile.name,
                                    QString::fromLatin1(m_profile.hostSpecialCharacters), expected,
                                    describe(seen))));
}

QTEST_GUILESS_MAIN(TestHostCharacters)
#include "tst_host_characters.moc"
