#include "firefox_runner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <csignal>
#include <unistd.h>
#include <utility>

namespace {

constexpr qsizetype kStderrTailBytes = 16 * 1024;
constexpr int kTermGraceMs = 5000; // SIGTERM → SIGKILL
constexpr int kEndSessionMs = 2000;

/// Asks the kernel for a free loopback port (there is a small race until Firefox binds it; the
/// port actually used is read back from Firefox's own "listening on" line anyway).
quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

/// WebDriver BiDi RemoteValue → plain JSON (see FirefoxRunner::evaluate()).
QJsonValue fromRemoteValue(const QJsonObject &remote)
{
    const QString type = remote.value(u"type").toString();
    const QJsonValue value = remote.value(u"value");
    if (type == u"undefined" || type == u"null")
        return QJsonValue(QJsonValue::Null);
    if (type == u"string" || type == u"boolean" || type == u"bigint" || type == u"date")
        return value;
    if (type == u"number")
        return value.isString() && value.toString() == u"-0" ? QJsonValue(0.0)
                                                             : value; // NaN etc. stay strings
    if (type == u"regexp") {
        const QJsonObject re = value.toObject();
        return QStringLiteral("/%1/%2").arg(re.value(u"pattern").toString(),
                                            re.value(u"flags").toString());
    }
    if ((type == u"array" || type == u"set") && value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(fromRemoteValue(item.toObject()));
        return out;
    }
    if ((type == u"object" || type == u"map") && value.isArray()) {
        // Entries are [key, RemoteValue]; a key is a plain string or itself a RemoteValue.
        QJsonObject out;
        for (const QJsonValue &entry : value.toArray()) {
            const QJsonArray pair = entry.toArray();
            const QJsonValue key = pair.at(0);
            const QString keyText = key.isString()
                                        ? key.toString()
                                        : fromRemoteValue(key.toObject()).toVariant().toString();
            out.insert(keyText, fromRemoteValue(pair.at(1).toObject()));
        }
        return out;
    }
    return QJsonObject{{QStringLiteral("type"), type}}; // function, node, window, or past max depth
}

QString describeBidiError(const QJsonObject &reply)
{
    return QStringLiteral("%1: %2").arg(reply.value(u"error").toString(),
                                        reply.value(u"message").toString());
}

} // namespace

FirefoxRunner::FirefoxRunner(QString executable) : m_executable(std::move(executable))
{
}

FirefoxRunner::~FirefoxRunner()
{
    stop();
}

QString FirefoxRunner::defaultExecutable()
{
    return QStringLiteral("/usr/bin/firefox-esr");
}

QString FirefoxRunner::name() const
{
    return QStringLiteral("firefox");
}

bool FirefoxRunner::isAvailable() const
{
    const QFileInfo info(m_executable);
    return info.isFile() && info.isExecutable();
}

QString FirefoxRunner::version() const
{
    if (!m_version.isEmpty() || !isAvailable())
        return m_version;
    QProcess proc;
    proc.setProcessChannelMode(QProcess::MergedChannels);
    proc.start(m_executable, {QStringLiteral("--version")});
    if (proc.waitForFinished(15000) && proc.exitStatus() == QProcess::NormalExit) {
        m_version =
            QString::fromLocal8Bit(proc.readAll()).trimmed(); // "Mozilla Firefox 153.7.0esr"
    } else {
        proc.kill();
        proc.waitForFinished(1000);
    }
    return m_version;
}

bool FirefoxRunner::launchWithoutSession(const QUrl &startUrl, QString *error)
{
    m_launchOnlyUrl = startUrl;
    const bool started = start(error);
    if (!started)
        stop();
    return started;
}

QUrl FirefoxRunner::bidiEndpoint() const
{
    return m_wsUrl.isEmpty() ? QUrl() : QUrl(m_wsUrl + QStringLiteral("/session"));
}

bool FirefoxRunner::processRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

bool FirefoxRunner::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running && m_socket &&
           m_socket->state() == QAbstractSocket::ConnectedState && m_sessionUp;
}

QString FirefoxRunner::stderrTail() const
{
    return QString::fromLocal8Bit(m_stderr);
}

