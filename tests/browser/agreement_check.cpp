#include "agreement_check.h"

#include "cors/cors_engine.h"
#include "cors/cors_error.h"
#include "cors/scenario.h"
#include "cors/scenario_json.h"
#include "cors/verdict.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <csignal>
#include <optional>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace corslab::cors;

namespace {

constexpr int LeftoverGraceMs = 10000;
/// A preflight cache lifetime at or above this keeps two back-to-back fetches on one preflight.
constexpr qint64 SurelyCachedSeconds = 3;

/// A live (not zombie) process, as /proc shows it.
struct ProcessInfo
{
    pid_t pid = 0;
    pid_t group = 0;
    pid_t session = 0;
    QByteArray comm;
    QByteArray cmdline;     ///< NUL separators replaced by spaces.
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
        info.group = static_cast<pid_t>(fields[2].toInt());
        info.session = static_cast<pid_t>(fields[3].toInt());
        info.comm = stat.mid(open + 1, close - open - 1);
        info.cmdline = readProcFile(dir + u"/cmdline"_s).replace('\0', ' ').trimmed();
        info.environment = readProcFile(dir + u"/environ"_s);
        processes.append(info);
    }
    return processes;
}

/// A process of the browser \a runnerName names ("chromium", "firefox", "webkit"), whoever started
/// it.
bool isBrowserProcess(const ProcessInfo &process, const QString &runnerName)
{
    if (runnerName == u"chromium"_s)
        return process.comm.startsWith("chrom") || process.cmdline.contains("/chromium");
    if (runnerName == u"firefox"_s) // content processes are "Web Content", "Isolated Web Co"...
        return process.comm.startsWith("firefox") || process.cmdline.contains("/firefox");
    if (runnerName ==
        u"webkit"_s) // the driver, MiniBrowser, WebKitWebProcess, WebKitNetworkProcess
        return process.comm.startsWith("WebKit") || process.comm.startsWith("MiniBrowser");
    const QByteArray name = runnerName.toLocal8Bit();
    return process.comm.contains(name) || process.cmdline.contains(name);
}

bool carriesMarker(const ProcessInfo &process, const QByteArray &marker)
{
    return process.cmdline.contains(marker) || process.environment.contains(marker);
}

/// Where the processes of one browser run live besides carrying the marker: the sessions and
/// process groups (other than the test's own) of the processes that carried it at some point.
/// Chromium starts in a session of its own whose zygotes and renderers run with a cleaned
/// environment; Firefox starts as the leader of its own process group.
struct RunTerritory
{
    QSet<pid_t> sessions;
    QSet<pid_t> groups;
};

void sampleTerritory(const QByteArray &marker, RunTerritory *territory)
{
    const pid_t ownSession = ::getsid(0);
    const pid_t ownGroup = ::getpgrp();
    for (const ProcessInfo &process : liveProcesses()) {
        if (!carriesMarker(process, marker))
            continue;
        if (process.session != ownSession)
            territory->sessions.insert(process.session);
        if (process.group != ownGroup)
            territory->groups.insert(process.group);
    }
}

/// Browser processes of this test run: their command line or environment names \a marker (the
/// private TMPDIR the browser was started with), or they belong to one of the sessions or process
/// groups sampled during the run.
QList<ProcessInfo> processesOfRun(const QByteArray &marker, const RunTerritory &territory)
{
    const pid_t self = static_cast<pid_t>(QCoreApplication::applicationPid());
    QList<ProcessInfo> ours;
    for (const ProcessInfo &process : liveProcesses()) {
        if (process.pid == self)
            continue;
        if (carriesMarker(process, marker) || territory.sessions.contains(process.session) ||
            territory.groups.contains(process.group))
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
        for (const QByteArray &name : {"Origin"_ba, "Access-Control-Request-Method"_ba,
                                       "Access-Control-Request-Headers"_ba}) {
            if (const auto value = requestHeader(request, name))
                line += u" %1: %2;"_s.arg(QString::fromLatin1(name), *value);
        }
        lines.append(line);
    }
    return lines.isEmpty() ? u"    (none)"_s : lines.join(u'\n');
}

} // namespace

AgreementCheck::AgreementCheck(const BrowserProfile &profile)
    : m_profile(profile), m_browserName(profile.name)
{
}

void AgreementCheck::setCases(const QList<BrowserCase> &cases)
{
    m_cases = cases;
    m_repeat.clear();
    m_rule.clear();
    for (const BrowserCase &browserCase : m_cases) {
        m_repeat.insert(browserCase.id, browserCase.repeat);
        m_rule.insert(browserCase.id, browserCase.scenario.value(u"comment"_s).toString());
    }
}

