#pragma once

#include "attachment.h"
#include "bidi_assembler.h"

#include <QSet>
#include <QTimer>
#include <QUrl>

namespace corslab::attach {

class BidiOverrides;
class ProtocolConnection;

/// \brief An attachment to a running Firefox over WebDriver BiDi (Firefox's Remote Agent, on the
/// port given by --remote-debugging-port): every tab, frame and worker's requests become session
/// exchanges, preflights included, with Firefox's own CORS verdict where it states one.
///
/// Opens a BiDi session (`session.new`), subscribes to the network events and to the console
/// (Firefox tells why it blocked a request only there, BidiAssembler reads it), adds a data
/// collector so that response bodies can be read (`network.getData`), and ends the
/// session on every way out (the override rules' intercepts removed first): Firefox allows one
/// BiDi session at a time, and one left open keeps it from any other tool until Firefox restarts.
/// Override rules ("Apply in browser") go through BiDi network interception (BidiOverrides);
/// rules set before attach() are in force before attached().
class BidiAttachment : public Attachment
{
    Q_OBJECT

public:
    struct Options
    {
        qint64 bodyCap = 1 << 20; ///< response bodies up to this are kept (0: none)
    };

    explicit BidiAttachment(Options options, QObject *parent = nullptr);
    ~BidiAttachment() override;

    void detach() override;
    bool isAttached() const override { return m_attached; }
    QString product() const override { return m_product; }
    /// Browsing contexts (tabs and frames) open now.
    qsizetype targetCount() const override { return m_contexts.size(); }

protected:
    void open(const QUrl &endpoint) override;
    QList<session::CapturedExchange> stopCapture(const QString &error) override;
    void forgetCapture() override;

private:
    void onOpened();
    void onSessionCreated(const QJsonObject &result);
    void onEvent(const QString &method, const QJsonObject &params);
    void subscribe();
    void addDataCollector();
    void announce();
    void fetchBodies();
    void noteContexts(const QJsonArray &tree);
    /// Ends the BiDi session, then the capture with \a reason, then the connection.
    void stop(const QString &reason);
    void endSessionAndWait();
    void pump();
    void fail(const QString &reason);

    Options m_options;
    ProtocolConnection *m_connection;
    BidiAssembler m_assembler;
    BidiOverrides *m_overrides;
    QTimer m_pump{this}; ///< a child, so that it moves with the attachment to its thread
    QString m_product;
    QSet<QString> m_contexts;
    QString m_collector; ///< network.addDataCollector's id: Firefox keeps bodies for it
    bool m_attached = false;
    bool m_sessionOpen = false; ///< session.new answered: session.end is owed
    quint64 m_run = 0;          ///< counts the captures ended: late replies of one are ignored
};

} // namespace corslab::attach
