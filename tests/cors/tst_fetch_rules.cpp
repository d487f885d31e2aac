// The Fetch standard's building blocks, one data row per example from the standard's text.
#include "base/header_list.h"
#include "cors/fetch_rules.h"
#include "cors/origin.h"

#include <QtTest>

using namespace corslab::cors;

class TestFetchRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mimeEssence_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("essence");
        QTest::newRow("parse a MIME type: simple")
            << QByteArray("text/plain") << QByteArray("text/plain");
        QTest::newRow("parse a MIME type: lowercased")
            << QByteArray("Text/HTML") << QByteArray("text/html");
        QTest::newRow("parse a MIME type: parameters ignored")
            << QByteArray("text/plain;charset=utf-8") << QByteArray("text/plain");
        QTest::newRow("parse a MIME type: whitespace before ;")
            << QByteArray("text/plain ;a=b") << QByteArray("text/plain");
        QTest::newRow("parse a MIME type: no subtype") << QByteArray("text/") << QByteArray();
        QTest::newRow("parse a MIME type: no type") << QByteArray("/plain") << QByteArray();
        QTest::newRow("parse a MIME type: not a token")
            << QByteArray("te xt/plain") << QByteArray();
        QTest::newRow("parse a MIME type: empty") << QByteArray("") << QByteArray();
    }
    void mimeEssence()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, essence);
        QCOMPARE(mimeTypeEssence(value), essence);
    }

    void normalizeMethod_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("normalized");
        QTest::newRow("normalize: get") << QByteArray("get") << QByteArray("GET");
        QTest::newRow("normalize: Delete") << QByteArray("Delete") << QByteArray("DELETE");
        QTest::newRow("normalize: options") << QByteArray("options") << QByteArray("OPTIONS");
        QTest::newRow("normalize: patch stays") << QByteArray("patch") << QByteArray("patch");
        QTest::newRow("normalize: Foo stays") << QByteArray("Foo") << QByteArray("Foo");
    }
    void normalizeMethod()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, normalized);
        QCOMPARE(corslab::cors::normalizeMethod(method), normalized);
    }

    void headerListSplit()
    {
        const HeaderList list{{"A", "x, \"y,z\""}, {"a", " w "}};
        const auto values = getDecodeAndSplit(list, "a");
        QVERIFY(values.has_value());
        QCOMPARE(*values, (QList<QByteArray>{"x", "\"y,z\"", "w"}));
        QCOMPARE(getHeader(list, "A").value(), QByteArray("x, \"y,z\", w"));
        QVERIFY(!getHeader(list, "b").has_value());
    }

    void extractValues()
    {
        const ExtractedValues list =
            extractHeaderListValues({{"M", "PUT, GET"}, {"m", " ,DELETE"}}, "m");
        QCOMPARE(list.values.size(), 3);
        QVERIFY(list.values.at(0) == "PUT" && list.values.at(1) == "GET" &&
                list.values.at(2) == "DELETE");
        QVERIFY(list.containsIgnoreCase("delete"));
        QVERIFY(!list.contains("delete"));
        QCOMPARE(extractHeaderListValues({{"M", "PUT GET"}}, "m").state,
                 ExtractedValues::State::Failure);
        QCOMPARE(extractHeaderListValues({}, "m").state, ExtractedValues::State::Absent);
        QVERIFY(extractHeaderListValues({{"M", ""}}, "m").values.isEmpty());
        QCOMPARE(extractHeaderListValues({{"M", "A, b c"}}, "m").offending, QByteArray("b c"));
    }

    void origins_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("serialized");
        QTest::newRow("origin: http with port")
            << QStringLiteral("http://a.test:8080") << true << QByteArray("http://a.test:8080");
        QTest::newRow("origin: default port dropped")
            << QStringLiteral("https://a.test:443") << true << QByteArray("https://a.test");
        QTest::newRow("origin: null") << QStringLiteral("null") << true << QByteArray("null");
        QTest::newRow("origin: IPv6")
            << QStringLiteral("http://[::1]:1") << true << QByteArray("http://[::1]:1");
        QTest::newRow("origin: path refused")
            << QStringLiteral("http://a.test/x") << false << QByteArray();
        QTest::newRow("origin: trailing slash refused")
            << QStringLiteral("http://a.test/") << false << QByteArray();
        QTest::newRow("origin: no scheme") << QStringLiteral("a.test") << false << QByteArray();
        QTest::newRow("origin: file scheme is opaque")
            << QStringLiteral("file://host") << false << QByteArray();
    }
    void origins()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QByteArray, serialized);
        Origin o;
        QString error;
        QCOMPARE(Origin::parse(text, &o, &error), valid);
        if (valid)
            QCOMPARE(o.serialize(), serialized);
        else
            QVERIFY(error.contains(QStringLiteral("expected a serialized origin")));
    }

    void addressSpaces_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("space");
        QTest::newRow("address space: localhost")
            << QStringLiteral("http://localhost/") << int(AddressSpace::Loopback);
        QTest::newRow("address space: 127.0.0.1")
            << QStringLiteral("http://127.0.0.1/") << int(AddressSpace::Loopback);
        QTest::newRow("address space: ::1")
            << QStringLiteral("http://[::1]/") << int(AddressSpace::Loopback);
        QTest::newRow("address space: 192.168")
            << QStringLiteral("http://192.168.1.1/") << int(AddressSpace::Local);
        QTest::newRow("address space: 10/8")
            << QStringLiteral("http://10.0.0.1/") << int(AddressSpace::Local);
        QTest::newRow("address space: 172.20")
            << QStringLiteral("http://172.20.0.1/") << int(AddressSpace::Local);
        QTest::newRow("address space: 172.32 is public")
            << QStringLiteral("http://172.32.0.1/") << int(AddressSpace::Public);
        QTest::newRow("address space: public v4")
            << QStringLiteral("http://93.184.216.34/") << int(AddressSpace::Public);
        QTest::newRow("address space: name")
            << QStringLiteral("http://example.com/") << int(AddressSpace::Unknown);
    }
    void addressSpaces()
    {
        QFETCH(QString, url);
        QFETCH(int, space);
        QCOMPARE(int(addressSpaceOf(QUrl(url))), space);
    }

    void combineRepeatedHeaders()
    {
        const HeaderList headers{{"Accept", "a"}, {"X-B", "1"}, {"accept", "b"}, {"ACCEPT", ""}};
        QCOMPARE(corslab::cors::combineRepeatedHeaders(headers),
                 HeaderList({{"Accept", "a, b, "}, {"X-B", "1"}}));
        QVERIFY(corslab::cors::combineRepeatedHeaders({}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFetchRules)
#include "tst_fetch_rules.moc"
