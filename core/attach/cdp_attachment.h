#pragma once

#include "network_assembler.h"
#include "proxy/override_rules.h"
#include "session/captured_exchange.h"

#include <QHash>
#include <QLockFile>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <memory>

namespace corslab::attach {

class CdpConnection;
class FetchOverrides;

/// \brief An attachment to a running Chromium-family browser over the DevTools protocol:
/// every tab, iframe, worker and service worker (new ones included) is captured into session
/// exchanges with the browser's own CORS verdict, without a proxy or a certificate.
///
/// Attaches at browser level with auto-attach and flat sessions, enables the Network domain in
/// each target and lets it run; the browser's own pages (chrome://, DevTools) are left alone.
/// Exchanges come out in batches (exchangesCaptured) about ten times a second, a preflight
/// before the request it was sent for. When the browser closes, the connection drops or a
/// protocol error ends it, what was captured so far still comes out, then detached() says why.
/// One attachment per browser at a time, across processes (a lock file named after the
/// browser's endpoint).
class CdpAttachment : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        qint64 bodyCap = 1 << 20; ///< response bodies up to this are kept
    };

    explicit CdpAttachment(Options options, QObject *parent = nullptr);
    ~CdpAttachment() override;

    /// Connects to \a browserEndpoint (the browser's webSocketDebuggerUrl); attached() or
    /// detached() follows. False with \a error when this browser already has an attachment.
    bool attach(const QUrl &browserEndpoint, QString *error);
    /// Stops capturing: what is pending comes out, then detached(), before this returns.
    void detach();
    bool isAttached() const { return m_attached; }

    QString product() const { return m_product; }
    /// Targets captured now (tabs, iframes in other processes, workers).
    qsizetype targetCount() const { return m_targets.size(); }
    QUrl endpoint() const { return m_endpoint; }

    /// "Apply in browser": the proxy's override rules applied in every target through the Fetch
    /// domain (FetchOverrides), live; the exchanges they change are marked overridden. Detaching
    /// removes them.
    void setOverrides(const proxy::OverrideSet &rules);
    const proxy::OverrideSet &overrides() const;
    /// Removes overrides().rules()[\a index]; false when there is none.
    bool removeOverride(qsizetype index);
    void clearOverrides();

Q_SIGNALS:
    void attached(const QString &product);
    void exchangesCaptured(const QList<corslab::session::CapturedExchange> &batch);
    /// Something the user should know: a tab crashed, a target could not be captured.
    void message(const QString &text);
    /// The override rules changed (set, removed, or dropped by detaching).
    void overridesChanged();
    /// The override rules in force reached every captured target (the browser answered).
    void overridesApplied();
    void detached(const QString &reason);

private:
    void onOpened();
    void onEvent(const QString &sessionId, const QString &method, const QJsonObject &params);
    void onTargetAttached(const QString &parentSession, const QJsonObject &params);
    /// Hands out what is pending and says why the capture ended (once).
    void end(const QString &reason);
    void announceWhenReady();
    void pump();
    void fetchBodies();
    void fail(const QString &reason);

    Options m_options;
    CdpConnection *m_connection;
    NetworkAssembler m_assembler;
    FetchOverrides *m_overrides;
    QTimer m_pump;
    QUrl m_endpoint;
    std::unique_ptr<QLockFile> m_lock;
    QString m_product;
    QHash<QString, QString> m_targets; ///< session id -> target URL
    bool m_attached = false;
    bool m_autoAttached = false; ///< Target.setAutoAttach answered
    int m_enabling = 0;          ///< Network.enable commands not answered yet
    quint64 m_run = 0;           ///< counts the captures ended: late replies of one are ignored
};

/// The lock file that marks \a browserEndpoint as attached (in the temporary directory).
QString attachmentLockPath(const QUrl &browserEndpoint);

} // namespace corslab::attach
