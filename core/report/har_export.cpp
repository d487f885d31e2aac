#include "har_export.h"

#include "base/json_text.h"
#include "cors/cors_error.h"
#include "cors/scenario.h"
#include "explanation_view.h"
#include "har_json_writer.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSaveFile>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>

namespace corslab::report {

namespace {

using session::CapturedBody;
using session::CapturedExchange;
using session::ExchangeKind;
using session::ExchangeRow;

// Entries copied per read lock of the session: a few milliseconds of copying at most.
constexpr qsizetype kChunk = 512;

const QByteArray *findHeader(const base::HeaderList &headers, QByteArrayView name)
{
    for (const auto &h : headers) {
        if (name.compare(h.first, Qt::CaseInsensitive) == 0)
            return &h.second;
    }
    return nullptr;
}

QByteArray headerOr(const base::HeaderList &headers, QByteArrayView name, const char *fallback)
{
    const QByteArray *value = findHeader(headers, name);
    return value ? *value : QByteArray(fallback);
}

bool isActualRequest(ExchangeKind kind)
{
    return kind == ExchangeKind::SimpleCors || kind == ExchangeKind::PreflightedActual ||
           kind == ExchangeKind::PreflightCachedActual;
}

// Chrome's resource type names (DevTools' Common.ResourceType), from what the browser said the
// request was for (Sec-Fetch-Dest / -Mode): a proxy cannot tell fetch() from XMLHttpRequest, and
// calls both "fetch".
QByteArray resourceType(const CapturedExchange &x, ExchangeKind kind)
{
    if (kind == ExchangeKind::Preflight)
        return "preflight";
    if (kind == ExchangeKind::Navigation)
        return "document";
    if (kind == ExchangeKind::Tunnel)
        return "other";
    if (const QByteArray *mode = findHeader(x.requestHeaders, "Sec-Fetch-Mode");
        mode && mode->compare("websocket", Qt::CaseInsensitive) == 0)
        return "websocket";
    const QByteArray dest = headerOr(x.requestHeaders, "Sec-Fetch-Dest", "").toLower();
    if (dest == "empty" || isActualRequest(kind))
        return "fetch";
    if (dest == "document" || dest == "iframe" || dest == "frame")
        return "document";
    if (dest == "style")
        return "stylesheet";
    if (dest == "script" || dest == "worker" || dest == "sharedworker" || dest == "serviceworker")
        return "script";
    if (dest == "image")
        return "image";
    if (dest == "font")
        return "font";
    if (dest == "audio" || dest == "video")
        return "media";
    if (dest == "track")
        return "texttrack";
    if (dest == "manifest")
        return "manifest";
    return "other";
}

// The priority Chrome gives a resource of this type by default (the proxy cannot see the real one).
const char *priority(const QByteArray &type)
{
    if (type == "document" || type == "stylesheet")
        return "VeryHigh";
    if (type == "fetch" || type == "preflight" || type == "script" || type == "font" ||
        type == "websocket")
        return "High";
    if (type == "image" || type == "media")
        return "Low";
    return "Medium";
}

QByteArray requestTarget(const QByteArray &url)
{
    const QUrl u(QString::fromLatin1(url));
    QByteArray target = u.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (u.hasQuery())
        target += '?' + u.query(QUrl::FullyEncoded).toLatin1();
    return target;
}

// The size of the head as it went on the wire (HTTP/1.x), -1 for another protocol.
qint64 headSize(const QByteArray &version, const QByteArray &firstLine,
                const base::HeaderList &headers)
{
    if (!version.startsWith("HTTP/1"))
        return -1;
    qint64 size = firstLine.size() + 2 + 2;
    for (const auto &h : headers)
        size += h.first.size() + 2 + h.second.size() + 2;
    return size;
}

void writeHeaders(HarJsonWriter &out, const base::HeaderList &headers)
{
    out.beginArray();
    for (const auto &h : headers)
        out.beginObject().key("name").latin1(h.first).key("value").latin1(h.second).endObject();
    out.endArray();
}

// Request cookies: the Cookie header's "name=value" pairs.
void writeRequestCookies(HarJsonWriter &out, const base::HeaderList &headers)
{
    out.beginArray();
    for (const auto &h : headers) {
        if (h.first.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : h.second.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            if (trimmed.isEmpty())
                continue;
            const qsizetype eq = trimmed.indexOf('=');
            out.beginObject().key("name").latin1(eq < 0 ? QByteArray() : trimmed.left(eq));
            out.key("value").latin1(eq < 0 ? trimmed : trimmed.mid(eq + 1)).endObject();
        }
    }
    out.endArray();
}

// Response cookies: one per Set-Cookie header, with the attributes HAR names.
void writeResponseCookies(HarJsonWriter &out, const base::HeaderList &headers)
{
    out.beginArray();
    for (const auto &h : headers) {
        if (h.first.compare("Set-Cookie", Qt::CaseInsensitive) != 0)
            continue;
        const QList<QByteArray> parts = h.second.split(';');
        const QByteArray pair = parts.first().trimmed();
        const qsizetype eq = pair.indexOf('=');
        out.beginObject().key("name").latin1(eq < 0 ? QByteArray() : pair.left(eq).trimmed());
        out.key("value").latin1(eq < 0 ? pair : pair.mid(eq + 1).trimmed());
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray attribute = parts.at(i).trimmed();
            const qsizetype aeq = attribute.indexOf('=');
            const QByteArray name = (aeq < 0 ? attribute : attribute.left(aeq)).toLower();
            const QByteArray value = aeq < 0 ? QByteArray() : attribute.mid(aeq + 1);
            if (name == "path")
                out.key("path").latin1(value);
            else if (name == "domain")
                out.key("domain").latin1(value);
            else if (name == "expires")
                out.key("expires").latin1(value);
            else if (name == "httponly")
                out.key("httpOnly").boolean(true);
            else if (name == "secure")
                out.key("secure").boolean(true);
            else if (name == "samesite")
                out.key("sameSite").latin1(value);
        }
        out.endObject();
    }
    out.endArray();
}

void writeQueryString(HarJsonWriter &out, const QByteArray &url)
{
    out.beginArray();
    const QUrl u(QString::fromLatin1(url));
    if (u.hasQuery()) {
        const QUrlQuery query(u);
        for (const auto &item : query.queryItems(QUrl::FullyDecoded))
            out.beginObject()
                .key("name")
                .text(item.first)
                .key("value")
                .text(item.second)
                .endObject();
    }
    out.endArray();
}

// Text when the stored bytes are UTF-8, else base64 (then \a encodingKey says so).
void writeBodyText(HarJsonWriter &out, const CapturedBody &body, const char *encodingKey)
{
    if (body.stored.isValidUtf8()) {
        out.key("text").utf8(body.stored);
    } else {
        out.key("text").latin1(body.stored.toBase64());
        out.key(encodingKey).latin1("base64");
    }
}

// HAR timings from the three moments a proxy knows; what it cannot see (queueing, DNS, connect,
// TLS of the browser's side) is -1, as HAR says for "does not apply".
struct Timings
{
    qint64 send = 0;
    qint64 wait = 0;
    qint64 receive = 0;
    qint64 total() const { return send + wait + receive; }
};

Timings timings(const CapturedExchange &x)
{
    Timings t;
    const qint64 end = std::max(x.finishedAtMs, x.firstByteAtMs);
    if (x.firstByteAtMs >= x.startedAtMs && x.firstByteAtMs > 0) {
        t.wait = x.firstByteAtMs - x.startedAtMs;
        t.receive = std::max<qint64>(0, x.finishedAtMs - x.firstByteAtMs);
    } else if (end > x.startedAtMs) {
        t.wait = end - x.startedAtMs;
    }
    return t;
}

struct EntryContext
{
    const CapturedExchange &x;
    const ExchangeRow &row;
    const QList<qint64> &links;
    const session::Session &session;
    qsizetype index;
};

void writeCors(HarJsonWriter &out, const EntryContext &c, bool statusHidden)
{
    const CapturedExchange &x = c.x;
    const ExchangeRow &row = c.row;
    out.key("_cors").beginObject();
    out.key("id").number(row.id);
    out.key("kind").text(session::exchangeKindName(row.kind));
    out.key("verdict").text(session::verdictStateName(row.verdict.state));
    out.key("error");
    if (row.verdict.error)
        out.text(cors::corsErrorName(row.verdict.corsError()));
    else
        out.null();
    out.key("credentials").text(cors::credentialsModeName(row.verdict.credentialsMode()));
    out.key("pairing").text(session::pairingStateName(row.pairing));
    // Entries are the session's rows in order: an id's entry is its row index (older rows may
    // have been dropped by retention: the index, not id - 1).
    out.key("pairedEntry");
    const qsizetype paired = row.pairedId > 0 ? c.session.indexOfId(row.pairedId) : -1;
    if (paired >= 0)
        out.number(paired);
    else
        out.null();
    out.key("linkedEntries").beginArray();
    for (qint64 id : c.links)
        if (const qsizetype linked = c.session.indexOfId(id); linked >= 0)
            out.number(linked);
    out.endArray();
    if (session::isCorsKind(row.kind)) {
        const Explanation e =
            explainExchange(c.session, c.index, row.kind == ExchangeKind::Preflight);
        out.key("headline").text(e.headline);
        out.key("summary").text(e.summary);
    }
    out.key("profile").text(c.session.profile().name);
    // The browser's own CORS error, where an attached browser reported one (cdp-notes' convention).
    if (x.browserReport && !x.browserReport->corsError.isEmpty()) {
        out.key("browser").beginObject();
        out.key("corsError").text(x.browserReport->corsError);
        out.key("failedParameter").text(x.browserReport->failedParameter);
        out.key("agreement").text(session::browserAgreementName(row.browserAgreement()));
        out.endObject();
    }
    if (statusHidden)
        out.key("response")
            .beginObject()
            .key("status")
            .number(x.status)
            .key("statusText")
            .latin1(x.reason)
            .endObject();
    // What the session file keeps and HAR has no field for: readHar() restores it.
    out.key("capture").beginObject();
    out.key("client").beginObject().key("address").latin1(x.clientAddress);
    out.key("port").number(x.clientPort).endObject();
    out.key("upstreamPort").number(x.upstreamPort);
    out.key("firstByteAtMs").number(x.firstByteAtMs);
    out.key("finishedAtMs").number(x.finishedAtMs);
    if (x.credentialsIncluded)
        out.key("credentials").latin1(*x.credentialsIncluded ? "include" : "omit");
    if (!x.error.isEmpty())
        out.key("error").text(x.error);
    if (x.requestBody.truncated() || x.responseBody.truncated())
        out.key("truncated").boolean(true);
    if (x.browserReport)
        out.key("browserReport").encoded(session::browserReportJson(*x.browserReport));
    if (!x.source.isEmpty())
        out.key("source").text(x.source);
    if (x.overridden || x.answeredLocally || !x.overrideRule.isEmpty() || x.upstreamStatus ||
        !x.upstreamResponseHeaders.isEmpty()) {
        out.key("override").beginObject();
        out.key("overridden").boolean(x.overridden);
        out.key("answeredLocally").boolean(x.answeredLocally);
        out.key("rule").text(x.overrideRule);
        out.key("upstreamStatus").number(x.upstreamStatus);
        out.key("upstreamHeaders");
        writeHeaders(out, x.upstreamResponseHeaders);
        out.endObject();
    }
    const session::TunnelInfo &t = x.tunnel;
    if (x.type == CapturedExchange::Type::Tunnel || !t.host.isEmpty() || t.port || t.intercepted ||
        !t.tlsVersion.isEmpty() || !t.alpn.isEmpty()) {
        out.key("tunnel").beginObject();
        out.key("opaque").boolean(x.type == CapturedExchange::Type::Tunnel);
        out.key("host").latin1(t.host).key("port").number(t.port);
        out.key("intercepted").boolean(t.intercepted);
        out.key("tlsVersion").latin1(t.tlsVersion).key("alpn").latin1(t.alpn);
        out.key("bytesFromClient").number(t.bytesFromClient);
        out.key("bytesFromServer").number(t.bytesFromServer);
        out.endObject();
    }
    out.endObject();
    out.endObject();
}

void writeEntry(HarJsonWriter &out, const EntryContext &c)
{
    const CapturedExchange &x = c.x;
    const ExchangeRow &row = c.row;
    const bool tunnel = x.type == CapturedExchange::Type::Tunnel;
    const QByteArray method = tunnel && x.method.isEmpty() ? QByteArray("CONNECT") : x.method;
    // HAR tools want an absolute URL; a CONNECT target is "host:port".
    const QByteArray url =
        tunnel ? "https://" + x.tunnel.host + ':' + QByteArray::number(x.tunnel.port) + '/' : x.url;
    // What the page saw of a request the browser blocked: a network error, no status.
    const bool statusHidden = isActualRequest(row.kind) &&
                              row.verdict.state == session::VerdictState::Blocked && x.status;
    const QByteArray type = resourceType(x, row.kind);
    const Timings t = timings(x);

    out.beginObject();
    out.key("_initiator").beginObject();
    if (row.kind == ExchangeKind::Preflight && row.pairedId > 0) {
        // DevTools links a preflight to the request it was sent for.
        const CapturedExchange actual = c.session.exchange(c.session.indexOfId(row.pairedId));
        out.key("type").latin1("preflight").key("url").latin1(actual.url);
        out.key("requestId").latin1(QByteArray::number(row.pairedId));
    } else {
        out.key("type").latin1("other");
    }
    out.endObject();
    out.key("_priority").latin1(priority(type));
    out.key("_resourceType").latin1(type);
    out.key("cache").beginObject().endObject();
    if (x.clientPort)
        out.key("connection").latin1(QByteArray::number(x.clientPort));

    out.key("request").beginObject();
    out.key("method").latin1(method);
    out.key("url").latin1(url);
    out.key("httpVersion").latin1(x.httpVersion);
    out.key("headers");
    writeHeaders(out, x.requestHeaders);
    out.key("queryString");
    writeQueryString(out, url);
    out.key("cookies");
    writeRequestCookies(out, x.requestHeaders);
    out.key("headersSize")
        .number(tunnel ? -1
                       : headSize(x.httpVersion,
                                  method + ' ' + requestTarget(url) + ' ' + x.httpVersion,
                                  x.requestHeaders));
    out.key("bodySize").number(std::max<qint64>(x.requestBody.size, x.requestBody.stored.size()));
    if (!x.requestBody.stored.isEmpty() || x.requestBody.size > 0) {
        out.key("postData").beginObject();
        out.key("mimeType").latin1(headerOr(x.requestHeaders, "Content-Type", ""));
        writeBodyText(out, x.requestBody, "_encoding");
        out.endObject();
    }
    out.endObject();

    const int status = statusHidden ? 0 : x.status;
    out.key("response").beginObject();
    out.key("status").number(status);
    out.key("statusText").latin1(statusHidden ? QByteArray() : x.reason);
    out.key("httpVersion").latin1(x.status ? x.httpVersion : QByteArray());
    out.key("headers");
    writeHeaders(out, x.responseHeaders);
    out.key("cookies");
    writeResponseCookies(out, x.responseHeaders);
    const qint64 bodySize = std::max<qint64>(x.responseBody.size, x.responseBody.stored.size());
    out.key("content").beginObject();
    out.key("size").number(bodySize);
    out.key("mimeType").latin1(headerOr(x.responseHeaders, "Content-Type", "x-unknown"));
    if (!x.responseBody.stored.isEmpty())
        writeBodyText(out, x.responseBody, "encoding");
    out.endObject();
    out.key("redirectURL").latin1(headerOr(x.responseHeaders, "Location", ""));
    const qint64 headersSize =
        x.status ? headSize(x.httpVersion,
                            x.httpVersion + ' ' + QByteArray::number(x.status) + ' ' + x.reason,
                            x.responseHeaders)
                 : -1;
    out.key("headersSize").number(headersSize);
    out.key("bodySize").number(x.status ? bodySize : -1);
    out.key("_transferSize").number(x.status ? std::max<qint64>(headersSize, 0) + bodySize : 0);
    out.key("_error");
    if (statusHidden)
        out.latin1(kHarCorsBlockedError);
    else if (!x.error.isEmpty())
        out.text(x.error);
    else
        out.null();
    out.endObject();

    if (!x.upstreamAddress.isEmpty())
        out.key("serverIPAddress").latin1(x.upstreamAddress);
    out.key("startedDateTime").latin1(base::isoTimeUtc(x.startedAtMs));
    out.key("time").number(t.total());
    out.key("timings").beginObject();
    out.key("blocked").number(-1).key("dns").number(-1).key("ssl").number(-1);
    out.key("connect").number(-1).key("send").number(t.send).key("wait").number(t.wait);
    out.key("receive").number(t.receive).key("_blocked_queueing").number(-1);
    out.endObject();
    writeCors(out, c, statusHidden);
    out.endObject();
}

} // namespace

