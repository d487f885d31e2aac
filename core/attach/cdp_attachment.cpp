#include "cdp_attachment.h"

#include "fetch_overrides.h"
#include "protocol_connection.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAttach, "corslab.attach")

namespace corslab::attach {

namespace {
constexpr int kPumpIntervalMs = 100;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// The browser's own pages and extensions are not the user's traffic.
bool isUsersTarget(const QJsonObject &info)
{
    const QString type = info.value(QStringLiteral("type")).toString();
    const QString url = info.value(QStringLiteral("url")).toString();
    static const QStringList kTypes{QStringLiteral("page"), QStringLiteral("iframe"),
                                    QStringLiteral("worker"), QStringLiteral("shared_worker"),
                                    QStringLiteral("service_worker")};
    static const QStringList kInternal{
        QStringLiteral("chrome:"), QStringLiteral("devtools:"), QStringLiteral("chrome-extension:"),
        QStringLiteral("chrome-untrusted:"), QStringLiteral("edge:")};
    if (!kTypes.contains(type))
        return false;
    return std::none_of(kInternal.begin(), kInternal.end(),
                        [&](const QString &scheme) { return url.startsWith(scheme); });
}

QJsonObject autoAttachParams()
{
    return {{QStringLiteral("autoAttach"), true},
            {QStringLiteral("waitForDebuggerOnStart"), true},
            {QStringLiteral("flatten"), true}};
}
} // namespace

CdpAttachment::CdpAttachment(Options options, QObject *parent)
    : Attachment(parent), m_options(options), m_connection(new ProtocolConnection(this)),
      m_assembler(NetworkAssembler::Options{}), m_overrides(new FetchOverrides(m_connection, this))
{
    m_assembler.setBodyCap(m_options.bodyCap);
    connect(m_overrides, &FetchOverrides::overrideApplied, this,
            [this](const QString &networkId, const AppliedOverride &applied) {
                m_assembler.noteOverride(networkId, applied, now());
            });
    useRuleInstaller(m_overrides);
    m_pump.setInterval(kPumpIntervalMs);
    connect(&m_pump, &QTimer::timeout, this, &CdpAttachment::pump);
    connect(m_connection, &ProtocolConnection::opened, this, &CdpAttachment::onOpened);
    connect(m_connection, &ProtocolConnection::eventReceived, this, &CdpAttachment::onEvent);
    connect(m_connection, &ProtocolConnection::closed, this, &CdpAttachment::end);
}

CdpAttachment::~CdpAttachment()
{
    m_connection->disconnect(this);
}

void CdpAttachment::open(const QUrl &endpoint)
{
    m_connection->open(endpoint);
}

void CdpAttachment::detach()
{
    // The browser goes on without the rules: Fetch.disable reaches every tab before the close.
    if (holdsLock() && !m_overrides->rules().rules().isEmpty())
        m_overrides->clearRules();
    // What is pending comes out now, before the connection closes: a caller about to exit (Ctrl+C)
    // has it in hand when this returns.
    end(QStringLiteral("detached"));
    m_connection->close();
}

void CdpAttachment::onOpened()
{
    m_connection->send(QStringLiteral("Browser.getVersion"), {}, {},
                       [this](const ProtocolConnection::Reply &reply) {
                           if (!reply.ok())
                               return fail(reply.error);
                           m_product = reply.result.value(QStringLiteral("product")).toString();
                           m_assembler.setBrowser(m_product);
                       });
    m_connection->send(QStringLiteral("Target.setDiscoverTargets"),
                       {{QStringLiteral("discover"), true}});
    m_connection->send(QStringLiteral("Target.setAutoAttach"), autoAttachParams(), {},
                       [this](const ProtocolConnection::Reply &reply) {
                           if (!reply.ok())
                               return fail(QStringLiteral("the browser refused to let CORS Lab "
                                                          "attach to its tabs: ") +
                                           reply.error);
                           m_autoAttached = true;
                           announceWhenReady();
                       });
}

void CdpAttachment::onEvent(const QString &sessionId, const QString &method,
                            const QJsonObject &params)
{
    if (method.startsWith(QLatin1String("Network."))) {
        m_assembler.handle(sessionId, method, params, now());
        return;
    }
    if (method == QLatin1String("Fetch.requestPaused")) {
        m_overrides->handlePaused(sessionId, params);
        return;
    }
    if (method == QLatin1String("Target.attachedToTarget")) {
        onTargetAttached(sessionId, params);
    } else if (method == QLatin1String("Target.detachedFromTarget")) {
        const QString session = params.value(QStringLiteral("sessionId")).toString();
        m_targets.remove(session);
        m_overrides->removeSession(session);
    } else if (method == QLatin1String("Target.targetCrashed") ||
               (method == QLatin1String("Inspector.targetCrashed") &&
                m_targets.contains(sessionId))) {
        Q_EMIT message(QStringLiteral("A tab crashed; its exchanges so far are kept, and the "
                                      "capture goes on in the other tabs."));
    }
}

void CdpAttachment::onTargetAttached(const QString &parentSession, const QJsonObject &params)
{
    Q_UNUSED(parentSession);
    const QString session = params.value(QStringLiteral("sessionId")).toString();
    const QJsonObject info = params.value(QStringLiteral("targetInfo")).toObject();
    const bool waiting = params.value(QStringLiteral("waitingForDebugger")).toBool();
    auto resume = [this, session, waiting] {
        if (waiting)
            m_connection->send(QStringLiteral("Runtime.runIfWaitingForDebugger"), {}, session);
    };
    if (!isUsersTarget(info)) {
        resume();
        m_connection->send(QStringLiteral("Target.detachFromTarget"),
                           {{QStringLiteral("sessionId"), session}});
        return;
    }
    m_targets.insert(session, info.value(QStringLiteral("url")).toString());
    const QString url = info.value(QStringLiteral("url")).toString();
    // Network first, then the target's own children (workers, iframes in other processes),
    // then let it run: nothing it sends is missed.
    // A reply that comes after a detach (and maybe a new attach) belongs to the run before.
    auto settled = [this, run = m_run] {
        if (run != m_run)
            return;
        --m_enabling;
        announceWhenReady();
    };
    ++m_enabling;
    m_connection->send(
        QStringLiteral("Network.enable"),
        {{QStringLiteral("maxPostDataSize"), qint64(m_options.bodyCap)}}, session,
        [this, url, settled](const ProtocolConnection::Reply &reply) {
            if (!reply.ok())
                Q_EMIT message(QStringLiteral("%1 cannot be captured: %2").arg(url, reply.error));
            settled();
        });
    m_connection->send(QStringLiteral("Target.setAutoAttach"), autoAttachParams(), session);
    // Resumed once the override rules intercept there, so its first request is overridden too.
    ++m_enabling;
    m_overrides->addSession(session, [resume, settled] {
        resume();
        settled();
    });
}

// Attached once the tabs open at that moment capture: the browser reports them before it answers
// Target.setAutoAttach, and each captures once its Network.enable is answered.
void CdpAttachment::announceWhenReady()
{
    if (m_attached || !m_autoAttached || m_enabling > 0 || !holdsLock())
        return;
    m_attached = true;
    m_pump.start();
    Q_EMIT attached(m_product);
}

void CdpAttachment::pump()
{
    fetchBodies();
    const QList<session::CapturedExchange> batch = m_assembler.takeReady(now());
    if (!batch.isEmpty())
        Q_EMIT exchangesCaptured(batch);
}

void CdpAttachment::fetchBodies()
{
    const QList<NetworkAssembler::BodyRequest> wanted = m_assembler.takeBodyRequests();
    for (const NetworkAssembler::BodyRequest &b : wanted) {
        const QString requestId = b.requestId;
        m_connection->send(
            QStringLiteral("Network.getResponseBody"), {{QStringLiteral("requestId"), requestId}},
            b.sessionId, [this, requestId](const ProtocolConnection::Reply &reply) {
                const QString text = reply.result.value(QStringLiteral("body")).toString();
                const bool base64 = reply.result.value(QStringLiteral("base64Encoded")).toBool();
                m_assembler.setResponseBody(
                    requestId, base64 ? QByteArray::fromBase64(text.toLatin1()) : text.toUtf8(),
                    reply.ok());
            });
    }
}

void CdpAttachment::fail(const QString &reason)
{
    qCWarning(lcAttach) << reason;
    Q_EMIT message(reason);
    detach();
}

QList<session::CapturedExchange> CdpAttachment::stopCapture(const QString &error)
{
    m_pump.stop();
    return m_assembler.takeAll(error);
}

void CdpAttachment::forgetCapture()
{
    m_targets.clear();
    m_overrides->forget();
    m_attached = false;
    m_autoAttached = false;
    m_enabling = 0;
    ++m_run;
}

} // namespace corslab::attach
