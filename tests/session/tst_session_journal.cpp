// The recovery journal of earlier builds, read once: a session, its profile and the extension
// members come back from the journal's lines losslessly (the policy and the override rules are
// the workspace's: tests/workspace); later settings lines win; a torn last line (a crash
// mid-write) is ignored and every other damage refused with the line and the field; recover()
// reads the journal a crash left in a directory and discard() deletes it. The journals are
// written here in the documented format (legacy_journal.h): nothing in the app writes one now.
#include "chromium_exchanges.h"
#include "legacy_journal.h"
#include "session/session.h"
#include "session/session_journal.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {

CapturedExchange numbered(qsizetype i)
{
    return X("GET", "https://api.example.net/items?i=" + QByteArray::number(i), kT0 + i)
        .request(chromiumFetch("api.example.net", kApp, "cross-site"))
        .response(200, {{"Access-Control-Allow-Origin", kApp}});
}

QList<CapturedExchange> numberedBatch(qsizetype from, qsizetype count)
{
    QList<CapturedExchange> batch;
    for (qsizetype i = from; i < from + count; ++i)
        batch.append(numbered(i));
    return batch;
}

// A test-local extension point: "mode" holds a name, "limits" an object of counts.
bool checkMode(const QJsonValue &value, const QString &field, QString *error)
{
    if (value.isString())
        return true;
    *error = field + QStringLiteral(": expected a mode name");
    return false;
}

bool checkLimits(const QJsonValue &value, const QString &field, QString *error)
{
    const QJsonObject limits = value.toObject();
    for (auto it = limits.begin(); it != limits.end(); ++it) {
        if (!it.value().isDouble()) {
            *error = field + QLatin1Char('.') + it.key() + QStringLiteral(": expected a count");
            return false;
        }
    }
    if (value.isObject())
        return true;
    *error = field + QStringLiteral(": expected an object of counts");
    return false;
}

const SessionExtensions kExtensions = {{QStringLiteral("mode"), checkMode},
                                       {QStringLiteral("limits"), checkLimits}};

ExtensionValue modeNamed(const QString &name)
{
    return {QStringLiteral("mode"), name};
}

ExtensionValue someLimits()
{
    return {QStringLiteral("limits"),
            QJsonObject{{QStringLiteral("rows"), 500}, {QStringLiteral("caf\u00e9 \u2713"), 2}}};
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        qWarning("cannot write %s", qPrintable(path));
}
} // namespace

