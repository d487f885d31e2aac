#include "session_json.h"

#include "base/json_reader.h"
#include "base/json_scanner.h"
#include "base/json_text.h"
#include "cors/browser_profile.h"
#include "cors/cors_error.h"
#include "cors/scenario.h"
#include "exchange_classifier.h"
#include "exchange_evaluator.h"
#include "preflight_pairing.h"
#include "session.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

namespace corslab::session {

namespace {

const QString kFormatName = QStringLiteral("corslab-session");
// Rows copied per read lock while writing: a few milliseconds of copying at most.
constexpr qsizetype kWriteChunk = 512;
// Exchanges handed to Session::append() at a time when loading.
constexpr qsizetype kLoadBatch = 4096;
// JSON numbers are doubles: integers beyond 2^53 would not survive.
constexpr qint64 kMaxJsonInteger = 9007199254740991LL;

// ---------------------------------------------------------------------------------------------
// Writing: by hand, straight into a buffer flushed to the device every megabyte. QJsonDocument
// would hold the whole session as a tree first, several times the size of the file.

class JsonOut
{
public:
    /// Appends to \a buffer; with a \a device, flush() moves the buffer's content there.
    explicit JsonOut(QByteArray &buffer, QIODevice *device = nullptr)
        : m_device(device), m_buffer(buffer)
    {
    }

    JsonOut &raw(const char *text)
    {
        m_buffer.append(text);
        return *this;
    }
    /// Text that is JSON already (a QJsonDocument's).
    JsonOut &encoded(QByteArrayView json)
    {
        m_buffer.append(json);
        return *this;
    }
    JsonOut &key(const char *name)
    {
        m_buffer.append('"').append(name).append("\":");
        return *this;
    }
    JsonOut &number(qint64 n)
    {
        m_buffer.append(QByteArray::number(n));
        return *this;
    }
    JsonOut &boolean(bool b) { return raw(b ? "true" : "false"); }
    /// Bytes as Latin-1 text: each byte one character (U+0000-U+00FF), so any bytes survive.
    JsonOut &latin1(QByteArrayView bytes) { return string(bytes, true); }
    /// Text as UTF-8.
    JsonOut &text(const QString &s) { return utf8(s.toUtf8()); }
    JsonOut &utf8(QByteArrayView bytes) { return string(bytes, false); }
    JsonOut &headers(const base::HeaderList &list)
    {
        m_buffer.append('[');
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (i)
                m_buffer.append(',');
            m_buffer.append('[');
            latin1(list.at(i).first);
            m_buffer.append(',');
            latin1(list.at(i).second);
            m_buffer.append(']');
        }
        m_buffer.append(']');
        return *this;
    }
    bool flushIfFull(QString *error) { return m_buffer.size() < kFlushAt || flush(error); }
    bool flush(QString *error)
    {
        if (m_buffer.isEmpty())
            return true;
        if (m_device->write(m_buffer) != m_buffer.size()) {
            *error = QStringLiteral("cannot write the session: %1").arg(m_device->errorString());
            return false;
        }
        m_buffer.truncate(0);
        return true;
    }

    static constexpr qsizetype kFlushAt = 1 << 20;

private:
    JsonOut &string(QByteArrayView bytes, bool latin1)
    {
        base::appendString(m_buffer, bytes, latin1);
        return *this;
    }

