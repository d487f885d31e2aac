// The desktop app's engine room without widgets: one session fed by the playground, the proxy
// and the composer, each exchange once; fixes applied to the playground and as proxy overrides;
// session files opened and saved off the GUI thread; audits whose exchanges go into the session.
#include "../app/raw_request.h"
#include "../session/legacy_journal.h"
#include "../session/store_fixture.h"
#include "audit/audit_runner.h"
#include "cors/fix_finder.h"
#include "lab/lab.h"
#include "lab/lab_audit_run.h"
#include "policy/policy_fix.h"
#include "proxy/override_from_fix.h"
#include "proxy/override_store.h"
#include "report/pair_view.h"
#include "session/session_journal.h"
#include "session/session_store.h"
#include "workspace/workspace_file.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace corslab;
using testing::createStore;
using testing::storeCount;

namespace {

lab::Lab::Options freePorts(const QString &caDir)
{
    lab::Lab::Options o;
    o.proxy.port = 0;
    o.caDirectory = caDir;
    o.recoveryDirectory = caDir + QStringLiteral("/recovery");
    return o;
}

QByteArray get(const QByteArray &target, const QByteArray &origin, const QByteArray &host)
{
    return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin +
           "\r\nSec-Fetch-Mode: cors\r\nConnection: close\r\n\r\n";
}

QByteArray hostOf(const QByteArray &origin)
{
    return origin.mid(origin.indexOf("://") + 3);
}

} // namespace

