// YAML by hand: the contract needs block mappings, sequences and quoted scalars, nothing more.
#include "yaml_writer.h"

#include "ordered_json.h"

#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>

namespace corslab::check {

namespace {

/// A YAML double-quoted scalar: backslash escapes for quotes, backslashes and control bytes.
QByteArray quoted(const QString &text)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out = "\"";
    for (const char ch : text.toUtf8()) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else {
            out += ch;
        }
    }
    return out + '"';
}

QByteArray scalar(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? "true" : "false";
    case QJsonValue::Double:
        return QByteArray::number(value.toDouble(), 'g', 17);
    case QJsonValue::String:
        return quoted(value.toString());
    case QJsonValue::Array:
        return "[]"; // only empty ones reach here
    case QJsonValue::Object:
        return "{}";
    default:
        return "null";
    }
}

/// A key as written: plain when it is a simple identifier, quoted otherwise.
QByteArray key(const QString &name)
{
    const bool plain = !name.isEmpty() && std::all_of(name.begin(), name.end(), [](QChar c) {
        return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-');
    });
    return plain ? name.toUtf8() : quoted(name);
}

bool isBlock(const QJsonValue &v)
{
    return (v.isArray() && !v.toArray().isEmpty()) || (v.isObject() && !v.toObject().isEmpty());
}

class Writer
{
public:
    explicit Writer(const QStringList &order) : m_order(order) {}
    QByteArray out;

    void value(const QJsonValue &v, int indent, bool inlineFirst);

private:
    void object(const QJsonObject &o, int indent, bool inlineFirst);
    void array(const QJsonArray &a, int indent, bool inlineFirst);
    const QStringList &m_order;
};

// inlineFirst: the first line continues a "- " already written (a mapping inside a list).
void Writer::object(const QJsonObject &o, int indent, bool inlineFirst)
{
    bool first = true;
    for (const QString &name : orderedKeys(o, m_order)) {
        if (!(first && inlineFirst))
            out += QByteArray(indent, ' ');
        first = false;
        const QJsonValue v = o.value(name);
        out += key(name) + ':';
        if (isBlock(v)) {
            out += '\n';
            value(v, indent + 2, false);
        } else {
            out += ' ' + scalar(v) + '\n';
        }
    }
}

void Writer::array(const QJsonArray &a, int indent, bool inlineFirst)
{
    bool first = true;
    for (const auto &item : a) {
        if (!(first && inlineFirst))
            out += QByteArray(indent, ' ');
        first = false;
        out += "- ";
        if (isBlock(item))
            value(item, indent + 2, true);
        else
            out += scalar(item) + '\n';
    }
}

void Writer::value(const QJsonValue &v, int indent, bool inlineFirst)
{
    if (v.isObject() && isBlock(v))
        object(v.toObject(), indent, inlineFirst);
    else if (v.isArray() && isBlock(v))
        array(v.toArray(), indent, inlineFirst);
    else
        out += scalar(v) + '\n';
}

} // namespace

QByteArray yamlText(const QJsonValue &value, const QStringList &keyOrder)
{
    Writer writer(keyOrder);
    writer.value(value, 0, false);
    return writer.out;
}

} // namespace corslab::check
