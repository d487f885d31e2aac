// The autosave and its recovery journal: a session, its profile and the extension members survive
// journal -> session losslessly (the policy and the override rules are the workspace's:
// tests/workspace); a save appends only what is new; a clear starts a
// new journal; a torn last line (a crash mid-write) is ignored and every other damage refused
// with the line and the field; a real crash (SIGKILL) loses only what was not saved yet; the
// clean exit removes the journal.
#include "chromium_exchanges.h"
#include "session/session.h"
#include "session/session_autosave.h"
#include "session/session_journal.h"

#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <csignal>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;

namespace {
// Set in the environment of the child process that saves and then gets killed.
const char *const kChildDirectory = "CORSLAB_AUTOSAVE_CRASH_DIR";
constexpr qsizetype kChildSaved = 300;

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

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        qWarning("cannot write %s", qPrintable(path));
}

// The child: saves kChildSaved exchanges, appends more (never saved) and a torn line, and dies
// by SIGKILL: no destructor, no flush, as in a real crash.
int runChildThenCrash(const QString &directory)
{
    Session s;
    SessionAutosave autosave(&s, directory, 10);
    autosave.setSettingsSource([] {
        return WriteOptions{QStringLiteral("crashing child"),
                            {modeNamed(QStringLiteral("open")), someLimits()}};
    });
    QObject::connect(&autosave, &SessionAutosave::saved,
                     [&](qsizetype exchanges, const QString &error) {
                         if (!error.isEmpty())
                             qFatal("save failed: %s", qPrintable(error));
                         if (exchanges != kChildSaved)
                             return;
                         // Saved: what comes now is lost with the crash.
                         s.append(numberedBatch(kChildSaved, 7));
                         QFile journal(SessionAutosave::journalPath(directory));
                         if (journal.open(QIODevice::WriteOnly | QIODevice::Append))
                             journal.write("{\"first\":300,\"exchanges\":[{\"id\":301,\"sta");
                         journal.close();
                         std::raise(SIGKILL);
                     });
    autosave.start();
    s.append(numberedBatch(0, kChildSaved));
    return QCoreApplication::exec();
}
} // namespace

