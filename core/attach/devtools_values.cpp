#include "devtools_values.h"

#include <QJsonArray>

namespace corslab::attach {

QString stringAt(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QJsonObject objectAt(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toObject();
}

bool isHttpUrl(const QString &url)
{
    return url.startsWith(QLatin1String("http://"), Qt::CaseInsensitive) ||
           url.startsWith(QLatin1String("https://"), Qt::CaseInsensitive);
}

QByteArray headerBytes(const QString &text)
{
    const bool latin1 =
        std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() <= 0xFF; });
    return latin1 ? text.toLatin1() : text.toUtf8();
}

QString headerText(const QByteArray &bytes)
{
    const QString utf8 = QString::fromUtf8(bytes);
    const bool beyondLatin1 =
        std::any_of(utf8.begin(), utf8.end(), [](QChar c) { return c.unicode() > 0xFF; });
    return beyondLatin1 && !utf8.contains(QChar::ReplacementCharacter) ? utf8
                                                                       : QString::fromLatin1(bytes);
}

base::HeaderList headersFromObject(const QJsonObject &headers)
{
    base::HeaderList out;
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (it.key().startsWith(QLatin1Char(':')))
            continue;
        const QByteArray name = headerBytes(it.key());
        const QStringList values = it.value().toString().split(QLatin1Char('\n'));
        for (const QString &value : values)
            out.append({name, headerBytes(value)});
    }
    return out;
}

base::HeaderList headersFromText(const QString &text, QByteArray *reason)
{
    base::HeaderList out;
    const QStringList lines = text.split(QStringLiteral("\r\n"));
    if (lines.isEmpty())
        return out;
    // "HTTP/1.1 200 OK": the reason is what follows the second space.
    const QString &status = lines.first();
    const qsizetype codeEnd =
        status.indexOf(QLatin1Char(' '), status.indexOf(QLatin1Char(' ')) + 1);
    if (reason && codeEnd > 0)
        *reason = headerBytes(status.mid(codeEnd + 1));
    for (qsizetype i = 1; i < lines.size() && !lines.at(i).isEmpty(); ++i) {
        const QString &line = lines.at(i);
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        out.append({headerBytes(line.left(colon)), headerBytes(line.mid(colon + 1).trimmed())});
    }
    return out;
}

ResponseSeen serverResponse(const QJsonObject &params)
{
    ResponseSeen r;
    r.status = params.value(QStringLiteral("statusCode")).toInt();
    const QString text = params.value(QStringLiteral("headersText")).toString();
    if (!text.isEmpty())
        r.headers = headersFromText(text, &r.reason);
    if (r.headers.isEmpty())
        r.headers = headersFromObject(params.value(QStringLiteral("headers")).toObject());
    return r;
}

namespace {
QStringList reasons(const QJsonObject &entry)
{
    QStringList out;
    const QJsonArray list = entry.value(QStringLiteral("blockedReasons")).toArray();
    for (const QJsonValue reason : list)
        out.append(reason.toString());
    return out;
}
} // namespace

QList<session::BlockedCookie> withheldCookies(const QJsonObject &params)
{
    // associatedCookies (current Chromium) lists every cookie, blocked or not; blockedCookies
    // (older) only the blocked ones.
    QJsonArray entries = params.value(QStringLiteral("associatedCookies")).toArray();
    if (entries.isEmpty())
        entries = params.value(QStringLiteral("blockedCookies")).toArray();
    QList<session::BlockedCookie> out;
    for (const QJsonValue value : std::as_const(entries)) {
        const QJsonObject entry = value.toObject();
        const QStringList why = reasons(entry);
        if (why.isEmpty())
            continue;
        const QJsonObject cookie = entry.value(QStringLiteral("cookie")).toObject();
        out.append({headerBytes(cookie.value(QStringLiteral("name")).toString()), why, false});
    }
    return out;
}

QList<session::BlockedCookie> refusedCookies(const QJsonObject &params)
{
    QList<session::BlockedCookie> out;
    const QJsonArray entries = params.value(QStringLiteral("blockedCookies")).toArray();
    for (const QJsonValue value : entries) {
        const QJsonObject entry = value.toObject();
        const QStringList why = reasons(entry);
        if (why.isEmpty())
            continue;
        QString name = entry.value(QStringLiteral("cookie"))
                           .toObject()
                           .value(QStringLiteral("name"))
                           .toString();
        if (name.isEmpty())
            name = entry.value(QStringLiteral("cookieLine"))
                       .toString()
                       .section(QLatin1Char('='), 0, 0);
        out.append({headerBytes(name.trimmed()), why, true});
    }
    return out;
}

session::CapturedBody postData(const QJsonObject &request)
{
    session::CapturedBody body;
    const QJsonArray entries = request.value(QStringLiteral("postDataEntries")).toArray();
    for (const QJsonValue entry : entries)
        body.stored += QByteArray::fromBase64(
            entry.toObject().value(QStringLiteral("bytes")).toString().toLatin1());
    if (entries.isEmpty())
        body.stored = request.value(QStringLiteral("postData")).toString().toUtf8();
    body.size = body.stored.size();
    return body;
}

QByteArray httpVersion(const QString &protocol)
{
    if (protocol == QLatin1String("h2"))
        return QByteArrayLiteral("HTTP/2");
    if (protocol == QLatin1String("h3") || protocol.startsWith(QLatin1String("h3-")))
        return QByteArrayLiteral("HTTP/3");
    if (protocol.startsWith(QLatin1String("http/"), Qt::CaseInsensitive))
        return protocol.toUpper().toLatin1();
    return QByteArrayLiteral("HTTP/1.1");
}

base::HeaderList bidiHeaders(const QJsonArray &headers)
{
    base::HeaderList out;
    for (const QJsonValue item : headers) {
        const QJsonObject header = item.toObject();
        const QJsonObject value = header.value(QStringLiteral("value")).toObject();
        const QString text = value.value(QStringLiteral("value")).toString();
        const QByteArray bytes =
            value.value(QStringLiteral("type")).toString() == QLatin1String("base64")
                ? QByteArray::fromBase64(text.toLatin1())
                : headerBytes(text);
        out.append({headerBytes(header.value(QStringLiteral("name")).toString()), bytes});
    }
    return out;
}

QJsonArray bidiHeaderArray(const base::HeaderList &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers)
        out.append(QJsonObject{{QStringLiteral("name"), headerText(name)},
                               {QStringLiteral("value"),
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                            {QStringLiteral("value"), headerText(value)}}}});
    return out;
}

} // namespace corslab::attach
