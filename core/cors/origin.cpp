#include "origin.h"

#include <QStringList>

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

Origin Origin::fromUrl(const QUrl &url)
{
    Origin o;
    const QByteArray scheme = url.scheme().toLatin1().toLower();
    if (defaultPort(scheme) < 0 || url.host().isEmpty())
        return o; // opaque
    o.opaque = false;
    o.scheme = scheme;
    o.host = url.host(QUrl::FullyEncoded).toLatin1().toLower();
    if (o.host.startsWith('[') && o.host.endsWith(']'))
        o.host = o.host.mid(1, o.host.size() - 2);
    const int port = url.port(-1);
    o.port = (port == defaultPort(scheme)) ? -1 : port;
    return o;
}

bool Origin::parse(const QString &text, Origin *out, QString *error)
{
    if (text == QLatin1String("null")) {
        *out = makeOpaque();
        return true;
    }
    const QUrl url(text, QUrl::StrictMode);
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

QByteArray Origin::serialize() const
{
    if (opaque)
        return QByteArrayLiteral("null");
    QByteArray s = scheme + "://";
    s += host.contains(':') ? '[' + host + ']' : host;
    if (port >= 0)
        s += ':' + QByteArray::number(port);
    return s;
}

bool Origin::sameOriginAs(const Origin &other) const
{
    if (opaque || other.opaque)
        return false;
    return scheme == other.scheme && host == other.host && port == other.port;
}

// IPv4 dotted quad into four numbers; false when \a text is not one.
static bool parseIpv4(const QString &text, int octets[4])
{
    const QStringList parts = text.split(QLatin1Char('.'));
    if (parts.size() != 4)
        return false;
    for (int i = 0; i < 4; ++i) {
        bool ok = false;
        octets[i] = parts.at(i).toInt(&ok);
        if (!ok || octets[i] < 0 || octets[i] > 255)
            return false;
    }
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

AddressSpace addressSpaceOf(const QUrl &url)
{
    const QString host = url.host().toLower();
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")))
        return AddressSpace::Loopback;
    int octets[4];
    if (parseIpv4(host, octets))
        return ipv4Space(octets);
    if (!host.contains(QLatin1Char(':')))
        return AddressSpace::Unknown; // a name: only DNS knows
    if (host == QLatin1String("::1") || host == QLatin1String("::"))
        return AddressSpace::Loopback;
    if (host.startsWith(QLatin1String("::ffff:")) && parseIpv4(host.mid(7), octets))
        return ipv4Space(octets);
    if (host.startsWith(QLatin1String("fc")) || host.startsWith(QLatin1String("fd")))
        return AddressSpace::Local; // unique local fc00::/7
    if (host.startsWith(QLatin1String("fe8")) || host.startsWith(QLatin1String("fe9")) ||
        host.startsWith(QLatin1String("fea")) || host.startsWith(QLatin1String("feb")))
        return AddressSpace::Local; // link-local fe80::/10
    return AddressSpace::Public;
}

} // namespace corslab::cors
