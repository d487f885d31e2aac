#include "har_import.h"

#include "base/json_reader.h"
#include "base/json_scanner.h"
#include "cors/browser_profile.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QUrl>
#include <algorithm>
#include <cmath>
#include <limits>

namespace corslab::report {

namespace {

using session::CapturedBody;
using session::CapturedExchange;

// Exchanges handed to Session::append() at a time when loading.
constexpr qsizetype kLoadBatch = 4096;
// JSON numbers are doubles: integers beyond 2^53 would not survive.
constexpr double kMaxJsonInteger = 9007199254740991.0;

QString at(const QString &parent, const char *name)
{
    return parent + QLatin1Char('.') + QLatin1String(name);
}

QString item(const QString &parent, qsizetype index)
{
    return QStringLiteral("%1[%2]").arg(parent).arg(index);
}

bool isTokenChar(QChar c)
{
    const char16_t u = c.unicode();
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
        return true;
    return u < 128 && QByteArrayView("!#$%&'*+-.^_`|~").contains(char(u));
}

// Header text as the bytes that travelled: Latin-1 when every character fits (what CORS Lab
// and browsers write for raw bytes), else UTF-8 (a tool that decoded UTF-8 header bytes).
QByteArray headerBytes(const QString &text)
{
    const bool latin1 =
        std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() <= 0xFF; });
    return latin1 ? text.toLatin1() : text.toUtf8();
}

/// What the import needs of an entry besides the exchange: to leave out requests never sent and
/// to order the entries of other tools.
struct EntryFacts
{
    bool preflight = false;  ///< `_resourceType` "preflight" or `_initiator.type` "preflight"
    QByteArray preflightFor; ///< `_initiator.url` of a preflight
    bool noResponse = false; ///< status 0 and no response header
    qint64 issuedAtMs = 0;   ///< `startedDateTime`: when the page issued the request
};

// How far apart DevTools may date a request and the preflight it started for it.
constexpr qint64 kPreflightIssueSlackMs = 1000;

// The entry a preflight was sent for: of the requests to its URL (\a sameUrl), the one not yet
// matched that was issued nearest to it.
qsizetype actualOfPreflight(const QList<EntryFacts> &facts, qsizetype preflight,
                            const QList<qsizetype> &sameUrl, const QList<bool> &taken)
{
    const qint64 issued = facts.at(preflight).issuedAtMs;
    qsizetype best = -1;
    qint64 bestGap = kPreflightIssueSlackMs + 1;
    for (qsizetype j : sameUrl) {
        const qint64 gap = std::abs(facts.at(j).issuedAtMs - issued);
        if (!taken.at(j) && gap < bestGap) {
            best = j;
            bestGap = gap;
        }
    }
    return best;
}

// Chromium dates a preflighted request from when the page issued it, before its preflight, and
// counts the preflight inside its timings; on the wire it went only after the preflight's answer.
// Placing it there keeps it after its preflight whatever the clocks of the two entries say.
void placeActualsAfterTheirPreflights(QList<CapturedExchange> *xs, const QList<EntryFacts> &facts)
{
    QHash<QByteArray, QList<qsizetype>> requestsByUrl;
    for (qsizetype i = 0; i < xs->size(); ++i) {
        if (!facts.at(i).preflight)
            requestsByUrl[xs->at(i).url].append(i);
    }
    QList<bool> taken(xs->size(), false);
    for (qsizetype i = 0; i < xs->size(); ++i) {
        if (!facts.at(i).preflight || xs->at(i).status == 0)
            continue;
        const qsizetype actual =
            actualOfPreflight(facts, i, requestsByUrl.value(xs->at(i).url), taken);
        if (actual < 0)
            continue;
        taken[actual] = true;
        const CapturedExchange &p = xs->at(i);
        CapturedExchange &a = (*xs)[actual];
        const qint64 answered = std::max({p.firstByteAtMs, p.startedAtMs});
        if (a.startedAtMs >= answered)
            continue;
        a.startedAtMs = answered;
        if (a.firstByteAtMs)
            a.firstByteAtMs = std::max(a.firstByteAtMs, a.startedAtMs);
        a.finishedAtMs = std::max({a.finishedAtMs, a.firstByteAtMs, a.startedAtMs});
    }
}

