// HAR 1.2 export and import: session → HAR → session keeps every header, body, status and
// verdict; every field HAR 1.2 requires is there; Chrome- and Firefox-shaped logs import;
// malformed logs are refused with the JSON path named; the checked-in HAR that headless Chromium
// produced imports with Chromium's own verdicts; 20,000 exchanges go through.
#include "../session/chromium_exchanges.h"
#include "cors/cors_error.h"
#include "report/har_export.h"
#include "report/har_import.h"
#include "session/session.h"

#include <QBuffer>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

using namespace corslab;
using namespace corslab::report;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
const QByteArray kItems = "https://api.example.net/items";

base::HeaderList allowing()
{
    return {{"Access-Control-Allow-Origin", kApp},
            {"Access-Control-Allow-Credentials", "true"},
            {"Access-Control-Allow-Methods", "GET, PUT"},
            {"Access-Control-Allow-Headers", "Content-Type"},
            {"Vary", "Origin"}};
}

// A capture with each kind and verdict the HAR must carry: a paired preflight and its PUT, a
// blocked simple GET, a failed request, a navigation, an opaque tunnel, binary and cut bodies,
// and an exchange with every field set to something unusual.
QList<CapturedExchange> mixedCapture()
{
    QList<CapturedExchange> list;
    list << X("OPTIONS", kItems, kT0)
                .request(chromiumPreflight(kApi, kApp, "PUT", "content-type"))
                .response(204, allowing());
    X put("PUT", kItems, kT0 + 20);
    put.request(chromiumFetch(kApi, kApp, "cross-site")).add("Content-Type", "application/json");
    put.x.requestBody.stored = R"({"name":"caf\u00e9"})";
    put.x.requestBody.size = put.x.requestBody.stored.size();
    put.response(200, {{"Access-Control-Allow-Origin", kApp},
                       {"Access-Control-Allow-Credentials", "true"},
                       {"Content-Type", "application/json"},
                       {"Vary", "Origin"}});
    put.x.responseBody.stored = R"({"ok":true})";
    put.x.responseBody.size = 70000; // cut at the cap
    list << put;
    X blocked("GET", kItems + "?page=2&q=a%20b", kT0 + 40);
    blocked.request(chromiumFetch(kApi, kApp, "cross-site"))
        .response(200, {{"Access-Control-Allow-Origin", "https://other.example.com"},
                        {"Content-Type", "image/png"}});
    blocked.x.responseBody.stored = QByteArray("\x89PNG\r\n\x1a\n\x00\x00", 10);
    blocked.x.responseBody.size = 10;
    list << blocked;
    list << X("GET", kItems + "/9", kT0 + 60)
                .request(chromiumFetch(kApi, kApp, "cross-site"))
                .failed(QStringLiteral("upstream refused the connection: 192.0.2.1:443"));
    list << X("GET", "https://app.example.com/", kT0 + 80)
                .request(chromiumNavigation("app.example.com"))
                .response(200, {{"Content-Type", "text/html"},
                                {"Set-Cookie", "sid=1; Path=/; HttpOnly; SameSite=Lax"}});
    CapturedExchange tunnel;
    tunnel.type = CapturedExchange::Type::Tunnel;
    tunnel.startedAtMs = kT0 + 90;
    tunnel.finishedAtMs = kT0 + 900;
    tunnel.method = "CONNECT";
    tunnel.url = "cdn.example.org:443";
    tunnel.requestHeaders = {{"Host", "cdn.example.org:443"}};
    tunnel.status = 200;
    tunnel.reason = "Connection established";
    tunnel.tunnel.host = "cdn.example.org";
    tunnel.tunnel.port = 443;
    tunnel.tunnel.bytesFromClient = 517;
    tunnel.tunnel.bytesFromServer = 4096;
    list << tunnel;
    list << everyField(kT0 + 100);
    X composed("GET", kItems, kT0 + 120);
    composed.request(chromiumFetch(kApi, kApp, "cross-site")).response(200, allowing());
    composed.x.credentialsIncluded = true;
    list << composed;
    return list;
}

QByteArray exportHar(const Session &session)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!writeHar(session, &buffer, &error))
        qWarning() << "writeHar failed:" << error;
    return buffer.data();
}

QJsonArray entriesOf(const QByteArray &har)
{
    return QJsonDocument::fromJson(har)
        .object()
        .value(QStringLiteral("log"))
        .toObject()
        .value(QStringLiteral("entries"))
        .toArray();
}

// Checks \a object against the fields HAR 1.2 requires of it: "name:type" with types s (string),
// n (number), o (object), a (array). Returns the first problem, empty when none.
QString requireFields(const QJsonObject &object, const QString &path, const QStringList &fields)
{
    for (const QString &spec : fields) {
        const QString name = spec.section(QLatin1Char(':'), 0, 0);
        const QString type = spec.section(QLatin1Char(':'), 1, 1);
        const QJsonValue v = object.value(name);
        const bool ok = (type == QLatin1String("s") && v.isString()) ||
                        (type == QLatin1String("n") && v.isDouble()) ||
                        (type == QLatin1String("o") && v.isObject()) ||
                        (type == QLatin1String("a") && v.isArray());
        if (!ok)
            return QStringLiteral("%1.%2: required %3, got %4")
                .arg(path, name, type, QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson()));
    }
    return {};
}

