#pragma once

#include "report/pair_view.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QMenu;
class QPushButton;
class QTextBrowser;

namespace corslab::ui {

/// \brief The detail region's two columns: the preflight on the left, the actual request on the
/// right, each with its request line and headers (→), status and response headers (←).
///
/// CORS headers are bold on a background mixed from the palette (readable in light and dark
/// themes); the header that decided the verdict and what the fix expects are marked with ✓ / ✗ /
/// ⚠ and words, never by colour alone; headers expected but absent are shown in italics as
/// "(Name missing)". An absent side says why. Every line is selectable; the context menu copies
/// the line under the cursor or the whole side, and "Copy as curl" asks the main window (which
/// knows the session) to copy the request.
class PairViewWidget : public QWidget
{
    Q_OBJECT

public:
    enum class Side { Preflight, Actual };

    explicit PairViewWidget(QWidget *parent = nullptr);

    /// Shows \a pair (an empty pair clears the view).
    void showPair(const corslab::report::PairView &pair);
    void clear();

    /// The side's title ("PREFLIGHT #12").
    QString title(Side side) const;
    /// The lines shown on \a side, as displayed (arrows, marks and words included).
    QStringList shownLines(Side side) const;
    /// What "Copy line" copies for line \a line of \a side ("Name: value"), empty when none.
    QString copyTextOf(Side side, int line) const;
    /// The line under \a viewportPos of \a side's text view, -1 when none.
    int lineAt(Side side, const QPoint &viewportPos) const;
    /// The line's position in \a side's text view (viewport coordinates), for tests.
    QPoint positionOfLine(Side side, int line) const;

    QTextBrowser *textView(Side side) const;
    QPushButton *copyAsCurlButton(Side side) const;
    /// The context menu for \a viewportPos of \a side: Copy selection, Copy line, Copy all.
    /// The caller owns it (the view shows it on a right click; tests trigger its actions).
    QMenu *createLineMenu(Side side, const QPoint &viewportPos);

    /// Copies line \a line of \a side to the clipboard.
    void copyLine(Side side, int line);
    /// Copies the whole side as sent and received (missing lines left out).
    void copyAll(Side side);

Q_SIGNALS:
    /// "Copy as curl" on a side showing exchange \a sessionIndex.
    void copyAsCurlRequested(qsizetype sessionIndex);

protected:
    void changeEvent(QEvent *event) override;

private:
    /// One line of a side's text view: one text block each, in order.
    struct Line
    {
        QString shown;
        QString copy;          ///< what Copy line copies
        bool inCopyAll = true; ///< false for lines that were not on the wire (missing ones)
    };
    struct Pane
    {
        QLabel *title = nullptr;
        QTextBrowser *text = nullptr;
        QPushButton *curl = nullptr;
        QList<Line> lines;
        qsizetype index = -1; ///< session index shown, -1 when the side is absent
    };

    Pane &pane(Side side) { return side == Side::Preflight ? m_preflight : m_actual; }
    const Pane &pane(Side side) const { return side == Side::Preflight ? m_preflight : m_actual; }
    QWidget *buildPane(Side side);
    void render(Pane &pane, const corslab::report::PairSide &side);
    void renderAll();

    Pane m_preflight;
    Pane m_actual;
    corslab::report::PairView m_pair; ///< kept to render again when the palette changes
};

} // namespace corslab::ui
