#include "browser_attach.h"

#include "attach/attachment.h"
#include "attach/browser_endpoint.h"
#include "proxy/browser_launcher.h"
#include "session_feeder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace corslab::lab {

namespace {
constexpr int kLaunchPollMs = 250;
constexpr int kLaunchAttempts = 60; ///< 15 s for the browser to open its port
constexpr int kUsualPortCount = 8;

// DevToolsActivePort files of the usual profiles: a browser started with
// --remote-debugging-port writes its port there, whatever port was asked for.
QList<quint16> portsFromProfiles()
{
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    QList<quint16> ports;
    for (const char *profile : {"google-chrome", "google-chrome-beta", "chromium", "microsoft-edge",
                                "BraveSoftware/Brave-Browser", "vivaldi"}) {
        QFile file(config + u'/' + QLatin1String(profile) + QStringLiteral("/DevToolsActivePort"));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        bool ok = false;
        const int port = QString::fromLatin1(file.readLine()).trimmed().toInt(&ok);
        if (ok && port > 0 && port <= 65535)
            ports.append(quint16(port));
    }
    return ports;
}
} // namespace

QList<quint16> BrowserAttach::usualPorts()
{
    QList<quint16> ports;
    for (int i = 0; i < kUsualPortCount; ++i)
        ports.append(quint16(attach::kDefaultDevToolsPort + i));
    return ports;
}

BrowserAttach::BrowserAttach(SessionFeeder *feeder, qint64 bodyCap, QObject *parent)
    : QObject(parent), m_feeder(feeder), m_bodyCap(bodyCap)
{
    qRegisterMetaType<corslab::lab::RunningBrowser>();
    m_thread.setObjectName(QStringLiteral("corslab-attach"));
    m_thread.start();
}