QByteArray FirefoxRunner::userJs()
{
    // Firefox's Remote Agent also applies its own "recommended" automation prefs once it has
    // started (remote.prefs.recommended, on by default); these are the ones that must already be in
    // place before the first window opens, plus everything that could reach for the (absent)
    // network.
    return QByteArrayLiteral(R"js(// Written by CORS Lab's FirefoxRunner for a throw-away profile.

// No first-run, welcome, what's-new, default-browser or session-restore UI.
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.page", 0);
user_pref("browser.startup.homepage", "about:blank");
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("startup.homepage_welcome_url", "about:blank");
user_pref("startup.homepage_welcome_url.additional", "");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.firstRunURL", "");
user_pref("termsofuse.bypassNotification", true);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.newtab.preload", false);
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("browser.tabs.warnOnClose", false);
user_pref("browser.warnOnQuit", false);
user_pref("browser.uitour.enabled", false);

// No updates of the browser, add-ons, search engines or media plugins.
user_pref("app.update.disabledForTesting", true);
user_pref("app.update.auto", false);
user_pref("app.update.checkInstallTime", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.autoDisableScopes", 0);
user_pref("extensions.enabledScopes", 5);
user_pref("browser.discovery.enabled", false);
user_pref("browser.search.update", false);
// Media plugins (OpenH264, Widevine) are fetched from aus5.mozilla.org / update.googleapis.com.
user_pref("media.gmp-provider.enabled", false);
user_pref("media.gmp-gmpopenh264.enabled", false);
user_pref("media.gmp-widevinecdm.enabled", false);
user_pref("media.gmp-widevinecdm.allow-chromium-update", false);
user_pref("media.gmp-manager.url", "");
user_pref("media.gmp-manager.chromium-update-url", "");

// No telemetry, studies, experiments or crash-report uploads.
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.archive.enabled", false);
user_pref("toolkit.telemetry.server", "");
user_pref("toolkit.telemetry.shutdownPingSender.enabled", false);
user_pref("toolkit.telemetry.newProfilePing.enabled", false);
user_pref("toolkit.telemetry.firstShutdownPing.enabled", false);
user_pref("toolkit.telemetry.updatePing.enabled", false);
user_pref("toolkit.telemetry.bhrPing.enabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
user_pref("datareporting.usage.uploadEnabled", false);
user_pref("app.normandy.enabled", false);
user_pref("app.normandy.api_url", "");
user_pref("app.shield.optoutstudies.enabled", false);
user_pref("nimbus.rollouts.enabled", false);
user_pref("browser.crashReports.unsubmittedCheck.autoSubmit2", false);
user_pref("browser.tabs.crashReporting.sendReport", false);
user_pref("browser.ml.enable", false);
user_pref("browser.translations.enable", false);
user_pref("browser.backup.enabled", false);

// No remote settings, safe browsing, blocklist, CRLite/intermediate or OCSP fetches.
user_pref("services.settings.server", "data:,#remote-settings-dummy/v1"); // honoured thanks to MOZ_REMOTE_SETTINGS_DEVTOOLS=1
user_pref("services.settings.loglevel", "off");
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.downloads.remote.enabled", false);
user_pref("extensions.blocklist.enabled", false);
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("security.remote_settings.intermediates.enabled", false);
user_pref("security.certerrors.mitm.priming.enabled", false);
user_pref("security.OCSP.enabled", 0);

// No captive-portal / connectivity probes, and never flip to "offline" for lack of a route.
user_pref("network.captive-portal-service.enabled", false);
user_pref("captivedetect.canonicalURL", "");
user_pref("network.connectivity-service.enabled", false);
user_pref("network.manage-offline-status", false);

// No speculative or background connections: only the page's own requests hit the wire.
user_pref("network.trr.mode", 5);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("browser.places.speculativeConnect.enabled", false);
user_pref("browser.urlbar.speculativeConnect.enabled", false);
user_pref("browser.urlbar.suggest.searches", false);
user_pref("browser.search.suggest.enabled", false);
user_pref("browser.topsites.contile.enabled", false);
user_pref("browser.region.network.url", "");
user_pref("browser.region.update.enabled", false);
user_pref("geo.provider.network.url", "");
user_pref("dom.push.connection.enabled", false);
user_pref("identity.fxaccounts.enabled", false);
user_pref("places.semanticHistory.featureGate", false);

// Loopback traffic goes straight to the loopback servers: no proxy (not even one from the
// environment or system settings), localhost never proxied, http:// never upgraded to https://.
user_pref("network.proxy.type", 0);
user_pref("network.proxy.allow_hijacking_localhost", false);
user_pref("dom.security.https_first", false);
user_pref("dom.security.https_only_mode", false);
)js");
}

QByteArray FirefoxRunner::profileUserJs() const
{
    if (!m_allHostsToLoopback)
        return userJs();
    // Answers every lookup with this address instead of asking DNS.
    return userJs() +
           QByteArrayLiteral("user_pref(\"network.dns.forceResolve\", \"127.0.0.1\");\n");
}

bool FirefoxRunner::open(const QUrl &url, QString *error)
{
    QString err;
    if (!url.isValid()) {
        err = QStringLiteral("firefox: invalid URL '%1'").arg(url.toString());
    } else if (!isRunning() && !start(&err)) {
        stop(); // leave nothing half-started behind
    } else {
        QJsonObject result;
        const QJsonObject params{{QStringLiteral("context"), m_context},
                                 {QStringLiteral("url"), url.toString(QUrl::FullyEncoded)},
                                 {QStringLiteral("wait"), QStringLiteral("none")}};
        if (command(QStringLiteral("browsingContext.navigate"), params, &result, &err))
            return true;
    }
    if (error)
        *error = err;
    return false;
}

bool FirefoxRunner::start(QString *error)
{
    stop();
    QElapsedTimer clock;
    clock.start();
    m_lastStartupMs = -1;
    m_stderr.clear();

    if (!isAvailable()) {
        *error = QStringLiteral("firefox: %1 is not an executable file").arg(m_executable);
        return false;
    }

    // A fresh profile each time, so nothing leaks between runs.
    m_profile = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                QStringLiteral("/corslab-firefox-XXXXXX"));
    if (!m_profile->isValid()) {
        *error = QStringLiteral("firefox: cannot create a temporary profile: %1")
                     .arg(m_profile->errorString());
        return false;
    }
    QFile userJsFile(m_profile->filePath(QStringLiteral("user.js")));
    if (!userJsFile.open(QIODevice::WriteOnly) || userJsFile.write(profileUserJs()) < 0) {
        *error = QStringLiteral("firefox: cannot write %1: %2")
                     .arg(userJsFile.fileName(), userJsFile.errorString());
        return false;
    }
    userJsFile.close();

    const quint16 port = freeLoopbackPort();
    if (port == 0) {
        *error = QStringLiteral("firefox: no free loopback port for the Remote Agent");
        return false;
    }

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(m_executable);
    m_process->setArguments(
        {QStringLiteral("--headless"), QStringLiteral("--no-remote"), QStringLiteral("--profile"),
         m_profile->path(), QStringLiteral("--remote-debugging-port"), QString::number(port),
         m_launchOnlyUrl.isValid() ? m_launchOnlyUrl.toString(QUrl::FullyEncoded)
                                   : QStringLiteral("about:blank")});
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOZ_CRASHREPORTER_DISABLE"),
               QStringLiteral("1")); // no crash dialogs/uploads
    env.insert(QStringLiteral("MOZ_DISABLE_AUTO_SAFE_MODE"), QStringLiteral("1"));
    // Release builds ignore the services.settings.server override in user.js (and keep resolving
    // firefox.settings.services.mozilla.com) unless this is set.
    env.insert(QStringLiteral("MOZ_REMOTE_SETTINGS_DEVTOOLS"), QStringLiteral("1"));
    m_process->setProcessEnvironment(env);
    // stdout only carries dump() noise; stderr is kept for the "listening" line and diagnostics.
    m_process->setStandardOutputFile(QProcess::nullDevice());
    // Own process group, so stop() can take down every content/utility process Firefox forks.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });

    QObject::connect(m_process.get(), &QProcess::readyReadStandardError, m_process.get(),
                     [this] { onStderr(); });
    QObject::connect(m_process.get(), &QProcess::finished, m_process.get(), [this] { wake(); });
    QObject::connect(m_process.get(), &QProcess::errorOccurred, m_process.get(),
                     [this] { wake(); });

    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        *error = QStringLiteral("firefox: cannot start %1: %2")
                     .arg(m_executable, m_process->errorString());
        return false;
    }
    m_pid = m_process->processId();

    auto remaining = [&] { return qMax<qint64>(1, m_startupTimeoutMs - clock.elapsed()); };

    // 1. Wait for the Remote Agent to announce its WebSocket address.
    if (!waitFor([this] { return !m_wsUrl.isEmpty(); }, m_startupTimeoutMs)) {
        *error =
            m_process->state() == QProcess::Running
                ? QStringLiteral(
                      "firefox: no \"WebDriver BiDi listening on\" line within %1 ms; stderr: %2")
                      .arg(m_startupTimeoutMs)
                      .arg(stderrTail().right(2000))
                : QStringLiteral("firefox: %1 before the Remote Agent was listening; stderr: %2")
                      .arg(whyGone(), stderrTail().right(2000));
        return false;
    }

    if (m_launchOnlyUrl.isValid()) { // the caller opens the session
        m_lastStartupMs = clock.elapsed();
        return true;
    }

    // 2. Connect to the session endpoint. No Origin header is sent (Qt omits an empty one), which
    //    the Remote Agent requires unless --remote-allow-origins is given.
    m_socket = std::make_unique<QWebSocket>();
    QObject::connect(m_socket.get(), &QWebSocket::textMessageReceived, m_socket.get(),
                     [this](const QString &text) { onMessage(text); });
    QObject::connect(m_socket.get(), &QWebSocket::connected, m_socket.get(), [this] { wake(); });
    QObject::connect(m_socket.get(), &QWebSocket::disconnected, m_socket.get(), [this] { wake(); });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    QObject::connect(m_socket.get(), &QWebSocket::errorOccurred, m_socket.get(),
                     [this] { wake(); });
