#include "exchange_store.h"

#include "base/header_list.h"
#include "browser_verdict.h"
#include "store_codec.h"
#include "varint.h"

#include <limits>

namespace corslab::session {

namespace {
// Bits of the packed "sections" varint: what follows the always-present part.
enum Section : quint64 {
    HasOverride = 1 << 0,
    HasTunnel = 1 << 1,
    HasError = 1 << 2,
    HasUpstream = 1 << 3,
    HasReason = 1 << 4,
    HasVersion = 1 << 5, ///< an HTTP version other than "HTTP/1.1"
    HasBrowserReport = 1 << 6,
    HasSource = 1 << 7,
};

// BrowserReport::notSent and bodyUnavailable, packed as one varint.
enum BrowserReportBit : quint64 {
    NotSent = 1 << 0,
    BodyUnavailable = 1 << 1,
};

// A stored size beyond this is damage, never a body (bodies are cut to bodyCap()).
constexpr quint64 kMaxStoredBody = quint64(1) << 31;
constexpr quint64 kMaxSegment = std::numeric_limits<quint32>::max();
} // namespace

ExchangeStore::ExchangeStore()
{
    m_scratch.reserve(4096);
}

// Packed layout, after the URL: varint sections; client address id and port; [HasUpstream:
// address id, port]; [HasVersion: id]; [HasReason: id]; request headers; request body; response
// headers; response body; [HasOverride: rule id, upstream status, upstream headers]; [HasTunnel:
// host id, port, TLS version id, ALPN id, bytes each way]; [HasError: length, UTF-8];
// [HasBrowserReport: browser id, CORS error id, failed parameter id, BrowserReportBit bits,
// blocked cookie count, each: name id, from-response, reason count, reason ids]; [HasSource: id].
// A body is: varint total size, varint stored size, and when stored: where (a BodyRef: the
// segment, or the m_bodies chunk without a sink; then the offset).
qsizetype ExchangeStore::add(const CapturedExchange &x)
{
    const qsizetype index = m_size;
    const quint64 seq = seqOf(index);
    Record &r = appendSlot();
    r.startedAtMs = x.startedAtMs;
    r.firstByteAtMs = x.firstByteAtMs;
    r.finishedAtMs = x.finishedAtMs;
    r.method = m_strings.intern(x.method);
    if (const std::optional<QByteArray> origin = base::getHeader(x.requestHeaders, "origin")) {
        r.origin = m_strings.intern(base::normalizeHeaderValue(*origin));
        noteOrigin(r.origin);
    }
    r.status = quint16(std::clamp(x.status, 0, 65535));
    if (x.type == CapturedExchange::Type::Tunnel)
        r.flags |= IsTunnel;
    if (x.overridden)
        r.flags |= Overridden;
    if (x.answeredLocally)
        r.flags |= AnsweredLocally;
    if (x.credentialsIncluded)
        r.flags |=
            *x.credentialsIncluded ? (CredentialsKnown | CredentialsIncluded) : CredentialsKnown;
    if (!x.error.isEmpty() || (x.type == CapturedExchange::Type::Http && x.status == 0))
        r.flags |= Failed;
    r.browserVerdict = browser_verdict::code(x.browserReport);

    QByteArray &out = m_scratch;
    out.truncate(0);
    out.append(x.url);
    r.urlSize = quint32(x.url.size());
    const TunnelInfo &t = x.tunnel;
    const bool hasTunnel = !t.host.isEmpty() || t.port || t.intercepted ||
                           !t.tlsVersion.isEmpty() || !t.alpn.isEmpty() || t.bytesFromClient ||
                           t.bytesFromServer;
    const bool hasOverride = x.overridden || x.answeredLocally || !x.overrideRule.isEmpty() ||
                             !x.upstreamResponseHeaders.isEmpty() || x.upstreamStatus;
    quint64 sections = 0;
    if (hasOverride)
        sections |= HasOverride;
    if (hasTunnel)
        sections |= HasTunnel;
    if (!x.error.isEmpty())
        sections |= HasError;
    if (!x.upstreamAddress.isEmpty() || x.upstreamPort)
        sections |= HasUpstream;
    if (!x.reason.isEmpty())
        sections |= HasReason;
    if (x.httpVersion != "HTTP/1.1")
        sections |= HasVersion;
    if (x.browserReport)
        sections |= HasBrowserReport;
    if (!x.source.isEmpty())
        sections |= HasSource;
    varint::append(out, sections);
    varint::append(out, m_strings.intern(x.clientAddress));
    varint::append(out, x.clientPort);
    if (sections & HasUpstream) {
        varint::append(out, m_strings.intern(x.upstreamAddress));
        varint::append(out, x.upstreamPort);
    }
    if (sections & HasVersion)
        varint::append(out, m_strings.intern(x.httpVersion));
    if (sections & HasReason)
        varint::append(out, m_strings.intern(x.reason));
    m_headers.pack(x.requestHeaders, out, HeaderPacker::Lane::Request);
    packBody(seq, x.requestBody, out, r.flags);
    m_headers.pack(x.responseHeaders, out, HeaderPacker::Lane::Response);
    packBody(seq, x.responseBody, out, r.flags);
    if (sections & HasOverride) {
        varint::append(out, m_strings.intern(x.overrideRule.toUtf8()));
        varint::appendSigned(out, x.upstreamStatus);
        m_headers.pack(x.upstreamResponseHeaders, out, HeaderPacker::Lane::UpstreamResponse);
    }
    if (sections & HasTunnel) {
        varint::append(out, m_strings.intern(t.host));
        varint::append(out, t.port);
        varint::append(out, t.intercepted ? 1 : 0);
        varint::append(out, m_strings.intern(t.tlsVersion));
        varint::append(out, m_strings.intern(t.alpn));
        varint::appendSigned(out, t.bytesFromClient);
        varint::appendSigned(out, t.bytesFromServer);
    }
    if (sections & HasError) {
        const QByteArray error = x.error.toUtf8();
        varint::append(out, quint64(error.size()));
        out.append(error);
    }
    if (sections & HasBrowserReport)
        packBrowserReport(*x.browserReport, out);
    if (sections & HasSource)
        varint::append(out, m_strings.intern(x.source.toUtf8()));
    r.packed = m_packed.append(out, seq);
    return index;
}

ExchangeStore::Record &ExchangeStore::appendSlot()
{
    const qsizetype at = m_size + m_frontSkip;
    if (size_t(at >> kBlockBits) >= m_blocks.size())
        m_blocks.push_back(std::make_unique<Record[]>(size_t(kBlockSize)));
    Record &r = record(m_size++);
    r = Record{};
    return r;
}

void ExchangeStore::noteOrigin(quint32 origin)
{
    if (origin && !m_originSet.contains(origin)) {
        m_originSet.insert(origin);
        m_origins.append(origin);
    }
}

qsizetype ExchangeStore::indexOfSeq(quint64 seq) const
{
    if (seq < m_firstSeq || seq - m_firstSeq >= quint64(m_size))
        return -1;
    return qsizetype(seq - m_firstSeq);
}

void ExchangeStore::packBody(quint64 seq, const CapturedBody &body, QByteArray &out, quint8 &flags)
{
    const qint64 cap = std::max<qint64>(m_bodyCap, 0);
    varint::appendSigned(out, std::max<qint64>(body.size, body.stored.size()));
    const qint64 storedSize = std::min<qint64>(body.stored.size(), cap);
    if (storedSize == 0) {
        varint::append(out, 0);
        return;
    }
    std::optional<BodyRef> ref;
    if (!m_sink) {
        const ByteArena::Ref at =
            m_bodies.append(QByteArrayView(body.stored).first(storedSize), seq);
        ref = BodyRef{at.chunk, at.offset};
    } else if (storedSize == body.stored.size()) {
        ref = m_sink->put(seq, body.stored); // shared, not copied: the sink may queue it
    } else {
        ref = m_sink->put(seq, body.stored.first(storedSize));
    }
    if (!ref) {
        // The total size stays: the table still shows how large the body was.
        varint::append(out, 0);
        flags |= BodiesDropped;
        return;
    }
    varint::append(out, quint64(storedSize));
    varint::append(out, ref->segment);
    varint::append(out, ref->offset);
}

void ExchangeStore::packBrowserReport(const BrowserReport &b, QByteArray &out)
{
    auto string = [&](const QString &s) { varint::append(out, m_strings.intern(s.toUtf8())); };
    string(b.browser);
    string(b.corsError);
    string(b.failedParameter);
    quint64 bits = 0;
    if (b.notSent)
        bits |= NotSent;
    if (b.bodyUnavailable)
        bits |= BodyUnavailable;
    varint::append(out, bits);
    varint::append(out, quint64(b.blockedCookies.size()));
    for (const BlockedCookie &c : b.blockedCookies) {
        varint::append(out, m_strings.intern(c.name));
        varint::append(out, c.fromResponse ? 1 : 0);
        varint::append(out, quint64(c.reasons.size()));
        for (const QString &reason : c.reasons)
            string(reason);
    }
}

BrowserReport ExchangeStore::unpackBrowserReport(const char *&p, const char *end) const
{
    auto string = [&] { return QString::fromUtf8(m_strings.checkedValue(varint::read(p, end))); };
    BrowserReport b;
    b.browser = string();
    b.corsError = string();
    b.failedParameter = string();
    const quint64 bits = varint::read(p, end);
    b.notSent = bits & NotSent;
    b.bodyUnavailable = bits & BodyUnavailable;
    // Every entry takes bytes: a count larger than what is left is damage.
    const quint64 cookies = std::min<quint64>(varint::read(p, end), quint64(end - p));
    for (quint64 i = 0; i < cookies && p < end; ++i) {
        BlockedCookie c;
        c.name = m_strings.checkedValue(varint::read(p, end));
        c.fromResponse = varint::read(p, end) != 0;
        const quint64 reasons = std::min<quint64>(varint::read(p, end), quint64(end - p));
        for (quint64 j = 0; j < reasons && p < end; ++j)
            c.reasons.append(string());
        b.blockedCookies.append(std::move(c));
    }
    return b;
}

CapturedBody ExchangeStore::unpackBody(const char *&p, const char *end, bool withBody,
                                       std::optional<BodyRef> *deferred,
                                       qsizetype *deferredSize) const
{
    CapturedBody body;
    body.size = varint::readSigned(p, end);
    const quint64 stored = varint::read(p, end);
    if (stored == 0)
        return body;
    const quint64 segment = varint::read(p, end);
    const quint64 offset = varint::read(p, end);
    if (!withBody || stored > kMaxStoredBody || segment > kMaxSegment)
        return body;
    if (!m_sink) {
        body.stored = m_bodies.checkedView(segment, offset, stored).toByteArray();
    } else if (deferred) {
        *deferred = BodyRef{quint32(segment), offset};
        *deferredSize = qsizetype(stored);
    }
    return body;
}

CapturedExchange ExchangeStore::decode(qsizetype index, bool withBodies,
                                       DeferredBodies *deferred) const
{
    const Record &r = record(index);
    // With a sink the refs are collected here, then read now or by the caller (loadBodies()).
    DeferredBodies local;
    DeferredBodies *refs = deferred ? deferred : &local;
    *refs = DeferredBodies{};
    refs->seq = seqOf(index);
    const bool collect = m_sink && withBodies;
    if (collect)
        refs->generation = m_sink->generation();
    CapturedExchange x;
    x.type = (r.flags & IsTunnel) ? CapturedExchange::Type::Tunnel : CapturedExchange::Type::Http;
    x.startedAtMs = r.startedAtMs;
    x.firstByteAtMs = r.firstByteAtMs;
    x.finishedAtMs = r.finishedAtMs;
    x.method = m_strings.checkedValue(r.method);
    x.status = r.status;
    x.overridden = r.flags & Overridden;
    x.answeredLocally = r.flags & AnsweredLocally;
    if (r.flags & CredentialsKnown)
        x.credentialsIncluded = bool(r.flags & CredentialsIncluded);
    const QByteArrayView packed = m_packed.view(r.packed);
    const qsizetype urlSize = std::min<qsizetype>(r.urlSize, packed.size());
    x.url = packed.first(urlSize).toByteArray();
    const char *p = packed.data() + urlSize;
    const char *end = packed.data() + packed.size();
    auto string = [&] { return m_strings.checkedValue(varint::read(p, end)); };
    const quint64 sections = varint::read(p, end);
    x.clientAddress = string();
    x.clientPort = quint16(varint::read(p, end));
    if (sections & HasUpstream) {
        x.upstreamAddress = string();
        x.upstreamPort = quint16(varint::read(p, end));
    }
    if (sections & HasVersion)
        x.httpVersion = string();
    if (sections & HasReason)
        x.reason = string();
    x.requestHeaders = m_headers.unpack(p, end);
    x.requestBody =
        unpackBody(p, end, withBodies, collect ? &refs->request : nullptr, &refs->requestSize);
    x.responseHeaders = m_headers.unpack(p, end);
    x.responseBody =
        unpackBody(p, end, withBodies, collect ? &refs->response : nullptr, &refs->responseSize);
    if (sections & HasOverride) {
        x.overrideRule = QString::fromUtf8(string());
        x.upstreamStatus = int(varint::readSigned(p, end));
        x.upstreamResponseHeaders = m_headers.unpack(p, end);
    }
    if (sections & HasTunnel) {
        TunnelInfo &t = x.tunnel;
        t.host = string();
        t.port = quint16(varint::read(p, end));
        t.intercepted = varint::read(p, end) != 0;
        t.tlsVersion = string();
        t.alpn = string();
        t.bytesFromClient = varint::readSigned(p, end);
        t.bytesFromServer = varint::readSigned(p, end);
    }
    if (sections & HasError) {
        const quint64 n = std::min<quint64>(varint::read(p, end), quint64(end - p));
        x.error = QString::fromUtf8(p, qsizetype(n));
        p += n;
    }
    if (sections & HasBrowserReport)
        x.browserReport = unpackBrowserReport(p, end);
    if (sections & HasSource)
        x.source = QString::fromUtf8(string());
    if (collect && !deferred)
        loadBodies(local, x, nullptr); // a body that cannot be read stays empty
    return x;
}

bool ExchangeStore::loadBodies(const DeferredBodies &deferred, CapturedExchange &x,
                               QString *error) const
{
    if (!m_sink)
        return true; // in memory: decode() read them already
    bool ok = true;
    auto load = [&](const std::optional<BodyRef> &ref, qsizetype size, CapturedBody &body) {
        if (!ref)
            return;
        QByteArray bytes;
        QString why;
        if (m_sink->get(*ref, deferred.generation, deferred.seq, size, &bytes, &why)) {
            body.stored = bytes;
            return;
        }
        ok = false;
        if (error)
            *error = why;
    };
    load(deferred.request, deferred.requestSize, x.requestBody);
    load(deferred.response, deferred.responseSize, x.responseBody);
    return ok;
}

void ExchangeStore::dropFront(qsizetype count)
{
    count = std::clamp<qsizetype>(count, 0, m_size);
    if (count == 0)
        return;
    m_frontSkip += count;
    m_size -= count;
    m_firstSeq += quint64(count);
    while (m_frontSkip >= kBlockSize && !m_blocks.empty()) {
        m_blocks.pop_front();
        m_frontSkip -= kBlockSize;
    }
    // Chunks are tagged with the seqs of their blobs: those only older seqs used can go.
    m_packed.dropFront(m_firstSeq);
    m_bodies.dropFront(m_firstSeq);
}

ExchangeStore::Memory ExchangeStore::memory() const
{
    Memory m;
    m.records = qint64(m_blocks.size()) * kBlockSize * qint64(sizeof(Record));
    m.packed = m_packed.bytesReserved();
    m.bodies = m_bodies.bytesReserved();
    m.dictionaries = m_strings.bytesUsed() + m_headers.bytesUsed();
    return m;
}

void ExchangeStore::clear()
{
    m_blocks.clear();
    m_size = 0;
    m_frontSkip = 0;
    m_firstSeq = 0;
    m_packed.clear();
    m_bodies.clear();
    m_strings.clear();
    m_origins.clear();
    m_originSet.clear();
    m_headers.clear();
}

} // namespace corslab::session
