#pragma once

#include "fast_hash.h"

#include <QByteArray>
#include <QHash>
#include <QList>

namespace corslab::session {

/// \brief Interned byte strings: each distinct value is stored once and named by a 32-bit id.
///
/// A capture repeats the same few methods, origins, addresses and header names millions of
/// times; an id costs 4 bytes where a QByteArray costs 24 plus its heap block. Id 0 is the empty
/// string. Not thread-safe (the session locks around it).
class StringPool
{
public:
    StringPool() { clear(); }

    /// The id of \a value, adding it when it is new.
    quint32 intern(const QByteArray &value);
    /// The value of \a id (a shared copy costs no allocation).
    const QByteArray &value(quint32 id) const { return m_values.at(id); }
    /// value() for an id that may be anything (read from disk): empty when out of range.
    const QByteArray &checkedValue(quint64 id) const
    {
        return id < quint64(m_values.size()) ? m_values.at(qsizetype(id)) : m_values.at(0);
    }
    qsizetype size() const { return m_values.size(); }

    /// Appends the values of ids \a first.. to \a out: varint count, then each as varint length
    /// and bytes (the session store's dictionary log).
    void exportFrom(quint32 first, QByteArray &out) const;
    /// Adds \a value as the next id, as a dictionary restored from the log has it (no lookup:
    /// the log comes from intern(), which never adds a value twice).
    void appendRestored(const QByteArray &value);

    /// Bytes held, for memory figures (values plus an estimate of the hash table).
    qint64 bytesUsed() const { return m_bytes + m_values.size() * 64; }
    void clear();

private:
    QList<QByteArray> m_values;
    QHash<BytesKey, quint32> m_ids; ///< keys share their data with m_values
    qint64 m_bytes = 0;
};

} // namespace corslab::session
