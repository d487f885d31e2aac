#pragma once

#include "http/http_message.h"
#include "string_pool.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <array>
#include <vector>

namespace corslab::session {

/// \brief Packs header lists into a few bytes each, keeping order, case and duplicates.
///
/// Names are interned. A whole header line (name and value) that repeats (User-Agent, Accept,
/// sec-ch-ua, a session cookie, Access-Control-Allow-Origin) is interned the second time it is
/// seen and then costs one or two bytes; values that never repeat (Date, X-Request-Id, ETag) are
/// stored inline, so the dictionary only grows with what repeats. Not thread-safe.
class HeaderPacker
{
public:
    HeaderPacker() { clear(); }

    /// Which kind of list is packed: each remembers its own recent lines (see m_recent).
    enum class Lane { Request, Response, UpstreamResponse };
    /// Appends the packed form of \a headers to \a out.
    void pack(const base::HeaderList &headers, QByteArray &out, Lane lane);
    /// Reads one packed list at \a p (advanced past it). Interned names and values come out as
    /// shared copies (no allocation).
    base::HeaderList unpack(const char *&p, const char *end) const;

    // The dictionaries as the session store's log keeps them: ids are dense and never reused.
    quint32 nameCount() const { return quint32(m_names.size()); }
    quint32 lineCount() const { return quint32(m_lines.size()); } ///< counting the unused id 0
    const StringPool &names() const { return m_names; }
    quint32 lineName(quint32 id) const { return m_lines.at(id).name; }
    const QByteArray &lineValue(quint32 id) const { return m_lines.at(id).value; }
    /// Appends names of ids \a first.. to \a out (StringPool::exportFrom()).
    void exportNamesFrom(quint32 first, QByteArray &out) const { m_names.exportFrom(first, out); }
    /// Appends lines of ids \a first.. to \a out: varint count, then each as varint name id,
    /// varint length and the value's bytes.
    void exportLinesFrom(quint32 first, QByteArray &out) const;
    /// Adds a name, then a line (\a name < nameCount()), as the next id; later pack() calls
    /// find them.
    void appendRestoredName(const QByteArray &name) { m_names.appendRestored(name); }
    void appendRestoredLine(quint32 name, const QByteArray &value);

    /// Interned names and lines, for memory figures.
    qint64 bytesUsed() const;
    void clear();

private:
    struct Line
    {
        quint32 name;
        QByteArray value;
    };
    quint32 findLine(quint32 name, QByteArrayView value, size_t hash) const;

    StringPool m_names;
    QList<Line> m_lines;
    QMultiHash<size_t, quint32> m_lineIds; ///< hash of (name id, value) -> line ids
    qint64 m_lineBytes = 0;
    /// Hashes of lines seen once: a line is interned the second time, so values that never
    /// repeat do not fill the dictionary. Fixed size; a collision only delays interning.
    std::vector<quint32> m_seen;
    /// The interned line packed last at each position of each lane (0: none). A browser sends
    /// its headers in the same order with mostly the same values, request after request, so
    /// comparing with the line at the same position usually finds the id with no hashing.
    static constexpr int kRecentPositions = 32;
    std::array<std::array<quint32, kRecentPositions>, 3> m_recent{};
    /// Then the interned line packed last with the same name (by a hash of the name alone): the
    /// same field usually has the same value whatever its position (another kind of request).
    static constexpr int kRecentNames = 256;
    std::array<std::array<quint32, kRecentNames>, 3> m_recentByName{};
    /// The line \a id when it is exactly \a name: \a value.
    bool isLine(quint32 id, const QByteArray &name, const QByteArray &value) const;
};

} // namespace corslab::session
