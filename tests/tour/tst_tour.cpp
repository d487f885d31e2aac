// The guided tour against a real playground server on loopback, through the real browser client:
// every classic scenario, step by step, checked against what the client, the session and the
// server each saw; the landing exchange; unknown ids, a stopped server, busy and cancelled runs.
#include "client/browser_client.h"
#include "server/playground_server.h"
#include "session/session.h"
#include "tour/classic_scenarios.h"
#include "tour/tour_runner.h"

#include <QSet>
#include <QSignalSpy>
#include <QtTest>

using namespace corslab;
using namespace corslab::tour;

namespace {

// Bounds a wait so that a broken run fails the test instead of hanging it; never a pass condition.
constexpr int kRunBoundMs = 60000;

std::optional<QByteArray> header(const base::HeaderList &headers, const QByteArray &name)
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return std::nullopt;
}

struct StepRecord
{
    int index = -1;
    client::FetchOutcome outcome;
    qsizetype first = -1;
    QStringList mismatches;
};

} // namespace

class TestTour : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<server::PlaygroundServer> m_server;
    std::unique_ptr<client::BrowserClient> m_client;
    std::unique_ptr<session::Session> m_session;

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<server::PlaygroundServer>(server::PlaygroundServer::Options{});
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_client = std::make_unique<client::BrowserClient>(client::BrowserClient::Options{});
        m_session = std::make_unique<session::Session>();
    }

    void cleanup()
    {
        m_client.reset();
        m_server->stop();
        m_server.reset();
        m_session.reset();
    }

    void scenarioList()
    {
        const QList<ClassicScenario> list = classicScenarios();
        QVERIFY(list.size() >= 8);
        QSet<QString> ids;
        const policy::DemoOrigins origins{"http://localhost:1", "http://localhost:2",
                                          "http://127.0.0.1:3"};
        for (const ClassicScenario &c : list) {
            QVERIFY2(!ids.contains(c.id), qPrintable(c.id));
            ids.insert(c.id);
            QVERIFY(!c.title.isEmpty());
            QVERIFY2(c.lesson.count(QLatin1Char('.')) >= 2, qPrintable(c.id));
            QVERIFY(!c.steps.isEmpty());
            QVERIFY(c.landingStep >= 0 && c.landingStep < c.steps.size());
            QVERIFY(classicScenario(c.id).has_value());
            for (const ScenarioStep &s : c.steps) {
                QVERIFY(!s.caption.isEmpty());
                const client::ComposedRequest r = resolveRequest(s.request, origins);
                QString error;
                QVERIFY2(r.validate(&error), qPrintable(c.id + QLatin1String(": ") + error));
                QVERIFY2(!r.origin.contains('{') && !r.url.toString().contains(QLatin1Char('{')),
                         qPrintable(c.id));
            }
        }
        QVERIFY(!classicScenario(QStringLiteral("no-such-scenario")).has_value());
    }

    void resolvesPlaceholders()
    {
        const policy::DemoOrigins origins{"http://localhost:8080", "http://localhost:3000",
                                          "http://127.0.0.1:6666"};
        client::ComposedRequest r;
        r.origin = "{evil}";
        r.url = QUrl(QStringLiteral("{api}/private?x=a%20b"));
        const client::ComposedRequest resolved = resolveRequest(r, origins);
        QCOMPARE(resolved.origin, QByteArray("http://127.0.0.1:6666"));
        QCOMPARE(resolved.url, QUrl(QStringLiteral("http://localhost:8080/private?x=a%20b")));
        r.origin = "http://localhost:4000"; // no placeholder: kept as written
        QCOMPARE(resolveRequest(r, origins).origin, QByteArray("http://localhost:4000"));
    }

    void mismatchesNameTheDifference()
    {
        ExpectedOutcome expected;
        expected.exposed = false;
        expected.error = cors::CorsError::AllowOriginMismatch;
        expected.preflightSent = true;
        expected.status = 200;
        client::FetchOutcome outcome;
        outcome.exposed = false;
        outcome.error = cors::CorsError::AllowOriginMismatch;
        outcome.preflightSent = true;
        outcome.actualSent = true;
        session::CapturedExchange x;
        x.status = 200;
        outcome.exchanges = {x};
        QCOMPARE(outcomeMismatches(expected, outcome, nullptr), QStringList());

        outcome.error = cors::CorsError::MissingAllowOriginHeader;
        QStringList m = outcomeMismatches(expected, outcome, nullptr);
        QCOMPARE(m.size(), 1);
        QVERIFY2(m[0].contains(QLatin1String("AllowOriginMismatch")) &&
                     m[0].contains(QLatin1String("MissingAllowOriginHeader")),
                 qPrintable(m[0]));
        outcome.error = expected.error;
        outcome.exposed = true;
        QVERIFY(!outcomeMismatches(expected, outcome, nullptr).isEmpty());
        outcome.exposed = false;
        outcome.preflightSent = false;
        QVERIFY(outcomeMismatches(expected, outcome, nullptr)
                    .join(QLatin1Char(' '))
                    .contains(QLatin1String("preflight")));
        outcome.preflightSent = true;
        outcome.exchanges[0].status = 401;
        QVERIFY(outcomeMismatches(expected, outcome, nullptr)
                    .join(QLatin1Char(' '))
                    .contains(QLatin1String("401")));
        outcome.exchanges[0].status = 200;
        expected.readableHeaders = {"x-total-count"};
        QVERIFY(outcomeMismatches(expected, outcome, nullptr)
                    .join(QLatin1Char(' '))
                    .contains(QLatin1String("no verdict")));
    }

    void runsEveryScenario_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("profile");
        // The lessons hold in every browser the client models.
        for (const QString &profile : cors::BrowserProfile::names()) {
            for (const ClassicScenario &c : classicScenarios())
                QTest::addRow("%s %s", qPrintable(profile), qPrintable(c.id)) << c.id << profile;
        }
    }

    void runsEveryScenario()
    {
        QFETCH(QString, id);
        QFETCH(QString, profile);
        const cors::BrowserProfile *browser = cors::BrowserProfile::byName(profile);
        QVERIFY(browser);
        m_client->setProfile(*browser);
        m_session->setProfile(*browser);
        const ClassicScenario scenario = *classicScenario(id);
        const policy::DemoOrigins origins = m_server->origins();
        const policy::CorsPolicy userPolicy = m_server->policy();
        TourRunner runner(*m_server, *m_client, *m_session);
        QList<StepRecord> steps;
        connect(&runner, &TourRunner::stepFinished, this,
                [&](int index, const client::FetchOutcome &outcome, qsizetype first) {
                    steps.append({index, outcome, first, runner.lastMismatches()});
                });
        QSignalSpy finished(&runner, &TourRunner::finished);
        QSignalSpy failed(&runner, &TourRunner::failed);

        runner.run(id);
        QVERIFY(runner.isRunning());
        QCOMPARE(runner.runningScenario(), id);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), kRunBoundMs);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
        QCOMPARE(finished.size(), 1);
        QVERIFY(!runner.isRunning());

        QCOMPARE(steps.size(), scenario.steps.size());
        qsizetype expectedFirst = 0;
        int preflightsSent = 0;
        for (int i = 0; i < steps.size(); ++i) {
            const StepRecord &r = steps[i];
            const ScenarioStep &s = scenario.steps[i];
            const QByteArray where = id.toUtf8() + " step " + QByteArray::number(i + 1) + ": ";
            QCOMPARE(r.index, i);
            QVERIFY2(r.mismatches.isEmpty(),
                     (where + r.mismatches.join(QLatin1String("; ")).toUtf8()).constData());
            // The page's view, checked here too rather than only through outcomeMismatches().
            QVERIFY2(r.outcome.failure.isEmpty(), (where + r.outcome.failure.toUtf8()).constData());
            QCOMPARE(r.outcome.exposed, s.expected.exposed);
            QCOMPARE(r.outcome.error, s.expected.error);
            if (s.expected.preflightSent)
                QCOMPARE(r.outcome.preflightSent, *s.expected.preflightSent);
            if (s.expected.preflightFromCache)
                QCOMPARE(r.outcome.preflightFromCache, *s.expected.preflightFromCache);
            preflightsSent += r.outcome.preflightSent ? 1 : 0;

            // Every exchange is in the session, in order, right after the previous step's.
            QVERIFY(!r.outcome.exchanges.isEmpty());
            QCOMPARE(r.first, expectedFirst);
            for (qsizetype k = 0; k < r.outcome.exchanges.size(); ++k) {
                const session::CapturedExchange stored = m_session->exchange(r.first + k);
                QCOMPARE(stored.method, r.outcome.exchanges[k].method);
                QCOMPARE(stored.url, r.outcome.exchanges[k].url);
            }
            expectedFirst += r.outcome.exchanges.size();

            // The step's final exchange is the request the step describes, with its origin.
            const client::ComposedRequest sent = resolveRequest(s.request, origins);
            const session::CapturedExchange last = r.outcome.exchanges.constLast();
            QCOMPARE(QUrl(QString::fromUtf8(last.url)), sent.url);
            QCOMPARE(last.method, r.outcome.actualSent ? sent.method : QByteArray("OPTIONS"));
            if (sent.origin != origins.api) // same-origin: a browser may leave Origin out
                QCOMPARE(header(last.requestHeaders, "origin").value_or("(none)"), sent.origin);
            if (s.expected.status != 0)
                QCOMPARE(last.status, s.expected.status);
        }
        QCOMPARE(m_session->count(), expectedFirst);

        // The server agrees on how many preflights reached it. Its log is written on its network
        // thread after the response went out, so it may trail the client by a moment.
        QTRY_COMPARE_WITH_TIMEOUT(m_server->exchanges().size(), expectedFirst, kRunBoundMs);
        int optionsSeen = 0;
        for (const http::HttpExchange &x : m_server->exchanges())
            optionsSeen += x.request.method == "OPTIONS" ? 1 : 0;
        QCOMPARE(optionsSeen, preflightsSent);

        const QList<QVariant> args = finished.takeFirst();
        QCOMPARE(args.at(0).toString(), id);
        QVERIFY(args.at(2).toBool());
        const StepRecord &landing = steps[scenario.landingStep];
        const qsizetype landingIndex = args.at(1).value<qsizetype>();
        QCOMPARE(landingIndex, landing.first + landing.outcome.exchanges.size() - 1);
        const session::ExchangeRow row = m_session->row(landingIndex);
        QCOMPARE(QUrl(QString::fromUtf8(row.url)),
                 resolveRequest(scenario.steps[scenario.landingStep].request, origins).url);
        const ExpectedOutcome &landingExpected = scenario.steps[scenario.landingStep].expected;
        if (landingExpected.exposed) {
            QVERIFY(row.verdict.state != session::VerdictState::Blocked);
        } else {
            QCOMPARE(row.verdict.state, session::VerdictState::Blocked);
            QCOMPARE(row.verdict.corsError(), landingExpected.error);
        }

        // The scenario's last policy stays; the user's comes back on request.
        const policy::CorsPolicy lastPolicy = [&] {
            policy::CorsPolicy p = scenario.policy;
            for (const ScenarioStep &s : scenario.steps) {
                if (s.policyBefore)
                    p = *s.policyBefore;
            }
            return p;
        }();
        QCOMPARE(m_server->policy(), lastPolicy);
        QVERIFY(runner.hasPolicyToRestore());
        QVERIFY(runner.restorePolicy());
        QCOMPARE(m_server->policy(), userPolicy);
        QVERIFY(!runner.restorePolicy());
    }

    void runsScenariosBackToBack()
    {
        // A second scenario on the same client and session: fresh preflight cache and cookies,
        // indexes continue.
        TourRunner runner(*m_server, *m_client, *m_session);
        QSignalSpy finished(&runner, &TourRunner::finished);
        // Scenarios that log in start without the cookie of the one before.
        int logins = 0;
        connect(&runner, &TourRunner::stepFinished, this,
                [&](int, const client::FetchOutcome &outcome, qsizetype) {
                    const session::CapturedExchange &x = outcome.exchanges.constFirst();
                    if (!x.url.endsWith("/login"))
                        return;
                    ++logins;
                    QVERIFY2(!header(x.requestHeaders, "cookie").has_value(), x.url.constData());
                });
        for (const QString &id : {QStringLiteral("reflect-any-origin"), QStringLiteral("max-age"),
                                  QStringLiteral("trusted-third-party")}) {
            const qsizetype before = m_session->count();
            runner.run(id);
            QVERIFY(finished.wait(kRunBoundMs));
            const QList<QVariant> args = finished.takeFirst();
            QCOMPARE(args.at(0).toString(), id);
            QVERIFY2(args.at(2).toBool(), qPrintable(id));
            QVERIFY(args.at(1).value<qsizetype>() >= before);
        }
        QCOMPARE(logins, 2);
    }

    void unknownScenarioFailsCleanly()
    {
        TourRunner runner(*m_server, *m_client, *m_session);
        const policy::CorsPolicy before = m_server->policy();
        QSignalSpy finished(&runner, &TourRunner::finished);
        QSignalSpy failed(&runner, &TourRunner::failed);
        runner.run(QStringLiteral("nope"));
        QVERIFY(!runner.isRunning());
        QVERIFY(failed.wait(kRunBoundMs));
        const QString reason = failed.at(0).at(0).toString();
        QVERIFY2(reason.contains(QLatin1String("\"nope\"")) &&
                     reason.contains(QLatin1String("simple-get")),
                 qPrintable(reason));
        QVERIFY(finished.isEmpty());
        QCOMPARE(m_session->count(), 0);
        QCOMPARE(m_server->policy(), before);
        QVERIFY(!runner.hasPolicyToRestore());
    }

    void refusesWhileRunningAndCancels()
    {
        TourRunner runner(*m_server, *m_client, *m_session);
        QSignalSpy finished(&runner, &TourRunner::finished);
        QSignalSpy failed(&runner, &TourRunner::failed);
        QSignalSpy steps(&runner, &TourRunner::stepFinished);
        runner.run(QStringLiteral("max-age"));
        runner.run(QStringLiteral("simple-get"));
        QVERIFY(failed.wait(kRunBoundMs));
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("max-age")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(runner.isRunning());

        runner.cancel();
        QVERIFY(!runner.isRunning());
        QCOMPARE(failed.size(), 2);
        QVERIFY(failed.at(1).at(0).toString().contains(QLatin1String("cancelled")));
        // The step in flight still finishes in the client; the runner ignores it.
        QTRY_COMPARE_WITH_TIMEOUT(m_client->pending(), 0, kRunBoundMs);
        QCoreApplication::processEvents();
        QVERIFY(finished.isEmpty());
        QCOMPARE(m_session->count(), 0);

        // And the runner is free again.
        runner.run(QStringLiteral("simple-get"));
        QVERIFY(finished.wait(kRunBoundMs));
        QVERIFY(finished.at(0).at(2).toBool());
    }

    void stoppedPlaygroundFailsCleanly()
    {
        m_server->stop();
        TourRunner runner(*m_server, *m_client, *m_session);
        QSignalSpy failed(&runner, &TourRunner::failed);
        runner.run(QStringLiteral("simple-get"));
        QVERIFY(failed.wait(kRunBoundMs));
        QVERIFY(failed.at(0).at(0).toString().contains(QLatin1String("not running")));
        QCOMPARE(m_session->count(), 0);
    }
};

QTEST_MAIN(TestTour)
#include "tst_tour.moc"
