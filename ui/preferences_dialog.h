#pragma once

#include "preferences.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace corslab::ui {

/// \brief Edits Preferences: the playground's and the proxy's ports, the body capture limit, the
/// browser to launch, the default browser profile, whether the proxy starts at launch, and the
/// session's limits (a "Session" group: at most N exchanges, at most a size on disk, exchanges
/// older than an age dropped; each with a check box to turn it on).
///
/// Problems are listed as the user edits (each naming the field) and OK stays disabled until
/// there are none. Controls carry object names ("apiPort", "bodyCaptureKb", "browserBinary",
/// "keepExchangesBox", "keepExchanges", "keepDiskBox", "keepDisk", "keepAgeBox", "keepAge", ...)
/// for tests and accessibility tools.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(const Preferences &initial, QWidget *parent = nullptr);

    /// The preferences as the fields say (the body limit in whole kilobytes); those the dialog
    /// has no field for (the list's background traffic toggle) as they were set.
    Preferences preferences() const;
    void setPreferences(const Preferences &preferences);

private:
    void browseForBrowser();
    void validate();
    /// What the session fields hold that is not a size or a duration, naming the field.
    QStringList fieldProblems() const;

    QSpinBox *m_apiPort = nullptr;
    QSpinBox *m_appPort = nullptr;
    QSpinBox *m_evilPort = nullptr;
    QSpinBox *m_proxyPort = nullptr;
    QSpinBox *m_bodyCaptureKb = nullptr;
    QLineEdit *m_browserBinary = nullptr;
    QComboBox *m_profile = nullptr;
    QCheckBox *m_startProxy = nullptr;
    QCheckBox *m_keepExchangesBox = nullptr;
    QSpinBox *m_keepExchanges = nullptr;
    QCheckBox *m_keepDiskBox = nullptr;
    QLineEdit *m_keepDisk = nullptr;
    QCheckBox *m_keepAgeBox = nullptr;
    QLineEdit *m_keepAge = nullptr;
    QLabel *m_problems = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    Preferences m_set; ///< as last set: what the dialog has no field for is kept from it
};

} // namespace corslab::ui