// The HAR 1.2 required-field list (http://www.softwareishard.com/blog/har-12-spec/), field by
// field, plus the rules on values: times add up, -1 only where HAR allows it.
QString validateHar12(const QByteArray &har)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(har, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return parseError.errorString();
    const QJsonObject log = doc.object().value(QStringLiteral("log")).toObject();
    QString problem = requireFields(
        log, QStringLiteral("log"),
        {QStringLiteral("version:s"), QStringLiteral("creator:o"), QStringLiteral("entries:a")});
    if (problem.isEmpty())
        problem = requireFields(log.value(QStringLiteral("creator")).toObject(),
                                QStringLiteral("log.creator"),
                                {QStringLiteral("name:s"), QStringLiteral("version:s")});
    if (!problem.isEmpty())
        return problem;
    if (log.value(QStringLiteral("version")).toString() != QLatin1String("1.2"))
        return QStringLiteral("log.version is not 1.2");
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString e = QStringLiteral("log.entries[%1]").arg(i);
        const QJsonObject entry = entries.at(i).toObject();
        const QJsonObject request = entry.value(QStringLiteral("request")).toObject();
        const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
        const QJsonObject timings = entry.value(QStringLiteral("timings")).toObject();
        for (const QString &p :
             {requireFields(entry, e,
                            {QStringLiteral("startedDateTime:s"), QStringLiteral("time:n"),
                             QStringLiteral("request:o"), QStringLiteral("response:o"),
                             QStringLiteral("cache:o"), QStringLiteral("timings:o")}),
              requireFields(request, e + QStringLiteral(".request"),
                            {QStringLiteral("method:s"), QStringLiteral("url:s"),
                             QStringLiteral("httpVersion:s"), QStringLiteral("cookies:a"),
                             QStringLiteral("headers:a"), QStringLiteral("queryString:a"),
                             QStringLiteral("headersSize:n"), QStringLiteral("bodySize:n")}),
              requireFields(response, e + QStringLiteral(".response"),
                            {QStringLiteral("status:n"), QStringLiteral("statusText:s"),
                             QStringLiteral("httpVersion:s"), QStringLiteral("cookies:a"),
                             QStringLiteral("headers:a"), QStringLiteral("content:o"),
                             QStringLiteral("redirectURL:s"), QStringLiteral("headersSize:n"),
                             QStringLiteral("bodySize:n")}),
              requireFields(response.value(QStringLiteral("content")).toObject(),
                            e + QStringLiteral(".response.content"),
                            {QStringLiteral("size:n"), QStringLiteral("mimeType:s")}),
              requireFields(timings, e + QStringLiteral(".timings"),
                            {QStringLiteral("send:n"), QStringLiteral("wait:n"),
                             QStringLiteral("receive:n")})}) {
            if (!p.isEmpty())
                return p;
        }
        if (!QDateTime::fromString(entry.value(QStringLiteral("startedDateTime")).toString(),
                                   Qt::ISODateWithMs)
                 .isValid())
            return e + QStringLiteral(".startedDateTime is not ISO 8601");
        for (const char *list : {"headers", "cookies", "queryString"}) {
            for (const QJsonObject &owner : {request, response}) {
                if (list == QByteArrayView("queryString") && owner == response)
                    continue;
                for (const QJsonValue &pair : owner.value(QLatin1String(list)).toArray()) {
                    const QString p =
                        requireFields(pair.toObject(), e + QLatin1Char('.') + QLatin1String(list),
                                      {QStringLiteral("name:s"), QStringLiteral("value:s")});
                    if (!p.isEmpty())
                        return p;
                }
            }
        }
        if (request.contains(QStringLiteral("postData"))) {
            const QString p = requireFields(request.value(QStringLiteral("postData")).toObject(),
                                            e + QStringLiteral(".request.postData"),
                                            {QStringLiteral("mimeType:s")});
            if (!p.isEmpty())
                return p;
        }
        double sum = 0;
        for (const char *name : {"blocked", "dns", "connect", "send", "wait", "receive"}) {
            const double t = timings.value(QLatin1String(name)).toDouble(-1);
            const bool optional = QByteArrayView(name) == "blocked" ||
                                  QByteArrayView(name) == "dns" ||
                                  QByteArrayView(name) == "connect";
            if (t < (optional ? -1 : 0))
                return QStringLiteral("%1.timings.%2 is %3").arg(e, QLatin1String(name)).arg(t);
            sum += std::max(t, 0.0);
        }
        if (sum != entry.value(QStringLiteral("time")).toDouble())
            return e + QStringLiteral(".time is not the sum of its timings");
    }
    return {};
}

// The JSON test data below writes "://" as ":\/\/" (the same string in JSON): moc takes "//"
// inside a raw string literal for a comment and would not see the test class.

// A HAR log around \a entries (JSON text of the entries array's content).
QByteArray harWith(const QByteArray &entries)
{
    return R"({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
               "pages": [], "entries": [)" +
           entries + "]}}";
}

// One valid Chrome-shaped entry; \a patch replaces "$REQ" / "$RESP" / "$MORE".
QByteArray entry(const QByteArray &request = {}, const QByteArray &response = {},
                 const QByteArray &more = {})
{
    QByteArray e = R"({"startedDateTime": "2024-05-01T10:40:00.000Z", "time": 8,
        "request": {"method": "GET", "url": "https:\/\/api.example.net/items", "httpVersion": "HTTP/1.1",
                    "headers": [{"name": "Origin", "value": "https:\/\/app.example.com"},
                                {"name": "Sec-Fetch-Mode", "value": "cors"}],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0 $REQ},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                     "headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}],
                     "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"},
                     "redirectURL": "", "headersSize": -1, "bodySize": -1 $RESP},
        "cache": {}, "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0,
                                 "wait": 5, "receive": 3} $MORE})";
    return e.replace("$REQ", request).replace("$RESP", response).replace("$MORE", more);
}

