// A HAR made by real headless Chromium imports with the right verdicts.
//
// The playground server runs with an allowlist of the untrusted origin only. Chromium, driven
// over the DevTools protocol (cdp_client.h), opens the untrusted page and then the trusted app's
// page, and on each runs fetch() calls to the API: simple and preflighted requests that pass, a
// simple request and a preflight without Access-Control-Allow-Origin, a header and a method the
// preflight answer does not allow. The Network events Chromium sent (requestWillBeSent(ExtraInfo),
// responseReceived(ExtraInfo), loadingFinished, loadingFailed with corsErrorStatus) are turned
// into a HAR the way DevTools' HAR export does (DevToolsHarLog below mirrors front_end/models/har/
// Log.ts), imported with loadHar(), and every API exchange's verdict is checked against what the
// page's JavaScript saw and against Chromium's own corsErrorStatus.corsError.
//
// CORSLAB_WRITE_HAR_SAMPLE=FILE also writes the HAR there (tests/data/chromium.har was made so).

#include "base/json_scanner.h"
#include "cdp_client.h"
#include "cors/cors_error.h"
#include "policy/cors_policy.h"
#include "report/har_import.h"
#include "server/playground_server.h"
#include "session/session.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QUrlQuery>
#include <QtTest>
#include <cmath>
#include <limits>
#include <optional>

using namespace corslab;

namespace {

/// One fetch() the page makes; the URL's ?case= names it in the HAR.
struct FetchCase
{
    const char *id;
    const char *page; ///< "evil" (the allowlisted origin) or "app" (not allowlisted)
    const char *method;
    const char *path;
    const char *headers; ///< a JS object literal
    bool pageReads;      ///< what the policy is built to give (a check of the set-up itself)
};

const QList<FetchCase> &fetchCases()
{
    static const QList<FetchCase> cases = {
        {"simple-allowed", "evil", "GET", "/public", "{}", true},
        {"preflight-allowed", "evil", "PUT", "/echo", "{'Content-Type': 'application/json'}", true},
        {"header-disallowed", "evil", "PUT", "/echo",
         "{'Content-Type': 'application/json', 'X-Trace': '1'}", false},
        {"method-disallowed", "evil", "PATCH", "/echo", "{}", false},
        {"simple-blocked", "app", "GET", "/public", "{}", false},
        {"preflight-blocked", "app", "PUT", "/echo", "{'Content-Type': 'application/json'}", false},
    };
    return cases;
}

// The members of the JSON object at \a path inside \a raw, in the order they were sent
// (QJsonObject would sort them): header order survives into the HAR as DevTools keeps it.
QList<QPair<QString, QString>> orderedMembers(const QByteArray &raw, const QStringList &path)
{
    QByteArrayView span = raw;
    for (const QString &key : path) {
        QByteArrayView next;
        base::JsonScanner(span, 0).members(
            [&](const QString &name, QByteArrayView value, qsizetype) {
                if (name == key)
                    next = value;
                return true;
            });
        span = next;
    }
    QList<QPair<QString, QString>> out;
    base::JsonScanner(span, 0).members(
        [&](const QString &name, QByteArrayView value, qsizetype at) {
            QJsonValue v;
            QString ignored;
            if (base::parseJsonValue(value, at, &v, &ignored))
                out.append({name, v.toString()});
            return true;
        });
    return out;
}

// CDP headers objects join repeated headers with '\n'; DevTools lists each value on its own.
QJsonArray harHeaders(const QList<QPair<QString, QString>> &members)
{
    QJsonArray out;
    for (const auto &m : members) {
        for (const QString &value : m.second.split(QLatin1Char('\n')))
            out.append(
                QJsonObject{{QStringLiteral("name"), m.first}, {QStringLiteral("value"), value}});
    }
    return out;
}

QString headerValue(const QJsonArray &headers, const QString &name)
{
    for (const QJsonValue &h : headers) {
        if (h.toObject()
                .value(QStringLiteral("name"))
                .toString()
                .compare(name, Qt::CaseInsensitive) == 0)
            return h.toObject().value(QStringLiteral("value")).toString();
    }
    return {};
}

/// \brief Turns the Network events of one CdpClient run into a HAR 1.2 log the way Chrome
/// DevTools' "Export HAR" does (front_end/models/har/Log.ts: Entry.build(), _buildRequest(),
/// _buildResponse(), _buildTimings()), entries in the order the requests were first seen.
///
/// As DevTools: request headers from requestWillBeSentExtraInfo (what went on the wire) when
/// there is one, else from requestWillBeSent; the response's status, status text and headers from
/// responseReceivedExtraInfo when there is one (a response the browser then blocked for CORS
/// keeps its real status, and `_error` says "net::ERR_FAILED"); `_resourceType` "preflight" for
/// CORS preflights (CDP's type is "Other", the initiator's "preflight"); timings from the
/// response's ResourceTiming, -1 for what did not happen.
/// Added for the tests, outside DevTools' format: `_corsErrorStatus` (loadingFailed's, verbatim)
/// and `_pageSaw` (what the page's fetch() got).
class DevToolsHarLog
{
public:
    explicit DevToolsHarLog(const QList<CdpEvent> &events)
    {
        for (const CdpEvent &e : events) {
            const QString id = e.params.value(QStringLiteral("requestId")).toString();
            if (id.isEmpty() || !e.method.startsWith(QLatin1String("Network.")))
                continue;
            if (!m_requests.contains(id))
                m_order.append(id);
            Request &r = m_requests[id];
            const QString kind = e.method.mid(8);
            if (kind == QLatin1String("requestWillBeSent"))
                r.willBeSent = e;
            else if (kind == QLatin1String("requestWillBeSentExtraInfo"))
                r.requestExtra = e;
            else if (kind == QLatin1String("responseReceived"))
                r.response = e;
            else if (kind == QLatin1String("responseReceivedExtraInfo"))
                r.responseExtra = e;
            else if (kind == QLatin1String("dataReceived"))
                r.dataLength += qint64(e.params.value(QStringLiteral("dataLength")).toDouble());
            else if (kind == QLatin1String("loadingFinished") ||
                     kind == QLatin1String("loadingFailed"))
                r.end = e;
        }
    }

