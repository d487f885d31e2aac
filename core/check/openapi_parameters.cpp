#include "openapi_parameters.h"

#include "openapi_values.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>
#include <algorithm>

namespace corslab::check::openapi {

namespace {

struct Parameter
{
    QString name;
    ParameterLocation in = ParameterLocation::Query;
    bool required = false;
    QJsonObject object; ///< the Parameter object, its $ref resolved
    QString path;       ///< where the object is written
};

const QList<QPair<QString, ParameterLocation>> kLocations = {
    {QStringLiteral("path"), ParameterLocation::Path},
    {QStringLiteral("query"), ParameterLocation::Query},
    {QStringLiteral("header"), ParameterLocation::Header},
    {QStringLiteral("cookie"), ParameterLocation::Cookie},
};

bool readParameter(Document &doc, const QJsonValue &value, const QString &path, Parameter *out)
{
    if (!doc.resolveObject(value, path, QStringLiteral("a Parameter object"), &out->object,
                           &out->path))
        return false;
    const QJsonValue name = out->object.value(QStringLiteral("name"));
    if (!name.isString() || name.toString().isEmpty())
        return doc.fail(childPath(out->path, QStringLiteral("name")),
                        QStringLiteral("the parameter's name"), name);
    out->name = name.toString();
    if (!doc.reader().choice(out->object.value(QStringLiteral("in")),
                             childPath(out->path, QStringLiteral("in")), kLocations, &out->in,
                             true))
        return false;
    const QJsonValue required = out->object.value(QStringLiteral("required"));
    if (!required.isUndefined() && !required.isBool())
        return doc.fail(childPath(out->path, QStringLiteral("required")),
                        QStringLiteral("true or false"), required);
    out->required = required.toBool() || out->in == ParameterLocation::Path;
    return true;
}

// Reads \a list into \a into; a parameter of the same name and location replaces the one there.
bool readList(Document &doc, const QJsonValue &list, const QString &path, QList<Parameter> *into)
{
    if (list.isUndefined())
        return true;
    if (!list.isArray())
        return doc.fail(path, QStringLiteral("an array of Parameter objects"), list);
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        Parameter parameter;
        if (!readParameter(doc, array.at(i), indexPath(path, i), &parameter))
            return false;
        const auto same = std::find_if(into->begin(), into->end(), [&](const Parameter &p) {
            return p.name == parameter.name && p.in == parameter.in;
        });
        if (same != into->end())
            *same = parameter;
        else
            into->append(parameter);
    }
    return true;
}

bool valueOf(Document &doc, const Parameter &parameter, QByteArray *text, QString *source)
{
    Example example;
    if (!exampleFor(doc, parameter.object, parameter.path, &example))
        return false;
    *text = parameterText(example.value);
    *source = example.source;
    return true;
}

bool fillPath(Document &doc, const QList<Parameter> &parameters, const QString &pathTemplate,
              RequestParts *parts)
{
    static const QRegularExpression variable(QStringLiteral("\\{([^{}]+)\\}"));
    QByteArray path;
    qsizetype done = 0;
    for (const auto &match : variable.globalMatch(pathTemplate)) {
        path += pathTemplate.mid(done, match.capturedStart() - done).toUtf8();
        done = match.capturedEnd();
        const QString name = match.captured(1);
        const auto described = std::find_if(parameters.begin(), parameters.end(), [&](auto &p) {
            return p.in == ParameterLocation::Path && p.name == name;
        });
        QByteArray text = QByteArrayLiteral("example");
        QString source = QStringLiteral("placeholder (no parameter describes it)");
        if (described != parameters.end() && !valueOf(doc, *described, &text, &source))
            return false;
        path += QUrl::toPercentEncoding(QString::fromUtf8(text));
        parts->notes << QStringLiteral("path parameter %1 from %2").arg(name, source);
    }
    parts->path = path + pathTemplate.mid(done).toUtf8();
    return true;
}

// OpenAPI: a header parameter named Accept, Content-Type or Authorization "SHALL be ignored"
// (the media types and security schemes say those).
bool ignoredHeader(const QString &name)
{
    return name.compare(QLatin1String("Accept"), Qt::CaseInsensitive) == 0 ||
           name.compare(QLatin1String("Content-Type"), Qt::CaseInsensitive) == 0 ||
           name.compare(QLatin1String("Authorization"), Qt::CaseInsensitive) == 0;
}

bool applyOther(Document &doc, const Parameter &parameter, RequestParts *parts)
{
    if (parameter.in == ParameterLocation::Cookie) {
        parts->notes << QStringLiteral("cookie parameter %1 not sent (a script cannot set "
                                       "Cookie; the browser sends its own cookies)")
                            .arg(parameter.name);
        return true;
    }
    if (!parameter.required)
        return true;
    if (parameter.in == ParameterLocation::Header && ignoredHeader(parameter.name)) {
        parts->notes << QStringLiteral("header parameter %1 ignored (OpenAPI ignores it)")
                            .arg(parameter.name);
        return true;
    }
    QByteArray text;
    QString source;
    if (!valueOf(doc, parameter, &text, &source))
        return false;
    if (parameter.in == ParameterLocation::Header) {
        parts->headers.append({parameter.name.toUtf8(), text});
        parts->notes << QStringLiteral("header %1 from %2").arg(parameter.name, source);
    } else {
        parts->query.append({QUrl::toPercentEncoding(parameter.name),
                             QUrl::toPercentEncoding(QString::fromUtf8(text))});
        parts->notes << QStringLiteral("query parameter %1 from %2").arg(parameter.name, source);
    }
    return true;
}

} // namespace

bool applyParameters(Document &doc, const ParameterLists &lists, const QString &pathTemplate,
                     RequestParts *parts)
{
    QList<Parameter> parameters;
    if (!readList(doc, lists.pathLevel, lists.pathLevelPath, &parameters) ||
        !readList(doc, lists.operationLevel, lists.operationLevelPath, &parameters))
        return false;
    if (!fillPath(doc, parameters, pathTemplate, parts))
        return false;
    for (const Parameter &parameter : std::as_const(parameters)) {
        if (parameter.in != ParameterLocation::Path && !applyOther(doc, parameter, parts))
            return false;
    }
    return true;
}

} // namespace corslab::check::openapi
