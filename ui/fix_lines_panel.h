#pragma once

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace corslab::ui {

/// \brief A fix as header lines to paste into a server: a title, the lines in a read-only
/// monospace box, Copy, and the owner's own buttons in the same row (the explanation's "Apply…",
/// the audit's "Server configuration…").
class FixLinesPanel : public QWidget
{
    Q_OBJECT

public:
    /// The box shows \a visibleLines lines before it scrolls.
    explicit FixLinesPanel(int visibleLines, QWidget *parent = nullptr);

    void setTitle(const QString &title);
    void setLines(const QString &lines);
    /// The lines as shown in the box.
    QString lines() const;
    /// Shows or hides the title, the lines and Copy together; the owner's buttons stay.
    void setLinesVisible(bool visible);
    /// Adds \a button (made with this panel as its parent) to the row: after Copy, or at the far
    /// end when \a trailing.
    void addButton(QPushButton *button, bool trailing = false);

    QPushButton *copyButton() const { return m_copy; }

private:
    QLabel *m_title = nullptr;
    QPlainTextEdit *m_box = nullptr;
    QPushButton *m_copy = nullptr;
    QHBoxLayout *m_leading = nullptr;
    QHBoxLayout *m_trailing = nullptr;
};

} // namespace corslab::ui