    /// Every request seen has ended, and each response DevTools would read headers from has its
    /// ExtraInfo (it may come after loadingFinished).
    bool complete() const
    {
        for (const Request &r : m_requests) {
            if (!r.willBeSent || !r.end)
                return false;
            if (r.response && !r.responseExtra &&
                r.response->params.value(QStringLiteral("response"))
                    .toObject()
                    .value(QStringLiteral("url"))
                    .toString()
                    .startsWith(QLatin1String("http")) &&
                !r.response->params.value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("fromDiskCache"))
                     .toBool())
                return false;
        }
        return true;
    }

    QStringList requestIds() const { return m_order; }
    bool finishedOk(const QString &id) const
    {
        const Request &r = m_requests[id];
        return r.end && r.end->method == QLatin1String("Network.loadingFinished");
    }
    /// DevTools fetches each body for its export (Network.getResponseBody).
    void setBody(const QString &id, const QString &text, bool base64)
    {
        m_requests[id].body = text;
        m_requests[id].base64 = base64;
    }

    QJsonObject build(const QHash<QString, QJsonObject> &pageSawByCase) const
    {
        QJsonArray entries;
        for (const QString &id : m_order) {
            const Request &r = m_requests[id];
            if (!r.willBeSent)
                continue;
            entries.append(entry(r, pageSawByCase));
        }
        return {{QStringLiteral("log"),
                 QJsonObject{{QStringLiteral("version"), QStringLiteral("1.2")},
                             {QStringLiteral("creator"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("WebInspector")},
                                          {QStringLiteral("version"), QStringLiteral("537.36")}}},
                             {QStringLiteral("pages"), QJsonArray{}},
                             {QStringLiteral("entries"), entries}}}};
    }

