#include "audit_finding_view.h"

#include "audit/audit_text.h"
#include "fix_lines_panel.h"

#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace corslab::ui {

namespace {

/// The scheme of the body's evidence links: "exchange:12" is session index 12.
const QString kExchangeScheme = QStringLiteral("exchange");
/// The fix box shows this many lines before it scrolls.
constexpr int kFixBoxLines = 7;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString esc(const QByteArray &latin1)
{
    return QString::fromLatin1(latin1).toHtmlEscaped();
}

QString heading(const QString &text)
{
    return QStringLiteral("<h4>%1</h4>").arg(esc(text));
}

QString whereItHolds(const audit::AuditFinding &f)
{
    QStringList items;
    items << QObject::tr("Origin <code>%1</code>").arg(esc(f.origin)) +
                 (f.trustedOrigin.isEmpty() || f.trustedOrigin == f.origin
                      ? QString()
                      : QObject::tr(", made from the trusted <code>%1</code>")
                            .arg(esc(f.trustedOrigin)));
    items << (f.credentials ? QObject::tr("With credentials") : QObject::tr("Without credentials"));
    items << (f.preflight ? QObject::tr("A preflighted request") : QObject::tr("A simple request"));
    items << QObject::tr("In %1").arg(esc(audit::browserList(f.browsers)));
    if (f.exposes.status > 0)
        items << QObject::tr("The attacker's page reads: status %1, headers %2, %3 bytes of body")
                     .arg(QString::number(f.exposes.status),
                          f.exposes.readableHeaders.isEmpty()
                              ? QObject::tr("none")
                              : esc(f.exposes.readableHeaders.join(", ")),
                          QString::number(f.exposes.bodyBytes));
    return QStringLiteral("<ul><li>%1</li></ul>").arg(items.join(QStringLiteral("</li><li>")));
}

// "#13 GET http://…/private → 200": a link to the exchange in the session, or why there is none.
QString evidenceLine(const session::CapturedExchange &x, qsizetype index)
{
    const QString request =
        QStringLiteral("%1 %2 → %3")
            .arg(esc(x.method), esc(x.url), x.status ? QString::number(x.status) : esc(x.error));
    if (index < 0)
        return QObject::tr("<p>%1 <i>(no longer in the session)</i></p>").arg(request);
    return QStringLiteral("<p><a href=\"%1:%2\">#%3</a> %4</p>")
        .arg(kExchangeScheme, QString::number(index), QString::number(index + 1), request);
}

} // namespace

AuditFindingView::AuditFindingView(QWidget *parent) : QWidget(parent)
{
    m_headline = new QLabel(this);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    m_headline->setWordWrap(true);
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_body = new QTextBrowser(this);
    m_body->setObjectName(QStringLiteral("auditFinding"));
    m_body->setAccessibleName(tr("Finding"));
    m_body->setOpenLinks(false); // evidence links select exchanges in the session

    m_fixPanel = new FixLinesPanel(kFixBoxLines, this);
    m_serverConfig = new QPushButton(tr("Server configuration…"), m_fixPanel);
    m_serverConfig->setToolTip(tr("The fix as configuration for nginx, Apache, Express, "
                                  "ASP.NET Core, Spring, Django, Flask or Go"));
    m_fixPanel->addButton(m_serverConfig);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_headline);
    layout->addWidget(m_body, 1);
    layout->addWidget(m_fixPanel);

    connect(m_body, &QTextBrowser::anchorClicked, this, &AuditFindingView::followLink);
    connect(m_serverConfig, &QPushButton::clicked, this, &AuditFindingView::serverConfigRequested);
    clear();
}

void AuditFindingView::clear()
{
    m_headline->clear();
    m_body->clear();
    m_body->setPlaceholderText(tr("Select a finding to see why it is a flaw, its evidence and "
                                  "the fix."));
    m_fixPanel->setLines({});
    m_fixPanel->hide();
}

void AuditFindingView::showFinding(const AuditFindingsModel::Row &row, const audit::AuditFix &fix)
{
    const audit::AuditFinding &f = row.finding;
    m_headline->setText(QStringLiteral("%1 — %2").arg(audit::severityName(f.severity).toUpper(),
                                                      audit::classInfo(f.auditClass).title));
    m_body->setHtml(bodyHtml(row));
    m_fixPanel->setTitle(tr("The fix for every finding: %1").arg(fix.summary));
    QStringList lines;
    for (const base::Header &h : fix.headers)
        lines << QString::fromLatin1(h.first + ": " + h.second);
    m_fixPanel->setLines(lines.join(QLatin1Char('\n')));
    m_fixPanel->show();
}

QString AuditFindingView::bodyHtml(const AuditFindingsModel::Row &row)
{
    const audit::AuditFinding &f = row.finding;
    QString html = QStringLiteral("<p>%1</p>").arg(esc(f.explanation));
    html += heading(tr("Where it holds")) + whereItHolds(f);
    html += heading(tr("Evidence"));
    for (qsizetype i = 0; i < f.evidence.size(); ++i)
        html += evidenceLine(f.evidence.at(i), row.evidence.value(i, -1));
    html += heading(tr("What to change")) + QStringLiteral("<p>%1</p>").arg(esc(f.fixSummary));
    html += QStringLiteral("<p><i>%1</i></p>").arg(esc(audit::classInfo(f.auditClass).description));
    return html;
}

void AuditFindingView::followLink(const QUrl &url)
{
    bool ok = false;
    const qsizetype index = url.path().toLongLong(&ok);
    if (url.scheme() == kExchangeScheme && ok)
        Q_EMIT exchangeSelected(index);
}

QString AuditFindingView::headline() const
{
    return m_headline->text();
}

QString AuditFindingView::fixText() const
{
    return m_fixPanel->lines();
}

} // namespace corslab::ui
