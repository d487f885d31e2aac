#include "openapi_servers.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace corslab::check::openapi {

namespace {

const QString kNeedsBaseUrl = QStringLiteral(
    "is relative to where the description is served: pass --base-url with the API's absolute "
    "URL");

// \a url with each "{name}" replaced by variables.name.default.
bool fillVariables(Document &doc, const QJsonObject &server, const QString &path, QString *url)
{
    static const QRegularExpression variable(QStringLiteral("\\{([^{}]+)\\}"));
    const QJsonObject variables = server.value(QStringLiteral("variables")).toObject();
    const QString variablesPath = childPath(path, QStringLiteral("variables"));
    QString filled;
    qsizetype done = 0;
    for (const auto &match : variable.globalMatch(*url)) {
        const QString name = match.captured(1);
        if (!variables.contains(name))
            return doc.failText(
                childPath(path, QStringLiteral("url")),
                QStringLiteral("the variable {%1} is not defined in %2").arg(name, variablesPath));
        const QJsonValue value = variables.value(name).toObject().value(QStringLiteral("default"));
        if (!value.isString())
            return doc.fail(childPath(childPath(variablesPath, name), QStringLiteral("default")),
                            QStringLiteral("the variable's default value (a string)"), value);
        filled += url->mid(done, match.capturedStart() - done) + value.toString();
        done = match.capturedEnd();
    }
    *url = filled + url->mid(done);
    return true;
}

} // namespace

bool serverUrl(Document &doc, const QJsonValue &servers, const QString &path, QUrl *out)
{
    if (!servers.isUndefined() && !servers.isArray())
        return doc.fail(path, QStringLiteral("an array of Server objects"), servers);
    if (servers.toArray().isEmpty())
        return doc.failText(path, QStringLiteral("none given, and the default server \"/\" ") +
                                      kNeedsBaseUrl);
    const QString first = indexPath(path, 0);
    const QJsonValue server = servers.toArray().first();
    if (!server.isObject())
        return doc.fail(first, QStringLiteral("a Server object"), server);
    const QJsonValue url = server.toObject().value(QStringLiteral("url"));
    const QString urlPath = childPath(first, QStringLiteral("url"));
    if (!url.isString())
        return doc.fail(urlPath, QStringLiteral("the server's URL"), url);
    QString text = url.toString();
    if (!fillVariables(doc, server.toObject(), first, &text))
        return false;
    const QUrl parsed(text);
    if (parsed.isRelative() || parsed.host().isEmpty())
        return doc.failText(urlPath, QStringLiteral("\"%1\" ").arg(text) + kNeedsBaseUrl);
    if (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))
        return doc.fail(urlPath, QStringLiteral("an http:// or https:// URL"), text);
    *out = parsed;
    return true;
}

} // namespace corslab::check::openapi
