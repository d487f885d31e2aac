#include "openapi_probes.h"

#include "base/json_scanner.h"
#include "base/yaml_json.h"
#include "openapi_body.h"
#include "openapi_document.h"
#include "openapi_parameters.h"
#include "openapi_security.h"
#include "openapi_servers.h"

#include <QRegularExpression>

namespace corslab::check {

using namespace openapi;

namespace {

// The Path Item's operations in its field order, which is also the order probes come in (the
// parsers keep no member order, so the document's own order is not known).
const QStringList kMethods = {
    QStringLiteral("get"),    QStringLiteral("put"),     QStringLiteral("post"),
    QStringLiteral("delete"), QStringLiteral("options"), QStringLiteral("head"),
    QStringLiteral("patch"),  QStringLiteral("trace"),
};

// Path Item fields besides the operations.
const QStringList kPathItemFields = {
    QStringLiteral("$ref"),    QStringLiteral("summary"),    QStringLiteral("description"),
    QStringLiteral("servers"), QStringLiteral("parameters"),
};

// Methods fetch() throws a TypeError for ("forbidden methods"): no probe can make them.
bool forbiddenByFetch(const QString &method)
{
    return method == QLatin1String("trace");
}

bool parseText(const QByteArray &text, const QString &fileName, QJsonValue *out, QString *error)
{
    if (base::looksLikeYaml(fileName, text))
        return base::parseYamlAsJson(text, out, error);
    const QByteArray trimmed = text.trimmed();
    return base::parseJsonValue(trimmed, text.indexOf(trimmed.left(1)), out, error);
}

// An OpenAPI 3.0.x or 3.1.x document (Swagger 2.0 is another format altogether).
bool checkVersion(Document &doc)
{
    const QJsonObject &root = doc.root();
    if (root.contains(QStringLiteral("swagger")))
        return doc.failText(QStringLiteral("swagger"),
                            QStringLiteral("Swagger 2.0 is not read: expected an OpenAPI 3.0.x or "
                                           "3.1.x document (convert it to OpenAPI 3 first)"));
    static const QRegularExpression supported(
        QStringLiteral("^3\\.[01](\\.[0-9]+)?(-[0-9A-Za-z.-]+)?$"));
    const QJsonValue version = root.value(QStringLiteral("openapi"));
    if (!version.isString() || !supported.match(version.toString()).hasMatch())
        return doc.fail(QStringLiteral("openapi"),
                        QStringLiteral("an OpenAPI version \"3.0.x\" or \"3.1.x\" (a string)"),
                        version);
    return true;
}

QString labelOf(const QString &method, const QString &pathTemplate, const QString &operationId)
{
    const QString call = method.toUpper() + QLatin1Char(' ') + pathTemplate;
    return operationId.isEmpty() ? call : QStringLiteral("%1 (%2)").arg(operationId, call);
}

/// What every operation of one path shares.
struct PathContext
{
    QString pathTemplate; ///< "/items/{id}"
    QJsonObject item;     ///< the Path Item, its $ref resolved
    QString itemPath;     ///< where it is written
    QUrl baseUrlOverride;
};

// The base URL: the override, else the innermost `servers` that lists one.
bool baseUrlOf(Document &doc, const PathContext &path, const QJsonObject &operation,
               const QString &operationPath, QUrl *out, QStringList *notes)
{
    if (path.baseUrlOverride.isValid() && !path.baseUrlOverride.isEmpty()) {
        *out = path.baseUrlOverride;
        *notes << QStringLiteral("base URL from --base-url");
        return true;
    }
    const QString key = QStringLiteral("servers");
    QJsonValue servers = doc.root().value(key);
    QString serversPath = key;
    // An empty list, as a missing one, leaves the outer list in force.
    for (const auto &[holder, holderPath] :
         {std::pair{&path.item, path.itemPath}, std::pair{&operation, operationPath}}) {
        const QJsonValue inner = holder->value(key);
        if (!inner.isUndefined() && !inner.isArray())
            return doc.fail(childPath(holderPath, key),
                            QStringLiteral("an array of Server objects"), inner);
        if (!inner.toArray().isEmpty()) {
            servers = inner;
            serversPath = childPath(holderPath, key);
        }
    }
    if (!serverUrl(doc, servers, serversPath, out))
        return false;
    *notes << QStringLiteral("base URL from %1").arg(indexPath(serversPath, 0));
    return true;
}

// The request body, except on GET and HEAD: fetch() throws a TypeError for a body there, and
// OpenAPI 3.1 allows describing one.
bool applyBody(Document &doc, const QString &method, const QJsonObject &operation,
               const QString &operationPath, RequestParts *parts)
{
    if (method != QLatin1String("get") && method != QLatin1String("head"))
        return applyRequestBody(doc, operation, operationPath, parts);
    if (operation.contains(QStringLiteral("requestBody")))
        parts->notes << QStringLiteral("request body not sent: fetch() refuses a body on %1")
                            .arg(method.toUpper());
    return true;
}

QUrl urlOf(const QUrl &base, const RequestParts &parts)
{
    QByteArray url = base.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (url.endsWith('/'))
        url.chop(1);
    url += parts.path;
    QByteArrayList query;
    for (const auto &[name, value] : parts.query)
        query << name + '=' + value;
    if (!query.isEmpty())
        url += '?' + query.join('&');
    return QUrl::fromEncoded(url);
}

bool readOperation(Document &doc, const PathContext &path, const QString &method, ApiProbe *out)
{
    const QString operationPath = childPath(path.itemPath, method);
    const QJsonValue value = path.item.value(method);
    if (!value.isObject())
        return doc.fail(operationPath, QStringLiteral("an Operation object"), value);
    const QJsonObject operation = value.toObject();
    const QJsonValue operationId = operation.value(QStringLiteral("operationId"));
    if (!operationId.isUndefined() && !operationId.isString())
        return doc.fail(childPath(operationPath, QStringLiteral("operationId")),
                        QStringLiteral("a string"), operationId);
    const QString parameters = QStringLiteral("parameters");
    const ParameterLists lists{path.item.value(parameters), childPath(path.itemPath, parameters),
                               operation.value(parameters), childPath(operationPath, parameters)};
    RequestParts parts;
    QUrl base;
    if (!applyParameters(doc, lists, path.pathTemplate, &parts) ||
        !applySecurity(doc, operation, operationPath, &parts) ||
        !applyBody(doc, method, operation, operationPath, &parts) ||
        !baseUrlOf(doc, path, operation, operationPath, &base, &parts.notes))
        return false;
    out->operationId = operationId.toString();
    out->label = labelOf(method, path.pathTemplate, out->operationId);
    out->request.url = urlOf(base, parts);
    out->request.method = method.toUpper().toLatin1();
    out->request.headers = parts.headers;
    out->request.body = parts.body;
    out->request.credentials = parts.credentials;
    out->notes = parts.notes;
    QString invalid;
    if (!out->request.validate(&invalid))
        return doc.failText(operationPath,
                            QStringLiteral("makes a request fetch() refuses: ") + invalid);
    return true;
}

bool checkPathItemFields(Document &doc, const PathContext &path)
{
    for (auto it = path.item.begin(); it != path.item.end(); ++it) {
        const QString &key = it.key();
        if (!kMethods.contains(key) && !kPathItemFields.contains(key) &&
            !key.startsWith(QLatin1String("x-")))
            return doc.failText(childPath(path.itemPath, key),
                                QStringLiteral("unknown field (expected an HTTP method in lower "
                                               "case such as \"get\", or %1)")
                                    .arg(kPathItemFields.join(QStringLiteral(", "))));
    }
    return true;
}

bool readPath(Document &doc, PathContext path, const QJsonValue &value, QList<ApiProbe> *out,
              QStringList *skipped)
{
    const QString written = childPath(QStringLiteral("paths"), path.pathTemplate);
    if (!path.pathTemplate.startsWith(QLatin1Char('/')))
        return doc.fail(written, QStringLiteral("a path starting with \"/\""), path.pathTemplate);
    if (!doc.resolveObject(value, written, QStringLiteral("a Path Item object"), &path.item,
                           &path.itemPath) ||
        !checkPathItemFields(doc, path))
        return false;
    for (const QString &method : kMethods) {
        if (!path.item.contains(method))
            continue;
        if (forbiddenByFetch(method)) {
            *skipped << QStringLiteral("%1: skipped, fetch() refuses the %2 method")
                            .arg(labelOf(method, path.pathTemplate,
                                         path.item.value(method)
                                             .toObject()
                                             .value(QStringLiteral("operationId"))
                                             .toString()),
                                 method.toUpper());
            continue;
        }
        ApiProbe probe;
        if (!readOperation(doc, path, method, &probe))
            return false;
        out->append(probe);
    }
    return true;
}

bool readPaths(Document &doc, const QUrl &baseUrlOverride, QList<ApiProbe> *out,
               QStringList *skipped)
{
    const QString key = QStringLiteral("paths");
    const QJsonValue paths = doc.root().value(key);
    if (!paths.isUndefined() && !paths.isObject())
        return doc.fail(key, QStringLiteral("an object of paths"), paths);
    if (paths.toObject().isEmpty())
        return doc.failText(key, doc.root().contains(QStringLiteral("webhooks"))
                                     ? QStringLiteral("no paths to probe (the document "
                                                      "describes only webhooks)")
                                     : QStringLiteral("no paths to probe"));
    const QJsonObject all = paths.toObject();
    for (auto it = all.begin(); it != all.end(); ++it) {
        PathContext path;
        path.pathTemplate = it.key();
        path.baseUrlOverride = baseUrlOverride;
        if (!readPath(doc, path, it.value(), out, skipped))
            return false;
    }
    return true;
}

bool checkOverride(const QUrl &url, QString *error)
{
    if (url.isEmpty())
        return true;
    if (url.isValid() && !url.host().isEmpty() &&
        (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")))
        return true;
    *error = QStringLiteral("--base-url: expected an absolute http:// or https:// URL, got \"%1\"")
                 .arg(url.toString());
    return false;
}

} // namespace

bool readOpenApiProbes(const QByteArray &text, const QString &fileName, const QUrl &baseUrlOverride,
                       QList<ApiProbe> *out, QString *error, QStringList *skipped)
{
    if (!checkOverride(baseUrlOverride, error))
        return false;
    QJsonValue root;
    QString message;
    if (!parseText(text, fileName, &root, &message)) {
        *error = fileName + QStringLiteral(": ") + message;
        return false;
    }
    if (!root.isObject()) {
        *error = fileName + QStringLiteral(": expected an OpenAPI document (an object), got ") +
                 base::JsonReader::describe(root);
        return false;
    }
    Document doc(root.toObject(), &message);
    QList<ApiProbe> probes;
    QStringList skippedHere;
    if (!checkVersion(doc) || !readPaths(doc, baseUrlOverride, &probes, &skippedHere)) {
        *error = fileName + QStringLiteral(": ") + message;
        return false;
    }
    *out = probes;
    if (skipped)
        *skipped = skippedHere;
    return true;
}

} // namespace corslab::check