    QIODevice *m_device;
    QByteArray &m_buffer;
};

void writeTime(JsonOut &out, const char *isoKey, const char *msKey, qint64 ms)
{
    out.raw(",").key(isoKey);
    if (ms)
        out.latin1(base::isoTimeUtc(ms));
    else
        out.raw("null");
    out.raw(",").key(msKey).number(ms);
}

void writeBody(JsonOut &out, const CapturedBody &body)
{
    out.raw("{").key("size").number(std::max<qint64>(body.size, body.stored.size()));
    out.raw(",").key("truncated").boolean(body.truncated());
    if (body.stored.isValidUtf8())
        out.raw(",").key("text").utf8(body.stored);
    else
        out.raw(",").key("base64").latin1(body.stored.toBase64());
    out.raw("}");
}

void writeComputed(JsonOut &out, const ExchangeRow &row, const QList<qint64> &links);

// The browser's report as one JSON object (the session file's "browser" member).
void writeBrowserReport(JsonOut &out, const BrowserReport &b)
{
    out.raw("{").key("name").text(b.browser);
    if (!b.corsError.isEmpty())
        out.raw(",").key("corsError").text(b.corsError);
    if (!b.failedParameter.isEmpty())
        out.raw(",").key("failedParameter").text(b.failedParameter);
    if (b.notSent)
        out.raw(",").key("notSent").boolean(true);
    if (b.bodyUnavailable)
        out.raw(",").key("bodyUnavailable").boolean(true);
    if (!b.blockedCookies.isEmpty()) {
        out.raw(",").key("blockedCookies").raw("[");
        for (qsizetype i = 0; i < b.blockedCookies.size(); ++i) {
            const BlockedCookie &c = b.blockedCookies.at(i);
            out.raw(i ? ",{" : "{").key("name").latin1(c.name);
            out.raw(",").key("fromResponse").boolean(c.fromResponse);
            out.raw(",").key("reasons").raw("[");
            for (qsizetype j = 0; j < c.reasons.size(); ++j)
                out.raw(j ? "," : "").text(c.reasons.at(j));
            out.raw("]}");
        }
        out.raw("]");
    }
    out.raw("}");
}

// \a row and \a links give the informational "computed" member; without them it is left out.
void writeExchange(JsonOut &out, const CapturedExchange &x, qint64 id, const ExchangeRow *row,
                   const QList<qint64> *links)
{
    out.raw("{").key("id").number(id);
    out.raw(",").key("type").raw(x.type == CapturedExchange::Type::Tunnel ? "\"tunnel\""
                                                                          : "\"http\"");
    writeTime(out, "startedAt", "startedAtMs", x.startedAtMs);
    writeTime(out, "firstByteAt", "firstByteAtMs", x.firstByteAtMs);
    writeTime(out, "finishedAt", "finishedAtMs", x.finishedAtMs);
    out.raw(",").key("client").raw("{").key("address").latin1(x.clientAddress);
    out.raw(",").key("port").number(x.clientPort).raw("}");
    out.raw(",").key("upstream").raw("{").key("address").latin1(x.upstreamAddress);
    out.raw(",").key("port").number(x.upstreamPort).raw("}");
    out.raw(",").key("request").raw("{").key("method").latin1(x.method);
    out.raw(",").key("url").latin1(x.url);
    out.raw(",").key("httpVersion").latin1(x.httpVersion);
    out.raw(",").key("headers").headers(x.requestHeaders);
    out.raw(",").key("body");
    writeBody(out, x.requestBody);
    if (x.credentialsIncluded)
        out.raw(",").key("credentials").raw(*x.credentialsIncluded ? "\"include\"" : "\"omit\"");
    out.raw("}");
    out.raw(",").key("response").raw("{").key("status").number(x.status);
    out.raw(",").key("reason").latin1(x.reason);
    out.raw(",").key("headers").headers(x.responseHeaders);
    out.raw(",").key("body");
    writeBody(out, x.responseBody);
    out.raw("}");
    if (x.overridden || x.answeredLocally || !x.overrideRule.isEmpty() || x.upstreamStatus ||
        !x.upstreamResponseHeaders.isEmpty()) {
        out.raw(",").key("override").raw("{").key("overridden").boolean(x.overridden);
        out.raw(",").key("answeredLocally").boolean(x.answeredLocally);
        out.raw(",").key("rule").text(x.overrideRule);
        out.raw(",").key("upstreamStatus").number(x.upstreamStatus);
        out.raw(",").key("upstreamHeaders").headers(x.upstreamResponseHeaders);
        out.raw("}");
    }
    const TunnelInfo &t = x.tunnel;
    if (x.type == CapturedExchange::Type::Tunnel || !t.host.isEmpty() || t.port || t.intercepted ||
        !t.tlsVersion.isEmpty() || !t.alpn.isEmpty() || t.bytesFromClient || t.bytesFromServer) {
        out.raw(",").key("tunnel").raw("{").key("host").latin1(t.host);
        out.raw(",").key("port").number(t.port);
        out.raw(",").key("intercepted").boolean(t.intercepted);
        out.raw(",").key("tlsVersion").latin1(t.tlsVersion);
        out.raw(",").key("alpn").latin1(t.alpn);
        out.raw(",").key("bytesFromClient").number(t.bytesFromClient);
        out.raw(",").key("bytesFromServer").number(t.bytesFromServer);
        out.raw("}");
    }
    if (!x.error.isEmpty())
        out.raw(",").key("error").text(x.error);
    if (x.browserReport) {
        out.raw(",").key("browser");
        writeBrowserReport(out, *x.browserReport);
    }
    if (!x.source.isEmpty())
        out.raw(",").key("source").text(x.source);
    if (row && links)
        writeComputed(out, *row, *links);
    out.raw("}");
}

// Informational: recomputed on load.
void writeComputed(JsonOut &out, const ExchangeRow &row, const QList<qint64> &links)
{
    out.raw(",").key("computed").raw("{").key("kind").text(exchangeKindName(row.kind));
    out.raw(",").key("failed").boolean(row.failed);
    out.raw(",").key("verdict").text(verdictStateName(row.verdict.state));
    out.raw(",").key("corsError");
    if (row.verdict.error)
        out.text(cors::corsErrorName(row.verdict.corsError()));
    else
        out.raw("null");
    out.raw(",").key("failedCheck").number(row.verdict.failedCheck);
    out.raw(",").key("credentials").text(cors::credentialsModeName(row.verdict.credentialsMode()));
    out.raw(",").key("assumptions").raw("[");
    const QStringList assumptions = assumptionNames(row.verdict.assumptions);
    for (qsizetype i = 0; i < assumptions.size(); ++i)
        (i ? out.raw(",") : out).text(assumptions.at(i));
    out.raw("]");
    out.raw(",").key("pairing").text(pairingStateName(row.pairing));
    out.raw(",").key("linkedIds").raw("[");
    for (qsizetype i = 0; i < links.size(); ++i)
        (i ? out.raw(",") : out).number(links.at(i));
    out.raw("]}");
}

// The settings a session keeps besides its exchanges, as members of the object they are in (a
// session file's top level, a journal's settings line); \a separator goes before each but the
// first.
void writeSettings(JsonOut &out, const char *separator, const QString &profile, qint64 bodyCap,
                   const ExtensionValues &extensions)
{
    out.key("profile").text(profile);
    out.raw(separator).key("bodyCap").number(bodyCap);
    // Compact JSON text has no line break (a journal line must not have one either).
    for (const ExtensionValue &extension : extensions)
        out.raw(separator).text(extension.key).raw(":").encoded(compactJson(extension.value));
}

// ---------------------------------------------------------------------------------------------
// Reading.

class Reader : public base::JsonReader
{
public:
    using JsonReader::JsonReader;

