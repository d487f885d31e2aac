#include "cdp_client.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <csignal>
#include <unistd.h>

namespace {

constexpr int kStartTimeoutMs = 30000;
constexpr int kGracefulExitMs = 5000;
constexpr int kGroupExitMs = 3000;
constexpr qsizetype kOutputTail = 16 * 1024;

} // namespace

CdpClient::CdpClient(QString program) : m_program(std::move(program))
{
}

CdpClient::~CdpClient()
{
    stop();
}

bool CdpClient::isAvailable() const
{
    const QFileInfo info(m_program);
    return info.isFile() && info.isExecutable();
}

bool CdpClient::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running && m_socket &&
           m_socket->state() == QAbstractSocket::ConnectedState && !m_sessionId.isEmpty();
}

bool CdpClient::start(QString *error, const QStringList &extraArguments)
{
    stop();
    if (!isAvailable()) {
        *error = m_program + QStringLiteral(" is not an executable file");
        return false;
    }
    m_profile =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/corslab-cdp-XXXXXX"));
    if (!m_profile->isValid()) {
        *error = QStringLiteral("cannot create a temporary profile: ") + m_profile->errorString();
        m_profile.reset();
        return false;
    }
    m_output.clear();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(m_process.get(), &QProcess::readyRead, m_process.get(), [this] {
        m_output += m_process->readAll();
        if (m_output.size() > kOutputTail)
            m_output = m_output.right(kOutputTail);
    });
    // Its own process group, so stop() signals the browser's whole tree and nothing else.
    m_process->setChildProcessModifier([] { ::setsid(); });
    const QStringList arguments =
        QStringList{
            QStringLiteral("--headless"),
            QStringLiteral("--no-sandbox"), // required when running as root (CI containers)
            QStringLiteral("--disable-gpu"),
            // Without these Chromium contacts Google services at start-up.
            QStringLiteral("--disable-background-networking"),
            QStringLiteral("--no-first-run"),
            QStringLiteral("--disable-component-update"),
            QStringLiteral("--disable-sync"),
            QStringLiteral("--remote-debugging-port=0"), // the port chosen is in DevToolsActivePort
            QStringLiteral("--user-data-dir=") + m_profile->path(),
        } +
        extraArguments + QStringList{QStringLiteral("about:blank")};
    m_process->start(m_program, arguments);
    if (!m_process->waitForStarted(kStartTimeoutMs)) {
        *error = QStringLiteral("cannot start %1: %2").arg(m_program, m_process->errorString());
        stop();
        return false;
    }
    m_group = m_process->processId();

    // "PORT\n/devtools/browser/ID\n", written once the endpoint listens.
    const QString portFile = m_profile->filePath(QStringLiteral("DevToolsActivePort"));
    QStringList lines;
    const bool written = waitFor(
        [&] {
            QFile file(portFile);
            if (!file.open(QIODevice::ReadOnly))
                return false;
            lines =
                QString::fromLatin1(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            return lines.size() >= 2 || m_process->state() != QProcess::Running;
        },
        kStartTimeoutMs);
    if (!written || lines.size() < 2) {
        *error = QStringLiteral("Chromium wrote no DevToolsActivePort within %1 s; its output: %2")
                     .arg(kStartTimeoutMs / 1000)
                     .arg(QString::fromLocal8Bit(m_output.right(2000)));
        stop();
        return false;
    }
    const QUrl endpoint(QStringLiteral("ws://127.0.0.1:%1%2").arg(lines.at(0), lines.at(1)));
    if (!connectTo(endpoint, error)) {
        stop();
        return false;
    }
    m_endpoint = endpoint;
    QJsonObject result;
    if (!command(QStringLiteral("Browser.getVersion"), {}, &result, error, 30000, true)) {
        stop();
        return false;
    }
    m_product = result.value(QStringLiteral("product")).toString();
    // The page headless Chromium opened on about:blank.
    QString pageId;
    const bool found = waitFor(
        [&] {
            QJsonObject targets;
            QString ignored;
            if (!command(QStringLiteral("Target.getTargets"), {}, &targets, &ignored, 5000, true))
                return false;
            for (const QJsonValue t : targets.value(QStringLiteral("targetInfos")).toArray()) {
                if (t.toObject().value(QStringLiteral("type")).toString() ==
                    QLatin1String("page")) {
                    pageId = t.toObject().value(QStringLiteral("targetId")).toString();
                    return true;
                }
            }
            return false;
        },
        kStartTimeoutMs);
    if (!found) {
        *error = QStringLiteral("Chromium has no page target");
        stop();
        return false;
    }
    if (!command(QStringLiteral("Target.attachToTarget"),
                 {{QStringLiteral("targetId"), pageId}, {QStringLiteral("flatten"), true}}, &result,
                 error, 30000, true)) {
        stop();
        return false;
    }
    m_sessionId = result.value(QStringLiteral("sessionId")).toString();
    return true;
}

bool CdpClient::connectTo(const QUrl &endpoint, QString *error)
{
    m_socket = std::make_unique<QWebSocket>();
    // Large messages (response bodies, long header sets) arrive as one text message.
    m_socket->setMaxAllowedIncomingMessageSize(256 * 1024 * 1024);
    QObject::connect(m_socket.get(), &QWebSocket::textMessageReceived, m_socket.get(),
                     [this](const QString &text) { onMessage(text); });
    QObject::connect(m_socket.get(), &QWebSocket::disconnected, m_socket.get(), [this] {
        if (m_loop)
            m_loop->quit();
    });
    QObject::connect(m_socket.get(), &QWebSocket::connected, m_socket.get(), [this] {
        if (m_loop)
            m_loop->quit();
    });
    m_socket->open(endpoint);
    if (!waitFor([this] { return m_socket->state() == QAbstractSocket::ConnectedState; },
                 kStartTimeoutMs)) {
        *error = QStringLiteral("cannot connect to %1: %2")
                     .arg(endpoint.toString(), m_socket->errorString());
        return false;
    }
    return true;
}

void CdpClient::onMessage(const QString &text)
{
    const QByteArray raw = text.toUtf8();
    const QJsonObject message = QJsonDocument::fromJson(raw).object();
    if (message.contains(QStringLiteral("id"))) {
        m_replies.insert(message.value(QStringLiteral("id")).toInt(), message);
    } else if (!m_sessionId.isEmpty() &&
               message.value(QStringLiteral("sessionId")).toString() == m_sessionId) {
        m_events.append({message.value(QStringLiteral("method")).toString(),
                         message.value(QStringLiteral("params")).toObject(), raw});
    }
    if (m_loop)
        m_loop->quit();
}

bool CdpClient::waitFor(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return done();
        QEventLoop loop;
        QTimer tick;
        // Also re-checks now and then: a condition may depend on a file, not on a message.
        tick.setSingleShot(true);
        QObject::connect(&tick, &QTimer::timeout, &loop, &QEventLoop::quit);
        tick.start(int(std::min<qint64>(50, std::max<qint64>(1, deadline.remainingTime()))));
        QEventLoop *outer = m_loop;
        m_loop = &loop;
        loop.exec();
        m_loop = outer;
    }
    return true;
}

