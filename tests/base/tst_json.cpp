// core/base's JSON helpers: JsonScanner (walks a document without building it), parseJsonValue,
// JsonReader (field-by-field reading with one worded error) and json_text (appendString,
// isoTimeUtc). Offsets are counted by hand from the documents; messages come from the headers.
// The documents are ordinary string literals: with raw ones (R"(...)") moc 6.4 stops seeing the
// test class ("No relevant classes found") and the link fails.
#include "base/json_reader.h"
#include "base/json_scanner.h"
#include "base/json_text.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QtTest>

using namespace corslab::base;

namespace {
struct Member
{
    QString name;
    QByteArray value;
    qsizetype offset;
    bool operator==(const Member &) const = default;
};

// Every member (or element, with the index as its name) the scanner visits.
QList<Member> membersOf(QByteArrayView text, qsizetype base, bool *ok, QString *error)
{
    QList<Member> out;
    JsonScanner scanner(text, base);
    *ok = scanner.members([&](const QString &name, QByteArrayView value, qsizetype offset) {
        out.append({name, value.toByteArray(), offset});
        return true;
    });
    *error = scanner.error();
    return out;
}

QList<Member> elementsOf(QByteArrayView text, qsizetype base, bool *ok, QString *error)
{
    QList<Member> out;
    JsonScanner scanner(text, base);
    *ok = scanner.elements([&](qsizetype index, QByteArrayView value, qsizetype offset) {
        out.append({QString::number(index), value.toByteArray(), offset});
        return true;
    });
    *error = scanner.error();
    return out;
}

QString syntaxError(const char *what, qsizetype at)
{
    return QStringLiteral("not a valid JSON document: %1 at byte %2")
        .arg(QLatin1String(what))
        .arg(at);
}

QByteArray jsonString(QByteArrayView bytes, bool latin1)
{
    QByteArray out;
    appendString(out, bytes, latin1);
    return out;
}

// The string appendString wrote, as a JSON parser reads it back.
QString readBack(const QByteArray &json, bool *ok)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + json + ']', &error);
    *ok = error.error == QJsonParseError::NoError && doc.array().size() == 1 &&
          doc.array().at(0).isString();
    return doc.array().at(0).toString();
}
} // namespace

class TestJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- JsonScanner -------------------------------------------------------------------------

    void membersFlat()
    {
        bool ok = false;
        QString error;
        //                      0123456789012345678901234567890
        const QByteArray text = "{\"a\": 1, \"b\":\"x\" ,\"c\" : null}";
        const QList<Member> got = membersOf(text, 0, &ok, &error);
        QVERIFY2(ok, qPrintable(error));
        QVERIFY(error.isEmpty());
        const QList<Member> expected = {
            {QStringLiteral("a"), "1", 6},
            {QStringLiteral("b"), "\"x\"", 13},
            {QStringLiteral("c"), "null", 24},
        };
        QCOMPARE(got, expected);
    }

    void membersNested()
    {
        bool ok = false;
        QString error;
        // Values are handed over whole, nested objects and arrays included, with their offset
        // in the whole document (base 100).
        const QByteArray text =
            "{\"o\":{\"p\":[1,{\"q\":2}]},\"l\":[[],[{}]],\"n\":-1.5e3,\"t\":true}";
        const QList<Member> got = membersOf(text, 100, &ok, &error);
        QVERIFY2(ok, qPrintable(error));
        const QList<Member> expected = {
            {QStringLiteral("o"), "{\"p\":[1,{\"q\":2}]}", 105},
            {QStringLiteral("l"), "[[],[{}]]", 127},
            {QStringLiteral("n"), "-1.5e3", 141},
            {QStringLiteral("t"), "true", 152},
        };
        QCOMPARE(got, expected);
        for (const Member &m : got)
            QCOMPARE(text.mid(m.offset - 100, m.value.size()), m.value);
    }

    void membersStringsWithBrackets()
    {
        bool ok = false;
        QString error;
        // Quotes, brackets and braces inside strings, escaped quotes and backslashes, and a
        // name with escapes (decoded for the visitor).
        const QByteArray text = "{\"a\":\"x\\\"}\",\"b\":{\"k\":\"]}\\\\\"},\"c\\\"d\\u0041\":[\"["
                                "\",{\"}\":\"\\\"{\"}],\"e\":\"\\\\\"}";
        const QList<Member> got = membersOf(text, 0, &ok, &error);
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(got.size(), 4);
        QCOMPARE(got.at(0).name, QStringLiteral("a"));
        QCOMPARE(got.at(0).value, QByteArray("\"x\\\"}\""));
        QCOMPARE(got.at(1).name, QStringLiteral("b"));
        QCOMPARE(got.at(1).value, QByteArray("{\"k\":\"]}\\\\\"}"));
        QCOMPARE(got.at(2).name, QStringLiteral("c\"dA"));
        QCOMPARE(got.at(2).value, QByteArray("[\"[\",{\"}\":\"\\\"{\"}]"));
        QCOMPARE(got.at(3).name, QStringLiteral("e"));
        QCOMPARE(got.at(3).value, QByteArray("\"\\\\\""));
    }

    void membersEmptyAndSpace()
    {
        bool ok = false;
        QString error;
        QVERIFY(membersOf("{}", 0, &ok, &error).isEmpty());
        QVERIFY(ok);
        QVERIFY(membersOf(" \t\r\n{ \n } \n", 0, &ok, &error).isEmpty());
        QVERIFY(ok);
    }

    void elementsNested()
    {
        bool ok = false;
        QString error;
        //                      0         1         2         3
        //                      0123456789012345678901234567890123
        const QByteArray text = "[ 1, \"a,]\", [2,[3]] ,{\"x\":[]},null ]";
        const QList<Member> got = elementsOf(text, 7, &ok, &error);
        QVERIFY2(ok, qPrintable(error));
        const QList<Member> expected = {
            {QStringLiteral("0"), "1", 9},        {QStringLiteral("1"), "\"a,]\"", 12},
            {QStringLiteral("2"), "[2,[3]]", 19}, {QStringLiteral("3"), "{\"x\":[]}", 28},
            {QStringLiteral("4"), "null", 37},
        };
        QCOMPARE(got, expected);
        QVERIFY(elementsOf("[]", 0, &ok, &error).isEmpty());
        QVERIFY(ok);
    }

    void scannerErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("object"); // members() when true, elements() otherwise
        QTest::addColumn<QString>("error");
        QTest::newRow("empty document, object")
            << QByteArray("") << true << syntaxError("expected an object", 0);
        QTest::newRow("white space only")
            << QByteArray("   ") << true << syntaxError("expected an object", 3);
        QTest::newRow("array where an object is expected")
            << QByteArray("[]") << true << syntaxError("expected an object", 0);
        QTest::newRow("object where an array is expected")
            << QByteArray(" {}") << false << syntaxError("expected an array", 1);
        QTest::newRow("truncated after a member")
            << QByteArray("{\"a\":1") << true << syntaxError("expected ',' or '}'", 6);
        QTest::newRow("truncated after the colon")
            << QByteArray("{\"a\":") << true << syntaxError("unexpected end of the document", 5);
        QTest::newRow("truncated string value")
            << QByteArray("{\"a\":\"xy") << true << syntaxError("unterminated string", 8);
        QTest::newRow("string ends in an escaped quote")
            << QByteArray("{\"a\":\"x\\\"}") << true << syntaxError("unterminated string", 10);
        QTest::newRow("truncated name")
            << QByteArray("{\"ab") << true << syntaxError("unterminated string", 4);
        QTest::newRow("truncated nested object")
            << QByteArray("{\"a\":{\"b\":1") << true
            << syntaxError("unexpected end of the document inside an object", 11);
        QTest::newRow("truncated nested array")
            << QByteArray("{\"a\":[1,[2]") << true
            << syntaxError("unexpected end of the document inside an array", 11);
        QTest::newRow("string inside a truncated nested value")
            << QByteArray("{\"a\":[\"x") << true << syntaxError("unterminated string", 8);
        QTest::newRow("missing colon")
            << QByteArray("{\"a\" 1}") << true << syntaxError("expected ':'", 5);
        QTest::newRow("unquoted name")
            << QByteArray("{ a:1}") << true << syntaxError("expected a field name in quotes", 2);
        QTest::newRow("number as a name") << QByteArray("{\"a\":1, 2:3}") << true
                                          << syntaxError("expected a field name in quotes", 8);
        QTest::newRow("missing comma between members")
            << QByteArray("{\"a\":1 \"b\":2}") << true << syntaxError("expected ',' or '}'", 7);
        QTest::newRow("trailing comma in an object")
            << QByteArray("{\"a\":1,}") << true << syntaxError("expected a value", 7);
        QTest::newRow("leading comma in an object")
            << QByteArray("{,}") << true << syntaxError("expected a value", 1);
        QTest::newRow("text after the object")
            << QByteArray("{\"a\":1} x") << true
            << syntaxError("unexpected text after the object", 8);
        QTest::newRow("truncated array")
            << QByteArray("[1,2") << false << syntaxError("expected ',' or ']'", 4);
        QTest::newRow("trailing comma in an array")
            << QByteArray("[1,]") << false << syntaxError("expected a value", 3);
        QTest::newRow("missing comma between elements")
            << QByteArray("[1 2]") << false << syntaxError("expected ',' or ']'", 3);
        QTest::newRow("array truncated after a comma")
            << QByteArray("[1, ") << false << syntaxError("unexpected end of the document", 4);
        QTest::newRow("text after the array")
            << QByteArray("[] ]") << false << syntaxError("unexpected text after the array", 3);
    }
    void scannerErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, object);
        QFETCH(QString, error);
        bool ok = true;
        QString got;
        if (object)
            membersOf(text, 0, &ok, &got);
        else
            elementsOf(text, 0, &ok, &got);
        QVERIFY(!ok);
        QCOMPARE(got, error);

        // The same text further into a document: the offset moves with the base.
        const qsizetype at = error.section(QLatin1Char(' '), -1).toLongLong();
        QString shifted;
        if (object)
            membersOf(text, 1000, &ok, &shifted);
        else
            elementsOf(text, 1000, &ok, &shifted);
        QVERIFY(!ok);
        QVERIFY2(shifted.endsWith(QStringLiteral(" at byte %1").arg(at + 1000)),
                 qPrintable(shifted));
    }

    void scannerBadNameEscape()
    {
        // The name is parsed on its own: a bad escape in it is reported by parseJsonValue with
        // an offset inside the document.
        bool ok = true;
        QString error;
        membersOf("{\"a\":1,\"\\u00zz\":2}", 50, &ok, &error);
        QVERIFY(!ok);
        QVERIFY2(error.startsWith(QStringLiteral("not a valid JSON document: ")),
                 qPrintable(error));
        const qsizetype at = error.section(QLatin1Char(' '), -1).toLongLong();
        QVERIFY2(at >= 57 && at <= 64, qPrintable(error)); // within `"\u00zz"` at bytes 57-64
    }

    void visitorStopsEarly()
    {
        int calls = 0;
        JsonScanner objects("{\"a\":1,\"b\":2,\"c\":3}", 0);
        QVERIFY(!objects.members([&](const QString &name, QByteArrayView, qsizetype) {
            ++calls;
            return name != QLatin1String("b");
        }));
        QCOMPARE(calls, 2);
        QVERIFY(objects.error().isEmpty()); // stopping is not a syntax error

        calls = 0;
        // The elements after the stop are never looked at, broken or not.
        JsonScanner arrays("[1,2,3,", 0);
        QVERIFY(!arrays.elements([&](qsizetype index, QByteArrayView, qsizetype) {
            ++calls;
            return index < 1;
        }));
        QCOMPARE(calls, 2);
        QVERIFY(arrays.error().isEmpty());
    }

    void scannerByHand()
    {
        // The steps members() is made of, for a reader walking a document itself.
        JsonScanner scanner("  [ 12 , \"x\" ]  ", 10);
        QVERIFY(!scanner.consume('{'));
        QCOMPARE(scanner.offset(), 12); // consume() skipped the space even when it failed
        QVERIFY(scanner.consume('['));
        QByteArrayView span;
        QVERIFY(scanner.value(&span));
        QCOMPARE(span, QByteArrayView("12"));
        QCOMPARE(scanner.offset(), 16);
        QVERIFY(scanner.consume(','));
        QVERIFY(scanner.value(&span));
        QCOMPARE(span, QByteArrayView("\"x\""));
        QVERIFY(!scanner.atEnd());
        QVERIFY(scanner.consume(']'));
        QVERIFY(scanner.atEnd());
        QCOMPARE(scanner.offset(), 26);
        QVERIFY(!scanner.value(&span));
        QCOMPARE(scanner.error(), syntaxError("unexpected end of the document", 26));
        QVERIFY(!scanner.failAt(QStringLiteral("custom")));
        QCOMPARE(scanner.error(), syntaxError("custom", 26));
    }

    void scannerEmptyValue()
    {
        JsonScanner scanner("]", 0);
        QByteArrayView span;
        QVERIFY(!scanner.value(&span));
        QCOMPARE(scanner.error(), syntaxError("expected a value", 0));
    }

    // --- parseJsonValue -----------------------------------------------------------------------

    void parseScalars_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("integer") << QByteArray("42") << QJsonValue(42);
        QTest::newRow("negative exponent") << QByteArray("-1.5e3") << QJsonValue(-1500.0);
        QTest::newRow("true") << QByteArray("true") << QJsonValue(true);
        QTest::newRow("false") << QByteArray("false") << QJsonValue(false);
        QTest::newRow("null") << QByteArray("null") << QJsonValue(QJsonValue::Null);
        QTest::newRow("string") << QByteArray("\"a\\\"b\\u00e9\"")
                                << QJsonValue(QStringLiteral("a\"b\u00e9"));
        QTest::newRow("empty string") << QByteArray("\"\"") << QJsonValue(QString());
        QTest::newRow("surrounding space") << QByteArray(" 7 ") << QJsonValue(7);
        QTest::newRow("object") << QByteArray("{\"a\":[1]}")
                                << QJsonValue(QJsonObject{{QStringLiteral("a"), QJsonArray{1}}});
        QTest::newRow("array") << QByteArray("[1,\"x\"]")
                               << QJsonValue(QJsonArray{1, QStringLiteral("x")});
    }
    void parseScalars()
    {
        QFETCH(QByteArray, text);
        QFETCH(QJsonValue, value);
        QJsonValue got;
        QString error;
        QVERIFY2(parseJsonValue(text, 0, &got, &error), qPrintable(error));
        QCOMPARE(got, value);
        QVERIFY(error.isEmpty());
    }

    void parseErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("document"); // text at byte 1 of an array
        QTest::newRow("bad literal") << QByteArray("tru") << QByteArray("[tru]");
        QTest::newRow("unterminated string") << QByteArray("\"ab") << QByteArray("[\"ab]");
        QTest::newRow("two values") << QByteArray("1 2") << QByteArray("[1 2]");
        QTest::newRow("bad number") << QByteArray("-") << QByteArray("[-]");
        QTest::newRow("bad escape") << QByteArray("\"a\\u00zz\"") << QByteArray("[\"a\\u00zz\"]");
    }
    void parseErrors()
    {
        // A scalar is parsed by wrapping it in brackets: the offset must still be the one the
        // same text has in a document, here the one QJsonDocument gives for `[text]` with the
        // text at byte 1.
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, document);
        QJsonParseError expected;
        QJsonDocument::fromJson(document, &expected);
        QVERIFY(expected.error != QJsonParseError::NoError);

        QJsonValue got(QStringLiteral("untouched"));
        QString error;
        QVERIFY(!parseJsonValue(text, 1, &got, &error));
        QCOMPARE(error, QStringLiteral("not a valid JSON document: %1 at byte %2")
                            .arg(expected.errorString())
                            .arg(expected.offset));
        QVERIFY(!parseJsonValue(text, 101, &got, &error));
        QVERIFY(error.endsWith(QStringLiteral(" at byte %1").arg(expected.offset + 100)));
        QCOMPARE(got, QJsonValue(QStringLiteral("untouched")));
    }

    void parseObjectErrorOffset()
    {
        // An object or array is parsed as is: QJsonDocument's offset plus where it starts.
        const QByteArray text = "{\"a\":[1,}]";
        QJsonParseError expected;
        QJsonDocument::fromJson(text, &expected);
        QVERIFY(expected.error != QJsonParseError::NoError);
        QJsonValue got;
        QString error;
        QVERIFY(!parseJsonValue(text, 40, &got, &error));
        QCOMPARE(error, QStringLiteral("not a valid JSON document: %1 at byte %2")
                            .arg(expected.errorString())
                            .arg(40 + expected.offset));
    }

    void scanThenParse()
    {
        // The intended use: the scanner finds the values, parseJsonValue reads each.
        const QByteArray text = "{\"ok\":{\"n\":1},\"bad\":[1,}]}";
        JsonScanner scanner(text, 0);
        QString error;
        QJsonValue first;
        const bool ok = scanner.members([&](const QString &name, QByteArrayView v, qsizetype at) {
            QJsonValue value;
            if (!parseJsonValue(v, at, &value, &error))
                return false;
            if (name == QLatin1String("ok"))
                first = value;
            return true;
        });
        QVERIFY(!ok);
        QCOMPARE(first, QJsonValue(QJsonObject{{QStringLiteral("n"), 1}}));
        QJsonParseError whole;
        QJsonDocument::fromJson(text, &whole);
        // The error is where a parse of the whole document finds it.
        QVERIFY2(error.endsWith(QStringLiteral(" at byte %1").arg(whole.offset)),
                 qPrintable(error));
    }

    // --- JsonReader ---------------------------------------------------------------------------

    void describe_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("string") << QJsonValue(QStringLiteral("PUT")) << QStringLiteral("\"PUT\"");
        QTest::newRow("empty string") << QJsonValue(QString()) << QStringLiteral("\"\"");
        QTest::newRow("integer") << QJsonValue(5) << QStringLiteral("5");
        QTest::newRow("fraction") << QJsonValue(1.5) << QStringLiteral("1.5");
        QTest::newRow("negative") << QJsonValue(-3) << QStringLiteral("-3");
        QTest::newRow("true") << QJsonValue(true) << QStringLiteral("true");
        QTest::newRow("false") << QJsonValue(false) << QStringLiteral("false");
        QTest::newRow("array") << QJsonValue(QJsonArray{1}) << QStringLiteral("an array");
        QTest::newRow("object") << QJsonValue(QJsonObject()) << QStringLiteral("an object");
        QTest::newRow("null") << QJsonValue(QJsonValue::Null) << QStringLiteral("null");
        QTest::newRow("undefined")
            << QJsonValue(QJsonValue::Undefined) << QStringLiteral("nothing");
    }
    void describe()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, text);
        QCOMPARE(JsonReader::describe(value), text);
    }

    void failKeepsTheFirstError()
    {
        QString error;
        JsonReader reader(&error);
        QVERIFY(!reader.failed());
        QVERIFY(!reader.fail(QStringLiteral("request.method"),
                             QStringLiteral("an HTTP method token such as \"PUT\""),
                             QJsonValue(5)));
        QVERIFY(reader.failed());
        QCOMPARE(error,
                 QStringLiteral("request.method: expected an HTTP method token such as \"PUT\", "
                                "got 5"));
        QVERIFY(!reader.failText(QStringLiteral("other"), QStringLiteral("later problem")));
        QVERIFY(!reader.fail(QStringLiteral("x"), QStringLiteral("y"), QJsonValue(true)));
        QCOMPARE(error,
                 QStringLiteral("request.method: expected an HTTP method token such as \"PUT\", "
                                "got 5"));
    }

    void failText()
    {
        QString error;
        JsonReader reader(&error);
        QVERIFY(!reader.failText(QStringLiteral("policy.origins[2]"), QStringLiteral("too long")));
        QVERIFY(reader.failed());
        QCOMPARE(error, QStringLiteral("policy.origins[2]: too long"));
    }

    void checkKeys()
    {
        const QStringList known = {QStringLiteral("method"), QStringLiteral("url")};
        {
            QString error;
            JsonReader reader(&error);
            QVERIFY(reader.checkKeys(QJsonObject{{QStringLiteral("url"), 1}},
                                     QStringLiteral("request"), known));
            QVERIFY(reader.checkKeys(QJsonObject(), QStringLiteral("request"), known));
            QVERIFY(!reader.failed());
            QVERIFY(error.isEmpty());
        }
        {
            QString error;
            JsonReader reader(&error);
            QVERIFY(!reader.checkKeys(
                QJsonObject{{QStringLiteral("url"), 1}, {QStringLiteral("methd"), 2}},
                QStringLiteral("request"), known));
            QVERIFY(reader.failed());
            QCOMPARE(error, QStringLiteral("request.methd: unknown field (known: method, url)"));
        }
        {
            // At the top level the field is the key alone; keys are case-sensitive.
            QString error;
            JsonReader reader(&error);
            QVERIFY(
                !reader.checkKeys(QJsonObject{{QStringLiteral("Method"), 1}}, QString(), known));
            QCOMPARE(error, QStringLiteral("Method: unknown field (known: method, url)"));
        }
    }

    void choice()
    {
        enum class Mode { Cors, NoCors, SameOrigin };
        const QList<QPair<QString, Mode>> options = {
            {QStringLiteral("cors"), Mode::Cors},
            {QStringLiteral("no-cors"), Mode::NoCors},
            {QStringLiteral("same-origin"), Mode::SameOrigin}};
        const QString expected =
            QStringLiteral("mode: expected one of \"cors\", \"no-cors\", \"same-origin\", got ");
        {
            QString error;
            JsonReader reader(&error);
            Mode mode = Mode::Cors;
            QVERIFY(reader.choice(QJsonValue(QStringLiteral("no-cors")), QStringLiteral("mode"),
                                  options, &mode));
            QCOMPARE(mode, Mode::NoCors);
            QVERIFY(reader.choice(QJsonValue(QStringLiteral("same-origin")), QStringLiteral("mode"),
                                  options, &mode, true));
            QCOMPARE(mode, Mode::SameOrigin);
            // Undefined keeps the default unless required.
            QVERIFY(reader.choice(QJsonValue(QJsonValue::Undefined), QStringLiteral("mode"),
                                  options, &mode));
            QCOMPARE(mode, Mode::SameOrigin);
            QVERIFY(!reader.failed());
        }
        {
            QString error;
            JsonReader reader(&error);
            Mode mode = Mode::Cors;
            QVERIFY(!reader.choice(QJsonValue(QJsonValue::Undefined), QStringLiteral("mode"),
                                   options, &mode, true));
            QCOMPARE(error, expected + QStringLiteral("nothing"));
            QCOMPARE(mode, Mode::Cors);
        }
        {
            // Names are matched exactly: no case folding.
            QString error;
            JsonReader reader(&error);
            Mode mode = Mode::Cors;
            QVERIFY(!reader.choice(QJsonValue(QStringLiteral("No-Cors")), QStringLiteral("mode"),
                                   options, &mode));
            QCOMPARE(error, expected + QStringLiteral("\"No-Cors\""));
            QCOMPARE(mode, Mode::Cors);
        }
        {
            // Null is a value, not a missing field.
            QString error;
            JsonReader reader(&error);
            Mode mode = Mode::Cors;
            QVERIFY(!reader.choice(QJsonValue(QJsonValue::Null), QStringLiteral("mode"), options,
                                   &mode));
            QCOMPARE(error, expected + QStringLiteral("null"));
        }
        {
            QString error;
            JsonReader reader(&error);
            Mode mode = Mode::Cors;
            QVERIFY(!reader.choice(QJsonValue(1), QStringLiteral("mode"), options, &mode));
            QCOMPARE(error, expected + QStringLiteral("1"));
        }
    }

    void strings()
    {
        const QStringList before = {QStringLiteral("kept")};
        {
            QString error;
            JsonReader reader(&error);
            QStringList out = before;
            QVERIFY(reader.strings(QJsonValue(QJsonValue::Undefined), QStringLiteral("f"), &out));
            QCOMPARE(out, before);
            QVERIFY(reader.strings(QJsonArray{QStringLiteral("a"), QString()}, QStringLiteral("f"),
                                   &out));
            QCOMPARE(out, (QStringList{QStringLiteral("a"), QString()}));
            QVERIFY(reader.strings(QJsonArray(), QStringLiteral("f"), &out));
            QVERIFY(out.isEmpty()); // an empty array replaces the list
            QVERIFY(!reader.failed());
        }
        {
            QString error;
            JsonReader reader(&error);
            QStringList out = before;
            QVERIFY(
                !reader.strings(QJsonValue(QStringLiteral("a")), QStringLiteral("origins"), &out));
            QCOMPARE(error, QStringLiteral("origins: expected an array of strings, got \"a\""));
            QCOMPARE(out, before);
        }
        {
            // The offending element is quoted, and nothing is half-stored.
            QString error;
            JsonReader reader(&error);
            QStringList out = before;
            QVERIFY(!reader.strings(QJsonArray{QStringLiteral("a"), 3, QStringLiteral("b")},
                                    QStringLiteral("origins"), &out));
            QCOMPARE(error, QStringLiteral("origins: expected an array of strings, got 3"));
            QCOMPARE(out, before);
        }
        {
            QString error;
            JsonReader reader(&error);
            QStringList out;
            QVERIFY(!reader.strings(QJsonValue(QJsonValue::Null), QStringLiteral("origins"), &out));
            QCOMPARE(error, QStringLiteral("origins: expected an array of strings, got null"));
        }
    }

    void headerListAccepted()
    {
        QString error;
        JsonReader reader(&error);
        QList<QPair<QByteArray, QByteArray>> out;
        QVERIFY(reader.headerList(QJsonValue(QJsonValue::Undefined), QStringLiteral("h"), &out));
        QVERIFY(reader.headerList(QJsonValue(QJsonValue::Null), QStringLiteral("h"), &out));
        QVERIFY(out.isEmpty());
        const QJsonArray headers = {
            QJsonArray{QStringLiteral("X-Custom"), QStringLiteral("a, b")},
            QJsonArray{QStringLiteral("!#$%&'*+-.^_`|~09azAZ"), QString()},
            QJsonArray{QStringLiteral("x-latin1"), QStringLiteral("caf\u00e9\tx\u00ff")},
            QJsonArray{QStringLiteral("X-Custom"), QStringLiteral("again")},
        };
        QVERIFY2(reader.headerList(headers, QStringLiteral("h"), &out), qPrintable(error));
        const QList<QPair<QByteArray, QByteArray>> expected = {
            {"X-Custom", "a, b"},
            {"!#$%&'*+-.^_`|~09azAZ", ""},
            {"x-latin1", "caf\xe9\tx\xff"}, // Latin-1 bytes, one per character
            {"X-Custom", "again"},          // duplicates and order kept
        };
        QCOMPARE(out, expected);
        QVERIFY(!reader.failed());
    }

    void headerListRejected_data()
    {
        const QString pair =
            QStringLiteral("headers[%1]: expected a [name, value] pair of two strings, got %2");
        const QString name = QStringLiteral(
            "headers[%1][0]: expected a header name (letters, digits and !#$%&'*+-.^_`|~), got %2");
        const QString value = QStringLiteral(
            "headers[%1][1]: expected a header value (Latin-1 text without NUL, CR or LF), got %2");
        const QJsonArray good = {QStringLiteral("a"), QStringLiteral("b")};
        auto row = [&](const char *tag, const QJsonValue &v, const QString &error) {
            QTest::newRow(tag) << v << error;
        };
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("error");
        row("not an array", QJsonValue(QStringLiteral("a: b")),
            QStringLiteral("headers: expected an array of [name, value] pairs, got \"a: b\""));
        row("object", QJsonValue(QJsonObject{{QStringLiteral("a"), QStringLiteral("b")}}),
            QStringLiteral("headers: expected an array of [name, value] pairs, got an object"));
        row("element not an array", QJsonArray{good, QStringLiteral("a: b")},
            pair.arg(1).arg(QStringLiteral("\"a: b\"")));
        row("one string", QJsonArray{QJsonArray{QStringLiteral("a")}},
            pair.arg(0).arg(QStringLiteral("an array")));
        row("three strings",
            QJsonArray{QJsonArray{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}},
            pair.arg(0).arg(QStringLiteral("an array")));
        row("number value", QJsonArray{QJsonArray{QStringLiteral("a"), 1}},
            pair.arg(0).arg(QStringLiteral("an array")));
        row("null element", QJsonArray{QJsonValue(QJsonValue::Null)},
            pair.arg(0).arg(QStringLiteral("null")));
        row("empty name", QJsonArray{good, QJsonArray{QString(), QStringLiteral("b")}},
            name.arg(1).arg(QStringLiteral("\"\"")));
        row("space in name", QJsonArray{QJsonArray{QStringLiteral("X Y"), QStringLiteral("b")}},
            name.arg(0).arg(QStringLiteral("\"X Y\"")));
        row("colon in name", QJsonArray{QJsonArray{QStringLiteral("X:"), QStringLiteral("b")}},
            name.arg(0).arg(QStringLiteral("\"X:\"")));
        row("non-ASCII name",
            QJsonArray{QJsonArray{QStringLiteral("caf\u00e9"), QStringLiteral("b")}},
            name.arg(0).arg(QStringLiteral("\"caf\u00e9\"")));
        row("LF in value", QJsonArray{QJsonArray{QStringLiteral("a"), QStringLiteral("b\nc")}},
            value.arg(0).arg(QStringLiteral("\"b\nc\"")));
        row("CR in value", QJsonArray{QJsonArray{QStringLiteral("a"), QStringLiteral("b\rc")}},
            value.arg(0).arg(QStringLiteral("\"b\rc\"")));
        row("NUL in value", QJsonArray{QJsonArray{QStringLiteral("a"), QString(QLatin1Char('\0'))}},
            value.arg(0).arg(QStringLiteral("\"") + QLatin1Char('\0') + QStringLiteral("\"")));
        row("beyond Latin-1", QJsonArray{QJsonArray{QStringLiteral("a"), QStringLiteral("\u0100")}},
            value.arg(0).arg(QStringLiteral("\"\u0100\"")));
    }
    void headerListRejected()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, error);
        QString got;
        JsonReader reader(&got);
        QList<QPair<QByteArray, QByteArray>> out;
        QVERIFY(!reader.headerList(value, QStringLiteral("headers"), &out));
        QVERIFY(reader.failed());
        QCOMPARE(got, error);
    }

    // --- json_text ----------------------------------------------------------------------------

    void appendString_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("latin1");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("plain") << QByteArray("text/plain") << false << QByteArray("\"text/plain\"");
        QTest::newRow("empty") << QByteArray() << true << QByteArray("\"\"");
        QTest::newRow("quote and backslash")
            << QByteArray("a\"b\\c") << true << QByteArray("\"a\\\"b\\\\c\"");
        QTest::newRow("short escapes")
            << QByteArray("\n\r\t") << false << QByteArray("\"\\n\\r\\t\"");
        QTest::newRow("other control characters as \\u00XX")
            << QByteArray("\x01\x08\x0c\x1f", 4) << true
            << QByteArray("\"\\u0001\\u0008\\u000c\\u001f\"");
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << false << QByteArray("\"a\\u0000b\"");
        QTest::newRow("DEL and slash need no escape")
            << QByteArray("\x7f/") << true << QByteArray("\"\x7f/\"");
        QTest::newRow("latin1: byte E9 as UTF-8 of U+00E9")
            << QByteArray("caf\xe9") << true << QByteArray("\"caf\xc3\xa9\"");
        QTest::newRow("latin1: 80 and FF")
            << QByteArray("\x80\xff") << true << QByteArray("\"\xc2\x80\xc3\xbf\"");
        QTest::newRow("UTF-8 copied as is") << QByteArray("caf\xc3\xa9 \xe2\x82\xac") << false
                                            << QByteArray("\"caf\xc3\xa9 \xe2\x82\xac\"");
        QTest::newRow("UTF-8 bytes read as Latin-1")
            << QByteArray("\xc3\xa9") << true << QByteArray("\"\xc3\x83\xc2\xa9\"");
        QTest::newRow("escape between runs")
            << QByteArray("abc\"def\nghi") << false << QByteArray("\"abc\\\"def\\nghi\"");
    }
    void appendString()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, latin1);
        QFETCH(QByteArray, json);
        QCOMPARE(jsonString(bytes, latin1), json);
        // Appends: what is already there stays.
        QByteArray out("[1,");
        corslab::base::appendString(out, bytes, latin1);
        QCOMPARE(out, "[1," + json);
    }

    void appendStringRoundTripLatin1()
    {
        // Every byte survives: the JSON reads back as the Latin-1 text of the bytes.
        QByteArray all;
        for (int b = 0; b < 256; ++b)
            all.append(char(b));
        all += all; // and again after a run of escapes
        bool ok = false;
        const QString back = readBack(jsonString(all, true), &ok);
        QVERIFY(ok);
        QCOMPARE(back, QString::fromLatin1(all));
    }

    void appendStringRoundTripUtf8()
    {
        QByteArray text;
        for (int b = 0; b < 0x80; ++b)
            text.append(char(b));
        text += QStringLiteral("\u00e9\u20ac\U0001F600 \"quoted\" \\").toUtf8();
        bool ok = false;
        const QString back = readBack(jsonString(text, false), &ok);
        QVERIFY(ok);
        QCOMPARE(back, QString::fromUtf8(text));
    }

    void isoTimeUtc_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("epoch") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
        QTest::newRow("one millisecond") << qint64(1) << QByteArray("1970-01-01T00:00:00.001Z");
        QTest::newRow("end of the first day")
            << qint64(86399999) << QByteArray("1970-01-01T23:59:59.999Z");
        QTest::newRow("header's example")
            << qint64(1714560063120) << QByteArray("2024-05-01T10:41:03.120Z");
        QTest::newRow("leap day 2024")
            << qint64(1709164800000) << QByteArray("2024-02-29T00:00:00.000Z");
        QTest::newRow("2000 is a leap year")
            << qint64(951782400000) << QByteArray("2000-02-29T00:00:00.000Z");
        QTest::newRow("2100 is not: Feb 28 is followed by Mar 1")
            << qint64(4107456000000 + 86400000) << QByteArray("2100-03-01T00:00:00.000Z");
        QTest::newRow("last millisecond of 1999")
            << qint64(946684799999) << QByteArray("1999-12-31T23:59:59.999Z");
        QTest::newRow("2^31 seconds")
            << qint64(2147483648000) << QByteArray("2038-01-19T03:14:08.000Z");
        QTest::newRow("last millisecond of 9999")
            << qint64(253402300799999) << QByteArray("9999-12-31T23:59:59.999Z");
        // Before the epoch the work is Qt's, in the same format.
        QTest::newRow("one millisecond before the epoch")
            << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
        QTest::newRow("one day before the epoch")
            << qint64(-86400000) << QByteArray("1969-12-31T00:00:00.000Z");
        QTest::newRow("year 1900")
            << qint64(-2208988800000) << QByteArray("1900-01-01T00:00:00.000Z");
        QTest::newRow("year 1") << qint64(-62135596800000)
                                << QByteArray("0001-01-01T00:00:00.000Z");
    }
    void isoTimeUtc()
    {
        QFETCH(qint64, ms);
        QFETCH(QByteArray, text);
        QCOMPARE(corslab::base::isoTimeUtc(ms), text);
    }

    void isoTimeUtcAgreesWithQt()
    {
        // Fast path against QDateTime over every day boundary region of a few centuries.
        for (qint64 ms = 0; ms < 253402300799999LL; ms += 86400000LL * 97 + 3600000LL * 7 + 61001) {
            const QByteArray qt =
                QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
            QCOMPARE(corslab::base::isoTimeUtc(ms), qt);
        }
    }
};

QTEST_APPLESS_MAIN(TestJson)
#include "tst_json.moc"
