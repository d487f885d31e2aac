// The rules file (docs/proxy-rules.md): reading with errors that name the field, and writing.
#include "base/json_reader.h"
#include "override_rules.h"
#include "override_rules_check.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonParseError>

namespace corslab::proxy {

namespace {

const QStringList kTopKeys = {QStringLiteral("version"), QStringLiteral("rules")};
const QStringList kRuleKeys = {QStringLiteral("name"),
                               QStringLiteral("enabled"),
                               QStringLiteral("host"),
                               QStringLiteral("path"),
                               QStringLiteral("methods"),
                               QStringLiteral("policy"),
                               QStringLiteral("answer_preflights"),
                               QStringLiteral("remove"),
                               QStringLiteral("replace"),
                               QStringLiteral("set"),
                               QStringLiteral("add")};

bool readBool(base::JsonReader &r, const QJsonValue &value, const QString &field, bool *out)
{
    if (value.isUndefined())
        return true;
    if (!value.isBool())
        return r.fail(field, QStringLiteral("true or false"), value);
    *out = value.toBool();
    return true;
}

bool readString(base::JsonReader &r, const QJsonValue &value, const QString &field, QString *out)
{
    if (value.isUndefined())
        return true;
    if (!value.isString())
        return r.fail(field, QStringLiteral("a string"), value);
    *out = value.toString();
    return true;
}

bool readNames(base::JsonReader &r, const QJsonValue &value, const QString &field,
               QList<QByteArray> *out)
{
    QStringList names;
    if (!r.strings(value, field, &names))
        return false;
    for (const QString &name : names)
        out->append(name.toUtf8());
    return true;
}

/// CorsPolicy::fromJson() ignores keys it does not know; in a rules file a misspelt policy field
/// must not pass silently, so every key is checked against the shape the policy writes.
bool checkPolicyKeys(base::JsonReader &r, const QJsonObject &object, const QJsonObject &shape,
                     const QString &field)
{
    if (!r.checkKeys(object, field, shape.keys()))
        return false;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonValue expected = shape.value(it.key());
        if (expected.isObject() && it.value().isObject() &&
            !checkPolicyKeys(r, it.value().toObject(), expected.toObject(),
                             field + QLatin1Char('.') + it.key()))
            return false;
    }
    return true;
}

bool readPolicy(base::JsonReader &r, const QJsonValue &value, const QString &field, QString *error,
                std::optional<policy::CorsPolicy> *out)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (value.isString()) {
        *out = policy::CorsPolicy::preset(value.toString());
        if (!*out)
            return r.fail(field,
                          QStringLiteral("a preset name (%1)")
                              .arg(policy::CorsPolicy::presetNames().join(QStringLiteral(", "))),
                          value);
        return true;
    }
    if (!value.isObject())
        return r.fail(field,
                      QStringLiteral("a policy object (docs/policy.md) or a preset name such as "
                                     "\"Open public API\""),
                      value);
    if (!checkPolicyKeys(r, value.toObject(), policy::CorsPolicy().toJson(), field))
        return false;
    policy::CorsPolicy policy;
    QString policyError;
    if (!policy::CorsPolicy::fromJson(value.toObject(), &policy, &policyError)) {
        *error = field + QLatin1Char('.') + policyError;
        return false;
    }
    *out = policy;
    return true;
}

bool readRule(base::JsonReader &r, const QJsonValue &value, const QString &at, QString *error,
              OverrideRule *rule)
{
    if (!value.isObject())
        return r.fail(at,
                      QStringLiteral("a rule object {\"host\": ..., \"path\": ..., \"set\": "
                                     "[...], ...}"),
                      value);
    const QJsonObject o = value.toObject();
    const auto field = [&](const char *key) { return at + QLatin1Char('.') + QLatin1String(key); };
    const auto get = [&](const char *key) { return o.value(QLatin1String(key)); };
    return r.checkKeys(o, at, kRuleKeys) &&
           readString(r, get("name"), field("name"), &rule->name) &&
           readBool(r, get("enabled"), field("enabled"), &rule->enabled) &&
           readString(r, get("host"), field("host"), &rule->host) &&
           readString(r, get("path"), field("path"), &rule->path) &&
           readNames(r, get("methods"), field("methods"), &rule->methods) &&
           readPolicy(r, get("policy"), field("policy"), error, &rule->policy) &&
           readBool(r, get("answer_preflights"), field("answer_preflights"),
                    &rule->answerPreflights) &&
           readNames(r, get("remove"), field("remove"), &rule->remove) &&
           r.headerList(get("replace"), field("replace"), &rule->replace) &&
           r.headerList(get("set"), field("set"), &rule->set) &&
           r.headerList(get("add"), field("add"), &rule->add) && checkRule(*rule, at, &r);
}