class HarReader : public base::JsonReader
{
public:
    using JsonReader::JsonReader;

    bool entry(const QJsonValue &value, const QString &field, CapturedExchange *x,
               EntryFacts *facts);

private:
    bool object(const QJsonValue &v, const QString &field, QJsonObject *out, bool required,
                const char *what)
    {
        if (v.isUndefined() || (v.isNull() && !required)) {
            if (required)
                return failText(field,
                                QStringLiteral("missing (expected %1)").arg(QLatin1String(what)));
            return true;
        }
        if (!v.isObject())
            return fail(field, QLatin1String(what), v);
        *out = v.toObject();
        return true;
    }
    bool string(const QJsonObject &o, const QString &parent, const char *name, QString *out,
                bool required = false)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                return failText(at(parent, name), QStringLiteral("missing (expected a string)"));
            return true;
        }
        if (!v.isString())
            return fail(at(parent, name), QStringLiteral("a string"), v);
        *out = v.toString();
        return true;
    }
    /// A number (HAR times are fractional milliseconds) from \a min up; undefined keeps *out.
    bool number(const QJsonObject &o, const QString &parent, const char *name, double min,
                const QString &expected, double *out, bool required = false)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined()) {
            if (required)
                return failText(at(parent, name),
                                QStringLiteral("missing (expected %1)").arg(expected));
            return true;
        }
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d) || d < min || d > kMaxJsonInteger)
            return fail(at(parent, name), expected, v);
        *out = d;
        return true;
    }
    bool integer(const QJsonObject &o, const QString &parent, const char *name, qint64 min,
                 qint64 max, qint64 *out, bool required = false)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        const QString expected = QStringLiteral("an integer %1-%2").arg(min).arg(max);
        if (v.isUndefined()) {
            if (required)
                return failText(at(parent, name),
                                QStringLiteral("missing (expected %1)").arg(expected));
            return true;
        }
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < double(min) ||
            d > double(max))
            return fail(at(parent, name), expected, v);
        *out = qint64(d);
        return true;
    }
    bool headers(const QJsonObject &o, const QString &parent, base::HeaderList *out)
    {
        return headers(o.value(QStringLiteral("headers")), at(parent, "headers"), out);
    }
    bool headers(const QJsonValue &v, const QString &field, base::HeaderList *out)
    {
        if (v.isUndefined())
            return failText(field, QStringLiteral("missing (expected an array of {\"name\", "
                                                  "\"value\"} objects)"));
        if (!v.isArray())
            return fail(field, QStringLiteral("an array of {\"name\", \"value\"} objects"), v);
        const QJsonArray array = v.toArray();
        out->reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonValue h = array.at(i);
            if (!h.isObject())
                return fail(item(field, i), QStringLiteral("an object {\"name\", \"value\"}"), h);
            const QJsonObject header = h.toObject();
            const QJsonValue name = header.value(QStringLiteral("name"));
            const QJsonValue value = header.value(QStringLiteral("value"));
            if (!name.isString())
                return fail(at(item(field, i), "name"), QStringLiteral("a string"), name);
            if (!value.isString())
                return fail(at(item(field, i), "value"), QStringLiteral("a string"), value);
            const QString n = name.toString();
            // HTTP/2 and HTTP/3 pseudo-headers: the request line and status, not headers.
            if (n.startsWith(QLatin1Char(':')))
                continue;
            if (n.isEmpty() || !std::all_of(n.begin(), n.end(), isTokenChar))
                return fail(at(item(field, i), "name"),
                            QStringLiteral("a header name (letters, digits and "
                                           "!#$%&'*+-.^_`|~)"),
                            name);
            const QString text = value.toString();
            if (text.contains(QLatin1Char('\0')) || text.contains(QLatin1Char('\n')) ||
                text.contains(QLatin1Char('\r')))
                return fail(at(item(field, i), "value"),
                            QStringLiteral("a header value without NUL, CR or LF"), value);
            out->append({n.toLatin1(), headerBytes(text)});
        }
        return true;
    }
    /// \a textKey's text, decoded when \a encodingKey says "base64".
    bool bodyText(const QJsonObject &o, const QString &parent, const char *encodingKey,
                  QByteArray *out)
    {
        QString text;
        QString encoding;
        if (!string(o, parent, "text", &text) || !string(o, parent, encodingKey, &encoding))
            return false;
        if (encoding.isEmpty()) {
            *out = text.toUtf8();
            return true;
        }
        if (encoding != QLatin1String("base64"))
            return fail(at(parent, encodingKey), QStringLiteral("\"base64\" or nothing"),
                        o.value(QLatin1String(encodingKey)));
        const auto decoded = QByteArray::fromBase64Encoding(
            text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail(at(parent, "text"),
                        QStringLiteral("base64 text (\"%1\" is \"base64\")")
                            .arg(QLatin1String(encodingKey)),
                        o.value(QStringLiteral("text")));
        *out = *decoded;
        return true;
    }
    bool request(const QJsonObject &entry, const QString &field, CapturedExchange *x);
    bool response(const QJsonObject &entry, const QString &field, CapturedExchange *x,
                  QString *browserError);
    bool browserReport(const QJsonObject &capture, const QString &field, CapturedExchange *x);
    bool corsExtension(const QJsonObject &entry, const QString &field, CapturedExchange *x,
                       bool *statusRestored);
};