qint64 msOf(const char *isoTime)
{
    return QDateTime::fromString(QString::fromLatin1(isoTime), Qt::ISODateWithMs)
        .toMSecsSinceEpoch();
}

// As DevTools writes it: the PUT is listed before the preflight sent for it, HTTP/2
// pseudo-headers, a blocked request with its real status and "_error", and a request never sent
// because its preflight failed.
QByteArray chromeShapedLog()
{
    const QByteArray put = R"({"startedDateTime": "2024-05-01T10:40:00.000Z", "time": 30,
            "_resourceType": "fetch", "_initiator": {"type": "script"}, "_priority": "High",
            "request": {"method": "PUT", "url": "https:\/\/api.example.net/items#frag", "httpVersion": "h2",
              "headers": [{"name": ":authority", "value": "api.example.net"},
                          {"name": ":method", "value": "PUT"},
                          {"name": "content-type", "value": "application/json"},
                          {"name": "origin", "value": "https:\/\/app.example.com"},
                          {"name": "sec-fetch-mode", "value": "cors"},
                          {"name": "sec-fetch-site", "value": "cross-site"},
                          {"name": "sec-fetch-dest", "value": "empty"}],
              "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 2,
              "postData": {"mimeType": "application/json", "text": "{}"}},
            "response": {"status": 200, "statusText": "", "httpVersion": "h2",
              "headers": [{"name": "access-control-allow-origin", "value": "https:\/\/app.example.com"},
                          {"name": "access-control-allow-credentials", "value": "true"},
                          {"name": "vary", "value": "Origin"}],
              "cookies": [], "content": {"size": 2, "mimeType": "application/json"},
              "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 60, "_error": null},
            "cache": {}, "timings": {"blocked": 20, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0.5, "wait": 5, "receive": 3.5}})";
    const QByteArray preflight = R"({"startedDateTime": "2024-05-01T10:40:00.005Z", "time": 9,
            "_resourceType": "preflight",
            "_initiator": {"type": "preflight", "url": "https:\/\/api.example.net/items", "requestId": "7"},
            "request": {"method": "OPTIONS", "url": "https:\/\/api.example.net/items", "httpVersion": "h2",
              "headers": [{"name": "access-control-request-method", "value": "PUT"},
                          {"name": "access-control-request-headers", "value": "content-type"},
                          {"name": "origin", "value": "https:\/\/app.example.com"},
                          {"name": "sec-fetch-mode", "value": "cors"},
                          {"name": "sec-fetch-site", "value": "cross-site"},
                          {"name": "sec-fetch-dest", "value": "empty"}],
              "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 204, "statusText": "", "httpVersion": "h2",
              "headers": [{"name": "access-control-allow-origin", "value": "https:\/\/app.example.com"},
                          {"name": "access-control-allow-credentials", "value": "true"},
                          {"name": "access-control-allow-methods", "value": "PUT"},
                          {"name": "access-control-allow-headers", "value": "content-type"}],
              "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"},
              "redirectURL": "", "headersSize": -1, "bodySize": 0, "_error": null},
            "cache": {}, "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0, "wait": 5, "receive": 3}})";
    const QByteArray blocked = R"({"startedDateTime": "2024-05-01T10:40:01.000Z", "time": 8,
            "_resourceType": "fetch",
            "request": {"method": "GET", "url": "https:\/\/api.example.net/private", "httpVersion": "http/1.1",
              "headers": [{"name": "Origin", "value": "https:\/\/app.example.com"},
                          {"name": "Sec-Fetch-Mode", "value": "cors"},
                          {"name": "Sec-Fetch-Site", "value": "cross-site"},
                          {"name": "Sec-Fetch-Dest", "value": "empty"}],
              "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "http/1.1",
              "headers": [{"name": "Content-Type", "value": "application/json"}],
              "cookies": [], "content": {"size": 0, "mimeType": "application/json"},
              "redirectURL": "", "headersSize": -1, "bodySize": -1, "_error": "net::ERR_FAILED"},
            "cache": {}, "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0, "wait": 5, "receive": 2}})";
    const QByteArray neverSentPreflight =
        R"({"startedDateTime": "2024-05-01T10:40:02.001Z", "time": 3,
            "_resourceType": "preflight",
            "_initiator": {"type": "preflight", "url": "https:\/\/api.example.net/admin"},
            "request": {"method": "OPTIONS", "url": "https:\/\/api.example.net/admin", "httpVersion": "http/1.1",
              "headers": [{"name": "Access-Control-Request-Method", "value": "DELETE"},
                          {"name": "Origin", "value": "https:\/\/app.example.com"},
                          {"name": "Sec-Fetch-Mode", "value": "cors"},
                          {"name": "Sec-Fetch-Site", "value": "cross-site"},
                          {"name": "Sec-Fetch-Dest", "value": "empty"}],
              "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 404, "statusText": "Not Found", "httpVersion": "http/1.1",
              "headers": [{"name": "Content-Length", "value": "0"}],
              "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"},
              "redirectURL": "", "headersSize": -1, "bodySize": 0, "_error": null},
            "cache": {}, "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0, "wait": 2, "receive": 1}})";
    const QByteArray neverSent = R"({"startedDateTime": "2024-05-01T10:40:02.000Z", "time": 4,
            "_resourceType": "fetch",
            "request": {"method": "DELETE", "url": "https:\/\/api.example.net/admin", "httpVersion": "",
              "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 0, "statusText": "", "httpVersion": "", "headers": [],
              "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"},
              "redirectURL": "", "headersSize": -1, "bodySize": -1, "_error": "net::ERR_FAILED"},
            "cache": {}, "timings": {"blocked": 4, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0, "wait": 0, "receive": 0}})";
    return harWith(put + ',' + preflight + ',' + blocked + ',' + neverSent + ',' +
                   neverSentPreflight);
}

