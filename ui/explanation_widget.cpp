#include "explanation_widget.h"

#include "fix_lines_panel.h"

#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace corslab::ui {

namespace {

using report::Explanation;
using session::VerdictState;

const QString kOk = QStringLiteral("\u2713");
const QString kFailed = QStringLiteral("\u2717");
const QString kWarning = QStringLiteral("\u26a0");
const QString kInfo = QStringLiteral("\u2139");
/// The fix box shows this many lines before it scrolls.
constexpr int kFixBoxLines = 9;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString stateSymbol(VerdictState state)
{
    switch (state) {
    case VerdictState::Blocked:
        return kFailed;
    case VerdictState::Warning:
        return kWarning;
    case VerdictState::Exposed:
        return kOk;
    case VerdictState::Unknown:
        return QStringLiteral("?");
    case VerdictState::NotApplicable:
        break;
    }
    return kInfo;
}

QString heading(const QString &text)
{
    return QStringLiteral("<h4>%1</h4>").arg(esc(text));
}

// "✓ 3. <a>CORS check: Access-Control-Allow-Origin</a> (response)<br>sentence"
QString checkHtml(const report::ExplainedCheck &c, const QString &prefix)
{
    return QStringLiteral("<p>%1%2 <b><a href=\"%3\">%4</a></b> <i>(%5)</i><br/>%6</p>")
        .arg(prefix, c.ok ? kOk : kFailed, esc(c.specUrl), esc(c.stepName), esc(c.phaseName),
             esc(c.sentence));
}

} // namespace

ExplanationWidget::ExplanationWidget(QWidget *parent) : QWidget(parent)
{
    m_headline = new QLabel(this);
    QFont big = m_headline->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_headline->setFont(big);
    m_headline->setWordWrap(true);
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_body = new QTextBrowser(this);
    m_body->setOpenExternalLinks(true); // step names open the Fetch standard
    m_body->setAccessibleName(tr("Explanation"));

    m_fixPanel = new FixLinesPanel(kFixBoxLines, this);
    m_applyToPlayground =
        new QPushButton(tr("Apply this fix to the playground server"), m_fixPanel);
    m_applyAsOverride = new QPushButton(tr("Apply as proxy override"), m_fixPanel);
    m_applyInBrowser = new QPushButton(tr("Apply in browser"), m_fixPanel);
    m_applyInBrowser->setToolTip(tr("Install the fix in the attached browser (Chromium's DevTools "
                                    "Fetch domain, Firefox's WebDriver BiDi network "
                                    "interception): reload your app to see it pass"));
    m_serverConfig = new QPushButton(tr("Server config…"), m_fixPanel);
    m_serverConfig->setToolTip(tr("This fix as configuration for nginx, Apache, Express, "
                                  "ASP.NET Core, Spring, Django, Flask or Go"));
    m_fixPanel->addButton(m_serverConfig);
    m_fixPanel->addButton(m_applyToPlayground, true);
    m_fixPanel->addButton(m_applyAsOverride, true);
    m_fixPanel->addButton(m_applyInBrowser, true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_headline);
    layout->addWidget(m_body, 1);
    layout->addWidget(m_fixPanel);

    connect(m_applyToPlayground, &QPushButton::clicked, this, [this] {
        if (m_fix)
            Q_EMIT applyFixToPlaygroundRequested(m_index, *m_fix);
    });
    connect(m_applyAsOverride, &QPushButton::clicked, this, [this] {
        if (m_fix)
            Q_EMIT applyFixAsOverrideRequested(m_index, *m_fix);
    });
    connect(m_applyInBrowser, &QPushButton::clicked, this, [this] {
        if (m_fix)
            Q_EMIT applyFixInBrowserRequested(m_index, *m_fix);
    });
    connect(m_serverConfig, &QPushButton::clicked, this, [this] {
        if (m_fix)
            Q_EMIT serverConfigForFixRequested(m_index, *m_fix);
    });
    clear();
}

void ExplanationWidget::clear()
{
    m_index = -1;
    m_fix.reset();
    m_headline->clear();
    m_body->clear();
    m_body->setPlaceholderText(tr("Select an exchange to see why the browser exposed or blocked "
                                  "it."));
    m_fixPanel->setLines({});
    m_fixPanel->hide();
}

