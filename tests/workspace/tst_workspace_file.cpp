// The workspace file: the playground policy and the override rules survive a write and a read of
// the session file and of the recovery journal, a file without them opens, bad ones are refused
// with the field and what was expected, and the files are byte for byte what the session store
// wrote before the extension point.
#include "../session/chromium_exchanges.h"
#include "../session/legacy_journal.h"
#include "session/session.h"
#include "workspace/workspace_file.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using namespace corslab::session;
using namespace corslab::session::testing;
using workspace::Workspace;

namespace {

QByteArray written(const Session &s, const Workspace &w = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!workspace::write(s, &buffer, &error, QStringLiteral("tst_session_json"), w))
        qWarning("write failed: %s", qPrintable(error));
    return buffer.data();
}

QByteArray withoutCreatedAt(QByteArray text)
{
    const qsizetype at = text.indexOf("\"createdAt\"");
    return text.remove(at, text.indexOf('\n', at) - at);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A playground policy with every field away from its default.
policy::CorsPolicy unusualPolicy()
{
    policy::CorsPolicy p;
    p.name = QStringLiteral("Pattern with \u00e9 and \"quotes\"");
    p.allowOrigin = policy::CorsPolicy::OriginMode::Pattern;
    p.allowedOrigins = {QStringLiteral("{app}"), QStringLiteral("https://x.test")};
    p.originPattern = QStringLiteral("^https://[a-z]+\\.example\\.com$");
    p.allowCredentials = true;
    p.allowMethods = policy::CorsPolicy::ListMode::Echo;
    p.methods = {QStringLiteral("PATCH")};
    p.allowHeaders = policy::CorsPolicy::ListMode::Wildcard;
    p.headers = {};
    p.exposeHeaders = {QStringLiteral("X-Total"), QStringLiteral("ETag")};
    p.maxAge = 7200;
    p.varyOrigin = false;
    p.preflightStatus = 299;
    p.answerPreflight = false;
    p.extraHeaders = {{"X-Debug", "caf\xe9"}, {"X-Debug", "two"}};
    return p;
}

// Two override rules: a policy with placeholders answering preflights, and header edits.
proxy::OverrideSet unusualRules()
{
    proxy::OverrideRule fix;
    fix.name = QStringLiteral("Fix CORS for the app \u2713");
    fix.host = QStringLiteral("*.example.com:8443");
    fix.path = QStringLiteral("/v1/*");
    fix.methods = {"PUT", "DELETE"};
    fix.policy = policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
    fix.answerPreflights = true;
    proxy::OverrideRule edit;
    edit.name = QStringLiteral("edit");
    edit.enabled = false;
    edit.remove = {"X-Powered-By"};
    edit.replace = {{"Vary", "Origin, Accept"}};
    edit.set = {{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Origin", "b"}};
    edit.add = {{"X-Note", "caf\xe9"}};
    proxy::OverrideSet set;
    QString error;
    if (!proxy::OverrideSet::fromRules({fix, edit}, {}, &set, &error))
        qWarning("rules rejected: %s", qPrintable(error));
    return set;
}

// A valid file with one exchange and the top-level members \a top.
QByteArray fileWith(const QByteArray &top)
{
    return "{\"format\": \"corslab-session\", \"version\": 1, \"profile\": \"chromium\", " + top +
           "\"exchanges\": [{\"startedAtMs\": 1714560000000, \"request\": {\"method\": \"GET\", "
           "\"url\": \"https://a.test/\"}, \"response\": {\"status\": 200, \"headers\": []}}]}";
}

// Fills \a s with what the golden file (written by the code before the extension point) holds.
void fillGoldenSession(Session *s)
{
    s->setProfile(cors::BrowserProfile::get(cors::Browser::Firefox));
    s->append({everyField(kT0),
               X("OPTIONS", "https://api.example.net/items", kT0 + 1)
                   .request(chromiumPreflight("api.example.net", kApp, "PUT", "content-type"))
                   .response(204, {{"Access-Control-Allow-Origin", kApp}})});
}
} // namespace

class TestWorkspaceFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void policyAndRulesRoundTrip()
    {
        const policy::CorsPolicy policy = unusualPolicy();
        const proxy::OverrideSet rules = unusualRules();
        QCOMPARE(rules.rules().size(), 2);
        Session s;
        s.append({everyField(kT0)});
        const QByteArray json = written(s, Workspace{policy, rules});

        SessionFile file;
        Workspace parsed;
        QString error;
        QVERIFY2(workspace::parseJson(json, &file, &parsed, &error), qPrintable(error));
        QVERIFY(parsed.policy.has_value());
        QCOMPARE(*parsed.policy, policy);
        QVERIFY(parsed.rules.has_value());
        QCOMPARE(parsed.rules->rules(), rules.rules());

        Session back;
        Workspace read;
        QVERIFY2(workspace::readJson(json, &back, &read, &error), qPrintable(error));
        QCOMPARE(back.count(), 1);
        compareExchanges(back.exchange(0), s.exchange(0));
        QVERIFY(read.policy.has_value());
        QCOMPARE(*read.policy, policy);
        QVERIFY(read.rules.has_value());
        QCOMPARE(read.rules->rules(), rules.rules());
        // The placeholders stay placeholders: the rules work whatever ports the playground has.
        QCOMPARE(read.rules->rules().at(0).policy->allowedOrigins,
                 QStringList{QStringLiteral("{app}")});

        // Session -> file -> session -> file: the same file but for the time of writing.
        QCOMPARE(withoutCreatedAt(written(back, read)), withoutCreatedAt(json));

        // An empty rule list is kept as such, and differs from no rules at all.
        QVERIFY2(workspace::readJson(written(s, Workspace{{}, proxy::OverrideSet()}), &back, &read,
                                     &error),
                 qPrintable(error));
        QVERIFY(!read.policy.has_value());
        QVERIFY(read.rules.has_value());
        QVERIFY(read.rules->rules().isEmpty());
    }

    void sameBytesAsBeforeTheExtensionPoint()
    {
        // Written by the session store when it still wrote the policy and the rules itself (the
        // commit before the extension point): the workspace writes the very same bytes, and
        // reads back what was written.
        const QByteArray golden = readAll(QStringLiteral(CORSLAB_WORKSPACE_DATA "/golden.json"));
        QVERIFY(!golden.isEmpty());
        const Workspace w{unusualPolicy(), unusualRules()};
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QString error;
        Session s;
        fillGoldenSession(&s);
        QVERIFY2(workspace::write(s, &buffer, &error, QStringLiteral("probe"), w),
                 qPrintable(error));
        QCOMPARE(withoutCreatedAt(buffer.data()), withoutCreatedAt(golden));
        Session back;
        Workspace read;
        QVERIFY2(workspace::readJson(golden, &back, &read, &error), qPrintable(error));
        QCOMPARE(back.count(), 2);
        QCOMPARE(*read.policy, *w.policy);
        QCOMPARE(read.rules->rules(), w.rules->rules());
    }

    void fileWithoutPolicyOrRules()
    {
        // A version-1 file from before policies and rules were saved: they read as nullopt, and
        // a failed read leaves what the caller had.
        Workspace w{unusualPolicy(), unusualRules()};
        Session s;
        QString error;
        QVERIFY(!workspace::readJson(fileWith("\"policy\": 5, "), &s, &w, &error));
        QVERIFY(w.policy.has_value());
        QVERIFY(w.rules.has_value());
        QVERIFY2(workspace::readJson(fileWith({}), &s, &w, &error), qPrintable(error));
        QCOMPARE(s.count(), 1);
        QVERIFY(!w.policy.has_value());
        QVERIFY(!w.rules.has_value());
        // And a file written without them has no such members.
        const QJsonObject root = QJsonDocument::fromJson(written(s)).object();
        QVERIFY(!root.contains(QStringLiteral("policy")));
        QVERIFY(!root.contains(QStringLiteral("overrideRules")));
    }

    void fileOnDisk()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("capture.json"));
        Session s;
        s.append({everyField(kT0)});
        QString error;
        QVERIFY2(workspace::writeFile(s, path, &error, {}, Workspace{unusualPolicy(), {}}),
                 qPrintable(error));
        Session back;
        Workspace read;
        QVERIFY2(workspace::readFile(path, &back, &read, &error), qPrintable(error));
        compareExchanges(back.exchange(0), s.exchange(0));
        QCOMPARE(*read.policy, unusualPolicy());
        QVERIFY(!read.rules.has_value());
        const QString bad = dir.filePath(QStringLiteral("missing/capture.json"));
        QVERIFY(!workspace::writeFile(s, bad, &error, {}));
        QVERIFY2(error.contains(bad), qPrintable(error));
        QVERIFY(!workspace::readFile(bad, &back, &read, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read ")), qPrintable(error));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("policy not an object")
            << fileWith("\"policy\": \"open\", ")
            << "policy: expected a playground policy object (docs/policy.md), got \"open\"";
        QTest::newRow("policy with a misspelt field")
            << fileWith("\"policy\": {\"allow_origins\": {}}, ")
            << "policy.allow_origins: unknown field";
        QTest::newRow("policy with a misspelt nested field")
            << fileWith("\"policy\": {\"preflight\": {\"stauts\": 204}}, ")
            << "policy.preflight.stauts: unknown field";
        QTest::newRow("policy with an unknown origin mode")
            << fileWith("\"policy\": {\"allow_origin\": {\"mode\": \"maybe\"}}, ")
            << "policy.allow_origin.mode: expected one of";
        QTest::newRow("policy with a bad pattern")
            << fileWith("\"policy\": {\"allow_origin\": {\"mode\": \"pattern\", "
                        "\"pattern\": \"(\"}}, ")
            << "policy.allow_origin.pattern: expected a valid regular expression, got \"(\"";
        QTest::newRow("policy with credentials as text")
            << fileWith("\"policy\": {\"allow_credentials\": \"yes\"}, ")
            << "policy.allow_credentials: expected true or false, got \"yes\"";
        QTest::newRow("rules not an object")
            << fileWith("\"overrideRules\": [], ")
            << "overrideRules: expected a rules object {\"version\": 1, \"rules\": [...]}";
        QTest::newRow("rules of a newer version")
            << fileWith("\"overrideRules\": {\"version\": 2, \"rules\": []}, ")
            << "overrideRules.version: expected 1, got 2";
        QTest::newRow("rules not a list") << fileWith("\"overrideRules\": {\"rules\": 5}, ")
                                          << "overrideRules.rules: expected an array of rule "
                                             "objects, got 5";
        QTest::newRow("rule with a misspelt field")
            << fileWith("\"overrideRules\": {\"rules\": [{\"hots\": \"a.test\"}]}, ")
            << "overrideRules.rules[0].hots: unknown field";
        QTest::newRow("rule with a bad host")
            << fileWith("\"overrideRules\": {\"rules\": [{}, {\"host\": \"https://a.test/\"}]}, ")
            << "overrideRules.rules[1].host: expected a host glob";
        QTest::newRow("rule with a bad policy")
            << fileWith("\"overrideRules\": {\"rules\": [{\"policy\": \"No such preset\"}]}, ")
            << "overrideRules.rules[0].policy: expected a preset name";
        // Unknown top-level keys are still refused, naming every key the workspace knows.
        QTest::newRow("unknown top-level field")
            << fileWith("\"polcy\": {}, ")
            << "polcy: unknown field (known: format, version, createdBy, createdAt, profile, "
               "bodyCap, policy, overrideRules, exchangeCount, exchanges)";
    }
    void malformed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        Session s;
        s.append({everyField(kT0)});
        Workspace w;
        QString message;
        QVERIFY(!workspace::readJson(json, &s, &w, &message));
        QVERIFY2(message.startsWith(error), qPrintable(QStringLiteral("got: ") + message));
        QCOMPARE(s.count(), 1); // a bad file leaves the session as it was
        QVERIFY(!w.policy && !w.rules);
    }

    void damagedFilesNeverCrash()
    {
        // Random truncations and bit flips inside the policy and the rules (a fixed seed): each
        // file either loads or is refused with an error, the session and workspace untouched.
        Session original;
        original.append({everyField(kT0)});
        const QByteArray good = written(original, Workspace{unusualPolicy(), unusualRules()});
        const qsizetype from = good.indexOf("\"policy\"");
        const qsizetype to = good.indexOf("\"exchangeCount\"");
        QRandomGenerator random(20240501);
        int refused = 0;
        for (int round = 0; round < 400; ++round) {
            QByteArray damaged = good;
            for (int flips = 1 + random.bounded(3); flips > 0; --flips)
                damaged[from + random.bounded(int(to - from))] ^= char(1 << random.bounded(8));
            Session s;
            s.append({everyField(kT0), everyField(kT0 + 1)});
            Workspace w;
            QString error;
            if (workspace::readJson(damaged, &s, &w, &error)) {
                QCOMPARE(s.count(), 1);
                continue;
            }
            ++refused;
            QVERIFY2(!error.isEmpty(), qPrintable(QStringLiteral("round %1").arg(round)));
            QCOMPARE(s.count(), 2);
            QVERIFY(!w.policy && !w.rules);
        }
        QVERIFY2(refused >= 200, qPrintable(QString::number(refused)));
    }

    void journalRoundTrip()
    {
        // The journal of an earlier build: its settings lines carry the policy and the rules.
        Session s;
        s.append({everyField(kT0)});
        const policy::CorsPolicy open =
            *policy::CorsPolicy::preset(QStringLiteral("Open public API"));
        LegacyJournal lines;
        lines.settings(s, workspace::toValues({open, {}})).exchanges(s);
        // New settings: one settings line, and they win on recovery.
        const Workspace later{unusualPolicy(), unusualRules()};
        lines.settings(s, workspace::toValues(later));
        Session back;
        Workspace read;
        QString error;
        QVERIFY2(workspace::readJournal(lines.bytes(), &back, &read, &error), qPrintable(error));
        QCOMPARE(back.count(), 1);
        QCOMPARE(*read.policy, *later.policy);
        QCOMPARE(read.rules->rules(), later.rules->rules());
        // A policy withdrawn later is withdrawn on recovery too.
        lines.settings(s, workspace::toValues({{}, unusualRules()}));
        QVERIFY2(workspace::readJournal(lines.bytes(), &back, &read, &error), qPrintable(error));
        QVERIFY(!read.policy.has_value());
        QVERIFY(read.rules.has_value());
    }

    void damagedJournal_data()
    {
        QTest::addColumn<QByteArray>("journal");
        QTest::addColumn<QString>("error");
        const QByteArray header =
            "{\"format\":\"corslab-recovery\",\"version\":1,\"createdBy\":\"tst\"}\n";
        const QByteArray chunk =
            "{\"first\":0,\"exchanges\":[{\"id\":1,\"startedAtMs\":5,"
            "\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\"}}]}\n";
        QTest::newRow("bad policy in settings")
            << header + chunk + "{\"settings\":{\"policy\":{\"max_age\":\"1h\"}}}\n"
            << "line 3: settings.policy.max_age: expected a whole number of seconds or null";
        QTest::newRow("bad rules in settings")
            << header + "{\"settings\":{\"overrideRules\":{\"rules\":[{\"path\":\"x\"}]}}}\n"
            << "line 2: settings.overrideRules.rules[0].path: expected a path glob";
        QTest::newRow("unknown settings field")
            << header + "{\"settings\":{\"rules\":{}}}\n"
            << "line 2: settings.rules: unknown field (known: profile, bodyCap, policy, "
               "overrideRules)";
    }
    void damagedJournal()
    {
        QFETCH(QByteArray, journal);
        QFETCH(QString, error);
        Session s;
        s.append({everyField(kT0)});
        Workspace w;
        QString message;
        QVERIFY(!workspace::readJournal(journal, &s, &w, &message));
        QVERIFY2(message.startsWith(error), qPrintable(QStringLiteral("got: ") + message));
        QCOMPARE(s.count(), 1); // untouched
        QVERIFY(!w.policy.has_value());
    }

    void recoverReadsPolicyAndRules()
    {
        // The journal a crash of an earlier build left: recover() reads it with the policy and
        // rules in force at its last save.
        QTemporaryDir dir;
        Session s;
        s.append({everyField(kT0), everyField(kT0 + 1)});
        QVERIFY(LegacyJournal()
                    .settings(s, workspace::toValues({unusualPolicy(), unusualRules()}))
                    .exchanges(s)
                    .writeTo(session::journal::path(dir.path())));
        Session back;
        Workspace read;
        QString error;
        QVERIFY2(workspace::recover(dir.path(), &back, &read, &error), qPrintable(error));
        QCOMPARE(back.count(), 2);
        QCOMPARE(*read.policy, unusualPolicy());
        QCOMPARE(read.rules->rules(), unusualRules().rules());
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceFile)
#include "tst_workspace_file.moc"