// Firefox: "_securityState", fractional timings, a time zone offset, no content text.
QByteArray firefoxShapedLog()
{
    return R"({"log": {"version": "1.2",
            "creator": {"name": "Firefox", "version": "128.0"},
            "browser": {"name": "Firefox", "version": "128.0"},
            "pages": [{"startedDateTime": "2024-05-01T12:40:00.000+02:00", "id": "page_1",
                       "title": "app", "pageTimings": {"onContentLoad": 10, "onLoad": 20}}],
            "entries": [{"pageref": "page_1", "startedDateTime": "2024-05-01T12:40:00.000+02:00",
              "request": {"bodySize": 0, "method": "GET", "url": "http:\/\/localhost:8080/public",
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Host", "value": "localhost:8080"},
                            {"name": "Origin", "value": "http:\/\/127.0.0.1:8082"},
                            {"name": "Sec-Fetch-Mode", "value": "cors"},
                            {"name": "Sec-Fetch-Site", "value": "cross-site"},
                            {"name": "Sec-Fetch-Dest", "value": "empty"}],
                "cookies": [], "queryString": [], "headersSize": 210},
              "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Access-Control-Allow-Origin", "value": "http:\/\/localhost:8081"}],
                "cookies": [], "content": {"mimeType": "application/json", "size": 17},
                "redirectURL": "", "headersSize": 120, "bodySize": 137},
              "cache": {}, "timings": {"blocked": 0.25, "dns": 0, "connect": 0.5, "ssl": 0,
                                       "send": 0, "wait": 1.75, "receive": 0.5},
              "time": 3, "_securityState": "insecure", "serverIPAddress": "127.0.0.1",
              "connection": "8080"}]}})";
}

int indexOfUrl(const Session &s, const QByteArray &url, const QByteArray &method)
{
    for (qsizetype i = 0; i < s.count(); ++i) {
        const ExchangeRow row = s.row(i);
        if (row.url == url && row.method == method)
            return int(i);
    }
    return -1;
}

} // namespace