void ExplanationWidget::showExplanation(const Explanation &e)
{
    if (e.index < 0) {
        clear();
        return;
    }
    m_index = e.index;
    m_fix = e.fix;
    m_headline->setText(stateSymbol(e.state) + QLatin1Char(' ') + e.headline);
    m_body->setHtml(bodyHtml(e));

    m_fixPanel->setVisible(e.fix.has_value());
    if (!e.fix)
        return;
    const QString fixFor = e.fixCondition.isEmpty()
                               ? tr("Fix (server), for %1:").arg(e.profileName)
                               : tr("Fix (server), for %1, %2:").arg(e.profileName, e.fixCondition);
    m_fixPanel->setTitle(fixFor);
    m_fixPanel->setLines(e.fixText());
    // A fix that only changes the fetch() call has nothing to apply on a server.
    const bool serverChanges = !e.fixTargets.isEmpty();
    m_fixPanel->setLinesVisible(serverChanges);
    m_applyToPlayground->setVisible(serverChanges);
    m_applyAsOverride->setVisible(serverChanges);
    m_applyInBrowser->setVisible(serverChanges && m_applyInBrowserAvailable);
    m_serverConfig->setVisible(serverChanges);
}

// The browser's own verdict comes first: a disagreement is what the user must see.
QString ExplanationWidget::browserOpinionHtml(const report::BrowserOpinion &o) const
{
    const bool disagree = o.agreement == session::BrowserAgreement::Disagrees;
    QString html = QStringLiteral("<p>%1<b>%2</b> %3</p>")
                       .arg(disagree ? kWarning + QLatin1Char(' ') : QString(),
                            esc(tr("%1's own verdict:").arg(o.browser)), esc(o.said));
    if (!o.sentence.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(esc(o.sentence));
    for (const QString &cookie : o.cookies)
        html += QStringLiteral("<p>%1 %2</p>").arg(kInfo, esc(cookie));
    return html;
}

QString ExplanationWidget::bodyHtml(const Explanation &e) const
{
    QString html = QStringLiteral("<p>%1</p>").arg(esc(e.summary));
    if (e.browser)
        html += browserOpinionHtml(*e.browser);

    if (!e.checks.isEmpty()) {
        html += heading(tr("Checks, in %1's order").arg(e.profileName));
        for (qsizetype i = 0; i < e.checks.size(); ++i)
            html += checkHtml(e.checks.at(i), QStringLiteral("%1. ").arg(i + 1));
    }
    if (e.failsWithCredentials)
        html += heading(tr("With credentials: 'include'")) +
                checkHtml(*e.failsWithCredentials, kWarning + QLatin1Char(' '));

    if (!e.warnings.isEmpty()) {
        html += heading(tr("Warnings"));
        for (const report::ExplainedWarning &w : e.warnings)
            html += QStringLiteral("<p>%1 %2</p>")
                        .arg(w.severity == cors::Severity::Info ? kInfo : kWarning, esc(w.text));
    }

    if (!e.browserTexts.isEmpty()) {
        html += heading(tr("What the browsers say"));
        for (const report::BrowserText &t : e.browserTexts) {
            const QString link = t.url.isEmpty() ? QString()
                                                 : QStringLiteral(" (<a href=\"%1\">%2</a>)")
                                                       .arg(esc(t.url), tr("about this error"));
            html += QStringLiteral("<p><b>%1</b>%2: <code>%3</code>%4</p>")
                        .arg(esc(t.label), t.current ? tr(" (this profile)") : QString(),
                             esc(t.text), link);
        }
    }

    if (!e.fixSteps.isEmpty() || !e.clientAlternative.isEmpty()) {
        html += heading(e.fixCondition.isEmpty() ? tr("How to fix it")
                                                 : tr("How to fix it, %1").arg(e.fixCondition));
        html += QStringLiteral("<ol>");
        for (const QString &step : e.fixSteps)
            html += QStringLiteral("<li>%1</li>").arg(esc(step));
        html += QStringLiteral("</ol>");
        if (!e.clientAlternative.isEmpty())
            html += QStringLiteral("<p><b>%1</b> %2</p>")
                        .arg(tr("Fix on the client instead:"), esc(e.clientAlternative));
    }

    if (!e.notes.isEmpty()) {
        html += heading(tr("Notes"));
        html += QStringLiteral("<ul>");
        for (const QString &note : e.notes)
            html += QStringLiteral("<li>%1</li>").arg(esc(note));
        html += QStringLiteral("</ul>");
    }
    return html;
}

void ExplanationWidget::setApplyInBrowserAvailable(bool available)
{
    m_applyInBrowserAvailable = available;
    m_applyInBrowser->setVisible(available && m_fix && m_applyAsOverride->isVisible());
}

QString ExplanationWidget::headline() const
{
    return m_headline->text();
}

QString ExplanationWidget::bodyText() const
{
    return m_body->toPlainText();
}

QWidget *ExplanationWidget::fixPanel() const
{
    return m_fixPanel;
}

QPushButton *ExplanationWidget::copyFixButton() const
{
    return m_fixPanel->copyButton();
}

QString ExplanationWidget::fixText() const
{
    return m_fixPanel->lines();
}

} // namespace corslab::ui