bool CdpClient::command(const QString &method, const QJsonObject &params, QJsonObject *result,
                        QString *error, int timeoutMs, bool toBrowser)
{
    if (!toBrowser && m_sessionId.isEmpty()) {
        *error = QStringLiteral("%1: no page attached").arg(method);
        return false;
    }
    return send(toBrowser ? QString() : m_sessionId, method, params, result, error, timeoutMs);
}

bool CdpClient::commandTo(const QString &sessionId, const QString &method,
                          const QJsonObject &params, QJsonObject *result, QString *error,
                          int timeoutMs)
{
    if (sessionId.isEmpty()) {
        *error = QStringLiteral("%1: no session").arg(method);
        return false;
    }
    return send(sessionId, method, params, result, error, timeoutMs);
}

bool CdpClient::send(const QString &sessionId, const QString &method, const QJsonObject &params,
                     QJsonObject *result, QString *error, int timeoutMs)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
        *error = QStringLiteral("%1: not connected to Chromium").arg(method);
        return false;
    }
    const int id = m_nextId++;
    QJsonObject message{{QStringLiteral("id"), id},
                        {QStringLiteral("method"), method},
                        {QStringLiteral("params"), params}};
    if (!sessionId.isEmpty())
        message.insert(QStringLiteral("sessionId"), sessionId);
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    if (!waitFor([&] { return m_replies.contains(id); }, timeoutMs)) {
        *error = QStringLiteral("%1: no reply within %2 s").arg(method).arg(timeoutMs / 1000);
        return false;
    }
    const QJsonObject reply = m_replies.take(id);
    if (reply.contains(QStringLiteral("error"))) {
        const QJsonObject e = reply.value(QStringLiteral("error")).toObject();
        *error =
            QStringLiteral("%1: %2").arg(method, e.value(QStringLiteral("message")).toString());
        return false;
    }
    *result = reply.value(QStringLiteral("result")).toObject();
    return true;
}

