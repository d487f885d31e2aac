// Runs the CORS scenarios of chromium_cases.cpp in real headless Chromium (one browser session for
// all of them) and checks, case by case, that the engine's Chromium profile predicts what the
// browser did: preflight or not, exposed or blocked, readable response headers, the preflight's
// Access-Control-Request-* headers, and preflight caching for repeated fetches.

#include "browser_harness.h"
#include "chromium_cases.h"
#include "chromium_runner.h"

#include "cors/browser_profile.h"
#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/scenario.h"
#include "cors/scenario_json.h"
#include "cors/verdict.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <csignal>
#include <optional>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace corslab::cors;

namespace {

constexpr int BrowserTimeoutMs = 180000;
constexpr int LeftoverGraceMs = 10000;
/// A preflight cache lifetime at or above this keeps two back-to-back fetches on one preflight.
constexpr qint64 SurelyCachedSeconds = 3;

/// A live (not zombie) process, as /proc shows it.
struct ProcessInfo
{
    pid_t pid = 0;
    pid_t session = 0;
    QByteArray comm;
    QByteArray cmdline; ///< NUL separators replaced by spaces.
    QByteArray environment; ///< /proc/<pid>/environ; empty when not readable.
};

QByteArray readProcFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QList<ProcessInfo> liveProcesses()
{
    QList<ProcessInfo> processes;
    QDirIterator procs(u"/proc"_s, QDir::Dirs | QDir::NoDotAndDotDot);
    while (procs.hasNext()) {
        const QString dir = procs.next();
        bool numeric = false;
        const pid_t pid = static_cast<pid_t>(QFileInfo(dir).fileName().toInt(&numeric));
        if (!numeric)
            continue;
        // "pid (comm) state ..."; comm may contain spaces and parentheses.
        const QByteArray stat = readProcFile(dir + u"/stat"_s);
        const qsizetype open = stat.indexOf('(');
        const qsizetype close = stat.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= stat.size())
            continue;
        // After the comm: state ppid pgrp session ...
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() < 4 || fields[0] == "Z" || fields[0] == "X")
            continue; // Zombies are already dead; init reaps them.
        ProcessInfo info;
        info.pid = pid;
        info.session = static_cast<pid_t>(fields[3].toInt());
        info.comm = stat.mid(open + 1, close - open - 1);
        info.cmdline = readProcFile(dir + u"/cmdline"_s).replace('\0', ' ').trimmed();
        info.environment = readProcFile(dir + u"/environ"_s);
        processes.append(info);
    }
    return processes;
}

bool isChromiumProcess(const ProcessInfo &process)
{
    return process.comm.startsWith("chrom") || process.cmdline.contains("/chromium");
}

bool carriesMarker(const ProcessInfo &process, const QByteArray &marker)
{
    return process.cmdline.contains(marker) || process.environment.contains(marker);
}

/// Browser processes of this test run: their command line or environment names \a marker (the
/// private TMPDIR the browser was started with), or they belong to one of \a sessions (the
/// browser's own session, whose zygotes and renderers run with a cleaned environment).
QList<ProcessInfo> processesOfRun(const QByteArray &marker, const QSet<pid_t> &sessions)
{
    const pid_t self = static_cast<pid_t>(QCoreApplication::applicationPid());
    const pid_t ownSession = ::getsid(0);
    QList<ProcessInfo> ours;
    for (const ProcessInfo &process : liveProcesses()) {
        if (process.pid == self || process.session == ownSession)
            continue;
        if (carriesMarker(process, marker) || sessions.contains(process.session))
            ours.append(process);
    }
    return ours;
}

QString describe(const QList<ProcessInfo> &processes)
{
    QStringList lines;
    for (const ProcessInfo &process : processes) {
        lines.append(u"  pid %1 (%2) %3"_s.arg(QString::number(process.pid),
                                                QString::fromLocal8Bit(process.comm),
                                                QString::fromLocal8Bit(process.cmdline.left(160))));
    }
    return lines.join(u'\n');
}

QString joined(const QList<QByteArray> &values)
{
    QStringList list;
    for (const QByteArray &value : values)
        list.append(QString::fromLatin1(value));
    return u"["_s + list.join(u", "_s) + u"]"_s;
}

QString joined(const QStringList &values)
{
    return u"["_s + values.join(u", "_s) + u"]"_s;
}