class TestLab : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_ca.isValid());
        m_lab = std::make_unique<lab::Lab>(freePorts(m_ca.path()));
        m_lab->start();
        QVERIFY2(m_lab->playgroundRunning(), qPrintable(m_lab->playgroundError()));
        QVERIFY2(m_lab->proxyRunning(), qPrintable(m_lab->proxyError()));
        m_origins = m_lab->playground().origins();
    }
    void cleanup() { m_lab.reset(); }

    void browserTalkingToThePlaygroundDirectlyIsCaptured()
    {
        const QByteArray reply =
            rawRequest(quint16(QUrl(QString::fromLatin1(m_origins.api)).port()),
                       get("/public", m_origins.app, hostOf(m_origins.api)));
        QVERIFY(reply.startsWith("HTTP/1.1 200"));
        QTRY_COMPARE(m_lab->session().count(), 1);
        const session::ExchangeRow row = m_lab->session().row(0);
        QCOMPARE(row.url, m_origins.api + "/public");
        QCOMPARE(row.origin, m_origins.app);
        QCOMPARE(row.status, 200);
        QCOMPARE(row.verdict.state, session::VerdictState::Exposed);
    }

    void requestThroughTheProxyIsCapturedOnce()
    {
        const QByteArray reply =
            rawRequest(m_lab->proxyPort(),
                       get(m_origins.api + "/public", m_origins.evil, hostOf(m_origins.api)));
        QVERIFY(reply.startsWith("HTTP/1.1 200"));
        QTRY_COMPARE(m_lab->session().count(), 1);
        // The playground saw it too (from the proxy's socket): it must not be added again.
        QTest::qWait(300);
        QCOMPARE(m_lab->session().count(), 1);
        QCOMPARE(m_lab->session().row(0).verdict.state, session::VerdictState::Blocked);
        QCOMPARE(m_lab->playground().exchanges().size(), 1);
    }

    void composedFetchLandsInTheSessionOnce()
    {
        QSignalSpy composed(m_lab.get(), &lab::Lab::composed);
        client::ComposedRequest r;
        r.origin = m_origins.app;
        r.url = QUrl(QString::fromLatin1(m_origins.api + "/echo"));
        r.method = "PUT";
        r.headers = {{"Content-Type", "application/json"}};
        r.body = "{}";
        m_lab->compose(r);
        QTRY_COMPARE(composed.size(), 1);
        const auto outcome = composed.at(0).at(0).value<client::FetchOutcome>();
        QCOMPARE(composed.at(0).at(1).value<qsizetype>(), 0);
        QVERIFY(outcome.preflightSent);
        QCOMPARE(outcome.exchanges.size(), 2);
        QTRY_COMPARE(m_lab->session().count(), 2);
        QTest::qWait(300); // the playground's own records of them must not follow
        QCOMPARE(m_lab->session().count(), 2);
        QCOMPARE(m_lab->session().row(0).kind, session::ExchangeKind::Preflight);
        QCOMPARE(m_lab->session().row(1).kind, session::ExchangeKind::PreflightedActual);
        QCOMPARE(m_lab->session().row(1).pairedId, 1);
    }

    void applyingTheFixToThePlaygroundMakesTheNextTryPass()
    {
        policy::CorsPolicy strict =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        strict.allowedOrigins = {QStringLiteral("{app}")};
        m_lab->playground().setPolicy(strict);
        QSignalSpy composed(m_lab.get(), &lab::Lab::composed);
        client::ComposedRequest r;
        r.origin = m_origins.evil;
        r.url = QUrl(QString::fromLatin1(m_origins.api + "/public"));
        m_lab->compose(r);
        QTRY_COMPARE(composed.size(), 1);
        QVERIFY(!composed.at(0).at(0).value<client::FetchOutcome>().exposed);
        const qsizetype blocked = composed.at(0).at(1).value<qsizetype>();

        QTRY_COMPARE(m_lab->session().count(), 1);
        const report::PairView view = report::buildPairView(m_lab->session(), blocked);
        QVERIFY(view.explanation.fix.has_value());
        policy::CorsPolicy policy = m_lab->playground().policy();
        QStringList changes;
        QString error;
        QVERIFY2(
            policy::applyFixToPolicy(*view.explanation.fix, m_origins, &policy, &changes, &error),
            qPrintable(error));
        QVERIFY(policy.allowedOrigins.contains(QStringLiteral("{evil}")));
        m_lab->playground().setPolicy(policy);

        m_lab->compose(r);
        QTRY_COMPARE(composed.size(), 2);
        QVERIFY(composed.at(1).at(0).value<client::FetchOutcome>().exposed);
        QTRY_COMPARE(m_lab->session().count(), 2);
        QCOMPARE(m_lab->session().row(1).verdict.state, session::VerdictState::Exposed);
    }

    void proxyOverrideFromAFixReachesTheBrowser()
    {
        policy::CorsPolicy none =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        none.allowOrigin = policy::CorsPolicy::OriginMode::None;
        m_lab->playground().setPolicy(none);
        const QByteArray request =
            get(m_origins.api + "/public", m_origins.app, hostOf(m_origins.api));
        QVERIFY(!rawRequest(m_lab->proxyPort(), request).contains("Access-Control-Allow-Origin"));
        QTRY_COMPARE(m_lab->session().count(), 1);
        QCOMPARE(m_lab->session().row(0).verdict.state, session::VerdictState::Blocked);

        const report::PairView view = report::buildPairView(m_lab->session(), 0);
        QVERIFY(view.explanation.fix.has_value());
        QList<proxy::OverrideRule> rules;
        QString error;
        QVERIFY2(proxy::overrideRulesForFix(*view.explanation.fix,
                                            QUrl(QString::fromLatin1(m_origins.api + "/public")),
                                            "GET", {}, &rules, &error),
                 qPrintable(error));
        proxy::OverrideSet set;
        QVERIFY2(proxy::OverrideSet::fromRules(rules, m_origins, &set, &error), qPrintable(error));
        m_lab->overrides()->set(set);

        const QByteArray reply = rawRequest(m_lab->proxyPort(), request);
        QVERIFY2(reply.contains("Access-Control-Allow-Origin: " + m_origins.app),
                 reply.constData());
        QTRY_COMPARE(m_lab->session().count(), 2);
        QCOMPARE(m_lab->session().row(1).verdict.state, session::VerdictState::Exposed);
        QVERIFY(m_lab->session().row(1).overridden);
    }

    void sessionSavedAndOpenedOffTheGuiThread()
    {
        rawRequest(m_lab->proxyPort(),
                   get(m_origins.api + "/public", m_origins.app, hostOf(m_origins.api)));
        rawRequest(m_lab->proxyPort(),
                   get(m_origins.api + "/public", m_origins.evil, hostOf(m_origins.api)));
        QTRY_COMPARE(m_lab->session().count(), 2);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        QSignalSpy done(m_lab.get(), &lab::Lab::fileJobFinished);
        const quint64 saved = m_lab->saveSession(path);
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(0).toULongLong(), saved);
        QCOMPARE(done.at(0).at(2).toString(), QString());

        m_lab->clear();
        QTRY_COMPARE(m_lab->session().count(), 0);
        m_lab->openSession(path);
        QTRY_COMPARE(done.size(), 2);
        QCOMPARE(done.at(1).at(2).toString(), QString());
        QCOMPARE(m_lab->session().count(), 2);
        QCOMPARE(m_lab->session().row(1).origin, m_origins.evil);

        // A broken file: a clear error, the session untouched; a cancelled open changes nothing.
        QFile broken(dir.filePath(QStringLiteral("broken.corslab")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"format\": \"corslab-session\", \"version\": 1, \"exchanges\": 7}");
        broken.close();
        m_lab->openSession(broken.fileName());
        QTRY_COMPARE(done.size(), 3);
        QVERIFY(!done.at(2).at(2).toString().isEmpty());
        QCOMPARE(m_lab->session().count(), 2);
        m_lab->clear();
        QTRY_COMPARE(m_lab->session().count(), 0);
        const quint64 cancelled = m_lab->openSession(path);
        m_lab->cancelFileJob(cancelled);
        QTest::qWait(500);
        QCOMPARE(done.size(), 3);
        QCOMPARE(m_lab->session().count(), 0);
    }

    void sessionFileKeepsThePolicyAndTheRules()
    {
        rawRequest(m_lab->proxyPort(),
                   get(m_origins.api + "/public", m_origins.app, hostOf(m_origins.api)));
        QTRY_COMPARE(m_lab->session().count(), 1);
        policy::CorsPolicy policy = *policy::CorsPolicy::preset(QStringLiteral("Open public API"));
        m_lab->playground().setPolicy(policy);
        proxy::OverrideRule rule;
        rule.name = QStringLiteral("add a header");
        rule.add = {{"X-Test", "1"}};
        proxy::OverrideSet rules;
        QString error;
        QVERIFY2(proxy::OverrideSet::fromRules({rule}, m_origins, &rules, &error),
                 qPrintable(error));
        m_lab->overrides()->set(rules);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.corslab"));
        QSignalSpy done(m_lab.get(), &lab::Lab::fileJobFinished);
        m_lab->saveSession(path);
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(2).toString(), QString());

        m_lab->playground().setPolicy(
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist")));
        m_lab->overrides()->set(proxy::OverrideSet());
        m_lab->openSession(path);
        QTRY_COMPARE(done.size(), 2);
        QCOMPARE(done.at(1).at(2).toString(), QString());
        QCOMPARE(m_lab->playground().policy(), policy);
        QCOMPARE(m_lab->overrides()->current()->rules().size(), 1);
        QCOMPARE(m_lab->overrides()->current()->rules().at(0).name, rule.name);
    }

    void recoveryJournalComesBackAfterACrash()
    {
        // What a crashed run of an earlier build leaves: a journal in the recovery directory.
        const QString recovery = m_ca.filePath(QStringLiteral("crashed"));
        {
            session::Session crashed;
            QList<session::CapturedExchange> batch(3);
            for (int i = 0; i < 3; ++i) {
                batch[i].method = "GET";
                batch[i].url = m_origins.api + "/public?n=" + QByteArray::number(i);
                batch[i].requestHeaders = {{"Origin", m_origins.app}};
                batch[i].status = 200;
                batch[i].startedAtMs = 1700000000000 + i;
            }
            crashed.append(batch);
            workspace::Workspace saved;
            saved.policy = *policy::CorsPolicy::preset(QStringLiteral("Open public API"));
            QVERIFY(QDir().mkpath(recovery));
            QVERIFY(session::testing::LegacyJournal()
                        .settings(crashed, workspace::toValues(saved))
                        .exchanges(crashed)
                        .writeTo(session::journal::path(recovery)));
        }
        lab::Lab::Options o = freePorts(m_ca.path());
        o.recoveryDirectory = recovery;
        lab::Lab next(o);
        next.start();
        QVERIFY(next.hasRecovery());
        QSignalSpy done(&next, &lab::Lab::fileJobFinished);
        next.recover();
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(2).toString(), QString());
        QCOMPARE(next.session().count(), 3);
        QCOMPARE(next.playground().policy().name, QStringLiteral("Open public API"));
        QVERIFY(!session::journal::hasRecovery(recovery)); // read once
    }

    void theSessionLivesOnDiskAndComesBackAfterACrash()
    {
        // Captured traffic goes to the session's store: bodies on disk, not in memory.
        for (int i = 0; i < 3; ++i)
            QVERIFY(rawRequest(m_lab->proxyPort(),
                               get(m_origins.api + "/public?n=" + QByteArray::number(i),
                                   m_origins.app, hostOf(m_origins.api)))
                        .startsWith("HTTP/1.1 200"));
        QTRY_COMPARE(m_lab->session().count(), 3);
        QSignalSpy ticks(m_lab.get(), &lab::Lab::storeStatsChanged);
        m_lab->playground().setPolicy(
            *policy::CorsPolicy::preset(QStringLiteral("Open public API")));
        QTRY_COMPARE(m_lab->storeStats().exchanges, 3);
        // A tick after the policy changed has given it to the store.
        const qsizetype seen = ticks.size();
        QTRY_VERIFY_WITH_TIMEOUT(ticks.size() > seen, 5000);
        QVERIFY(m_lab->storeStats().diskBytes > 0);
        QCOMPARE(m_lab->session().memory().bodies, 0);
        QVERIFY(!m_lab->session().exchange(2).responseBody.stored.isEmpty()); // read from disk
        const QString store = m_lab->storeDirectory();
        QCOMPARE(store, m_ca.filePath(QStringLiteral("recovery/session.corslab")));
        // What a crash leaves: the files as last synced, the manifest not marked clean.
        QVERIFY(dynamic_cast<session::SessionStore *>(m_lab->session().log())->flush());
        const QString crashed = m_ca.filePath(QStringLiteral("crashed"));
        QVERIFY(QDir().mkpath(crashed + QStringLiteral("/session.corslab")));
        for (const QString &name : QDir(store).entryList(QDir::Files))
            if (name != QLatin1String("lock"))
                QVERIFY(QFile::copy(store + QLatin1Char('/') + name,
                                    crashed + QStringLiteral("/session.corslab/") + name));

        lab::Lab::Options o = freePorts(m_ca.path());
        o.recoveryDirectory = crashed;
        lab::Lab next(o);
        next.start();
        QVERIFY(next.hasRecovery());
        QVERIFY(next.storeDirectory().isEmpty()); // nothing kept until the user answers
        QSignalSpy done(&next, &lab::Lab::fileJobFinished);
        next.recover();
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(2).toString(), QString());
        QCOMPARE(next.session().count(), 3);
        QCOMPARE(next.session().exchange(2).url, m_lab->session().exchange(2).url);
        QCOMPARE(next.session().exchange(2).responseBody.stored,
                 m_lab->session().exchange(2).responseBody.stored);
        QCOMPARE(next.playground().policy().name, QStringLiteral("Open public API"));
        // It goes on in the same store, and a clean exit removes it.
        QCOMPARE(next.storeDirectory(), crashed + QStringLiteral("/session.corslab"));
        QTRY_COMPARE(next.storeStats().exchanges, 3);
        QVERIFY(!next.hasRecovery());
    }

    void aStoreOpenedIsTheSessionAndStaysTheUsers()
    {
        // A store recorded elsewhere (as `corslab-cli proxy --record x.corslab` leaves it).
        QTemporaryDir dir;
        const QString user = dir.filePath(QStringLiteral("api.corslab"));
        QCOMPARE(storeCount(createStore(user, 3)), 3);
        const QString own = m_lab->storeDirectory();
        QCOMPARE(own, m_ca.filePath(QStringLiteral("recovery/session.corslab")));
        QTRY_VERIFY(session::SessionStore::isStore(own));

        // Opened, it is the session's store: the app's own store goes, captures go on into it.
        QSignalSpy done(m_lab.get(), &lab::Lab::fileJobFinished);
        m_lab->openSession(user);
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(2).toString(), QString());
        QCOMPARE(m_lab->session().count(), 3);
        QCOMPARE(m_lab->storeDirectory(), user);
        QVERIFY(!QFileInfo::exists(own));
        QCOMPARE(m_lab->session().exchange(1).responseBody.stored, QByteArray("body 1"));
        QVERIFY(rawRequest(m_lab->proxyPort(),
                           get(m_origins.api + "/public", m_origins.app, hostOf(m_origins.api)))
                    .startsWith("HTTP/1.1 200"));
        QTRY_COMPARE(m_lab->session().count(), 4);
        QTRY_COMPARE(m_lab->storeStats().exchanges, 4);
        // Opened again: it already is the session's store.
        m_lab->openSession(user);
        QTRY_COMPARE(done.size(), 2);
        QCOMPARE(done.at(1).at(2).toString(), QString());
        QCOMPARE(m_lab->session().count(), 4);
        done.clear();
        // Noted for crash recovery while it is open.
        const QString pointer = m_ca.filePath(QStringLiteral("recovery/open-store"));
        QTRY_VERIFY(QFileInfo::exists(pointer));

        // What a crash leaves: a copy of its files, unlocked, found through the pointer.
        QVERIFY(dynamic_cast<session::SessionStore *>(m_lab->session().log())->flush());
        const QString crashedCopy = dir.filePath(QStringLiteral("copy.corslab"));
        QVERIFY(QDir().mkpath(crashedCopy));
        for (const QString &name : QDir(user).entryList(QDir::Files))
            if (name != QLatin1String("lock"))
                QVERIFY(QFile::copy(user + QLatin1Char('/') + name,
                                    crashedCopy + QLatin1Char('/') + name));
        const QString crashedRecovery = dir.filePath(QStringLiteral("recovery"));
        QVERIFY(QDir().mkpath(crashedRecovery));
        {
            QFile note(crashedRecovery + QStringLiteral("/open-store"));
            QVERIFY(note.open(QIODevice::WriteOnly));
            note.write(crashedCopy.toUtf8());
        }
        {
            lab::Lab::Options o = freePorts(m_ca.path());
            o.recoveryDirectory = crashedRecovery;
            lab::Lab next(o);
            next.start();
            QVERIFY(next.hasRecovery());
            QSignalSpy recovered(&next, &lab::Lab::fileJobFinished);
            next.recover();
            QTRY_COMPARE(recovered.size(), 1);
            QCOMPARE(recovered.at(0).at(2).toString(), QString());
            QCOMPARE(next.session().count(), 4);
            QCOMPARE(next.storeDirectory(), crashedCopy);
        } // a clean exit: the user's store stays, closed
        QVERIFY(session::SessionStore::isStore(crashedCopy));
        QVERIFY(!session::SessionStore::wasLeftOpen(crashedCopy));
        QCOMPARE(storeCount(crashedCopy), 4);

        // A store another program writes is refused, saying why; the session stays.
        const QString busy = dir.filePath(QStringLiteral("busy.corslab"));
        session::Session recording;
        session::StoreOptions options;
        QString error;
        QVERIFY2(session::SessionStore::create(busy, options, &recording, &error),
                 qPrintable(error));
        m_lab->openSession(busy);
        QTRY_COMPARE(done.size(), 1);
        const QString refused = done.at(0).at(2).toString();
        QVERIFY2(refused.contains(QStringLiteral("in use")), qPrintable(refused));
        QVERIFY2(refused.contains(QStringLiteral("corslab-cli session")), qPrintable(refused));
        QCOMPARE(m_lab->storeDirectory(), user);
        QCOMPARE(m_lab->session().count(), 4);

        // Clear empties the session, not the user's store: the app's own store takes over.
        m_lab->clear();
        QTRY_COMPARE(m_lab->storeDirectory(), own);
        QCOMPARE(m_lab->session().count(), 0);
        QTRY_VERIFY(session::SessionStore::isStore(own));
        QVERIFY(!QFileInfo::exists(pointer));
        QCOMPARE(storeCount(user), 4);

        // Opening a session file while in a user's store leaves that store whole too.
        m_lab->openSession(user);
        QTRY_COMPARE(done.size(), 2);
        QCOMPARE(m_lab->storeDirectory(), user);
        const QString file = dir.filePath(QStringLiteral("s.json"));
        m_lab->saveSession(file);
        QTRY_COMPARE(done.size(), 3);
        QCOMPARE(done.at(2).at(2).toString(), QString());
        m_lab->openSession(file);
        QTRY_COMPARE(done.size(), 4);
        QCOMPARE(done.at(3).at(2).toString(), QString());
        QCOMPARE(m_lab->session().count(), 4);
        QCOMPARE(m_lab->storeDirectory(), own);
        QTRY_COMPARE(m_lab->storeStats().exchanges, 4);
        QCOMPARE(storeCount(user), 4);

        // And a clean exit in a user's store keeps it.
        m_lab->openSession(user);
        QTRY_COMPARE(done.size(), 5);
        QCOMPARE(m_lab->storeDirectory(), user);
        m_lab.reset();
        QVERIFY(!session::SessionStore::wasLeftOpen(user));
        QCOMPARE(storeCount(user), 4);
        QVERIFY(!QFileInfo::exists(pointer));
    }

    void reportAndHarExportedOffTheGuiThread()
    {
        rawRequest(m_lab->proxyPort(),
                   get(m_origins.api + "/public", m_origins.evil, hostOf(m_origins.api)));
        QTRY_COMPARE(m_lab->session().count(), 1);
        QTemporaryDir dir;
        QSignalSpy done(m_lab.get(), &lab::Lab::fileJobFinished);
        QSignalSpy progress(m_lab.get(), &lab::Lab::fileJobProgress);
        const QString html = dir.filePath(QStringLiteral("r.html"));
        m_lab->exportReport(html, report::ReportFormat::Html);
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.at(0).at(2).toString(), QString());
        QVERIFY(!progress.isEmpty());
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString error = m_lab->session().row(0).errorName();
        QVERIFY(!error.isEmpty());
        QVERIFY(file.readAll().contains(error.toLatin1()));

        const QString har = dir.filePath(QStringLiteral("s.har"));
        m_lab->exportHar(har);
        QTRY_COMPARE(done.size(), 2);
        QCOMPARE(done.at(1).at(2).toString(), QString());
        m_lab->clear();
        QTRY_COMPARE(m_lab->session().count(), 0);
        m_lab->importHar(har);
        QTRY_COMPARE(done.size(), 3);
        QCOMPARE(done.at(2).at(2).toString(), QString());
        QCOMPARE(m_lab->session().count(), 1);
        QCOMPARE(m_lab->session().row(0).verdict.state, session::VerdictState::Blocked);
    }

    void profileSwitchRejudgesTheSession()
    {
        QSignalSpy changed(&m_lab->session(), &session::Session::profileChanged);
        m_lab->setProfile(*cors::BrowserProfile::byName(QStringLiteral("firefox")));
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(m_lab->profile().name, QStringLiteral("firefox"));
        QCOMPARE(m_lab->client().profile().name, QStringLiteral("firefox"));
    }

    void busyProxyPortFallsBackToAFreeOne()
    {
        lab::Lab::Options o = freePorts(m_ca.path());
        o.proxy.port = m_lab->proxyPort(); // taken by the first lab
        lab::Lab second(o);
        second.start();
        QVERIFY(second.proxyRunning());
        QVERIFY(second.proxyPort() != m_lab->proxyPort());
    }

    void openBrowserLaunchesThroughTheProxy()
    {
        // A stand-in browser that writes down how it was started.
        QTemporaryDir dir;
        const QString args = dir.filePath(QStringLiteral("args"));
        const QString fake = dir.filePath(QStringLiteral("chromium"));
        QFile script(fake);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args.toLocal8Bit() + "'\n");
        script.close();
        script.setPermissions(script.permissions() | QFileDevice::ExeOwner);
        m_lab->setBrowserBinary(fake);
        const QUrl page = m_lab->playground().appPageUrl();
        QString error;
        QVERIFY2(m_lab->openBrowser(page, &error), qPrintable(error));
        auto written = [&args] {
            QFile f(args);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        QTRY_VERIFY(written().contains("http"));
        const QByteArray text = written();
        QVERIFY2(text.contains("--proxy-server=http://" + m_lab->proxyAddress().toLatin1()),
                 text.constData());
        QVERIFY(text.contains(page.toString().toLatin1()));

        m_lab->stopProxy();
        QVERIFY(!m_lab->openBrowser(page, &error));
        QVERIFY2(error.contains(QStringLiteral("proxy is stopped")), qPrintable(error));
    }

    void reverseTargetIsChecked()
    {
        lab::ProxySettings s;
        s.port = 0;
        s.mode = proxy::ProxyOptions::Mode::Reverse;
        s.reverseTarget = QUrl(QStringLiteral("ftp://example.com"));
        QString error;
        QVERIFY(!m_lab->startProxy(s, &error));
        QVERIFY2(error.contains(QStringLiteral("reverse target")), qPrintable(error));
        QVERIFY(!m_lab->proxyRunning());
    }

    // An audit's probes land in the session once each (the playground leaves the audit's own
    // sockets out), its findings point at them, and the report is kept until the session goes.
    void auditExchangesLandInTheSessionOnce()
    {
        m_lab->playground().setPolicy(*policy::CorsPolicy::preset(
            QStringLiteral("Misconfigured: reflect any origin with credentials")));
        audit::AuditOptions options;
        options.target = QUrl(QString::fromLatin1(m_origins.api + "/private"));
        options.trustedOrigins = {m_origins.app};
        QString error;
        lab::LabAuditRun *run = m_lab->startAudit(options, &error);
        QVERIFY2(run, qPrintable(error));
        QSignalSpy progress(run, &lab::LabAuditRun::progress);
        QSignalSpy finished(run, &lab::LabAuditRun::finished);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const auto report = finished.at(0).at(0).value<audit::AuditReport>();
        QCOMPARE(progress.size(), report.outcomes.size());
        qsizetype sent = 0;
        for (const audit::ProbeOutcome &o : report.outcomes)
            sent += o.result.outcome.exchanges.size();
        QCOMPARE(m_lab->session().count(), sent);
        QTest::qWait(300); // the playground's own records of them must not follow
        QCOMPARE(m_lab->session().count(), sent);

        QVERIFY(!report.findings.isEmpty());
        for (const audit::AuditFinding &f : report.findings) {
            const QList<qsizetype> indexes = run->evidenceIndexes(f);
            QCOMPARE(indexes.size(), f.evidence.size());
            for (qsizetype i = 0; i < indexes.size(); ++i) {
                QVERIFY(indexes.at(i) >= 0);
                const session::CapturedExchange x = m_lab->session().exchange(indexes.at(i));
                QCOMPARE(x.url, f.evidence.at(i).url);
                QCOMPARE(x.startedAtMs, f.evidence.at(i).startedAtMs);
            }
        }
        QVERIFY(m_lab->lastAudit());
        QCOMPARE(m_lab->lastAudit()->findings.size(), report.findings.size());

        m_lab->clear();
        QTRY_VERIFY(!m_lab->lastAudit());
        QCOMPARE(run->evidenceIndexes(report.findings.first()).first(), qsizetype(-1));
    }

    void auditRefusedSendsNothing()
    {
        audit::AuditOptions options;
        options.target = QUrl(QStringLiteral("ftp://example.com/"));
        QString error;
        QVERIFY(!m_lab->startAudit(options, &error));
        QVERIFY2(error.startsWith(QLatin1String("URL:")), qPrintable(error));
        QTest::qWait(100);
        QCOMPARE(m_lab->session().count(), 0);
    }

    void auditCancelledKeepsWhatWasSent()
    {
        audit::AuditOptions options;
        options.target = QUrl(QString::fromLatin1(m_origins.api + "/private"));
        QString error;
        lab::LabAuditRun *run = m_lab->startAudit(options, &error);
        QVERIFY2(run, qPrintable(error));
        QSignalSpy cancelled(run, &lab::LabAuditRun::cancelled);
        QSignalSpy finished(run, &lab::LabAuditRun::finished);
        QSignalSpy progress(run, &lab::LabAuditRun::progress);
        QTRY_VERIFY(!progress.isEmpty());
        run->cancel();
        QTRY_COMPARE(cancelled.size(), 1);
        QVERIFY(finished.isEmpty());
        QVERIFY(!run->running());
        QVERIFY(m_lab->session().count() > 0);
        QVERIFY(!m_lab->lastAudit());
    }

private:
    QTemporaryDir m_ca;
    std::unique_ptr<lab::Lab> m_lab;
    policy::DemoOrigins m_origins;
};

QTEST_MAIN(TestLab)
#include "tst_lab.moc"
