#include "header_packer.h"

#include "varint.h"

namespace corslab::session {

namespace {
constexpr size_t kSeenSlots = 1 << 16;
// Longer values are never interned: they are rare, and a dictionary of them would cost more
// than it saves.
constexpr qsizetype kMaxInternedValue = 8192;

size_t lineHash(quint32 name, QByteArrayView value)
{
    return fastHash(value) * 0x9e3779b97f4a7c15ULL + name;
}
} // namespace

// Layout: varint count, then per header a varint tag. Even tag: an interned line (tag >> 1).
// Odd tag: name id (tag >> 1), then varint length and the value's bytes.
void HeaderPacker::pack(const base::HeaderList &headers, QByteArray &out, Lane lane)
{
    varint::append(out, quint64(headers.size()));
    std::array<quint32, kRecentPositions> &recent = m_recent[size_t(lane)];
    std::array<quint32, kRecentNames> &recentByName = m_recentByName[size_t(lane)];
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const auto &h = headers[i];
        quint32 *same = i < kRecentPositions ? &recent[size_t(i)] : nullptr;
        if (same && isLine(*same, h.first, h.second)) {
            varint::append(out, quint64(*same) << 1);
            continue;
        }
        quint32 &sameName = recentByName[fastHash(h.first) & (kRecentNames - 1)];
        if (isLine(sameName, h.first, h.second)) {
            if (same)
                *same = sameName;
            varint::append(out, quint64(sameName) << 1);
            continue;
        }
        const quint32 name = m_names.intern(h.first);
        const QByteArray &value = h.second;
        if (value.size() <= kMaxInternedValue) {
            const size_t hash = lineHash(name, value);
            quint32 id = findLine(name, value, hash);
            if (id == 0) {
                const auto tag = quint32(hash >> 32) | 1;
                quint32 &slot = m_seen[hash & (kSeenSlots - 1)];
                if (slot == tag) {
                    id = quint32(m_lines.size());
                    m_lines.append({name, QByteArray(value.constData(), value.size())});
                    m_lineIds.insert(hash, id);
                    m_lineBytes += value.size();
                } else {
                    slot = tag;
                }
            }
            if (same)
                *same = id;
            if (id != 0)
                sameName = id;
            if (id != 0) {
                varint::append(out, quint64(id) << 1);
                continue;
            }
        }
        varint::append(out, (quint64(name) << 1) | 1);
        varint::append(out, quint64(value.size()));
        out.append(value);
    }
}

base::HeaderList HeaderPacker::unpack(const char *&p, const char *end) const
{
    base::HeaderList headers;
    const quint64 count = varint::read(p, end);
    headers.reserve(qsizetype(qMin<quint64>(count, 4096)));
    for (quint64 i = 0; i < count && p < end; ++i) {
        const quint64 tag = varint::read(p, end);
        if (!(tag & 1)) {
            const quint64 id = tag >> 1;
            if (id == 0 || id >= quint64(m_lines.size()))
                break;
            const Line &line = m_lines.at(qsizetype(id));
            headers.append({m_names.value(line.name), line.value});
            continue;
        }
        const quint64 name = tag >> 1;
        const quint64 length = varint::read(p, end);
        if (name >= quint64(m_names.size()) || length > quint64(end - p))
            break;
        headers.append({m_names.value(quint32(name)), QByteArray(p, qsizetype(length))});
        p += length;
    }
    return headers;
}

bool HeaderPacker::isLine(quint32 id, const QByteArray &name, const QByteArray &value) const
{
    if (id == 0)
        return false;
    const Line &line = m_lines.at(id);
    return line.value == value && m_names.value(line.name) == name;
}

quint32 HeaderPacker::findLine(quint32 name, QByteArrayView value, size_t hash) const
{
    for (auto it = m_lineIds.constFind(hash); it != m_lineIds.constEnd() && it.key() == hash;
         ++it) {
        const Line &line = m_lines.at(*it);
        if (line.name == name && line.value == value)
            return *it;
    }
    return 0;
}

void HeaderPacker::exportLinesFrom(quint32 first, QByteArray &out) const
{
    const qsizetype from = std::min<qsizetype>(first, m_lines.size());
    varint::append(out, quint64(m_lines.size() - from));
    for (qsizetype id = from; id < m_lines.size(); ++id) {
        const Line &line = m_lines.at(id);
        varint::append(out, line.name);
        varint::append(out, quint64(line.value.size()));
        out.append(line.value);
    }
}

void HeaderPacker::appendRestoredLine(quint32 name, const QByteArray &value)
{
    const auto id = quint32(m_lines.size());
    m_lines.append({name, QByteArray(value.constData(), value.size())});
    m_lineIds.insert(lineHash(name, value), id);
    m_lineBytes += value.size();
}

qint64 HeaderPacker::bytesUsed() const
{
    return m_names.bytesUsed() + m_lineBytes + m_lines.size() * (24 + 8 + 48);
}

void HeaderPacker::clear()
{
    m_names.clear();
    m_lines = {Line{0, {}}}; // id 0 means "not interned"
    m_lineIds.clear();
    m_lineBytes = 0;
    m_seen.assign(kSeenSlots, 0);
    m_recent = {};
    m_recentByName = {};
}

} // namespace corslab::session
