#include "openapi_security.h"

#include <QJsonArray>
#include <QUrl>

namespace corslab::check::openapi {

namespace {

// Placeholders, not secrets: the probe asks whether a browser may send credentials at all.
const QByteArray kToken = QByteArrayLiteral("corslab-placeholder-token");
const QByteArray kApiKey = QByteArrayLiteral("corslab-placeholder-key");
const QByteArray kBasicUser = QByteArrayLiteral("user:password");

const QList<QPair<QString, SchemeType>> kSchemeTypes = {
    {QStringLiteral("apiKey"), SchemeType::ApiKey},
    {QStringLiteral("http"), SchemeType::Http},
    {QStringLiteral("oauth2"), SchemeType::OAuth2},
    {QStringLiteral("openIdConnect"), SchemeType::OpenIdConnect},
    {QStringLiteral("mutualTLS"), SchemeType::MutualTls},
};

enum class KeyLocation { Header, Query, Cookie };

const QList<QPair<QString, KeyLocation>> kKeyLocations = {
    {QStringLiteral("header"), KeyLocation::Header},
    {QStringLiteral("query"), KeyLocation::Query},
    {QStringLiteral("cookie"), KeyLocation::Cookie},
};

void bearer(const QString &name, RequestParts *parts)
{
    parts->headers.append({QByteArrayLiteral("Authorization"), "Bearer " + kToken});
    parts->notes
        << QStringLiteral("Authorization from security scheme %1 (placeholder token)").arg(name);
}

bool applyHttp(Document &doc, const QJsonObject &scheme, const QString &name, const QString &path,
               RequestParts *parts)
{
    const QJsonValue kind = scheme.value(QStringLiteral("scheme"));
    if (!kind.isString())
        return doc.fail(childPath(path, QStringLiteral("scheme")),
                        QStringLiteral("an HTTP authentication scheme such as \"bearer\""), kind);
    const QString lower = kind.toString().toLower();
    if (lower == QLatin1String("bearer")) {
        bearer(name, parts);
    } else if (lower == QLatin1String("basic")) {
        parts->headers.append(
            {QByteArrayLiteral("Authorization"), "Basic " + kBasicUser.toBase64()});
        parts->notes << QStringLiteral("Authorization from security scheme %1 (placeholder "
                                       "user:password)")
                            .arg(name);
    } else {
        parts->notes << QStringLiteral("security scheme %1 (HTTP %2) not sent: only bearer and "
                                       "basic have a placeholder")
                            .arg(name, kind.toString());
    }
    return true;
}

bool applyApiKey(Document &doc, const QJsonObject &scheme, const QString &name, const QString &path,
                 RequestParts *parts)
{
    const QJsonValue keyName = scheme.value(QStringLiteral("name"));
    if (!keyName.isString() || keyName.toString().isEmpty())
        return doc.fail(childPath(path, QStringLiteral("name")),
                        QStringLiteral("the name of the API key's header, query parameter or "
                                       "cookie"),
                        keyName);
    KeyLocation in = KeyLocation::Header;
    if (!doc.reader().choice(scheme.value(QStringLiteral("in")),
                             childPath(path, QStringLiteral("in")), kKeyLocations, &in, true))
        return false;
    const QString key = keyName.toString();
    if (in == KeyLocation::Header) {
        parts->headers.append({key.toUtf8(), kApiKey});
        parts->notes
            << QStringLiteral("%1 from security scheme %2 (placeholder key)").arg(key, name);
    } else if (in == KeyLocation::Query) {
        parts->query.append({QUrl::toPercentEncoding(key), kApiKey});
        parts->notes << QStringLiteral("query parameter %1 from security scheme %2 (placeholder "
                                       "key)")
                            .arg(key, name);
    } else {
        parts->credentials = cors::CredentialsMode::Include;
        parts->notes << QStringLiteral("security scheme %1 wants cookie %2: not set (a script "
                                       "cannot), credentials 'include' sends the browser's")
                            .arg(name, key);
    }
    return true;
}

bool applyScheme(Document &doc, const QString &name, const QString &requirementPath,
                 RequestParts *parts)
{
    const QJsonObject schemes = doc.root()
                                    .value(QStringLiteral("components"))
                                    .toObject()
                                    .value(QStringLiteral("securitySchemes"))
                                    .toObject();
    if (!schemes.contains(name))
        return doc.fail(requirementPath,
                        QStringLiteral("the name of a scheme in components.securitySchemes"), name);
    QJsonObject scheme;
    QString path;
    if (!doc.resolveObject(schemes.value(name),
                           QStringLiteral("components.securitySchemes.") + name,
                           QStringLiteral("a Security Scheme object"), &scheme, &path))
        return false;
    SchemeType type = SchemeType::Http;
    if (!doc.reader().choice(scheme.value(QStringLiteral("type")),
                             childPath(path, QStringLiteral("type")), kSchemeTypes, &type, true))
        return false;
    switch (type) {
    case SchemeType::ApiKey:
        return applyApiKey(doc, scheme, name, path, parts);
    case SchemeType::Http:
        return applyHttp(doc, scheme, name, path, parts);
    case SchemeType::OAuth2:
    case SchemeType::OpenIdConnect:
        bearer(name, parts); // both end in an access token sent as a bearer token
        return true;
    case SchemeType::MutualTls:
        parts->notes << QStringLiteral("security scheme %1 (mutual TLS) not sent: a script "
                                       "cannot choose a client certificate")
                            .arg(name);
        return true;
    }
    return true;
}

} // namespace

bool applySecurity(Document &doc, const QJsonObject &operation, const QString &operationPath,
                   RequestParts *parts)
{
    const bool own = operation.contains(QStringLiteral("security"));
    const QString path =
        own ? childPath(operationPath, QStringLiteral("security")) : QStringLiteral("security");
    const QJsonValue security = own ? operation.value(QStringLiteral("security"))
                                    : doc.root().value(QStringLiteral("security"));
    if (security.isUndefined())
        return true;
    if (!security.isArray())
        return doc.fail(path, QStringLiteral("an array of Security Requirement objects"), security);
    const QJsonArray requirements = security.toArray();
    if (requirements.isEmpty())
        return true;
    const QString first = indexPath(path, 0);
    if (!requirements.first().isObject())
        return doc.fail(first, QStringLiteral("a Security Requirement object"),
                        requirements.first());
    const QJsonObject requirement = requirements.first().toObject();
    for (auto it = requirement.begin(); it != requirement.end(); ++it) {
        if (!applyScheme(doc, it.key(), first, parts))
            return false;
    }
    return true;
}

} // namespace corslab::check::openapi
