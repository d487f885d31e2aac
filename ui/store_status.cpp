#include "store_status.h"

#include "base/quantity_text.h"
#include "lab/lab.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QStyle>

namespace corslab::ui {

namespace {

QString count(qint64 n)
{
    return QLocale().toString(n);
}

/// The warning colour of the exchange list's warnings, lighter on a dark theme.
QColor warningColor(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128 ? QColor(0xe3, 0xb3, 0x41)
                                                             : QColor(0x9a, 0x67, 0x00);
}

} // namespace

QString formatAge(qint64 seconds)
{
    struct Unit
    {
        qint64 seconds;
        const char *one;
        const char *many;
    };
    static constexpr Unit kUnits[] = {{86400, "day", "days"},
                                      {3600, "hour", "hours"},
                                      {60, "minute", "minutes"},
                                      {1, "second", "seconds"}};
    for (const Unit &unit : kUnits) {
        if (seconds >= unit.seconds && seconds % unit.seconds == 0) {
            const qint64 n = seconds / unit.seconds;
            return QStringLiteral("%1 %2").arg(count(n),
                                               QLatin1String(n == 1 ? unit.one : unit.many));
        }
    }
    return QStringLiteral("%1 seconds").arg(count(seconds));
}

QString retentionText(const session::StoreRetention &limits)
{
    QStringList parts;
    if (limits.maxExchanges > 0)
        parts << QStringLiteral("at most %1 exchanges").arg(count(limits.maxExchanges));
    if (limits.maxDiskBytes > 0)
        parts
            << QStringLiteral("at most %1 on disk").arg(base::formatByteSize(limits.maxDiskBytes));
    if (limits.maxAgeSeconds > 0)
        parts << QStringLiteral("exchanges older than %1 dropped")
                     .arg(formatAge(limits.maxAgeSeconds));
    return parts.isEmpty() ? QStringLiteral("no limits") : parts.join(QStringLiteral("; "));
}

QString storeStatusText(const session::StoreStats &stats, const session::StoreRetention &limits,
                        const QString &directory)
{
    if (directory.isEmpty())
        return QStringLiteral("in memory");
    QStringList parts{QStringLiteral("%1 on disk").arg(base::formatByteSize(stats.diskBytes))};
    QStringList set;
    if (limits.maxExchanges > 0)
        set << QStringLiteral("%1 exchanges").arg(count(limits.maxExchanges));
    if (limits.maxDiskBytes > 0)
        set << base::formatByteSize(limits.maxDiskBytes);
    if (limits.maxAgeSeconds > 0)
        set << formatAge(limits.maxAgeSeconds);
    if (!set.isEmpty())
        parts << (set.size() == 1 ? QStringLiteral("limit ") : QStringLiteral("limits ")) +
                     set.join(QStringLiteral(", "));
    if (stats.bodiesNotKept > 0)
        parts << (stats.bodiesNotKept == 1
                      ? QStringLiteral("1 body not kept")
                      : QStringLiteral("%1 bodies not kept").arg(count(stats.bodiesNotKept)));
    if (stats.headsNotSaved > 0)
        parts << (stats.headsNotSaved == 1
                      ? QStringLiteral("1 exchange not saved")
                      : QStringLiteral("%1 exchanges not saved").arg(count(stats.headsNotSaved)));
    return parts.join(QStringLiteral(" · "));
}

StoreStatus::StoreStatus(lab::Lab *lab, QWidget *parent) : QWidget(parent), m_lab(lab)
{
    setObjectName(QStringLiteral("storeStatus"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_icon = new QLabel(this);
    m_icon->setObjectName(QStringLiteral("storeWarningIcon"));
    const int side = fontMetrics().height();
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(side, side));
    m_icon->hide();
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("storeStatusText"));
    layout->addWidget(m_icon);
    layout->addWidget(m_text);

    connect(m_lab, &lab::Lab::storeStatsChanged, this, &StoreStatus::refresh);
    connect(m_lab, &lab::Lab::storeWarning, this, &StoreStatus::raiseWarning);
    connect(m_lab, &lab::Lab::storeRecovered, this, &StoreStatus::clearWarning);
    refresh();
}

QString StoreStatus::text() const
{
    return m_text->text();
}

void StoreStatus::raiseWarning(const QString &text)
{
    if (text.isEmpty())
        return;
    m_storeSpoke = true;
    m_warning = text;
    refresh();
    Q_EMIT warningRaised(text);
}

void StoreStatus::clearWarning(const QString &text)
{
    m_storeSpoke = true;
    const bool wasWarning = !m_warning.isEmpty();
    m_warning.clear();
    refresh();
    if (wasWarning)
        Q_EMIT warningCleared(text);
}

void StoreStatus::refresh()
{
    const session::StoreStats stats = m_lab->storeStats();
    const QString directory = m_lab->storeDirectory();
    // The store remembers its last problem: a warning the signal brought in before this
    // window existed still shows.
    if (!m_storeSpoke && !directory.isEmpty() && !stats.warning.isEmpty())
        m_warning = stats.warning;
    m_text->setText(storeStatusText(stats, m_lab->retention(), directory));

    QStringList tip;
    if (directory.isEmpty())
        tip << tr("The session is kept in memory only: nothing is recovered after a crash.");
    else
        tip << tr("The session (its exchanges, with their bodies) is kept in %1 and recovered "
                  "from there after a crash.")
                   .arg(directory)
            << (stats.exchanges == 1
                    ? tr("1 exchange kept, %1 on disk.")
                    : tr("%1 exchanges kept, %2 on disk.").arg(count(stats.exchanges)))
                   .arg(base::formatByteSize(stats.diskBytes));
    if (m_lab->retention().any())
        tip << tr("Limits, the oldest exchanges dropped first: %1 (Edit → Preferences → "
                  "Session).")
                   .arg(retentionText(m_lab->retention()));
    else
        tip << tr("No limits: the session grows with the capture (Edit → Preferences → Session "
                  "sets them).");
    if (stats.droppedByRetention > 0)
        tip << tr("%1 exchanges dropped by the limits so far.")
                   .arg(count(stats.droppedByRetention));
    if (stats.bodiesNotKept > 0)
        tip << tr("%1 bodies could not be kept on disk; their exchanges are in the list.")
                   .arg(count(stats.bodiesNotKept));
    if (!m_warning.isEmpty())
        tip << tr("⚠ %1").arg(m_warning);
    setToolTip(tip.join(QLatin1Char('\n')));

    const bool alert = !m_warning.isEmpty();
    m_icon->setVisible(alert);
    QFont font = m_text->font();
    font.setBold(alert);
    m_text->setFont(font);
    QPalette palette = m_text->palette();
    palette.setColor(QPalette::WindowText, alert ? warningColor(this->palette())
                                                 : this->palette().color(QPalette::WindowText));
    m_text->setPalette(palette);
}

} // namespace corslab::ui
