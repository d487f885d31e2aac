#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <optional>

namespace corslab::base {

/// One HTTP header as it travels: name and value are bytes (Fetch: "header").
using Header = QPair<QByteArray, QByteArray>;

/// An ordered header list that keeps duplicates (Fetch: "header list").
using HeaderList = QList<Header>;

/// HTTP whitespace: U+0009 TAB, U+000A LF, U+000D CR, U+0020 SPACE (Fetch: "HTTP whitespace").
bool isHttpWhitespace(char c);

/// Strips leading and trailing HTTP whitespace (Fetch: "normalize" a header value).
QByteArray normalizeHeaderValue(const QByteArray &value);

/// Fetch "token" production: one or more tchar.
bool isHttpToken(QByteArrayView value);

/// Fetch "byte-case-insensitive" match, without allocating.
bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b);

/// Byte-lowercase (Fetch: "byte-lowercase").
QByteArray asciiLower(const QByteArray &value);

/// True when \a list has a header named \a name (Fetch: "contains", byte-case-insensitive).
bool containsHeader(const HeaderList &list, QByteArrayView name);

/// Fetch "get": the values of every header named \a name, joined with ", ", or nullopt when none.
std::optional<QByteArray> getHeader(const HeaderList &list, QByteArrayView name);

/// Fetch "get, decode, and split": the combined value split on commas outside quoted strings,
/// each part stripped of HTTP tab-or-space. nullopt when the header is absent.
std::optional<QList<QByteArray>> getDecodeAndSplit(const HeaderList &list, QByteArrayView name);

/// Result of Fetch "extracting header list values": absent (null), failure, or the values.
struct ExtractedValues
{
    enum class State { Absent, Failure, Values };
    State state = State::Absent;
    QByteArray source;            ///< the combined header value the views point into
    QList<QByteArrayView> values; ///< views into `source` (never modified, so they stay valid)
    QByteArray offending;         ///< The first value that is not a token, for a failure.

    bool contains(QByteArrayView value) const { return values.contains(value); }
    bool containsIgnoreCase(QByteArrayView value) const;
};

/// Fetch "extract header list values" for Access-Control-Allow-Methods / -Allow-Headers /
/// -Expose-Headers (ABNF `#token`): every element must be a token. Empty elements ("PUT,,GET", a
/// trailing comma) are ignored, as the HTTP list rule (RFC 9110 §5.6.1) tells recipients to.
ExtractedValues extractHeaderListValues(const HeaderList &list, QByteArrayView name);

} // namespace corslab::base
