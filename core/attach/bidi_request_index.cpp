#include "bidi_request_index.h"

#include "bidi_request.h"

namespace corslab::attach {

void BidiRequestIndex::update(const BidiRequest &r)
{
    QList<Entry> entries = entriesOf(r);
    const auto filed = m_filed.find(r.id);
    if (filed != m_filed.end()) {
        if (filed->entries == entries)
            return; // most events change nothing that is looked up
        unfile(*filed);
        m_filed.erase(filed);
    }
    if (entries.isEmpty())
        return;
    const Filed now{r.arrival, std::move(entries)};
    file(now, r.id);
    m_filed.insert(r.id, now);
}

void BidiRequestIndex::remove(const QString &id)
{
    const auto filed = m_filed.find(id);
    if (filed == m_filed.end())
        return;
    unfile(*filed);
    m_filed.erase(filed);
}

QString BidiRequestIndex::awaitingPreflight(const QString &context, const QByteArray &url,
                                            const QByteArray &method) const
{
    return latest(Lookup::AwaitingPreflight, {context, url, method});
}

QString BidiRequestIndex::latestWithUrl(const QString &context, const QByteArray &url,
                                        bool includeExplained) const
{
    if (context.isEmpty())
        return latest(includeExplained ? Lookup::ByUrlAnyContext
                                       : Lookup::UnexplainedByUrlAnyContext,
                      {QString(), url, {}});
    return latest(includeExplained ? Lookup::ByUrl : Lookup::UnexplainedByUrl, {context, url, {}});
}

// The same conditions BidiAssembler's lookups ask of a request, kept here as keys.
QList<BidiRequestIndex::Entry> BidiRequestIndex::entriesOf(const BidiRequest &r)
{
    QList<Entry> entries;
    if (r.preflight || r.hops.isEmpty())
        return entries;
    const BidiHop &last = r.hops.last();
    if (last.preflightId.isEmpty() && last.status == 0 && !last.ended)
        entries.append({Lookup::AwaitingPreflight, {r.context, last.url, last.method}});
    const bool explained = r.explained();
    // A URL two hops share (a redirect to itself) is filed twice under one arrival: a no-op.
    for (const BidiHop &hop : r.hops) {
        entries.append({Lookup::ByUrl, {r.context, hop.url, {}}});
        entries.append({Lookup::ByUrlAnyContext, {QString(), hop.url, {}}});
        if (explained)
            continue;
        entries.append({Lookup::UnexplainedByUrl, {r.context, hop.url, {}}});
        entries.append({Lookup::UnexplainedByUrlAnyContext, {QString(), hop.url, {}}});
    }
    return entries;
}

QString BidiRequestIndex::latest(Lookup lookup, const Key &key) const
{
    const QHash<Key, Bucket> &buckets = m_buckets.at(size_t(lookup));
    const auto bucket = buckets.constFind(key);
    if (bucket == buckets.constEnd() || bucket->empty())
        return {};
    return bucket->rbegin()->second;
}

void BidiRequestIndex::file(const Filed &filed, const QString &id)
{
    for (const Entry &entry : filed.entries)
        m_buckets.at(size_t(entry.lookup))[entry.key].emplace(filed.arrival, id);
}

void BidiRequestIndex::unfile(const Filed &filed)
{
    for (const Entry &entry : filed.entries) {
        QHash<Key, Bucket> &buckets = m_buckets.at(size_t(entry.lookup));
        const auto bucket = buckets.find(entry.key);
        if (bucket == buckets.end())
            continue; // a URL filed twice: gone with the first
        bucket->erase(filed.arrival);
        if (bucket->empty()) // keys die with their last request: no growth over a long capture
            buckets.erase(bucket);
    }
}

} // namespace corslab::attach
