#pragma once

#include "exchange_store.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

/// The payloads of the session store's log that come from ExchangeStore (docs/session-format.md):
/// a record with its packed block, a record's derived fields, a dictionary delta. Pure functions
/// over bytes: decoding checks every length and enum, since the bytes come from disk.
namespace corslab::session::store_codec {

/// Reads varints and byte runs without ever going past the end: after the first failure ok()
/// is false and every read returns 0 or empty.
class Reader
{
public:
    explicit Reader(QByteArrayView bytes) : m_p(bytes.data()), m_end(bytes.data() + bytes.size()) {}
    // Inline with a one-byte fast path: a store's replay reads tens of millions of these.
    quint64 u()
    {
        if (m_ok && m_p < m_end && quint8(*m_p) < kContinuation)
            return quint8(*m_p++);
        return slowU();
    }
    qint64 s()
    {
        const quint64 v = u();
        return qint64(v >> 1) ^ -qint64(v & 1);
    }
    /// A value that must fit in \a max (an enum, a 16-bit field); failure when it does not.
    quint64 upTo(quint64 max)
    {
        const quint64 v = u();
        if (v > max)
            m_ok = false;
        return m_ok ? v : 0;
    }
    /// The next \a size bytes.
    QByteArrayView bytes(quint64 size);
    /// A varint length, then that many bytes.
    QByteArrayView sized() { return bytes(u()); }
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }
    qsizetype left() const { return qsizetype(m_end - m_p); }
    void fail() { m_ok = false; }

private:
    static constexpr quint8 kContinuation = 0x80; ///< a varint byte with more bytes after it
    quint64 slowU();

    const char *m_p;
    const char *m_end;
    bool m_ok = true;
};

/// A record payload, decoded: the Record's fields (`packed` unset) and its packed bytes.
struct RecordPayload
{
    quint64 seq = 0;
    ExchangeStore::Record record;
    QByteArrayView packed; ///< points into the payload
};
void encodeRecord(quint64 seq, const ExchangeStore::Record &record, QByteArrayView packed,
                  QByteArray &out);
/// False with \a error when the payload is short, too long, or a field is out of its range.
bool decodeRecord(QByteArrayView payload, RecordPayload *out, QString *error);

/// The fields the session derives after capture and may change later (re-judging).
void encodeDerived(quint64 seq, const ExchangeStore::Record &record, QByteArray &out);
/// Sets the derived fields of \a out (the others stay) from \a payload.
bool decodeDerived(QByteArrayView payload, quint64 *seq, ExchangeStore::Record *out,
                   QString *error);
/// The Record::flags bits that are derived (the others are the capture's and never change).
constexpr quint8 kDerivedFlags = ExchangeStore::NeedsPreflight;
/// Copies the derived fields (and derived flags) of \a from to \a to.
void copyDerived(const ExchangeStore::Record &from, ExchangeStore::Record &to);

/// A dictionary delta, decoded: per dictionary the first id and the values from there on.
struct DictDelta
{
    struct Line
    {
        quint32 name = 0;
        QByteArrayView value;
    };
    quint32 firstString = 0;
    QList<QByteArrayView> strings;
    quint32 firstName = 0;
    QList<QByteArrayView> names;
    quint32 firstLine = 0;
    QList<Line> lines;
};
/// False with \a error when malformed (lengths past the end, ids beyond 32 bits, bytes left).
bool decodeDictDelta(QByteArrayView payload, DictDelta *out, QString *error);

} // namespace corslab::session::store_codec
