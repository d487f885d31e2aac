// The intercepting proxy end to end, with real headless Chromium.
//
// Chromium runs with the proxy flags BrowserLauncher::chromiumArguments() gives
// (`--proxy-server=http://127.0.0.1:PORT --proxy-bypass-list=<-loopback>`, and for interception
// `--ignore-certificate-errors-spki-list` with the proxy CA's hash) and opens the playground page
// with `?autorun=1`: the page runs every action of its ACTIONS list against the API origin and
// posts what JavaScript saw to /__results. The proxy's captured exchanges go straight into a
// session::Session. Then, for each run:
//
//   (a) the session holds exactly the API exchanges the API server logged: same methods and URLs
//       in the same order, same statuses and Origin headers, none lost, none invented;
//   (b) pairing: each actual request the browser preflighted (the server saw the OPTIONS just
//       before it) is Paired with that OPTIONS, whose URL is its URL and whose
//       Access-Control-Request-Method is its method, and the preflight links back; a preflight
//       the browser did not follow with its request links nothing; a request sent without a
//       preflight is a simple CORS request or a cache hit on an earlier matching preflight;
//   (c) verdicts: the session's judgement of each action's exchange (the actual request, or the
//       preflight when the browser stopped there), taken for the page's credentials mode, says
//       exposed exactly when the page's JavaScript could read the response; the row's summary
//       state agrees; a preflight the browser followed passes.
//
// plainHttp: PlaygroundServer (API http://localhost:P) behind the proxy in forward mode.
// httpsInterception: the same page and API with the API on https://localhost:S (TlsPlayground,
// certificate from a test CA the proxy trusts as an upstream anchor); the proxy intercepts the
// CONNECT tunnel with its own CA, which Chromium trusts by SPKI hash. Every API row must then be
// an https URL captured inside an intercepted tunnel to localhost:S.
//
// Chromium's command line is ChromiumRunner's (headless, fresh profile, clean process-group stop)
// plus the launcher's proxy flags, put in front by a wrapper script that execs /usr/bin/chromium
// (so the runner still starts the browser process itself). The bypass list is widened to
// `*;<-loopback>` and names other than localhost fail inside Chromium, so that its own background
// requests never reach the proxy (which would look them up); every run checks that the proxy saw
// loopback hosts only. Browser processes are tracked and cleaned up by AgreementCheck::run(), as
// in the other browser tests.

#include "agreement_check.h"
#include "base/header_list.h"
#include "browser_runner.h"
#include "chromium_runner.h"
#include "cors/browser_profile.h"
#include "cors/cors_error.h"
#include "cors/verdict.h"
#include "playground_results.h"
#include "policy/cors_policy.h"
#include "proxy/browser_launcher.h"
#include "proxy/certificate_authority.h"
#include "proxy/proxy_server.h"
#include "proxy_tls_playground.h"
#include "server/playground_server.h"
#include "session/session.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;
using namespace corslab;

