#include "attachment.h"

#include "bidi_attachment.h"
#include "browser_endpoint.h"
#include "cdp_attachment.h"

#include <QCryptographicHash>
#include <QDir>

namespace corslab::attach {

bool Attachment::attach(const QUrl &endpoint, QString *error)
{
    m_endpoint = endpoint;
    m_lock = lockAttachment(endpoint, error);
    if (!m_lock)
        return false;
    open(endpoint);
    return true;
}

void Attachment::end(const QString &reason)
{
    if (!holdsLock())
        return; // ended already
    const QList<session::CapturedExchange> rest =
        stopCapture(QStringLiteral("still running when the capture stopped (%1)").arg(reason));
    if (!rest.isEmpty())
        Q_EMIT exchangesCaptured(rest);
    forgetCapture();
    releaseLock();
    Q_EMIT detached(reason);
}

void Attachment::useRuleInstaller(RuleInstaller *installer)
{
    m_installer = installer;
    connect(installer, &RuleInstaller::rulesChanged, this, &Attachment::overridesChanged);
    connect(installer, &RuleInstaller::rulesApplied, this, &Attachment::overridesApplied);
    connect(installer, &RuleInstaller::message, this, &Attachment::message);
}

void Attachment::setOverrides(const proxy::OverrideSet &rules)
{
    m_installer->setRules(rules);
}

const proxy::OverrideSet &Attachment::overrides() const
{
    return m_installer->rules();
}

bool Attachment::removeOverride(qsizetype index)
{
    return m_installer->removeRule(index);
}

void Attachment::clearOverrides()
{
    m_installer->clearRules();
}

std::unique_ptr<Attachment> attachmentFor(const QUrl &endpoint, qint64 bodyCap)
{
    if (isBidiEndpoint(endpoint))
        return std::make_unique<BidiAttachment>(BidiAttachment::Options{bodyCap});
    return std::make_unique<CdpAttachment>(CdpAttachment::Options{bodyCap});
}

QString attachmentLockPath(const QUrl &browserEndpoint)
{
    const QByteArray key =
        QCryptographicHash::hash(browserEndpoint.toString().toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(16);
    return QDir::temp().filePath(QStringLiteral("corslab-attach-%1.lock").arg(QLatin1String(key)));
}

std::unique_ptr<QLockFile> lockAttachment(const QUrl &browserEndpoint, QString *error)
{
    auto lock = std::make_unique<QLockFile>(attachmentLockPath(browserEndpoint));
    lock->setStaleLockTime(0); // a lock is stale only when its process is gone
    if (lock->tryLock(0))
        return lock;
    qint64 pid = 0;
    QString host;
    QString application;
    lock->getLockInfo(&pid, &host, &application);
    *error = QStringLiteral("CORS Lab is already attached to this browser (%1, process %2): "
                            "detach there first")
                 .arg(browserEndpoint.toString())
                 .arg(pid);
    return nullptr;
}

} // namespace corslab::attach
