#pragma once

#include "check/check_runner.h"
#include "client/browser_client.h"
#include "policy/cors_policy.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace corslab::ui {

class BrowserComparisonTable;

/// \brief "Try a request" (Ctrl+K): a fetch() composed by hand, as a page at the chosen origin
/// would make it.
///
/// Non-modal: the dialog stays open after Send so a request can be tweaked and sent again. Send
/// checks the form with ComposedRequest::validate() and either shows the error under the form
/// (naming the field, which gets the focus) or emits sendRequested(); the window that owns the
/// browser client sends it. The last request is kept in QSettings (group "composer") and comes
/// back on the next start.
class ComposerDialog : public QDialog
{
    Q_OBJECT

public:
    /// \a origins fills the origin list (trusted app first, then the untrusted site and the API)
    /// and the default URL (the API's /public) when nothing was saved.
    explicit ComposerDialog(const policy::DemoOrigins &origins, QWidget *parent = nullptr);
    ~ComposerDialog() override;

    /// What the form says now, not validated. The body is left out for GET and HEAD, which
    /// cannot carry one.
    client::ComposedRequest request() const;
    /// Fills the form with \a request (e.g. an exchange to send again) and clears any error.
    void setRequest(const client::ComposedRequest &request);

    /// Shows what the last request did under the form: exposed or blocked (with the CorsError
    /// name), whether a preflight went first, or why it failed.
    void showOutcome(const client::FetchOutcome &outcome);
    /// Shows the same request's results under each browser, the differences highlighted.
    void showBrowserComparison(const QList<check::CheckResult> &results);
    /// "Checking in all browsers… 1 of 3".
    void showCheckProgress(int done, int total);

    /// The validation error under the form, empty when none is shown.
    QString errorText() const;
    /// The line under the form (error, outcome or note), empty when hidden.
    QString statusText() const;

    // The form's parts, for the main window's focus handling and for tests.
    QComboBox *originBox() const { return m_origin; }
    QLineEdit *urlEdit() const { return m_url; }
    QComboBox *methodBox() const { return m_method; }
    QTableWidget *headerTable() const { return m_headers; }
    QPushButton *addHeaderButton() const { return m_addHeader; }
    QPushButton *removeHeaderButton() const { return m_removeHeader; }
    QComboBox *credentialsBox() const { return m_credentials; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *copyFetchButton() const { return m_copyFetch; }
    QPushButton *checkAllButton() const { return m_checkAll; }
    BrowserComparisonTable *comparisonTable() const { return m_comparison; }

public Q_SLOTS:
    /// Validates the form; emits sendRequested() and remembers the request when it is valid.
    void send();
    /// Puts the fetch() call for the form's request on the clipboard (after validating it).
    void copyAsFetch();
    /// Validates the form; emits checkAllRequested() when it is valid.
    void checkInAllBrowsers();
    /// Adds an empty header row and starts editing its name.
    void addHeader();
    /// Removes the selected header rows.
    void removeSelectedHeaders();

Q_SIGNALS:
    void sendRequested(const corslab::client::ComposedRequest &request);
    /// The same request, to send on the real wire once per browser (chromium, firefox, safari).
    void checkAllRequested(const corslab::client::ComposedRequest &request);

protected:
    void hideEvent(QHideEvent *event) override;

private:
    /// The request when the form is valid; otherwise shows the error and returns nullopt.
    std::optional<client::ComposedRequest> validatedRequest();
    void showError(const QString &error);
    void showMessage(const QString &message, bool alert = false);
    void updateBodyEnabled();
    void saveSettings() const;
    bool loadSettings();

    policy::DemoOrigins m_origins;
    QComboBox *m_origin = nullptr;
    QLineEdit *m_url = nullptr;
    QComboBox *m_method = nullptr;
    QTableWidget *m_headers = nullptr;
    QPushButton *m_addHeader = nullptr;
    QPushButton *m_removeHeader = nullptr;
    QComboBox *m_credentials = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_copyFetch = nullptr;
    QPushButton *m_checkAll = nullptr;
    BrowserComparisonTable *m_comparison = nullptr;
    QString m_error;
};

} // namespace corslab::ui