bool CdpClient::enableDomains(QString *error)
{
    QJsonObject ignored;
    for (const char *domain : {"Page.enable", "Network.enable", "Runtime.enable", "Log.enable"}) {
        if (!command(QLatin1String(domain), {}, &ignored, error))
            return false;
    }
    return true;
}

bool CdpClient::navigate(const QUrl &url, QString *error, int timeoutMs)
{
    const qsizetype before = m_events.size();
    QJsonObject result;
    if (!command(QStringLiteral("Page.navigate"),
                 {{QStringLiteral("url"), url.toString(QUrl::FullyEncoded)}}, &result, error,
                 timeoutMs))
        return false;
    if (result.contains(QStringLiteral("errorText"))) {
        *error = QStringLiteral("Page.navigate %1: %2")
                     .arg(url.toString(), result.value(QStringLiteral("errorText")).toString());
        return false;
    }
    const bool loaded = waitFor(
        [&] {
            for (qsizetype i = before; i < m_events.size(); ++i) {
                if (m_events.at(i).method == QLatin1String("Page.loadEventFired"))
                    return true;
            }
            return false;
        },
        timeoutMs);
    if (!loaded)
        *error = QStringLiteral("%1 did not finish loading within %2 s")
                     .arg(url.toString())
                     .arg(timeoutMs / 1000);
    return loaded;
}

QJsonValue CdpClient::evaluate(const QString &expression, QString *error, int timeoutMs)
{
    QJsonObject result;
    if (!command(QStringLiteral("Runtime.evaluate"),
                 {{QStringLiteral("expression"), expression},
                  {QStringLiteral("awaitPromise"), true},
                  {QStringLiteral("returnByValue"), true}},
                 &result, error, timeoutMs))
        return QJsonValue(QJsonValue::Undefined);
    if (result.contains(QStringLiteral("exceptionDetails"))) {
        const QJsonObject details = result.value(QStringLiteral("exceptionDetails")).toObject();
        *error = QStringLiteral("the script threw: %1")
                     .arg(details.value(QStringLiteral("exception"))
                              .toObject()
                              .value(QStringLiteral("description"))
                              .toString(details.value(QStringLiteral("text")).toString()));
        return QJsonValue(QJsonValue::Undefined);
    }
    return result.value(QStringLiteral("result")).toObject().value(QStringLiteral("value"));
}

QList<CdpEvent> CdpClient::events(const QString &method) const
{
    QList<CdpEvent> out;
    for (const CdpEvent &e : m_events) {
        if (e.method == method)
            out.append(e);
    }
    return out;
}

QList<QJsonObject> CdpClient::consoleCalls() const
{
    QList<QJsonObject> out;
    for (const CdpEvent &e : events(QStringLiteral("Runtime.consoleAPICalled")))
        out.append(e.params);
    return out;
}

QList<QJsonObject> CdpClient::logEntries() const
{
    QList<QJsonObject> out;
    for (const CdpEvent &e : events(QStringLiteral("Log.entryAdded")))
        out.append(e.params.value(QStringLiteral("entry")).toObject());
    return out;
}

QList<QJsonObject> CdpClient::requestsSent() const
{
    QList<QJsonObject> out;
    for (const CdpEvent &e : events(QStringLiteral("Network.requestWillBeSent")))
        out.append(e.params);
    return out;
}

void CdpClient::stop()
{
    if (m_socket) {
        m_socket->abort();
        m_socket.reset();
    }
    m_sessionId.clear();
    if (m_process) {
        killProcessGroup();
        m_output += m_process->readAll();
        m_process.reset();
    }
    // Only after every browser process is gone, so nothing writes into the directory meanwhile.
    m_profile.reset();
}

void CdpClient::killProcessGroup()
{
    const auto group = pid_t(m_group);
    m_group = 0;
    if (group <= 0)
        return;
    // SIGTERM first: Chromium then shuts its helpers down itself; SIGKILL whatever is left.
    ::kill(-group, SIGTERM);
    if (!m_process->waitForFinished(kGracefulExitMs))
        ::kill(-group, SIGKILL);
    m_process->waitForFinished(kGroupExitMs);
    const QDeadlineTimer deadline(kGroupExitMs);
    while (::kill(-group, 0) == 0 && !deadline.hasExpired())
        QThread::msleep(50);
    if (::kill(-group, 0) == 0)
        ::kill(-group, SIGKILL);
}
