#include "bidi_attachment.h"

#include "bidi_overrides.h"
#include "protocol_connection.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QLoggingCategory>
#include <memory>

Q_LOGGING_CATEGORY(lcBidi, "corslab.attach.bidi")

namespace corslab::attach {

namespace {
constexpr int kPumpIntervalMs = 100;
constexpr int kEndSessionTimeoutMs = 2000;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QJsonArray subscribedEvents()
{
    return {QStringLiteral("network.beforeRequestSent"),
            QStringLiteral("network.responseStarted"),
            QStringLiteral("network.responseCompleted"),
            QStringLiteral("network.fetchError"),
            QStringLiteral("log.entryAdded"),
            QStringLiteral("browsingContext.contextCreated"),
            QStringLiteral("browsingContext.contextDestroyed")};
}

// "firefox" and "153.8.0" → "Firefox/153.8.0", as Chromium names itself ("Chrome/156.0…").
QString productOf(const QJsonObject &capabilities)
{
    QString name = capabilities.value(QStringLiteral("browserName")).toString();
    if (name.isEmpty())
        name = QStringLiteral("Firefox");
    name[0] = name[0].toUpper();
    const QString version = capabilities.value(QStringLiteral("browserVersion")).toString();
    return version.isEmpty() ? name : name + u'/' + version;
}

QString sessionRefusedAdvice(const QString &error)
{
    return QStringLiteral("Firefox refused a WebDriver BiDi session (%1). Firefox allows one at a "
                          "time: another tool (or a capture that was not ended) holds it; close "
                          "that tool, or restart Firefox")
        .arg(error);
}
} // namespace

BidiAttachment::BidiAttachment(Options options, QObject *parent)
    : Attachment(parent), m_options(options), m_connection(new ProtocolConnection(this)),
      m_assembler(BidiAssembler::Options{}), m_overrides(new BidiOverrides(m_connection, this))
{
    connect(m_overrides, &BidiOverrides::overrideApplied, this,
            [this](const QString &id, int hop, const AppliedOverride &applied) {
                m_assembler.noteOverride(id, hop, applied, now());
            });
    useRuleInstaller(m_overrides);
    m_pump.setInterval(kPumpIntervalMs);
    connect(&m_pump, &QTimer::timeout, this, &BidiAttachment::pump);
    connect(m_connection, &ProtocolConnection::opened, this, &BidiAttachment::onOpened);
    connect(m_connection, &ProtocolConnection::eventReceived, this,
            [this](const QString &, const QString &method, const QJsonObject &params) {
                onEvent(method, params);
            });
    connect(m_connection, &ProtocolConnection::closed, this, &BidiAttachment::end);
}

BidiAttachment::~BidiAttachment()
{
    if (m_sessionOpen)
        detach();
    m_connection->disconnect(this);
}

void BidiAttachment::open(const QUrl &endpoint)
{
    m_connection->open(endpoint);
}

void BidiAttachment::detach()
{
    stop(QStringLiteral("detached"));
}

void BidiAttachment::stop(const QString &reason)
{
    const bool endSession = m_sessionOpen;
    m_sessionOpen = false;
    // Firefox goes on without the rules: their intercepts are removed before the session ends.
    if (endSession && !m_overrides->rules().rules().isEmpty())
        m_overrides->clearRules();
    end(reason);
    if (endSession)
        endSessionAndWait();
    m_connection->close();
}

// Firefox forgets the session only once it has handled session.end; a connection closed before
// that leaves the session (and Firefox) locked until it restarts. So the answer is waited for,
// briefly, even when the caller is about to exit.
void BidiAttachment::endSessionAndWait()
{
    QEventLoop loop;
    // The reply may come after the wait gave up (or as the connection closes): it then finds
    // no loop to end.
    auto waiting = std::make_shared<QEventLoop *>(&loop);
    m_connection->send(QStringLiteral("session.end"), {}, {},
                       [waiting](const ProtocolConnection::Reply &) {
                           if (QEventLoop *l = std::exchange(*waiting, nullptr))
                               l->quit();
                       });
    if (*waiting) {
        QTimer::singleShot(kEndSessionTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    *waiting = nullptr;
}

void BidiAttachment::onOpened()
{
    const QJsonObject params{{QStringLiteral("capabilities"), QJsonObject{}}};
    m_connection->send(QStringLiteral("session.new"), params, {},
                       [this, run = m_run](const ProtocolConnection::Reply &reply) {
                           if (run != m_run)
                               return;
                           if (!reply.ok())
                               return fail(sessionRefusedAdvice(reply.error));
                           onSessionCreated(reply.result);
                       });
}

void BidiAttachment::onSessionCreated(const QJsonObject &result)
{
    m_sessionOpen = true;
    m_product = productOf(result.value(QStringLiteral("capabilities")).toObject());
    m_assembler.setBrowser(m_product);
    m_connection->send(QStringLiteral("browsingContext.getTree"), {}, {},
                       [this, run = m_run](const ProtocolConnection::Reply &reply) {
                           if (run == m_run && reply.ok())
                               noteContexts(
                                   reply.result.value(QStringLiteral("contexts")).toArray());
                       });
    subscribe();
}

void BidiAttachment::subscribe()
{
    m_connection->send(QStringLiteral("session.subscribe"),
                       {{QStringLiteral("events"), subscribedEvents()}}, {},
                       [this, run = m_run](const ProtocolConnection::Reply &reply) {
                           if (run != m_run)
                               return;
                           if (!reply.ok())
                               return fail(QStringLiteral("Firefox refused to report its network "
                                                          "events: ") +
                                           reply.error);
                           addDataCollector();
                       });
}

// Firefox keeps response bodies only for a data collector; without one (or when Firefox refuses
// it) the capture goes on without bodies.
void BidiAttachment::addDataCollector()
{
    if (m_options.bodyCap <= 0)
        return announce();
    const QJsonObject params{{QStringLiteral("dataTypes"), QJsonArray{QStringLiteral("response")}},
                             {QStringLiteral("maxEncodedDataSize"), m_options.bodyCap}};
    m_connection->send(QStringLiteral("network.addDataCollector"), params, {},
                       [this, run = m_run](const ProtocolConnection::Reply &reply) {
                           if (run != m_run)
                               return;
                           if (reply.ok())
                               m_collector =
                                   reply.result.value(QStringLiteral("collector")).toString();
                           else
                               Q_EMIT message(QStringLiteral("Firefox keeps no response bodies "
                                                             "for CORS Lab: ") +
                                              reply.error);
                           announce();
                       });
}

// The rules set before attaching are in force before the capture is announced, so the first
// request after attached() is overridden too.
void BidiAttachment::announce()
{
    m_overrides->start([this, run = m_run] {
        if (run != m_run)
            return;
        m_assembler.setBodyCap(m_collector.isEmpty() ? 0 : m_options.bodyCap);
        m_attached = true;
        m_pump.start();
        Q_EMIT attached(m_product);
    });
}

void BidiAttachment::noteContexts(const QJsonArray &tree)
{
    for (const QJsonValue node : tree) {
        const QJsonObject context = node.toObject();
        m_contexts.insert(context.value(QStringLiteral("context")).toString());
        noteContexts(context.value(QStringLiteral("children")).toArray());
    }
}

void BidiAttachment::onEvent(const QString &method, const QJsonObject &params)
{
    // A blocked request is answered even while the session ends: it would stay paused.
    if (method.startsWith(QLatin1String("network.")))
        m_overrides->handleEvent(method, params);
    if (!holdsLock())
        return; // the capture ended: what comes while its session ends is not kept
    if (method == QLatin1String("browsingContext.contextCreated"))
        m_contexts.insert(params.value(QStringLiteral("context")).toString());
    else if (method == QLatin1String("browsingContext.contextDestroyed"))
        m_contexts.remove(params.value(QStringLiteral("context")).toString());
    else
        m_assembler.handle(method, params, now());
}

void BidiAttachment::pump()
{
    fetchBodies();
    const QList<session::CapturedExchange> batch = m_assembler.takeReady(now());
    if (!batch.isEmpty())
        Q_EMIT exchangesCaptured(batch);
}

void BidiAttachment::fetchBodies()
{
    for (const QString &id : m_assembler.takeBodyRequests()) {
        const QJsonObject params{{QStringLiteral("dataType"), QStringLiteral("response")},
                                 {QStringLiteral("request"), id},
                                 {QStringLiteral("collector"), m_collector},
                                 {QStringLiteral("disown"), true}};
        m_connection->send(
            QStringLiteral("network.getData"), params, {},
            [this, id](const ProtocolConnection::Reply &reply) {
                const QJsonObject bytes = reply.result.value(QStringLiteral("bytes")).toObject();
                const QString value = bytes.value(QStringLiteral("value")).toString();
                const bool base64 =
                    bytes.value(QStringLiteral("type")).toString() == QLatin1String("base64");
                m_assembler.setResponseBody(
                    id, base64 ? QByteArray::fromBase64(value.toLatin1()) : value.toUtf8(),
                    reply.ok());
            });
    }
}

void BidiAttachment::fail(const QString &reason)
{
    qCWarning(lcBidi) << reason;
    stop(reason);
}

QList<session::CapturedExchange> BidiAttachment::stopCapture(const QString &error)
{
    m_pump.stop();
    return m_assembler.takeAll(error);
}

void BidiAttachment::forgetCapture()
{
    m_contexts.clear();
    m_collector.clear();
    m_overrides->forget();
    m_attached = false;
    m_sessionOpen = false;
    ++m_run;
}

} // namespace corslab::attach