QString boolText(bool value)
{
    return value ? u"yes"_s : u"no"_s;
}

/// The value of header \a name (case-insensitive) in a recorded request, or nullopt.
std::optional<QString> requestHeader(const ObservedRequest &request, const QByteArray &name)
{
    for (const auto &[headerName, value] : request.headers) {
        if (headerName.compare(name, Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(value);
    }
    return std::nullopt;
}

std::optional<QString> engineHeader(const HeaderList &headers, const QByteArray &name)
{
    for (const Header &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(header.second);
    }
    return std::nullopt;
}

QString optionalText(const std::optional<QString> &value)
{
    return value ? u"\""_s + *value + u"\""_s : u"(absent)"_s;
}

bool attemptExposed(const BrowserAttempt &attempt)
{
    return attempt.resolved && (attempt.type == u"cors"_s || attempt.type == u"basic"_s);
}

QString attemptText(const BrowserAttempt &attempt)
{
    if (!attempt.resolved)
        return u"rejected (%1)"_s.arg(attempt.error);
    return u"resolved type=%1 status=%2 headers=%3"_s.arg(
        attempt.type, QString::number(attempt.status), joined(attempt.readableHeaders));
}

/// One line per request the servers saw: method, server, path and the CORS request headers.
QString requestsText(const QList<ObservedRequest> &requests)
{
    QStringList lines;
    for (const ObservedRequest &request : requests) {
        QString line = u"    %1 %2 %3"_s.arg(request.method, request.server, request.path);
        for (const QByteArray &name :
             {"Origin"_ba, "Access-Control-Request-Method"_ba, "Access-Control-Request-Headers"_ba}) {
            if (const auto value = requestHeader(request, name))
                line += u" %1: %2;"_s.arg(QString::fromLatin1(name), *value);
        }
        lines.append(line);
    }
    return lines.isEmpty() ? u"    (none)"_s : lines.join(u'\n');
}

struct Mismatch
{
    QString id;
    QString field;
    QString engine;
    QString browser;
};

} // namespace

class TestBrowserChromium : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agreement_data();
    void agreement();
    void noBrowserProcessLeftOver();
    void cleanupTestCase();

private:
    QList<BrowserCase> m_cases;
    QHash<QString, int> m_repeat;
    QHash<QString, QString> m_rule;
    QHash<QString, BrowserObservation> m_observations;
    QString m_runError;
    QString m_leftovers;
    QList<Mismatch> m_mismatches;
};

