#pragma once

#include "proxy/override_rules.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>
#include <QUrl>
#include <functional>
#include <memory>

namespace corslab::attach {
class BrowserEndpointLookup;
class Attachment;
} // namespace corslab::attach

namespace corslab::session {
struct CapturedExchange;
}

namespace corslab::lab {

class SessionFeeder;

/// A browser found with its DevTools endpoint open.
struct RunningBrowser
{
    quint16 port = 0;
    QUrl endpoint;   ///< its webSocketDebuggerUrl
    QString product; ///< "Chrome/156.0.8078.129"
};

/// \brief The app's attachment to a browser the user runs (the DevTools protocol): finding
/// one, starting one with remote debugging on, attaching, detaching. Its captures go into the
/// session like the proxy's.
///
/// The connection and the joining of events run on a thread of their own, never on the GUI
/// thread; this object lives on the GUI thread and reports on its signals.
class BrowserAttach : public QObject
{
    Q_OBJECT

public:
    /// The ports looked at for running browsers: DevTools' default and its neighbours.
    static QList<quint16> usualPorts();

    BrowserAttach(SessionFeeder *feeder, qint64 bodyCap, QObject *parent = nullptr);
    ~BrowserAttach() override;

    /// Finds the browser on \a port of this machine and attaches; stateChanged() or failed().
    void attachToPort(quint16 port);
    /// Attaches to a browser's DevTools WebSocket (ws://…/devtools/browser/<id>).
    void attachTo(const QUrl &endpoint);
    /// Stops capturing; what was captured stays in the session.
    void detach();
    bool isAttached() const { return m_attached; }
    bool isBusy() const { return m_busy; }
    QString product() const { return m_product; }
    QUrl endpoint() const { return m_endpoint; }
    /// "the DevTools protocol" or "WebDriver BiDi" (Firefox): how endpoint() is spoken to.
    QString protocolName() const;

    /// Looks for browsers with DevTools open on usualPorts() and in the DevToolsActivePort files
    /// of the usual profiles; runningBrowsersFound() follows.
    void findRunningBrowsers();

    /// Starts \a binary (empty: the first of Chrome, Chromium, Edge, Firefox installed) with
    /// --remote-debugging-port=\a port in a profile of CORS Lab's own (kept between runs, so
    /// logins stay), then attaches to it. False with \a error when no browser can be started.
    bool launchDebuggableBrowser(const QString &binary, quint16 port, QString *error);
    /// The browsers launchDebuggableBrowser() would pick from, installed on this machine.
    static QStringList installedBrowsers();
    /// The profile directory launchDebuggableBrowser() uses.
    static QString debugProfileDirectory();

    /// "Apply in browser": adds \a rules to those the attached browser applies (Chromium: the
    /// Fetch domain; Firefox: WebDriver BiDi network interception), live; detaching removes
    /// them. False with \a error when no browser is attached or a rule does not compile.
    bool addOverrides(const QList<proxy::OverrideRule> &rules, QString *error);
    /// True when a browser is attached: every attached browser can apply override rules.
    bool canApplyOverrides() const;
    void removeOverride(qsizetype index);
    void clearOverrides();
    /// The rules applied in the attached browser now.
    const QList<proxy::OverrideRule> &overrides() const { return m_rules; }
    /// The playground's origins, which rules may name as placeholders.
    void setOrigins(const policy::DemoOrigins &origins) { m_origins = origins; }

Q_SIGNALS:
    /// overrides() changed.
    void overridesChanged();
    /// Attached or detached (isAttached(), product(), endpoint()).
    void stateChanged();
    /// Attaching failed, or the capture ended by itself: \a reason says why and what to do.
    void failed(const QString &reason);
    /// Something worth a line in the status bar (a tab crashed).
    void message(const QString &text);
    void runningBrowsersFound(const QList<corslab::lab::RunningBrowser> &browsers);

private:
    void replaceAttachment(const QUrl &endpoint);
    void onAttached(const QString &product, const QUrl &endpoint);
    void onDetached(const QString &reason);
    static QStringList chromiumDebugArguments(quint16 port);
    /// Firefox's, with its profile's user.js written; \a error says why it could not be.
    static QStringList firefoxDebugArguments(quint16 port, QString *error);
    void waitForLaunchedBrowser(quint16 port, int attemptsLeft);
    /// Asks 127.0.0.1:\a port for its DevTools endpoint and attaches to it; \a onFailure gets
    /// the reason otherwise.
    void lookUpThenAttach(quint16 port, const std::function<void(const QString &)> &onFailure);
    bool sendOverrides(const QList<proxy::OverrideRule> &rules, QString *error);

    QThread m_thread;
    SessionFeeder *m_feeder;
    qint64 m_bodyCap;
    attach::Attachment *m_attachment = nullptr; ///< lives on m_thread; made by attachTo()
    bool m_attached = false;
    bool m_busy = false; ///< attaching
    bool m_userDetached = false;
    QString m_product;
    QUrl m_endpoint;
    QList<proxy::OverrideRule> m_rules; ///< a copy of what the attachment applies
    policy::DemoOrigins m_origins;
};

} // namespace corslab::lab

Q_DECLARE_METATYPE(corslab::lab::RunningBrowser)