    bool integer(const QJsonObject &o, const QString &parent, const char *name, qint64 min,
                 qint64 max, qint64 *out, bool required = false)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        const QString field = at(parent, name);
        if (v.isUndefined()) {
            if (required)
                return failText(
                    field, QStringLiteral("missing (expected an integer %1)").arg(range(min, max)));
            return true;
        }
        const double d = v.toDouble();
        if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < double(min) ||
            d > double(max))
            return fail(field, QStringLiteral("an integer %1").arg(range(min, max)), v);
        *out = qint64(d);
        return true;
    }
    bool boolean(const QJsonObject &o, const QString &parent, const char *name, bool *out)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined())
            return true;
        if (!v.isBool())
            return fail(at(parent, name), QStringLiteral("true or false"), v);
        *out = v.toBool();
        return true;
    }
    bool text(const QJsonObject &o, const QString &parent, const char *name, QString *out)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString())
            return fail(at(parent, name), QStringLiteral("a string"), v);
        *out = v.toString();
        return true;
    }
    /// Bytes written as Latin-1 text; \a what says what they are ("an HTTP method token").
    bool bytes(const QJsonObject &o, const QString &parent, const char *name, QByteArray *out,
               bool required = false, bool token = false)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        const QString field = at(parent, name);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                return failText(field, QStringLiteral("missing (expected a string)"));
            return true;
        }
        const QString expected = token ? QStringLiteral("an HTTP token such as \"GET\"")
                                       : QStringLiteral("Latin-1 text (characters U+0000-U+00FF)");
        if (!v.isString())
            return fail(field, expected, v);
        const QString s = v.toString();
        for (QChar c : s) {
            if (c.unicode() > 0xFF || (token && !isTokenChar(c)))
                return fail(field, expected, v);
        }
        *out = s.toLatin1();
        return true;
    }
    bool object(const QJsonValue &v, const QString &field, const QStringList &known,
                QJsonObject *out)
    {
        if (!v.isObject())
            return fail(field, QStringLiteral("an object"), v);
        *out = v.toObject();
        return checkKeys(*out, field, known);
    }
    bool time(const QJsonObject &o, const QString &parent, const char *isoName, const char *msName,
              qint64 *out)
    {
        if (o.contains(QLatin1String(msName)))
            return integer(o, parent, msName, 0, kMaxJsonInteger, out);
        // Only the ISO form: a hand-written file may give just that.
        const QJsonValue iso = o.value(QLatin1String(isoName));
        if (iso.isUndefined() || iso.isNull())
            return true;
        const QDateTime t = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
        if (!iso.isString() || !t.isValid())
            return fail(at(parent, isoName),
                        QStringLiteral("an ISO 8601 time such as \"2024-05-01T10:41:03.120Z\""),
                        iso);
        *out = t.toMSecsSinceEpoch();
        return true;
    }
    bool body(const QJsonObject &parentObject, const QString &parent, CapturedBody *out)
    {
        const QJsonValue v = parentObject.value(QStringLiteral("body"));
        if (v.isUndefined() || v.isNull())
            return true;
        const QString field = at(parent, "body");
        QJsonObject o;
        if (!object(v, field,
                    {QStringLiteral("size"), QStringLiteral("truncated"), QStringLiteral("text"),
                     QStringLiteral("base64")},
                    &o))
            return false;
        if (o.contains(QStringLiteral("text")) && o.contains(QStringLiteral("base64")))
            return failText(field, QStringLiteral("expected \"text\" or \"base64\", not both"));
        if (o.contains(QStringLiteral("text"))) {
            const QJsonValue t = o.value(QStringLiteral("text"));
            if (!t.isString())
                return fail(at(field, "text"), QStringLiteral("a string"), t);
            out->stored = t.toString().toUtf8();
        } else if (o.contains(QStringLiteral("base64"))) {
            const QJsonValue b = o.value(QStringLiteral("base64"));
            const auto decoded = QByteArray::fromBase64Encoding(
                b.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!b.isString() || !decoded)
                return fail(at(field, "base64"), QStringLiteral("base64 text"), b);
            out->stored = *decoded;
        }
        qint64 size = out->stored.size();
        if (!integer(o, field, "size", out->stored.size(), kMaxJsonInteger, &size))
            return false;
        out->size = size;
        bool truncated = false;
        return boolean(o, field, "truncated", &truncated);
    }
    /// JsonReader::headerList() with its checks, minus the per-header field name it formats
    /// up front (a third of the reading time of a large file); on a problem the shared reader
    /// runs again to word the error the same way.
    bool headers(const QJsonObject &o, const QString &parent, const char *name,
                 base::HeaderList *out)
    {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return true;
        const QJsonArray array = v.toArray();
        bool good = v.isArray();
        out->reserve(array.size());
        for (qsizetype i = 0; good && i < array.size(); ++i) {
            const QJsonValue item = array.at(i);
            const QJsonArray pair = item.toArray();
            if (!item.isArray() || pair.size() != 2 || !pair.at(0).isString() ||
                !pair.at(1).isString()) {
                good = false;
                break;
            }
            const QString headerName = pair.at(0).toString();
            const QString value = pair.at(1).toString();
            good = !headerName.isEmpty() &&
                   std::all_of(headerName.begin(), headerName.end(), isTokenChar) &&
                   std::all_of(value.begin(), value.end(), [](QChar c) {
                       return c.unicode() <= 0xFF && c != QLatin1Char('\0') &&
                              c != QLatin1Char('\n') && c != QLatin1Char('\r');
                   });
            if (good)
                out->append({headerName.toLatin1(), value.toLatin1()});
        }
        if (good)
            return true;
        out->clear();
        return headerList(v, at(parent, name), out) &&
               failText(at(parent, name), QStringLiteral("expected a header list"));
    }
    bool address(const QJsonObject &x, const QString &parent, const char *name, QByteArray *address,
                 quint16 *port)
    {
        const QJsonValue v = x.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return true;
        const QString field = at(parent, name);
        QJsonObject o;
        qint64 p = 0;
        if (!object(v, field, {QStringLiteral("address"), QStringLiteral("port")}, &o) ||
            !bytes(o, field, "address", address) || !integer(o, field, "port", 0, 65535, &p))
            return false;
        *port = quint16(p);
        return true;
    }

    bool exchange(const QJsonValue &v, const QString &field, CapturedExchange *x);
    bool browserReport(const QJsonObject &o, const QString &field, CapturedExchange *x);
    bool browserReportValue(const QJsonValue &v, const QString &field, BrowserReport *out);

    static QString at(const QString &parent, const char *name)
    {
        return parent.isEmpty() ? QLatin1String(name)
                                : parent + QLatin1Char('.') + QLatin1String(name);
    }

