#include "openapi_values.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace corslab::check::openapi {

namespace {

// allOf / oneOf / anyOf nest schemas in schemas; deeper nesting than this is refused so that a
// self-referencing composition ends.
constexpr int kMaxSchemaDepth = 64;

const QString kExample = QStringLiteral("example");

// The schema's type: `type` as a name or (3.1) a list of names, the first that is not "null";
// without one, what `properties` or `items` imply.
bool typeOf(Document &doc, const QJsonObject &schema, const QString &path, QString *type)
{
    const QJsonValue value = schema.value(QStringLiteral("type"));
    const QString expected =
        QStringLiteral("a type name such as \"string\", or a list of them (OpenAPI 3.1)");
    if (value.isString()) {
        *type = value.toString();
        return true;
    }
    if (value.isArray()) {
        for (const auto &name : value.toArray()) {
            if (!name.isString())
                return doc.fail(childPath(path, QStringLiteral("type")), expected, name);
            *type = name.toString();
            if (*type != QLatin1String("null"))
                return true;
        }
        return true;
    }
    if (!value.isUndefined())
        return doc.fail(childPath(path, QStringLiteral("type")), expected, value);
    if (schema.contains(QStringLiteral("properties")))
        *type = QStringLiteral("object");
    else if (schema.contains(QStringLiteral("items")))
        *type = QStringLiteral("array");
    else
        *type = QStringLiteral("string");
    return true;
}

QJsonValue stringPlaceholder(const QString &format)
{
    if (format == QLatin1String("uuid"))
        return QStringLiteral("123e4567-e89b-12d3-a456-426614174000");
    if (format == QLatin1String("date"))
        return QStringLiteral("2024-01-01");
    if (format == QLatin1String("date-time"))
        return QStringLiteral("2024-01-01T00:00:00Z");
    if (format == QLatin1String("email"))
        return QStringLiteral("user@example.com");
    return kExample;
}

QJsonValue placeholder(const QString &type, const QString &format)
{
    if (type == QLatin1String("integer") || type == QLatin1String("number"))
        return 1;
    if (type == QLatin1String("boolean"))
        return true;
    if (type == QLatin1String("object"))
        return QJsonObject();
    if (type == QLatin1String("array"))
        return QJsonArray();
    if (type == QLatin1String("null"))
        return QJsonValue(QJsonValue::Null);
    return stringPlaceholder(format);
}

// A value the schema itself gives, in the order a writer most likely meant for a request.
bool ownValue(const QJsonObject &schema, Example *out)
{
    const QJsonArray examples = schema.value(QStringLiteral("examples")).toArray();
    const QJsonArray values = schema.value(QStringLiteral("enum")).toArray();
    if (schema.contains(kExample))
        *out = {schema.value(kExample), QStringLiteral("schema example")};
    else if (!examples.isEmpty())
        *out = {examples.first(), QStringLiteral("schema examples[0]")};
    else if (schema.contains(QStringLiteral("default")))
        *out = {schema.value(QStringLiteral("default")), QStringLiteral("schema default")};
    else if (schema.contains(QStringLiteral("const")))
        *out = {schema.value(QStringLiteral("const")), QStringLiteral("schema const")};
    else if (!values.isEmpty())
        *out = {values.first(), QStringLiteral("schema enum[0]")};
    else
        return false;
    return true;
}

bool schemaExampleAt(Document &doc, const QJsonValue &value, const QString &path, int depth,
                     Example *out)
{
    if (depth > kMaxSchemaDepth)
        return doc.failText(
            path, QStringLiteral("schemas nested more than %1 levels deep").arg(kMaxSchemaDepth));
    QJsonValue resolved;
    QString at;
    if (!doc.resolve(value, path, &resolved, &at))
        return false;
    if (!resolved.isObject()) { // 3.1 allows `true` for "anything"
        *out = {kExample, QStringLiteral("placeholder (schema without a type)")};
        return true;
    }
    const QJsonObject schema = resolved.toObject();
    if (ownValue(schema, out))
        return true;
    if (!schema.contains(QStringLiteral("type"))) {
        for (const QString &key :
             {QStringLiteral("allOf"), QStringLiteral("oneOf"), QStringLiteral("anyOf")}) {
            const QJsonArray parts = schema.value(key).toArray();
            if (!parts.isEmpty())
                return schemaExampleAt(doc, parts.first(), indexPath(childPath(at, key), 0),
                                       depth + 1, out);
        }
    }
    QString type;
    if (!typeOf(doc, schema, at, &type))
        return false;
    const QString format = schema.value(QStringLiteral("format")).toString();
    *out = {placeholder(type, format), QStringLiteral("placeholder for %1").arg(type)};
    return true;
}

// The first named Example object of `examples` that carries a value (externalValue is a file
// elsewhere, not read).
bool firstExample(Document &doc, const QJsonValue &examples, const QString &path, Example *out,
                  bool *found)
{
    if (!examples.isObject())
        return doc.fail(path, QStringLiteral("an object of named Example objects"), examples);
    const QJsonObject named = examples.toObject();
    for (auto it = named.begin(); it != named.end(); ++it) {
        QJsonObject example;
        QString at;
        if (!doc.resolveObject(it.value(), childPath(path, it.key()),
                               QStringLiteral("an Example object"), &example, &at))
            return false;
        if (example.contains(QStringLiteral("value"))) {
            *out = {example.value(QStringLiteral("value")),
                    QStringLiteral("examples \"%1\"").arg(it.key())};
            *found = true;
            return true;
        }
    }
    return true;
}

} // namespace

bool exampleFor(Document &doc, const QJsonObject &holder, const QString &path, Example *out)
{
    if (holder.contains(kExample)) {
        *out = {holder.value(kExample), kExample};
        return true;
    }
    if (holder.contains(QStringLiteral("examples"))) {
        bool found = false;
        if (!firstExample(doc, holder.value(QStringLiteral("examples")),
                          childPath(path, QStringLiteral("examples")), out, &found))
            return false;
        if (found)
            return true;
    }
    if (holder.contains(QStringLiteral("schema")))
        return schemaExample(doc, holder.value(QStringLiteral("schema")),
                             childPath(path, QStringLiteral("schema")), out);
    const QJsonObject content = holder.value(QStringLiteral("content")).toObject();
    if (!content.isEmpty() && content.begin().value().isObject())
        return exampleFor(
            doc, content.begin().value().toObject(),
            childPath(childPath(path, QStringLiteral("content")), content.begin().key()), out);
    *out = {kExample, QStringLiteral("placeholder (no schema)")};
    return true;
}

bool schemaExample(Document &doc, const QJsonValue &schema, const QString &path, Example *out)
{
    return schemaExampleAt(doc, schema, path, 0, out);
}

QByteArray parameterText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString().toUtf8();
    case QJsonValue::Bool:
        return value.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case QJsonValue::Array: {
        QByteArrayList parts;
        for (const auto &item : value.toArray())
            parts << parameterText(item);
        return parts.join(',');
    }
    case QJsonValue::Double:
    case QJsonValue::Object:
        return jsonText(value);
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QByteArray jsonText(const QJsonValue &value)
{
    // QJsonDocument writes only objects and arrays: wrap the value and take the brackets off.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

} // namespace corslab::check::openapi
