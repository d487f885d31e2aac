#include "openapi_document.h"

#include <QJsonArray>
#include <QUrl>

namespace corslab::check::openapi {

namespace {

// Longer chains than this are refused rather than followed: no real description needs them,
// and a cycle the visited list would miss cannot then loop for ever.
constexpr int kMaxReferenceChain = 64;

// One JSON Pointer token (RFC 6901): "~1" is "/", "~0" is "~", in that order. The fragment is
// a URI fragment, so it may also be percent-encoded ("#/paths/~1items%7Bid%7D").
QString pointerToken(const QString &raw)
{
    QString token = QUrl::fromPercentEncoding(raw.toUtf8());
    token.replace(QStringLiteral("~1"), QStringLiteral("/"));
    token.replace(QStringLiteral("~0"), QStringLiteral("~"));
    return token;
}

// One step down a JSON Pointer: a member of an object or an element of an array.
bool step(const QJsonValue &from, const QString &token, QJsonValue *to)
{
    if (from.isObject()) {
        const QJsonObject object = from.toObject();
        if (!object.contains(token))
            return false;
        *to = object.value(token);
        return true;
    }
    if (from.isArray()) {
        bool isIndex = false;
        const int index = token.toInt(&isIndex);
        const QJsonArray array = from.toArray();
        if (!isIndex || index < 0 || index >= array.size())
            return false;
        *to = array.at(index);
        return true;
    }
    return false;
}

} // namespace

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString indexPath(const QString &path, qsizetype index)
{
    return QStringLiteral("%1[%2]").arg(path).arg(index);
}

bool Document::lookUp(const QString &ref, const QString &path, QJsonValue *out, QString *outPath)
{
    const QString refPath = childPath(path, QStringLiteral("$ref"));
    if (!ref.startsWith(QLatin1Char('#')))
        return fail(refPath,
                    QStringLiteral("a reference inside this document such as "
                                   "\"#/components/schemas/Item\" (other files are not read)"),
                    ref);
    QJsonValue at = m_root;
    QStringList fieldPath;
    const QString pointer = ref.mid(1);
    if (!pointer.isEmpty()) {
        if (!pointer.startsWith(QLatin1Char('/')))
            return fail(refPath, QStringLiteral("a JSON pointer such as \"#/components/...\""),
                        ref);
        for (const QString &raw : pointer.mid(1).split(QLatin1Char('/'))) {
            const QString token = pointerToken(raw);
            if (!step(at, token, &at))
                return fail(refPath, QStringLiteral("a reference to a part of this document"), ref);
            fieldPath << token;
        }
    }
    *out = at;
    *outPath = fieldPath.join(QLatin1Char('.'));
    return true;
}

bool Document::resolve(const QJsonValue &value, const QString &path, QJsonValue *out,
                       QString *outPath)
{
    QJsonValue current = value;
    QString currentPath = path;
    QStringList chain; // the references followed, to name a cycle
    while (current.isObject() && current.toObject().contains(QStringLiteral("$ref"))) {
        const QJsonValue ref = current.toObject().value(QStringLiteral("$ref"));
        if (!ref.isString())
            return fail(childPath(currentPath, QStringLiteral("$ref")),
                        QStringLiteral("a reference such as \"#/components/schemas/Item\""), ref);
        if (chain.contains(ref.toString()))
            return failText(path, QStringLiteral("reference cycle: %1 → %2")
                                      .arg(chain.join(QStringLiteral(" → ")), ref.toString()));
        if (chain.size() >= kMaxReferenceChain)
            return failText(
                path, QStringLiteral("more than %1 references in a chain").arg(kMaxReferenceChain));
        chain << ref.toString();
        if (!lookUp(ref.toString(), currentPath, &current, &currentPath))
            return false;
    }
    *out = current;
    *outPath = currentPath;
    return true;
}

bool Document::resolveObject(const QJsonValue &value, const QString &path, const QString &expected,
                             QJsonObject *out, QString *outPath)
{
    QJsonValue target;
    if (!resolve(value, path, &target, outPath))
        return false;
    if (!target.isObject())
        return fail(*outPath, expected, target);
    *out = target.toObject();
    return true;
}

} // namespace corslab::check::openapi
