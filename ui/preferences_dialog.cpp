#include "preferences_dialog.h"

#include "base/quantity_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace corslab::ui {

namespace {

QSpinBox *makePortSpin(const QString &objectName, QWidget *parent)
{
    auto *spin = new QSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setRange(0, 65535);
    spin->setSpecialValueText(QObject::tr("any free port"));
    return spin;
}

/// \a bytes as the field shows it: in the largest unit that divides it, so that it reads back
/// exactly ("20G", "500M", "1536K").
QString sizeField(qint64 bytes)
{
    static const char kUnits[] = "KMGT";
    for (int i = 3; i >= 0; --i) {
        const qint64 scale = qint64(1) << (10 * (i + 1));
        if (bytes >= scale && bytes % scale == 0)
            return QStringLiteral("%1%2").arg(bytes / scale).arg(QLatin1Char(kUnits[i]));
    }
    return QString::number(bytes);
}

/// \a seconds as the field shows it: "7d", "12h", "30m", "90s".
QString ageField(qint64 seconds)
{
    for (auto [scale, unit] : {std::pair{qint64(86400), 'd'}, {3600, 'h'}, {60, 'm'}}) {
        if (seconds >= scale && seconds % scale == 0)
            return QStringLiteral("%1%2").arg(seconds / scale).arg(QLatin1Char(unit));
    }
    return QStringLiteral("%1s").arg(seconds);
}

} // namespace