bool HarReader::request(const QJsonObject &entry, const QString &entryField, CapturedExchange *x)
{
    const QString field = at(entryField, "request");
    QJsonObject r;
    if (!object(entry.value(QStringLiteral("request")), field, &r, true,
                "an object with \"method\", \"url\" and \"headers\""))
        return false;
    QString method;
    QString url;
    QString version;
    if (!string(r, field, "method", &method, true))
        return false;
    if (method.isEmpty() || !std::all_of(method.begin(), method.end(), isTokenChar))
        return fail(at(field, "method"), QStringLiteral("an HTTP method token such as \"GET\""),
                    r.value(QStringLiteral("method")));
    if (!string(r, field, "url", &url, true))
        return false;
    const QUrl parsed(url);
    const bool web = parsed.scheme().startsWith(QLatin1String("http")) ||
                     parsed.scheme().startsWith(QLatin1String("ws"));
    if (!parsed.isValid() || parsed.isRelative() || (web && parsed.host().isEmpty()))
        return fail(at(field, "url"),
                    QStringLiteral("an absolute URL such as "
                                   "\"https://api.example.com/items\""),
                    r.value(QStringLiteral("url")));
    if (!string(r, field, "httpVersion", &version))
        return false;
    x->method = method.toLatin1();
    // The URL's bytes as written (QUrl would re-encode them); fragments never go on the wire.
    x->url = headerBytes(url.section(QLatin1Char('#'), 0, 0));
    if (!version.isEmpty())
        x->httpVersion = version.toLatin1();
    if (!headers(r, field, &x->requestHeaders))
        return false;
    double bodySize = -1;
    if (!number(r, field, "bodySize", -1, QStringLiteral("a size in bytes (-1 when unknown)"),
                &bodySize))
        return false;
    const QJsonValue postData = r.value(QStringLiteral("postData"));
    QJsonObject p;
    if (!object(postData, at(field, "postData"), &p, false, "an object with \"text\""))
        return false;
    if (!p.isEmpty() && !bodyText(p, at(field, "postData"), "_encoding", &x->requestBody.stored))
        return false;
    x->requestBody.size = std::max<qint64>(qint64(bodySize), x->requestBody.stored.size());
    return true;
}