class TestHar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryHeaderBodyStatusAndVerdict()
    {
        Session original;
        original.append(mixedCapture());
        const QByteArray har = exportHar(original);
        QVERIFY(!har.isEmpty());

        Session restored;
        QString error;
        QVERIFY2(loadHar(har, &restored, &error), qPrintable(error));
        QCOMPARE(restored.count(), original.count());
        QCOMPARE(restored.profile().name, original.profile().name);
        for (qsizetype i = 0; i < original.count(); ++i) {
            compareExchanges(restored.exchange(i), original.exchange(i));
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("exchange %1 differs").arg(i + 1)));
            const ExchangeRow a = restored.row(i);
            const ExchangeRow b = original.row(i);
            QCOMPARE(a.kind, b.kind);
            QCOMPARE(a.verdict, b.verdict);
            QCOMPARE(a.pairing, b.pairing);
            QCOMPARE(a.pairedId, b.pairedId);
            QCOMPARE(restored.exchange(i).credentialsIncluded,
                     original.exchange(i).credentialsIncluded);
        }
        // The capture has each verdict the export must keep apart.
        QCOMPARE(original.row(0).kind, ExchangeKind::Preflight);
        QCOMPARE(original.row(0).pairing, PairingState::Paired);
        QCOMPARE(original.row(1).verdict.state, VerdictState::Exposed);
        QCOMPARE(original.row(2).verdict.state, VerdictState::Blocked);
        QCOMPARE(original.row(3).verdict.state, VerdictState::Unknown);
        QCOMPARE(int(original.exchange(5).type), int(CapturedExchange::Type::Tunnel));
    }

    void blockedRequestShowsWhatThePageSaw()
    {
        Session s;
        s.append(mixedCapture());
        const QJsonArray entries = entriesOf(exportHar(s));
        QCOMPARE(entries.size(), s.count());

        // The blocked GET: status 0 and Chrome's net error, the real response kept.
        const QJsonObject blocked = entries.at(2).toObject();
        const QJsonObject response = blocked.value(QStringLiteral("response")).toObject();
        QCOMPARE(response.value(QStringLiteral("status")).toInt(-1), 0);
        QCOMPARE(response.value(QStringLiteral("_error")).toString(),
                 QLatin1String(kHarCorsBlockedError));
        QCOMPARE(response.value(QStringLiteral("headers")).toArray().size(), 2);
        QCOMPARE(response.value(QStringLiteral("content"))
                     .toObject()
                     .value(QStringLiteral("encoding"))
                     .toString(),
                 QStringLiteral("base64"));
        const QJsonObject cors = blocked.value(QStringLiteral("_cors")).toObject();
        QCOMPARE(cors.value(QStringLiteral("verdict")).toString(), QStringLiteral("blocked"));
        QCOMPARE(cors.value(QStringLiteral("error")).toString(),
                 cors::corsErrorName(s.row(2).verdict.corsError()));
        QCOMPARE(cors.value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toInt(),
                 200);
        QVERIFY(cors.value(QStringLiteral("headline"))
                    .toString()
                    .startsWith(QStringLiteral("BLOCKED")));
        QVERIFY(!cors.value(QStringLiteral("summary")).toString().isEmpty());
        QCOMPARE(cors.value(QStringLiteral("profile")).toString(), QStringLiteral("chromium"));
        QCOMPARE(blocked.value(QStringLiteral("_resourceType")).toString(),
                 QStringLiteral("fetch"));
        QCOMPARE(blocked.value(QStringLiteral("request"))
                     .toObject()
                     .value(QStringLiteral("queryString"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QStringLiteral("value"))
                     .toString(),
                 QStringLiteral("a b"));

        // The preflight: DevTools' resource type, linked both ways to its PUT.
        const QJsonObject preflight = entries.at(0).toObject();
        QCOMPARE(preflight.value(QStringLiteral("_resourceType")).toString(),
                 QStringLiteral("preflight"));
        QCOMPARE(preflight.value(QStringLiteral("_initiator"))
                     .toObject()
                     .value(QStringLiteral("type"))
                     .toString(),
                 QStringLiteral("preflight"));
        QCOMPARE(preflight.value(QStringLiteral("_cors"))
                     .toObject()
                     .value(QStringLiteral("pairedEntry"))
                     .toInt(-1),
                 1);
        QCOMPARE(entries.at(1)
                     .toObject()
                     .value(QStringLiteral("_cors"))
                     .toObject()
                     .value(QStringLiteral("pairedEntry"))
                     .toInt(-1),
                 0);
        QCOMPARE(preflight.value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toInt(),
                 204);
        // A transport failure keeps its own words.
        QCOMPARE(entries.at(3)
                     .toObject()
                     .value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("_error"))
                     .toString(),
                 QStringLiteral("upstream refused the connection: 192.0.2.1:443"));
        // Response cookies with their attributes.
        const QJsonObject cookie = entries.at(4)
                                       .toObject()
                                       .value(QStringLiteral("response"))
                                       .toObject()
                                       .value(QStringLiteral("cookies"))
                                       .toArray()
                                       .at(0)
                                       .toObject();
        QCOMPARE(cookie.value(QStringLiteral("name")).toString(), QStringLiteral("sid"));
        QCOMPARE(cookie.value(QStringLiteral("path")).toString(), QStringLiteral("/"));
        QCOMPARE(cookie.value(QStringLiteral("httpOnly")).toBool(), true);
    }

    void everyRequiredFieldOfHar12IsPresent()
    {
        Session s;
        s.append(mixedCapture());
        const QByteArray har = exportHar(s);
        const QString problem = validateHar12(har);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // The validator itself catches a missing field.
        QByteArray broken = har;
        broken.replace("\"redirectURL\":", "\"redirectUrl\":");
        QVERIFY(!validateHar12(broken).isEmpty());
    }

    void chromeShapedLogImports()
    {
        // As DevTools writes it: the PUT is listed before the preflight sent for it, HTTP/2
        // pseudo-headers, a blocked request with its real status and "_error", and a request
        // never sent because its preflight failed.
        HarImport imported;
        QString error;
        const QByteArray har = chromeShapedLog();
        QVERIFY2(parseHar(har, &imported, &error), qPrintable(error));
        QCOMPARE(imported.profile, QStringLiteral("chromium"));
        QCOMPARE(imported.neverSent, 1);
        QCOMPARE(imported.exchanges.size(), 4);
        // Put in wire order: the preflight (sent at +6 ms) before the PUT (sent at +20 ms).
        QCOMPARE(imported.exchanges.at(0).method, QByteArray("OPTIONS"));
        QCOMPARE(imported.exchanges.at(1).method, QByteArray("PUT"));
        const CapturedExchange &putX = imported.exchanges.at(1);
        QCOMPARE(putX.startedAtMs, QDateTime::fromString(QStringLiteral("2024-05-01T10:40:00.020Z"),
                                                         Qt::ISODateWithMs)
                                       .toMSecsSinceEpoch());
        QCOMPARE(putX.url, QByteArray("https://api.example.net/items"));
        QCOMPARE(putX.requestHeaders.size(), 5); // the pseudo-headers dropped
        QCOMPARE(putX.requestHeaders.first().first, QByteArray("content-type"));
        QCOMPARE(putX.requestBody.stored, QByteArray("{}"));
        QCOMPARE(putX.httpVersion, QByteArray("h2"));

        Session s;
        QVERIFY2(loadHar(har, &s, &error), qPrintable(error));
        QCOMPARE(s.count(), 4);
        const ExchangeRow pf = s.row(indexOfUrl(s, "https://api.example.net/items", "OPTIONS"));
        const ExchangeRow actual = s.row(indexOfUrl(s, "https://api.example.net/items", "PUT"));
        QCOMPARE(pf.kind, ExchangeKind::Preflight);
        QCOMPARE(actual.kind, ExchangeKind::PreflightedActual);
        QCOMPARE(actual.pairing, PairingState::Paired);
        QCOMPARE(actual.pairedId, pf.id);
        QCOMPARE(actual.verdict.state, VerdictState::Exposed);
        // Chrome kept the real status of the blocked GET: judged, and blocked for the missing
        // Access-Control-Allow-Origin, as Chrome said (MissingAllowOriginHeader).
        const int b = indexOfUrl(s, "https://api.example.net/private", "GET");
        QCOMPARE(s.row(b).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(b).verdict.corsError(), cors::CorsError::MissingAllowOriginHeader);
        QVERIFY(s.exchange(b).error.isEmpty());
        const ExchangeRow admin = s.row(indexOfUrl(s, "https://api.example.net/admin", "OPTIONS"));
        QCOMPARE(admin.verdict.state, VerdictState::Blocked);
    }

    void aPreflightedRequestDatedBeforeItsPreflightFollowsIt()
    {
        // Seen from Chromium under load: the PUT is dated from when the page issued it, 4 ms
        // before its preflight, and its timings (the preflight counted inside "wait") put it on
        // the wire before the preflight's answer. It went after; it is paired with it.
        QByteArray har = chromeShapedLog();
        har.replace(R"("startedDateTime": "2024-05-01T10:40:00.000Z")",
                    R"("startedDateTime": "2024-05-01T10:40:00.988Z")");
        har.replace(R"("blocked": 20, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0.5, "wait": 5, "receive": 3.5})",
                    R"("blocked": 2.174, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0.111, "wait": 4.338, "receive": 0})");
        har.replace(R"("startedDateTime": "2024-05-01T10:40:00.005Z", "time": 9)",
                    R"("startedDateTime": "2024-05-01T10:40:00.992Z", "time": 3.263)");
        har.replace(R"("blocked": 1, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0, "wait": 5, "receive": 3})",
                    R"("blocked": -0.779, "dns": -1, "ssl": -1, "connect": -1,
                                     "send": 0.112, "wait": 3.151, "receive": 0})");
        HarImport imported;
        QString error;
        QVERIFY2(parseHar(har, &imported, &error), qPrintable(error));
        QCOMPARE(imported.exchanges.at(0).method, QByteArray("OPTIONS"));
        QCOMPARE(imported.exchanges.at(1).method, QByteArray("PUT"));
        const CapturedExchange &pf = imported.exchanges.at(0);
        const CapturedExchange &put = imported.exchanges.at(1);
        QCOMPARE(pf.startedAtMs, msOf("2024-05-01T10:40:00.992Z"));
        QCOMPARE(put.startedAtMs, pf.firstByteAtMs);
        QVERIFY(put.firstByteAtMs >= put.startedAtMs && put.finishedAtMs >= put.firstByteAtMs);

        Session s;
        QVERIFY2(loadHar(har, &s, &error), qPrintable(error));
        const ExchangeRow preflight =
            s.row(indexOfUrl(s, "https://api.example.net/items", "OPTIONS"));
        const ExchangeRow actual = s.row(indexOfUrl(s, "https://api.example.net/items", "PUT"));
        QCOMPARE(actual.pairing, PairingState::Paired);
        QCOMPARE(actual.pairedId, preflight.id);
    }

    void firefoxShapedLogImports()
    {
        // Firefox: "_securityState", fractional timings, a time zone offset, no content text,
        // header case as sent; the browser name picks the firefox profile.
        const QByteArray har = firefoxShapedLog();
        HarImport imported;
        QString error;
        QVERIFY2(parseHar(har, &imported, &error), qPrintable(error));
        QCOMPARE(imported.profile, QStringLiteral("firefox"));
        QCOMPARE(imported.exchanges.size(), 1);
        const CapturedExchange &x = imported.exchanges.first();
        QCOMPARE(x.startedAtMs, QDateTime::fromString(QStringLiteral("2024-05-01T10:40:00.001Z"),
                                                      Qt::ISODateWithMs)
                                    .toMSecsSinceEpoch());
        QCOMPARE(x.responseBody.size, 17);
        QVERIFY(x.responseBody.stored.isEmpty());
        QCOMPARE(x.upstreamAddress, QByteArray("127.0.0.1"));
        Session s;
        QVERIFY2(loadHar(har, &s, &error), qPrintable(error));
        QCOMPARE(s.profile().name, QStringLiteral("firefox"));
        QCOMPARE(s.row(0).verdict.state, VerdictState::Blocked);
        QCOMPARE(s.row(0).verdict.corsError(), cors::CorsError::AllowOriginMismatch);
    }

    void malformedHarIsRejectedWithItsPath_data()
    {
        QTest::addColumn<QByteArray>("har");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty file") << QByteArray() << QStringLiteral("not a valid JSON document");
        QTest::newRow("not JSON") << QByteArray("{\"log\": {\"entries\": [}")
                                  << QStringLiteral("not a valid JSON document");
        QTest::newRow("top level array")
            << QByteArray("[1, 2]") << QStringLiteral("(top level): expected an object");
        QTest::newRow("no log") << QByteArray(R"({"entries": []})")
                                << QStringLiteral("log: missing");
        QTest::newRow("log not an object")
            << QByteArray(R"({"log": [1]})") << QStringLiteral("log: expected an object");
        QTest::newRow("no entries") << QByteArray(R"({"log": {"version": "1.2"}})")
                                    << QStringLiteral("log.entries: missing");
        QTest::newRow("entries not an array")
            << QByteArray(R"({"log": {"entries": {"a": 1}}})")
            << QStringLiteral("log.entries: expected an array of entries");
        QTest::newRow("version a number")
            << QByteArray(R"({"log": {"version": 1.2, "entries": []}})")
            << QStringLiteral("log.version: expected a string");
        QTest::newRow("entry not an object")
            << harWith(entry() + ", 5") << QStringLiteral("log.entries[1]: expected an object");
        QTest::newRow("no startedDateTime")
            << harWith(QByteArray(entry()).replace("\"startedDateTime\"", "\"started\""))
            << QStringLiteral("log.entries[0].startedDateTime: missing");
        QTest::newRow("bad startedDateTime")
            << harWith(QByteArray(entry()).replace("2024-05-01T10:40:00.000Z", "yesterday"))
            << QStringLiteral("log.entries[0].startedDateTime: expected an ISO 8601 date");
        QTest::newRow("no request")
            << harWith(QByteArray(entry()).replace("\"request\"", "\"req\""))
            << QStringLiteral("log.entries[0].request: missing");
        QTest::newRow("method not a token")
            << harWith(QByteArray(entry()).replace("\"GET\"", "\"GE T\""))
            << QStringLiteral("log.entries[0].request.method: expected an HTTP method token");
        QTest::newRow("relative url")
            << harWith(QByteArray(entry()).replace(R"(https:\/\/api.example.net/items)", "/items"))
            << QStringLiteral("log.entries[0].request.url: expected an absolute URL");
        QTest::newRow("header name a number")
            << harWith(entry() + ',' + entry() + ',' + entry() + ',' +
                       QByteArray(entry()).replace("{\"name\": \"Sec-Fetch-Mode\"", "{\"name\": 5"))
            << QStringLiteral("log.entries[3].request.headers[1].name: expected a string, got 5");
        QTest::newRow("header value with a line break")
            << harWith(QByteArray(entry()).replace("\"value\": \"cors\"", "\"value\": \"co\\nrs\""))
            << QStringLiteral("log.entries[0].request.headers[1].value: expected a header value "
                              "without NUL, CR or LF");
        QTest::newRow("headers not an array")
            << harWith(
                   entry({}, {}, {})
                       .replace(
                           R"("headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}])",
                           R"("headers": "Access-Control-Allow-Origin: *")"))
            << QStringLiteral("log.entries[0].response.headers: expected an array");
        QTest::newRow("status a string")
            << harWith(QByteArray(entry()).replace("\"status\": 200", "\"status\": \"200\""))
            << QStringLiteral("log.entries[0].response.status: expected an integer 0-999");
        QTest::newRow("no response")
            << harWith(QByteArray(entry()).replace("\"response\"", "\"answer\""))
            << QStringLiteral("log.entries[0].response: missing");
        QTest::newRow("content encoding gzip")
            << harWith(
                   entry(
                       {},
                       R"(, "content": {"size": 3, "mimeType": "text/plain", "text": "abc", "encoding": "gzip"})")
                       .replace(R"("content": {"size": 0, "mimeType": "x-unknown"},)", ""))
            << QStringLiteral("log.entries[0].response.content.encoding: expected \"base64\" or "
                              "nothing");
        QTest::newRow("content not base64")
            << harWith(
                   entry(
                       {},
                       R"(, "content": {"size": 3, "mimeType": "text/plain", "text": "***", "encoding": "base64"})")
                       .replace(R"("content": {"size": 0, "mimeType": "x-unknown"},)", ""))
            << QStringLiteral("log.entries[0].response.content.text: expected base64 text");
        QTest::newRow("timing a string")
            << harWith(QByteArray(entry()).replace("\"wait\": 5", "\"wait\": \"5ms\""))
            << QStringLiteral("log.entries[0].timings.wait: expected milliseconds");
        QTest::newRow("timing below -1")
            << harWith(QByteArray(entry()).replace("\"dns\": -1", "\"dns\": -7"))
            << QStringLiteral("log.entries[0].timings.dns: expected milliseconds");
        QTest::newRow("postData not an object")
            << harWith(entry(R"(, "postData": "a=1")"))
            << QStringLiteral("log.entries[0].request.postData: expected an object");
        QTest::newRow("_cors status out of range")
            << harWith(entry({}, {}, R"(, "_cors": {"response": {"status": 1000}})"))
            << QStringLiteral("log.entries[0]._cors.response.status: expected an integer 0-999");
        QTest::newRow("text after the document")
            << harWith(entry()) + " trailing" << QStringLiteral("not a valid JSON document");
    }

    void malformedHarIsRejectedWithItsPath()
    {
        QFETCH(QByteArray, har);
        QFETCH(QString, expected);
        QList<CapturedExchange> exchanges;
        QString error;
        QVERIFY2(!readHar(har, &exchanges, &error), "a malformed HAR was accepted");
        QVERIFY2(error.startsWith(expected) || error.contains(expected),
                 qPrintable(QStringLiteral("got: %1").arg(error)));
        // A session keeps what it had.
        Session s;
        s.append({X("GET", kItems).request(chromiumFetch(kApi, kApp, "cross-site"))});
        QVERIFY(!loadHar(har, &s, &error));
        QCOMPARE(s.count(), 1);
    }

    void theBaseEntryIsValid()
    {
        // The malformed rows above each break one thing of this entry: it must be good itself.
        QList<CapturedExchange> exchanges;
        QString error;
        QVERIFY2(readHar(harWith(entry()), &exchanges, &error), qPrintable(error));
        QCOMPARE(exchanges.size(), 1);
    }

    void progressReportsAndCancelKeepsThePreviousFile()
    {
        QList<CapturedExchange> batch;
        for (int i = 0; i < 1500; ++i)
            batch << X("GET", kItems + "/" + QByteArray::number(i), kT0 + i)
                         .request(chromiumFetch(kApi, kApp, "cross-site"))
                         .response(200, allowing());
        Session s;
        s.append(batch);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("capture.har"));
        QList<qsizetype> seen;
        QString error;
        QVERIFY2(writeHarFile(s, path, &error,
                              [&](qsizetype done, qsizetype total) {
                                  seen << done;
                                  return total == 1500;
                              }),
                 qPrintable(error));
        QVERIFY(seen.size() >= 2);
        QCOMPARE(seen.last(), 1500);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray before = written.readAll();
        written.close();

        s.append({X("GET", kItems).request(chromiumFetch(kApi, kApp, "cross-site"))});
        QVERIFY(!writeHarFile(s, path, &error, [](qsizetype, qsizetype) { return false; }));
        QCOMPARE(error, QStringLiteral("cancelled"));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), before);
    }

    void checkedInChromiumHarImportsWithChromiumsVerdicts()
    {
        // Made by tst_har_chromium (headless Chromium, its DevTools protocol events turned into a
        // HAR as DevTools does); each API entry carries what Chromium said in "_corsErrorStatus"
        // (the CDP loadingFailed field) and what the page's fetch() saw in "_pageSaw".
        QFile file(QStringLiteral(CORSLAB_TEST_DATA "/chromium.har"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QByteArray har = file.readAll();
        Session s;
        QString error;
        QVERIFY2(loadHar(har, &s, &error), qPrintable(error));
        QCOMPARE(s.profile().name, QStringLiteral("chromium"));
        const QJsonArray entries = entriesOf(har);
        int checked = 0;
        int blocked = 0;
        for (const QJsonValue &v : entries) {
            const QJsonObject e = v.toObject();
            const QJsonObject saw = e.value(QStringLiteral("_pageSaw")).toObject();
            if (saw.isEmpty())
                continue;
            const QJsonObject request = e.value(QStringLiteral("request")).toObject();
            const QByteArray method = request.value(QStringLiteral("method")).toString().toLatin1();
            const QByteArray url = request.value(QStringLiteral("url")).toString().toLatin1();
            const QString chromiumError = e.value(QStringLiteral("_corsErrorStatus"))
                                              .toObject()
                                              .value(QStringLiteral("corsError"))
                                              .toString();
            const int index = indexOfUrl(s, url, method);
            const bool neverSent = index < 0;
            // A request never sent: its preflight carries the verdict.
            const ExchangeRow row = s.row(neverSent ? indexOfUrl(s, url, "OPTIONS") : index);
            QVERIFY2(row.id > 0, url.constData());
            const bool pageReadIt = saw.value(QStringLiteral("ok")).toBool();
            if (pageReadIt) {
                QVERIFY2(row.verdict.state == VerdictState::Exposed ||
                             row.verdict.state == VerdictState::Warning,
                         url.constData());
                QVERIFY(chromiumError.isEmpty());
            } else {
                ++blocked;
                QCOMPARE(row.verdict.state, VerdictState::Blocked);
                QCOMPARE(cors::corsErrorName(row.verdict.corsError()), chromiumError);
            }
            ++checked;
        }
        QVERIFY(checked >= 5);
        QVERIFY(blocked >= 2);
    }

    void aHundredThousandExchanges()
    {
        constexpr int kCount = 20000; // bench_reports measures 100,000
        QList<CapturedExchange> batch;
        batch.reserve(kCount);
        for (int i = 0; i < kCount; ++i) {
            X x("GET", kItems + "?n=" + QByteArray::number(i), kT0 + i);
            x.request(chromiumFetch(kApi, kApp, "cross-site"))
                .response(200,
                          i % 10 ? allowing() : base::HeaderList{{"Content-Type", "text/plain"}});
            batch << x;
        }
        Session s;
        s.append(batch);
        batch.clear();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("large.har"));
        QString error;
        QElapsedTimer timer; // reported, never asserted
        timer.start();
        QVERIFY2(writeHarFile(s, path, &error), qPrintable(error));
        const qint64 writeMs = timer.restart();
        Session back;
        QVERIFY2(loadHarFile(path, &back, &error), qPrintable(error));
        qInfo("20,000 exchanges: HAR of %lld MB written in %lld ms, read back in %lld ms",
              QFileInfo(path).size() >> 20, writeMs, timer.elapsed());
        QCOMPARE(back.count(), kCount);
        for (qsizetype i : {qsizetype(0), qsizetype(9999), qsizetype(kCount - 1)}) {
            QCOMPARE(back.exchange(i).url, s.exchange(i).url);
            QCOMPARE(back.exchange(i).requestHeaders, s.exchange(i).requestHeaders);
            QCOMPARE(back.row(i).verdict, s.row(i).verdict);
        }
        QCOMPARE(back.row(10).verdict.state, VerdictState::Blocked);
    }
};

QTEST_GUILESS_MAIN(TestHar)
#include "tst_har.moc"
