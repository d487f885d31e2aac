#include "tour_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace corslab::ui {

TourPanel::TourPanel(QWidget *parent) : QWidget(parent), m_scenarios(tour::classicScenarios())
{
    auto *layout = new QVBoxLayout(this);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("scenarioList"));
    for (int i = 0; i < m_scenarios.size(); ++i) {
        auto *item = new QListWidgetItem(
            QStringLiteral("%1. %2").arg(i + 1).arg(m_scenarios.at(i).title), m_list);
        item->setData(Qt::UserRole, m_scenarios.at(i).id);
    }
    layout->addWidget(m_list, 2);
    m_lesson = new QLabel(this);
    m_lesson->setWordWrap(true);
    m_lesson->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_lesson->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_lesson, 1);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto *buttons = new QHBoxLayout;
    m_run = new QPushButton(tr("Run scenario"), this);
    m_run->setObjectName(QStringLiteral("runScenario"));
    m_run->setDefault(true);
    m_restore = new QPushButton(tr("Restore my policy"), this);
    m_restore->setToolTip(tr("Put back the playground policy in place before the first scenario"));
    m_restore->setEnabled(false);
    buttons->addWidget(m_run);
    buttons->addWidget(m_restore);
    layout->addLayout(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, &TourPanel::showLesson);
    connect(m_list, &QListWidget::itemActivated, this, [this] {
        if (!m_running)
            Q_EMIT runRequested(selectedId());
    });
    connect(m_run, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(selectedId()); });
    connect(m_restore, &QPushButton::clicked, this, &TourPanel::restorePolicyRequested);
    m_list->setCurrentRow(0);
}

void TourPanel::select(const QString &id)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(Qt::UserRole).toString() == id)
            m_list->setCurrentRow(i);
    }
}

QString TourPanel::selectedId() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void TourPanel::setRunning(const QString &id, const QString &status)
{
    m_running = !id.isEmpty();
    m_run->setEnabled(!m_running);
    m_status->setText(status);
}

void TourPanel::setResult(const QString &text)
{
    m_running = false;
    m_run->setEnabled(true);
    m_status->setText(text);
}

void TourPanel::setCanRestore(bool canRestore)
{
    m_restore->setEnabled(canRestore);
}

void TourPanel::showLesson()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_scenarios.size()) {
        m_lesson->clear();
        return;
    }
    const tour::ClassicScenario &s = m_scenarios.at(row);
    QString steps;
    for (int i = 0; i < s.steps.size(); ++i)
        steps += QStringLiteral("<li>%1</li>").arg(s.steps.at(i).caption.toHtmlEscaped());
    m_lesson->setText(QStringLiteral("<b>%1</b><p>%2</p><ol>%3</ol>")
                          .arg(s.title.toHtmlEscaped(), s.lesson.toHtmlEscaped(), steps));
}

} // namespace corslab::ui