bool HarReader::response(const QJsonObject &entry, const QString &entryField, CapturedExchange *x,
                         QString *browserError)
{
    const QString field = at(entryField, "response");
    QJsonObject r;
    if (!object(entry.value(QStringLiteral("response")), field, &r, true,
                "an object with \"status\" and \"headers\""))
        return false;
    qint64 status = 0;
    QString reason;
    if (!integer(r, field, "status", 0, 999, &status, true) ||
        !string(r, field, "statusText", &reason) || !headers(r, field, &x->responseHeaders) ||
        !string(r, field, "_error", browserError))
        return false;
    x->status = int(status);
    x->reason = headerBytes(reason);
    QJsonObject content;
    if (!object(r.value(QStringLiteral("content")), at(field, "content"), &content, false,
                "an object with \"size\" and \"mimeType\""))
        return false;
    if (!content.isEmpty()) {
        const QString cf = at(field, "content");
        double size = -1;
        if (!number(content, cf, "size", -1, QStringLiteral("a size in bytes"), &size) ||
            !bodyText(content, cf, "encoding", &x->responseBody.stored))
            return false;
        x->responseBody.size = std::max<qint64>(qint64(size), x->responseBody.stored.size());
    }
    return true;
}

bool HarReader::browserReport(const QJsonObject &capture, const QString &field, CapturedExchange *x)
{
    const QJsonValue value = capture.value(QStringLiteral("browserReport"));
    if (value.isUndefined() || value.isNull())
        return true;
    session::BrowserReport report;
    QString why;
    if (!session::browserReportFromJson(value, at(field, "browserReport"), &report, &why))
        return failWith(why);
    x->browserReport = std::move(report);
    return true;
}