private:
    static QString range(qint64 min, qint64 max)
    {
        if (max == kMaxJsonInteger)
            return min == 0 ? QStringLiteral(">= 0") : QStringLiteral(">= %1").arg(min);
        return QStringLiteral("%1-%2").arg(min).arg(max);
    }
    static bool isTokenChar(QChar c)
    {
        const char16_t u = c.unicode();
        if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
            return true;
        return u < 128 && QByteArrayView("!#$%&'*+-.^_`|~").contains(char(u));
    }
};

bool readSettings(Reader &reader, const QJsonObject &o, const QString &parent,
                  const SessionExtensions &known, SessionFile *file, QString *error)
{
    const QJsonValue profile = o.value(QStringLiteral("profile"));
    if (!profile.isUndefined()) {
        QList<QPair<QString, QString>> names;
        for (const QString &n : cors::BrowserProfile::names())
            names.append({n, n});
        if (!reader.choice(profile, Reader::at(parent, "profile"), names, &file->profile))
            return false;
    }
    if (!reader.integer(o, parent, "bodyCap", 0, kMaxJsonInteger, &file->bodyCap))
        return false;
    return extensionsFromJson(o, parent, known, &file->extensions, error);
}

bool Reader::exchange(const QJsonValue &v, const QString &field, CapturedExchange *x)
{
    QJsonObject o;
    if (!object(v, field,
                {QStringLiteral("id"), QStringLiteral("type"), QStringLiteral("startedAt"),
                 QStringLiteral("startedAtMs"), QStringLiteral("firstByteAt"),
                 QStringLiteral("firstByteAtMs"), QStringLiteral("finishedAt"),
                 QStringLiteral("finishedAtMs"), QStringLiteral("client"),
                 QStringLiteral("upstream"), QStringLiteral("request"), QStringLiteral("response"),
                 QStringLiteral("override"), QStringLiteral("tunnel"), QStringLiteral("error"),
                 QStringLiteral("browser"), QStringLiteral("source"), QStringLiteral("computed")},
                &o))
        return false;
    qint64 id = 0;
    if (!integer(o, field, "id", 1, kMaxJsonInteger, &id))
        return false;
    if (!choice(o.value(QStringLiteral("type")), at(field, "type"),
                QList<QPair<QString, CapturedExchange::Type>>{
                    {QStringLiteral("http"), CapturedExchange::Type::Http},
                    {QStringLiteral("tunnel"), CapturedExchange::Type::Tunnel}},
                &x->type))
        return false;
    if (!o.contains(QStringLiteral("startedAtMs")) && !o.contains(QStringLiteral("startedAt")))
        return failText(at(field, "startedAtMs"),
                        QStringLiteral("missing (expected epoch milliseconds, or \"startedAt\" "
                                       "as ISO 8601)"));
    if (!time(o, field, "startedAt", "startedAtMs", &x->startedAtMs) ||
        !time(o, field, "firstByteAt", "firstByteAtMs", &x->firstByteAtMs) ||
        !time(o, field, "finishedAt", "finishedAtMs", &x->finishedAtMs) ||
        !address(o, field, "client", &x->clientAddress, &x->clientPort) ||
        !address(o, field, "upstream", &x->upstreamAddress, &x->upstreamPort))
        return false;

    const bool http = x->type == CapturedExchange::Type::Http;
    const QJsonValue request = o.value(QStringLiteral("request"));
    if (request.isUndefined() && http)
        return failText(at(field, "request"), QStringLiteral("missing (expected an object with "
                                                             "\"method\" and \"url\")"));
    if (!request.isUndefined()) {
        const QString rf = at(field, "request");
        QJsonObject r;
        if (!object(request, rf,
                    {QStringLiteral("method"), QStringLiteral("url"), QStringLiteral("httpVersion"),
                     QStringLiteral("headers"), QStringLiteral("body"),
                     QStringLiteral("credentials")},
                    &r) ||
            !bytes(r, rf, "method", &x->method, http, true) ||
            !bytes(r, rf, "url", &x->url, http) || !bytes(r, rf, "httpVersion", &x->httpVersion) ||
            !headers(r, rf, "headers", &x->requestHeaders) || !body(r, rf, &x->requestBody))
            return false;
        bool include = false;
        const QJsonValue credentials = r.value(QStringLiteral("credentials"));
        if (!choice(credentials, at(rf, "credentials"),
                    QList<QPair<QString, bool>>{{QStringLiteral("include"), true},
                                                {QStringLiteral("omit"), false}},
                    &include))
            return false;
        if (!credentials.isUndefined())
            x->credentialsIncluded = include;
    }
    const QJsonValue response = o.value(QStringLiteral("response"));
    if (!response.isUndefined() && !response.isNull()) {
        const QString rf = at(field, "response");
        QJsonObject r;
        qint64 status = 0;
        if (!object(response, rf,
                    {QStringLiteral("status"), QStringLiteral("reason"), QStringLiteral("headers"),
                     QStringLiteral("body")},
                    &r) ||
            !integer(r, rf, "status", 0, 999, &status) || !bytes(r, rf, "reason", &x->reason) ||
            !headers(r, rf, "headers", &x->responseHeaders) || !body(r, rf, &x->responseBody))
            return false;
        x->status = int(status);
    }
    const QJsonValue override = o.value(QStringLiteral("override"));
    if (!override.isUndefined() && !override.isNull()) {
        const QString of = at(field, "override");
        QJsonObject r;
        qint64 status = 0;
        if (!object(override, of,
                    {QStringLiteral("overridden"), QStringLiteral("answeredLocally"),
                     QStringLiteral("rule"), QStringLiteral("upstreamStatus"),
                     QStringLiteral("upstreamHeaders")},
                    &r) ||
            !boolean(r, of, "overridden", &x->overridden) ||
            !boolean(r, of, "answeredLocally", &x->answeredLocally) ||
            !text(r, of, "rule", &x->overrideRule) ||
            !integer(r, of, "upstreamStatus", 0, 999, &status) ||
            !headers(r, of, "upstreamHeaders", &x->upstreamResponseHeaders))
            return false;
        x->upstreamStatus = int(status);
    }
    const QJsonValue tunnel = o.value(QStringLiteral("tunnel"));
    if (!tunnel.isUndefined() && !tunnel.isNull()) {
        const QString tf = at(field, "tunnel");
        QJsonObject r;
        qint64 port = 0;
        TunnelInfo &t = x->tunnel;
        if (!object(tunnel, tf,
                    {QStringLiteral("host"), QStringLiteral("port"), QStringLiteral("intercepted"),
                     QStringLiteral("tlsVersion"), QStringLiteral("alpn"),
                     QStringLiteral("bytesFromClient"), QStringLiteral("bytesFromServer")},
                    &r) ||
            !bytes(r, tf, "host", &t.host) || !integer(r, tf, "port", 0, 65535, &port) ||
            !boolean(r, tf, "intercepted", &t.intercepted) ||
            !bytes(r, tf, "tlsVersion", &t.tlsVersion) || !bytes(r, tf, "alpn", &t.alpn) ||
            !integer(r, tf, "bytesFromClient", 0, kMaxJsonInteger, &t.bytesFromClient) ||
            !integer(r, tf, "bytesFromServer", 0, kMaxJsonInteger, &t.bytesFromServer))
            return false;
        t.port = quint16(port);
    }
    return browserReport(o, field, x) && text(o, field, "source", &x->source) &&
           text(o, field, "error", &x->error);
}