#else // Qt 6.4 still calls this signal error()
    QObject::connect(m_socket.get(), qOverload<QAbstractSocket::SocketError>(&QWebSocket::error),
                     m_socket.get(), [this] { wake(); });
#endif
    const QUrl sessionUrl(m_wsUrl + QStringLiteral("/session"));
    m_socket->open(sessionUrl);
    const bool connected = waitFor(
        [this] {
            return m_socket->state() == QAbstractSocket::ConnectedState ||
                   (m_socket->state() == QAbstractSocket::UnconnectedState &&
                    m_socket->error() != QAbstractSocket::UnknownSocketError);
        },
        int(remaining()));
    if (!connected || m_socket->state() != QAbstractSocket::ConnectedState) {
        *error = QStringLiteral("firefox: cannot connect to %1: %2")
                     .arg(sessionUrl.toString(), connected ? m_socket->errorString()
                                                 : m_process->state() == QProcess::Running
                                                     ? QStringLiteral("timed out")
                                                     : whyGone());
        return false;
    }

    // 3. session.new with no special capabilities.
    QJsonObject result;
    const QJsonObject capabilities{{QStringLiteral("capabilities"), QJsonObject{}}};
    if (!command(QStringLiteral("session.new"), capabilities, &result, error, int(remaining())))
        return false;
    m_sessionUp = true;

    // 4. The top-level context is the one tab Firefox opened with about:blank.
    if (!command(QStringLiteral("browsingContext.getTree"),
                 QJsonObject{{QStringLiteral("maxDepth"), 0}}, &result, error, int(remaining())))
        return false;
    const QJsonArray contexts = result.value(u"contexts").toArray();
    if (contexts.isEmpty()) {
        *error =
            QStringLiteral("firefox: browsingContext.getTree returned no top-level context: %1")
                .arg(QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)));
        return false;
    }
    m_context = contexts.first().toObject().value(u"context").toString();

    m_lastStartupMs = clock.elapsed();
    return true;
}