bool HarReader::corsExtension(const QJsonObject &entry, const QString &entryField,
                              CapturedExchange *x, bool *statusRestored)
{
    const QString field = at(entryField, "_cors");
    QJsonObject cors;
    if (!object(entry.value(QStringLiteral("_cors")), field, &cors, false, "an object"))
        return false;
    QJsonObject hidden;
    if (!object(cors.value(QStringLiteral("response")), at(field, "response"), &hidden, false,
                "an object with \"status\""))
        return false;
    if (!hidden.isEmpty()) {
        // The status a blocked request really got, hidden behind the page's 0.
        qint64 status = 0;
        QString reason;
        if (!integer(hidden, at(field, "response"), "status", 0, 999, &status, true) ||
            !string(hidden, at(field, "response"), "statusText", &reason))
            return false;
        x->status = int(status);
        x->reason = headerBytes(reason);
        *statusRestored = true;
    }
    QJsonObject capture;
    const QString cf = at(field, "capture");
    if (!object(cors.value(QStringLiteral("capture")), cf, &capture, false, "an object"))
        return false;
    if (capture.isEmpty())
        return true;
    QJsonObject client;
    qint64 port = 0;
    QString address;
    if (!object(capture.value(QStringLiteral("client")), at(cf, "client"), &client, false,
                "an object with \"address\" and \"port\"") ||
        !string(client, at(cf, "client"), "address", &address) ||
        !integer(client, at(cf, "client"), "port", 0, 65535, &port))
        return false;
    x->clientAddress = address.toLatin1();
    x->clientPort = quint16(port);
    port = 0;
    qint64 firstByte = x->firstByteAtMs;
    qint64 finished = x->finishedAtMs;
    const qint64 maxTime = qint64(kMaxJsonInteger);
    if (!integer(capture, cf, "upstreamPort", 0, 65535, &port) ||
        !integer(capture, cf, "firstByteAtMs", 0, maxTime, &firstByte) ||
        !integer(capture, cf, "finishedAtMs", 0, maxTime, &finished) ||
        !string(capture, cf, "error", &x->error))
        return false;
    x->upstreamPort = quint16(port);
    x->firstByteAtMs = firstByte;
    x->finishedAtMs = finished;
    if (!browserReport(capture, cf, x) || !string(capture, cf, "source", &x->source))
        return false;
    const QJsonValue credentials = capture.value(QStringLiteral("credentials"));
    bool include = false;
    if (!choice(credentials, at(cf, "credentials"),
                QList<QPair<QString, bool>>{{QStringLiteral("include"), true},
                                            {QStringLiteral("omit"), false}},
                &include))
        return false;
    if (!credentials.isUndefined())
        x->credentialsIncluded = include;

    QJsonObject override;
    const QString of = at(cf, "override");
    if (!object(capture.value(QStringLiteral("override")), of, &override, false, "an object"))
        return false;
    if (!override.isEmpty()) {
        qint64 upstreamStatus = 0;
        const QJsonValue overridden = override.value(QStringLiteral("overridden"));
        const QJsonValue local = override.value(QStringLiteral("answeredLocally"));
        if (!overridden.isBool() && !overridden.isUndefined())
            return fail(at(of, "overridden"), QStringLiteral("true or false"), overridden);
        if (!local.isBool() && !local.isUndefined())
            return fail(at(of, "answeredLocally"), QStringLiteral("true or false"), local);
        x->overridden = overridden.toBool();
        x->answeredLocally = local.toBool();
        if (!string(override, of, "rule", &x->overrideRule) ||
            !integer(override, of, "upstreamStatus", 0, 999, &upstreamStatus))
            return false;
        x->upstreamStatus = int(upstreamStatus);
        const QJsonValue upstreamHeaders = override.value(QStringLiteral("upstreamHeaders"));
        if (!upstreamHeaders.isUndefined() &&
            !headers(upstreamHeaders, at(of, "upstreamHeaders"), &x->upstreamResponseHeaders))
            return false;
    }
    QJsonObject tunnel;
    const QString tf = at(cf, "tunnel");
    if (!object(capture.value(QStringLiteral("tunnel")), tf, &tunnel, false, "an object"))
        return false;
    if (!tunnel.isEmpty()) {
        session::TunnelInfo &t = x->tunnel;
        QString host;
        QString tls;
        QString alpn;
        qint64 tunnelPort = 0;
        const QJsonValue opaque = tunnel.value(QStringLiteral("opaque"));
        const QJsonValue intercepted = tunnel.value(QStringLiteral("intercepted"));
        if (!opaque.isBool() && !opaque.isUndefined())
            return fail(at(tf, "opaque"), QStringLiteral("true or false"), opaque);
        if (!intercepted.isBool() && !intercepted.isUndefined())
            return fail(at(tf, "intercepted"), QStringLiteral("true or false"), intercepted);
        if (!string(tunnel, tf, "host", &host) ||
            !integer(tunnel, tf, "port", 0, 65535, &tunnelPort) ||
            !string(tunnel, tf, "tlsVersion", &tls) || !string(tunnel, tf, "alpn", &alpn) ||
            !integer(tunnel, tf, "bytesFromClient", 0, maxTime, &t.bytesFromClient) ||
            !integer(tunnel, tf, "bytesFromServer", 0, maxTime, &t.bytesFromServer))
            return false;
        t.host = host.toLatin1();
        t.port = quint16(tunnelPort);
        t.intercepted = intercepted.toBool();
        t.tlsVersion = tls.toLatin1();
        t.alpn = alpn.toLatin1();
        if (opaque.toBool()) {
            // The CONNECT target as sent: the entry's URL only made it absolute for HAR tools.
            x->type = CapturedExchange::Type::Tunnel;
            x->url = t.host + ':' + QByteArray::number(t.port);
        }
    }
    return true;
}