QJsonArray headersToJson(const base::HeaderList &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return array;
}

QJsonArray namesToJson(const QList<QByteArray> &names)
{
    QJsonArray array;
    for (const QByteArray &name : names)
        array.append(QString::fromUtf8(name));
    return array;
}

} // namespace

bool OverrideSet::fromJson(const QJsonDocument &json, OverrideSet *out, QString *error,
                           const policy::DemoOrigins &origins)
{
    if (!json.isObject()) {
        *error = QStringLiteral("expected a JSON object {\"rules\": [...]} at the top level");
        return false;
    }
    base::JsonReader r(error);
    const QJsonObject top = json.object();
    if (!r.checkKeys(top, QString(), kTopKeys))
        return false;
    const QJsonValue version = top.value(QStringLiteral("version"));
    if (!version.isUndefined() && version != QJsonValue(1))
        return r.fail(QStringLiteral("version"), QStringLiteral("1"), version);
    const QJsonValue rulesValue = top.value(QStringLiteral("rules"));
    if (!rulesValue.isArray())
        return r.fail(QStringLiteral("rules"), QStringLiteral("an array of rule objects"),
                      rulesValue);
    const QJsonArray array = rulesValue.toArray();
    QList<OverrideRule> rules;
    for (qsizetype i = 0; i < array.size(); ++i) {
        OverrideRule rule;
        if (!readRule(r, array.at(i), QStringLiteral("rules[%1]").arg(i), error, &rule))
            return false;
        rules.append(rule);
    }
    return fromRules(rules, origins, out, error);
}

bool OverrideSet::fromJson(const QByteArray &text, OverrideSet *out, QString *error,
                           const policy::DemoOrigins &origins)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Line and column help more than a byte offset in a hand-written file.
        const QByteArray before = text.left(parseError.offset);
        *error = QStringLiteral("invalid JSON at line %1, column %2: %3")
                     .arg(before.count('\n') + 1)
                     .arg(before.size() - before.lastIndexOf('\n'))
                     .arg(parseError.errorString());
        return false;
    }
    return fromJson(doc, out, error, origins);
}

bool OverrideSet::loadFile(const QString &path, OverrideSet *out, QString *error,
                           const policy::DemoOrigins &origins)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    QString why;
    if (!fromJson(file.readAll(), out, &why, origins)) {
        *error = path + QStringLiteral(": ") + why;
        return false;
    }
    return true;
}

QJsonDocument OverrideSet::toJson() const
{
    QJsonArray rules;
    for (const OverrideRule &rule : m_rules) {
        QJsonObject o{{QStringLiteral("name"), rule.name},
                      {QStringLiteral("enabled"), rule.enabled},
                      {QStringLiteral("host"), rule.host},
                      {QStringLiteral("path"), rule.path}};
        if (!rule.methods.isEmpty())
            o.insert(QStringLiteral("methods"), namesToJson(rule.methods));
        if (rule.policy)
            o.insert(QStringLiteral("policy"), rule.policy->toJson());
        if (rule.answerPreflights)
            o.insert(QStringLiteral("answer_preflights"), true);
        if (!rule.remove.isEmpty())
            o.insert(QStringLiteral("remove"), namesToJson(rule.remove));
        if (!rule.replace.isEmpty())
            o.insert(QStringLiteral("replace"), headersToJson(rule.replace));
        if (!rule.set.isEmpty())
            o.insert(QStringLiteral("set"), headersToJson(rule.set));
        if (!rule.add.isEmpty())
            o.insert(QStringLiteral("add"), headersToJson(rule.add));
        rules.append(o);
    }
    return QJsonDocument(
        QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("rules"), rules}});
}

} // namespace corslab::proxy