void TestBrowserChromium::initTestCase()
{
    m_cases = chromiumCases();
    QVERIFY2(m_cases.size() >= 45,
             qPrintable(u"expected at least 45 cases, chromiumCases() gave %1"_s.arg(
                 m_cases.size())));
    for (const BrowserCase &browserCase : m_cases) {
        m_repeat.insert(browserCase.id, browserCase.repeat);
        m_rule.insert(browserCase.id, browserCase.scenario.value(u"comment"_s).toString());
    }

    ChromiumRunner runner;
    if (!runner.isAvailable())
        QSKIP("/usr/bin/chromium is not installed (Debian package 'chromium'; ./test installs it): "
              "cannot compare the engine with a real browser");
    qInfo("browser: %s", qPrintable(runner.version()));

    // Browsers left by someone else are not ours to end; only say that they are there.
    QList<ProcessInfo> before;
    for (const ProcessInfo &process : liveProcesses()) {
        if (isChromiumProcess(process))
            before.append(process);
    }
    if (!before.isEmpty())
        qInfo("chromium processes already running before the test (left alone):\n%s",
              qPrintable(describe(before)));

    // A private TMPDIR holds the browser's temporary profile and is inherited by every browser
    // process, so after the run we can tell this run's processes from anyone else's.
    QTemporaryDir marker(QDir::tempPath() + u"/tst_browser_chromium-XXXXXX"_s);
    QVERIFY2(marker.isValid(), qPrintable(marker.errorString()));
    const QByteArray markerPath = marker.path().toLocal8Bit();
    const bool hadTmpDir = qEnvironmentVariableIsSet("TMPDIR");
    const QByteArray oldTmpDir = qgetenv("TMPDIR");
    qputenv("TMPDIR", markerPath);

    // runInBrowser() spins an event loop: meanwhile note the sessions the browser runs in.
    QSet<pid_t> sessions;
    QTimer sampler;
    sampler.setInterval(200);
    connect(&sampler, &QTimer::timeout, this, [&sessions, &markerPath] {
        const pid_t ownSession = ::getsid(0);
        for (const ProcessInfo &process : liveProcesses()) {
            if (carriesMarker(process, markerPath) && process.session != ownSession)
                sessions.insert(process.session);
        }
    });
    sampler.start();

    QList<BrowserObservation> observations;
    QElapsedTimer timer;
    timer.start();
    const bool ok = runInBrowser(runner, m_cases, &observations, &m_runError, BrowserTimeoutMs);
    const qint64 elapsedMs = timer.elapsed();
    sampler.stop();
    runner.stop();

    if (hadTmpDir)
        qputenv("TMPDIR", oldTmpDir);
    else
        qunsetenv("TMPDIR");

    // runner.stop() ends the browser's process group; helpers that left the group (crashpad)
    // exit by themselves shortly after. Wait for them, then end what is still ours.
    qInfo("watching %d browser session(s) for processes left over",
          static_cast<int>(sessions.size()));
    QList<ProcessInfo> leftovers = processesOfRun(markerPath, sessions);
    const QDeadlineTimer grace(LeftoverGraceMs);
    while (!leftovers.isEmpty() && !grace.hasExpired()) {
        QThread::msleep(100);
        leftovers = processesOfRun(markerPath, sessions);
    }
    if (!leftovers.isEmpty()) {
        m_leftovers = describe(leftovers);
        qWarning("browser processes of this run still alive %d ms after stop(), killing them:\n%s",
                 LeftoverGraceMs, qPrintable(m_leftovers));
        for (const ProcessInfo &process : leftovers)
            ::kill(process.pid, SIGKILL);
    }

    int completed = 0;
    for (const BrowserObservation &observation : observations) {
        m_observations.insert(observation.id, observation);
        completed += observation.completed ? 1 : 0;
    }
    qInfo("chromium ran %d of %d cases in %lld ms (one browser session)", completed,
          static_cast<int>(m_cases.size()), static_cast<long long>(elapsedMs));
    if (!ok) {
        qWarning("browser run failed: %s\nbrowser output:\n%s", qPrintable(m_runError),
                 runner.output().right(4000).constData());
    }
    QVERIFY2(completed > 0,
             qPrintable(u"Chromium reported no case at all: "_s + m_runError));
}

void TestBrowserChromium::agreement_data()
{
    QTest::addColumn<QString>("id");
    for (const BrowserCase &browserCase : m_cases)
        QTest::newRow(qPrintable(browserCase.id)) << browserCase.id;
}