bool HarReader::entry(const QJsonValue &value, const QString &field, CapturedExchange *x,
                      EntryFacts *facts)
{
    QJsonObject e;
    if (!object(value, field, &e, true,
                "an object with \"startedDateTime\", \"request\" and "
                "\"response\""))
        return false;
    QString started;
    if (!string(e, field, "startedDateTime", &started, true))
        return false;
    QDateTime t = QDateTime::fromString(started, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(started, Qt::ISODate);
    if (!t.isValid())
        return fail(at(field, "startedDateTime"),
                    QStringLiteral("an ISO 8601 date such as \"2024-05-01T10:41:03.120Z\""),
                    e.value(QStringLiteral("startedDateTime")));
    QString browserError;
    if (!request(e, field, x) || !response(e, field, x, &browserError))
        return false;

    // Timings: the request went on the wire after queueing, DNS and connect (ssl is inside
    // connect); the first byte came after send and wait.
    QJsonObject timings;
    const QString tf = at(field, "timings");
    if (!object(e.value(QStringLiteral("timings")), tf, &timings, false,
                "an object of milliseconds"))
        return false;
    const QString ms = QStringLiteral("milliseconds (a number, -1 when it does not apply)");
    double blocked = -1, dns = -1, connect = -1, ssl = -1, send = 0, wait = 0, receive = 0;
    double time = -1;
    if (!number(timings, tf, "blocked", -1, ms, &blocked) ||
        !number(timings, tf, "dns", -1, ms, &dns) ||
        !number(timings, tf, "connect", -1, ms, &connect) ||
        !number(timings, tf, "ssl", -1, ms, &ssl) || !number(timings, tf, "send", -1, ms, &send) ||
        !number(timings, tf, "wait", -1, ms, &wait) ||
        !number(timings, tf, "receive", -1, ms, &receive) ||
        !number(e, field, "time", -1, ms, &time))
        return false;
    const qint64 issued = t.toMSecsSinceEpoch();
    const double beforeSend = std::max(blocked, 0.0) + std::max(dns, 0.0) + std::max(connect, 0.0);
    x->startedAtMs = issued + qint64(std::llround(beforeSend));
    if (x->status)
        x->firstByteAtMs =
            x->startedAtMs + qint64(std::llround(std::max(send, 0.0) + std::max(wait, 0.0)));
    const double total =
        time >= 0 ? time
                  : beforeSend + std::max(send, 0.0) + std::max(wait, 0.0) + std::max(receive, 0.0);
    x->finishedAtMs = std::max(issued + qint64(std::llround(total)), x->firstByteAtMs);

    QString serverAddress;
    if (!string(e, field, "serverIPAddress", &serverAddress))
        return false;
    x->upstreamAddress = serverAddress.remove(QLatin1Char('[')).remove(QLatin1Char(']')).toLatin1();

    bool statusRestored = false;
    if (!corsExtension(e, field, x, &statusRestored))
        return false;
    // Status 0: no response reached the page. The browser's net error is then the exchange's
    // error; with a status, the response did arrive and `_error` is the browser's verdict on it
    // (Chrome's "net::ERR_FAILED" for CORS), which the session recomputes.
    if (x->status == 0 && !statusRestored && x->error.isEmpty())
        x->error = browserError.isEmpty() ? QStringLiteral("no response (status 0)") : browserError;

    QString resourceType;
    if (!string(e, field, "_resourceType", &resourceType))
        return false;
    QJsonObject initiator;
    if (!object(e.value(QStringLiteral("_initiator")), at(field, "_initiator"), &initiator, false,
                "an object"))
        return false;
    facts->preflight =
        resourceType == QLatin1String("preflight") ||
        initiator.value(QStringLiteral("type")).toString() == QLatin1String("preflight");
    facts->preflightFor = initiator.value(QStringLiteral("url")).toString().toLatin1();
    facts->noResponse = x->status == 0 && x->responseHeaders.isEmpty();
    facts->issuedAtMs = issued;
    return true;
}

QString guessProfile(const QString &creator, const QString &browser)
{
    const QString both = creator + QLatin1Char(' ') + browser;
    if (both.contains(QLatin1String("Firefox"), Qt::CaseInsensitive))
        return QStringLiteral("firefox");
    if (both.contains(QLatin1String("WebInspector")) ||
        both.contains(QLatin1String("Chrom"), Qt::CaseInsensitive) ||
        both.contains(QLatin1String("Edge"), Qt::CaseInsensitive))
        return QStringLiteral("chromium");
    if (both.contains(QLatin1String("Safari"), Qt::CaseInsensitive) ||
        both.contains(QLatin1String("WebKit"), Qt::CaseInsensitive))
        return QStringLiteral("safari");
    return {};
}

QString nameAndVersion(const QJsonValue &v)
{
    const QJsonObject o = v.toObject();
    return (o.value(QStringLiteral("name")).toString() + QLatin1Char(' ') +
            o.value(QStringLiteral("version")).toString())
        .trimmed();
}

} // namespace

