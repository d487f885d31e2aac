// libFuzzer target for the session store's ExchangeStore payloads (store_codec, restore and
// decode). The input is frames of a varint length and a payload: the first is a dictionary
// delta, the others record payloads (or, when refused as records, derived-field patches). Every
// restored record is decoded every way (bodies in memory, through a sink, deferred), then
// re-encoded: the copy must restore into a second store and decode the same. Under ASan+UBSan
// this checks that no bytes from disk can crash, hang or read out of bounds. See
// docs/TESTING.md.
#include "session/exchange_store.h"
#include "session/varint.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace corslab::session;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_store_codec: %s\n", what);
    std::abort();
}

void check(bool condition, const char *what)
{
    if (!condition)
        fail(what);
}

/// A sink that answers reads with bytes of the size asked for (up to a bound), or fails.
class EchoSink : public BodySink
{
public:
    std::optional<BodyRef> put(quint64 seq, const QByteArray &) override
    {
        return BodyRef{quint32(seq), seq};
    }
    quint64 generation() const override { return 0; }
    bool get(BodyRef ref, quint64, quint64, qsizetype size, QByteArray *bytes,
             QString *error) const override
    {
        constexpr qsizetype kMaxRead = 1 << 16;
        if (ref.offset % 3 == 0 || size > kMaxRead) {
            *error = QStringLiteral("unreadable");
            return false;
        }
        *bytes = QByteArray(size, 'b');
        return true;
    }
};

bool sameExchange(const CapturedExchange &a, const CapturedExchange &b)
{
    return a.url == b.url && a.method == b.method && a.requestHeaders == b.requestHeaders &&
           a.responseHeaders == b.responseHeaders && a.reason == b.reason &&
           a.requestBody.size == b.requestBody.size && a.error == b.error &&
           a.tunnel.host == b.tunnel.host && a.upstreamResponseHeaders == b.upstreamResponseHeaders;
}

void decodeEveryWay(const ExchangeStore &store, qsizetype index)
{
    (void)store.decode(index, false);
    CapturedExchange x = store.decode(index, true);
    ExchangeStore::DeferredBodies deferred;
    x = store.decode(index, true, &deferred);
    QString error;
    (void)store.loadBodies(deferred, x, &error);
    (void)store.url(index);
    (void)store.method(index);
    (void)store.origin(index);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = reinterpret_cast<const char *>(data);
    const char *end = p + size;
    QList<QByteArrayView> frames;
    while (p < end) {
        quint64 length = 0;
        if (!varint::tryRead(p, end, length) || length > quint64(end - p))
            break;
        frames.append(QByteArrayView(p, qsizetype(length)));
        p += length;
    }
    if (frames.isEmpty())
        return 0;

    EchoSink sink;
    for (BodySink *s : {static_cast<BodySink *>(nullptr), static_cast<BodySink *>(&sink)}) {
        ExchangeStore store;
        store.setBodySink(s);
        QString error;
        if (!store.applyDictDelta(frames.first(), &error)) {
            check(!error.isEmpty(), "a refused delta without an error");
            continue;
        }
        for (qsizetype i = 1; i < frames.size(); ++i) {
            if (store.restoreRecord(frames.at(i), &error))
                decodeEveryWay(store, store.size() - 1);
            else if (!store.applyDerived(frames.at(i), &error))
                check(!error.isEmpty(), "a refused payload without an error");
        }
        // What was restored goes through the log again unchanged.
        ExchangeStore copy;
        copy.setBodySink(s);
        check(copy.applyDictDelta(store.dictDelta({}), &error), "own delta refused");
        for (qsizetype i = 0; i < store.size(); ++i) {
            QByteArray payload;
            store.encodeRecord(i, payload);
            check(copy.restoreRecord(payload, &error), "own record refused");
            check(sameExchange(copy.decode(i, false), store.decode(i, false)),
                  "a copy decodes differently");
        }
        store.dropFront(store.size() / 2);
        for (qsizetype i = 0; i < store.size(); ++i)
            decodeEveryWay(store, i);
    }
    return 0;
}