class TestSessionAutosave : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void journalRoundTripIsLossless()
    {
        QTemporaryDir dir;
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

        SessionJournal journal(dir.filePath(QStringLiteral("j/session.journal")));
        QString error;
        QVERIFY2(journal.sync(s, WriteOptions{QStringLiteral("tst"), extensions}, &error),
                 qPrintable(error));
        QVERIFY(journal.lastSync().rewritten);
        QCOMPARE(journal.lastSync().exchanges, 5);
        // One JSON object per line, however many line breaks the exchanges hold.
        const QByteArray data = readAll(journal.path());
        QCOMPARE(data.count('\n'), 3); // header, settings, one chunk
        QVERIFY(data.endsWith('\n'));

        Session back;
        ExtensionValues values;
        QVERIFY2(SessionJournal::read(data, &back, kExtensions, &values, &error),
                 qPrintable(error));
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
        // The settings line: compact JSON after "bodyCap", in the order given.
        QVERIFY2(data.contains(",\"bodyCap\":1048576,\"mode\":\"open\",\"limits\":{"),
                 data.constData());
    }

    void savesAppendOnlyWhatIsNew()
    {
        QTemporaryDir dir;
        Session s;
        s.append(numberedBatch(0, 1000));
        SessionJournal journal(dir.filePath(QStringLiteral("session.journal")));
        QString error;
        WriteOptions options{QStringLiteral("tst"), {modeNamed(QStringLiteral("open"))}};
        QVERIFY2(journal.sync(s, options, &error), qPrintable(error));
        QVERIFY(journal.lastSync().rewritten);
        QCOMPARE(journal.lastSync().exchanges, 1000);
        const QByteArray first = readAll(journal.path());
        QCOMPARE(journal.lastSync().bytes, first.size());

        // Ten more: ten more are written, after the bytes already there.
        s.append(numberedBatch(1000, 10));
        QVERIFY2(journal.sync(s, options, &error), qPrintable(error));
        QVERIFY(!journal.lastSync().rewritten);
        QCOMPARE(journal.lastSync().exchanges, 10);
        const QByteArray second = readAll(journal.path());
        QVERIFY(second.startsWith(first));
        QCOMPARE(journal.lastSync().bytes, second.size() - first.size());
        QCOMPARE(second.mid(first.size()).count('\n'), 1);

        // Nothing new: nothing written.
        QVERIFY2(journal.sync(s, options, &error), qPrintable(error));
        QCOMPARE(journal.lastSync().bytes, 0);
        QCOMPARE(readAll(journal.path()), second);

        // New settings: one settings line, and they win on recovery.
        options.extensions = {modeNamed(QStringLiteral("strict")), someLimits()};
        s.setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
        QVERIFY2(journal.sync(s, options, &error), qPrintable(error));
        QVERIFY(!journal.lastSync().rewritten);
        QCOMPARE(journal.lastSync().exchanges, 0);
        const QByteArray third = readAll(journal.path());
        QVERIFY(third.startsWith(second));
        QVERIFY(third.mid(second.size()).startsWith("{\"settings\":"));

        Session back;
        ExtensionValues values;
        QVERIFY2(SessionJournal::read(third, &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), 1010);
        compareExchanges(back.exchange(1009), s.exchange(1009));
        QCOMPARE(back.profile().name, QStringLiteral("firefox"));
        QCOMPARE(values, options.extensions);
        // A member withdrawn later is withdrawn on recovery too.
        options.extensions.removeFirst();
        QVERIFY2(journal.sync(s, options, &error), qPrintable(error));
        QVERIFY2(SessionJournal::read(readAll(journal.path()), &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(values, ExtensionValues{someLimits()});
    }

    void clearStartsANewJournal()
    {
        QTemporaryDir dir;
        Session s;
        s.append(numberedBatch(0, 600));
        SessionJournal journal(dir.filePath(QStringLiteral("session.journal")));
        QString error;
        QVERIFY2(journal.sync(s, {}, &error), qPrintable(error));
        s.clear();
        s.append(numberedBatch(5000, 2));
        QVERIFY2(journal.sync(s, {}, &error), qPrintable(error));
        QVERIFY(journal.lastSync().rewritten);
        QCOMPARE(journal.exchanges(), 2);
        // Adopting another session (a file opened) also starts over.
        Session opened;
        opened.append(numberedBatch(7000, 3));
        s.adopt(opened);
        QVERIFY2(journal.sync(s, {}, &error), qPrintable(error));
        QVERIFY(journal.lastSync().rewritten);
        Session back;
        QVERIFY2(SessionJournal::read(readAll(journal.path()), &back, {}, nullptr, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), 3);
        compareExchanges(back.exchange(0), numbered(7000));
    }

    void tornLastLineIsIgnored()
    {
        QTemporaryDir dir;
        Session s;
        s.append(numberedBatch(0, 20));
        SessionJournal journal(dir.filePath(QStringLiteral("session.journal")));
        QString error;
        QVERIFY2(journal.sync(s, {}, &error), qPrintable(error));
        const qsizetype saved = readAll(journal.path()).size();
        s.append(numberedBatch(20, 3));
        QVERIFY2(journal.sync(s, {}, &error), qPrintable(error));
        const QByteArray whole = readAll(journal.path());
        // Cut anywhere in the last line (every byte near its ends, including right before its
        // newline; every 37th in between): the 20 of the first save come back, and the torn
        // bytes are counted as ignored.
        for (qsizetype cut = saved; cut < whole.size();
             cut += cut - saved < 40 || whole.size() - cut <= 40 ? 1 : 37) {
            Session back;
            SessionJournal::ReadStats stats;
            QVERIFY2(SessionJournal::read(whole.left(cut), &back, {}, nullptr, &error, &stats),
                     qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(error)));
            QCOMPARE(back.count(), 20);
            QCOMPARE(stats.ignoredTailBytes, cut - saved);
        }
        // A file system may leave zeros after a crash where the data never reached the disk.
        Session back;
        QVERIFY2(SessionJournal::read(whole + QByteArray(4096, '\0'), &back, {}, nullptr, &error),
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
        QVERIFY(!SessionJournal::read(journal, &s, kExtensions, &values, &message));
        QVERIFY2(message.startsWith(error), qPrintable(QStringLiteral("got: ") + message));
        QCOMPARE(s.count(), 1); // untouched
        QVERIFY(values.isEmpty());
    }

    void randomDamageNeverCrashes()
    {
        QTemporaryDir dir;
        Session s;
        s.append({everyField(kT0)});
        s.append(numberedBatch(0, 5));
        SessionJournal journal(dir.filePath(QStringLiteral("session.journal")));
        QString error;
        QVERIFY2(journal.sync(s,
                              WriteOptions{{}, {modeNamed(QStringLiteral("open")), someLimits()}},
                              &error),
                 qPrintable(error));
        s.append(numberedBatch(5, 2));
        QVERIFY2(journal.sync(s, {}, &error), qPrintable(error));
        const QByteArray good = readAll(journal.path());
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
            if (SessionJournal::read(damaged, &back, kExtensions, nullptr, &message)) {
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

    void autosaveKeepsTheJournalUpToDate()
    {
        QTemporaryDir dir;
        const QString directory = dir.filePath(QStringLiteral("recovery"));
        Session s;
        ExtensionValue liveMode = modeNamed(QStringLiteral("open"));
        SessionAutosave autosave(&s, directory, 20);
        autosave.setSettingsSource([&] { return WriteOptions{QStringLiteral("tst"), {liveMode}}; });
        QSignalSpy saved(&autosave, &SessionAutosave::saved);
        autosave.start();

        s.append(numberedBatch(0, 50));
        // The save comes from the worker thread; wait for it (not for a time).
        QTRY_VERIFY_WITH_TIMEOUT(!saved.isEmpty() && saved.last().at(0).toLongLong() == 50, 20000);
        QCOMPARE(saved.last().at(1).toString(), QString());
        QVERIFY(SessionAutosave::hasRecovery(directory));
        Session back;
        ExtensionValues values;
        QString error;
        QVERIFY2(SessionAutosave::recover(directory, &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), 50);
        QCOMPARE(values, ExtensionValues{liveMode});

        // A new extension value alone is worth a save.
        liveMode = modeNamed(QStringLiteral("strict"));
        const qsizetype before = saved.size();
        QTRY_VERIFY_WITH_TIMEOUT(saved.size() > before, 20000);
        QVERIFY(!autosave.lastSave().rewritten);
        QVERIFY2(SessionAutosave::recover(directory, &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(values, ExtensionValues{liveMode});

        // The clean exit removes the journal.
        QVERIFY2(autosave.finish(&error), qPrintable(error));
        QVERIFY(!SessionAutosave::hasRecovery(directory));
        QVERIFY(!QFile::exists(SessionAutosave::journalPath(directory)));
    }

    void autosaveWhileAppendingAndClearing()
    {
        // A capture goes on (with a clear in the middle) while saves run: at the end, the
        // journal holds exactly the session.
        QTemporaryDir dir;
        Session s;
        SessionAutosave autosave(&s, dir.path(), 5);
        QSignalSpy saved(&autosave, &SessionAutosave::saved);
        autosave.start();
        std::atomic<bool> stop{false};
        QThread *appender = QThread::create([&] {
            for (qsizetype i = 0; !stop; i += 50) {
                s.append(numberedBatch(i, 50));
                if (i == 2000)
                    s.clear();
            }
        });
        appender->start();
        QTRY_VERIFY_WITH_TIMEOUT(saved.size() >= 5 && s.count() > 3000, 60000);
        stop = true;
        appender->wait();
        delete appender;
        QString error;
        QVERIFY2(autosave.saveNow(&error), qPrintable(error));
        for (const QList<QVariant> &signal : saved)
            QCOMPARE(signal.at(1).toString(), QString());
        Session back;
        QVERIFY2(SessionAutosave::recover(dir.path(), &back, {}, nullptr, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), s.count());
        compareExchanges(back.exchange(0), s.exchange(0));
        compareExchanges(back.exchange(back.count() - 1), s.exchange(s.count() - 1));
    }

    void discardAndErrors()
    {
        QTemporaryDir dir;
        Session s;
        s.append(numberedBatch(0, 3));
        SessionAutosave autosave(&s, dir.path());
        QString error;
        QVERIFY2(autosave.saveNow(&error), qPrintable(error));
        QVERIFY(SessionAutosave::hasRecovery(dir.path()));
        QVERIFY2(SessionAutosave::discard(dir.path(), &error), qPrintable(error));
        QVERIFY(!SessionAutosave::hasRecovery(dir.path()));
        Session back;
        QVERIFY(!SessionAutosave::recover(dir.path(), &back, {}, nullptr, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read the recovery journal ")),
                 qPrintable(error));
        // A damaged journal names its path, the line and the field.
        writeAll(SessionAutosave::journalPath(dir.path()), "{\"format\":\"har\"}\n");
        QVERIFY(!SessionAutosave::recover(dir.path(), &back, {}, nullptr, &error));
        QVERIFY2(error.startsWith(QStringLiteral("recovery journal %1: line 1: format: ")
                                      .arg(SessionAutosave::journalPath(dir.path()))),
                 qPrintable(error));
        // A directory that cannot be made (a file stands in the way): a clear error, and the
        // next save tries again.
        writeAll(dir.filePath(QStringLiteral("blocked")), "x");
        SessionAutosave blocked(&s, dir.filePath(QStringLiteral("blocked/recovery")));
        QVERIFY(!blocked.saveNow(&error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot create the directory ")),
                 qPrintable(error));
    }

    void crashLosesOnlyWhatWasNotSaved()
    {
        QTemporaryDir dir;
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kChildDirectory), dir.path());
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit); // killed, as intended

        QVERIFY(SessionAutosave::hasRecovery(dir.path()));
        Session back;
        ExtensionValues values;
        QString error;
        QVERIFY2(SessionAutosave::recover(dir.path(), &back, kExtensions, &values, &error),
                 qPrintable(error));
        QCOMPARE(back.count(), kChildSaved);
        for (qsizetype i : {qsizetype(0), kChildSaved - 1})
            compareExchanges(back.exchange(i), numbered(i));
        QCOMPARE(values, (ExtensionValues{modeNamed(QStringLiteral("open")), someLimits()}));
        SessionJournal::ReadStats stats;
        QVERIFY2(SessionJournal::read(readAll(SessionAutosave::journalPath(dir.path())), &back,
                                      kExtensions, nullptr, &error, &stats),
                 qPrintable(error));
        QVERIFY(stats.ignoredTailBytes > 0); // the torn line the child left
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString childDirectory = qEnvironmentVariable(kChildDirectory);
    if (!childDirectory.isEmpty())
        return runChildThenCrash(childDirectory);
    TestSessionAutosave test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_session_autosave.moc"
