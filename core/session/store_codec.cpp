#include "store_codec.h"

#include "cors/cors_error.h"
#include "cors/scenario.h"
#include "varint.h"

#include <limits>

namespace corslab::session::store_codec {

namespace {

// A packed block is the URL plus headers; bodies live elsewhere. Anything larger is damage.
constexpr quint64 kMaxPacked = quint64(64) << 20;
constexpr quint64 kMaxU8 = std::numeric_limits<quint8>::max();
constexpr quint64 kMaxU16 = std::numeric_limits<quint16>::max();
constexpr quint64 kMaxU32 = std::numeric_limits<quint32>::max();
// A record's flags varint holds Record::flags in its low byte; this bit above them says that the
// browser's own verdict byte follows (records of older builds never have it).
constexpr quint64 kHasBrowserVerdict = quint64(1) << 8;

quint64 zigzag(qint64 v)
{
    return (quint64(v) << 1) ^ quint64(v >> 63);
}

// Times are written as the start plus offsets from it (a few bytes instead of six each).
// Unsigned arithmetic: wraps instead of overflowing on whatever a file holds.
qint64 offsetFrom(qint64 base, qint64 value)
{
    return qint64(quint64(value) - quint64(base));
}

qint64 addOffset(qint64 base, qint64 offset)
{
    return qint64(quint64(base) + quint64(offset));
}

void writeDerived(const ExchangeStore::Record &r, QByteArray &out)
{
    varint::append(out, quint64(r.kind));
    varint::append(out, r.evidence);
    varint::append(out, quint64(r.pairing));
    varint::append(out, r.paired);
    const VerdictSummary &v = r.verdict;
    varint::append(out, quint64(v.state));
    varint::append(out, v.error);
    varint::appendSigned(out, v.failedCheck);
    varint::append(out, v.assumptions);
    varint::append(out, v.credentials);
    varint::append(out, v.warnings);
}

void readDerived(Reader &in, ExchangeStore::Record &r)
{
    r.kind = ExchangeKind(in.upTo(quint64(ExchangeKind::Tunnel)));
    r.evidence = quint16(in.upTo(kMaxU16));
    r.pairing = PairingState(in.upTo(quint64(PairingState::NoPreflightSeen)));
    r.paired = quint32(in.upTo(kMaxU32));
    VerdictSummary &v = r.verdict;
    v.state = VerdictState(in.upTo(quint64(VerdictState::Unknown)));
    v.error = quint8(in.upTo(quint64(cors::CorsError::OpaqueRedirect)));
    const qint64 failedCheck = in.s();
    if (failedCheck < std::numeric_limits<qint8>::min() ||
        failedCheck > std::numeric_limits<qint8>::max())
        in.fail();
    v.failedCheck = qint8(failedCheck);
    v.assumptions = quint8(in.upTo(kMaxU8));
    v.credentials = quint8(in.upTo(quint64(cors::CredentialsMode::Include)));
    v.warnings = quint8(in.upTo(kMaxU8));
}

bool failed(QString *error, const QString &what)
{
    if (error)
        *error = what;
    return false;
}

} // namespace

quint64 Reader::slowU()
{
    quint64 value = 0;
    if (m_ok && !varint::tryRead(m_p, m_end, value))
        m_ok = false;
    return m_ok ? value : 0;
}

QByteArrayView Reader::bytes(quint64 size)
{
    if (!m_ok || size > quint64(m_end - m_p)) {
        m_ok = false;
        return {};
    }
    const QByteArrayView view(m_p, qsizetype(size));
    m_p += size;
    return view;
}

// Layout: seq, start time, first byte and end as offsets from it, method and origin ids, URL
// size, status, flags (with kHasBrowserVerdict: then the browser's verdict byte), the derived
// fields; then the packed block's size and bytes (a cut
// payload is then always detected).
void encodeRecord(quint64 seq, const ExchangeStore::Record &r, QByteArrayView packed,
                  QByteArray &out)
{
    varint::append(out, seq);
    varint::append(out, zigzag(r.startedAtMs));
    varint::append(out, zigzag(offsetFrom(r.startedAtMs, r.firstByteAtMs)));
    varint::append(out, zigzag(offsetFrom(r.startedAtMs, r.finishedAtMs)));
    varint::append(out, r.method);
    varint::append(out, r.origin);
    varint::append(out, r.urlSize);
    varint::append(out, r.status);
    varint::append(out, r.flags | (r.browserVerdict ? kHasBrowserVerdict : 0));
    if (r.browserVerdict)
        varint::append(out, r.browserVerdict);
    writeDerived(r, out);
    varint::append(out, quint64(packed.size()));
    out.append(packed);
}

bool decodeRecord(QByteArrayView payload, RecordPayload *out, QString *error)
{
    Reader in(payload);
    ExchangeStore::Record &r = out->record;
    r = ExchangeStore::Record{};
    out->seq = in.u();
    r.startedAtMs = in.s();
    r.firstByteAtMs = addOffset(r.startedAtMs, in.s());
    r.finishedAtMs = addOffset(r.startedAtMs, in.s());
    r.method = quint32(in.upTo(kMaxU32));
    r.origin = quint32(in.upTo(kMaxU32));
    r.urlSize = quint32(in.upTo(kMaxU32));
    r.status = quint16(in.upTo(kMaxU16));
    const quint64 flags = in.upTo(kHasBrowserVerdict | kMaxU8);
    r.flags = quint8(flags & kMaxU8);
    if (flags & kHasBrowserVerdict)
        r.browserVerdict = quint8(in.upTo(kMaxU8));
    readDerived(in, r);
    const quint64 packedSize = in.upTo(kMaxPacked);
    out->packed = in.bytes(packedSize);
    if (!in.ok() || !in.atEnd())
        return failed(error, QStringLiteral("exchange record: truncated or out of range"));
    if (r.urlSize > packedSize)
        return failed(error, QStringLiteral("exchange record: URL larger than its block"));
    return true;
}

void encodeDerived(quint64 seq, const ExchangeStore::Record &r, QByteArray &out)
{
    varint::append(out, seq);
    varint::append(out, r.flags & kDerivedFlags);
    writeDerived(r, out);
}

bool decodeDerived(QByteArrayView payload, quint64 *seq, ExchangeStore::Record *out, QString *error)
{
    Reader in(payload);
    *seq = in.u();
    const auto flags = quint8(in.upTo(kDerivedFlags));
    ExchangeStore::Record r = *out;
    readDerived(in, r);
    if (!in.ok() || !in.atEnd())
        return failed(error, QStringLiteral("exchange patch: truncated or out of range"));
    r.flags = quint8((r.flags & ~kDerivedFlags) | (flags & kDerivedFlags));
    *out = r;
    return true;
}

void copyDerived(const ExchangeStore::Record &from, ExchangeStore::Record &to)
{
    to.kind = from.kind;
    to.evidence = from.evidence;
    to.pairing = from.pairing;
    to.paired = from.paired;
    to.verdict = from.verdict;
    to.flags = quint8((to.flags & ~kDerivedFlags) | (from.flags & kDerivedFlags));
}

namespace {

// Each dictionary: varint first id, varint count, the entries. Every entry takes at least one
// byte, so a count larger than what is left is damage (and never a huge allocation).
bool readDictHeader(Reader &in, quint32 *first, quint64 *count)
{
    const quint64 start = in.upTo(kMaxU32);
    *count = in.u();
    *first = quint32(start);
    return in.ok() && *count <= quint64(in.left()) && start + *count <= kMaxU32;
}

bool readValues(Reader &in, quint32 *first, QList<QByteArrayView> *values)
{
    quint64 count = 0;
    if (!readDictHeader(in, first, &count))
        return false;
    values->reserve(qsizetype(count));
    for (quint64 i = 0; i < count && in.ok(); ++i)
        values->append(in.sized());
    return in.ok();
}

bool readLines(Reader &in, quint32 *first, QList<DictDelta::Line> *lines)
{
    quint64 count = 0;
    if (!readDictHeader(in, first, &count))
        return false;
    lines->reserve(qsizetype(count));
    for (quint64 i = 0; i < count && in.ok(); ++i) {
        DictDelta::Line line;
        line.name = quint32(in.upTo(kMaxU32));
        line.value = in.sized();
        lines->append(line);
    }
    return in.ok();
}

} // namespace

bool decodeDictDelta(QByteArrayView payload, DictDelta *out, QString *error)
{
    Reader in(payload);
    *out = DictDelta{};
    if (!readValues(in, &out->firstString, &out->strings) ||
        !readValues(in, &out->firstName, &out->names) ||
        !readLines(in, &out->firstLine, &out->lines) || !in.atEnd())
        return failed(error, QStringLiteral("dictionary delta: truncated or malformed"));
    return true;
}

} // namespace corslab::session::store_codec
