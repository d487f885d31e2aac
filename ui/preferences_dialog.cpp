#include "preferences_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
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

    setPreferences(initial);
}

Preferences PreferencesDialog::preferences() const
{
    Preferences p;
    p.apiPort = quint16(m_apiPort->value());
    p.appPort = quint16(m_appPort->value());
    p.evilPort = quint16(m_evilPort->value());
    p.proxyPort = quint16(m_proxyPort->value());
    p.bodyCaptureBytes = qint64(m_bodyCaptureKb->value()) * 1024;
    p.browserBinary = m_browserBinary->text().trimmed();
    p.browserProfile = m_profile->currentText();
    p.startProxyAtLaunch = m_startProxy->isChecked();
    return p;
}

void PreferencesDialog::setPreferences(const Preferences &p)
{
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
    validate();
}

void PreferencesDialog::browseForBrowser()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Browser to launch"), m_browserBinary->text());
    if (!path.isEmpty())
        m_browserBinary->setText(path);
}

void PreferencesDialog::validate()
{
    const QStringList problems = preferences().problems();
    QStringList lines;
    for (const QString &problem : problems)
        lines << QStringLiteral("✗ ") + problem;
    m_problems->setText(lines.join(QLatin1Char('\n')));
    m_problems->setVisible(!lines.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problems.isEmpty());
}

} // namespace corslab::ui
