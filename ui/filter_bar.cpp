#include "filter_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>

namespace corslab::ui {

using session::ExchangeKind;

FilterBar::FilterBar(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("filterText"));
    m_text->setPlaceholderText(tr("Filter: URL, method, origin, error… (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    layout->addWidget(m_text, 3);
    m_busy = new QLabel(tr("Filtering…"), this);
    m_busy->setObjectName(QStringLiteral("filterBusy"));
    QSizePolicy keepPlace = m_busy->sizePolicy();
    keepPlace.setRetainSizeWhenHidden(true); // the fields do not jump when it shows
    m_busy->setSizePolicy(keepPlace);
    m_busy->hide();
    layout->addWidget(m_busy);
    m_blockedOnly = new QCheckBox(tr("Blocked only"), this);
    m_blockedOnly->setObjectName(QStringLiteral("blockedOnly"));
    layout->addWidget(m_blockedOnly);
    layout->addWidget(new QLabel(tr("Origin"), this));
    m_origin = new QComboBox(this);
    m_origin->setObjectName(QStringLiteral("originFilter"));
    m_origin->addItem(tr("any origin"));
    m_origin->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    layout->addWidget(m_origin, 1);
    layout->addWidget(new QLabel(tr("Kind"), this));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kindFilter"));
    m_kind->addItem(tr("any kind"));
    for (ExchangeKind k :
         {ExchangeKind::Preflight, ExchangeKind::SimpleCors, ExchangeKind::PreflightedActual,
          ExchangeKind::PreflightCachedActual, ExchangeKind::SameOrigin, ExchangeKind::NoCors,
          ExchangeKind::Navigation, ExchangeKind::Tunnel})
        m_kind->addItem(ExchangeTableModel::kindLabel(k), int(k));
    layout->addWidget(m_kind);
    m_showBackground = new QCheckBox(this);
    m_showBackground->setObjectName(QStringLiteral("showBackground"));
    m_showBackground->setToolTip(
        tr("Show the browser's own requests to its vendor's services (updates, Safe Browsing, "
           "sync, telemetry) that no page made: hidden unless checked"));
    updateBackgroundLabel();
    layout->addWidget(m_showBackground);

    // Typing waits for a pause: each filter is a scan of the whole session.
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &FilterBar::emitFilter);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_text, &QLineEdit::returnPressed, this, &FilterBar::emitFilter);
    connect(m_blockedOnly, &QCheckBox::toggled, this, &FilterBar::emitFilter);
    connect(m_origin, &QComboBox::currentIndexChanged, this, &FilterBar::emitFilter);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &FilterBar::emitFilter);
    connect(m_showBackground, &QCheckBox::toggled, this, [this](bool show) {
        updateBackgroundLabel();
        emitFilter();
        Q_EMIT showsBackgroundToggled(show);
    });
}

ExchangeFilter FilterBar::filter() const
{
    ExchangeFilter f;
    f.text = m_text->text().trimmed();
    f.blockedOnly = m_blockedOnly->isChecked();
    if (m_origin->currentIndex() > 0)
        f.origin = m_origin->currentText().toUtf8();
    if (m_kind->currentIndex() > 0)
        f.kind = ExchangeKind(m_kind->currentData().toInt());
    f.hideBackground = !m_showBackground->isChecked();
    return f;
}

bool FilterBar::showsBackground() const
{
    return m_showBackground->isChecked();
}

void FilterBar::setShowsBackground(bool show)
{
    const QSignalBlocker block(m_showBackground); // a setting restored, not the user's toggle
    if (m_showBackground->isChecked() == show)
        return;
    m_showBackground->setChecked(show);
    updateBackgroundLabel();
    emitFilter();
}

void FilterBar::setBackgroundCount(qsizetype count)
{
    if (count == m_backgroundCount)
        return;
    m_backgroundCount = count;
    updateBackgroundLabel();
}

void FilterBar::updateBackgroundLabel()
{
    const QString label = tr("Show background traffic");
    if (m_backgroundCount == 0)
        m_showBackground->setText(label);
    else if (m_showBackground->isChecked())
        m_showBackground->setText(tr("%1 (%2)").arg(label).arg(m_backgroundCount));
    else
        m_showBackground->setText(tr("%1 (%2 hidden)").arg(label).arg(m_backgroundCount));
}

void FilterBar::setOrigins(const QList<QByteArray> &origins)
{
    // Only additions happen while capturing; rebuilding keeps the selection by text.
    if (m_origin->count() == origins.size() + 1)
        return;
    const QString current = m_origin->currentIndex() > 0 ? m_origin->currentText() : QString();
    const QSignalBlocker block(m_origin);
    m_origin->clear();
    m_origin->addItem(tr("any origin"));
    for (const QByteArray &o : origins)
        m_origin->addItem(QString::fromUtf8(o));
    const int keep = current.isEmpty() ? 0 : m_origin->findText(current);
    m_origin->setCurrentIndex(keep < 0 ? 0 : keep);
    if (!current.isEmpty() && keep < 0)
        emitFilter();
}

void FilterBar::focusText()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void FilterBar::setBusy(bool busy)
{
    m_busy->setVisible(busy);
}

bool FilterBar::isBusy() const
{
    return !m_busy->isHidden();
}

void FilterBar::emitFilter()
{
    m_debounce->stop();
    Q_EMIT filterChanged(filter());
}

} // namespace corslab::ui
