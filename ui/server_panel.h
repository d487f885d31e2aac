#pragma once

#include "policy/cors_policy.h"
#include "server/playground_api.h"

#include <QUrl>
#include <QWidget>

namespace corslab::server {
class PlaygroundServer;
}
class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace corslab::ui {

/// \brief The playground server dock: every field of its CORS policy as a live control, the demo
/// login cookie's options, and the three demo origins with buttons to open or copy them.
///
/// Each edit is checked and, when valid, applied at once with PlaygroundServer::setPolicy() (the
/// next request sees it). A field with invalid input (an origin with a path, a header name with a
/// space, a broken regular expression) shows what was expected next to it and keeps the value in
/// force (while typing, that is the last valid text). A policy set from elsewhere (a preset, "apply
/// this fix") refills the fields without being echoed back. The policy's dangers() are listed under
/// the fields.
///
/// Controls carry object names ("originMode", "allowlist", "pattern", "credentials", ...) so that
/// tests and accessibility tools can find them.
class ServerPanel : public QWidget
{
    Q_OBJECT

public:
    /// \a playground may be null (it could not be created) or stopped; \a unavailableReason then
    /// says why, and the panel shows it. The panel does not own \a playground.
    explicit ServerPanel(server::PlaygroundServer *playground,
                         const QString &unavailableReason = {}, QWidget *parent = nullptr);

    /// Re-reads whether the playground runs and its origins (after a restart); \a
    /// unavailableReason is shown when it does not run.
    void setServerState(const QString &unavailableReason);
    /// Shows \a options and applies them to the playground's login cookie.
    void setCookieOptions(const server::CookieOptions &options);
    server::CookieOptions cookieOptions() const;

Q_SIGNALS:
    /// "Open in browser" on a demo URL: the main window opens \a url (through the proxy).
    void openInBrowserRequested(const QUrl &url);

private:
    QWidget *buildPolicyForm();
    QWidget *buildCookieForm();
    QWidget *buildDemoUrls();
    QWidget *demoUrlRow(const QString &objectName, QLineEdit **urlField);

    /// Reads every field, applies the valid ones, shows the errors of the others.
    void applyFields();
    void applyPreset(int index);
    void applyCookieOptions();
    /// Shows \a policy in the fields (no change is applied while doing so).
    void fillFields(const policy::CorsPolicy &policy);
    /// The preset combo, the dangers and the enabled state of mode-dependent fields.
    void showPolicyState(const policy::CorsPolicy &policy);
    void updateModeDependentFields();
    void onPolicyChangedElsewhere();

    server::PlaygroundServer *m_playground;
    bool m_filling = false;  ///< fields are being set from a policy: their signals are not edits
    bool m_applying = false; ///< our own setPolicy(): its policyChanged() must not refill fields

    QLabel *m_status = nullptr;
    QWidget *m_policyForm = nullptr;
    QComboBox *m_preset = nullptr;
    QComboBox *m_originMode = nullptr;
    QPlainTextEdit *m_allowlist = nullptr;
    QLabel *m_allowlistError = nullptr;
    QLineEdit *m_pattern = nullptr;
    QLabel *m_patternError = nullptr;
    QCheckBox *m_credentials = nullptr;
    QComboBox *m_methodsMode = nullptr;
    QLineEdit *m_methods = nullptr;
    QLabel *m_methodsError = nullptr;
    QComboBox *m_headersMode = nullptr;
    QLineEdit *m_headers = nullptr;
    QLabel *m_headersError = nullptr;
    QLineEdit *m_expose = nullptr;
    QLabel *m_exposeError = nullptr;
    QCheckBox *m_maxAgeEnabled = nullptr;
    QSpinBox *m_maxAge = nullptr;
    QCheckBox *m_vary = nullptr;
    QCheckBox *m_answerPreflight = nullptr;
    QSpinBox *m_preflightStatus = nullptr;
    QPlainTextEdit *m_extraHeaders = nullptr;
    QLabel *m_extraHeadersError = nullptr;
    QLabel *m_dangers = nullptr;

    QComboBox *m_sameSite = nullptr;
    QCheckBox *m_secure = nullptr;
    QLabel *m_cookieNote = nullptr;

    QGroupBox *m_urls = nullptr;
    QLineEdit *m_apiUrl = nullptr;
    QLineEdit *m_appUrl = nullptr;
    QLineEdit *m_evilUrl = nullptr;
};

} // namespace corslab::ui
