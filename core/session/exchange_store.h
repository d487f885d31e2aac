#pragma once

#include "byte_arena.h"
#include "captured_exchange.h"
#include "exchange_classifier.h"
#include "exchange_evaluator.h"
#include "header_packer.h"
#include "preflight_pairing.h"
#include "string_pool.h"

#include <QSet>
#include <memory>
#include <vector>

namespace corslab::session {

/// \brief The memory of a session: per exchange one fixed-size Record with what the exchange
/// table shows and filters on, everything else packed into an arena, bodies into another.
///
/// About 80 bytes of record plus the packed headers (repeated header lines cost a byte or two)
/// and the URL: a few hundred bytes for a typical browser exchange instead of the ~3 KB a
/// CapturedExchange takes. Records live in fixed blocks, so growing never copies the old ones.
/// Not thread-safe: Session locks around it.
class ExchangeStore
{
public:
    /// Record::flags bits.
    enum Flag : quint8 {
        Failed = 1 << 0,
        Overridden = 1 << 1,
        AnsweredLocally = 1 << 2,
        IsTunnel = 1 << 3,
        NeedsPreflight = 1 << 4,
        CredentialsKnown = 1 << 5,    ///< CapturedExchange::credentialsIncluded is set...
        CredentialsIncluded = 1 << 6, ///< ...to true
    };

    struct Record
    {
        qint64 startedAtMs = 0;
        qint64 firstByteAtMs = 0;
        qint64 finishedAtMs = 0;
        ByteArena::Ref packed; ///< the URL (urlSize bytes), then the rest (see exchange_store.cpp)
        quint32 urlSize = 0;
        quint32 method = 0; ///< strings() ids
        quint32 origin = 0; ///< the Origin header, 0 when none
        quint32 paired = 0; ///< index + 1 of the linked exchange (actual: its preflight;
                            ///< preflight: its first actual request), 0 when none
        quint16 status = 0;
        quint16 evidence = 0; ///< Classification::evidence
        ExchangeKind kind = ExchangeKind::NoCors;
        PairingState pairing = PairingState::None;
        quint8 flags = 0;
        VerdictSummary verdict;
    };

    ExchangeStore();

    qsizetype size() const { return m_size; }
    /// Packs \a exchange (bodies cut to bodyCap()) and returns its index. Derived fields (kind,
    /// pairing, verdict) are left for the session to fill.
    qsizetype add(const CapturedExchange &exchange);
    const Record &record(qsizetype index) const
    {
        return m_blocks[size_t(index >> kBlockBits)][index & (kBlockSize - 1)];
    }
    Record &record(qsizetype index)
    {
        return m_blocks[size_t(index >> kBlockBits)][index & (kBlockSize - 1)];
    }
    QByteArrayView url(qsizetype index) const
    {
        return m_packed.view(record(index).packed).first(record(index).urlSize);
    }
    const QByteArray &method(qsizetype index) const
    {
        return m_strings.value(record(index).method);
    }
    const QByteArray &origin(qsizetype index) const
    {
        return m_strings.value(record(index).origin);
    }
    /// The exchange as captured (bodies as stored, at most bodyCap() bytes each).
    CapturedExchange decode(qsizetype index, bool withBodies = true) const;

    /// Interned strings (methods, origins, addresses...): the distinct origins for a filter.
    const StringPool &strings() const { return m_strings; }
    /// The distinct Origin headers seen, in order of first appearance (strings() ids).
    const QList<quint32> &origins() const { return m_origins; }

    qint64 bodyCap() const { return m_bodyCap; }
    void setBodyCap(qint64 bytes) { m_bodyCap = bytes; }

    struct Memory
    {
        qint64 records = 0;      ///< the fixed-size records
        qint64 packed = 0;       ///< URLs, headers and the rest, packed
        qint64 bodies = 0;       ///< stored bodies
        qint64 dictionaries = 0; ///< interned strings and header lines
        qint64 total() const { return records + packed + bodies + dictionaries; }
    };
    Memory memory() const;

    void clear();

private:
    static constexpr int kBlockBits = 12;
    static constexpr qsizetype kBlockSize = qsizetype(1) << kBlockBits;

    void packBody(const CapturedBody &body, QByteArray &out);
    CapturedBody unpackBody(const char *&p, const char *end, bool withBody) const;

    std::vector<std::unique_ptr<Record[]>> m_blocks;
    qsizetype m_size = 0;
    ByteArena m_packed;
    ByteArena m_bodies;
    StringPool m_strings;
    QList<quint32> m_origins;
    QSet<quint32> m_originSet;
    HeaderPacker m_headers;
    qint64 m_bodyCap = 64 * 1024;
    QByteArray m_scratch; ///< reused packing buffer: no allocation per exchange
};

} // namespace corslab::session
