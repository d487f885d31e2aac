#include "pair_view_widget.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QVBoxLayout>

namespace corslab::ui {

namespace {

using report::HeaderLine;
using report::Mark;

const QString kRequestArrow = QStringLiteral("→ ");
const QString kResponseArrow = QStringLiteral("← ");

/// How one line looks; the words carry the meaning, the formats only help the eye.
struct LineLook
{
    bool cors = false;
    bool decisive = false;
    bool missing = false;
    bool emphasis = false; ///< the request line, the status line
};

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

// Backgrounds are the base colour tinted a little, so the text colour of the theme stays
// readable on them in light and dark palettes alike.
QColor tint(const QColor &base, const QColor &towards, qreal amount)
{
    return QColor::fromRgbF(float(base.redF() + (towards.redF() - base.redF()) * amount),
                            float(base.greenF() + (towards.greenF() - base.greenF()) * amount),
                            float(base.blueF() + (towards.blueF() - base.blueF()) * amount));
}

QColor corsBackground(const QPalette &palette)
{
    return tint(palette.color(QPalette::Base), palette.color(QPalette::Highlight), 0.18);
}

QColor failureBackground(const QPalette &palette)
{
    return tint(palette.color(QPalette::Base), QColor(220, 50, 47), 0.28);
}

// "   ✗ failed · decided the verdict · should be: https://app.example.com · credentials"
QString annotation(Mark mark, bool decisive, const QString &expected, bool missing,
                   const QString &note)
{
    QStringList words;
    if (mark != Mark::None)
        words << report::markSymbol(mark) + QLatin1Char(' ') + report::markWord(mark);
    if (decisive)
        words << QStringLiteral("decided the verdict");
    if (!expected.isEmpty())
        words << (missing ? QStringLiteral("add: ") : QStringLiteral("should be: ")) + expected;
    if (!note.isEmpty())
        words << note;
    return words.isEmpty() ? QString() : QStringLiteral("   ") + words.join(QStringLiteral(" · "));
}

QTextBlockFormat blockFormat(const LineLook &look, const QPalette &palette)
{
    QTextBlockFormat format;
    if (look.decisive)
        format.setBackground(failureBackground(palette));
    else if (look.cors)
        format.setBackground(corsBackground(palette));
    return format;
}

QTextCharFormat charFormat(const LineLook &look, const QPalette &palette)
{
    QTextCharFormat format;
    format.setForeground(palette.color(QPalette::Text));
    if (look.cors || look.decisive || look.emphasis)
        format.setFontWeight(QFont::Bold);
    format.setFontItalic(look.missing);
    return format;
}

} // namespace

PairViewWidget::PairViewWidget(QWidget *parent) : QWidget(parent)
{
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(buildPane(Side::Preflight));
    splitter->addWidget(buildPane(Side::Actual));
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    clear();
}

QWidget *PairViewWidget::buildPane(Side side)
{
    Pane &p = pane(side);
    auto *box = new QWidget(this);
    p.title = new QLabel(box);
    QFont titleFont = p.title->font();
    titleFont.setBold(true);
    p.title->setFont(titleFont);
    p.title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    p.curl = new QPushButton(tr("Copy as curl"), box);
    p.curl->setToolTip(tr("Copy this request as a curl command line"));
    p.text = new QTextBrowser(box);
    p.text->setOpenLinks(false);
    p.text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    p.text->setContextMenuPolicy(Qt::CustomContextMenu);
    p.text->setAccessibleName(side == Side::Preflight ? tr("Preflight") : tr("Actual request"));

    auto *header = new QHBoxLayout;
    header->addWidget(p.title, 1);
    header->addWidget(p.curl);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(header);
    layout->addWidget(p.text, 1);

    connect(p.curl, &QPushButton::clicked, this, [this, side] {
        if (pane(side).index >= 0)
            Q_EMIT copyAsCurlRequested(pane(side).index);
    });
    // The scroll area reports the position in viewport coordinates, as cursorForPosition wants.
    connect(p.text, &QWidget::customContextMenuRequested, this, [this, side](const QPoint &pos) {
        QMenu *menu = createLineMenu(side, pos);
        menu->exec(pane(side).text->viewport()->mapToGlobal(pos));
        delete menu;
    });
    return box;
}

void PairViewWidget::showPair(const report::PairView &pair)
{
    m_pair = pair;
    renderAll();
}

void PairViewWidget::clear()
{
    m_pair = report::PairView();
    renderAll();
}

void PairViewWidget::renderAll()
{
    if (m_pair.isEmpty()) {
        for (Pane *p : {&m_preflight, &m_actual}) {
            p->lines.clear();
            p->index = -1;
            p->text->clear();
            p->curl->setEnabled(false);
        }
        m_preflight.title->setText(tr("PREFLIGHT"));
        m_actual.title->setText(tr("ACTUAL REQUEST"));
        m_actual.text->setPlaceholderText(tr("Select an exchange to see its preflight and its "
                                             "actual request side by side."));
        return;
    }
    render(m_preflight, m_pair.preflight);
    render(m_actual, m_pair.actual);
}

void PairViewWidget::render(Pane &p, const report::PairSide &side)
{
    p.lines.clear();
    p.index = side.present ? side.index : -1;
    p.title->setText(side.title);
    p.curl->setEnabled(side.present);
    p.text->clear();
    const QPalette pal = palette();
    QTextCursor cursor(p.text->document());
    bool firstBlock = true;
    auto add = [&](const QString &shown, const QString &copy, const LineLook &look,
                   bool inCopyAll) {
        const QTextBlockFormat block = blockFormat(look, pal);
        const QTextCharFormat chars = charFormat(look, pal);
        if (firstBlock) {
            cursor.setBlockFormat(block);
            cursor.setBlockCharFormat(chars);
            firstBlock = false;
        } else {
            cursor.insertBlock(block, chars);
        }
        cursor.insertText(shown, chars);
        p.lines.append({shown, copy, inCopyAll});
    };
    auto addHeader = [&](const QString &arrow, const HeaderLine &h) {
        const QString expected = latin1(h.expected);
        add(arrow + h.text() + annotation(h.mark, h.decisive, expected, h.missing, h.note),
            h.copyText(), {h.cors, h.decisive, h.missing, false}, !h.missing);
    };

    if (!side.present) {
        add(side.absentReason, side.absentReason, {false, false, true, false}, true);
        return;
    }
    add(kRequestArrow + side.requestLine(), side.requestLine(), {false, false, false, true}, true);
    for (const HeaderLine &h : side.requestHeaders)
        addHeader(kRequestArrow, h);
    const report::StatusLine &status = side.status;
    const QString expectedStatus = status.expected ? QString::number(*status.expected) : QString();
    add(kResponseArrow + status.text() +
            annotation(status.mark, status.decisive, expectedStatus, false, QString()),
        status.text(), {false, status.decisive, false, true}, true);
    for (const HeaderLine &h : side.responseHeaders)
        addHeader(kResponseArrow, h);
}

void PairViewWidget::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The highlight colours are mixed from the palette: follow a theme switch.
    if (event->type() == QEvent::PaletteChange)
        renderAll();
}

