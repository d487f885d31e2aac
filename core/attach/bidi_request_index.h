#pragma once

#include "session/fast_hash.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <array>
#include <map>

namespace corslab::attach {

struct BidiRequest;

/// \brief BidiAssembler's pending requests found by what an event names, without a scan of them
/// all: a page's traffic keeps thousands pending, and every preflight and console line looks one
/// up.
///
/// Each lookup is a hash and the last entry of an ordered bucket (the latest arrival wins, as it
/// does in the assembler). A request is filed by its current state: update() after any change
/// to it, remove() when it goes; preflights are never filed (they are nobody's actual request).
class BidiRequestIndex
{
public:
    /// Files \a r by what it is now, unfiling what it was (nothing happens when that is the same).
    void update(const BidiRequest &r);
    void remove(const QString &id);

    /// The latest request of \a context whose last hop is \a method to \a url, has no answer, has
    /// not ended and has no preflight linked yet; empty when there is none.
    QString awaitingPreflight(const QString &context, const QByteArray &url,
                              const QByteArray &method) const;
    /// The latest request with a hop to \a url in \a context (in any context when it is empty);
    /// with \a includeExplained false, only those Firefox has not given a specific reason for.
    QString latestWithUrl(const QString &context, const QByteArray &url,
                          bool includeExplained) const;

private:
    enum class Lookup : quint8 {
        AwaitingPreflight,          ///< by context, URL and method of the last hop
        ByUrl,                      ///< by context and URL of any hop
        ByUrlAnyContext,            ///< by URL of any hop
        UnexplainedByUrl,           ///< ByUrl, while Firefox gave no specific reason
        UnexplainedByUrlAnyContext, ///< ByUrlAnyContext, likewise
    };
    static constexpr size_t kLookups = size_t(Lookup::UnexplainedByUrlAnyContext) + 1;

    struct Key
    {
        QString context;
        QByteArray url;
        QByteArray method; ///< AwaitingPreflight only
        bool operator==(const Key &other) const = default;
        friend size_t qHash(const Key &key, size_t seed = 0)
        {
            const QByteArrayView context(reinterpret_cast<const char *>(key.context.constData()),
                                         key.context.size() * qsizetype(sizeof(QChar)));
            return (session::fastHash(key.url) * 0x9e3779b97f4a7c15ULL ^
                    session::fastHash(key.method) * 0xff51afd7ed558ccdULL ^
                    session::fastHash(context)) ^
                   seed;
        }
    };
    struct Entry
    {
        Lookup lookup = Lookup::ByUrl;
        Key key;
        bool operator==(const Entry &other) const = default;
    };
    /// What one request is filed under, to unfile exactly that.
    struct Filed
    {
        quint64 arrival = 0;
        QList<Entry> entries;
    };
    using Bucket = std::map<quint64, QString>; ///< arrival -> request id

    static QList<Entry> entriesOf(const BidiRequest &r);
    QString latest(Lookup lookup, const Key &key) const;
    void file(const Filed &filed, const QString &id);
    void unfile(const Filed &filed);

    std::array<QHash<Key, Bucket>, kLookups> m_buckets;
    QHash<QString, Filed> m_filed; ///< by request id
};

} // namespace corslab::attach
