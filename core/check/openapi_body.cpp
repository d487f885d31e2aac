#include "openapi_body.h"

#include "openapi_values.h"

#include <QUrl>

namespace corslab::check::openapi {

namespace {

const QByteArray kBoundary = QByteArrayLiteral("corslab-boundary");

// "application/json; charset=utf-8" → "application/json".
QString essence(const QString &mediaType)
{
    return mediaType.section(QLatin1Char(';'), 0, 0).trimmed().toLower();
}

bool isJson(const QString &mediaType)
{
    const QString type = essence(mediaType);
    return type == QLatin1String("application/json") || type.endsWith(QLatin1String("+json"));
}

// application/json when offered, else the first +json type, else the first type (by name).
QString chooseMediaType(const QJsonObject &content)
{
    QString json;
    for (auto it = content.begin(); it != content.end(); ++it) {
        if (essence(it.key()) == QLatin1String("application/json"))
            return it.key();
        if (json.isEmpty() && isJson(it.key()))
            json = it.key();
    }
    return json.isEmpty() ? content.begin().key() : json;
}

// The fields of a form body: an example object's members, else one field.
QList<QPair<QString, QByteArray>> formFields(const QJsonValue &example)
{
    QList<QPair<QString, QByteArray>> fields;
    const QJsonObject object = example.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        fields.append({it.key(), parameterText(it.value())});
    if (fields.isEmpty())
        fields.append({QStringLiteral("field"), QByteArrayLiteral("example")});
    return fields;
}

QByteArray urlEncodedBody(const QJsonValue &example)
{
    QByteArrayList pairs;
    for (const auto &[name, value] : formFields(example))
        pairs << QUrl::toPercentEncoding(name) + '=' +
                     QUrl::toPercentEncoding(QString::fromUtf8(value));
    return pairs.join('&');
}

QByteArray multipartBody(const QJsonValue &example)
{
    QByteArray body;
    for (const auto &[name, value] : formFields(example))
        body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name.toUtf8() +
                "\"\r\n\r\n" + value + "\r\n";
    return body + "--" + kBoundary + "--\r\n";
}

// Content-Type and body for a media type that is not JSON.
void otherBody(const QString &mediaType, const QJsonValue &example, QByteArray *contentType,
               QByteArray *body)
{
    const QString type = essence(mediaType);
    *contentType = mediaType.toUtf8();
    if (type == QLatin1String("application/x-www-form-urlencoded")) {
        *body = urlEncodedBody(example);
    } else if (type == QLatin1String("multipart/form-data")) {
        *contentType = "multipart/form-data; boundary=" + kBoundary;
        *body = multipartBody(example);
    } else {
        // A range such as "*/*" or "image/*" is no Content-Type: send bytes as bytes.
        if (type.contains(QLatin1Char('*')))
            *contentType = QByteArrayLiteral("application/octet-stream");
        *body = example.isString() ? example.toString().toUtf8() : QByteArrayLiteral("example");
    }
}

} // namespace

bool applyRequestBody(Document &doc, const QJsonObject &operation, const QString &operationPath,
                      RequestParts *parts)
{
    const QString bodyPath = childPath(operationPath, QStringLiteral("requestBody"));
    if (!operation.contains(QStringLiteral("requestBody")))
        return true;
    QJsonObject requestBody;
    QString at;
    if (!doc.resolveObject(operation.value(QStringLiteral("requestBody")), bodyPath,
                           QStringLiteral("a Request Body object"), &requestBody, &at))
        return false;
    const QString contentPath = childPath(at, QStringLiteral("content"));
    const QJsonValue content = requestBody.value(QStringLiteral("content"));
    if (!content.isObject() || content.toObject().isEmpty())
        return doc.fail(contentPath,
                        QStringLiteral("an object of media types such as \"application/json\""),
                        content);
    const QString mediaType = chooseMediaType(content.toObject());
    const QString mediaPath = childPath(contentPath, mediaType);
    const QJsonValue media = content.toObject().value(mediaType);
    if (!media.isObject())
        return doc.fail(mediaPath, QStringLiteral("a Media Type object"), media);
    Example example;
    if (!exampleFor(doc, media.toObject(), mediaPath, &example))
        return false;
    if (isJson(mediaType) && media.toObject().isEmpty()) // nothing said about it: the least JSON
        example = {QJsonObject(), QStringLiteral("placeholder (no schema)")};
    QByteArray contentType = mediaType.toUtf8();
    if (isJson(mediaType))
        parts->body = jsonText(example.value);
    else
        otherBody(mediaType, example.value, &contentType, &parts->body);
    parts->headers.append({QByteArrayLiteral("Content-Type"), contentType});
    parts->notes
        << QStringLiteral("body %1 from %2").arg(QString::fromUtf8(contentType), example.source);
    return true;
}

} // namespace corslab::check::openapi
