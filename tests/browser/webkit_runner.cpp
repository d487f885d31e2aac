#include "webkit_runner.h"

#include "process_group.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int StartTimeoutMs = 10000;
constexpr int DisplayTimeoutMs = 10000;
constexpr int DriverListenTimeoutMs = 10000;
// A new session starts MiniBrowser and its web and network processes.
constexpr int CommandTimeoutMs = 60000;
constexpr int PollMs = 50;
constexpr qsizetype OutputTailBytes = 64 * 1024;

/// Asks the kernel for a free loopback port (the driver binds it a moment later).
quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

/// Spins the event loop until \a done or the deadline; true when \a done.
template<typename Done> bool waitUntil(Done done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        QTimer::singleShot(PollMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

QByteArray tail(const QByteArray &text)
{
    return text.right(OutputTailBytes);
}

} // namespace

WebKitRunner::WebKitRunner(Mode mode) : m_mode(mode)
{
}

WebKitRunner::~WebKitRunner()
{
    stop();
}

QString WebKitRunner::driverExecutable()
{
    return u"/usr/bin/WebKitWebDriver"_s;
}

QString WebKitRunner::miniBrowserExecutable()
{
    return u"/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"_s;
}

QString WebKitRunner::xvfbExecutable()
{
    return u"/usr/bin/Xvfb"_s;
}

bool WebKitRunner::isAvailable() const
{
    QStringList needed{miniBrowserExecutable(), xvfbExecutable()};
    if (m_mode == Mode::WebDriver)
        needed.append(driverExecutable());
    for (const QString &program : needed) {
        const QFileInfo info(program);
        if (!info.isFile() || !info.isExecutable())
            return false;
    }
    return true;
}

QString WebKitRunner::version() const
{
    if (!m_version.isEmpty())
        return m_version;
    // MiniBrowser --version needs a display; the package's version names the same build.
    QProcess query;
    query.start(u"dpkg-query"_s, {u"-W"_s, u"-f=${Version}"_s, u"webkit2gtk-driver"_s});
    if (query.waitForFinished(StartTimeoutMs) && query.exitCode() == 0)
        m_version = u"WebKitGTK "_s + QString::fromLocal8Bit(query.readAllStandardOutput());
    return m_version;
}

QString WebKitRunner::diagnostics() const
{
    return u"driver/browser:\n"_s + QString::fromUtf8(tail(m_browserOutput)) + u"\nXvfb:\n"_s +
           QString::fromUtf8(tail(m_displayOutput));
}

bool WebKitRunner::open(const QUrl &url, QString *error)
{
    if (m_mode == Mode::WebDriver && !m_sessionId.isEmpty())
        return navigate(url, error); // Same session, next page.
    stop();
    m_browserOutput.clear();
    m_displayOutput.clear();
    if (!isAvailable()) {
        *error = u"WebKitGTK is not installed (MiniBrowser, Xvfb or WebKitWebDriver missing)"_s;
        return false;
    }
    const bool started = startDisplay(error) &&
                         (m_mode == Mode::Console
                              ? startConsoleBrowser(url, error)
                              : startDriver(error) && startSession(error) && navigate(url, error));
    if (!started)
        stop();
    return started;
}

std::unique_ptr<QProcess> WebKitRunner::startGroupLeader(const QString &program,
                                                         const QStringList &arguments,
                                                         QProcess::ProcessChannelMode channels,
                                                         pid_t *group)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(channels);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!m_displayName.isEmpty())
        environment.insert(u"DISPLAY"_s, m_displayName);
    if (m_profile) {
        // A fresh cache, cookie jar and settings for the console browser.
        for (const char *variable : {"XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"})
            environment.insert(QString::fromLatin1(variable),
                               m_profile->filePath(QString::fromLatin1(variable).toLower()));
    }
    process->setProcessEnvironment(environment);
    // Its own session: stop() signals the whole tree without touching the test process.
    process->setChildProcessModifier([] { ::setsid(); });
    process->start(program, arguments);
    if (process->waitForStarted(StartTimeoutMs))
        *group = static_cast<pid_t>(process->processId());
    return process;
}

bool WebKitRunner::startDisplay(QString *error)
{
    // -displayfd: Xvfb picks a free display number itself and writes it to stdout once ready.
    m_display = startGroupLeader(
        xvfbExecutable(),
        {u"-displayfd"_s, u"1"_s, u"-screen"_s, u"0"_s, u"1280x800x24"_s, u"-nolisten"_s, u"tcp"_s},
        QProcess::SeparateChannels, &m_displayGroup);
    if (m_displayGroup <= 0) {
        *error = u"cannot start Xvfb: "_s + m_display->errorString();
        return false;
    }
    const bool ready = waitUntil(
        [this] { return m_display->canReadLine() || m_display->state() == QProcess::NotRunning; },
        DisplayTimeoutMs);
    const QByteArray number = m_display->readLine().trimmed();
    if (!ready || number.isEmpty()) {
        *error = u"Xvfb did not report a display: "_s +
                 QString::fromLocal8Bit(m_display->readAllStandardError());
        return false;
    }
    m_displayName = u":"_s + QString::fromLatin1(number);
    return true;
}