void TestBrowserChromium::agreement()
{
    QFETCH(QString, id);
    const BrowserObservation observation = m_observations.value(id);
    QVERIFY2(observation.completed,
             qPrintable(u"case %1: the page did not report this case (%2)"_s.arg(id, m_runError)));
    QVERIFY2(!observation.attempts.isEmpty(),
             qPrintable(u"case %1: the page reported no attempt"_s.arg(id)));

    // The harness's resolved scenario is exactly what the servers sent; the request body is a
    // fetch() detail the engine does not take.
    QJsonObject json = observation.resolvedScenario;
    QJsonObject request = json.value(u"request"_s).toObject();
    request.remove(u"body"_s);
    json.insert(u"request"_s, request);
    Scenario scenario;
    QString parseError;
    QVERIFY2(scenarioFromJson(json, &scenario, &parseError),
             qPrintable(u"case %1: the engine cannot read the scenario: %2"_s.arg(id, parseError)));
    const Verdict verdict = evaluate(scenario, BrowserProfile::get(Browser::Chromium));

    QList<Mismatch> mismatches;
    const auto check = [&](const QString &field, const QString &engine, const QString &browser) {
        if (engine != browser)
            mismatches.append({id, field, engine, browser});
    };

    // 1. Preflight sent, for the first attempt.
    const int repeat = m_repeat.value(id, 1);
    const bool browserPreflight =
        repeat == 1 ? observation.preflightCount() > 0
                    : !observation.requests.isEmpty() &&
                          observation.requests.first().method == u"OPTIONS"_s;
    check(u"preflight sent"_s, boolText(verdict.preflightRequired), boolText(browserPreflight));

    // 2. Exposed or blocked, for every attempt (the verdict is the same for each).
    const BrowserAttempt &first = observation.attempts.first();
    for (qsizetype k = 0; k < observation.attempts.size(); ++k) {
        const BrowserAttempt &attempt = observation.attempts.at(k);
        const QString suffix = k == 0 ? QString() : u" (attempt %1)"_s.arg(k + 1);
        check(u"exposed"_s + suffix, boolText(verdict.exposed), boolText(attemptExposed(attempt)));
        // A rejected fetch() is the engine's "error" response type.
        check(u"response type"_s + suffix, verdict.responseType,
              attempt.resolved ? attempt.type : u"error"_s);
    }
    if (observation.attempts.size() != repeat)
        check(u"attempts"_s, QString::number(repeat),
              QString::number(observation.attempts.size()));

    // 3. Readable response headers.
    if (verdict.exposed && attemptExposed(first))
        check(u"readable headers"_s, joined(verdict.readableHeaders),
              joined(first.readableHeaders));

    // 4. The preflight's Access-Control-Request-* headers.
    if (verdict.preflightRequired && browserPreflight) {
        const ObservedRequest &options =
            *std::find_if(observation.requests.begin(), observation.requests.end(),
                          [](const ObservedRequest &r) { return r.method == u"OPTIONS"_s; });
        for (const QByteArray &name :
             {"Access-Control-Request-Method"_ba, "Access-Control-Request-Headers"_ba}) {
            check(QString::fromLatin1(name),
                  optionalText(engineHeader(verdict.preflightRequest, name)),
                  optionalText(requestHeader(options, name)));
        }
    }

    // 5. Preflight caching across back-to-back attempts.
    if (repeat > 1 && verdict.preflightRequired && verdict.preflightOk) {
        const qint64 lifetime = verdict.preflightCacheSeconds;
        const QString field = u"preflights for %1 attempts (engine cache lifetime %2 s)"_s.arg(
            QString::number(repeat), QString::number(lifetime));
        if (lifetime >= SurelyCachedSeconds)
            check(field, u"1"_s, QString::number(observation.preflightCount()));
        else if (lifetime <= 0)
            check(field, QString::number(repeat), QString::number(observation.preflightCount()));
        else
            qInfo("case %s: a cache lifetime of %lld s is too short to predict the preflight count",
                  qPrintable(id), static_cast<long long>(lifetime));
    }

    if (mismatches.isEmpty())
        return;

    QStringList lines;
    for (const Mismatch &mismatch : mismatches) {
        lines.append(u"  %1 | %2 | engine: %3 | chromium: %4"_s.arg(
            mismatch.id, mismatch.field, mismatch.engine, mismatch.browser));
        m_mismatches.append(mismatch);
    }

    QStringList attempts;
    for (const BrowserAttempt &attempt : observation.attempts)
        attempts.append(u"    "_s + attemptText(attempt));
    const QString report =
        u"engine and Chromium disagree on case %1 (%2):\n%3\n"
        "  engine verdict: preflight=%4 exposed=%5 type=%6 error=%7 %8\n"
        "  chromium attempts:\n%9\n  requests the servers saw:\n%10"_s.arg(
            id, m_rule.value(id), lines.join(u'\n'), boolText(verdict.preflightRequired),
            boolText(verdict.exposed), verdict.responseType, corsErrorName(verdict.error),
            QString::fromLatin1(verdict.errorDetail), attempts.join(u'\n'),
            requestsText(observation.requests));
    QFAIL(qPrintable(report));
}

void TestBrowserChromium::noBrowserProcessLeftOver()
{
    QVERIFY2(m_leftovers.isEmpty(),
             qPrintable(u"browser processes outlived ChromiumRunner::stop() (killed now):\n"_s +
                        m_leftovers));
}

void TestBrowserChromium::cleanupTestCase()
{
    if (m_mismatches.isEmpty()) {
        if (!m_observations.isEmpty())
            qInfo("engine and Chromium agree on all %d cases", static_cast<int>(m_cases.size()));
        return;
    }
    QStringList lines;
    for (const Mismatch &mismatch : m_mismatches) {
        lines.append(u"  %1 | %2 | engine: %3 | chromium: %4"_s.arg(
            mismatch.id, mismatch.field, mismatch.engine, mismatch.browser));
    }
    qWarning("%d disagreement(s) between the engine and Chromium:\n%s",
             static_cast<int>(m_mismatches.size()), qPrintable(lines.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestBrowserChromium)
#include "tst_browser_chromium.moc"
