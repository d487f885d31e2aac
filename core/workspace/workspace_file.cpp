#include "workspace_file.h"

#include "base/json_reader.h"
#include "session/session_journal.h"
#include "session/session_store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <functional>

namespace corslab::workspace {

namespace {

const QString kPolicyKey = QStringLiteral("policy");
const QString kRulesKey = QStringLiteral("overrideRules");

/// CorsPolicy::fromJson() ignores keys it does not know; in a session file a misspelt policy
/// field must not pass silently, so every key is checked against the shape a policy writes.
bool checkPolicyKeys(base::JsonReader &reader, const QJsonObject &object, const QJsonObject &shape,
                     const QString &field)
{
    if (!reader.checkKeys(object, field, shape.keys()))
        return false;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonValue expected = shape.value(it.key());
        if (expected.isObject() && it.value().isObject() &&
            !checkPolicyKeys(reader, it.value().toObject(), expected.toObject(),
                             field + QLatin1Char('.') + it.key()))
            return false;
    }
    return true;
}

bool readPolicy(const QJsonValue &value, const QString &field, policy::CorsPolicy *out,
                QString *error)
{
    base::JsonReader reader(error);
    if (!value.isObject())
        return reader.fail(field, QStringLiteral("a playground policy object (docs/policy.md)"),
                           value);
    if (!checkPolicyKeys(reader, value.toObject(), policy::CorsPolicy().toJson(), field))
        return false;
    QString why;
    if (!policy::CorsPolicy::fromJson(value.toObject(), out, &why)) {
        *error = field + QLatin1Char('.') + why;
        return false;
    }
    return true;
}

bool readRules(const QJsonValue &value, const QString &field, proxy::OverrideSet *out,
               QString *error)
{
    base::JsonReader reader(error);
    if (!value.isObject())
        return reader.fail(field,
                           QStringLiteral("a rules object {\"version\": 1, \"rules\": [...]} "
                                          "(docs/proxy-rules.md)"),
                           value);
    QString why;
    if (!proxy::OverrideSet::fromJson(QJsonDocument(value.toObject()), out, &why)) {
        *error = field + QLatin1Char('.') + why;
        return false;
    }
    return true;
}

// The checkers read the value as the conversion will (fromValues()), so what passes converts.
bool checkPolicy(const QJsonValue &value, const QString &field, QString *error)
{
    policy::CorsPolicy ignored;
    return readPolicy(value, field, &ignored, error);
}

bool checkRules(const QJsonValue &value, const QString &field, QString *error)
{
    proxy::OverrideSet ignored;
    return readRules(value, field, &ignored, error);
}

/// Runs \a read (a session reader given extensions()) and, when it succeeds, converts what it
/// read into \a workspace (may be null); on a failure \a workspace is left untouched.
bool readInto(Workspace *workspace,
              const std::function<bool(session::ExtensionValues *values)> &read)
{
    session::ExtensionValues values;
    if (!read(&values))
        return false;
    if (workspace)
        *workspace = fromValues(values);
    return true;
}

} // namespace

const session::SessionExtensions &extensions()
{
    static const session::SessionExtensions known = {{kPolicyKey, checkPolicy},
                                                     {kRulesKey, checkRules}};
    return known;
}

session::ExtensionValues toValues(const Workspace &workspace)
{
    session::ExtensionValues values;
    if (workspace.policy)
        values.append({kPolicyKey, workspace.policy->toJson()});
    if (workspace.rules)
        values.append({kRulesKey, workspace.rules->toJson().object()});
    return values;
}

Workspace fromValues(const session::ExtensionValues &values)
{
    Workspace workspace;
    QString error;
    const QJsonValue policy = session::extensionValue(values, kPolicyKey);
    policy::CorsPolicy p;
    if (!policy.isUndefined() && readPolicy(policy, kPolicyKey, &p, &error))
        workspace.policy = p;
    const QJsonValue rules = session::extensionValue(values, kRulesKey);
    proxy::OverrideSet set;
    if (!rules.isUndefined() && readRules(rules, kRulesKey, &set, &error))
        workspace.rules = set;
    return workspace;
}

session::WriteOptions writeOptions(const QString &createdBy, const Workspace &workspace)
{
    return session::WriteOptions{createdBy, toValues(workspace)};
}

bool write(const session::Session &session, QIODevice *device, QString *error,
           const QString &createdBy, const Workspace &workspace)
{
    return session::writeSession(session, device, error, writeOptions(createdBy, workspace));
}

bool writeFile(const session::Session &session, const QString &path, QString *error,
               const QString &createdBy, const Workspace &workspace)
{
    return session::writeSessionFile(session, path, error, writeOptions(createdBy, workspace));
}

bool readJson(const QByteArray &json, session::Session *session, Workspace *workspace,
              QString *error)
{
    return readInto(workspace, [&](session::ExtensionValues *values) {
        return session::readSession(json, session, extensions(), values, error);
    });
}

bool readFile(const QString &path, session::Session *session, Workspace *workspace, QString *error)
{
    return readInto(workspace, [&](session::ExtensionValues *values) {
        if (session::SessionStore::isStore(path))
            return session::SessionStore::open(path, session::SessionStore::Mode::ReadOnly, {},
                                               session, extensions(), values, nullptr, error);
        return session::readSessionFile(path, session, extensions(), values, error);
    });
}

bool parseJson(const QByteArray &json, session::SessionFile *out, Workspace *workspace,
               QString *error)
{
    if (!session::parseSessionJson(json, extensions(), out, error))
        return false;
    if (workspace)
        *workspace = fromValues(out->extensions);
    return true;
}

bool readJournal(const QByteArray &data, session::Session *session, Workspace *workspace,
                 QString *error, session::journal::ReadStats *stats)
{
    return readInto(workspace, [&](session::ExtensionValues *values) {
        return session::journal::read(data, session, extensions(), values, error, stats);
    });
}

bool recover(const QString &directory, session::Session *session, Workspace *workspace,
             QString *error)
{
    return readInto(workspace, [&](session::ExtensionValues *values) {
        return session::journal::recover(directory, session, extensions(), values, error);
    });
}

} // namespace corslab::workspace