bool WebKitRunner::startDriver(QString *error)
{
    m_driverPort = freeLoopbackPort();
    m_browser = startGroupLeader(driverExecutable(), {u"--port="_s + QString::number(m_driverPort)},
                                 QProcess::MergedChannels, &m_browserGroup);
    if (m_browserGroup <= 0) {
        *error = u"cannot start WebKitWebDriver: "_s + m_browser->errorString();
        return false;
    }
    const bool listening = waitUntil(
        [this] {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_driverPort);
            return probe.waitForConnected(PollMs) || m_browser->state() == QProcess::NotRunning;
        },
        DriverListenTimeoutMs);
    if (!listening || m_browser->state() == QProcess::NotRunning) {
        *error = u"WebKitWebDriver did not listen on port %1"_s.arg(m_driverPort);
        return false;
    }
    m_network = std::make_unique<QNetworkAccessManager>();
    return true;
}

bool WebKitRunner::startSession(QString *error)
{
    const QJsonObject browserOptions{
        {u"binary"_s, miniBrowserExecutable()},
        {u"args"_s, QJsonArray{u"--automation"_s}},
    };
    const QJsonObject capabilities{
        {u"alwaysMatch"_s,
         QJsonObject{{u"webkitgtk:browserOptions"_s, browserOptions},
                     // navigate() returns at once: the page reports its own progress.
                     {u"pageLoadStrategy"_s, u"none"_s}}},
    };
    QJsonObject value;
    if (!driverCommand("POST", u"/session"_s, {{u"capabilities"_s, capabilities}}, &value, error))
        return false;
    m_sessionId = value.value(u"sessionId"_s).toString();
    const QString browserVersion =
        value.value(u"capabilities"_s).toObject().value(u"browserVersion"_s).toString();
    if (!browserVersion.isEmpty())
        m_version = u"WebKitGTK "_s + browserVersion;
    if (m_sessionId.isEmpty()) {
        *error = u"WebKitWebDriver's new session has no sessionId"_s;
        return false;
    }
    return true;
}

bool WebKitRunner::navigate(const QUrl &url, QString *error)
{
    QJsonObject value;
    return driverCommand("POST", u"/session/%1/url"_s.arg(m_sessionId),
                         {{u"url"_s, url.toString(QUrl::FullyEncoded)}}, &value, error);
}

bool WebKitRunner::startConsoleBrowser(const QUrl &url, QString *error)
{
    m_profile = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/corslab-webkit-XXXXXX"_s);
    if (!m_profile->isValid()) {
        *error = u"cannot create a temporary profile: "_s + m_profile->errorString();
        return false;
    }
    m_browser = startGroupLeader(
        miniBrowserExecutable(),
        {u"--enable-write-console-messages-to-stdout=true"_s, url.toString(QUrl::FullyEncoded)},
        QProcess::MergedChannels, &m_browserGroup);
    if (m_browserGroup <= 0) {
        *error = u"cannot start MiniBrowser: "_s + m_browser->errorString();
        return false;
    }
    return true;
}

bool WebKitRunner::driverCommand(const QByteArray &verb, const QString &path,
                                 const QJsonObject &body, QJsonObject *value, QString *error)
{
    QNetworkRequest request(
        QUrl(u"http://127.0.0.1:%1%2"_s.arg(QString::number(m_driverPort), path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(CommandTimeoutMs);
    const QByteArray payload =
        verb == "POST" ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray();
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, payload);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray text = reply->readAll();
    const QString transportError = reply->error() == QNetworkReply::NoError ||
                                           reply->error() >= QNetworkReply::ContentAccessDenied
                                       ? QString()
                                       : reply->errorString();
    reply->deleteLater();

    const QJsonValue replyValue = QJsonDocument::fromJson(text).object().value(u"value"_s);
    const QJsonObject object = replyValue.toObject();
    if (!transportError.isEmpty() || object.contains(u"error"_s)) {
        *error = u"WebDriver %1 %2 failed: %3 %4"_s.arg(
            QString::fromLatin1(verb), path, transportError,
            object.value(u"error"_s).toString() + u": "_s + object.value(u"message"_s).toString());
        return false;
    }
    *value = replyValue.isObject() ? object : QJsonObject{{u"value"_s, replyValue}};
    return true;
}

void WebKitRunner::endGroup(std::unique_ptr<QProcess> &process, pid_t *group, QByteArray *output)
{
    if (!process)
        return;
    process_group::end(*group, *process);
    *group = 0;
    *output += process->readAllStandardOutput();
    if (process->processChannelMode() == QProcess::SeparateChannels)
        *output += process->readAllStandardError();
    process.reset();
}

void WebKitRunner::stop()
{
    if (!m_sessionId.isEmpty() && m_browser && m_browser->state() == QProcess::Running) {
        QJsonObject ignored;
        QString ignoredError;
        driverCommand("DELETE", u"/session/"_s + m_sessionId, {}, &ignored, &ignoredError);
    }
    m_sessionId.clear();
    m_network.reset();
    endGroup(m_browser, &m_browserGroup, &m_browserOutput);
    endGroup(m_display, &m_displayGroup, &m_displayOutput);
    m_displayName.clear();
    // Only after every browser process is gone, so nothing writes into the directory meanwhile.
    m_profile.reset();
}
