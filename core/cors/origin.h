#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QUrl>

namespace corslab::cors {

/// \brief An origin (HTML: "origin"): a scheme/host/port tuple, or an opaque origin.
///
/// Opaque origins (sandboxed documents, data: URLs, an origin tainted by a cross-origin redirect)
/// serialize as `null` and are same origin with nothing but themselves.
struct Origin
{
    bool opaque = true;
    QByteArray scheme; ///< lowercase
    QByteArray host;   ///< lowercase, ASCII (IDNA), IPv6 without brackets
    int port = -1;     ///< -1 when the scheme's default port is used
    /// serialize()'s result, computed once by fromUrl()/parse(): origins are compared and sent on
    /// every hop, so the engine must not rebuild the string each time.
    QByteArray serialized = QByteArrayLiteral("null");

    /// HTML "origin" of a URL: a tuple for http(s)/ws(s)/ftp, opaque for everything else.
    static Origin fromUrl(const QUrl &url);
    /// Parses a serialized origin ("https://example.com:8443" or "null"). Returns false and sets
    /// \a error (what was expected) when \a text is not one.
    static bool parse(const QString &text, Origin *out, QString *error);
    /// An opaque origin.
    static Origin makeOpaque() { return Origin{}; }
    /// Builds a tuple origin from its parts (lowercase scheme and host, -1 for the default port).
    static Origin makeTuple(const QByteArray &scheme, const QByteArray &host, int port);

    /// HTML "ASCII serialization of an origin" (also the `Origin` header's value).
    const QByteArray &serialize() const { return serialized; }
    /// HTML "same origin": tuples are compared member by member; opaque origins never match here
    /// because each is unique (we cannot tell two apart, so we say no).
    bool sameOriginAs(const Origin &other) const;
    /// True for http and https, the only schemes fetch() sends over the network.
    bool isHttpFamily() const { return !opaque && (scheme == "http" || scheme == "https"); }
};

/// HTML "same site" (schemeful): same scheme and same registrable domain; ports never count, so
/// `http://localhost:3000` and `http://localhost:8080` are one site. The registrable domain is
/// approximated by the last two labels (no Public Suffix List: `a.co.uk` and `b.co.uk` look
/// alike), IP addresses are their own site, and opaque origins are never same site.
bool sameSite(const Origin &a, const Origin &b);

/// Default port of a special scheme, or -1.
int defaultPort(const QByteArray &scheme);

/// Where an address lives, for Local Network Access (WICG "IP address space").
enum class AddressSpace { Loopback, Local, Public, Unknown };

/// Address space of a URL's host when it is an IP literal or `localhost`; Unknown for names
/// (resolving them is not the engine's business: it is pure).
AddressSpace addressSpaceOf(const QUrl &url);
/// Address space of a host name or IP literal (IPv6 without brackets).
AddressSpace addressSpaceOfHost(QByteArrayView host);

} // namespace corslab::cors