void AgreementCheck::reportForeignBrowsers(const BrowserRunner &runner)
{
    // Browsers left by someone else are not ours to end; only say that they are there.
    QList<ProcessInfo> before;
    for (const ProcessInfo &process : liveProcesses()) {
        if (isBrowserProcess(process, runner.name()))
            before.append(process);
    }
    if (!before.isEmpty())
        qInfo("%s processes already running before the test (left alone):\n%s",
              qPrintable(runner.name()), qPrintable(describe(before)));
}

bool AgreementCheck::run(BrowserRunner &runner, int timeoutMs, ScenarioServer *server)
{
    m_browserName = runner.name();
    m_observations.clear();
    m_runError.clear();
    m_leftovers.clear();
    m_elapsedMs = 0;
    m_completed = 0;

    // A private TMPDIR holds the browser's temporary profile and is inherited by every browser
    // process, so after the run we can tell this run's processes from anyone else's.
    QTemporaryDir marker(QDir::tempPath() + u"/"_s + QCoreApplication::applicationName() +
                         u"-XXXXXX"_s);
    if (!marker.isValid()) {
        m_runError = u"cannot create the private TMPDIR: "_s + marker.errorString();
        return false;
    }
    const QByteArray markerPath = marker.path().toLocal8Bit();
    const bool hadTmpDir = qEnvironmentVariableIsSet("TMPDIR");
    const QByteArray oldTmpDir = qgetenv("TMPDIR");
    qputenv("TMPDIR", markerPath);

    // runInBrowser() spins an event loop: meanwhile note where the browser's processes run.
    RunTerritory territory;
    QTimer sampler;
    sampler.setInterval(200);
    QObject::connect(&sampler, &QTimer::timeout, &sampler,
                     [&territory, &markerPath] { sampleTerritory(markerPath, &territory); });
    sampler.start();

    QList<BrowserObservation> observations;
    QElapsedTimer timer;
    timer.start();
    const bool ok =
        server ? runInBrowser(runner, *server, m_cases, &observations, &m_runError, timeoutMs)
               : runInBrowser(runner, m_cases, &observations, &m_runError, timeoutMs);
    m_elapsedMs = timer.elapsed();
    sampler.stop();
    runner.stop();

    if (hadTmpDir)
        qputenv("TMPDIR", oldTmpDir);
    else
        qunsetenv("TMPDIR");

    // runner.stop() ends the browser's process group; helpers that left the group (Chromium's
    // crashpad) exit by themselves shortly after. Wait for them, then end what is still ours.
    qInfo("watching %d browser session(s) and %d process group(s) for processes left over",
          static_cast<int>(territory.sessions.size()), static_cast<int>(territory.groups.size()));
    QList<ProcessInfo> leftovers = processesOfRun(markerPath, territory);
    const QDeadlineTimer grace(LeftoverGraceMs);
    while (!leftovers.isEmpty() && !grace.hasExpired()) {
        QThread::msleep(100);
        leftovers = processesOfRun(markerPath, territory);
    }
    if (!leftovers.isEmpty()) {
        m_leftovers = describe(leftovers);
        qWarning("browser processes of this run still alive %d ms after stop(), killing them:\n%s",
                 LeftoverGraceMs, qPrintable(m_leftovers));
        for (const ProcessInfo &process : leftovers)
            ::kill(process.pid, SIGKILL);
    }

    for (const BrowserObservation &observation : observations) {
        m_observations.insert(observation.id, observation);
        m_completed += observation.completed ? 1 : 0;
    }
    qInfo("%s ran %d of %d cases in %lld ms (one browser session)", qPrintable(runner.name()),
          m_completed, static_cast<int>(m_cases.size()), static_cast<long long>(m_elapsedMs));
    return ok;
}

std::optional<Scenario> AgreementCheck::engineScenario(const QString &id, QString *error) const
{
    const BrowserObservation observation = m_observations.value(id);
    if (!observation.completed) {
        *error = u"case %1: the page did not report this case (%2)"_s.arg(id, m_runError);
        return std::nullopt;
    }
    if (observation.attempts.isEmpty()) {
        *error = u"case %1: the page reported no attempt"_s.arg(id);
        return std::nullopt;
    }
    // The harness's resolved scenario is exactly what the servers sent; the request body is a
    // fetch() detail the engine does not take.
    QJsonObject json = observation.resolvedScenario;
    QJsonObject request = json.value(u"request"_s).toObject();
    request.remove(u"body"_s);
    json.insert(u"request"_s, request);
    Scenario scenario;
    QString parseError;
    if (!scenarioFromJson(json, &scenario, &parseError)) {
        *error = u"case %1: the engine cannot read the scenario: %2"_s.arg(id, parseError);
        return std::nullopt;
    }
    return scenario;
}

