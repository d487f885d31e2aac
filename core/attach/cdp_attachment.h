#pragma once

#include "attachment.h"
#include "network_assembler.h"

#include <QHash>
#include <QTimer>
#include <QUrl>

namespace corslab::attach {

class ProtocolConnection;
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
/// browser's endpoint). Override rules ("Apply in browser") go through the Fetch domain of every
/// target (FetchOverrides).
class CdpAttachment : public Attachment
{
    Q_OBJECT

public:
    struct Options
    {
        qint64 bodyCap = 1 << 20; ///< response bodies up to this are kept
    };

    explicit CdpAttachment(Options options, QObject *parent = nullptr);
    ~CdpAttachment() override;

    void detach() override;
    bool isAttached() const override { return m_attached; }
    QString product() const override { return m_product; }
    /// Tabs, iframes in other processes and workers captured now.
    qsizetype targetCount() const override { return m_targets.size(); }

protected:
    void open(const QUrl &endpoint) override;
    QList<session::CapturedExchange> stopCapture(const QString &error) override;
    void forgetCapture() override;

private:
    void onOpened();
    void onEvent(const QString &sessionId, const QString &method, const QJsonObject &params);
    void onTargetAttached(const QString &parentSession, const QJsonObject &params);
    void announceWhenReady();
    void pump();
    void fetchBodies();
    void fail(const QString &reason);

    Options m_options;
    ProtocolConnection *m_connection;
    NetworkAssembler m_assembler;
    FetchOverrides *m_overrides;
    QTimer m_pump{this}; ///< a child, so that it moves with the attachment to its thread
    QString m_product;
    QHash<QString, QString> m_targets; ///< session id -> target URL
    bool m_attached = false;
    bool m_autoAttached = false; ///< Target.setAutoAttach answered
    int m_enabling = 0;          ///< Network.enable commands not answered yet
    quint64 m_run = 0;           ///< counts the captures ended: late replies of one are ignored
};

} // namespace corslab::attach