void FirefoxRunner::stop()
{
    // Politely end the session first (ignore failures: we are tearing down anyway).
    if (m_socket) {
        if (m_sessionUp && m_socket->state() == QAbstractSocket::ConnectedState) {
            QJsonObject ignored;
            QString ignoredError;
            command(QStringLiteral("session.end"), QJsonObject{}, &ignored, &ignoredError,
                    kEndSessionMs);
        }
        m_socket->disconnect(); // no more callbacks into a half-destroyed runner
        m_socket->abort();
        m_socket.reset();
    }
    m_sessionUp = false;
    m_context.clear();
    m_replies.clear();

    if (m_process) {
        m_process->disconnect();
        if (m_process->state() != QProcess::NotRunning) {
            // SIGTERM to the main process lets Firefox shut down cleanly (it takes its content
            // processes with it); SIGKILL the whole group if it dawdles.
            m_process->terminate();
            if (!m_process->waitForFinished(kTermGraceMs)) {
                killProcessGroup();
                m_process->waitForFinished(3000);
            }
        }
        // Content processes normally exit with their parent; make sure no straggler survives.
        killProcessGroup();
        m_process.reset();
    }
    m_pid = 0;
    m_wsUrl.clear();
    m_stderrLine.clear();
    m_profile.reset(); // QTemporaryDir removes the profile directory
}

void FirefoxRunner::killProcessGroup()
{
    if (m_pid <= 0)
        return;
    const pid_t group = pid_t(m_pid);
    if (::kill(-group, SIGKILL) != 0)
        return; // ESRCH: every process of the group is already gone
    // Wait (briefly) until the orphans have been reaped and the group is empty.
    for (int i = 0; i < 100 && ::kill(-group, 0) == 0; ++i)
        QThread::msleep(20);
}