CaseComparison AgreementCheck::compare(const QString &id)
{
    CaseComparison result;
    const std::optional<Scenario> scenario = engineScenario(id, &result.error);
    if (!scenario)
        return result;
    const Verdict verdict = evaluate(*scenario, m_profile);
    const BrowserObservation observation = m_observations.value(id);

    QList<AgreementMismatch> &mismatches = result.mismatches;
    // \a category names the field in the per-field counts (without attempt numbers or values).
    const auto check = [&](const QString &field, const QString &engine, const QString &browser,
                           const QString &category = {}) {
        ++m_comparedFields[category.isEmpty() ? field : category];
        if (engine != browser)
            mismatches.append({id, field, engine, browser});
    };

    // 1. Preflight sent, for the first attempt.
    const int repeat = m_repeat.value(id, 1);
    const bool browserPreflight = repeat == 1
                                      ? observation.preflightCount() > 0
                                      : !observation.requests.isEmpty() &&
                                            observation.requests.first().method == u"OPTIONS"_s;
    check(u"preflight sent"_s, boolText(verdict.preflightRequired), boolText(browserPreflight));

    // 2. Exposed or blocked, for every attempt (the verdict is the same for each).
    const BrowserAttempt &first = observation.attempts.first();
    for (qsizetype k = 0; k < observation.attempts.size(); ++k) {
        const BrowserAttempt &attempt = observation.attempts.at(k);
        const QString suffix = k == 0 ? QString() : u" (attempt %1)"_s.arg(k + 1);
        check(u"exposed"_s + suffix, boolText(verdict.exposed), boolText(attemptExposed(attempt)),
              u"exposed"_s);
        // A rejected fetch() is the engine's "error" response type.
        check(u"response type"_s + suffix, verdict.responseType,
              attempt.resolved ? attempt.type : u"error"_s, u"response type"_s);
    }
    if (observation.attempts.size() != repeat)
        check(u"attempts"_s, QString::number(repeat), QString::number(observation.attempts.size()));

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
        const QString category = u"preflight caching"_s;
        if (lifetime >= SurelyCachedSeconds)
            check(field, u"1"_s, QString::number(observation.preflightCount()), category);
        else if (lifetime <= 0)
            check(field, QString::number(repeat), QString::number(observation.preflightCount()),
                  category);
        else
            qInfo("case %s: a cache lifetime of %lld s is too short to predict the preflight count",
                  qPrintable(id), static_cast<long long>(lifetime));
    }

    if (mismatches.isEmpty())
        return result;

    QStringList lines;
    for (const AgreementMismatch &mismatch : mismatches) {
        lines.append(mismatchLine(mismatch));
        m_mismatches.append(mismatch);
    }

    QStringList attempts;
    for (const BrowserAttempt &attempt : observation.attempts)
        attempts.append(u"    "_s + attemptText(attempt));
    result.report =
        u"engine and %1 disagree on case %2 (%3):\n%4\n"
        "  engine verdict: preflight=%5 exposed=%6 type=%7 error=%8 %9\n"
        "  %10 attempts:\n%11\n  requests the servers saw:\n%12"_s.arg(
            m_profile.displayName, id, m_rule.value(id), lines.join(u'\n'),
            boolText(verdict.preflightRequired), boolText(verdict.exposed), verdict.responseType,
            corsErrorName(verdict.error), QString::fromLatin1(verdict.errorDetail), m_browserName,
            attempts.join(u'\n'), requestsText(observation.requests));
    return result;
}

QString AgreementCheck::mismatchLine(const AgreementMismatch &mismatch) const
{
    return u"  %1 | %2 | engine: %3 | %4: %5"_s.arg(mismatch.id, mismatch.field, mismatch.engine,
                                                    m_browserName, mismatch.browser);
}

void AgreementCheck::logSummary() const
{
    QStringList counts;
    for (auto field = m_comparedFields.cbegin(); field != m_comparedFields.cend(); ++field)
        counts.append(u"%1 %2"_s.arg(field.key(), QString::number(field.value())));
    qInfo("fields compared with %s: %s", qPrintable(m_profile.displayName),
          qPrintable(counts.join(u", "_s)));
    if (m_mismatches.isEmpty()) {
        if (!m_observations.isEmpty())
            qInfo("engine and %s agree on all %d cases", qPrintable(m_profile.displayName),
                  static_cast<int>(m_cases.size()));
        return;
    }
    QStringList lines;
    for (const AgreementMismatch &mismatch : m_mismatches)
        lines.append(mismatchLine(mismatch));
    qWarning("%d disagreement(s) between the engine and %s:\n%s",
             static_cast<int>(m_mismatches.size()), qPrintable(m_profile.displayName),
             qPrintable(lines.join(u'\n')));
}
