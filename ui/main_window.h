#pragma once

#include <QMainWindow>
#include <QPointer>
#include <functional>
#include <memory>

class QComboBox;
class QDockWidget;
class QLabel;
class QProgressDialog;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;

namespace corslab::client {
struct ComposedRequest;
}
namespace corslab::lab {
class Lab;
}
namespace corslab::tour {
class TourRunner;
}
namespace corslab::cors {
struct Fix;
}
namespace corslab::policy {
struct CorsPolicy;
}

namespace corslab::ui {

class AttachPanel;
class AuditPanel;
class ComposerDialog;
class ContractRunDialog;
class EmptyStateWidget;
class ExchangeTableModel;
class ExplanationWidget;
class FilterBar;
class PairViewWidget;
class ProxyPanel;
class ServerPanel;
class SessionCounts;
class StoreStatus;
class TourPanel;

/// \brief The CORS Lab window (UI.md): the exchange list, the side-by-side pair and the
/// explanation stacked like Wireshark's three regions, the playground, proxy, tour and audit
/// docks, the composer, and a status bar with the browser profile switch.
///
/// Views only: everything runs in the Lab (playground, proxy, composer, session), off the GUI
/// thread where it touches the network.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(lab::Lab *lab, QWidget *parent = nullptr);
    ~MainWindow() override;

    // For tests and the screenshot driver.
    QTableView *exchangeView() const { return m_table; }
    ExchangeTableModel *exchangeModel() const { return m_model; }
    FilterBar *filterBar() const { return m_filter; }
    PairViewWidget *pairView() const { return m_pairView; }
    ExplanationWidget *explanationView() const { return m_explanation; }
    ServerPanel *serverPanel() const { return m_serverPanel; }
    ProxyPanel *proxyPanel() const { return m_proxyPanel; }
    TourPanel *tourPanel() const { return m_tourPanel; }
    AuditPanel *auditPanel() const { return m_auditPanel; }
    ComposerDialog *composer();
    /// File → Run contract… (made on first use).
    ContractRunDialog *contractRun();
    QComboBox *profileSwitch() const { return m_profile; }
    /// The status bar's word on the session's store: disk used, limits, warnings.
    StoreStatus *storeStatus() const { return m_storeStatus; }
    bool showsEmptyState() const;

    /// Selects the row of session index \a index (clearing the filter if it hides it) and shows
    /// its pair.
    void selectExchange(qsizetype index);
    /// The session index shown in the detail region, -1 when none.
    qsizetype shownExchange() const { return m_shown; }
    /// Runs classic scenario \a id (the tour panel's Run).
    void runScenario(const QString &id);
    /// Opens (asynchronously) the session file or session store at \a path, replacing the
    /// session.
    void openSessionFile(const QString &path);

Q_SIGNALS:
    /// A scenario run by runScenario() ended: \a ok when it ran (its exchange is shown), else
    /// \a why says what went wrong.
    void scenarioEnded(const QString &id, bool ok, const QString &why);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildCentral();
    void buildDocks();
    void buildMenus();
    void buildStatusBar();
    void restoreSettings();
    void saveSettings() const;

    void showExchange(qsizetype index);
    void refreshShown();
    void updateStatus();
    void updateEmptyState();
    void onRowsAboutToBeInserted();
    void onRowsInserted();

    void openPlaygroundInBrowser();
    void openBrowserAt(const QUrl &url);
    void showComposer();
    void resendFromComposer(qsizetype index);
    /// The composer's request sent once per browser; the composer shows how they compare.
    void checkInAllBrowsers(const client::ComposedRequest &request);
    void showContractRun();
    /// Capture → Audit an API…: the Audit dock, its URL field focused.
    void showAudit();
    void copyAsCurl(qsizetype index);
    void applyFixToPlayground(qsizetype index, const cors::Fix &fix);
    void applyFixAsOverride(qsizetype index, const cors::Fix &fix);
    void applyFixInBrowser(qsizetype index, const cors::Fix &fix);
    void showServerConfig(const policy::CorsPolicy &policy, const QString &what);
    void showServerConfigForFix(qsizetype index, const cors::Fix &fix);
    void startProxy();
    void exportCa();
    void exportReport();
    void exportHar();
    void importHar();
    /// At start: the session a crashed run left (its store) is offered back (or discarded).
    void offerRecovery();
    /// Shows \a job's progress (cancel included) and its outcome: \a onSuccess, or the error.
    void trackFileJob(quint64 job, const QString &label, const QString &title,
                      const std::function<void(const QString &)> &onSuccess);
    void newSession();
    void openSession();
    void saveSession(bool askPath);
    void showPreferences();
    void restoreBackgroundToggle();
    /// The filter bar's background traffic toggle, kept in the preferences.
    void rememberBackgroundToggle(bool show);
    void showAbout();
    void showTableMenu(const QPoint &pos);
    void showAttachDialog();
    void updateAttachState();
    void exportScenario(qsizetype index);

    lab::Lab *m_lab;
    ExchangeTableModel *m_model = nullptr;
    SessionCounts *m_counts = nullptr;
    QStackedWidget *m_central = nullptr; ///< the first-launch guide, or the three regions
    EmptyStateWidget *m_empty = nullptr;
    QTableView *m_table = nullptr;
    FilterBar *m_filter = nullptr;
    QSplitter *m_regions = nullptr;
    PairViewWidget *m_pairView = nullptr;
    ExplanationWidget *m_explanation = nullptr;
    ServerPanel *m_serverPanel = nullptr;
    ProxyPanel *m_proxyPanel = nullptr;
    TourPanel *m_tourPanel = nullptr;
    QDockWidget *m_tourDock = nullptr;
    AuditPanel *m_auditPanel = nullptr;
    QDockWidget *m_auditDock = nullptr;
    QPointer<ComposerDialog> m_composer;
    QPointer<ContractRunDialog> m_contractRun;
    std::unique_ptr<tour::TourRunner> m_tour;
    QComboBox *m_profile = nullptr;
    QLabel *m_serverStatus = nullptr;
    QLabel *m_proxyStatus = nullptr;
    QLabel *m_countStatus = nullptr;
    StoreStatus *m_storeStatus = nullptr;
    QAction *m_proxyAction = nullptr;
    QAction *m_attachAction = nullptr;
    QAction *m_detachAction = nullptr;
    QLabel *m_attachStatus = nullptr;
    AttachPanel *m_attachPanel = nullptr;
    QDockWidget *m_attachDock = nullptr;
    QTimer *m_statusTimer = nullptr;
    qsizetype m_shown = -1;
    bool m_followTail = true;
    bool m_refreshPending = false;
    QString m_sessionPath;
};

} // namespace corslab::ui