QString FirefoxRunner::whyGone() const
{
    if (!m_process)
        return QStringLiteral("Firefox is not running");
    if (m_process->error() == QProcess::FailedToStart)
        return QStringLiteral("Firefox failed to start (%1)").arg(m_process->errorString());
    if (m_process->state() == QProcess::NotRunning)
        return m_process->exitStatus() == QProcess::CrashExit
                   ? QStringLiteral("Firefox crashed")
                   : QStringLiteral("Firefox exited with code %1").arg(m_process->exitCode());
    return QStringLiteral("Firefox is running");
}

void FirefoxRunner::wake()
{
    if (m_loop)
        m_loop->quit();
}

bool FirefoxRunner::waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0 || !m_process || m_process->state() == QProcess::NotRunning)
            return done();
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(int(left));
        QEventLoop *outer = std::exchange(m_loop, &loop);
        loop.exec();
        m_loop = outer;
    }
    return true;
}

void FirefoxRunner::onStderr()
{
    const QByteArray chunk = m_process->readAllStandardError();
    m_stderr += chunk;
    if (m_stderr.size() > kStderrTailBytes)
        m_stderr = m_stderr.right(kStderrTailBytes);

    if (!m_wsUrl.isEmpty())
        return;
    m_stderrLine += chunk;
    qsizetype newline;
    while ((newline = m_stderrLine.indexOf('\n')) >= 0) {
        const QString line = QString::fromLocal8Bit(m_stderrLine.left(newline)).trimmed();
        m_stderrLine.remove(0, newline + 1);
        static const QRegularExpression listening(
            QStringLiteral("WebDriver BiDi listening on (ws://\\S+)"));
        const QRegularExpressionMatch match = listening.match(line);
        if (match.hasMatch()) {
            m_wsUrl = match.captured(1);
            while (m_wsUrl.endsWith(u'/'))
                m_wsUrl.chop(1);
            m_stderrLine.clear();
            wake();
            return;
        }
    }
}

void FirefoxRunner::onMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    // Events ("type": "event") are not subscribed to and are ignored; replies carry our id.
    const QJsonValue id = message.value(u"id");
    if (id.isDouble()) {
        m_replies.insert(id.toInt(), message);
        wake();
    }
}

bool FirefoxRunner::command(const QString &method, const QJsonObject &params, QJsonObject *result,
                            QString *error, int timeoutMs)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        *error = QStringLiteral("firefox: %1: not connected to the Remote Agent (%2)")
                     .arg(method, whyGone());
        return false;
    }
    const int id = m_nextId++;
    const QJsonObject request{{QStringLiteral("id"), id},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params}};
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(request).toJson(QJsonDocument::Compact)));

    const int timeout = timeoutMs > 0 ? timeoutMs : m_commandTimeoutMs;
    const bool replied = waitFor(
        [this, id] {
            return m_replies.contains(id) || m_socket->state() != QAbstractSocket::ConnectedState;
        },
        timeout);
    if (!m_replies.contains(id)) {
        *error = !replied
                     ? QStringLiteral("firefox: %1: no reply within %2 ms").arg(method).arg(timeout)
                     : QStringLiteral("firefox: %1: connection closed before the reply (%2)")
                           .arg(method, whyGone());
        if (!m_process || m_process->state() == QProcess::NotRunning)
            *error += QStringLiteral("; stderr: ") + stderrTail().right(2000);
        return false;
    }
    const QJsonObject reply = m_replies.take(id);
    if (reply.value(u"type").toString() != u"success") {
        *error = QStringLiteral("firefox: %1 failed: %2").arg(method, describeBidiError(reply));
        return false;
    }
    *result = reply.value(u"result").toObject();
    return true;
}

QJsonValue FirefoxRunner::evaluate(const QString &expression, QString *error)
{
    QString err;
    QJsonObject result;
    if (!isRunning()) {
        err = QStringLiteral("firefox: evaluate: the browser is not running (call open() first)");
    } else {
        const QJsonObject params{
            {QStringLiteral("expression"), expression},
            {QStringLiteral("target"), QJsonObject{{QStringLiteral("context"), m_context}}},
            {QStringLiteral("awaitPromise"), true},
            {QStringLiteral("resultOwnership"), QStringLiteral("none")}};
        if (command(QStringLiteral("script.evaluate"), params, &result, &err)) {
            if (result.value(u"type").toString() == u"success")
                return fromRemoteValue(result.value(u"result").toObject());
            // "exception": report the text Firefox gives (e.g. "ReferenceError: x is not defined").
            const QJsonObject details = result.value(u"exceptionDetails").toObject();
            err = QStringLiteral("firefox: evaluate threw: %1")
                      .arg(details.value(u"text").toString());
        }
    }
    if (error)
        *error = err;
    return QJsonValue(QJsonValue::Undefined);
}
