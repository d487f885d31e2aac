// ExchangeStore's side of the session store's log: records, derived fields and dictionary growth
// as bytes, and back (the payload layouts are in store_codec.cpp).
#include "exchange_store.h"
#include "store_codec.h"
#include "varint.h"

namespace corslab::session {

namespace {

bool failed(QString *error, const QString &what)
{
    if (error)
        *error = what;
    return false;
}

// Entries from \a first on extend a dictionary of \a have entries: no gap, and those it already
// has must be equal (\a same(id, i) compares entry i of the delta with id).
template<typename Same>
bool extendsDictionary(quint32 first, qsizetype count, quint32 have, Same same)
{
    if (first > have)
        return false;
    for (qsizetype i = 0; i < count && quint64(first) + quint64(i) < have; ++i) {
        if (!same(quint32(first + quint64(i)), i))
            return false;
    }
    return true;
}

} // namespace

ExchangeStore::DictMark ExchangeStore::dictMark() const
{
    return {quint32(m_strings.size()), m_headers.nameCount(), m_headers.lineCount()};
}

// Layout: per dictionary (strings, header names, header lines) the first id, then the entries
// as StringPool::exportFrom() and HeaderPacker::exportLinesFrom() write them. Id 0 of each is
// built in, so a delta starts at 1 at the earliest.
QByteArray ExchangeStore::dictDelta(DictMark from) const
{
    const DictMark to = dictMark();
    auto start = [](quint32 mark, quint32 size) { return std::clamp<quint32>(mark, 1, size); };
    QByteArray out;
    const quint32 strings = start(from.strings, to.strings);
    varint::append(out, strings);
    m_strings.exportFrom(strings, out);
    const quint32 names = start(from.headerNames, to.headerNames);
    varint::append(out, names);
    m_headers.exportNamesFrom(names, out);
    const quint32 lines = start(from.headerLines, to.headerLines);
    varint::append(out, lines);
    m_headers.exportLinesFrom(lines, out);
    return out;
}

bool ExchangeStore::applyDictDelta(QByteArrayView payload, QString *error)
{
    store_codec::DictDelta d;
    if (!store_codec::decodeDictDelta(payload, &d, error))
        return false;
    // Checked whole before anything is added: a delta applies entirely or not at all.
    const DictMark have = dictMark();
    const bool stringsFit =
        extendsDictionary(d.firstString, d.strings.size(), have.strings, [&](quint32 id, auto i) {
            return m_strings.value(id) == d.strings.at(i);
        });
    const bool namesFit =
        extendsDictionary(d.firstName, d.names.size(), have.headerNames, [&](quint32 id, auto i) {
            return m_headers.names().value(id) == d.names.at(i);
        });
    const quint64 namesAfter =
        std::max<quint64>(have.headerNames, quint64(d.firstName) + quint64(d.names.size()));
    bool linesFit =
        extendsDictionary(d.firstLine, d.lines.size(), have.headerLines, [&](quint32 id, auto i) {
            return m_headers.lineName(id) == d.lines.at(i).name &&
                   m_headers.lineValue(id) == d.lines.at(i).value;
        });
    for (const store_codec::DictDelta::Line &line : d.lines)
        linesFit = linesFit && line.name < namesAfter;
    if (!stringsFit || !namesFit || !linesFit)
        return failed(error, QStringLiteral("dictionary delta: a gap or a different entry"));

    for (qsizetype i = qsizetype(have.strings - d.firstString); i < d.strings.size(); ++i)
        m_strings.appendRestored(d.strings.at(i).toByteArray());
    for (qsizetype i = qsizetype(have.headerNames - d.firstName); i < d.names.size(); ++i)
        m_headers.appendRestoredName(d.names.at(i).toByteArray());
    for (qsizetype i = qsizetype(have.headerLines - d.firstLine); i < d.lines.size(); ++i)
        m_headers.appendRestoredLine(d.lines.at(i).name, d.lines.at(i).value.toByteArray());
    return true;
}

void ExchangeStore::encodeRecord(qsizetype index, QByteArray &out) const
{
    const Record &r = record(index);
    store_codec::encodeRecord(seqOf(index), r, m_packed.view(r.packed), out);
}

bool ExchangeStore::restoreRecord(QByteArrayView payload, QString *error)
{
    store_codec::RecordPayload in;
    if (!store_codec::decodeRecord(payload, &in, error))
        return false;
    if (m_size > 0 && in.seq != seqOf(m_size))
        return failed(error, QStringLiteral("exchange record: seq %1 where %2 was expected")
                                 .arg(in.seq)
                                 .arg(seqOf(m_size)));
    if (in.record.method >= quint64(m_strings.size()) ||
        in.record.origin >= quint64(m_strings.size()))
        return failed(error, QStringLiteral("exchange record: a string the dictionary lacks"));
    if (m_size == 0)
        m_firstSeq = in.seq;
    Record &r = appendSlot();
    r = in.record;
    r.packed = m_packed.append(in.packed, in.seq);
    noteOrigin(r.origin);
    return true;
}

void ExchangeStore::encodeDerived(qsizetype index, QByteArray &out) const
{
    store_codec::encodeDerived(seqOf(index), record(index), out);
}

bool ExchangeStore::applyDerived(QByteArrayView payload, QString *error)
{
    quint64 seq = 0;
    Record derived;
    if (!store_codec::decodeDerived(payload, &seq, &derived, error))
        return false;
    if (seq < m_firstSeq)
        return true; // dropped since: nothing to change
    const qsizetype index = indexOfSeq(seq);
    if (index < 0)
        return failed(error, QStringLiteral("exchange patch: seq %1 not there yet").arg(seq));
    store_codec::copyDerived(derived, record(index));
    return true;
}

} // namespace corslab::session
