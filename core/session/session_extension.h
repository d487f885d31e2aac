#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace corslab::session {

/// \brief A top-level member of the session file that a module above the session owns (the
/// workspace's "policy" and "overrideRules"): the session store knows exchanges only, and
/// carries such a member without knowing what it means.
///
/// The member sits at the top level of a session file and in the recovery journal's settings
/// lines, after "bodyCap". A reader is given the extensions it knows: any other key is still
/// refused by name, so that a misspelt member never passes silently.
struct SessionExtension
{
    /// The member's key ("policy").
    QString key;
    /// Checks a value read from a file (never undefined or null: those mean "none" and are not
    /// checked). On a problem returns false with \a error naming the field from \a field, where
    /// the value is ("policy", or "settings.policy" in a journal): "policy.max_age: expected ...".
    std::function<bool(const QJsonValue &value, const QString &field, QString *error)> check;
};

/// The extensions a reader knows, in the order their keys are listed in its errors.
using SessionExtensions = QList<SessionExtension>;

/// \brief One extension member to write, or one read: its key and its JSON value.
struct ExtensionValue
{
    QString key;
    QJsonValue value; ///< written as compact JSON (no line break: a journal line holds it)

    friend bool operator==(const ExtensionValue &, const ExtensionValue &) = default;
};

/// Extension members in the order they are written (a writer gives them in its registered
/// order), or in the order of the known extensions when read.
using ExtensionValues = QList<ExtensionValue>;

/// The value of the member \a key in \a values; undefined when there is none.
QJsonValue extensionValue(const ExtensionValues &values, const QString &key);

/// \a value as compact JSON text, whatever its type (an object, an array, a string...).
QByteArray compactJson(const QJsonValue &value);

/// Reads the members of \a known from \a object into \a out (replacing its content, in the order
/// of \a known; absent or null members are left out), each checked by its extension; errors name
/// the field under \a parent ("settings.policy..."). Other keys are not checked.
bool extensionsFromJson(const QJsonObject &object, const QString &parent,
                        const SessionExtensions &known, ExtensionValues *out, QString *error);

/// The keys of \a known, in order.
QStringList extensionKeys(const SessionExtensions &known);

} // namespace corslab::session