bool parseHar(const QByteArray &json, HarImport *out, QString *error)
{
    HarReader reader(error);
    if (json.trimmed().isEmpty()) {
        *error = QStringLiteral("not a valid JSON document: the file is empty");
        return false;
    }
    base::JsonScanner top(json, 0);
    QByteArrayView logText;
    qsizetype logOffset = -1;
    const bool topOk = top.members([&](const QString &name, QByteArrayView value, qsizetype at) {
        if (name == QLatin1String("log")) {
            logText = value;
            logOffset = at;
        }
        return true;
    });
    if (!topOk) {
        if (json.trimmed().startsWith('{')) {
            *error = top.error();
            return false;
        }
        // Not an object: say what it is.
        QJsonValue whole;
        if (!base::parseJsonValue(json.trimmed(), 0, &whole, error))
            return false;
        return reader.fail(QStringLiteral("(top level)"),
                           QStringLiteral("an object {\"log\": {...}} (a HAR file)"), whole);
    }
    if (logOffset < 0)
        return reader.failText(QStringLiteral("log"),
                               QStringLiteral("missing (expected an object with \"version\", "
                                              "\"creator\" and \"entries\": is this a HAR "
                                              "file?)"));
    if (!logText.startsWith('{')) {
        QJsonValue log;
        if (!base::parseJsonValue(logText, logOffset, &log, error))
            return false;
        return reader.fail(QStringLiteral("log"),
                           QStringLiteral("an object with \"version\", \"creator\" and "
                                          "\"entries\""),
                           log);
    }

    // The log's small members are parsed whole; the entries one at a time.
    QJsonObject log;
    QByteArrayView entriesText;
    qsizetype entriesOffset = -1;
    base::JsonScanner logScanner(logText, logOffset);
    const bool logOk =
        logScanner.members([&](const QString &name, QByteArrayView value, qsizetype at) {
            if (name == QLatin1String("entries") && value.startsWith('[')) {
                entriesText = value;
                entriesOffset = at;
                return true;
            }
            QJsonValue parsed;
            if (!base::parseJsonValue(value, at, &parsed, error))
                return false;
            log.insert(name, parsed);
            return true;
        });
    if (!logOk) {
        if (!logScanner.error().isEmpty())
            *error = logScanner.error();
        return false;
    }
    const QJsonValue version = log.value(QStringLiteral("version"));
    if (!version.isUndefined() && !version.isString())
        return reader.fail(QStringLiteral("log.version"),
                           QStringLiteral("a string such as \"1.2\""), version);
    const QJsonValue creator = log.value(QStringLiteral("creator"));
    if (!creator.isUndefined() && !creator.isObject())
        return reader.fail(QStringLiteral("log.creator"),
                           QStringLiteral("an object with \"name\" and \"version\""), creator);
    if (entriesOffset < 0) {
        const QJsonValue entries = log.value(QStringLiteral("entries"));
        if (entries.isUndefined())
            return reader.failText(QStringLiteral("log.entries"),
                                   QStringLiteral("missing (expected an array of entries)"));
        return reader.fail(QStringLiteral("log.entries"), QStringLiteral("an array of entries"),
                           entries);
    }

    HarImport result;
    result.creator = nameAndVersion(creator);
    result.browser = nameAndVersion(log.value(QStringLiteral("browser")));
    const QJsonObject ours = log.value(QStringLiteral("_cors")).toObject();
    result.fromCorsLab = !ours.isEmpty();
    result.profile = ours.value(QStringLiteral("profile")).toString();
    if (!cors::BrowserProfile::byName(result.profile))
        result.profile = guessProfile(result.creator, result.browser);
    result.bodyCap = qint64(ours.value(QStringLiteral("bodyCap")).toDouble());

    QList<EntryFacts> facts;
    base::JsonScanner entries(entriesText, entriesOffset);
    const bool entriesOk =
        entries.elements([&](qsizetype index, QByteArrayView text, qsizetype at) {
            QJsonValue value;
            if (!base::parseJsonValue(text, at, &value, error))
                return false;
            CapturedExchange x;
            EntryFacts f;
            if (!reader.entry(value, QStringLiteral("log.entries[%1]").arg(index), &x, &f))
                return false;
            result.exchanges.append(std::move(x));
            facts.append(f);
            return true;
        });
    if (!entriesOk) {
        if (!entries.error().isEmpty())
            *error = entries.error();
        return false;
    }

    if (!result.fromCorsLab) {
        // A request the browser never sent (its preflight failed): DevTools lists it with status
        // 0 next to the preflight that was sent for it.
        QSet<QByteArray> preflighted;
        for (qsizetype i = 0; i < facts.size(); ++i) {
            if (facts.at(i).preflight) {
                preflighted.insert(result.exchanges.at(i).url);
                preflighted.insert(facts.at(i).preflightFor);
            }
        }
        placeActualsAfterTheirPreflights(&result.exchanges, facts);
        // In the order the requests went on the wire, as a proxy captures them; a preflight
        // before the request it answered when both are dated the same millisecond.
        QList<qsizetype> order;
        for (qsizetype i = 0; i < facts.size(); ++i) {
            const EntryFacts &f = facts.at(i);
            if (!f.preflight && f.noResponse && preflighted.contains(result.exchanges.at(i).url))
                ++result.neverSent;
            else
                order.append(i);
        }
        std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
            const qint64 ta = result.exchanges.at(a).startedAtMs;
            const qint64 tb = result.exchanges.at(b).startedAtMs;
            return ta != tb ? ta < tb : facts.at(a).preflight && !facts.at(b).preflight;
        });
        QList<CapturedExchange> kept;
        kept.reserve(order.size());
        for (qsizetype i : order)
            kept.append(std::move(result.exchanges[i]));
        result.exchanges = std::move(kept);
    }
    *out = std::move(result);
    return true;
}

