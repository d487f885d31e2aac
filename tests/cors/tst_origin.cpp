// core/cors/origin: HTML's origin (tuple or opaque), its ASCII serialization, same origin, same
// site (schemeful, with the documented two-label approximation of the registrable domain) and
// the address spaces of Local Network Access.
#include "cors/origin.h"

#include <QtTest>

using namespace corslab::cors;

Q_DECLARE_METATYPE(AddressSpace)

namespace {
Origin url(const char *text)
{
    return Origin::fromUrl(QUrl(QString::fromLatin1(text)));
}

Origin parsed(const char *text)
{
    Origin o;
    QString error;
    if (!Origin::parse(QString::fromLatin1(text), &o, &error))
        qWarning("parse(%s): %s", text, qPrintable(error));
    return o;
}
} // namespace

class TestOrigin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("opaque");
        QTest::addColumn<QByteArray>("scheme");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("serialized");
        auto tuple = [](const char *tag, const char *u, const char *scheme, const char *host,
                        int port, const char *serialized) {
            QTest::newRow(tag) << QString::fromUtf8(u) << false << QByteArray(scheme)
                               << QByteArray(host) << port << QByteArray(serialized);
        };
        auto opaque = [](const char *tag, const char *u) {
            QTest::newRow(tag) << QString::fromUtf8(u) << true << QByteArray() << QByteArray() << -1
                               << QByteArray("null");
        };
        tuple("https, default port", "https://example.com/a?b#c", "https", "example.com", -1,
              "https://example.com");
        tuple("http, explicit default port elided", "http://example.com:80/", "http", "example.com",
              -1, "http://example.com");
        tuple("https, explicit default port elided", "https://example.com:443", "https",
              "example.com", -1, "https://example.com");
        tuple("http on 443 keeps the port", "http://example.com:443/", "http", "example.com", 443,
              "http://example.com:443");
        tuple("https on 80 keeps the port", "https://example.com:80/", "https", "example.com", 80,
              "https://example.com:80");
        tuple("other port", "http://127.0.0.1:8080/x", "http", "127.0.0.1", 8080,
              "http://127.0.0.1:8080");
        tuple("scheme and host lowercased", "HTTPS://Example.COM:8443/", "https", "example.com",
              8443, "https://example.com:8443");
        tuple("user info dropped", "http://user:pass@example.com/", "http", "example.com", -1,
              "http://example.com");
        tuple("IPv6 loopback", "http://[::1]:3000/", "http", "::1", 3000, "http://[::1]:3000");
        tuple("IPv6 default port", "https://[2001:db8::1]/", "https", "2001:db8::1", -1,
              "https://[2001:db8::1]");
        tuple("IPv6 compressed and lowercased", "http://[2001:DB8:0:0:0:0:0:1]/", "http",
              "2001:db8::1", -1, "http://[2001:db8::1]");
        tuple("IDN as ASCII (punycode)",
              "https://b\xc3\xbc"
              "cher.example/",
              "https", "xn--bcher-kva.example", -1, "https://xn--bcher-kva.example");
        tuple("ws default 80", "ws://example.com:80/chat", "ws", "example.com", -1,
              "ws://example.com");
        tuple("wss default 443", "wss://example.com:443/", "wss", "example.com", -1,
              "wss://example.com");
        tuple("wss other port", "wss://example.com:8443/", "wss", "example.com", 8443,
              "wss://example.com:8443");
        tuple("ftp default 21", "ftp://example.com:21/file", "ftp", "example.com", -1,
              "ftp://example.com");
        opaque("data URL", "data:text/plain,hello");
        opaque("file URL", "file:///etc/hosts");
        opaque("about:blank", "about:blank");
        opaque("javascript URL", "javascript:alert(1)");
        opaque("unknown scheme with a host", "gopher://example.com/");
        opaque("empty URL", "");
        opaque("relative URL", "/path");
    }
    void fromUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, opaque);
        QFETCH(QByteArray, scheme);
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(QByteArray, serialized);
        const Origin o = Origin::fromUrl(QUrl(url));
        QCOMPARE(o.opaque, opaque);
        QCOMPARE(o.serialize(), serialized);
        if (!opaque) {
            QCOMPARE(o.scheme, scheme);
            QCOMPARE(o.host, host);
            QCOMPARE(o.port, port);
        }
    }

    void makeTuple()
    {
        const Origin a = Origin::makeTuple("https", "example.com", 443);
        QVERIFY(!a.opaque);
        QCOMPARE(a.port, -1);
        QCOMPARE(a.serialize(), QByteArray("https://example.com"));
        const Origin b = Origin::makeTuple("http", "example.com", -1);
        QCOMPARE(b.serialize(), QByteArray("http://example.com"));
        const Origin c = Origin::makeTuple("http", "fd00::1", 8080);
        QCOMPARE(c.port, 8080);
        QCOMPARE(c.serialize(), QByteArray("http://[fd00::1]:8080"));
        const Origin d = Origin::makeTuple("https", "::1", 443);
        QCOMPARE(d.serialize(), QByteArray("https://[::1]"));
        // The same origin whichever way it is built.
        QVERIFY(a.sameOriginAs(url("https://example.com/")));
        QCOMPARE(c.serialize(), url("http://[fd00::1]:8080/").serialize());
    }

    void opaqueOrigin()
    {
        const Origin o = Origin::makeOpaque();
        QVERIFY(o.opaque);
        QCOMPARE(o.serialize(), QByteArray("null"));
        QVERIFY(!o.isHttpFamily());
        QCOMPARE(Origin().serialize(), QByteArray("null"));
        QVERIFY(Origin().opaque);
    }

    void parseAccepted_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("opaque");
        QTest::addColumn<QByteArray>("serialized");
        QTest::newRow("null") << QStringLiteral("null") << true << QByteArray("null");
        QTest::newRow("https") << QStringLiteral("https://example.com") << false
                               << QByteArray("https://example.com");
        QTest::newRow("port") << QStringLiteral("https://example.com:8443") << false
                              << QByteArray("https://example.com:8443");
        QTest::newRow("default port")
            << QStringLiteral("http://example.com:80") << false << QByteArray("http://example.com");
        QTest::newRow("uppercase") << QStringLiteral("HTTP://LOCALHOST:3000") << false
                                   << QByteArray("http://localhost:3000");
        QTest::newRow("IPv4") << QStringLiteral("http://127.0.0.1:8080") << false
                              << QByteArray("http://127.0.0.1:8080");
        QTest::newRow("IPv6") << QStringLiteral("http://[::1]:8080") << false
                              << QByteArray("http://[::1]:8080");
        QTest::newRow("wss") << QStringLiteral("wss://example.com") << false
                             << QByteArray("wss://example.com");
        // The URL standard keeps these in a domain (QUrl refuses them): Safari sends such
        // origins, and the audit probes with them.
        QTest::newRow("backtick in host")
            << QStringLiteral("https://app.example.com`.attacker.test") << false
            << QByteArray("https://app.example.com`.attacker.test");
        QTest::newRow("brace and port")
            << QStringLiteral("HTTP://App.Example.com}.x.test:8080") << false
            << QByteArray("http://app.example.com}.x.test:8080");
        QTest::newRow("default port dropped")
            << QStringLiteral("https://a$b.test:443") << false << QByteArray("https://a$b.test");
    }
    void parseAccepted()
    {
        QFETCH(QString, text);
        QFETCH(bool, opaque);
        QFETCH(QByteArray, serialized);
        Origin o = Origin::makeTuple("http", "before", 1);
        QString error;
        QVERIFY2(Origin::parse(text, &o, &error), qPrintable(error));
        QCOMPARE(o.opaque, opaque);
        QCOMPARE(o.serialize(), serialized);
        // Serializing and parsing again gives the same origin.
        Origin again;
        QVERIFY(Origin::parse(QString::fromLatin1(o.serialize()), &again, &error));
        QCOMPARE(again.serialize(), serialized);
        if (!opaque)
            QVERIFY(again.sameOriginAs(o));
    }

    void parseRejected_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("detail"); // what follows `got "<text>"`, if anything
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("no scheme") << QStringLiteral("example.com") << QString();
        QTest::newRow("Null is not null") << QStringLiteral("Null") << QString();
        QTest::newRow("no host") << QStringLiteral("http://") << QString();
        QTest::newRow("data URL") << QStringLiteral("data:text/plain,x") << QString();
        QTest::newRow("bad port") << QStringLiteral("http://example.com:99999") << QString();
        QTest::newRow("space in host") << QStringLiteral("http://exa mple.com") << QString();
        QTest::newRow("caret in host") << QStringLiteral("https://a^b.test") << QString();
        QTest::newRow("percent in host") << QStringLiteral("https://a%60b.test") << QString();
        QTest::newRow("special, bad port") << QStringLiteral("https://a`b.test:x1") << QString();
        QTest::newRow("special, huge port")
            << QStringLiteral("https://a`b.test:70000") << QString();
        const QString drop = QStringLiteral(
            " (drop the path, query or user info: an Origin header never carries them)");
        QTest::newRow("trailing slash") << QStringLiteral("https://example.com/") << drop;
        QTest::newRow("path") << QStringLiteral("https://example.com/app") << drop;
        QTest::newRow("query") << QStringLiteral("https://example.com?x=1") << drop;
        QTest::newRow("fragment") << QStringLiteral("https://example.com#top") << drop;
        QTest::newRow("user info") << QStringLiteral("https://user@example.com") << drop;
        QTest::newRow("scheme without a tuple origin")
            << QStringLiteral("gopher://example.com")
            << QStringLiteral(" (scheme \"gopher\" has no tuple origin)");
    }
    void parseRejected()
    {
        QFETCH(QString, text);
        QFETCH(QString, detail);
        Origin o;
        QString error;
        QVERIFY(!Origin::parse(text, &o, &error));
        QCOMPARE(error, QStringLiteral("expected a serialized origin such as "
                                       "\"http://127.0.0.1:8080\" (scheme://host[:port], without "
                                       "path) or \"null\", got \"") +
                            text + QLatin1Char('"') + detail);
    }

    void sameOrigin_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("same");
        auto row = [](const char *tag, const char *a, const char *b, bool same) {
            QTest::newRow(tag) << QString::fromLatin1(a) << QString::fromLatin1(b) << same;
        };
        row("identical", "https://example.com/a", "https://example.com/b", true);
        row("default port explicit", "http://example.com:80/", "http://example.com/", true);
        row("case of the host", "http://EXAMPLE.com/", "http://example.com/", true);
        row("query and user info ignored", "http://u@example.com/?q", "http://example.com/#f",
            true);
        row("scheme differs", "http://example.com/", "https://example.com/", false);
        row("port differs", "http://localhost:3000/", "http://localhost:8080/", false);
        row("explicit non-default port", "https://example.com:8443/", "https://example.com/",
            false);
        row("subdomain", "https://api.example.com/", "https://example.com/", false);
        row("IPv4 vs localhost", "http://127.0.0.1/", "http://localhost/", false);
        row("IPv6 forms", "http://[0:0:0:0:0:0:0:1]/", "http://[::1]/", true);
        row("ws vs http", "ws://example.com/", "http://example.com/", false);
        row("opaque vs tuple", "data:,x", "https://example.com/", false);
        row("opaque vs opaque", "data:,x", "data:,x", false);
    }
    void sameOrigin()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, same);
        const Origin x = Origin::fromUrl(QUrl(a));
        const Origin y = Origin::fromUrl(QUrl(b));
        QCOMPARE(x.sameOriginAs(y), same);
        QCOMPARE(y.sameOriginAs(x), same);
        if (!x.opaque)
            QVERIFY(x.sameOriginAs(x)); // reflexive for tuples
    }

    void opaqueIsNotSameOriginWithItself()
    {
        // Each opaque origin is unique; without an identity to compare, the answer is no.
        const Origin o = Origin::makeOpaque();
        QVERIFY(!o.sameOriginAs(o));
    }

    void httpFamily()
    {
        QVERIFY(url("http://example.com/").isHttpFamily());
        QVERIFY(url("https://example.com/").isHttpFamily());
        QVERIFY(!url("ws://example.com/").isHttpFamily());
        QVERIFY(!url("wss://example.com/").isHttpFamily());
        QVERIFY(!url("ftp://example.com/").isHttpFamily());
        QVERIFY(!url("data:,x").isHttpFamily());
    }

    void sameSite_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("same");
        auto row = [](const char *tag, const char *a, const char *b, bool same) {
            QTest::newRow(tag) << QString::fromLatin1(a) << QString::fromLatin1(b) << same;
        };
        row("same origin", "https://example.com", "https://example.com", true);
        row("ports never count", "http://localhost:3000", "http://localhost:8080", true);
        row("subdomains of one domain", "https://app.example.com", "https://api.example.com", true);
        row("domain and its subdomain", "https://example.com", "https://a.b.example.com:8443",
            true);
        row("schemeful: http vs https", "http://example.com", "https://example.com", false);
        row("different domains", "https://example.com", "https://example.org", false);
        row("same label, different TLD", "https://a.example.com", "https://a.example.net", false);
        row("suffix that is not a label", "https://myexample.com", "https://example.com", false);
        row("IPv4 addresses are their own site", "http://10.0.0.1", "http://10.1.0.1", false);
        row("same IPv4", "http://10.0.0.1:1", "http://10.0.0.1:2", true);
        row("IPv6 addresses are their own site", "http://[fd00::1]", "http://[fd01::1]", false);
        row("same IPv6", "http://[::1]:1", "http://[::1]:2", true);
        row("localhost vs 127.0.0.1", "http://localhost", "http://127.0.0.1", false);
        row("documented approximation: no public suffix list", "https://a.co.uk", "https://b.co.uk",
            true);
        row("null vs null", "null", "null", false);
    }
    void sameSite()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, same);
        Origin x;
        Origin y;
        QString error;
        QVERIFY2(Origin::parse(a, &x, &error), qPrintable(error));
        QVERIFY2(Origin::parse(b, &y, &error), qPrintable(error));
        QCOMPARE(corslab::cors::sameSite(x, y), same);
        QCOMPARE(corslab::cors::sameSite(y, x), same);
    }

    void sameSiteWithOpaque()
    {
        const Origin tuple = parsed("https://example.com");
        QVERIFY(!corslab::cors::sameSite(Origin::makeOpaque(), tuple));
        QVERIFY(!corslab::cors::sameSite(tuple, Origin::makeOpaque()));
    }

    void defaultPorts()
    {
        QCOMPARE(defaultPort("http"), 80);
        QCOMPARE(defaultPort("https"), 443);
        QCOMPARE(defaultPort("ws"), 80);
        QCOMPARE(defaultPort("wss"), 443);
        QCOMPARE(defaultPort("ftp"), 21);
        QCOMPARE(defaultPort("file"), -1);
        QCOMPARE(defaultPort("data"), -1);
        QCOMPARE(defaultPort(""), -1);
        QCOMPARE(defaultPort("HTTP"), -1); // schemes arrive lowercased
    }

    void addressSpaceOfHost_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<AddressSpace>("space");
        auto row = [](const char *host, AddressSpace space) {
            QTest::newRow(host) << QByteArray(host) << space;
        };
        row("localhost", AddressSpace::Loopback);
        row("app.localhost", AddressSpace::Loopback);
        row("notlocalhost", AddressSpace::Unknown);
        row("localhost.example.com", AddressSpace::Unknown);
        row("example.com", AddressSpace::Unknown);
        row("127.0.0.1", AddressSpace::Loopback);
        row("127.255.255.254", AddressSpace::Loopback);
        row("0.0.0.0", AddressSpace::Loopback);
        row("10.0.0.1", AddressSpace::Local);
        row("10.255.255.255", AddressSpace::Local);
        row("172.16.0.1", AddressSpace::Local);
        row("172.31.255.255", AddressSpace::Local);
        row("172.15.255.255", AddressSpace::Public);
        row("172.32.0.0", AddressSpace::Public);
        row("192.168.1.1", AddressSpace::Local);
        row("192.169.0.1", AddressSpace::Public);
        row("169.254.169.254", AddressSpace::Local);
        row("169.253.0.1", AddressSpace::Public);
        row("8.8.8.8", AddressSpace::Public);
        row("11.0.0.1", AddressSpace::Public);
        row("128.0.0.1", AddressSpace::Public);
        // Not dotted quads: names as far as the engine can tell.
        row("256.0.0.1", AddressSpace::Unknown);
        row("1.2.3", AddressSpace::Unknown);
        row("1.2.3.4.5", AddressSpace::Unknown);
        row("1..2.3", AddressSpace::Unknown);
        row("10.0.0.1.example", AddressSpace::Unknown);
        row("", AddressSpace::Unknown);
        row("::1", AddressSpace::Loopback);
        row("::", AddressSpace::Loopback);
        row("::ffff:127.0.0.1", AddressSpace::Loopback);
        row("::ffff:192.168.0.1", AddressSpace::Local);
        row("::ffff:8.8.8.8", AddressSpace::Public);
        row("fc00::1", AddressSpace::Local);
        row("fd12:3456::1", AddressSpace::Local);
        row("fe80::1", AddressSpace::Local);
        row("febf::1", AddressSpace::Local);
        row("fec0::1", AddressSpace::Public);
        row("2001:db8::1", AddressSpace::Public);
        row("2606:4700::1111", AddressSpace::Public);
        // A short first group is not one of those prefixes: fc::1 is 00fc::1, fe8::1 is 0fe8::1.
        row("fc::1", AddressSpace::Public);
        row("fd::", AddressSpace::Public);
        row("fe8::1", AddressSpace::Public);
        row("feb:1::1", AddressSpace::Public);
        row("fdff:ffff::1", AddressSpace::Local);
    }
    void addressSpaceOfHost()
    {
        QFETCH(QByteArray, host);
        QFETCH(AddressSpace, space);
        QCOMPARE(corslab::cors::addressSpaceOfHost(host), space);
    }

    void addressSpaceOfUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<AddressSpace>("space");
        QTest::newRow("localhost")
            << QStringLiteral("http://LOCALHOST:3000/") << AddressSpace::Loopback;
        QTest::newRow("IPv4 loopback")
            << QStringLiteral("http://127.0.0.1:8080/") << AddressSpace::Loopback;
        QTest::newRow("private IPv4")
            << QStringLiteral("http://192.168.0.10/") << AddressSpace::Local;
        QTest::newRow("IPv6 loopback in brackets")
            << QStringLiteral("http://[::1]:8080/") << AddressSpace::Loopback;
        QTest::newRow("IPv6 unique local")
            << QStringLiteral("http://[FD00::1]/") << AddressSpace::Local;
        QTest::newRow("public IPv4") << QStringLiteral("https://1.1.1.1/") << AddressSpace::Public;
        QTest::newRow("name") << QStringLiteral("https://example.com/") << AddressSpace::Unknown;
    }
    void addressSpaceOfUrl()
    {
        QFETCH(QString, url);
        QFETCH(AddressSpace, space);
        QCOMPARE(addressSpaceOf(QUrl(url)), space);
    }
};

QTEST_APPLESS_MAIN(TestOrigin)
#include "tst_origin.moc"