bool Reader::browserReport(const QJsonObject &o, const QString &field, CapturedExchange *x)
{
    const QJsonValue v = o.value(QStringLiteral("browser"));
    if (v.isUndefined() || v.isNull())
        return true;
    BrowserReport b;
    if (!browserReportValue(v, at(field, "browser"), &b))
        return false;
    x->browserReport = std::move(b);
    return true;
}

bool Reader::browserReportValue(const QJsonValue &v, const QString &bf, BrowserReport *out)
{
    QJsonObject r;
    BrowserReport &b = *out;
    if (!object(v, bf,
                {QStringLiteral("name"), QStringLiteral("corsError"),
                 QStringLiteral("failedParameter"), QStringLiteral("notSent"),
                 QStringLiteral("bodyUnavailable"), QStringLiteral("blockedCookies")},
                &r) ||
        !text(r, bf, "name", &b.browser) || !text(r, bf, "corsError", &b.corsError) ||
        !text(r, bf, "failedParameter", &b.failedParameter) ||
        !boolean(r, bf, "notSent", &b.notSent) ||
        !boolean(r, bf, "bodyUnavailable", &b.bodyUnavailable))
        return false;
    const QJsonValue cookies = r.value(QStringLiteral("blockedCookies"));
    if (!cookies.isUndefined() && !cookies.isArray())
        return fail(at(bf, "blockedCookies"), QStringLiteral("an array"), cookies);
    const QJsonArray list = cookies.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString cf = QStringLiteral("%1.blockedCookies[%2]").arg(bf).arg(i);
        QJsonObject c;
        BlockedCookie cookie;
        if (!object(
                list.at(i), cf,
                {QStringLiteral("name"), QStringLiteral("fromResponse"), QStringLiteral("reasons")},
                &c) ||
            !bytes(c, cf, "name", &cookie.name, true) ||
            !boolean(c, cf, "fromResponse", &cookie.fromResponse) ||
            !strings(c.value(QStringLiteral("reasons")), at(cf, "reasons"), &cookie.reasons))
            return false;
        b.blockedCookies.append(std::move(cookie));
    }
    return true;
}