private:
    struct Request
    {
        std::optional<CdpEvent> willBeSent;
        std::optional<CdpEvent> requestExtra;
        std::optional<CdpEvent> response;
        std::optional<CdpEvent> responseExtra;
        std::optional<CdpEvent> end;
        qint64 dataLength = 0;
        QString body;
        bool base64 = false;
    };

    static double num(const QJsonObject &o, const char *name, double fallback = -1)
    {
        return o.value(QLatin1String(name)).toDouble(fallback);
    }

    // Log.ts _buildTimings(): times in seconds (monotonic) or ms relative to requestTime.
    static QJsonObject timings(const Request &r, double *time)
    {
        const double issueTime = num(r.willBeSent->params, "timestamp");
        const QJsonObject timing = r.response ? r.response->params.value(QStringLiteral("response"))
                                                    .toObject()
                                                    .value(QStringLiteral("timing"))
                                                    .toObject()
                                              : QJsonObject();
        const double startTime = timing.isEmpty() ? issueTime : num(timing, "requestTime");
        const double endTime = r.end ? num(r.end->params, "timestamp") : issueTime;
        const double responseReceivedTime = r.response ? num(r.response->params, "timestamp") : -1;
        double blocked = issueTime < startTime ? (startTime - issueTime) * 1000 : -1;
        double dns = -1, ssl = -1, connect = -1, send = 0, wait = 0, receive = 0;
        const auto leastNonNegative = [](std::initializer_list<double> values) {
            double best = std::numeric_limits<double>::infinity();
            for (double v : values) {
                if (v >= 0 && v < best)
                    best = v;
            }
            return best;
        };
        double highest = 0;
        if (!timing.isEmpty()) {
            const double blockedStart = leastNonNegative(
                {num(timing, "dnsStart"), num(timing, "connectStart"), num(timing, "sendStart")});
            if (std::isfinite(blockedStart))
                blocked += blockedStart;
            const double dnsEnd = num(timing, "dnsEnd") >= 0 ? num(timing, "dnsEnd") : -1;
            dns = dnsEnd - (num(timing, "dnsEnd") >= 0 ? blockedStart : 0);
            const double sslEnd = num(timing, "sslEnd") > 0 ? num(timing, "sslEnd") : -1;
            ssl = sslEnd - (num(timing, "sslEnd") > 0 ? num(timing, "sslStart") : 0);
            const double connectEnd =
                num(timing, "connectEnd") >= 0 ? num(timing, "connectEnd") : -1;
            connect =
                connectEnd -
                (num(timing, "connectEnd") >= 0 ? leastNonNegative({dnsEnd, blockedStart}) : 0);
            const double sendEnd = num(timing, "sendEnd") >= 0 ? num(timing, "sendEnd") : 0;
            const double sendStart =
                num(timing, "sendEnd") >= 0 ? std::max({connectEnd, dnsEnd, blockedStart}) : 0;
            send = std::max(sendEnd - sendStart, 0.0);
            highest = std::max({sendEnd, connectEnd, sslEnd, dnsEnd,
                                std::isfinite(blockedStart) ? blockedStart : 0.0, 0.0});
        } else if (responseReceivedTime < 0) {
            // Nothing known after "blocked": all of it is blocked.
            blocked = (endTime - issueTime) * 1000;
        }
        if (!timing.isEmpty() || responseReceivedTime >= 0) {
            const double requestTime = timing.isEmpty() ? startTime : num(timing, "requestTime");
            const double waitEnd = (responseReceivedTime - requestTime) * 1000;
            wait = waitEnd - highest;
            receive = std::max((endTime - requestTime) * 1000 - waitEnd, 0.0);
        }
        *time = 0;
        for (double t : {blocked, dns, connect, send, wait, receive})
            *time += std::max(t, 0.0);
        return {{QStringLiteral("blocked"), blocked},
                {QStringLiteral("dns"), dns},
                {QStringLiteral("ssl"), ssl},
                {QStringLiteral("connect"), connect},
                {QStringLiteral("send"), send},
                {QStringLiteral("wait"), wait},
                {QStringLiteral("receive"), receive},
                {QStringLiteral("_blocked_queueing"),
                 issueTime < startTime ? (startTime - issueTime) * 1000 : -1}};
    }

    static QJsonArray cookies(const QJsonArray &headers, const QString &name)
    {
        QJsonArray out;
        for (const QJsonValue &h : headers) {
            const QJsonObject header = h.toObject();
            if (header.value(QStringLiteral("name")).toString().compare(name, Qt::CaseInsensitive))
                continue;
            const QString value = header.value(QStringLiteral("value")).toString();
            const QStringList pairs = name == QLatin1String("Cookie")
                                          ? value.split(QLatin1Char(';'))
                                          : QStringList{value.section(QLatin1Char(';'), 0, 0)};
            for (const QString &pair : pairs) {
                out.append(QJsonObject{
                    {QStringLiteral("name"), pair.section(QLatin1Char('='), 0, 0).trimmed()},
                    {QStringLiteral("value"), pair.section(QLatin1Char('='), 1).trimmed()}});
            }
        }
        return out;
    }

    QJsonObject entry(const Request &r, const QHash<QString, QJsonObject> &pageSawByCase) const
    {
        const QJsonObject will = r.willBeSent->params;
        const QJsonObject request = will.value(QStringLiteral("request")).toObject();
        const QString url =
            request.value(QStringLiteral("url")).toString().section(QLatin1Char('#'), 0, 0);
        const QJsonArray requestHeaders =
            r.requestExtra
                ? harHeaders(orderedMembers(r.requestExtra->raw,
                                            {QStringLiteral("params"), QStringLiteral("headers")}))
                : harHeaders(orderedMembers(r.willBeSent->raw,
                                            {QStringLiteral("params"), QStringLiteral("request"),
                                             QStringLiteral("headers")}));
        const QJsonObject response =
            r.response ? r.response->params.value(QStringLiteral("response")).toObject()
                       : QJsonObject();
        const QJsonObject extra = r.responseExtra ? r.responseExtra->params : QJsonObject();
        const QString headersText = extra.value(QStringLiteral("headersText")).toString();
        int status = response.value(QStringLiteral("status")).toInt();
        if (extra.value(QStringLiteral("statusCode")).toInt())
            status = extra.value(QStringLiteral("statusCode")).toInt();
        QString statusText = response.value(QStringLiteral("statusText")).toString();
        if (!headersText.isEmpty()) // NetworkRequest.parseStatusTextFromResponseHeadersText()
            statusText =
                headersText.section(QLatin1Char('\n'), 0, 0).trimmed().section(QLatin1Char(' '), 2);
        const QJsonArray responseHeaders =
            r.responseExtra
                ? harHeaders(orderedMembers(r.responseExtra->raw,
                                            {QStringLiteral("params"), QStringLiteral("headers")}))
                : harHeaders(orderedMembers(r.response ? r.response->raw : QByteArray(),
                                            {QStringLiteral("params"), QStringLiteral("response"),
                                             QStringLiteral("headers")}));
        const QString protocol = response.value(QStringLiteral("protocol")).toString();
        const QString httpVersion = !headersText.isEmpty()
                                        ? headersText.section(QLatin1Char(' '), 0, 0)
                                    : protocol == QLatin1String("http/1.1") || protocol.isEmpty()
                                        ? QStringLiteral("HTTP/1.1")
                                        : protocol;
        const bool failed = r.end && r.end->method == QLatin1String("Network.loadingFailed");
        const QJsonObject end = r.end ? r.end->params : QJsonObject();

        QJsonObject harRequest{
            {QStringLiteral("method"), request.value(QStringLiteral("method"))},
            {QStringLiteral("url"), url},
            {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
            {QStringLiteral("headers"), requestHeaders},
            {QStringLiteral("queryString"),
             [&] {
                 QJsonArray q;
                 for (const auto &item : QUrlQuery(QUrl(url)).queryItems(QUrl::FullyDecoded))
                     q.append(QJsonObject{{QStringLiteral("name"), item.first},
                                          {QStringLiteral("value"), item.second}});
                 return q;
             }()},
            {QStringLiteral("cookies"), cookies(requestHeaders, QStringLiteral("Cookie"))},
            {QStringLiteral("headersSize"), -1},
            {QStringLiteral("bodySize"),
             request.value(QStringLiteral("postData")).toString().toUtf8().size()}};
        if (request.contains(QStringLiteral("postData")))
            harRequest.insert(
                QStringLiteral("postData"),
                QJsonObject{{QStringLiteral("mimeType"),
                             headerValue(requestHeaders, QStringLiteral("Content-Type"))},
                            {QStringLiteral("text"), request.value(QStringLiteral("postData"))}});

        QJsonObject content{{QStringLiteral("size"), double(r.dataLength)},
                            {QStringLiteral("mimeType"),
                             response.value(QStringLiteral("mimeType")).toString().isEmpty()
                                 ? QStringLiteral("x-unknown")
                                 : response.value(QStringLiteral("mimeType")).toString()}};
        if (!r.body.isNull()) {
            content.insert(QStringLiteral("text"), r.body);
            if (r.base64)
                content.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
        }
        const double transferSize = end.value(QStringLiteral("encodedDataLength")).toDouble();
        QJsonObject harResponse{
            {QStringLiteral("status"), status},
            {QStringLiteral("statusText"), statusText},
            {QStringLiteral("httpVersion"), httpVersion},
            {QStringLiteral("headers"), responseHeaders},
            {QStringLiteral("cookies"), cookies(responseHeaders, QStringLiteral("Set-Cookie"))},
            {QStringLiteral("content"), content},
            {QStringLiteral("redirectURL"),
             headerValue(responseHeaders, QStringLiteral("Location"))},
            {QStringLiteral("headersSize"), headersText.isEmpty() ? -1 : headersText.size()},
            {QStringLiteral("bodySize"),
             headersText.isEmpty() ? -1.0 : transferSize - headersText.size()},
            {QStringLiteral("_transferSize"), transferSize},
            {QStringLiteral("_error"),
             failed ? end.value(QStringLiteral("errorText")) : QJsonValue(QJsonValue::Null)}};

        double time = 0;
        const QJsonObject harTimings = timings(r, &time);
        const QJsonObject initiator = will.value(QStringLiteral("initiator")).toObject();
        QJsonObject harInitiator{{QStringLiteral("type"), initiator.value(QStringLiteral("type"))}};
        for (const char *key : {"url", "lineNumber"}) {
            if (initiator.contains(QLatin1String(key)))
                harInitiator.insert(QLatin1String(key), initiator.value(QLatin1String(key)));
        }
        QJsonObject e{
            {QStringLiteral("_initiator"), harInitiator},
            {QStringLiteral("_priority"),
             request.value(QStringLiteral("initialPriority")).toString()},
            // NetworkManager gives a request its preflight's type from the initiator (CDP says
            // "Other").
            {QStringLiteral("_resourceType"),
             initiator.value(QStringLiteral("type")).toString() == QLatin1String("preflight")
                 ? QStringLiteral("preflight")
                 : will.value(QStringLiteral("type")).toString().toLower()},
            {QStringLiteral("cache"), QJsonObject{}},
            {QStringLiteral("request"), harRequest},
            {QStringLiteral("response"), harResponse},
            {QStringLiteral("serverIPAddress"), response.value(QStringLiteral("remoteIPAddress"))
                                                    .toString()
                                                    .remove(QLatin1Char('['))
                                                    .remove(QLatin1Char(']'))},
            {QStringLiteral("startedDateTime"),
             QDateTime::fromMSecsSinceEpoch(qint64(std::llround(num(will, "wallTime") * 1000)),
                                            Qt::UTC)
                 .toString(Qt::ISODateWithMs)},
            {QStringLiteral("time"), time},
            {QStringLiteral("timings"), harTimings}};
        const double connectionId = response.value(QStringLiteral("connectionId")).toDouble();
        if (connectionId != 0)
            e.insert(QStringLiteral("connection"), QString::number(qint64(connectionId)));
        if (end.contains(QStringLiteral("corsErrorStatus")))
            e.insert(QStringLiteral("_corsErrorStatus"),
                     end.value(QStringLiteral("corsErrorStatus")));
        const QString caseId = QUrlQuery(QUrl(url)).queryItemValue(QStringLiteral("case"));
        if (pageSawByCase.contains(caseId) &&
            request.value(QStringLiteral("method")).toString() != QLatin1String("OPTIONS"))
            e.insert(QStringLiteral("_pageSaw"), pageSawByCase.value(caseId));
        return e;
    }

    QHash<QString, Request> m_requests;
    QStringList m_order;
};

