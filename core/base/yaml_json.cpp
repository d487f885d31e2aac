#include "yaml_json.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <yaml-cpp/yaml.h>

namespace corslab::base {

namespace {

// Deep documents are refused rather than recursed into without end.
constexpr int kMaxDepth = 256;

QString markText(const YAML::Mark &mark)
{
    return QStringLiteral("line %1, column %2").arg(mark.line + 1).arg(mark.column + 1);
}

// YAML 1.2 core schema for a plain (unquoted) scalar.
QJsonValue plainScalar(const std::string &raw)
{
    const QString s = QString::fromStdString(raw);
    static const QRegularExpression nullRe(QStringLiteral("^(null|Null|NULL|~|)$"));
    static const QRegularExpression trueRe(QStringLiteral("^(true|True|TRUE)$"));
    static const QRegularExpression falseRe(QStringLiteral("^(false|False|FALSE)$"));
    static const QRegularExpression intRe(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression floatRe(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    if (nullRe.match(s).hasMatch())
        return QJsonValue(QJsonValue::Null);
    if (trueRe.match(s).hasMatch())
        return true;
    if (falseRe.match(s).hasMatch())
        return false;
    if (intRe.match(s).hasMatch() || floatRe.match(s).hasMatch())
        return s.toDouble();
    return s;
}

bool convert(const YAML::Node &node, int depth, QJsonValue *out, QString *error)
{
    if (depth > kMaxDepth) {
        *error = QStringLiteral("%1: nested more than %2 levels deep")
                     .arg(markText(node.Mark()))
                     .arg(kMaxDepth);
        return false;
    }
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        *out = QJsonValue(QJsonValue::Null);
        return true;
    case YAML::NodeType::Scalar:
        // A quoted scalar's tag is "!", a plain one's "?": only plain ones are resolved.
        *out = node.Tag() == "!" ? QJsonValue(QString::fromStdString(node.Scalar()))
                                 : plainScalar(node.Scalar());
        return true;
    case YAML::NodeType::Sequence: {
        QJsonArray array;
        for (const YAML::Node &item : node) {
            QJsonValue v;
            if (!convert(item, depth + 1, &v, error))
                return false;
            array.append(v);
        }
        *out = array;
        return true;
    }
    case YAML::NodeType::Map: {
        QJsonObject object;
        for (const auto &member : node) {
            if (!member.first.IsScalar()) {
                *error = QStringLiteral("%1: a mapping key must be a plain value, not a list or "
                                        "a mapping")
                             .arg(markText(member.first.Mark()));
                return false;
            }
            QJsonValue v;
            if (!convert(member.second, depth + 1, &v, error))
                return false;
            object.insert(QString::fromStdString(member.first.Scalar()), v);
        }
        *out = object;
        return true;
    }
    }
    return false;
}

} // namespace

bool parseYamlAsJson(const QByteArray &text, QJsonValue *out, QString *error)
{
    try {
        const std::vector<YAML::Node> documents = YAML::LoadAll(text.toStdString());
        if (documents.size() != 1) {
            *error =
                documents.empty()
                    ? QStringLiteral("the YAML is empty (expected one document)")
                    : QStringLiteral("expected one YAML document, found %1").arg(documents.size());
            return false;
        }
        return convert(documents.front(), 0, out, error);
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1: %2").arg(markText(e.mark), QString::fromStdString(e.msg));
        return false;
    }
}

bool looksLikeYaml(const QString &fileName, const QByteArray &text)
{
    const QString lower = fileName.toLower();
    if (lower.endsWith(QLatin1String(".yaml")) || lower.endsWith(QLatin1String(".yml")))
        return true;
    if (lower.endsWith(QLatin1String(".json")))
        return false;
    const QByteArray trimmed = text.trimmed();
    return !(trimmed.startsWith('{') || trimmed.startsWith('['));
}

} // namespace corslab::base