QString PairViewWidget::title(Side side) const
{
    return pane(side).title->text();
}

QStringList PairViewWidget::shownLines(Side side) const
{
    QStringList out;
    for (const Line &line : pane(side).lines)
        out << line.shown;
    return out;
}

QString PairViewWidget::copyTextOf(Side side, int line) const
{
    const QList<Line> &lines = pane(side).lines;
    return line >= 0 && line < lines.size() ? lines.at(line).copy : QString();
}

int PairViewWidget::lineAt(Side side, const QPoint &viewportPos) const
{
    const Pane &p = pane(side);
    if (p.lines.isEmpty())
        return -1;
    const int block = p.text->cursorForPosition(viewportPos).blockNumber();
    return block < p.lines.size() ? block : -1;
}

QPoint PairViewWidget::positionOfLine(Side side, int line) const
{
    const Pane &p = pane(side);
    const QTextBlock block = p.text->document()->findBlockByNumber(line);
    if (!block.isValid())
        return {};
    return p.text->cursorRect(QTextCursor(block)).center();
}

QTextBrowser *PairViewWidget::textView(Side side) const
{
    return pane(side).text;
}

QPushButton *PairViewWidget::copyAsCurlButton(Side side) const
{
    return pane(side).curl;
}

QMenu *PairViewWidget::createLineMenu(Side side, const QPoint &viewportPos)
{
    auto *menu = new QMenu(this);
    QTextBrowser *text = pane(side).text;
    QAction *selection = menu->addAction(tr("Copy selection"), text, &QTextBrowser::copy);
    selection->setEnabled(text->textCursor().hasSelection());
    const int line = lineAt(side, viewportPos);
    QAction *copyOne =
        menu->addAction(tr("Copy line"), this, [this, side, line] { copyLine(side, line); });
    copyOne->setEnabled(line >= 0);
    QAction *all = menu->addAction(tr("Copy all"), this, [this, side] { copyAll(side); });
    all->setEnabled(!pane(side).lines.isEmpty());
    return menu;
}

void PairViewWidget::copyLine(Side side, int line)
{
    const QString text = copyTextOf(side, line);
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void PairViewWidget::copyAll(Side side)
{
    QStringList out;
    for (const Line &line : pane(side).lines) {
        if (line.inCopyAll)
            out << line.copy;
    }
    if (!out.isEmpty())
        QApplication::clipboard()->setText(out.join(QLatin1Char('\n')));
}

} // namespace corslab::ui