QString programName(const QString &createdBy)
{
    return createdBy.isEmpty()
               ? QStringLiteral("CORS Lab (%1)").arg(QCoreApplication::applicationName())
               : createdBy;
}

} // namespace

bool writeSession(const Session &session, QIODevice *device, QString *error,
                  const WriteOptions &options)
{
    const qsizetype total = session.count();
    const quint64 generation = session.generation();
    QByteArray buffer;
    buffer.reserve(JsonOut::kFlushAt + 65536);
    JsonOut out(buffer, device);
    out.raw("{").key("format").text(kFormatName);
    out.raw(",\n").key("version").number(kSessionFormatVersion);
    out.raw(",\n").key("createdBy").text(programName(options.createdBy));
    out.raw(",\n").key("createdAt").latin1(base::isoTimeUtc(QDateTime::currentMSecsSinceEpoch()));
    out.raw(",\n");
    writeSettings(out, ",\n", session.profile().name, session.bodyCap(), options.extensions);
    out.raw(",\n").key("exchangeCount").number(total);
    out.raw(",\n").key("exchanges").raw("[");
    for (qsizetype first = 0; first < total; first += kWriteChunk) {
        const Session::Snapshot s = session.snapshot(first, std::min(kWriteChunk, total - first));
        if (s.generation != generation ||
            s.exchanges.size() != std::min(kWriteChunk, total - first)) {
            *error = QStringLiteral("the session was cleared while it was being written");
            return false;
        }
        for (qsizetype i = 0; i < s.exchanges.size(); ++i) {
            out.raw(first + i ? ",\n" : "\n");
            writeExchange(out, s.exchanges.at(i), s.rows.at(i).id, &s.rows.at(i), &s.links.at(i));
        }
        if (!out.flushIfFull(error))
            return false;
    }
    out.raw("\n]}\n");
    return out.flush(error);
}

bool writeSession(const Session &session, QIODevice *device, QString *error,
                  const QString &createdBy)
{
    return writeSession(session, device, error, WriteOptions{createdBy, {}});
}

