#pragma once

#include "http/http_message.h"
#include "session/captured_exchange.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

/// The DevTools protocol's JSON values read into the session's types. Pure functions.
namespace corslab::attach {

/// A response as one source of events describes it.
struct ResponseSeen
{
    int status = 0;
    QByteArray reason;
    base::HeaderList headers;
};

/// \a o's member \a key as a string or an object (empty when it is not one).
QString stringAt(const QJsonObject &o, const char *key);
QJsonObject objectAt(const QJsonObject &o, const char *key);

/// True for http: and https: URLs (the protocol also reports data:, blob:, chrome: loads).
bool isHttpUrl(const QString &url);

/// A protocol headers object ({"name": "value"}). A value holding several lines was several
/// headers of that name (the protocol joins them with "\n"). HTTP/2 pseudo-headers (":path") are
/// left out: they are not headers on an HTTP/1.1 wire, nor in the engine's eyes.
base::HeaderList headersFromObject(const QJsonObject &headers);

/// WebDriver BiDi's headers ([{name, value: {type: "string" | "base64", value}}]), in order.
base::HeaderList bidiHeaders(const QJsonArray &headers);
/// \a headers as WebDriver BiDi's headers, each value a string (headerText()).
QJsonArray bidiHeaderArray(const base::HeaderList &headers);

/// The header block of a raw response head ("HTTP/1.1 200 OK\r\nA: b\r\n\r\n"), in wire order
/// with duplicates; \a reason receives the status line's reason phrase.
base::HeaderList headersFromText(const QString &text, QByteArray *reason);

/// responseReceivedExtraInfo: the status and headers the server sent (headersText when the
/// browser gives it, so order and duplicates survive).
ResponseSeen serverResponse(const QJsonObject &params);

/// The cookies requestWillBeSentExtraInfo says were withheld, with their reasons.
QList<session::BlockedCookie> withheldCookies(const QJsonObject &params);
/// The Set-Cookie lines responseReceivedExtraInfo says were refused, with their reasons.
QList<session::BlockedCookie> refusedCookies(const QJsonObject &params);

/// The request body requestWillBeSent carries (postDataEntries' bytes, else postData).
session::CapturedBody postData(const QJsonObject &request);

/// Response.protocol ("http/1.1", "h2", "h3") as an HTTP version ("HTTP/1.1", "HTTP/2").
QByteArray httpVersion(const QString &protocol);

/// Text from the protocol as bytes: Latin-1 when every character fits (header bytes arrive one
/// character each), UTF-8 otherwise.
QByteArray headerBytes(const QString &text);
/// headerBytes() undone, for header bytes going back to the browser: UTF-8 when the bytes are
/// the UTF-8 of text headerBytes() could not write in Latin-1, Latin-1 otherwise.
QString headerText(const QByteArray &bytes);

} // namespace corslab::attach