QString fetchScript(const QByteArray &api, const QString &page)
{
    QStringList calls;
    for (const FetchCase &c : fetchCases()) {
        if (page != QLatin1String(c.page))
            continue;
        const bool body = QByteArrayView(c.method) != "GET";
        calls << QStringLiteral("{id: '%1', method: '%2', url: '%3%4?case=%1', headers: %5%6}")
                     .arg(QLatin1String(c.id), QLatin1String(c.method), QString::fromLatin1(api),
                          QLatin1String(c.path), QLatin1String(c.headers),
                          body ? QStringLiteral(", body: '{}'") : QString());
    }
    return QStringLiteral(R"((async () => {
  const out = [];
  for (const c of [%1]) {
    try {
      const r = await fetch(c.url, {method: c.method, headers: c.headers, body: c.body});
      await r.text();
      out.push({id: c.id, ok: true, status: r.status});
    } catch (e) {
      out.push({id: c.id, ok: false, error: String(e)});
    }
  }
  return out;
})())")
        .arg(calls.join(QStringLiteral(",\n  ")));
}

int rowOf(const session::Session &s, const QByteArray &url, const QByteArray &method)
{
    for (qsizetype i = 0; i < s.count(); ++i) {
        const session::ExchangeRow row = s.row(i);
        if (row.url == url && row.method == method)
            return int(i);
    }
    return -1;
}

} // namespace