bool readHar(const QByteArray &json, QList<CapturedExchange> *out, QString *error)
{
    HarImport imported;
    if (!parseHar(json, &imported, error))
        return false;
    *out = std::move(imported.exchanges);
    return true;
}

bool loadHar(const QByteArray &json, session::Session *session, QString *error,
             const cors::BrowserProfile *profile)
{
    HarImport imported;
    if (!parseHar(json, &imported, error))
        return false;
    if (!profile)
        profile = cors::BrowserProfile::byName(imported.profile);
    // Into a staging session, adopted at once: the session's readers never see half a file.
    session::Session staging(session::Session::Options{std::numeric_limits<qint64>::max(),
                                                       session->options().pairingWindowMs});
    staging.setProfile(profile ? *profile : session->profile());
    qint64 largest = 0;
    for (const CapturedExchange &x : std::as_const(imported.exchanges))
        largest = std::max(
            {largest, qint64(x.requestBody.stored.size()), qint64(x.responseBody.stored.size())});
    for (qsizetype first = 0; first < imported.exchanges.size(); first += kLoadBatch)
        staging.append(imported.exchanges.mid(first, kLoadBatch));
    staging.setBodyCap(std::max({imported.bodyCap, largest, session->bodyCap()}));
    session->adopt(staging);
    return true;
}

bool loadHarFile(const QString &path, session::Session *session, QString *error,
                 const cors::BrowserProfile *profile)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    return loadHar(file.readAll(), session, error, profile);
}

} // namespace corslab::report
