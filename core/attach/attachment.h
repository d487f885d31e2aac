#pragma once

#include "proxy/override_rules.h"
#include "rule_installer.h"
#include "session/captured_exchange.h"

#include <QList>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QUrl>
#include <memory>

namespace corslab::attach {

/// \brief A capture from a browser the user runs, over the browser's own remote protocol:
/// CdpAttachment (Chrome, Chromium, Edge: the DevTools protocol) or BidiAttachment (Firefox:
/// WebDriver BiDi). Callers hold one through this interface and need not know which.
///
/// attach() is followed by attached() or detached(); exchanges come out in batches, a preflight
/// before the request it was sent for, each with the browser's own CORS verdict. However the
/// capture ends (detach(), the browser closing, the connection dropping), what was captured
/// still comes out, then detached() says why.
class Attachment : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /// Connects to \a endpoint (the browser's WebSocket); attached() or detached() follows.
    /// False with \a error when this browser already has an attachment.
    bool attach(const QUrl &endpoint, QString *error);
    /// Stops capturing: what is pending comes out, then detached(), before this returns.
    virtual void detach() = 0;
    virtual bool isAttached() const = 0;
    /// The browser's product and version ("Chrome/156.0.8078.129", "Firefox/153.8.0").
    virtual QString product() const = 0;
    QUrl endpoint() const { return m_endpoint; }
    /// Targets captured now (tabs, frames, workers), where the protocol tells.
    virtual qsizetype targetCount() const = 0;

    /// "Apply in browser": the proxy's override rules applied inside the browser, live; the
    /// exchanges they change are marked overridden. Detaching removes them.
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
    /// The override rules in force reached the browser (it answered).
    void overridesApplied();
    void detached(const QString &reason);

protected:
    /// Opens the connection to endpoint(), once attach() holds the browser's lock.
    virtual void open(const QUrl &endpoint) = 0;
    /// Ends the capture, once: what is pending comes out (stopCapture), the protocol forgets
    /// the capture (forgetCapture), the lock is released, then detached(\a reason).
    void end(const QString &reason);
    /// Stops the protocol's work (its pump) and hands out what is pending, each unfinished
    /// exchange with \a error.
    virtual QList<session::CapturedExchange> stopCapture(const QString &error) = 0;
    /// Forgets the ended capture's targets, rules and state: its late replies are ignored.
    virtual void forgetCapture() = 0;
    /// Whether the capture holds the browser's lock (attach() took it, releaseLock() not yet).
    bool holdsLock() const { return m_lock != nullptr; }
    void releaseLock() { m_lock.reset(); }
    /// \a installer applies the override rules in this attachment's browser; its signals become
    /// this attachment's (overridesChanged, overridesApplied, message).
    void useRuleInstaller(RuleInstaller *installer);

private:
    RuleInstaller *m_installer = nullptr;
    QUrl m_endpoint;
    std::unique_ptr<QLockFile> m_lock;
};

/// A new attachment that speaks \a endpoint's protocol: BidiAttachment for Firefox's WebDriver
/// BiDi endpoint (ws://HOST:PORT/session), CdpAttachment for a DevTools one; response bodies
/// up to \a bodyCap bytes are kept.
std::unique_ptr<Attachment> attachmentFor(const QUrl &endpoint, qint64 bodyCap);

/// The lock file that marks \a browserEndpoint as attached (in the temporary directory).
QString attachmentLockPath(const QUrl &browserEndpoint);

/// Takes the lock that allows one attachment per browser across processes; null with \a error
/// when another attachment holds it. A crashed process leaves no stale lock.
std::unique_ptr<QLockFile> lockAttachment(const QUrl &browserEndpoint, QString *error);

} // namespace corslab::attach