class TestHarChromium : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chromiumHarImportsWithChromiumsVerdicts()
    {
        CdpClient chromium;
        if (!chromium.isAvailable())
            QSKIP("/usr/bin/chromium is not installed");

        policy::CorsPolicy policy;
        policy.allowOrigin = policy::CorsPolicy::OriginMode::Allowlist;
        policy.allowedOrigins = {QStringLiteral("{evil}")};
        policy.allowCredentials = false;
        server::PlaygroundServer playground({}, policy);
        QString error;
        QVERIFY2(playground.start(&error), qPrintable(error));
        const QByteArray api = playground.origins().api;

        QVERIFY2(chromium.start(&error), qPrintable(error));
        QVERIFY2(chromium.enableDomains(&error), qPrintable(error));
        QHash<QString, QJsonObject> pageSaw;
        // Bodies are fetched before the next navigation, which drops the page's resources.
        QHash<QString, QPair<QString, bool>> bodies;
        std::optional<DevToolsHarLog> log;
        for (const auto &[page, url] :
             {std::pair{QStringLiteral("evil"), playground.evilPageUrl()},
              std::pair{QStringLiteral("app"), playground.appPageUrl()}}) {
            QVERIFY2(chromium.navigate(url, &error), qPrintable(error));
            const QJsonValue results = chromium.evaluate(fetchScript(api, page), &error);
            QVERIFY2(results.isArray(), qPrintable(error));
            for (const QJsonValue &r : results.toArray())
                pageSaw.insert(r.toObject().value(QStringLiteral("id")).toString(), r.toObject());
            // Until every request has ended and its headers are in.
            const bool complete = chromium.waitFor(
                [&] {
                    log.emplace(chromium.events());
                    return log->complete();
                },
                20000);
            QVERIFY2(complete, "Chromium's Network events did not complete");
            for (const QString &id : log->requestIds()) {
                if (!log->finishedOk(id) || bodies.contains(id))
                    continue;
                QJsonObject body;
                if (chromium.command(QStringLiteral("Network.getResponseBody"),
                                     {{QStringLiteral("requestId"), id}}, &body, &error))
                    bodies.insert(id, {body.value(QStringLiteral("body")).toString(),
                                       body.value(QStringLiteral("base64Encoded")).toBool()});
            }
        }
        QCOMPARE(pageSaw.size(), fetchCases().size());
        for (auto it = bodies.cbegin(); it != bodies.cend(); ++it)
            log->setBody(it.key(), it.value().first, it.value().second);
        const QString product = chromium.product();
        chromium.stop();
        playground.stop();

        const QJsonObject har = log->build(pageSaw);
        const QByteArray harText = QJsonDocument(har).toJson(QJsonDocument::Indented);
        if (const QByteArray sample = qgetenv("CORSLAB_WRITE_HAR_SAMPLE"); !sample.isEmpty()) {
            // The checked-in sample stays small: page bodies (the playground's HTML) left out,
            // as HAR allows content.text to be absent.
            QJsonObject small = har;
            QJsonObject smallLog = small.value(QStringLiteral("log")).toObject();
            QJsonArray entries;
            for (const QJsonValue &v : smallLog.value(QStringLiteral("entries")).toArray()) {
                QJsonObject e = v.toObject();
                QJsonObject response = e.value(QStringLiteral("response")).toObject();
                QJsonObject content = response.value(QStringLiteral("content")).toObject();
                if (content.value(QStringLiteral("text")).toString().size() > 2048) {
                    content.remove(QStringLiteral("text"));
                    content.remove(QStringLiteral("encoding"));
                }
                response.insert(QStringLiteral("content"), content);
                e.insert(QStringLiteral("response"), response);
                entries.append(e);
            }
            smallLog.insert(QStringLiteral("entries"), entries);
            smallLog.insert(
                QStringLiteral("comment"),
                QStringLiteral("Made by tests/browser/tst_har_chromium.cpp with %1").arg(product));
            small.insert(QStringLiteral("log"), smallLog);
            QSaveFile file(QString::fromLocal8Bit(sample));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QJsonDocument(small).toJson(QJsonDocument::Indented));
            QVERIFY(file.commit());
        }

        report::HarImport imported;
        QVERIFY2(report::parseHar(harText, &imported, &error), qPrintable(error));
        QCOMPARE(imported.profile, QStringLiteral("chromium"));
        session::Session s;
        QVERIFY2(report::loadHar(harText, &s, &error), qPrintable(error));

        QStringList table;
        bool allAgree = true;
        int preflightsSeen = 0;
        for (const QJsonValue &v : har.value(QStringLiteral("log"))
                                       .toObject()
                                       .value(QStringLiteral("entries"))
                                       .toArray()) {
            const QJsonObject e = v.toObject();
            preflightsSeen +=
                e.value(QStringLiteral("_resourceType")).toString() == QLatin1String("preflight");
            const QJsonObject saw = e.value(QStringLiteral("_pageSaw")).toObject();
            if (saw.isEmpty())
                continue;
            const QJsonObject request = e.value(QStringLiteral("request")).toObject();
            const QByteArray url = request.value(QStringLiteral("url")).toString().toLatin1();
            const QByteArray method = request.value(QStringLiteral("method")).toString().toLatin1();
            const QString chromiumError = e.value(QStringLiteral("_corsErrorStatus"))
                                              .toObject()
                                              .value(QStringLiteral("corsError"))
                                              .toString();
            int index = rowOf(s, url, method);
            // Never sent (its preflight failed): the preflight carries the verdict.
            if (index < 0)
                index = rowOf(s, url, "OPTIONS");
            QVERIFY2(index >= 0, url.constData());
            const session::ExchangeRow row = s.row(index);
            const bool pageRead = saw.value(QStringLiteral("ok")).toBool();
            const bool engineExposes = row.verdict.state == session::VerdictState::Exposed ||
                                       row.verdict.state == session::VerdictState::Warning;
            const QString engineError = row.verdict.state == session::VerdictState::Blocked
                                            ? cors::corsErrorName(row.verdict.corsError())
                                            : QString();
            const bool agree = pageRead == engineExposes && engineError == chromiumError;
            allAgree = allAgree && agree;
            table << QStringLiteral("%1 %2 %3  page: %4  Chromium: %5  engine: %6 %7")
                         .arg(agree ? QStringLiteral("ok ") : QStringLiteral("BAD"),
                              QString::fromLatin1(method), QString::fromLatin1(url),
                              pageRead ? QStringLiteral("read") : QStringLiteral("failed"),
                              chromiumError.isEmpty() ? QStringLiteral("-") : chromiumError,
                              session::verdictStateName(row.verdict.state), engineError);
        }
        QVERIFY2(allAgree, qPrintable(QLatin1Char('\n') + table.join(QLatin1Char('\n'))));
        QCOMPARE(table.size(), fetchCases().size());
        QVERIFY2(preflightsSeen >= 4, "Chromium reported no preflight requests");
        // The set-up gives what each case is for.
        for (const FetchCase &c : fetchCases())
            QCOMPARE(pageSaw.value(QLatin1String(c.id)).value(QStringLiteral("ok")).toBool(),
                     c.pageReads);
        // The preflighted PUT that passed is paired with its preflight.
        const int put = rowOf(s, api + "/echo?case=preflight-allowed", "PUT");
        QVERIFY(put >= 0);
        QCOMPARE(s.row(put).pairing, session::PairingState::Paired);
    }
};

QTEST_GUILESS_MAIN(TestHarChromium)
#include "tst_har_chromium.moc"