bool writeHar(const session::Session &session, QIODevice *device, QString *error,
              const HarProgress &progress)
{
    const qsizetype total = session.count();
    const quint64 generation = session.generation();
    HarJsonWriter out(device);
    out.beginObject().key("log").beginObject();
    out.key("version").latin1("1.2");
    out.key("creator").beginObject().key("name").latin1("CORS Lab");
    out.key("version").text(QCoreApplication::applicationVersion().isEmpty()
                                ? QStringLiteral("0")
                                : QCoreApplication::applicationVersion());
    out.endObject();
    out.key("pages").beginArray().endArray();
    out.key("_cors").beginObject();
    out.key("profile").text(session.profile().name);
    out.key("bodyCap").number(session.bodyCap());
    out.endObject();
    out.newline().key("entries").beginArray();
    for (qsizetype first = 0; first < total; first += kChunk) {
        const qsizetype count = std::min(kChunk, total - first);
        const session::Session::Snapshot s = session.snapshot(first, count);
        if (s.generation != generation || s.exchanges.size() != count) {
            *error = QStringLiteral("the session was cleared while it was being exported");
            return false;
        }
        for (qsizetype i = 0; i < count; ++i) {
            out.newline();
            writeEntry(out, {s.exchanges.at(i), s.rows.at(i), s.links.at(i), session, first + i});
        }
        if (!out.flushIfFull(error))
            return false;
        if (progress && !progress(first + count, total)) {
            *error = QStringLiteral("cancelled");
            return false;
        }
    }
    out.newline().endArray().endObject().endObject().newline();
    return out.flush(error);
}

bool writeHarFile(const session::Session &session, const QString &path, QString *error,
                  const HarProgress &progress)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!writeHar(session, &file, error, progress)) {
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace corslab::report
