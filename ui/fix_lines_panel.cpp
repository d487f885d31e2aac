#include "fix_lines_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace corslab::ui {

FixLinesPanel::FixLinesPanel(int visibleLines, QWidget *parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_box = new QPlainTextEdit(this);
    m_box->setReadOnly(true);
    m_box->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_box->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_box->setAccessibleName(tr("Fix header lines"));
    m_box->setMaximumHeight(m_box->fontMetrics().lineSpacing() * visibleLines);
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setToolTip(tr("Copy the fix's header lines"));

    m_leading = new QHBoxLayout;
    m_leading->addWidget(m_copy);
    m_trailing = new QHBoxLayout;
    auto *buttons = new QHBoxLayout;
    buttons->addLayout(m_leading);
    buttons->addStretch(1);
    buttons->addLayout(m_trailing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_box);
    layout->addLayout(buttons);

    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_box->toPlainText()); });
}

void FixLinesPanel::setTitle(const QString &title)
{
    m_title->setText(title);
}

void FixLinesPanel::setLines(const QString &lines)
{
    m_box->setPlainText(lines);
}

QString FixLinesPanel::lines() const
{
    return m_box->toPlainText();
}

void FixLinesPanel::setLinesVisible(bool visible)
{
    m_title->setVisible(visible);
    m_box->setVisible(visible);
    m_copy->setVisible(visible);
}

void FixLinesPanel::addButton(QPushButton *button, bool trailing)
{
    (trailing ? m_trailing : m_leading)->addWidget(button);
}

} // namespace corslab::ui
