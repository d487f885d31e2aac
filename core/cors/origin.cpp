#include "origin.h"

#include <algorithm>
#include <cctype>

namespace corslab::cors {

int defaultPort(const QByteArray &scheme)
{
    if (scheme == "http" || scheme == "ws")
        return 80;
    if (scheme == "https" || scheme == "wss")
        return 443;
    if (scheme == "ftp")
        return 21;
    return -1;
}

Origin Origin::makeTuple(const QByteArray &scheme, const QByteArray &host, int port)
{
    Origin o;
    o.opaque = false;
    o.scheme = scheme;
    o.host = host;
    o.port = (port == defaultPort(scheme)) ? -1 : port;
    const bool ipv6 = host.contains(':');
    QByteArray &s = o.serialized;
    s.clear();
    s.reserve(scheme.size() + host.size() + 12);
    s.append(scheme).append("://");
    if (ipv6)
        s.append('[').append(host).append(']');
    else
        s.append(host);
    if (o.port >= 0)
        s.append(':').append(QByteArray::number(o.port));
    return o;
}

Origin Origin::fromUrl(const QUrl &url)
{
    // QUrl already lowercases the scheme and the host.
    const QByteArray scheme = url.scheme().toLatin1();
    if (defaultPort(scheme) < 0 || url.host().isEmpty())
        return Origin{}; // opaque
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    return makeTuple(scheme, host, url.port(-1));
}

// The characters besides letters, digits, '-' and '.' that the URL standard keeps in a domain
// (those that are not "forbidden domain code points"). QUrl refuses them, but WebKit keeps them,
// so a page on such a host exists and sends them in its Origin (docs/audit.md).
static bool isKeptHostSpecialCharacter(char c)
{
    return QByteArrayView("_`{}!~$&'()*+,;=\"").contains(c);
}

// scheme://host[:port] with a host QUrl refuses but the URL standard keeps; false otherwise.
static bool parseLooseTuple(const QString &text, Origin *out)
{
    const QByteArray bytes = text.toLatin1();
    const qsizetype schemeEnd = bytes.indexOf("://");
    if (schemeEnd <= 0 || text.size() != bytes.size())
        return false;
    const QByteArray scheme = bytes.left(schemeEnd).toLower();
    if (scheme != "http" && scheme != "https")
        return false;
    QByteArray rest = bytes.mid(schemeEnd + 3);
    int port = -1;
    if (const qsizetype colon = rest.lastIndexOf(':'); colon >= 0) {
        bool ok = false;
        const QByteArray digits = rest.mid(colon + 1);
        port = digits.toInt(&ok);
        constexpr int kMaxPort = 65535;
        if (!ok || digits.isEmpty() || !std::all_of(digits.begin(), digits.end(), ::isdigit) ||
            port > kMaxPort)
            return false;
        rest.truncate(colon);
    }
    const auto hostCharacter = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
               isKeptHostSpecialCharacter(c);
    };
    if (rest.isEmpty() || !std::all_of(rest.begin(), rest.end(), hostCharacter))
        return false;
    *out = Origin::makeTuple(scheme, rest.toLower(), port < 0 ? defaultPort(scheme) : port);
    return true;
}

bool Origin::parse(const QString &text, Origin *out, QString *error)
{
    if (text == QLatin1String("null")) {
        *out = makeOpaque();
        return true;
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() && parseLooseTuple(text, out))
        return true;
    const QString expected = QStringLiteral(
        "expected a serialized origin such as \"http://127.0.0.1:8080\" (scheme://host[:port], "
        "without path) or \"null\"");
    if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty()) {
        *error = expected + QStringLiteral(", got \"%1\"").arg(text);
        return false;
    }
    if (!url.path().isEmpty() || url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty()) {
        *error = expected + QStringLiteral(", got \"%1\" (drop the path, query or user info: an "
                                           "Origin header never carries them)")
                                .arg(text);
        return false;
    }
    *out = fromUrl(url);
    if (out->opaque) {
        *error = expected + QStringLiteral(", got \"%1\" (scheme \"%2\" has no tuple origin)")
                                .arg(text, url.scheme());
        return false;
    }
    return true;
}

bool Origin::sameOriginAs(const Origin &other) const
{
    if (opaque || other.opaque)
        return false;
    return scheme == other.scheme && host == other.host && port == other.port;
}

// IPv4 dotted quad into four numbers; false when \a text is not one.
static bool parseIpv4(QByteArrayView text, int octets[4])
{
    int part = 0;
    int value = -1;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            if (value > 255)
                return false;
        } else if (c == '.' && value >= 0 && part < 3) {
            octets[part++] = value;
            value = -1;
        } else {
            return false;
        }
    }
    if (part != 3 || value < 0)
        return false;
    octets[3] = value;
    return true;
}

static AddressSpace ipv4Space(const int o[4])
{
    if (o[0] == 127)
        return AddressSpace::Loopback;
    // RFC 1918 private ranges and RFC 3927 link-local, as Local Network Access counts them.
    if (o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) || (o[0] == 192 && o[1] == 168) ||
        (o[0] == 169 && o[1] == 254))
        return AddressSpace::Local;
    if (o[0] == 0 && o[1] == 0 && o[2] == 0 && o[3] == 0)
        return AddressSpace::Loopback; // 0.0.0.0 reaches the local machine
    return AddressSpace::Public;
}

static QByteArray registrableDomain(const QByteArray &host)
{
    const bool ip = host.contains(':') || std::all_of(host.begin(), host.end(), [](char ch) {
                        return (ch >= '0' && ch <= '9') || ch == '.';
                    });
    if (ip)
        return host;
    const qsizetype last = host.lastIndexOf('.');
    if (last < 0)
        return host;
    const qsizetype second = host.lastIndexOf('.', last - 1);
    return second < 0 ? host : host.mid(second + 1);
}

bool sameSite(const Origin &a, const Origin &b)
{
    if (a.opaque || b.opaque)
        return false;
    return a.scheme == b.scheme && registrableDomain(a.host) == registrableDomain(b.host);
}

AddressSpace addressSpaceOf(const QUrl &url)
{
    return addressSpaceOfHost(url.host().toLatin1());
}

AddressSpace addressSpaceOfHost(QByteArrayView host)
{
    // Hosts arrive lowercased (QUrl and Origin normalize them).
    if (host == "localhost" || host.endsWith(".localhost"))
        return AddressSpace::Loopback;
    int octets[4];
    if (parseIpv4(host, octets))
        return ipv4Space(octets);
    if (!host.contains(':'))
        return AddressSpace::Unknown; // a name: only DNS knows
    if (host == "::1" || host == "::")
        return AddressSpace::Loopback;
    if (host.startsWith("::ffff:") && parseIpv4(host.sliced(7), octets))
        return ipv4Space(octets);
    // The prefixes below are about the first 16-bit group written in full: "fc::1" is 00fc::1.
    const bool fullFirstGroup = host.indexOf(':') == 4;
    if (fullFirstGroup && (host.startsWith("fc") || host.startsWith("fd")))
        return AddressSpace::Local; // unique local fc00::/7
    if (fullFirstGroup && (host.startsWith("fe8") || host.startsWith("fe9") ||
                           host.startsWith("fea") || host.startsWith("feb")))
        return AddressSpace::Local; // link-local fe80::/10
    return AddressSpace::Public;
}

} // namespace corslab::cors
