#pragma once

#include <QtGlobal>

namespace corslab::session {

/// The frame types of a store's heads file (docs/session-format.md § Session store).
enum class HeadsFrame : quint8 {
    Dict = 1,     ///< dictionary entries added (ExchangeStore::dictDelta)
    Settings = 2, ///< JSON object: "profile", "bodyCap" and the extension members
    Exchange = 3, ///< one exchange's record (ExchangeStore::encodeRecord)
    Derived = 4,  ///< an older exchange's new derived fields (ExchangeStore::encodeDerived)
    Link = 5,     ///< varint preflight seq, varint later actual seq
    Rejudged = 6, ///< UTF-8 profile name: every exchange was judged again; links start over
};

/// The store's manifest and lock file names, and the prefix of what Clear moves aside.
inline constexpr char kStoreManifest[] = "store.json";
inline constexpr char kStoreLock[] = "lock";
inline constexpr char kStoreTrashPrefix[] = "trash-";
inline constexpr char kStoreFormatName[] = "corslab-store";
inline constexpr int kStoreFormatVersion = 1;

} // namespace corslab::session
