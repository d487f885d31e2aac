#include "exchange_store.h"

#include "base/header_list.h"
#include "varint.h"

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
};
} // namespace

ExchangeStore::ExchangeStore()
{
    m_scratch.reserve(4096);
}

// Packed layout, after the URL: varint sections; client address id and port; [HasUpstream:
// address id, port]; [HasVersion: id]; [HasReason: id]; request headers; request body; response
// headers; response body; [HasOverride: rule id, upstream status, upstream headers]; [HasTunnel:
// host id, port, TLS version id, ALPN id, bytes each way]; [HasError: length, UTF-8].
// A body is: varint total size, varint stored size, and when stored: chunk and offset varints.
qsizetype ExchangeStore::add(const CapturedExchange &x)
{
    const qsizetype index = m_size;
    if (size_t(index >> kBlockBits) >= m_blocks.size())
        m_blocks.push_back(std::make_unique<Record[]>(size_t(kBlockSize)));
    ++m_size;
    Record &r = record(index);
    r = Record{};
    r.startedAtMs = x.startedAtMs;
    r.firstByteAtMs = x.firstByteAtMs;
    r.finishedAtMs = x.finishedAtMs;
    r.method = m_strings.intern(x.method);
    if (const std::optional<QByteArray> origin = base::getHeader(x.requestHeaders, "origin")) {
        r.origin = m_strings.intern(base::normalizeHeaderValue(*origin));
        if (r.origin && !m_originSet.contains(r.origin)) {
            m_originSet.insert(r.origin);
            m_origins.append(r.origin);
        }
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
    packBody(x.requestBody, out);
    m_headers.pack(x.responseHeaders, out, HeaderPacker::Lane::Response);
    packBody(x.responseBody, out);
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
    r.packed = m_packed.append(out);
    return index;
}

void ExchangeStore::packBody(const CapturedBody &body, QByteArray &out)
{
    const QByteArrayView stored =
        QByteArrayView(body.stored)
            .first(std::min<qint64>(body.stored.size(), std::max<qint64>(m_bodyCap, 0)));
    varint::appendSigned(out, std::max<qint64>(body.size, body.stored.size()));
    varint::append(out, quint64(stored.size()));
    if (!stored.isEmpty()) {
        const ByteArena::Ref ref = m_bodies.append(stored);
        varint::append(out, ref.chunk);
        varint::append(out, ref.offset);
    }
}

CapturedBody ExchangeStore::unpackBody(const char *&p, const char *end, bool withBody) const
{
    CapturedBody body;
    body.size = varint::readSigned(p, end);
    const quint64 stored = varint::read(p, end);
    if (stored) {
        const ByteArena::Ref ref{quint32(varint::read(p, end)), quint32(varint::read(p, end)),
                                 quint32(stored)};
        if (withBody)
            body.stored = m_bodies.view(ref).toByteArray();
    }
    return body;
}

CapturedExchange ExchangeStore::decode(qsizetype index, bool withBodies) const
{
    const Record &r = record(index);
    CapturedExchange x;
    x.type = (r.flags & IsTunnel) ? CapturedExchange::Type::Tunnel : CapturedExchange::Type::Http;
    x.startedAtMs = r.startedAtMs;
    x.firstByteAtMs = r.firstByteAtMs;
    x.finishedAtMs = r.finishedAtMs;
    x.method = m_strings.value(r.method);
    x.status = r.status;
    x.overridden = r.flags & Overridden;
    x.answeredLocally = r.flags & AnsweredLocally;
    if (r.flags & CredentialsKnown)
        x.credentialsIncluded = bool(r.flags & CredentialsIncluded);
    const QByteArrayView packed = m_packed.view(r.packed);
    x.url = packed.first(r.urlSize).toByteArray();
    const char *p = packed.data() + r.urlSize;
    const char *end = packed.data() + packed.size();
    const quint64 sections = varint::read(p, end);
    x.clientAddress = m_strings.value(quint32(varint::read(p, end)));
    x.clientPort = quint16(varint::read(p, end));
    if (sections & HasUpstream) {
        x.upstreamAddress = m_strings.value(quint32(varint::read(p, end)));
        x.upstreamPort = quint16(varint::read(p, end));
    }
    if (sections & HasVersion)
        x.httpVersion = m_strings.value(quint32(varint::read(p, end)));
    if (sections & HasReason)
        x.reason = m_strings.value(quint32(varint::read(p, end)));
    x.requestHeaders = m_headers.unpack(p, end);
    x.requestBody = unpackBody(p, end, withBodies);
    x.responseHeaders = m_headers.unpack(p, end);
    x.responseBody = unpackBody(p, end, withBodies);
    if (sections & HasOverride) {
        x.overrideRule = QString::fromUtf8(m_strings.value(quint32(varint::read(p, end))));
        x.upstreamStatus = int(varint::readSigned(p, end));
        x.upstreamResponseHeaders = m_headers.unpack(p, end);
    }
    if (sections & HasTunnel) {
        TunnelInfo &t = x.tunnel;
        t.host = m_strings.value(quint32(varint::read(p, end)));
        t.port = quint16(varint::read(p, end));
        t.intercepted = varint::read(p, end) != 0;
        t.tlsVersion = m_strings.value(quint32(varint::read(p, end)));
        t.alpn = m_strings.value(quint32(varint::read(p, end)));
        t.bytesFromClient = varint::readSigned(p, end);
        t.bytesFromServer = varint::readSigned(p, end);
    }
    if (sections & HasError) {
        const quint64 n = std::min<quint64>(varint::read(p, end), quint64(end - p));
        x.error = QString::fromUtf8(p, qsizetype(n));
        p += n;
    }
    return x;
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
    m_packed.clear();
    m_bodies.clear();
    m_strings.clear();
    m_origins.clear();
    m_originSet.clear();
    m_headers.clear();
}

} // namespace corslab::session
