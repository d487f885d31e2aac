#pragma once

#include "cors/fix_finder.h"
#include "report/explanation_view.h"

#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace corslab::ui {

class FixLinesPanel;

/// \brief The "why" region under the pair: the verdict's headline and summary, the engine's checks
/// in order with ✓ / ✗ and the Fetch step each implements (linked to the standard), warnings (⚠),
/// notes, each browser's own error text, and for a failure the fix.
///
/// The fix's header lines sit in a monospace box with a Copy button; "Apply this fix to the
/// playground server" and "Apply as proxy override" hand the fix to whoever owns the playground
/// and the proxy (the main window). The fix panel is hidden when there is no fix, and the apply
/// buttons when the fix changes nothing on the server (a change to the fetch() call only).
class ExplanationWidget : public QWidget
{
    Q_OBJECT

public:
    explicit ExplanationWidget(QWidget *parent = nullptr);

    void showExplanation(const corslab::report::Explanation &explanation);
    void clear();

    /// The headline as shown ("✗ BLOCKED — WildcardOriginNotAllowed").
    QString headline() const;
    /// Everything under the headline as plain text (summary, checks, warnings, notes, texts,
    /// fix steps).
    QString bodyText() const;
    /// The fix's header lines as shown in the box.
    QString fixText() const;

    QTextBrowser *body() const { return m_body; }
    QWidget *fixPanel() const;
    QPushButton *copyFixButton() const;
    QPushButton *applyToPlaygroundButton() const { return m_applyToPlayground; }
    QPushButton *applyAsOverrideButton() const { return m_applyAsOverride; }
    QPushButton *applyInBrowserButton() const { return m_applyInBrowser; }
    /// Offers "Apply in browser" while an attached browser can apply fixes (not Firefox).
    void setApplyInBrowserAvailable(bool available);
    QPushButton *serverConfigButton() const { return m_serverConfig; }

Q_SIGNALS:
    /// "Apply this fix to the playground server", for the fix of exchange \a index.
    void applyFixToPlaygroundRequested(qsizetype index, const corslab::cors::Fix &fix);
    /// "Apply as proxy override", for the fix of exchange \a index.
    void applyFixAsOverrideRequested(qsizetype index, const corslab::cors::Fix &fix);
    void applyFixInBrowserRequested(qsizetype index, const corslab::cors::Fix &fix);
    /// "Server config…": the fix as configuration for a real server.
    void serverConfigForFixRequested(qsizetype index, const corslab::cors::Fix &fix);

private:
    QString browserOpinionHtml(const corslab::report::BrowserOpinion &opinion) const;
    QString bodyHtml(const corslab::report::Explanation &e) const;

    QLabel *m_headline = nullptr;
    QTextBrowser *m_body = nullptr;
    FixLinesPanel *m_fixPanel = nullptr;
    QPushButton *m_applyToPlayground = nullptr;
    QPushButton *m_applyAsOverride = nullptr;
    QPushButton *m_applyInBrowser = nullptr;
    bool m_applyInBrowserAvailable = false;
    QPushButton *m_serverConfig = nullptr;
    qsizetype m_index = -1;
    std::optional<corslab::cors::Fix> m_fix;
};

} // namespace corslab::ui
