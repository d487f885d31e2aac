#pragma once

#include "base/header_list.h"
#include "base/json_reader.h"
#include "cors/scenario.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

/// What the OpenAPI readers share (internal to openapi_probes): the document with its `$ref`
/// resolution and its one error, field paths, and the parts of a request being built.
namespace corslab::check::openapi {

/// "paths./items" + "get" → "paths./items.get" (the empty path is the document itself).
QString childPath(const QString &path, const QString &key);
/// "parameters" + 2 → "parameters[2]".
QString indexPath(const QString &path, qsizetype index);

/// \brief The parsed description: follows local `$ref`s and records the first error.
///
/// Errors are worded by base::JsonReader ("<field path>: expected ..., got ...") so that they
/// read like every other input's of CORS Lab; the caller prefixes the file name.
class Document
{
public:
    Document(QJsonObject root, QString *error) : m_root(std::move(root)), m_reader(error) {}

    const QJsonObject &root() const { return m_root; }
    base::JsonReader &reader() { return m_reader; }
    bool fail(const QString &field, const QString &expected, const QJsonValue &got)
    {
        return m_reader.fail(field, expected, got);
    }
    bool failText(const QString &field, const QString &message)
    {
        return m_reader.failText(field, message);
    }

    /// Follows \a value's `$ref` chain (when it is a Reference Object) to what it names: sets
    /// \a out and \a outPath (the target's own field path, "components.parameters.Id", so later
    /// errors point where the bad field is written). Local references only ("#/..."); an
    /// external one, a missing target, a cycle or a chain longer than 64 fail naming \a path.
    bool resolve(const QJsonValue &value, const QString &path, QJsonValue *out, QString *outPath);
    /// resolve(), and the target must be an object (\a expected says what kind).
    bool resolveObject(const QJsonValue &value, const QString &path, const QString &expected,
                       QJsonObject *out, QString *outPath);

private:
    bool lookUp(const QString &ref, const QString &path, QJsonValue *out, QString *outPath);

    QJsonObject m_root;
    base::JsonReader m_reader;
};

/// A query parameter as it goes in the URL (already percent-encoded).
using QueryItem = QPair<QByteArray, QByteArray>;

/// The request of one operation while it is built, before the URL is put together.
struct RequestParts
{
    QByteArray path; ///< the path template with its parameters filled (percent-encoded)
    QList<QueryItem> query;
    base::HeaderList headers;
    QByteArray body;
    cors::CredentialsMode credentials = cors::CredentialsMode::SameOrigin;
    QStringList notes;
};

} // namespace corslab::check::openapi
