// The session file: every captured field and the extension members survive a write and a read,
// the file is written atomically, bad or damaged files are refused with the field and what was
// expected, and the size of a 100,000-exchange file is handled in seconds (printed, not
// asserted). The policy and the override rules are the workspace's (tests/workspace).
#include "chromium_exchanges.h"
#include "session/session.h"
#include "session/session_json.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <atomic>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

QByteArray written(const Session &s, WriteOptions options = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    options.createdBy = QStringLiteral("tst_session_json");
    if (!writeSession(s, &buffer, &error, options))
        qWarning("write failed: %s", qPrintable(error));
    return buffer.data();
}

// A test-local extension point: "tally" holds {"count": n >= 0}, "note" a string.
bool checkTally(const QJsonValue &value, const QString &field, QString *error)
{
    const QJsonValue count = value.toObject().value(QStringLiteral("count"));
    if (!value.isObject()) {
        *error = field + QStringLiteral(": expected a tally object");
        return false;
    }
    if (!count.isDouble() || count.toDouble() < 0) {
        *error = field + QStringLiteral(".count: expected a count >= 0");
        return false;
    }
    return true;
}

bool checkNote(const QJsonValue &value, const QString &field, QString *error)
{
    if (!value.isString())
        *error = field + QStringLiteral(": expected a note");
    return value.isString();
}

const SessionExtensions kExtensions = {{QStringLiteral("tally"), checkTally},
                                       {QStringLiteral("note"), checkNote}};

ExtensionValues someValues()
{
    return {{QStringLiteral("tally"), QJsonObject{{QStringLiteral("count"), 3}}},
            {QStringLiteral("note"), QStringLiteral("caf\u00e9 \"quoted\"")}};
}

QByteArray withoutCreatedAt(QByteArray text)
{
    const qsizetype at = text.indexOf("\"createdAt\"");
    return text.remove(at, text.indexOf('\n', at) - at);
}

// A valid file with every kind of content, to damage.
QByteArray richFile()
{
    Session s;
    CapturedExchange tunnel;
    tunnel.type = CapturedExchange::Type::Tunnel;
    tunnel.startedAtMs = kT0 + 9;
    tunnel.tunnel.host = "api.example.net";
    tunnel.tunnel.port = 443;
    s.append({everyField(kT0),
              X("OPTIONS", "https://api.example.net/items", kT0 + 1)
                  .request(chromiumPreflight("api.example.net", kApp, "PUT", "content-type"))
                  .response(204, {{"Access-Control-Allow-Origin", kApp}}),
              tunnel});
    return written(s, WriteOptions{{}, someValues()});
}

// A valid file with one exchange whose JSON text is \a exchange.
QByteArray fileWith(const QByteArray &exchange, const QByteArray &top = {})
{
    return "{\"format\": \"corslab-session\", \"version\": 1, \"profile\": \"chromium\", " + top +
           "\"exchanges\": [" + exchange + "]}";
}

// (No raw string literals in this file: moc's lexer loses its way in some of them.)
const QByteArray kGood = "{\"startedAtMs\": 1714560000000, \"request\": {\"method\": \"GET\", "
                         "\"url\": \"https://a.test/\", "
                         "\"headers\": [[\"Origin\", \"https://b.test\"]]}, \"response\": "
                         "{\"status\": 200, \"headers\": []}}";

bool sanitized()
{
#ifdef __SANITIZE_ADDRESS__ // GCC, and Clang since 17
    return true;
#else
    return false;
#endif
}
} // namespace

class TestSessionJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripIsLossless()
    {
        Session s;
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        s.setBodyCap(1 << 20);
        CapturedExchange tunnel;
        tunnel.type = CapturedExchange::Type::Tunnel;
        tunnel.startedAtMs = kT0 + 2;
        tunnel.method = "CONNECT";
        tunnel.url = "api.example.net:443";
        tunnel.tunnel.host = "api.example.net";
        tunnel.tunnel.port = 443;
        tunnel.tunnel.bytesFromClient = 9007199254740991LL; // 2^53 - 1: still exact in JSON
        CapturedExchange control = everyField(kT0 + 3);
        control.requestHeaders.append({"X-Controls", QByteArray("a\x01\x1f\x7f b", 6)});
        control.responseBody.stored = QByteArray("\xc3\x28 not UTF-8", 12); // base64 path
        control.responseBody.size = 12;
        control.overrideRule.clear();
        control.overridden = false;
        control.answeredLocally = true;
        const QList<CapturedExchange> originals = {
            everyField(kT0),
            X("OPTIONS", "https://api.example.net/items", kT0 + 1)
                .request(chromiumPreflight("api.example.net", kApp, "PUT", "content-type"))
                .response(204, {{"Access-Control-Allow-Origin", kApp}}),
            tunnel,
            control,
            CapturedExchange(),
        };
        s.append(originals);
        const QByteArray json = written(s);

        Session back;
        QString error;
        QVERIFY2(readSession(json, &back, &error), qPrintable(error));
        QCOMPARE(back.count(), originals.size());
        for (qsizetype i = 0; i < originals.size(); ++i)
            compareExchanges(back.exchange(i), s.exchange(i));
        QCOMPARE(back.profile().name, QStringLiteral("firefox"));
        QCOMPARE(back.bodyCap(), 1 << 20);
        // Kinds, pairing and verdicts are recomputed, and come out the same.
        for (qsizetype i = 0; i < originals.size(); ++i) {
            QCOMPARE(back.row(i).kind, s.row(i).kind);
            QCOMPARE(back.row(i).verdict, s.row(i).verdict);
            QCOMPARE(back.row(i).pairedId, s.row(i).pairedId);
        }
        // Written again, it is the same file but for the time of writing.
        QByteArray again = written(back);
        QCOMPARE(withoutCreatedAt(again), withoutCreatedAt(json));
    }

    // The source and the browser's own report (an attachment's captures) survive a write and
    // a read, with each row's verdict byte; the file writes them as docs/session-format.md says.
    void browserReportRoundTrip()
    {
        Session s;
        const QList<CapturedExchange> exchanges = attachedExchanges(kT0);
        s.append(exchanges);
        const QByteArray json = written(s);
        QVERIFY2(json.contains("\"source\":\"browser (DevTools protocol)\""), json.constData());
        QVERIFY2(json.contains("\"browser\":{\"name\":\"Chrome/156.0.8078.129\","
                               "\"corsError\":\"AllowOriginMismatch\","
                               "\"failedParameter\":\"https://evil.test\"}"),
                 json.constData());
        Session back;
        QString error;
        QVERIFY2(readSession(json, &back, &error), qPrintable(error));
        QCOMPARE(back.count(), exchanges.size());
        for (qsizetype i = 0; i < exchanges.size(); ++i) {
            compareExchanges(back.exchange(i), exchanges.at(i));
            QCOMPARE(back.row(i).browserVerdict, s.row(i).browserVerdict);
        }
        QCOMPARE(withoutCreatedAt(written(back)), withoutCreatedAt(json));
    }

    void extensionsRoundTrip()
    {
        Session s;
        s.append({everyField(kT0)});
        const QByteArray json = written(s, WriteOptions{{}, someValues()});
        // Compact JSON after "bodyCap", in the order given.
        QVERIFY2(json.contains("\"bodyCap\":65536,\n\"tally\":{\"count\":3},\n"
                               "\"note\":\"caf\xc3\xa9 \\\"quoted\\\"\",\n\"exchangeCount\":1,"),
                 json.left(300).constData());

        SessionFile file;
        QString error;
        QVERIFY2(parseSessionJson(json, kExtensions, &file, &error), qPrintable(error));
        QCOMPARE(file.extensions, someValues());

        Session back;
        ExtensionValues values;
        QVERIFY2(readSession(json, &back, kExtensions, &values, &error), qPrintable(error));
        QCOMPARE(back.count(), 1);
        compareExchanges(back.exchange(0), s.exchange(0));
        QCOMPARE(values, someValues());

        // Session -> file -> session -> file: the same file but for the time of writing.
        const QByteArray again = written(back, WriteOptions{{}, values});
        QCOMPARE(withoutCreatedAt(again), withoutCreatedAt(json));

        // Read in the order of the known extensions, whatever the order in the file.
        const ExtensionValues reversed = {someValues().at(1), someValues().at(0)};
        QVERIFY2(readSession(written(s, WriteOptions{{}, reversed}), &back, kExtensions, &values,
                             &error),
                 qPrintable(error));
        QCOMPARE(values, someValues());
        // A null member is no member.
        QVERIFY2(
            readSession(fileWith(kGood, "\"note\": null, "), &back, kExtensions, &values, &error),
            qPrintable(error));
        QVERIFY(values.isEmpty());
    }

    void extensionsUnknownOrBad()
    {
        Session s;
        s.append({everyField(kT0)});
        const QByteArray json = written(s, WriteOptions{{}, someValues()});
        Session back;
        ExtensionValues values = someValues();
        QString error;
        // A reader that does not know the extension refuses it by name.
        QVERIFY(!readSession(json, &back, {}, &values, &error));
        QCOMPARE(error, QStringLiteral("note: unknown field (known: format, version, createdBy, "
                                       "createdAt, profile, bodyCap, exchangeCount, exchanges)"));
        QVERIFY(!readSession(json, &back, {kExtensions.at(1)}, &values, &error));
        QCOMPARE(error, QStringLiteral("tally: unknown field (known: format, version, createdBy, "
                                       "createdAt, profile, bodyCap, note, exchangeCount, "
                                       "exchanges)"));
        // The checker's error, with the field path it was given.
        QVERIFY(!readSession(fileWith(kGood, "\"tally\": {\"count\": -1}, "), &back, kExtensions,
                             &values, &error));
        QCOMPARE(error, QStringLiteral("tally.count: expected a count >= 0"));
        QVERIFY(
            !readSession(fileWith(kGood, "\"note\": 5, "), &back, kExtensions, &values, &error));
        QCOMPARE(error, QStringLiteral("note: expected a note"));
        // A failed read leaves what the caller had.
        QCOMPARE(back.count(), 0);
        QCOMPARE(values, someValues());
    }

    void fileWithoutExtensions()
    {
        // A file without extension members (older files, or writers without any): none are
        // read, and a failed read leaves what the caller had.
        ExtensionValues values = someValues();
        Session s;
        QString error;
        QVERIFY(!readSession(fileWith(kGood, "\"note\": 5, "), &s, kExtensions, &values, &error));
        QCOMPARE(values, someValues());
        QVERIFY2(readSession(fileWith(kGood), &s, kExtensions, &values, &error), qPrintable(error));
        QCOMPARE(s.count(), 1);
        QVERIFY(values.isEmpty());
        // And a file written without them has no such members.
        const QJsonObject root = QJsonDocument::fromJson(written(s)).object();
        QVERIFY(!root.contains(QStringLiteral("tally")));
        QVERIFY(!root.contains(QStringLiteral("note")));
    }

    void fileLooksAsDocumented()
    {
        Session s;
        s.append({X("GET", "https://api.example.net/items")
                      .request(chromiumFetch("api.example.net", kApp, "cross-site"))
                      .add("Cookie", "sid=1")
                      .response(200, {{"Access-Control-Allow-Origin", "*"}})});
        const QJsonObject root = QJsonDocument::fromJson(written(s)).object();
        QCOMPARE(root.value(QStringLiteral("format")).toString(),
                 QStringLiteral("corslab-session"));
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(root.value(QStringLiteral("createdBy")).toString(),
                 QStringLiteral("tst_session_json"));
        QCOMPARE(root.value(QStringLiteral("profile")).toString(), QStringLiteral("chromium"));
        const QJsonObject x = root.value(QStringLiteral("exchanges")).toArray().at(0).toObject();
        QCOMPARE(x.value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(x.value(QStringLiteral("startedAt")).toString(),
                 QStringLiteral("2024-05-01T10:40:00.000Z"));
        QCOMPARE(x.value(QStringLiteral("startedAtMs")).toDouble(), double(kT0));
        const QJsonObject request = x.value(QStringLiteral("request")).toObject();
        QCOMPARE(
            request.value(QStringLiteral("headers")).toArray().at(0).toArray().at(0).toString(),
            QStringLiteral("Host"));
        const QJsonObject computed = x.value(QStringLiteral("computed")).toObject();
        QCOMPARE(computed.value(QStringLiteral("kind")).toString(), QStringLiteral("simple-cors"));
        QCOMPARE(computed.value(QStringLiteral("verdict")).toString(), QStringLiteral("blocked"));
        QCOMPARE(computed.value(QStringLiteral("corsError")).toString(),
                 QStringLiteral("WildcardOriginNotAllowed"));
        QCOMPARE(computed.value(QStringLiteral("credentials")).toString(),
                 QStringLiteral("include"));
        QCOMPARE(computed.value(QStringLiteral("assumptions")).toArray().at(0).toString(),
                 QStringLiteral("credentials-from-cookie"));
    }

    void handWrittenFileWithIsoTimesOnly()
    {
        const QByteArray text =
            fileWith("{\"startedAt\": \"2024-05-01T10:40:00.250Z\", \"finishedAt\": "
                     "\"2024-05-01T10:40:01Z\", "
                     "\"request\": {\"method\": \"GET\", \"url\": \"https://a.test/\"}, "
                     "\"computed\": {\"kind\": \"whatever: ignored\"}}");
        Session s;
        QString error;
        QVERIFY2(readSession(text, &s, &error), qPrintable(error));
        QCOMPARE(s.exchange(0).startedAtMs, kT0 + 250);
        QCOMPARE(s.exchange(0).finishedAtMs, kT0 + 1000);
        QCOMPARE(s.exchange(0).status, 0);
    }

    void atomicFileWrite()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("capture.json"));
        Session s;
        s.append({everyField(kT0)});
        QString error;
        QVERIFY2(writeSessionFile(s, path, &error), qPrintable(error));
        Session back;
        QVERIFY2(readSessionFile(path, &back, &error), qPrintable(error));
        compareExchanges(back.exchange(0), s.exchange(0));
        // A directory that does not exist: an error naming the path, nothing written.
        const QString bad = dir.filePath(QStringLiteral("missing/capture.json"));
        QVERIFY(!writeSessionFile(s, bad, &error));
        QVERIFY2(error.contains(bad), qPrintable(error));
        QVERIFY(!readSessionFile(bad, &back, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read ")), qPrintable(error));
        QCOMPARE(back.count(), 1); // untouched
    }

    void writeWhileAppending()
    {
        // A capture goes on while the file is written: the file holds the exchanges there were
        // when the write began (a partial last chunk once made every such write fail).
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.json"));
        Session s;
        auto one = [](qsizetype i) {
            return X("GET", "https://api.example.net/x?i=" + QByteArray::number(i), kT0 + i)
                .request(chromiumFetch("api.example.net", kApp, "cross-site"))
                .response(200, {{"Access-Control-Allow-Origin", kApp}});
        };
        for (qsizetype i = 0; i < 700; ++i) // 512 + 188: the last chunk is partial
            s.append({one(i)});
        std::atomic<bool> stop{false};
        QThread *appender = QThread::create([&] {
            for (qsizetype i = 700; !stop; ++i)
                s.append({one(i)});
        });
        appender->start();
        QString error;
        for (int round = 0; round < 5; ++round)
            QVERIFY2(writeSessionFile(s, path, &error), qPrintable(error));
        stop = true;
        appender->wait();
        delete appender;
        Session back;
        QVERIFY2(readSessionFile(path, &back, &error), qPrintable(error));
        QVERIFY(back.count() >= 700);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not JSON") << QByteArray("{\"format\": \"corslab-session\", \"vers")
                                  << "not a valid JSON document: ";
        QTest::newRow("an array") << QByteArray("[1, 2]") << "(top level): expected an object";
        QTest::newRow("another format")
            << QByteArray("{\"format\": \"har\", \"version\": 1, \"exchanges\": []}")
            << "format: expected \"corslab-session\" (a CORS Lab session file), got \"har\"";
        QTest::newRow("newer version")
            << QByteArray("{\"format\": \"corslab-session\", \"version\": 99, \"exchanges\": []}")
            << "version: written by a newer CORS Lab (format 99; this one reads up to 1)";
        QTest::newRow("empty file") << QByteArray() << "not a valid JSON document: ";
        QTest::newRow("truncated in a string")
            << fileWith(kGood).left(60) << "not a valid JSON document: unterminated string at byte";
        QTest::newRow("truncated in the exchanges")
            << fileWith(kGood).chopped(2)
            << "not a valid JSON document: unexpected end of the document inside an array";
        QTest::newRow("binary garbage")
            << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "not a valid JSON document: ";
        QTest::newRow("no format") << QByteArray("{\"version\": 1, \"exchanges\": []}")
                                   << "format: expected \"corslab-session\" (a CORS Lab session "
                                      "file), got nothing";
        QTest::newRow("exchanges not an array")
            << QByteArray("{\"format\": \"corslab-session\", \"version\": 1, \"exchanges\": {}}")
            << "exchanges: expected an array of exchanges, got an object";
        QTest::newRow("negative body cap")
            << fileWith(kGood, "\"bodyCap\": -1, ") << "bodyCap: expected an integer >= 0, got -1";
        QTest::newRow("createdBy not a string")
            << fileWith(kGood, "\"createdBy\": 5, ") << "createdBy: expected a string, got 5";
        QTest::newRow("version not an integer")
            << QByteArray(
                   "{\"format\": \"corslab-session\", \"version\": \"1\", \"exchanges\": []}")
            << "version: expected an integer >= 1, got \"1\"";
        QTest::newRow("no exchanges")
            << QByteArray("{\"format\": \"corslab-session\", \"version\": 1}")
            << "exchanges: expected an array of exchanges, got nothing";
        QTest::newRow("unknown profile") << fileWith(kGood, "\"profile\": \"opera\", ")
                                         << "profile: expected one of \"chromium\"";
        QTest::newRow("unknown top-level field")
            << fileWith(kGood, "\"exchange\": [], ") << "exchange: unknown field";
        QTest::newRow("exchange not an object")
            << fileWith(kGood + ", 7") << "exchanges[1]: expected an object, got 7";
        QTest::newRow("status not an integer")
            << fileWith(kGood + ", " + QByteArray(kGood).replace("200", "\"abc\""))
            << "exchanges[1].response.status: expected an integer 0-999, got \"abc\"";
        QTest::newRow("status out of range") << fileWith(QByteArray(kGood).replace("200", "1000"))
                                             << "exchanges[0].response.status: expected an "
                                                "integer 0-999, got 1000";
        QTest::newRow("typo in a field")
            << fileWith(QByteArray(kGood).replace("\"response\"", "\"reponse\""))
            << "exchanges[0].reponse: unknown field";
        QTest::newRow("header not a pair")
            << fileWith(
                   QByteArray(kGood).replace("[\"Origin\", \"https://b.test\"]", "[\"Origin\"]"))
            << "exchanges[0].request.headers[0]: expected a [name, value] pair of two strings";
        QTest::newRow("header name not a token")
            << fileWith(QByteArray(kGood).replace("[\"Origin\",", "[\"Ori gin\","))
            << "exchanges[0].request.headers[0][0]: expected a header name";
        QTest::newRow("no start time")
            << fileWith(QByteArray(kGood).replace("\"startedAtMs\": 1714560000000,", ""))
            << "exchanges[0].startedAtMs: missing";
        QTest::newRow("bad ISO time") << fileWith("{\"startedAt\": \"yesterday\", \"request\": "
                                                  "{\"method\": \"GET\", \"url\": \"x\"}}")
                                      << "exchanges[0].startedAt: expected an ISO 8601 time";
        QTest::newRow("no request")
            << fileWith("{\"startedAtMs\": 5, \"response\": {\"status\": 200}}")
            << "exchanges[0].request: missing";
        QTest::newRow("method not a token")
            << fileWith(QByteArray(kGood).replace("\"GET\"", "\"G T\""))
            << "exchanges[0].request.method: expected an HTTP token";
        QTest::newRow("bad base64 body")
            << fileWith(QByteArray(kGood).replace(
                   "\"status\": 200,",
                   "\"status\": 200, \"body\": {\"size\": 3, \"base64\": \"@@@\"},"))
            << "exchanges[0].response.body.base64: expected base64 text";
        QTest::newRow("body size smaller than what is stored")
            << fileWith(QByteArray(kGood).replace(
                   "\"status\": 200,",
                   "\"status\": 200, \"body\": {\"size\": 2, \"text\": \"abcd\"},"))
            << "exchanges[0].response.body.size: expected an integer >= 4, got 2";
        QTest::newRow("port out of range")
            << fileWith(QByteArray(kGood).replace(
                   "\"startedAtMs\"",
                   "\"client\": {\"address\": \"::1\", \"port\": 70000}, \"startedAtMs\""))
            << "exchanges[0].client.port: expected an integer 0-65535, got 70000";
        QTest::newRow("unknown type")
            << fileWith(QByteArray(kGood).replace("\"startedAtMs\"",
                                                  "\"type\": \"ftp\", \"startedAtMs\""))
            << "exchanges[0].type: expected one of \"http\", \"tunnel\", got \"ftp\"";
        QTest::newRow("URL not Latin-1")
            << fileWith(QByteArray(kGood).replace("https://a.test/", "https://\xe2\x9c\x93.test/"))
            << "exchanges[0].request.url: expected Latin-1 text";
        // The browser's report (an attachment's captures): each bad member named by its path.
        const auto withBrowser = [](const QByteArray &browser) {
            return fileWith(QByteArray(kGood).replace("\"startedAtMs\"", "\"browser\": " + browser +
                                                                             ", \"startedAtMs\""));
        };
        QTest::newRow("browser not an object")
            << withBrowser("\"Chrome\"")
            << "exchanges[0].browser: expected an object, got \"Chrome\"";
        QTest::newRow("browser name not a string")
            << withBrowser("{\"name\": 156}")
            << "exchanges[0].browser.name: expected a string, got 156";
        QTest::newRow("browser corsError not a string")
            << withBrowser("{\"corsError\": [\"MissingAllowOriginHeader\"]}")
            << "exchanges[0].browser.corsError: expected a string, got an array";
        QTest::newRow("browser notSent not a boolean")
            << withBrowser("{\"notSent\": \"yes\"}")
            << "exchanges[0].browser.notSent: expected true or false, got \"yes\"";
        QTest::newRow("browser unknown member") << withBrowser("{\"corsErorr\": \"x\"}")
                                                << "exchanges[0].browser.corsErorr: unknown field";
        QTest::newRow("blockedCookies not an array")
            << withBrowser("{\"blockedCookies\": {\"name\": \"sid\"}}")
            << "exchanges[0].browser.blockedCookies: expected an array, got an object";
        QTest::newRow("blocked cookie not an object")
            << withBrowser("{\"blockedCookies\": [\"sid\"]}")
            << "exchanges[0].browser.blockedCookies[0]: expected an object, got \"sid\"";
        QTest::newRow("blocked cookie without a name")
            << withBrowser(
                   "{\"blockedCookies\": [{\"name\": \"a\"}, {\"reasons\": [\"SameSiteLax\"]}]}")
            << "exchanges[0].browser.blockedCookies[1].name: missing";
        QTest::newRow("blocked cookie reasons not strings")
            << withBrowser("{\"blockedCookies\": [{\"name\": \"a\", \"reasons\": [5]}]}")
            << "exchanges[0].browser.blockedCookies[0].reasons";
        QTest::newRow("blocked cookie fromResponse not a boolean")
            << withBrowser("{\"blockedCookies\": [{\"name\": \"a\", \"fromResponse\": 1}]}")
            << "exchanges[0].browser.blockedCookies[0].fromResponse: expected true or false, got 1";
        QTest::newRow("source not a string")
            << fileWith(
                   QByteArray(kGood).replace("\"startedAtMs\"", "\"source\": 1, \"startedAtMs\""))
            << "exchanges[0].source: expected a string, got 1";
        QTest::newRow("negative time") << fileWith(QByteArray(kGood).replace("1714560000000", "-5"))
                                       << "exchanges[0].startedAtMs: expected an integer >= 0";
    }
    void malformed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        Session s;
        s.append({everyField(kT0)});
        QString message;
        QVERIFY(!readSession(json, &s, &message));
        QVERIFY2(message.startsWith(error), qPrintable(QStringLiteral("got: ") + message));
        QCOMPARE(s.count(), 1); // a bad file leaves the session as it was
    }

    void damagedFilesNeverCrash()
    {
        // Random truncations and bit flips of a valid file (a fixed seed, so a failure can be
        // replayed): each either loads or is refused with an error, the session then untouched.
        const QByteArray good = richFile();
        {
            Session s;
            QString error;
            QVERIFY2(readSession(good, &s, kExtensions, nullptr, &error),
                     qPrintable(error)); // the undamaged file
            QCOMPARE(s.count(), 3);
        }
        QRandomGenerator random(20240501);
        int refused = 0;
        for (int round = 0; round < 600; ++round) {
            QByteArray damaged = good;
            const bool truncated = round % 2 == 0;
            if (truncated) {
                // Short of the closing brace: never a whole document.
                damaged.truncate(random.bounded(int(good.trimmed().size())));
            } else {
                for (int flips = 1 + random.bounded(3); flips > 0; --flips)
                    damaged[random.bounded(int(good.size()))] ^= char(1 << random.bounded(8));
            }
            Session s;
            s.append({everyField(kT0)});
            ExtensionValues values;
            QString error;
            if (readSession(damaged, &s, kExtensions, &values, &error)) {
                QVERIFY2(!truncated, qPrintable(QStringLiteral("round %1").arg(round)));
                QVERIFY(s.count() <= 3);
                continue;
            }
            ++refused;
            QVERIFY2(!error.isEmpty(), qPrintable(QStringLiteral("round %1").arg(round)));
            QCOMPARE(s.count(), 1);
            QVERIFY(values.isEmpty());
        }
        QVERIFY2(refused >= 300, qPrintable(QString::number(refused)));
    }

    void manyExchangesTiming()
    {
        // 100,000 realistic exchanges written and read back; under the sanitizers (10x slower)
        // 10,000. Printed, not asserted: the machine may be busy.
        const qsizetype n = sanitized() ? 10'000 : 100'000;
        Session s;
        QList<CapturedExchange> batch;
        for (qsizetype i = 0; i < n; ++i) {
            const QByteArray item = QByteArray::number(i % 5000);
            batch.append(X("GET", "https://api.example.net/items?id=" + item, kT0 + i * 5)
                             .request(chromiumFetch("api.example.net", kApp, "cross-site"))
                             .add("Cookie", "sid=5f2b9c0e4a7d41b3a8e6c1d2f3a4b5c6")
                             .response(200, {{"Date", "Wed, 01 May 2024 10:40:00 GMT"},
                                             {"Content-Type", "application/json"},
                                             {"Content-Length", QByteArray::number(100 + i % 900)},
                                             {"Access-Control-Allow-Origin", kApp},
                                             {"Access-Control-Allow-Credentials", "true"},
                                             {"Vary", "Origin"},
                                             {"ETag", "W/\"" + QByteArray::number(i, 16) + "\""},
                                             {"X-Request-Id", QByteArray::number(i * 7919, 36)}}));
            if (batch.size() == 1000) {
                s.append(batch);
                batch.clear();
            }
        }
        s.append(batch);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.json"));
        QString error;
        QElapsedTimer t;
        t.start();
        QVERIFY2(writeSessionFile(s, path, &error), qPrintable(error));
        const qint64 writeMs = t.elapsed();
        Session back;
        t.restart();
        QVERIFY2(readSessionFile(path, &back, &error), qPrintable(error));
        const qint64 readMs = t.elapsed();
        QCOMPARE(back.count(), n);
        compareExchanges(back.exchange(n - 1), s.exchange(n - 1));
        qInfo("%lld exchanges, %.1f MB: write %lld ms, read (parse, classify, pair, judge) %lld ms",
              qlonglong(n), double(QFileInfo(path).size()) / 1e6, writeMs, readMs);
    }
};

QTEST_GUILESS_MAIN(TestSessionJson)
#include "tst_session_json.moc"
