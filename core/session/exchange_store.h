#pragma once

#include "body_ref.h"
#include "byte_arena.h"
#include "captured_exchange.h"
#include "exchange_classifier.h"
#include "exchange_evaluator.h"
#include "header_packer.h"
#include "preflight_pairing.h"
#include "string_pool.h"

#include <QSet>
#include <deque>
#include <memory>
#include <optional>

namespace corslab::session {

/// \brief Where an ExchangeStore puts bodies instead of its own memory: the session store's
/// bodies files (SessionStore). Both calls may come from different threads.
class BodySink
{
public:
    virtual ~BodySink() = default;
    /// Keeps \a bytes, the stored part of a body of exchange \a seq: where it went, or none when
    /// it could not be kept (the disk failed or is behind; the sink counts it).
    virtual std::optional<BodyRef> put(quint64 seq, const QByteArray &bytes) = 0;
    /// Which bodies refs name now. A new value when refs looked up before may name other bodies:
    /// a Clear starts the store over and seqs restart at 0 at the same places.
    virtual quint64 generation() const = 0;
    /// Reads back the \a size bytes put at \a ref for exchange \a seq, \a ref looked up in
    /// \a generation. Thread-safe. False with \a error when they cannot be read whole and intact
    /// or the generation has passed (never wrong bytes).
    virtual bool get(BodyRef ref, quint64 generation, quint64 seq, qsizetype size,
                     QByteArray *bytes, QString *error) const = 0;
};

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
        BodiesDropped = 1 << 7,       ///< a body was not kept: the BodySink could not take it
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
        quint32 paired = 0; ///< seq + 1 of the linked exchange (actual: its preflight;
                            ///< preflight: its first actual request), 0 when none
        quint16 status = 0;
        quint16 evidence = 0; ///< Classification::evidence
        ExchangeKind kind = ExchangeKind::NoCors;
        PairingState pairing = PairingState::None;
        quint8 flags = 0;
        quint8 browserVerdict = 0; ///< the browser's own verdict (browser_verdict::code())
        VerdictSummary verdict;
    };

    ExchangeStore();

    /// Exchanges held: indexes 0..size()-1. Index 0 is the oldest one still held, which is seq
    /// firstSeq() (the capture number, counted from 0, never reused; dropFront() raises it).
    qsizetype size() const { return m_size; }
    quint64 firstSeq() const { return m_firstSeq; }
    quint64 seqOf(qsizetype index) const { return m_firstSeq + quint64(index); }
    /// The index of \a seq, -1 when it was dropped or is not there yet.
    qsizetype indexOfSeq(quint64 seq) const;

    /// Packs \a exchange (bodies cut to bodyCap()) and returns its index. Derived fields (kind,
    /// pairing, verdict) are left for the session to fill.
    qsizetype add(const CapturedExchange &exchange);
    const Record &record(qsizetype index) const
    {
        const qsizetype at = index + m_frontSkip;
        return m_blocks[size_t(at >> kBlockBits)][at & (kBlockSize - 1)];
    }
    Record &record(qsizetype index)
    {
        const qsizetype at = index + m_frontSkip;
        return m_blocks[size_t(at >> kBlockBits)][at & (kBlockSize - 1)];
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
    /// Bodies decode() left for loadBodies(), to be read outside the session's lock.
    struct DeferredBodies
    {
        quint64 seq = 0;
        quint64 generation = 0; ///< the sink's when decoded: a Clear since makes the refs stale
        std::optional<BodyRef> request;
        std::optional<BodyRef> response;
        qsizetype requestSize = 0; ///< stored bytes at request
        qsizetype responseSize = 0;
    };
    /// The exchange as captured (bodies as stored, at most bodyCap() bytes each). With a
    /// BodySink and \a deferred set, bodies are not read but described in \a deferred. Safe on
    /// any packed bytes (restored from disk): out-of-range ids and short data decode as empty.
    CapturedExchange decode(qsizetype index, bool withBodies = true,
                            DeferredBodies *deferred = nullptr) const;
    /// Reads the bodies decode() deferred into \a x (thread-safe: no lock needed). False with
    /// \a error when one could not be read (it stays empty).
    bool loadBodies(const DeferredBodies &deferred, CapturedExchange &x, QString *error) const;

    /// Bodies go to \a sink from now on (null: this store's memory). Not owned.
    void setBodySink(BodySink *sink) { m_sink = sink; }
    BodySink *bodySink() const { return m_sink; }

    /// Drops the \a count oldest exchanges (retention): memory of whole blocks and packed chunks
    /// they alone used is freed; firstSeq() grows by \a count. Dictionaries stay.
    void dropFront(qsizetype count);

    // --- The session store's log: records and dictionaries as bytes (docs/session-format.md).
    /// How far the dictionaries (interned strings, header names and lines) have grown.
    struct DictMark
    {
        quint32 strings = 0;
        quint32 headerNames = 0;
        quint32 headerLines = 0;
        friend bool operator==(const DictMark &, const DictMark &) = default;
    };
    DictMark dictMark() const;
    /// The dictionary entries added after \a from (all of them from DictMark{}), as a payload.
    QByteArray dictDelta(DictMark from) const;
    /// Adds the entries of a dictDelta() payload. Entries this store already has (ids below its
    /// mark) must be equal and are skipped; a gap or a mismatch is an error.
    bool applyDictDelta(QByteArrayView payload, QString *error);
    /// Appends record \a index as a self-contained payload (its seq, every Record field but
    /// `packed`, then the packed bytes) to \a out.
    void encodeRecord(qsizetype index, QByteArray &out) const;
    /// Adds the record of an encodeRecord() payload at the end. Its seq must be the next one
    /// (seqOf(size())); on an empty store it sets firstSeq(). False with \a error when the
    /// payload is malformed or names dictionary entries the store does not have.
    bool restoreRecord(QByteArrayView payload, QString *error);
    /// Appends the derived fields of record \a index (kind, evidence, pairing, paired, flags,
    /// verdict), with its seq, to \a out: a later change to an older record.
    void encodeDerived(qsizetype index, QByteArray &out) const;
    /// Applies an encodeDerived() payload to the record with that seq (ignored when it was
    /// dropped). False with \a error when malformed or the seq is not there yet.
    bool applyDerived(QByteArrayView payload, QString *error);

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

    /// A cleared record at the end (index size() - 1).
    Record &appendSlot();
    /// Keeps origins() up to date with a record's origin.
    void noteOrigin(quint32 origin);
    void packBrowserReport(const BrowserReport &report, QByteArray &out);
    BrowserReport unpackBrowserReport(const char *&p, const char *end) const;
    void packBody(quint64 seq, const CapturedBody &body, QByteArray &out, quint8 &flags);
    CapturedBody unpackBody(const char *&p, const char *end, bool withBody,
                            std::optional<BodyRef> *deferred, qsizetype *deferredSize) const;

    std::deque<std::unique_ptr<Record[]>> m_blocks;
    qsizetype m_size = 0;
    qsizetype m_frontSkip = 0; ///< records of m_blocks.front() already dropped
    quint64 m_firstSeq = 0;
    BodySink *m_sink = nullptr;
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
