// core/base/header_list: the Fetch standard's header list primitives. Expectations come from the
// Fetch standard (HTTP whitespace, "get", "get, decode, and split" and its examples, "extract
// header list values") and RFC 9110 (tchar, the #rule's empty list elements).
#include "base/header_list.h"

#include <QtTest>

using namespace corslab::base;

using Values = QList<QByteArray>;
using State = ExtractedValues::State;

Q_DECLARE_METATYPE(HeaderList)
Q_DECLARE_METATYPE(std::optional<Values>)

namespace {
HeaderList one(const QByteArray &name, const QByteArray &value)
{
    return {{name, value}};
}

Values toList(const QList<QByteArrayView> &views)
{
    Values out;
    for (QByteArrayView v : views)
        out << v.toByteArray();
    return out;
}
} // namespace

class TestHeaderList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void httpWhitespace()
    {
        // Fetch: HTTP whitespace is exactly TAB, LF, CR and SPACE.
        for (int c = 0; c < 256; ++c) {
            const bool expected = c == 0x09 || c == 0x0A || c == 0x0D || c == 0x20;
            QVERIFY2(isHttpWhitespace(char(c)) == expected, qPrintable(QString::number(c)));
        }
    }

    void normalize_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("normalized");
        QTest::newRow("nothing to strip") << QByteArray("a b") << QByteArray("a b");
        QTest::newRow("empty") << QByteArray("") << QByteArray("");
        QTest::newRow("only whitespace") << QByteArray(" \t\r\n ") << QByteArray("");
        QTest::newRow("leading and trailing")
            << QByteArray("\t\r\n value \n\r\t") << QByteArray("value");
        QTest::newRow("inner whitespace kept") << QByteArray("  a \t b  ") << QByteArray("a \t b");
        QTest::newRow("vertical tab and form feed are not HTTP whitespace") << QByteArray("\x0b"
                                                                                          "a\x0c")
                                                                            << QByteArray("\x0b"
                                                                                          "a\x0c");
        QTest::newRow("NUL is not whitespace")
            << QByteArray(" \0a\0 ", 5) << QByteArray("\0a\0", 3);
        QTest::newRow("non-breaking space (Latin-1 0xA0) kept")
            << QByteArray("\xa0x\xa0") << QByteArray("\xa0x\xa0");
    }
    void normalize()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, normalized);
        QCOMPARE(normalizeHeaderValue(value), normalized);
    }

    void token_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("token");
        QTest::newRow("method") << QByteArray("PUT") << true;
        QTest::newRow("header name") << QByteArray("X-Custom-Header") << true;
        QTest::newRow("every tchar symbol") << QByteArray("!#$%&'*+-.^_`|~") << true;
        QTest::newRow("digits and letters") << QByteArray("09azAZ") << true;
        QTest::newRow("one character") << QByteArray("a") << true;
        QTest::newRow("empty") << QByteArray("") << false;
        QTest::newRow("space") << QByteArray("a b") << false;
        QTest::newRow("tab") << QByteArray("a\tb") << false;
        QTest::newRow("comma") << QByteArray("a,b") << false;
        QTest::newRow("colon") << QByteArray("a:b") << false;
        QTest::newRow("quote") << QByteArray("\"a\"") << false;
        QTest::newRow("slash") << QByteArray("a/b") << false;
        QTest::newRow("parentheses") << QByteArray("(a)") << false;
        QTest::newRow("at sign") << QByteArray("a@b") << false;
        QTest::newRow("brackets and braces") << QByteArray("[a]{b}") << false;
        QTest::newRow("semicolon, equals") << QByteArray("a;b=c") << false;
        QTest::newRow("question mark") << QByteArray("a?") << false;
        QTest::newRow("backslash") << QByteArray("a\\b") << false;
        QTest::newRow("less than") << QByteArray("<a>") << false;
        QTest::newRow("DEL") << QByteArray("a\x7f") << false;
        QTest::newRow("NUL") << QByteArray("a\0", 2) << false;
        QTest::newRow("Latin-1 letter") << QByteArray("caf\xe9") << false;
        QTest::newRow("UTF-8 letter") << QByteArray("caf\xc3\xa9") << false;
    }
    void token()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, token);
        QCOMPARE(isHttpToken(value), token);
    }

    void tokenEveryByte()
    {
        // RFC 9110 tchar, counted: 10 digits, 52 letters and 15 symbols.
        int count = 0;
        for (int c = 0; c < 256; ++c) {
            const char ch = char(c);
            if (isHttpToken(QByteArrayView(&ch, 1)))
                ++count;
        }
        QCOMPARE(count, 77);
    }

    void equalsIgnoreCase_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("identical") << QByteArray("Origin") << QByteArray("Origin") << true;
        QTest::newRow("case differs") << QByteArray("Access-Control-Allow-Origin")
                                      << QByteArray("access-control-ALLOW-origin") << true;
        QTest::newRow("both empty") << QByteArray("") << QByteArray("") << true;
        QTest::newRow("lengths differ") << QByteArray("Origin") << QByteArray("Origins") << false;
        QTest::newRow("prefix") << QByteArray("ab") << QByteArray("a") << false;
        QTest::newRow("one letter differs") << QByteArray("abc") << QByteArray("abd") << false;
        // Byte-lowercase maps only A-Z: '@' (0x40) and '`' (0x60) differ by the same bit as a
        // letter's two cases but are different bytes, as are '[' and '{'.
        QTest::newRow("@ vs backtick") << QByteArray("@") << QByteArray("`") << false;
        QTest::newRow("[ vs {") << QByteArray("[") << QByteArray("{") << false;
        QTest::newRow("^ vs ~") << QByteArray("^") << QByteArray("~") << false;
        QTest::newRow("Latin-1 letters are not folded")
            << QByteArray("\xc0") << QByteArray("\xe0") << false;
        QTest::newRow("digits") << QByteArray("x-1") << QByteArray("X-1") << true;
        QTest::newRow("letter vs digit") << QByteArray("A") << QByteArray("!") << false;
    }
    void equalsIgnoreCase()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(corslab::base::equalsIgnoreCase(a, b), equal);
        QCOMPARE(corslab::base::equalsIgnoreCase(b, a), equal); // symmetric
    }

    void asciiLower_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("lower");
        QTest::newRow("already lower") << QByteArray("content-type") << QByteArray("content-type");
        QTest::newRow("mixed") << QByteArray("Content-TYPE") << QByteArray("content-type");
        QTest::newRow("empty") << QByteArray("") << QByteArray("");
        QTest::newRow("symbols untouched") << QByteArray("@[`{^~") << QByteArray("@[`{^~");
        QTest::newRow("Latin-1 untouched (byte-lowercase is ASCII only)")
            << QByteArray("\xc0X\xdd") << QByteArray("\xc0x\xdd");
        QTest::newRow("whole alphabet")
            << QByteArray("ABCDEFGHIJKLMNOPQRSTUVWXYZ") << QByteArray("abcdefghijklmnopqrstuvwxyz");
    }
    void asciiLower()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, lower);
        QCOMPARE(corslab::base::asciiLower(value), lower);
    }

    void contains()
    {
        const HeaderList list = {{"Content-Type", "text/plain"}, {"X-Empty", ""}};
        QVERIFY(containsHeader(list, "content-type"));
        QVERIFY(containsHeader(list, "CONTENT-TYPE"));
        QVERIFY(containsHeader(list, "x-empty")); // an empty value is still a header
        QVERIFY(!containsHeader(list, "content"));
        QVERIFY(!containsHeader(list, "content-type2"));
        QVERIFY(!containsHeader(list, "text/plain")); // names, not values
        QVERIFY(!containsHeader(HeaderList(), "content-type"));
    }

    void get_data()
    {
        QTest::addColumn<HeaderList>("list");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("present");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("absent") << HeaderList{{"A", "1"}} << QByteArray("b") << false
                                << QByteArray();
        QTest::newRow("empty list") << HeaderList() << QByteArray("a") << false << QByteArray();
        QTest::newRow("one") << HeaderList{{"A", "1"}} << QByteArray("a") << true
                             << QByteArray("1");
        QTest::newRow("empty value is not null")
            << HeaderList{{"A", ""}} << QByteArray("a") << true << QByteArray("");
        QTest::newRow("combined with comma space, in order")
            << HeaderList{{"A", "1"}, {"B", "x"}, {"a", "2"}, {"A", "3"}} << QByteArray("A") << true
            << QByteArray("1, 2, 3");
        // WPT fetch/api/basic/header-value-combining: two empty values give ", ".
        QTest::newRow("two empty values")
            << HeaderList{{"double-trouble", ""}, {"double-trouble", ""}}
            << QByteArray("double-trouble") << true << QByteArray(", ");
        QTest::newRow("values normalized before joining")
            << HeaderList{{"A", "  1\t"}, {"A", "\r\n2 "}} << QByteArray("a") << true
            << QByteArray("1, 2");
        QTest::newRow("inner commas kept") << HeaderList{{"A", "1,2"}, {"A", "3"}}
                                           << QByteArray("a") << true << QByteArray("1,2, 3");
    }
    void get()
    {
        QFETCH(HeaderList, list);
        QFETCH(QByteArray, name);
        QFETCH(bool, present);
        QFETCH(QByteArray, value);
        const std::optional<QByteArray> got = getHeader(list, name);
        QCOMPARE(got.has_value(), present);
        if (present)
            QCOMPARE(*got, value);
    }

    void getDecodeAndSplit_data()
    {
        QTest::addColumn<HeaderList>("list");
        QTest::addColumn<Values>("values");
        // The examples of the Fetch standard's "get, decode, and split".
        QTest::newRow("fetch: nosniff,") << one("A", "nosniff,") << Values{"nosniff", ""};
        QTest::newRow("fetch: empty value") << one("A", "") << Values{""};
        QTest::newRow("fetch: quoted comma, unterminated")
            << one("A", "text/html;\", x/x") << Values{"text/html;\", x/x"};
        QTest::newRow("fetch: quoted comma, two headers")
            << HeaderList{{"A", "text/html;\""}, {"A", "x/x"}} << Values{"text/html;\", x/x"};
        QTest::newRow("fetch: quoted parameter then a type")
            << one("A", "x/x;test=\"hi\",y/y") << Values{"x/x;test=\"hi\"", "y/y"};
        QTest::newRow("fetch: quoted parameter, two headers")
            << HeaderList{{"A", "x/x;test=\"hi\""}, {"A", "y/y"}}
            << Values{"x/x;test=\"hi\"", "y/y"};
        QTest::newRow("fetch: unterminated quote swallows the rest")
            << one("A", "x/x;test=\"hi, y/y") << Values{"x/x;test=\"hi, y/y"};
        QTest::newRow("fetch: empty elements kept")
            << one("A", "x / x,,,1") << Values{"x / x", "", "", "1"};
        QTest::newRow("fetch: empty elements over two headers")
            << HeaderList{{"A", "x / x"}, {"A", ","}, {"A", "1"}} << Values{"x / x", "", "", "1"};
        QTest::newRow("fetch: quoted value first")
            << one("A", "\"1,2\", 3") << Values{"\"1,2\"", "3"};
        QTest::newRow("fetch: quoted value over two headers")
            << HeaderList{{"A", "\"1,2\""}, {"A", "3"}} << Values{"\"1,2\"", "3"};
        // Collecting an HTTP quoted string keeps quotes and backslashes (extract-value false).
        QTest::newRow("escaped quote does not close the string")
            << one("A", "\"a\\\",b\", c") << Values{"\"a\\\",b\"", "c"};
        QTest::newRow("escaped backslash then closing quote")
            << one("A", "\"a\\\\\",b") << Values{"\"a\\\\\"", "b"};
        QTest::newRow("escaped comma inside quotes")
            << one("A", "\"a\\,b\",c") << Values{"\"a\\,b\"", "c"};
        QTest::newRow("backslash outside quotes is an ordinary byte")
            << one("A", "a\\,b") << Values{"a\\", "b"};
        QTest::newRow("two quoted strings in one element")
            << one("A", "\"a,b\"x\"c,d\",e") << Values{"\"a,b\"x\"c,d\"", "e"};
        QTest::newRow("tab and space stripped")
            << one("A", "a \t,\t b\t , c") << Values{"a", "b", "c"};
        QTest::newRow("inner spaces kept") << one("A", "a b , c  d") << Values{"a b", "c  d"};
        QTest::newRow("leading comma") << one("A", ",a") << Values{"", "a"};
        QTest::newRow("only a comma") << one("A", ",") << Values{"", ""};
        QTest::newRow("vertical tab is not tab or space")
            << one("A", "a\x0b, b") << Values{"a\x0b", "b"};
        QTest::newRow("name matched case-insensitively")
            << HeaderList{{"a", "1"}, {"B", "2"}, {"A", "3"}} << Values{"1", "3"};
        // Collect an HTTP quoted string: a backslash at the end is kept, and the value still
        // ends up in the list.
        QTest::newRow("backslash ending an unterminated quote")
            << one("A", "x, \"a\\") << Values{"x", "\"a\\"};
    }
    void getDecodeAndSplit()
    {
        QFETCH(HeaderList, list);
        QFETCH(Values, values);
        const std::optional<Values> got = corslab::base::getDecodeAndSplit(list, "a");
        QVERIFY(got.has_value());
        QCOMPARE(*got, values);
    }

    void getDecodeAndSplitAbsent()
    {
        QVERIFY(!corslab::base::getDecodeAndSplit(HeaderList(), "a").has_value());
        QVERIFY(!corslab::base::getDecodeAndSplit(one("b", "1"), "a").has_value());
    }

    void extract_data()
    {
        QTest::addColumn<HeaderList>("list");
        QTest::addColumn<int>("state");
        QTest::addColumn<Values>("values");
        QTest::addColumn<QByteArray>("offending");
        const int failure = int(State::Failure);
        const int ok = int(State::Values);
        QTest::newRow("one token")
            << one("Access-Control-Allow-Methods", "PUT") << ok << Values{"PUT"} << QByteArray();
        QTest::newRow("list with spaces and tabs")
            << one("access-control-allow-methods", "PUT, \tDELETE\t,PATCH") << ok
            << Values{"PUT", "DELETE", "PATCH"} << QByteArray();
        QTest::newRow("two headers combined")
            << HeaderList{{"Access-Control-Allow-Methods", "PUT"},
                          {"ACCESS-CONTROL-ALLOW-METHODS", "DELETE"}}
            << ok << Values{"PUT", "DELETE"} << QByteArray();
        QTest::newRow("wildcard is a token")
            << one("Access-Control-Allow-Methods", "*") << ok << Values{"*"} << QByteArray();
        QTest::newRow("case kept") << one("Access-Control-Allow-Methods", "pAtCh") << ok
                                   << Values{"pAtCh"} << QByteArray();
        // RFC 9110 §5.6.1: recipients ignore empty list elements.
        QTest::newRow("empty element ignored") << one("Access-Control-Allow-Methods", "PUT,,GET")
                                               << ok << Values{"PUT", "GET"} << QByteArray();
        QTest::newRow("trailing comma ignored")
            << one("Access-Control-Allow-Methods", "PUT,") << ok << Values{"PUT"} << QByteArray();
        QTest::newRow("leading comma and blank element ignored")
            << one("Access-Control-Allow-Methods", ", ,\t, PUT") << ok << Values{"PUT"}
            << QByteArray();
        QTest::newRow("empty value: present, no values")
            << one("Access-Control-Allow-Methods", "") << ok << Values() << QByteArray();
        QTest::newRow("two empty headers: present, no values")
            << HeaderList{{"Access-Control-Allow-Methods", ""},
                          {"Access-Control-Allow-Methods", ""}}
            << ok << Values() << QByteArray();
        QTest::newRow("space inside an element")
            << one("Access-Control-Allow-Methods", "PUT, GET POST, DELETE") << failure << Values()
            << QByteArray("GET POST");
        QTest::newRow("first offending value reported")
            << one("Access-Control-Allow-Headers", "x-a, x/b, x c") << failure << Values()
            << QByteArray("x/b");
        QTest::newRow("quoted string is not a token")
            << one("Access-Control-Allow-Headers", "\"x-a\"") << failure << Values()
            << QByteArray("\"x-a\"");
        QTest::newRow("quoted comma does not protect")
            << one("Access-Control-Allow-Headers", "x-a, \"b,c\"") << failure << Values()
            << QByteArray("\"b");
        QTest::newRow("non-ASCII byte") << one("Access-Control-Allow-Headers", "x-caf\xe9")
                                        << failure << Values() << QByteArray("x-caf\xe9");
        QTest::newRow("semicolon") << one("Access-Control-Expose-Headers", "a;b") << failure
                                   << Values() << QByteArray("a;b");
    }
    void extract()
    {
        QFETCH(HeaderList, list);
        QFETCH(int, state);
        QFETCH(Values, values);
        QFETCH(QByteArray, offending);
        // Looked up by the lowercase name: the match is byte-case-insensitive.
        const QByteArray name = list.constFirst().first.toLower();
        const ExtractedValues got = extractHeaderListValues(list, name);
        QCOMPARE(int(got.state), state);
        QCOMPARE(toList(got.values), values);
        QCOMPARE(got.offending, offending);
    }

    void extractAbsent()
    {
        const ExtractedValues got =
            extractHeaderListValues(one("Other", "PUT"), "access-control-allow-methods");
        QCOMPARE(got.state, State::Absent);
        QVERIFY(got.values.isEmpty());
        QVERIFY(got.offending.isEmpty());
        QCOMPARE(extractHeaderListValues(HeaderList(), "a").state, State::Absent);
    }

    void extractViewsOutliveTheList()
    {
        // The views point into the result's own copy, not into the caller's header list.
        ExtractedValues got;
        {
            HeaderList list = one("Access-Control-Allow-Headers", QByteArray("X-A, x-b"));
            got = extractHeaderListValues(list, "access-control-allow-headers");
            list.first().second.fill('z');
        }
        QCOMPARE(got.source, QByteArray("X-A, x-b"));
        QCOMPARE(toList(got.values), (Values{"X-A", "x-b"}));
    }

    void containsIgnoreCase()
    {
        const ExtractedValues got =
            extractHeaderListValues(one("Access-Control-Allow-Headers", "X-Custom, content-type"),
                                    "access-control-allow-headers");
        QCOMPARE(got.state, State::Values);
        QVERIFY(got.containsIgnoreCase("x-custom"));
        QVERIFY(got.containsIgnoreCase("X-CUSTOM"));
        QVERIFY(got.containsIgnoreCase("Content-Type"));
        QVERIFY(!got.containsIgnoreCase("x-custo"));
        QVERIFY(!got.containsIgnoreCase("x-custom2"));
        QVERIFY(!got.containsIgnoreCase(""));
        // contains() is the exact match (methods are case-sensitive).
        QVERIFY(got.contains("X-Custom"));
        QVERIFY(!got.contains("x-custom"));

        QVERIFY(!ExtractedValues().containsIgnoreCase("x-custom"));
        const ExtractedValues failed =
            extractHeaderListValues(one("Access-Control-Allow-Headers", "x-custom, bad value"),
                                    "access-control-allow-headers");
        QCOMPARE(failed.state, State::Failure);
        QVERIFY(!failed.containsIgnoreCase("x-custom")); // a failure has no values
    }
};

QTEST_APPLESS_MAIN(TestHeaderList)
#include "tst_header_list.moc"