PreferencesDialog::PreferencesDialog(const Preferences &initial, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    m_apiPort = makePortSpin(QStringLiteral("apiPort"), this);
    m_appPort = makePortSpin(QStringLiteral("appPort"), this);
    m_evilPort = makePortSpin(QStringLiteral("evilPort"), this);
    m_proxyPort = makePortSpin(QStringLiteral("proxyPort"), this);
    form->addRow(tr("Playground API port"), m_apiPort);
    form->addRow(tr("Trusted app port"), m_appPort);
    form->addRow(tr("Untrusted site port"), m_evilPort);
    form->addRow(tr("Proxy port"), m_proxyPort);

    m_bodyCaptureKb = new QSpinBox(this);
    m_bodyCaptureKb->setObjectName(QStringLiteral("bodyCaptureKb"));
    m_bodyCaptureKb->setRange(int(Preferences::kMinBodyCaptureBytes / 1024),
                              int(Preferences::kMaxBodyCaptureBytes / 1024));
    m_bodyCaptureKb->setSuffix(tr(" KB"));
    m_bodyCaptureKb->setToolTip(tr("Bytes kept of each request and response body (1 KB to "
                                   "64 MB); the rest is counted, not stored."));
    form->addRow(tr("Body capture limit"), m_bodyCaptureKb);

    auto *browserRow = new QHBoxLayout;
    m_browserBinary = new QLineEdit(this);
    m_browserBinary->setObjectName(QStringLiteral("browserBinary"));
    m_browserBinary->setPlaceholderText(tr("Chromium (default)"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    browse->setObjectName(QStringLiteral("browseBrowser"));
    browserRow->addWidget(m_browserBinary, 1);
    browserRow->addWidget(browse);
    form->addRow(tr("Browser to launch"), browserRow);

    m_profile = new QComboBox(this);
    m_profile->setObjectName(QStringLiteral("browserProfile"));
    m_profile->addItems(Preferences::browserProfiles());
    m_profile->setToolTip(tr("Whose CORS rules judge the exchanges; the status bar switches it "
                             "at any time."));
    form->addRow(tr("Default browser profile"), m_profile);

    m_startProxy = new QCheckBox(tr("Start the proxy at launch"), this);
    m_startProxy->setObjectName(QStringLiteral("startProxy"));
    form->addRow(m_startProxy);

    // The session's limits (issue 15): each applies at once, the oldest exchanges dropped first.
    auto *sessionGroup = new QGroupBox(tr("Session"), this);
    sessionGroup->setObjectName(QStringLiteral("sessionGroup"));
    auto *grid = new QGridLayout(sessionGroup);
    m_keepExchangesBox = new QCheckBox(tr("Keep at most"), sessionGroup);
    m_keepExchangesBox->setObjectName(QStringLiteral("keepExchangesBox"));
    m_keepExchanges = new QSpinBox(sessionGroup);
    m_keepExchanges->setObjectName(QStringLiteral("keepExchanges"));
    m_keepExchanges->setRange(1, int(Preferences::kMaxKeepExchanges));
    m_keepExchanges->setGroupSeparatorShown(true);
    m_keepExchanges->setValue(1000000);
    m_keepExchanges->setSuffix(tr(" exchanges"));
    grid->addWidget(m_keepExchangesBox, 0, 0);
    grid->addWidget(m_keepExchanges, 0, 1);
    m_keepDiskBox = new QCheckBox(tr("Keep at most"), sessionGroup);
    m_keepDiskBox->setObjectName(QStringLiteral("keepDiskBox"));
    m_keepDisk = new QLineEdit(QStringLiteral("20G"), sessionGroup);
    m_keepDisk->setObjectName(QStringLiteral("keepDisk"));
    m_keepDisk->setToolTip(tr("A size: 500M, 20G, 1.5T (powers of 1024); at least 1 MB."));
    grid->addWidget(m_keepDiskBox, 1, 0);
    grid->addWidget(m_keepDisk, 1, 1);
    grid->addWidget(new QLabel(tr("on disk"), sessionGroup), 1, 2);
    m_keepAgeBox = new QCheckBox(tr("Drop exchanges older than"), sessionGroup);
    m_keepAgeBox->setObjectName(QStringLiteral("keepAgeBox"));
    m_keepAge = new QLineEdit(QStringLiteral("7d"), sessionGroup);
    m_keepAge->setObjectName(QStringLiteral("keepAge"));
    m_keepAge->setToolTip(tr("A duration: 90s, 30m, 12h, 7d; at least a minute."));
    grid->addWidget(m_keepAgeBox, 2, 0);
    grid->addWidget(m_keepAge, 2, 1);
    auto *sessionNote = new QLabel(tr("The oldest exchanges are dropped first; the status bar "
                                      "shows the disk the session uses."),
                                   sessionGroup);
    sessionNote->setWordWrap(true);
    grid->addWidget(sessionNote, 3, 0, 1, 3);
    layout->addWidget(sessionGroup);

    auto *note = new QLabel(tr("Port changes take effect the next time CORS Lab starts. The "
                               "theme follows the system's light or dark setting."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);

    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("problems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_problems);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &PreferencesDialog::browseForBrowser);
    for (QSpinBox *spin : {m_apiPort, m_appPort, m_evilPort, m_proxyPort, m_bodyCaptureKb})
        connect(spin, &QSpinBox::valueChanged, this, &PreferencesDialog::validate);
    connect(m_browserBinary, &QLineEdit::textChanged, this, &PreferencesDialog::validate);
    connect(m_keepExchanges, &QSpinBox::valueChanged, this, &PreferencesDialog::validate);
    for (QLineEdit *edit : {m_keepDisk, m_keepAge})
        connect(edit, &QLineEdit::textChanged, this, &PreferencesDialog::validate);
    for (QCheckBox *box : {m_keepExchangesBox, m_keepDiskBox, m_keepAgeBox})
        connect(box, &QCheckBox::toggled, this, [this] {
            m_keepExchanges->setEnabled(m_keepExchangesBox->isChecked());
            m_keepDisk->setEnabled(m_keepDiskBox->isChecked());
            m_keepAge->setEnabled(m_keepAgeBox->isChecked());
            validate();
        });

    setPreferences(initial);
}

Preferences PreferencesDialog::preferences() const
{
    Preferences p = m_set;
    p.apiPort = quint16(m_apiPort->value());
    p.appPort = quint16(m_appPort->value());
    p.evilPort = quint16(m_evilPort->value());
    p.proxyPort = quint16(m_proxyPort->value());
    p.bodyCaptureBytes = qint64(m_bodyCaptureKb->value()) * 1024;
    p.browserBinary = m_browserBinary->text().trimmed();
    p.browserProfile = m_profile->currentText();
    p.startProxyAtLaunch = m_startProxy->isChecked();
    // An unchecked limit is off (0); a field that does not parse stays off here too,
    // fieldProblems() names it and OK waits.
    p.keepExchanges = m_keepExchangesBox->isChecked() ? m_keepExchanges->value() : 0;
    p.keepDiskBytes =
        m_keepDiskBox->isChecked() ? base::parseByteSize(m_keepDisk->text()).value_or(0) : 0;
    p.keepAgeSeconds =
        m_keepAgeBox->isChecked() ? base::parseDuration(m_keepAge->text()).value_or(0) : 0;
    return p;
}

void PreferencesDialog::setPreferences(const Preferences &p)
{
    m_set = p;
    m_apiPort->setValue(p.apiPort);
    m_appPort->setValue(p.appPort);
    m_evilPort->setValue(p.evilPort);
    m_proxyPort->setValue(p.proxyPort);
    // The spin counts kilobytes; a limit between two is rounded to the nearest.
    m_bodyCaptureKb->setValue(int((p.bodyCaptureBytes + 512) / 1024));
    m_browserBinary->setText(p.browserBinary);
    const int profile = m_profile->findText(p.browserProfile);
    m_profile->setCurrentIndex(profile < 0 ? 0 : profile);
    m_startProxy->setChecked(p.startProxyAtLaunch);
    // A limit that is off keeps the field's last text, ready to be turned on.
    if (p.keepExchanges > 0)
        m_keepExchanges->setValue(int(qMin(p.keepExchanges, Preferences::kMaxKeepExchanges)));
    if (p.keepDiskBytes > 0)
        m_keepDisk->setText(sizeField(p.keepDiskBytes));
    if (p.keepAgeSeconds > 0)
        m_keepAge->setText(ageField(p.keepAgeSeconds));
    m_keepExchangesBox->setChecked(p.keepExchanges > 0);
    m_keepDiskBox->setChecked(p.keepDiskBytes > 0);
    m_keepAgeBox->setChecked(p.keepAgeSeconds > 0);
    m_keepExchanges->setEnabled(m_keepExchangesBox->isChecked());
    m_keepDisk->setEnabled(m_keepDiskBox->isChecked());
    m_keepAge->setEnabled(m_keepAgeBox->isChecked());
    validate();
}

void PreferencesDialog::browseForBrowser()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Browser to launch"), m_browserBinary->text());
    if (!path.isEmpty())
        m_browserBinary->setText(path);
}

QStringList PreferencesDialog::fieldProblems() const
{
    QStringList out;
    if (m_keepDiskBox->isChecked() && !base::parseByteSize(m_keepDisk->text()))
        out << QStringLiteral("keep at most this much on disk: expected a size like 500M or 20G, "
                              "got \"%1\"")
                   .arg(m_keepDisk->text());
    if (m_keepAgeBox->isChecked() && !base::parseDuration(m_keepAge->text()))
        out << QStringLiteral("drop exchanges older than: expected a duration like 30m, 12h or "
                              "7d, got \"%1\"")
                   .arg(m_keepAge->text());
    return out;
}

void PreferencesDialog::validate()
{
    QStringList problems = preferences().problems();
    problems.append(fieldProblems());
    QStringList lines;
    for (const QString &problem : problems)
        lines << QStringLiteral("✗ ") + problem;
    m_problems->setText(lines.join(QLatin1Char('\n')));
    m_problems->setVisible(!lines.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problems.isEmpty());
}

} // namespace corslab::ui
