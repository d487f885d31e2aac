// Contract files: the text's format decided, parsed into the JSON tree, read by contract_json.
#include "contract_file.h"

#include "base/yaml_json.h"
#include "contract_json.h"
#include "ordered_json.h"
#include "yaml_writer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace corslab::check {

namespace {

bool parseTree(const QByteArray &text, const QString &fileName, QJsonValue *tree, QString *error)
{
    if (base::looksLikeYaml(fileName, text))
        return base::parseYamlAsJson(text, tree, error);
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not valid JSON at offset %1: %2")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return false;
    }
    *tree = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    return true;
}

} // namespace

bool readContract(const QByteArray &text, const QString &fileName, Contract *out, QString *error)
{
    QString why;
    QJsonValue tree;
    if (!parseTree(text, fileName, &tree, &why) || !contractFromJson(tree, out, &why)) {
        if (error)
            *error = fileName + QStringLiteral(": ") + why;
        return false;
    }
    return true;
}

bool readContractFile(const QString &path, Contract *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    return readContract(file.readAll(), path, out, error);
}

QByteArray writeContract(const Contract &contract, ContractFormat format)
{
    const QJsonObject tree = contractToJson(contract);
    if (format == ContractFormat::Yaml)
        return yamlText(tree, contractKeyOrder());
    return orderedJsonText(tree, contractKeyOrder());
}

ContractFormat contractFormatFor(const QString &fileName)
{
    const QString lower = fileName.toLower();
    return lower.endsWith(QLatin1String(".yaml")) || lower.endsWith(QLatin1String(".yml"))
               ? ContractFormat::Yaml
               : ContractFormat::Json;
}

} // namespace corslab::check