class TestSessionJournal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void journalRoundTripIsLossless()
    {
        Session s;
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Safari));
        s.setBodyCap(1 << 20);
        CapturedExchange tunnel;
        tunnel.type = CapturedExchange::Type::Tunnel;
        tunnel.startedAtMs = kT0 + 2;
        tunnel.tunnel.host = "api.example.net";
        tunnel.tunnel.port = 443;
        tunnel.tunnel.bytesFromServer = 9007199254740991LL;
        CapturedExchange control = everyField(kT0 + 3);
        control.requestHeaders.append({"X-Controls", QByteArray("a\x01\t\x1f\x7f b", 7)});
        control.responseBody.stored = QByteArray("\xc3\x28 not UTF-8\n", 13);
        control.responseBody.size = 13;
        control.error = QStringLiteral("line\nbreaks\r\nin an error");
        control.credentialsIncluded = false;
        s.append({everyField(kT0),
                  X("OPTIONS", "https://api.example.net/items", kT0 + 1)
                      .request(chromiumPreflight("api.example.net", kApp, "PUT", "content-type"))
                      .response(204, {{"Access-Control-Allow-Origin", kApp}}),
                  tunnel, control, CapturedExchange()});
        const ExtensionValues extensions = {modeNamed(QStringLiteral("open")), someLimits()};
        const QByteArray data = LegacyJournal().settings(s, extensions).exchanges(s).bytes();

        Session back;
        ExtensionValues values;
        QString error;
        journal::ReadStats stats;
        QVERIFY2(journal::read(data, &back, kExtensions, &values, &error, &stats),
                 qPrintable(error));
        QCOMPARE(stats.lines, 3); // header, settings, one chunk: line breaks inside are escaped
        QCOMPARE(stats.ignoredTailBytes, 0);
        QCOMPARE(back.count(), s.count());
        for (qsizetype i = 0; i < s.count(); ++i) {
            compareExchanges(back.exchange(i), s.exchange(i));
            QVERIFY(back.exchange(i).credentialsIncluded == s.exchange(i).credentialsIncluded);
            QCOMPARE(back.row(i).kind, s.row(i).kind);
            QCOMPARE(back.row(i).verdict, s.row(i).verdict);
            QCOMPARE(back.row(i).pairedId, s.row(i).pairedId);
        }
        QCOMPARE(back.profile().name, QStringLiteral("safari"));
        QCOMPARE(back.bodyCap(), 1 << 20);
        QCOMPARE(values, extensions);
    }

    void laterLinesAddExchangesAndTheLastSettingsWin()
    {
        // What appends after the first save left: more chunks, and settings lines when they
        // changed.
        Session s;
        s.append(numberedBatch(0, 1000));
        LegacyJournal lines;
        lines.settings(s, {modeNamed(QStringLiteral("open"))}).exchanges(s);
        s.append(numberedBatch(1000, 10));
        lines.exchanges(s);
        const ExtensionValues later = {modeNamed(QStringLiteral("strict")), someLimits()};
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        lines.settings(s, later);

        Session back;
        ExtensionValues values;
        QString error;
        journal::ReadStats stats;
        QVERIFY2(journal::read(lines.bytes(), &back, kExtensions, &values, &error, &stats),
                 qPrintable(error));
        QCOMPARE(stats.lines, 6); // header, settings, 512 + 488, 10, settings
        QCOMPARE(back.count(), 1010);
        compareExchanges(back.exchange(1009), s.exchange(1009));
        QCOMPARE(back.profile().name, QStringLiteral("firefox"));
        QCOMPARE(values, later);
        // A member withdrawn later is withdrawn on recovery too.
        lines.settings(s, {someLimits()});
        QVERIFY2(journal::read(lines.bytes(), &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(values, ExtensionValues{someLimits()});
    }

    void tornLastLineIsIgnored()
    {
        Session s;
        s.append(numberedBatch(0, 20));
        LegacyJournal lines;
        lines.exchanges(s);
        const qsizetype saved = lines.bytes().size();
        s.append(numberedBatch(20, 3));
        const QByteArray whole = lines.exchanges(s).bytes();
        // Cut anywhere in the last line (every byte near its ends, including right before its
        // newline; every 37th in between): the 20 of the first save come back, and the torn
        // bytes are counted as ignored.
        QString error;
        for (qsizetype cut = saved; cut < whole.size();
             cut += cut - saved < 40 || whole.size() - cut <= 40 ? 1 : 37) {
            Session back;
            journal::ReadStats stats;
            QVERIFY2(journal::read(whole.left(cut), &back, {}, nullptr, &error, &stats),
                     qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(error)));
            QCOMPARE(back.count(), 20);
            QCOMPARE(stats.ignoredTailBytes, cut - saved);
        }
        // A file system may leave zeros after a crash where the data never reached the disk.
        Session back;
        QVERIFY2(journal::read(whole + QByteArray(4096, '\0'), &back, {}, nullptr, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), 23);
    }

    void damagedJournalIsRefused_data()
    {
        QTest::addColumn<QByteArray>("journal");
        QTest::addColumn<QString>("error");
        const QByteArray header =
            "{\"format\":\"corslab-recovery\",\"version\":1,\"createdBy\":\"tst\"}\n";
        const QByteArray good = "{\"id\":1,\"startedAtMs\":5,\"request\":{\"method\":\"GET\","
                                "\"url\":\"https://a.test/\"}}";
        const QByteArray chunk = "{\"first\":0,\"exchanges\":[" + good + "]}\n";
        QTest::newRow("empty") << QByteArray() << "the recovery journal is empty";
        QTest::newRow("header torn") << header.left(20) << "line 1: the header is incomplete";
        QTest::newRow("header not JSON")
            << QByteArray("PK\x03\x04 zip\n", 9) << "line 1: not a valid JSON document: ";
        QTest::newRow("header not an object")
            << QByteArray("[1]\n") << "line 1: expected a JSON object";
        QTest::newRow("a session file")
            << QByteArray("{\"format\":\"corslab-session\",\"version\":1}\n")
            << "line 1: format: expected \"corslab-recovery\" (a CORS Lab recovery journal), "
               "got \"corslab-session\"";
        QTest::newRow("newer version")
            << QByteArray("{\"format\":\"corslab-recovery\",\"version\":99}\n")
            << "line 1: version: written by a newer CORS Lab (format 99; this one reads up to 1)";
        QTest::newRow("version as text")
            << QByteArray("{\"format\":\"corslab-recovery\",\"version\":\"1\"}\n")
            << "line 1: version: expected an integer >= 1, got \"1\"";
        QTest::newRow("unknown header field")
            << QByteArray("{\"format\":\"corslab-recovery\",\"version\":1,\"x\":1}\n")
            << "line 1: x: unknown field";
        QTest::newRow("damaged line before good ones")
            << header + "{\"first\":0,\"exch\n" + chunk << "line 2: not a valid JSON document: ";
        QTest::newRow("neither settings nor exchanges") << header + "{\"note\":1}\n"
                                                        << "line 2: expected a settings line";
        QTest::newRow("a chunk missing")
            << header + chunk + QByteArray(chunk).replace("\"first\":0", "\"first\":2")
            << "line 3: first: expected 1 (the number of exchanges before this line), got 2";
        QTest::newRow("a chunk repeated")
            << header + chunk + chunk
            << "line 3: first: expected 1 (the number of exchanges before this line), got 0";
        QTest::newRow("exchanges not an array")
            << header + "{\"first\":0,\"exchanges\":{}}\n"
            << "line 2: exchanges: expected an array of exchanges, got an object";
        QTest::newRow("unknown chunk field")
            << header + QByteArray(chunk).replace("\"first\"", "\"last\":1,\"first\"")
            << "line 2: last: unknown field";
        QTest::newRow("bad exchange")
            << header + QByteArray(chunk).replace("\"GET\"", "\"G T\"")
            << "line 2: exchanges[0].request.method: expected an HTTP token";
        QTest::newRow("settings not an object") << header + "{\"settings\":[]}\n"
                                                << "line 2: settings: expected an object";
        QTest::newRow("unknown profile")
            << header + "{\"settings\":{\"profile\":\"opera\"}}\n"
            << "line 2: settings.profile: expected one of \"chromium\"";
        QTest::newRow("unknown settings field") << header + "{\"settings\":{\"bodycap\":5}}\n"
                                                << "line 2: settings.bodycap: unknown "
                                                   "field";
        QTest::newRow("bad extension in settings")
            << header + chunk + "{\"settings\":{\"limits\":{\"rows\":\"many\"}}}\n"
            << "line 3: settings.limits.rows: expected a count";
        QTest::newRow("unknown extension in settings")
            << header + "{\"settings\":{\"policy\":{}}}\n"
            << "line 2: settings.policy: unknown field (known: profile, bodyCap, mode, limits)";
    }
    void damagedJournalIsRefused()
    {
        QFETCH(QByteArray, journal);
        QFETCH(QString, error);
        Session s;
        s.append({everyField(kT0)});
        ExtensionValues values;
        QString message;
        QVERIFY(!journal::read(journal, &s, kExtensions, &values, &message));
        QVERIFY2(message.startsWith(error), qPrintable(QStringLiteral("got: ") + message));
        QCOMPARE(s.count(), 1); // untouched
        QVERIFY(values.isEmpty());
    }

    void randomDamageNeverCrashes()
    {
        Session s;
        s.append({everyField(kT0)});
        s.append(numberedBatch(0, 5));
        LegacyJournal lines;
        lines.settings(s, {modeNamed(QStringLiteral("open")), someLimits()}).exchanges(s);
        s.append(numberedBatch(5, 2));
        const QByteArray good = lines.exchanges(s).bytes();
        QRandomGenerator random(77);
        int refused = 0;
        for (int round = 0; round < 600; ++round) {
            QByteArray damaged = good;
            if (round % 2 == 0) {
                damaged.truncate(random.bounded(int(good.size())));
            } else {
                for (int flips = 1 + random.bounded(3); flips > 0; --flips)
                    damaged[random.bounded(int(good.size()))] ^= char(1 << random.bounded(8));
            }
            Session back;
            back.append({everyField(kT0)});
            QString message;
            if (journal::read(damaged, &back, kExtensions, nullptr, &message)) {
                QVERIFY(back.count() <= s.count());
                continue;
            }
            ++refused;
            QVERIFY2(message.startsWith(QStringLiteral("line ")) ||
                         message == QStringLiteral("the recovery journal is empty"),
                     qPrintable(message));
            QCOMPARE(back.count(), 1);
        }
        QVERIFY2(refused > 0, "no damage was ever noticed");
    }

    void recoverReadsTheJournalACrashLeft()
    {
        // What a crash of an earlier build left: the lines of its saves, then a torn one.
        QTemporaryDir dir;
        const QString directory = dir.filePath(QStringLiteral("recovery"));
        QVERIFY(QDir().mkpath(directory));
        QVERIFY(!journal::hasRecovery(directory));
        Session s;
        s.append(numberedBatch(0, 300));
        const ExtensionValues extensions = {modeNamed(QStringLiteral("open")), someLimits()};
        const QByteArray torn = "{\"first\":300,\"exchanges\":[{\"id\":301,\"sta";
        writeAll(journal::path(directory),
                 LegacyJournal("crashed build").settings(s, extensions).exchanges(s).bytes() +
                     torn);
        QVERIFY(journal::hasRecovery(directory));
        Session back;
        ExtensionValues values;
        QString error;
        QVERIFY2(journal::recover(directory, &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), 300);
        for (const qsizetype i : {qsizetype(0), qsizetype(299)})
            compareExchanges(back.exchange(i), numbered(i));
        QCOMPARE(values, extensions);
        // An empty file is nothing to recover.
        writeAll(journal::path(directory), {});
        QVERIFY(!journal::hasRecovery(directory));
    }

    void discardAndErrors()
    {
        QTemporaryDir dir;
        Session s;
        s.append(numberedBatch(0, 3));
        QVERIFY(LegacyJournal().exchanges(s).writeTo(journal::path(dir.path())));
        // A temporary file of a rewrite a crash interrupted goes with the journal.
        const QString temporary = journal::path(dir.path()) + QStringLiteral(".aB3xYz");
        writeAll(temporary, "{\"format\":");
        QVERIFY(journal::hasRecovery(dir.path()));
        QString error;
        QVERIFY2(journal::discard(dir.path(), &error), qPrintable(error));
        QVERIFY(!journal::hasRecovery(dir.path()));
        QVERIFY(!QFile::exists(journal::path(dir.path())));
        QVERIFY(!QFile::exists(temporary));
        QVERIFY2(journal::discard(dir.path(), &error), qPrintable(error)); // nothing left: fine
        Session back;
        QVERIFY(!journal::recover(dir.path(), &back, {}, nullptr, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read the recovery journal ")),
                 qPrintable(error));
        // A damaged journal names its path, the line and the field.
        writeAll(journal::path(dir.path()), "{\"format\":\"har\"}\n");
        QVERIFY(!journal::recover(dir.path(), &back, {}, nullptr, &error));
        QVERIFY2(error.startsWith(QStringLiteral("recovery journal %1: line 1: format: ")
                                      .arg(journal::path(dir.path()))),
                 qPrintable(error));
        QCOMPARE(back.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSessionJournal)
#include "tst_session_journal.moc"