bool writeSessionFile(const Session &session, const QString &path, QString *error,
                      const QString &createdBy)
{
    return writeSessionFile(session, path, error, WriteOptions{createdBy, {}});
}

bool writeSessionFile(const Session &session, const QString &path, QString *error,
                      const WriteOptions &options)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!writeSession(session, &file, error, options)) {
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

namespace {

// Parses \a json; \a header receives the file's settings before the first exchange, \a take each
// exchange in order. Stops at the first problem.
bool parseSession(const QByteArray &json, const SessionExtensions &known, QString *error,
                  const std::function<void(const SessionFile &)> &header,
                  const std::function<void(CapturedExchange &&)> &take)
{
    Reader reader(error);
    base::JsonScanner top(json, 0);
    if (!top.consume('{')) {
        // Not an object: let Qt's parser say what it is.
        QJsonParseError parseError;
        QJsonDocument::fromJson(json, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            *error = QStringLiteral("not a valid JSON document: %1 at byte %2")
                         .arg(parseError.errorString())
                         .arg(parseError.offset);
            return false;
        }
        return reader.failText(
            QStringLiteral("(top level)"),
            QStringLiteral("expected an object {\"format\": \"%1\", ...}").arg(kFormatName));
    }
    // The top-level fields but "exchanges" are small: parse them; remember where the exchanges
    // are, wherever they come in the object.
    QJsonObject root;
    QByteArrayView exchangesText;
    qsizetype exchangesOffset = -1;
    bool first = true;
    while (!top.consume('}')) {
        if (!first && !top.consume(',')) {
            top.failAt(QStringLiteral("expected ',' or '}'"));
            *error = top.error();
            return false;
        }
        first = false;
        QByteArrayView keyText;
        QJsonValue key;
        top.skipSpace();
        const qsizetype keyOffset = top.offset();
        if (!top.value(&keyText)) {
            *error = top.error();
            return false;
        }
        if (!keyText.startsWith('"') || !base::parseJsonValue(keyText, keyOffset, &key, error)) {
            if (keyText.startsWith('"'))
                return false;
            *error = QStringLiteral("not a valid JSON document: expected a field name in quotes "
                                    "at byte %1")
                         .arg(keyOffset);
            return false;
        }
        if (!top.consume(':')) {
            top.failAt(QStringLiteral("expected ':'"));
            *error = top.error();
            return false;
        }
        QByteArrayView valueText;
        top.skipSpace();
        const qsizetype valueOffset = top.offset();
        if (!top.value(&valueText)) {
            *error = top.error();
            return false;
        }
        if (key.toString() == QLatin1String("exchanges") && valueText.startsWith('[')) {
            exchangesText = valueText;
            exchangesOffset = valueOffset;
            root.remove(key.toString());
            continue;
        }
        QJsonValue value;
        if (!base::parseJsonValue(valueText, valueOffset, &value, error))
            return false;
        root.insert(key.toString(), value);
    }
    if (!top.atEnd()) {
        top.failAt(QStringLiteral("unexpected text after the document"));
        *error = top.error();
        return false;
    }

    const QJsonValue format = root.value(QStringLiteral("format"));
    if (format.toString() != kFormatName)
        return reader.fail(QStringLiteral("format"),
                           QStringLiteral("\"%1\" (a CORS Lab session file)").arg(kFormatName),
                           format);
    SessionFile file;
    qint64 version = 0;
    if (!reader.integer(root, {}, "version", 1, kMaxJsonInteger, &version, true))
        return false;
    if (version > kSessionFormatVersion)
        return reader.failText(QStringLiteral("version"),
                               newerFormatMessage(version, kSessionFormatVersion));
    file.version = int(version);
    // The known keys in the order they are written (an error lists them).
    const QStringList keys =
        QStringList{QStringLiteral("format"),    QStringLiteral("version"),
                    QStringLiteral("createdBy"), QStringLiteral("createdAt"),
                    QStringLiteral("profile"),   QStringLiteral("bodyCap")} +
        extensionKeys(known) +
        QStringList{QStringLiteral("exchangeCount"), QStringLiteral("exchanges")};
    if (!reader.checkKeys(root, {}, keys) || !reader.text(root, {}, "createdBy", &file.createdBy) ||
        !readSettings(reader, root, {}, known, &file, error))
        return false;
    if (exchangesOffset < 0)
        return reader.fail(QStringLiteral("exchanges"), QStringLiteral("an array of exchanges"),
                           root.value(QStringLiteral("exchanges")));
    header(file);
    base::JsonScanner list(exchangesText, exchangesOffset);
    list.consume('[');
    for (qsizetype i = 0; !list.consume(']'); ++i) {
        if (i > 0 && !list.consume(',')) {
            list.failAt(QStringLiteral("expected ',' or ']'"));
            *error = list.error();
            return false;
        }
        QByteArrayView text;
        list.skipSpace();
        const qsizetype offset = list.offset();
        QJsonValue value;
        if (!list.value(&text)) {
            *error = list.error();
            return false;
        }
        if (!base::parseJsonValue(text, offset, &value, error))
            return false;
        CapturedExchange x;
        if (!reader.exchange(value, QStringLiteral("exchanges[%1]").arg(i), &x))
            return false;
        take(std::move(x));
    }
    return true;
}

} // namespace

QString newerFormatMessage(qint64 version, int newest)
{
    return QStringLiteral("written by a newer CORS Lab (format %1; this one reads up to %2)")
        .arg(version)
        .arg(newest);
}

bool parseSessionJson(const QByteArray &json, const SessionExtensions &known, SessionFile *out,
                      QString *error)
{
    SessionFile file;
    const bool ok = parseSession(
        json, known, error, [&](const SessionFile &header) { file = header; },
        [&](CapturedExchange &&x) { file.exchanges.append(std::move(x)); });
    if (ok)
        *out = std::move(file);
    return ok;
}

StagedLoad::StagedLoad(const Session &target)
    // Uncapped: the bodies were capped when captured, and a file's cap may be below what it holds.
    : m_staging(std::make_unique<Session>(
          Session::Options{std::numeric_limits<qint64>::max(), target.options().pairingWindowMs}))
{
}

StagedLoad::~StagedLoad() = default;

void StagedLoad::setProfile(const QString &name)
{
    const cors::BrowserProfile *profile = cors::BrowserProfile::byName(name);
    const cors::BrowserProfile chosen =
        profile ? *profile : cors::BrowserProfile::get(cors::Browser::Chromium);
    if (chosen.name != m_staging->profile().name)
        m_staging->setProfile(chosen); // re-judges what was added already: set it first
}

void StagedLoad::add(CapturedExchange &&x)
{
    m_largestBody = std::max(
        {m_largestBody, qint64(x.requestBody.stored.size()), qint64(x.responseBody.stored.size())});
    m_batch.append(std::move(x));
    ++m_count;
    if (m_batch.size() == kLoadBatch) {
        m_staging->append(m_batch);
        m_batch.clear();
    }
}

void StagedLoad::adoptInto(Session *session, qint64 bodyCap)
{
    m_staging->append(m_batch);
    m_batch.clear();
    m_staging->setBodyCap(std::max(bodyCap, m_largestBody));
    session->adopt(*m_staging);
}

bool readSession(const QByteArray &json, Session *session, const SessionExtensions &known,
                 ExtensionValues *values, QString *error)
{
    // Into a staging session batch by batch (compact as soon as stored), adopted only when the
    // whole file is good: a bad file leaves the session as it was.
    StagedLoad load(*session);
    SessionFile settings;
    const bool ok = parseSession(
        json, known, error,
        [&](const SessionFile &header) {
            load.setProfile(header.profile);
            settings = header;
        },
        [&](CapturedExchange &&x) { load.add(std::move(x)); });
    if (!ok)
        return false;
    load.adoptInto(session, settings.bodyCap);
    if (values)
        *values = settings.extensions;
    return true;
}

bool readSession(const QByteArray &json, Session *session, QString *error)
{
    return readSession(json, session, {}, nullptr, error);
}

bool readSessionFile(const QString &path, Session *session, const SessionExtensions &known,
                     ExtensionValues *values, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    return readSession(file.readAll(), session, known, values, error);
}

bool readSessionFile(const QString &path, Session *session, QString *error)
{
    return readSessionFile(path, session, {}, nullptr, error);
}

void appendExchangeJson(QByteArray *out, const CapturedExchange &x, qint64 id)
{
    JsonOut json(*out);
    writeExchange(json, x, id, nullptr, nullptr);
}

bool exchangeFromJson(const QJsonValue &value, const QString &field, CapturedExchange *out,
                      QString *error)
{
    Reader reader(error);
    return reader.exchange(value, field, out);
}

QByteArray browserReportJson(const BrowserReport &report)
{
    QByteArray out;
    JsonOut json(out);
    writeBrowserReport(json, report);
    return out;
}

bool browserReportFromJson(const QJsonValue &value, const QString &field, BrowserReport *out,
                           QString *error)
{
    Reader reader(error);
    return reader.browserReportValue(value, field, out);
}

void appendSettingsJson(QByteArray *out, const QString &profile, qint64 bodyCap,
                        const ExtensionValues &extensions)
{
    JsonOut json(*out);
    writeSettings(json, ",", profile, bodyCap, extensions);
}

bool settingsFromJson(const QJsonObject &object, const QString &parent,
                      const SessionExtensions &known, SessionFile *out, QString *error)
{
    Reader reader(error);
    return readSettings(reader, object, parent, known, out, error);
}

QStringList settingsJsonKeys(const SessionExtensions &known)
{
    return QStringList{QStringLiteral("profile"), QStringLiteral("bodyCap")} + extensionKeys(known);
}

} // namespace corslab::session