BrowserAttach::~BrowserAttach()
{
    // Hands in what is pending before the session goes.
    if (m_attachment)
        QMetaObject::invokeMethod(
            m_attachment,
            [a = m_attachment] {
                a->detach();
                delete a;
            },
            Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

// One attachment per endpoint's protocol (DevTools or WebDriver BiDi), living on m_thread.
void BrowserAttach::replaceAttachment(const QUrl &endpoint)
{
    if (m_attachment) {
        m_attachment->disconnect(this);
        QMetaObject::invokeMethod(m_attachment, [a = m_attachment] { delete a; });
    }
    m_attachment = attach::attachmentFor(endpoint, m_bodyCap).release();
    m_attachment->moveToThread(&m_thread);
    // Judged on the session thread, like the proxy's captures.
    connect(m_attachment, &attach::Attachment::exchangesCaptured, m_feeder,
            [feeder = m_feeder](const QList<session::CapturedExchange> &batch) {
                feeder->append(batch);
            });
    connect(m_attachment, &attach::Attachment::attached, this,
            [this](const QString &product) { onAttached(product, m_endpoint); });
    connect(m_attachment, &attach::Attachment::detached, this, &BrowserAttach::onDetached);
    connect(m_attachment, &attach::Attachment::message, this, &BrowserAttach::message);
}

void BrowserAttach::attachToPort(quint16 port)
{
    if (m_attached || m_busy)
        return;
    m_busy = true;
    Q_EMIT stateChanged();
    lookUpThenAttach(port, [this](const QString &reason) {
        m_busy = false;
        Q_EMIT stateChanged();
        Q_EMIT failed(reason);
    });
}

void BrowserAttach::lookUpThenAttach(quint16 port,
                                     const std::function<void(const QString &)> &onFailure)
{
    auto *lookup = new attach::BrowserEndpointLookup(this);
    connect(lookup, &attach::BrowserEndpointLookup::found, this,
            [this, lookup](const QUrl &endpoint) {
                lookup->deleteLater();
                m_busy = false;
                attachTo(endpoint);
            });
    connect(lookup, &attach::BrowserEndpointLookup::failed, this,
            [lookup, onFailure](const QString &reason) {
                lookup->deleteLater();
                onFailure(reason);
            });
    lookup->lookUp(QStringLiteral("127.0.0.1"), port);
}

void BrowserAttach::attachTo(const QUrl &endpoint)
{
    if (m_attached)
        return;
    m_busy = true;
    m_userDetached = false;
    m_endpoint = endpoint;
    Q_EMIT stateChanged();
    replaceAttachment(endpoint);
    QMetaObject::invokeMethod(m_attachment, [this, a = m_attachment, endpoint] {
        QString error;
        if (!a->attach(endpoint, &error))
            QMetaObject::invokeMethod(this, [this, error] {
                m_busy = false;
                Q_EMIT stateChanged();
                Q_EMIT failed(error);
            });
    });
}

void BrowserAttach::detach()
{
    m_userDetached = true;
    if (m_attachment)
        QMetaObject::invokeMethod(m_attachment, [a = m_attachment] { a->detach(); });
}

bool BrowserAttach::addOverrides(const QList<proxy::OverrideRule> &rules, QString *error)
{
    if (!m_attached) {
        *error = QStringLiteral("No browser is attached: attach one first (Capture → Attach to "
                                "Chrome / Chromium / Edge)");
        return false;
    }
    return sendOverrides(m_rules + rules, error);
}

QString BrowserAttach::protocolName() const
{
    return attach::isBidiEndpoint(m_endpoint) ? QStringLiteral("WebDriver BiDi")
                                              : QStringLiteral("the DevTools protocol");
}

bool BrowserAttach::canApplyOverrides() const
{
    return m_attached;
}

void BrowserAttach::removeOverride(qsizetype index)
{
    if (index < 0 || index >= m_rules.size())
        return;
    QList<proxy::OverrideRule> rest = m_rules;
    rest.removeAt(index);
    QString ignored; // rules that compiled once compile again
    sendOverrides(rest, &ignored);
}

void BrowserAttach::clearOverrides()
{
    QString ignored;
    sendOverrides({}, &ignored);
}

// Checked here, applied on the attachment's thread: the GUI keeps its own copy to list.
bool BrowserAttach::sendOverrides(const QList<proxy::OverrideRule> &rules, QString *error)
{
    proxy::OverrideSet set;
    if (!proxy::OverrideSet::fromRules(rules, m_origins, &set, error))
        return false;
    m_rules = rules;
    if (m_attachment)
        QMetaObject::invokeMethod(m_attachment, [a = m_attachment, set] { a->setOverrides(set); });
    Q_EMIT overridesChanged();
    return true;
}

void BrowserAttach::onAttached(const QString &product, const QUrl &endpoint)
{
    m_attached = true;
    m_busy = false;
    m_product = product;
    m_endpoint = endpoint;
    Q_EMIT stateChanged();
}

void BrowserAttach::onDetached(const QString &reason)
{
    const bool wasAttached = m_attached;
    m_attached = false;
    m_busy = false;
    if (!m_rules.isEmpty()) { // detaching removed them from the browser
        m_rules.clear();
        Q_EMIT overridesChanged();
    }
    Q_EMIT stateChanged();
    if (m_userDetached)
        return;
    Q_EMIT failed(
        wasAttached
            ? QStringLiteral("The capture from %1 stopped: %2. What was captured is kept.")
                  .arg(m_product.isEmpty() ? QStringLiteral("the browser") : m_product, reason)
            : QStringLiteral("Cannot attach to %1: %2").arg(m_endpoint.toString(), reason));
}

void BrowserAttach::findRunningBrowsers()
{
    QList<quint16> ports;
    for (quint16 port : portsFromProfiles() + usualPorts())
        if (!ports.contains(port))
            ports.append(port);
    auto found = std::make_shared<QList<RunningBrowser>>();
    auto left = std::make_shared<qsizetype>(ports.size());
    for (quint16 port : std::as_const(ports)) {
        auto *lookup = new attach::BrowserEndpointLookup(this);
        auto done = [this, lookup, found, left] {
            lookup->deleteLater();
            if (--*left == 0)
                Q_EMIT runningBrowsersFound(*found);
        };
        connect(lookup, &attach::BrowserEndpointLookup::found, this,
                [found, port, done](const QUrl &endpoint, const QString &product) {
                    const bool known =
                        std::any_of(found->begin(), found->end(), [&](const RunningBrowser &b) {
                            return b.endpoint == endpoint;
                        });
                    if (!known)
                        found->append({port, endpoint, product});
                    done();
                });
        connect(lookup, &attach::BrowserEndpointLookup::failed, this, [done] { done(); });
        lookup->lookUp(QStringLiteral("127.0.0.1"), port);
    }
}

QStringList BrowserAttach::installedBrowsers()
{
    QStringList found;
    for (const char *name :
         {"google-chrome", "google-chrome-stable", "chromium", "chromium-browser", "microsoft-edge",
          "brave-browser", "firefox", "firefox-esr"}) {
        const QString path = QStandardPaths::findExecutable(QLatin1String(name));
        if (!path.isEmpty())
            found.append(path);
    }
    return found;
}

QString BrowserAttach::debugProfileDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/debug-browser-profile");
}

bool BrowserAttach::launchDebuggableBrowser(const QString &binary, quint16 port, QString *error)
{
    const QStringList installed = installedBrowsers();
    const QString program = !binary.isEmpty() ? binary : installed.value(0);
    if (program.isEmpty()) {
        *error = QStringLiteral("No Chrome, Chromium, Edge or Firefox is installed (looked for "
                                "google-chrome, chromium, microsoft-edge, firefox on the PATH)");
        return false;
    }
    const bool firefox = QFileInfo(program).fileName().startsWith(QLatin1String("firefox"));
    QString profileError;
    const QStringList arguments =
        firefox ? firefoxDebugArguments(port, &profileError) : chromiumDebugArguments(port);
    if (!profileError.isEmpty()) {
        *error = profileError;
        return false;
    }
    // Detached: the browser is the user's, it stays open when CORS Lab closes.
    if (!QProcess::startDetached(program, arguments)) {
        *error = QStringLiteral("Cannot start %1").arg(program);
        return false;
    }
    m_busy = true;
    Q_EMIT stateChanged();
    waitForLaunchedBrowser(port, kLaunchAttempts);
    return true;
}

QStringList BrowserAttach::chromiumDebugArguments(quint16 port)
{
    QDir().mkpath(debugProfileDirectory());
    return {QStringLiteral("--remote-debugging-port=%1").arg(port),
            QStringLiteral("--user-data-dir=") + debugProfileDirectory(),
            QStringLiteral("--no-first-run"), QStringLiteral("--no-default-browser-check")};
}

// Firefox keeps a profile of its own next to Chromium's; its user.js keeps Firefox's own
// background requests off the network, as for a browser launched through the proxy.
QStringList BrowserAttach::firefoxDebugArguments(quint16 port, QString *error)
{
    const QString profile = debugProfileDirectory() + QStringLiteral("-firefox");
    QDir().mkpath(profile);
    QFile prefs(profile + QStringLiteral("/user.js"));
    if (!prefs.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        prefs.write(proxy::BrowserLauncher::firefoxQuietPreferences()) < 0) {
        *error = QStringLiteral("Cannot write %1: %2").arg(prefs.fileName(), prefs.errorString());
        return {};
    }
    return {QStringLiteral("--remote-debugging-port"), QString::number(port),
            QStringLiteral("--profile"), profile, QStringLiteral("--no-remote")};
}

void BrowserAttach::waitForLaunchedBrowser(quint16 port, int attemptsLeft)
{
    lookUpThenAttach(port, [this, port, attemptsLeft](const QString &reason) {
        if (attemptsLeft > 1) {
            QTimer::singleShot(kLaunchPollMs, this, [this, port, attemptsLeft] {
                waitForLaunchedBrowser(port, attemptsLeft - 1);
            });
            return;
        }
        m_busy = false;
        Q_EMIT stateChanged();
        Q_EMIT failed(QStringLiteral("The browser started but did not open its debugging port "
                                     "in time: ") +
                      reason);
    });
}

} // namespace corslab::lab