namespace {

constexpr int PageTimeoutMs = 30000;

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

QByteArray headerOf(const base::HeaderList &headers, QByteArrayView name)
{
    return base::getHeader(headers, name).value_or(QByteArray());
}

/// "METHOD URL": what an API exchange is matched on, from the server's side.
QByteArray serverKey(const http::HttpExchange &exchange, const QByteArray &apiOrigin)
{
    return exchange.request.method + ' ' + apiOrigin + exchange.request.target;
}

QString serverLine(const http::HttpExchange &exchange, const QByteArray &apiOrigin)
{
    QString line =
        u"%1 -> %2"_s.arg(latin1(serverKey(exchange, apiOrigin))).arg(exchange.response.status);
    if (const auto acrm = exchange.request.header("access-control-request-method"))
        line += u" [ACRM %1]"_s.arg(latin1(*acrm));
    return line;
}

QString sessionLine(const session::Session &session, qsizetype index)
{
    const session::ExchangeRow row = session.row(index);
    QString line =
        u"#%1 %2 %3 -> %4 %5/%6"_s.arg(row.id)
            .arg(latin1(row.method), latin1(row.url))
            .arg(row.status)
            .arg(session::exchangeKindName(row.kind), session::verdictStateName(row.verdict.state));
    if (row.pairing != session::PairingState::None)
        line += u" %1 #%2"_s.arg(session::pairingStateName(row.pairing)).arg(row.pairedId);
    if (row.failed)
        line += u" FAILED: "_s + session.exchange(index).error;
    return line;
}

const QString LauncherBypass = u"--proxy-bypass-list=<-loopback>"_s;

/// Writes an executable wrapper at \a path that runs /usr/bin/chromium with BrowserLauncher's
/// proxy flags for \a options before the arguments it is given (ChromiumRunner's: headless, the
/// fresh profile, the URL). `exec` keeps the pid, so ChromiumRunner still starts the browser
/// process itself and stops its whole process group. The flags used go to \a flags.
///
/// Two changes keep Chromium's own background requests (network time, component updates, the
/// Google account check, autofill) off the network: the bypass list becomes `*;<-loopback>`
/// (later entries win, so loopback still goes through the proxy and everything else goes
/// direct instead of making the proxy look the host up), and the host resolver rules fail every
/// direct name but localhost without a DNS query. The test then checks that the proxy saw
/// loopback hosts only. False with \a error when the launcher's flags lack `<-loopback>`.
bool writeProxiedChromium(const QString &path, const proxy::BrowserLauncher::Options &options,
                          QStringList *flags, QString *error)
{
    flags->clear();
    bool bypassLoopback = false;
    for (const QString &argument : proxy::BrowserLauncher::chromiumArguments(options, QString())) {
        if (argument.startsWith(u"--user-data-dir="_s))
            continue; // ChromiumRunner gives a fresh one
        if (argument == LauncherBypass) {
            bypassLoopback = true;
            flags->append(u"--proxy-bypass-list=*;<-loopback>"_s);
            continue;
        }
        flags->append(argument);
    }
    if (!bypassLoopback) {
        *error = u"BrowserLauncher::chromiumArguments() lacks %1 (without it Chromium sends no "
                 "loopback request to the proxy): %2"_s.arg(LauncherBypass, flags->join(u' '));
        return false;
    }
    flags->append(u"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"_s);
    QByteArray script = "#!/bin/sh\nexec /usr/bin/chromium";
    for (const QString &flag : std::as_const(*flags))
        script += " '" + flag.toLocal8Bit().replace('\'', "'\\''") + '\'';
    script += " \"$@\"\n";
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(script) != script.size()) {
        *error = u"cannot write the Chromium wrapper %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    file.close();
    if (!file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        *error = u"cannot make %1 executable: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

/// What one run gave to check.
struct RunInput
{
    QList<http::HttpExchange> api; ///< what the API listener logged, in order
    QByteArray apiOrigin;          ///< "http://localhost:P" or "https://localhost:S"
    bool https = false;
    quint16 apiPort = 0;
    QJsonArray results; ///< the page's report, one entry per action
};

/// Totals over the checks of one run.
struct RunCounts
{
    int exchanges = 0;      ///< API exchanges the server logged and the session matched
    int preflights = 0;     ///< of which preflights
    int pairs = 0;          ///< preflight + actual pairs checked
    int verdicts = 0;       ///< actions whose session verdict was compared with the page's
    int sameConnection = 0; ///< pairs whose preflight and actual came on one proxy connection
    int intercepted = 0;    ///< API exchanges captured inside an intercepted tunnel
    int exposed = 0;        ///< actions whose response the page could read
};

/// The checks (a), (b) and (c) of the file comment, as table rows.
QList<CheckRow> checkSession(const session::Session &session, const RunInput &in, RunCounts *counts)
{
    QList<CheckRow> rows;
    const auto add = [&rows](const QString &subject, const QString &check, const QString &expected,
                             const QString &actual, bool ok, const QString &note = QString()) {
        rows.append({subject, check, expected, actual, ok, note});
    };
    const auto same = [&add](const QString &subject, const QString &check, const QString &expected,
                             const QString &actual, const QString &note = QString()) {
        add(subject, check, expected, actual, expected == actual, note);
    };

    // Nothing but the test's loopback origins went through the proxy (see writeProxiedChromium).
    QStringList outside;
    for (qsizetype i = 0; i < session.count(); ++i) {
        const session::ExchangeRow row = session.row(i);
        const QString host = row.method == "CONNECT" ? QUrl(u"//"_s + latin1(row.url)).host()
                                                     : QUrl(latin1(row.url)).host();
        if (host != u"localhost"_s && host != u"127.0.0.1"_s)
            outside.append(sessionLine(session, i));
    }
    add(u"(run)"_s, u"only loopback hosts went through the proxy"_s, u"(none else)"_s,
        outside.isEmpty() ? u"(none else)"_s : outside.join(u"; "_s), outside.isEmpty());

    // (a) The session's rows on the API origin vs. the server's log, in order.
    const QByteArray apiPrefix = in.apiOrigin + '/';
    QList<qsizetype> apiRows;
    for (qsizetype i = 0; i < session.count(); ++i) {
        if (session.row(i).url.startsWith(apiPrefix))
            apiRows.append(i);
    }
    add(u"(run)"_s, u"API exchanges logged by the server"_s, u"> 0"_s,
        QString::number(in.api.size()), !in.api.isEmpty());
    QList<qsizetype> rowOf(in.api.size(), -1); // server index -> session index
    qsizetype next = 0;
    for (qsizetype s = 0; s < in.api.size(); ++s) {
        const http::HttpExchange &served = in.api.at(s);
        const QByteArray key = serverKey(served, in.apiOrigin);
        qsizetype found = -1;
        for (qsizetype j = next; j < apiRows.size() && found < 0; ++j) {
            const session::ExchangeRow row = session.row(apiRows.at(j));
            if (row.method + ' ' + row.url == key)
                found = j;
        }
        if (found < 0) {
            add(latin1(key), u"in the session (lost by the proxy?)"_s, u"yes"_s, u"no"_s, false,
                serverLine(served, in.apiOrigin));
            continue;
        }
        for (qsizetype j = next; j < found; ++j)
            add(sessionLine(session, apiRows.at(j)),
                u"logged by the server (invented by the proxy?)"_s, u"yes"_s,
                u"no, or out of order"_s, false);
        next = found + 1;
        const qsizetype index = apiRows.at(found);
        rowOf[s] = index;
        ++counts->exchanges;
        counts->preflights += isPreflight(served) ? 1 : 0;
        const session::ExchangeRow row = session.row(index);
        const session::CapturedExchange captured = session.exchange(index);
        const QString subject = u"#%1 %2"_s.arg(row.id).arg(latin1(key));
        same(subject, u"status"_s, QString::number(served.response.status),
             QString::number(row.status), sessionLine(session, index));
        same(subject, u"Origin"_s, latin1(served.request.header("origin").value_or("(none)")),
             latin1(row.origin.isEmpty() ? QByteArray("(none)") : row.origin));
        if (in.https) {
            const bool inTunnel = captured.tunnel.intercepted &&
                                  captured.tunnel.host == "localhost" &&
                                  captured.tunnel.port == in.apiPort;
            counts->intercepted += inTunnel ? 1 : 0;
            add(subject, u"captured inside the intercepted tunnel"_s,
                u"intercepted localhost:%1"_s.arg(in.apiPort),
                u"%1 %2:%3 (%4)"_s
                    .arg(captured.tunnel.intercepted ? u"intercepted"_s : u"not intercepted"_s,
                         latin1(captured.tunnel.host))
                    .arg(captured.tunnel.port)
                    .arg(latin1(captured.tunnel.tlsVersion)),
                inTunnel);
        }
    }
    for (qsizetype j = next; j < apiRows.size(); ++j)
        add(sessionLine(session, apiRows.at(j)), u"logged by the server (invented by the proxy?)"_s,
            u"yes"_s, u"no, or out of order"_s, false);

    // (b) Pairing. The browser's own pairs: an OPTIONS the server saw, then its actual request.
    QList<qsizetype> actualAfter(in.api.size(), -1);     // preflight -> its actual request
    QList<qsizetype> preflightBefore(in.api.size(), -1); // actual -> its preflight
    for (qsizetype s = 0; s + 1 < in.api.size(); ++s) {
        const http::HttpRequest &options = in.api.at(s).request;
        const http::HttpRequest &next = in.api.at(s + 1).request;
        if (isPreflight(in.api.at(s)) && !isPreflight(in.api.at(s + 1)) &&
            next.target == options.target &&
            next.method == *options.header("access-control-request-method")) {
            actualAfter[s] = s + 1;
            preflightBefore[s + 1] = s;
        }
    }
    for (qsizetype s = 0; s < in.api.size(); ++s) {
        if (rowOf.at(s) < 0)
            continue;
        const session::ExchangeRow row = session.row(rowOf.at(s));
        const QString subject = u"#%1 %2"_s.arg(row.id).arg(latin1(row.method + ' ' + row.url));
        if (isPreflight(in.api.at(s))) {
            same(subject, u"kind"_s, u"preflight"_s, session::exchangeKindName(row.kind));
            const qsizetype actual = actualAfter.at(s);
            const qint64 actualId =
                actual >= 0 && rowOf.at(actual) >= 0 ? session.row(rowOf.at(actual)).id : 0;
            if (actual < 0) {
                same(subject, u"preflight not followed: links nothing"_s, u"none #0"_s,
                     u"%1 #%2"_s.arg(session::pairingStateName(row.pairing)).arg(row.pairedId));
            } else {
                same(subject, u"preflight links its actual request"_s,
                     u"paired #%1"_s.arg(actualId),
                     u"%1 #%2"_s.arg(session::pairingStateName(row.pairing)).arg(row.pairedId));
                const QList<qint64> links = session.linkedIds(rowOf.at(s));
                QStringList linkText;
                for (const qint64 link : links)
                    linkText.append(u"#%1"_s.arg(link));
                add(subject, u"linkedIds() has the actual request"_s, u"#%1"_s.arg(actualId),
                    linkText.join(u", "_s), links.contains(actualId));
            }
            continue;
        }
        const qsizetype preflight = preflightBefore.at(s);
        const QString pairing =
            u"%1 #%2"_s.arg(session::pairingStateName(row.pairing)).arg(row.pairedId);
        if (preflight >= 0) {
            ++counts->pairs;
            const qint64 preflightId =
                rowOf.at(preflight) >= 0 ? session.row(rowOf.at(preflight)).id : 0;
            same(subject, u"kind"_s,
                 session::exchangeKindName(session::ExchangeKind::PreflightedActual),
                 session::exchangeKindName(row.kind));
            same(subject, u"paired with the preflight the browser sent"_s,
                 u"paired #%1"_s.arg(preflightId), pairing);
            if (rowOf.at(preflight) >= 0) {
                const session::CapturedExchange options = session.exchange(rowOf.at(preflight));
                const session::CapturedExchange actual = session.exchange(rowOf.at(s));
                same(subject, u"paired preflight: OPTIONS, same URL, ACRM = method"_s,
                     u"OPTIONS %1 ACRM %2"_s.arg(latin1(actual.url), latin1(actual.method)),
                     u"%1 %2 ACRM %3"_s.arg(latin1(options.method), latin1(options.url),
                                            latin1(headerOf(options.requestHeaders,
                                                            "access-control-request-method"))));
                counts->sameConnection += options.clientPort == actual.clientPort ? 1 : 0;
            }
            continue;
        }
        // Sent without a preflight: simple, or served by an earlier preflight's cache entry.
        if (row.kind == session::ExchangeKind::PreflightCachedActual) {
            // The browser's cache entry comes from an earlier preflight of the same origin and
            // URL whose Access-Control-Allow-Methods covers this method (its own ACRM may be
            // another method: a POST preflight answered "GET, POST, PUT" serves a later PUT).
            const qsizetype cached = session.indexOfId(row.pairedId);
            const session::CapturedExchange options = cached >= 0 && cached < rowOf.at(s)
                                                          ? session.exchange(cached)
                                                          : session::CapturedExchange{};
            const session::CapturedExchange actual = session.exchange(rowOf.at(s));
            const QByteArray allowMethods =
                headerOf(options.responseHeaders, "access-control-allow-methods");
            const QByteArray acrm =
                headerOf(options.requestHeaders, "access-control-request-method");
            bool covers = acrm == actual.method;
            for (const QByteArray &method : allowMethods.split(','))
                covers = covers || method.trimmed() == actual.method || method.trimmed() == "*";
            add(subject, u"cache hit on an earlier preflight: OPTIONS, same URL and Origin"_s,
                u"cache-hit: OPTIONS %1 from %2"_s.arg(
                    latin1(actual.url), latin1(headerOf(actual.requestHeaders, "origin"))),
                u"%1: %2 %3 from %4"_s.arg(session::pairingStateName(row.pairing),
                                           latin1(options.method), latin1(options.url),
                                           latin1(headerOf(options.requestHeaders, "origin"))),
                row.pairing == session::PairingState::CacheHit && options.method == "OPTIONS" &&
                    options.url == actual.url &&
                    headerOf(options.requestHeaders, "origin") ==
                        headerOf(actual.requestHeaders, "origin"));
            add(subject, u"the cached preflight allowed the method"_s, latin1(actual.method),
                u"ACRM %1, Access-Control-Allow-Methods: %2"_s.arg(latin1(acrm),
                                                                   latin1(allowMethods)),
                covers);
        } else {
            same(subject, u"sent without a preflight: kind"_s,
                 session::exchangeKindName(session::ExchangeKind::SimpleCors),
                 session::exchangeKindName(row.kind), sessionLine(session, rowOf.at(s)));
            same(subject, u"sent without a preflight: pairing"_s, u"none #0"_s, pairing);
        }
    }

    // (c) Verdicts: each action's exchanges (the page runs them one after the other) vs. what the
    // page's script saw.
    const QStringList reportedIds = reportedActionIds(in.results);
    const QStringList expectedIds = expectedActionIds();
    same(u"(page)"_s, u"actions reported"_s, expectedIds.join(u", "_s), reportedIds.join(u", "_s),
         u"the page's ACTIONS changed: update pageActions()"_s);
    if (reportedIds != expectedIds)
        return rows;
    qsizetype cursor = 0;
    for (qsizetype i = 0; i < pageActions().size(); ++i) {
        const PageAction &action = pageActions().at(i);
        const QString id = QString::fromLatin1(action.id);
        const QJsonObject result = in.results.at(i).toObject();
        const bool pageExposed = result.value(u"exposed"_s).toBool();
        const QString pageOutcome = pageExposed ? u"exposed"_s : u"blocked"_s;
        const auto [preflight, actual] = matchAction(in.api, &cursor, action);
        const qsizetype judged = actual >= 0 ? actual : preflight;
        if (judged < 0) {
            add(id, u"request reached the API"_s, u"yes"_s, u"no"_s, false,
                u"page: "_s + result.value(u"error"_s).toString());
            continue;
        }
        if (rowOf.at(judged) < 0)
            continue; // reported under (a)
        ++counts->verdicts;
        const qsizetype index = rowOf.at(judged);
        const session::ExchangeRow row = session.row(index);
        const session::ExchangeEvaluation evaluation = session.evaluation(index);
        // A capture cannot tell a cookieless credentialed request from a plain one, so the
        // session judges both ways; the page's own credentials mode picks the verdict.
        const std::optional<cors::Verdict> &verdict =
            action.credentials && evaluation.credentialedVerdict ? evaluation.credentialedVerdict
                                                                 : evaluation.verdict;
        const QString what = actual >= 0 ? u"actual request"_s : u"preflight (no actual request)"_s;
        if (!verdict) {
            add(id, u"session judged the "_s + what, u"yes"_s, u"no"_s, false,
                sessionLine(session, index));
            continue;
        }
        const QString sessionOutcome =
            verdict->exposed ? u"exposed"_s
                             : u"blocked (%1)"_s.arg(cors::corsErrorName(verdict->error));
        add(id, u"session verdict on the "_s + what + u" vs. the page"_s, pageOutcome,
            sessionOutcome, verdict->exposed == pageExposed,
            sessionLine(session, index) + u"; page: "_s +
                (pageExposed ? u"status %1"_s.arg(result.value(u"status"_s).toInt())
                             : result.value(u"error"_s).toString()));
        // The row's summary: Exposed means readable, Blocked means not; Warning is readable
        // unless its error is the verdict with credentials (the mode the capture cannot tell).
        const session::VerdictSummary &summary = row.verdict;
        bool summaryAgrees = false;
        switch (summary.state) {
        case session::VerdictState::Exposed:
            summaryAgrees = pageExposed;
            break;
        case session::VerdictState::Blocked:
            summaryAgrees = !pageExposed;
            break;
        case session::VerdictState::Warning:
            summaryAgrees = pageExposed ||
                            (summary.assumptions & session::Assumption::ErrorWithCredentials) != 0;
            break;
        default:
            break;
        }
        if (pageExposed) {
            ++counts->exposed;
            same(id, u"status the page read = the session's"_s,
                 QString::number(result.value(u"status"_s).toInt()), QString::number(row.status));
        }
        add(id, u"row verdict state vs. the page"_s, pageOutcome,
            session::verdictStateName(summary.state), summaryAgrees, sessionLine(session, index));
        if (preflight >= 0 && actual >= 0 && rowOf.at(preflight) >= 0) {
            const session::ExchangeEvaluation pe = session.evaluation(rowOf.at(preflight));
            const std::optional<cors::Verdict> &pv =
                action.credentials && pe.credentialedVerdict ? pe.credentialedVerdict : pe.verdict;
            same(id, u"preflight passes (the browser sent the request)"_s, u"yes"_s,
                 yesNo(pv && pv->preflightOk), sessionLine(session, rowOf.at(preflight)));
        }
    }
    for (; cursor < in.api.size(); ++cursor)
        add(u"(none)"_s, u"API exchange matched to an action"_s, u"yes"_s, u"no"_s, false,
            serverLine(in.api.at(cursor), in.apiOrigin));
    return rows;
}

/// The proxy with a session behind it.
struct CaptureProxy
{
    session::Session session;
    std::unique_ptr<proxy::ProxyServer> server;
    quint16 port = 0;

    bool start(proxy::ProxyOptions options, QString *error)
    {
        server = std::make_unique<proxy::ProxyServer>(std::move(options));
        // Direct: the session is thread-safe, and append() on the proxy's thread keeps the order.
        QObject::connect(server.get(), &proxy::ProxyServer::exchangesCaptured, &session,
                         &session::Session::append, Qt::DirectConnection);
        port = server->listen(QHostAddress::LocalHost, 0, error);
        return port != 0;
    }
};

} // namespace

class TestBrowserProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void plainHttp_data();
    void plainHttp();
    void httpsInterception_data();
    void httpsInterception();
    void cleanupTestCase();

private:
    template<class Site>
    void runAndCheck(Site &site, CaptureProxy &capture, const QByteArray &spkiHash,
                     const QString &role, const QString &label);

    RunCounts m_total;
    int m_runs = 0;
};

void TestBrowserProxy::initTestCase()
{
    ChromiumRunner runner;
    if (!runner.isAvailable())
        QSKIP("/usr/bin/chromium is not installed (Debian package 'chromium'; ./test installs it): "
              "cannot run the proxy in front of a real browser");
    qInfo("browser: %s", qPrintable(runner.version()));
    AgreementCheck::reportForeignBrowsers(runner);
}

// Runs the page of \a role ("app" or "evil") of \a site in Chromium through \a capture's proxy,
// then checks the session against the server's log and the page's report.
template<class Site>
void TestBrowserProxy::runAndCheck(Site &site, CaptureProxy &capture, const QByteArray &spkiHash,
                                   const QString &role, const QString &label)
{
    QTemporaryDir wrapperDir;
    QVERIFY2(wrapperDir.isValid(), qPrintable(wrapperDir.errorString()));
    proxy::BrowserLauncher::Options launch;
    launch.proxyHostPort = "127.0.0.1:" + QByteArray::number(capture.port);
    launch.spkiHash = spkiHash;
    QStringList flags;
    QString error;
    const QString wrapper = wrapperDir.filePath(u"chromium-via-proxy"_s);
    QVERIFY2(writeProxiedChromium(wrapper, launch, &flags, &error), qPrintable(error));

    QUrl page = role == u"evil"_s ? site.evilPageUrl() : site.appPageUrl();
    page.setQuery(u"autorun=1"_s);
    ChromiumRunner chromium(wrapper);
    PlaygroundPageRun<Site> run(chromium, site, page, role, PageTimeoutMs);
    AgreementCheck processes(cors::BrowserProfile::get(cors::Browser::Chromium));
    processes.run(run, PageTimeoutMs);
    // Closing the proxy delivers whatever it captured last; stopping the site flushes its log.
    capture.server->close();
    site.stop();

    RunInput in;
    in.apiOrigin = site.origins().api;
    in.https = in.apiOrigin.startsWith("https:");
    in.apiPort = QUrl(latin1(in.apiOrigin)).port();
    for (const http::HttpExchange &exchange : site.exchanges()) {
        if (exchange.request.listener == u"api"_s)
            in.api.append(exchange);
    }
    QStringList serverLines;
    for (const http::HttpExchange &exchange : std::as_const(in.api))
        serverLines.append(u"    "_s + serverLine(exchange, in.apiOrigin));
    QStringList sessionLines;
    for (qsizetype index = 0; index < capture.session.count(); ++index)
        sessionLines.append(u"    "_s + sessionLine(capture.session, index));
    const QString context =
        u"%1, page %2, proxy 127.0.0.1:%3, Chromium flags: %4\n  the API server logged:\n%5\n"
        "  the session holds:\n%6"_s.arg(label, page.toString())
            .arg(capture.port)
            .arg(flags.join(u' '), serverLines.join(u'\n'), sessionLines.join(u'\n'));
    const QString leftovers =
        processes.leftovers().isEmpty()
            ? QString()
            : u"\n  browser processes outlived ChromiumRunner::stop() (killed now):\n"_s +
                  processes.leftovers();
    if (!run.report())
        QFAIL(qPrintable(run.error() + u"\n  "_s + context + u"\n  browser output (tail):\n"_s +
                         QString::fromLocal8Bit(chromium.output().right(3000)) + leftovers));
    QCOMPARE(run.report()->value(u"role"_s).toString(), role);
    in.results = run.report()->value(u"results"_s).toArray();

    RunCounts counts;
    const QList<CheckRow> rows = checkSession(capture.session, in, &counts);
    const auto failed =
        std::count_if(rows.cbegin(), rows.cend(), [](const CheckRow &row) { return !row.ok; });
    qInfo("%s: %d exchanges (%d preflights), %d pairs (%d on the preflight's connection), "
          "%d verdicts compared (%d exposed), %d intercepted; %d checks, %d mismatch(es); page ran "
          "in "
          "%lld ms",
          qPrintable(label), counts.exchanges, counts.preflights, counts.pairs,
          counts.sameConnection, counts.verdicts, counts.exposed, counts.intercepted,
          static_cast<int>(rows.size()), static_cast<int>(failed),
          static_cast<long long>(run.elapsedMs()));
    m_total.exchanges += counts.exchanges;
    m_total.preflights += counts.preflights;
    m_total.pairs += counts.pairs;
    m_total.sameConnection += counts.sameConnection;
    m_total.verdicts += counts.verdicts;
    m_total.intercepted += counts.intercepted;
    ++m_runs;
    if (failed > 0 || !leftovers.isEmpty())
        QFAIL(qPrintable(u"%1 mismatch(es) between the proxy's session, the API server and the "
                         "page for %2\n  checks:\n"_s.arg(QString::number(failed), context) +
                         checkTable(rows, u"subject"_s, {7, 5, 8, 6}, false) + leftovers));
    QVERIFY(counts.exchanges > 0);
    QCOMPARE(counts.verdicts, static_cast<int>(pageActions().size()));
    // The trusted app reads some responses under every policy used here: a run where everything
    // failed alike in the page and in the session proves little.
    if (role == u"app"_s)
        QVERIFY2(counts.exposed > 0, "the app page could read no response at all");
    if (in.https)
        QCOMPARE(counts.intercepted, counts.exchanges);
}

void TestBrowserProxy::plainHttp_data()
{
    QTest::addColumn<QString>("policyName");
    QTest::addColumn<QString>("role");
    const struct
    {
        const char *tag;
        QString policy;
    } policies[] = {
        {"credentialed-allowlist", u"Credentialed allowlist"_s},
        {"reflect-any-origin", u"Misconfigured: reflect any origin with credentials"_s},
        {"wildcard-with-credentials", u"Misconfigured: wildcard with credentials"_s},
    };
    for (const auto &policy : policies) {
        for (const QString &role : {u"app"_s, u"evil"_s})
            QTest::addRow("%s/%s", policy.tag, qPrintable(role)) << policy.policy << role;
    }
}

void TestBrowserProxy::plainHttp()
{
    QFETCH(QString, policyName);
    QFETCH(QString, role);
    const std::optional<policy::CorsPolicy> policy = policy::CorsPolicy::preset(policyName);
    QVERIFY2(policy, qPrintable(u"no preset called \""_s + policyName + u'"'));

    server::PlaygroundServer playground(server::PlaygroundServer::Options{}, *policy);
    QString error;
    QVERIFY2(playground.start(&error), qPrintable(error));
    CaptureProxy capture;
    QVERIFY2(capture.start(proxy::ProxyOptions{}, &error), qPrintable(error));
    runAndCheck(playground, capture, QByteArray(), role,
                u"http: policy \"%1\" / %2"_s.arg(policyName, role));
}

void TestBrowserProxy::httpsInterception_data()
{
    QTest::addColumn<QString>("policyName");
    QTest::addColumn<QString>("role");
    const QString allowlist = u"Credentialed allowlist"_s;
    const QString reflect = u"Misconfigured: reflect any origin with credentials"_s;
    // The allowlist blocks the PUT at its preflight (X-Custom is not allowed) and everything
    // from the untrusted page; reflecting lets the preflighted PUT through.
    QTest::newRow("credentialed-allowlist/app") << allowlist << u"app"_s;
    QTest::newRow("credentialed-allowlist/evil") << allowlist << u"evil"_s;
    QTest::newRow("reflect-any-origin/app") << reflect << u"app"_s;
}

void TestBrowserProxy::httpsInterception()
{
    QFETCH(QString, policyName);
    QFETCH(QString, role);
    const std::optional<policy::CorsPolicy> policy = policy::CorsPolicy::preset(policyName);
    QVERIFY2(policy, qPrintable(u"no preset called \""_s + policyName + u'"'));

    // Two CAs: the API server's (the proxy trusts it upstream) and the proxy's own (Chromium
    // trusts it by the hash of its key).
    QTemporaryDir caDirs;
    QVERIFY2(caDirs.isValid(), qPrintable(caDirs.errorString()));
    QString error;
    const std::unique_ptr<proxy::CertificateAuthority> serverCa =
        proxy::CertificateAuthority::loadOrCreate(caDirs.filePath(u"server-ca"_s), &error);
    QVERIFY2(serverCa, qPrintable(error));
    std::shared_ptr<const proxy::CertificateAuthority> proxyCa =
        proxy::CertificateAuthority::loadOrCreate(caDirs.filePath(u"proxy-ca"_s), &error);
    QVERIFY2(proxyCa, qPrintable(error));
    QVERIFY(serverCa->spkiSha256Base64() != proxyCa->spkiSha256Base64());
    const QSslConfiguration tls = serverCa->serverConfiguration("localhost");
    QVERIFY(!tls.localCertificate().isNull());

    TlsPlayground playground(*policy, tls);
    QVERIFY2(playground.start(&error), qPrintable(error));
    proxy::ProxyOptions options;
    options.certificateAuthority = proxyCa;
    options.upstreamCaCertificates = {serverCa->certificate()};
    CaptureProxy capture;
    QVERIFY2(capture.start(options, &error), qPrintable(error));
    runAndCheck(playground, capture, proxyCa->spkiSha256Base64(), role,
                u"https: policy \"%1\" / %2"_s.arg(policyName, role));
}

void TestBrowserProxy::cleanupTestCase()
{
    qInfo("in all %d runs: %d API exchanges matched (%d preflights), %d preflight pairs (%d on "
          "the same proxy connection as their actual request), %d verdicts compared with the "
          "page, %d exchanges captured through interception",
          m_runs, m_total.exchanges, m_total.preflights, m_total.pairs, m_total.sameConnection,
          m_total.verdicts, m_total.intercepted);
}

QTEST_GUILESS_MAIN(TestBrowserProxy)
#include "tst_browser_proxy.moc"
