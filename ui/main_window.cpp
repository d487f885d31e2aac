#include "main_window.h"

#include "attach_dialog.h"
#include "attach_panel.h"
#include "audit_panel.h"
#include "client/browser_client.h"
#include "composer_dialog.h"
#include "contract_run_dialog.h"
#include "empty_state_widget.h"
#include "exchange_table_model.h"
#include "explanation_widget.h"
#include "filter_bar.h"
#include "lab/fix_override.h"
#include "lab/lab.h"
#include "lab/lab_check_run.h"
#include "pair_bracket_delegate.h"
#include "pair_view_widget.h"
#include "policy/policy_fix.h"
#include "preferences.h"
#include "preferences_dialog.h"
#include "proxy/override_from_fix.h"
#include "proxy_panel.h"
#include "report/browser_opinion.h"
#include "report/pair_view.h"
#include "report/report_output.h"
#include "report/scenario_export.h"
#include "server_config_dialog.h"
#include "server_panel.h"
#include "session/session_store.h"
#include "session_counts.h"
#include "session_open_dialog.h"
#include "store_status.h"
#include "tour/tour_runner.h"
#include "tour_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace corslab::ui {

namespace {
/// How long a status-bar message about the browser attachment or an export stays.
constexpr int kStatusMessageMs = 15000;
} // namespace

MainWindow::MainWindow(lab::Lab *lab, QWidget *parent) : QMainWindow(parent), m_lab(lab)
{
    setWindowTitle(QStringLiteral("CORS Lab"));
    setObjectName(QStringLiteral("mainWindow"));
    resize(1400, 900);
    m_model = new ExchangeTableModel(&m_lab->session(), this);
    m_counts = new SessionCounts(&m_lab->session(), this);
    m_tour =
        std::make_unique<tour::TourRunner>(m_lab->playground(), m_lab->client(), m_lab->session());
    buildCentral();
    buildDocks();
    buildMenus();
    buildStatusBar();

    // Batches arrive every 20 ms while capturing; the figures need not move faster than the eye
    // reads them, and each new text lays the status bar out again.
    m_statusTimer = new QTimer(this);
    m_statusTimer->setSingleShot(true);
    m_statusTimer->setInterval(250);
    connect(m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    connect(m_counts, &SessionCounts::changed, this, [this] {
        if (!m_statusTimer->isActive())
            m_statusTimer->start();
        updateEmptyState();
    });
    connect(m_lab, &lab::Lab::proxyStateChanged, this, &MainWindow::updateStatus);
    connect(&m_lab->session(), &session::Session::exchangesChanged, this,
            [this](qsizetype first, qsizetype last) {
                if (m_shown >= first && m_shown <= last + 2)
                    refreshShown();
            });
    connect(&m_lab->session(), &session::Session::exchangesAdded, this,
            [this](qsizetype first, qsizetype) {
                // The actual request of a shown preflight may just have arrived.
                if (m_shown >= 0 && first > m_shown)
                    refreshShown();
            });
    connect(&m_lab->session(), &session::Session::profileChanged, this, [this] {
        const QString name = m_lab->session().profile().name;
        const QSignalBlocker block(m_profile);
        m_profile->setCurrentIndex(qMax(0, m_profile->findData(name)));
        refreshShown();
    });
    connect(&m_lab->session(), &session::Session::cleared, this, [this] {
        m_shown = -1;
        m_pairView->clear();
        m_explanation->clear();
    });
    connect(m_lab, &lab::Lab::composed, this,
            [this](const client::FetchOutcome &outcome, qsizetype first) {
                if (m_composer)
                    m_composer->showOutcome(outcome);
                if (first >= 0 && !outcome.exchanges.isEmpty())
                    selectExchange(first + outcome.exchanges.size() - 1);
                if (!outcome.failure.isEmpty())
                    statusBar()->showMessage(tr("Request failed: %1").arg(outcome.failure), 10000);
            });
    connect(m_tour.get(), &tour::TourRunner::stepFinished, this,
            [this](int index, const client::FetchOutcome &, qsizetype) {
                m_tourPanel->setRunning(m_tour->runningScenario(),
                                        tr("Step %1 done…").arg(index + 1));
            });
    connect(m_tour.get(), &tour::TourRunner::finished, this,
            [this](const QString &id, qsizetype landing, bool asExpected) {
                m_tourPanel->setResult(
                    asExpected ? tr("✓ Done. Below: the exchange this lesson is about.")
                               : tr("⚠ Done, but a step did not go as the lesson expects: %1")
                                     .arg(m_tour->lastMismatches().join(QLatin1Char(' '))));
                m_tourPanel->setCanRestore(m_tour->hasPolicyToRestore());
                if (landing >= 0)
                    selectExchange(landing);
                Q_EMIT scenarioEnded(id, true, m_tour->lastMismatches().join(QLatin1Char(' ')));
            });
    connect(m_tour.get(), &tour::TourRunner::failed, this, [this](const QString &reason) {
        m_tourPanel->setResult(tr("✗ %1").arg(reason));
        Q_EMIT scenarioEnded(m_tourPanel->selectedId(), false, reason);
    });

    restoreSettings();
    updateStatus();
    updateEmptyState();
    // Asked once the window is up, so the question has a window to belong to.
    QTimer::singleShot(0, this, &MainWindow::offerRecovery);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildCentral()
{
    auto *listArea = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listArea);
    listLayout->setContentsMargins(4, 4, 4, 0);
    m_filter = new FilterBar(listArea);
    listLayout->addWidget(m_filter);
    m_table = new QTableView(listArea);
    m_table->setObjectName(QStringLiteral("exchangeTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(ExchangeTableModel::Id, new PairBracketDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures a million rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(ExchangeTableModel::Url,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setHighlightSections(false);
    const int w = m_table->fontMetrics().averageCharWidth();
    for (auto [column, chars] : {std::pair{ExchangeTableModel::Id, 6},
                                 {ExchangeTableModel::Time, 12},
                                 {ExchangeTableModel::Kind, 14},
                                 {ExchangeTableModel::Method, 8},
                                 {ExchangeTableModel::Origin, 22},
                                 {ExchangeTableModel::Status, 6},
                                 {ExchangeTableModel::Verdict, 10},
                                 {ExchangeTableModel::Error, 22},
                                 {ExchangeTableModel::Duration, 8}})
        m_table->setColumnWidth(column, chars * w + 12);
    listLayout->addWidget(m_table, 1);

    m_pairView = new PairViewWidget(this);
    m_explanation = new ExplanationWidget(this);
    m_regions = new QSplitter(Qt::Vertical, this);
    m_regions->setObjectName(QStringLiteral("regions"));
    m_regions->addWidget(listArea);
    m_regions->addWidget(m_pairView);
    m_regions->addWidget(m_explanation);
    // The list gets the least: the pair and its explanation are what the user came for.
    m_regions->setSizes({260, 340, 300});
    // Until the first exchange, the whole area is the first-launch guide.
    m_central = new QStackedWidget(this);
    m_empty = new EmptyStateWidget(m_central);
    m_central->addWidget(m_empty);
    m_central->addWidget(m_regions);
    setCentralWidget(m_central);

    connect(m_filter, &FilterBar::filterChanged, m_model, &ExchangeTableModel::setFilter);
    connect(m_model, &ExchangeTableModel::filteringChanged, m_filter, &FilterBar::setBusy);
    // The browser's background traffic stays hidden unless the user chose to see it.
    restoreBackgroundToggle();
    m_model->setFilter(m_filter->filter());
    connect(m_filter, &FilterBar::showsBackgroundToggled, this,
            &MainWindow::rememberBackgroundToggle);
    // At once for a small session, when the worker's scan ends for a large one.
    connect(m_model, &ExchangeTableModel::filterApplied, this, [this] {
        const int row = m_shown >= 0 ? m_model->rowOf(m_shown) : -1;
        if (row >= 0)
            m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtCenter);
        updateEmptyState();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    showExchange(m_model->sessionIndex(current.row()));
            });
    connect(m_table, &QTableView::activated, this, [this] { m_pairView->setFocus(); });
    connect(m_table, &QWidget::customContextMenuRequested, this, &MainWindow::showTableMenu);
    connect(m_model, &QAbstractItemModel::rowsAboutToBeInserted, this,
            &MainWindow::onRowsAboutToBeInserted);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::onRowsInserted);
    connect(m_pairView, &PairViewWidget::copyAsCurlRequested, this, &MainWindow::copyAsCurl);
    connect(m_explanation, &ExplanationWidget::applyFixToPlaygroundRequested, this,
            &MainWindow::applyFixToPlayground);
    connect(m_explanation, &ExplanationWidget::applyFixAsOverrideRequested, this,
            &MainWindow::applyFixAsOverride);
    connect(m_explanation, &ExplanationWidget::applyFixInBrowserRequested, this,
            &MainWindow::applyFixInBrowser);
    connect(m_explanation, &ExplanationWidget::serverConfigForFixRequested, this,
            &MainWindow::showServerConfigForFix);
    connect(m_empty, &EmptyStateWidget::openPlaygroundRequested, this,
            &MainWindow::openPlaygroundInBrowser);
    connect(m_empty, &EmptyStateWidget::scenariosRequested, this, [this] {
        m_tourDock->show();
        m_tourDock->raise();
        m_tourPanel->list()->setFocus();
    });
    connect(m_empty, &EmptyStateWidget::inspectOwnAppRequested, this, [this] {
        if (auto *dock = findChild<QDockWidget *>(QStringLiteral("proxyDock"))) {
            dock->show();
            dock->raise();
        }
    });
}

void MainWindow::buildDocks()
{
    auto addDock = [this](const QString &title, const QString &name, QWidget *widget) {
        auto *dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(widget);
        addDockWidget(Qt::LeftDockWidgetArea, dock);
        return dock;
    };
    m_serverPanel = new ServerPanel(&m_lab->playground(), m_lab->playgroundError(), this);
    auto *serverDock =
        addDock(tr("Playground server"), QStringLiteral("serverDock"), m_serverPanel);
    m_proxyPanel = new ProxyPanel(m_lab->overrides(), this);
    m_proxyPanel->setSettings(m_lab->proxySettings());
    auto *proxyDock = addDock(tr("Proxy"), QStringLiteral("proxyDock"), m_proxyPanel);
    m_tourPanel = new TourPanel(this);
    m_tourDock = addDock(tr("Guided tour"), QStringLiteral("tourDock"), m_tourPanel);
    m_attachPanel = new AttachPanel(m_lab->browserAttach(), this);
    m_attachDock = addDock(tr("Attached browser"), QStringLiteral("attachDock"), m_attachPanel);
    connect(m_attachPanel, &AttachPanel::attachRequested, this, &MainWindow::showAttachDialog);
    m_auditPanel = new AuditPanel(m_lab, this);
    m_auditDock = addDock(tr("Audit"), QStringLiteral("auditDock"), m_auditPanel);
    tabifyDockWidget(serverDock, proxyDock);
    tabifyDockWidget(proxyDock, m_attachDock);
    tabifyDockWidget(m_attachDock, m_tourDock);
    tabifyDockWidget(m_tourDock, m_auditDock);
    serverDock->raise();
    resizeDocks({serverDock}, {400}, Qt::Horizontal);

    connect(m_serverPanel, &ServerPanel::openInBrowserRequested, this, &MainWindow::openBrowserAt);
    connect(m_proxyPanel, &ProxyPanel::startRequested, this, [this](const lab::ProxySettings &s) {
        QString error;
        m_lab->startProxy(s, &error);
        updateStatus();
    });
    connect(m_proxyPanel, &ProxyPanel::stopRequested, this, [this] {
        m_lab->stopProxy();
        updateStatus();
    });
    connect(m_proxyPanel, &ProxyPanel::exportCaRequested, this, &MainWindow::exportCa);
    connect(m_tourPanel, &TourPanel::runRequested, this, &MainWindow::runScenario);
    connect(m_auditPanel, &AuditPanel::exchangeSelected, this,
            [this](qsizetype index) { selectExchange(index); });
    connect(m_tourPanel, &TourPanel::restorePolicyRequested, this, [this] {
        m_tour->restorePolicy();
        m_tourPanel->setCanRestore(false);
    });
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New session"), QKeySequence::New, this, &MainWindow::newSession);
    file->addAction(tr("&Open session…"), QKeySequence::Open, this, &MainWindow::openSession);
    file->addAction(tr("&Save session"), QKeySequence::Save, this, [this] { saveSession(false); });
    file->addAction(tr("Save session &as…"), QKeySequence::SaveAs, this,
                    [this] { saveSession(true); });
    file->addSeparator();
    QAction *exportReportAction = file->addAction(
        tr("&Export report…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportReport);
    file->addAction(tr("Import &HAR…"), this, &MainWindow::importHar);
    file->addAction(tr("&Run contract…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this,
                    &MainWindow::showContractRun);
    file->addAction(tr("Export H&AR…"), this, &MainWindow::exportHar);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Find…"), QKeySequence::Find, m_filter, &FilterBar::focusText);
    QAction *clear =
        edit->addAction(tr("&Clear"), QKeySequence(Qt::CTRL | Qt::Key_L), m_lab, &lab::Lab::clear);
    edit->addSeparator();
    edit->addAction(tr("&Preferences…"), QKeySequence::Preferences, this,
                    &MainWindow::showPreferences);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QMenu *capture = menuBar()->addMenu(tr("&Capture"));
    m_proxyAction = capture->addAction(tr("&Proxy running"));
    m_proxyAction->setCheckable(true);
    connect(m_proxyAction, &QAction::triggered, this, [this](bool on) {
        if (on)
            startProxy();
        else
            m_lab->stopProxy();
        updateStatus();
    });
    QAction *browser = capture->addAction(tr("Open &browser"), QKeySequence(Qt::CTRL | Qt::Key_B),
                                          this, &MainWindow::openPlaygroundInBrowser);
    m_attachAction = capture->addAction(tr("&Attach to Chrome / Edge / Firefox…"),
                                        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B), this,
                                        &MainWindow::showAttachDialog);
    m_detachAction = capture->addAction(tr("&Detach from the browser"), this,
                                        [this] { m_lab->browserAttach().detach(); });
    m_detachAction->setEnabled(false);
    QAction *compose = capture->addAction(tr("&Try a request…"), QKeySequence(Qt::CTRL | Qt::Key_K),
                                          this, &MainWindow::showComposer);
    // Not Ctrl+Shift+A: X11's standard Deselect.
    capture->addAction(tr("&Audit an API…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I), this,
                       &MainWindow::showAudit);
    capture->addAction(tr("Export CA &certificate…"), this, &MainWindow::exportCa);

    QMenu *playground = menuBar()->addMenu(tr("P&layground"));
    QMenu *scenarios = playground->addMenu(tr("Classic &scenarios"));
    for (const tour::ClassicScenario &s : tour::classicScenarios())
        scenarios->addAction(s.title, this, [this, id = s.id] { runScenario(id); });
    playground->addAction(tr("Open the &app page in a browser"), this,
                          &MainWindow::openPlaygroundInBrowser);
    playground->addAction(tr("Server &configuration…"), this, [this] {
        showServerConfig(m_lab->playground().policy(), tr("the playground's policy"));
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Guided &tour"), this, [this] {
        m_tourDock->show();
        m_tourDock->raise();
    });
    help->addAction(tr("&About CORS Lab"), this, &MainWindow::showAbout);

    QToolBar *tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->addAction(m_proxyAction);
    tools->addAction(browser);
    tools->addAction(compose);
    tools->addAction(clear);
    tools->addAction(exportReportAction);
}

void MainWindow::buildStatusBar()
{
    m_serverStatus = new QLabel(this);
    m_proxyStatus = new QLabel(this);
    m_countStatus = new QLabel(this);
    m_countStatus->setObjectName(QStringLiteral("countStatus"));
    m_profile = new QComboBox(this);
    m_profile->setObjectName(QStringLiteral("profileSwitch"));
    m_profile->setToolTip(tr("The browser whose rules judge every exchange"));
    for (const QString &name :
         {QStringLiteral("chromium"), QStringLiteral("firefox"), QStringLiteral("safari")})
        m_profile->addItem(cors::BrowserProfile::byName(name)->displayName, name);
    m_profile->setCurrentIndex(qMax(0, m_profile->findData(m_lab->profile().name)));
    connect(m_profile, &QComboBox::currentIndexChanged, this, [this] {
        if (const auto *p = cors::BrowserProfile::byName(m_profile->currentData().toString()))
            m_lab->setProfile(*p);
    });
    statusBar()->addPermanentWidget(m_serverStatus);
    statusBar()->addPermanentWidget(m_proxyStatus);
    m_attachStatus = new QLabel(this);
    m_attachStatus->setVisible(false);
    statusBar()->addPermanentWidget(m_attachStatus);
    lab::BrowserAttach &attach = m_lab->browserAttach();
    connect(&attach, &lab::BrowserAttach::stateChanged, this, &MainWindow::updateAttachState);
    connect(&attach, &lab::BrowserAttach::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, kStatusMessageMs); });
    connect(&attach, &lab::BrowserAttach::failed, this, [this](const QString &reason) {
        // The dialog shows attach errors itself; a capture that ends later is said here.
        if (!findChild<AttachDialog *>())
            statusBar()->showMessage(reason, kStatusMessageMs);
    });
    m_storeStatus = new StoreStatus(m_lab, this);
    // A store problem (disk full, unwritable) is said where it is seen, without a dialog per
    // warning: capture goes on, bodies dropped and counted in the store's label. So is the end
    // of one.
    constexpr int kStoreMessageMs = 30000;
    connect(m_storeStatus, &StoreStatus::warningRaised, this, [this](const QString &text) {
        statusBar()->showMessage(tr("⚠ Session store: %1").arg(text), kStoreMessageMs);
    });
    connect(m_storeStatus, &StoreStatus::warningCleared, this, [this](const QString &text) {
        statusBar()->showMessage(tr("Session store: %1").arg(text), kStoreMessageMs);
    });
    statusBar()->addPermanentWidget(m_countStatus);
    statusBar()->addPermanentWidget(m_storeStatus);
    statusBar()->addPermanentWidget(m_profile);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_regions->restoreState(settings.value(QStringLiteral("window/regions")).toByteArray());
    m_table->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("window/columns")).toByteArray());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/regions"), m_regions->saveState());
    settings.setValue(QStringLiteral("window/columns"), m_table->horizontalHeader()->saveState());
    Preferences prefs = Preferences::load(settings);
    prefs.browserProfile = m_lab->profile().name;
    prefs.save(settings);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

ComposerDialog *MainWindow::composer()
{
    if (!m_composer) {
        const policy::DemoOrigins o = m_lab->playground().origins();
        m_composer = new ComposerDialog(o, this);
        connect(m_composer, &ComposerDialog::sendRequested, this,
                [this](const client::ComposedRequest &r) { m_lab->compose(r); });
        connect(m_composer, &ComposerDialog::checkAllRequested, this,
                &MainWindow::checkInAllBrowsers);
    }
    return m_composer;
}

ContractRunDialog *MainWindow::contractRun()
{
    if (!m_contractRun) {
        m_contractRun = new ContractRunDialog(m_lab, this);
        connect(m_contractRun, &ContractRunDialog::exchangeSelected, this,
                [this](qsizetype index) { selectExchange(index); });
    }
    return m_contractRun;
}

void MainWindow::showContractRun()
{
    contractRun()->show();
    m_contractRun->raise();
    m_contractRun->activateWindow();
}

void MainWindow::showAudit()
{
    m_auditDock->show();
    m_auditDock->raise();
    m_auditPanel->urlEdit()->setFocus();
    m_auditPanel->urlEdit()->selectAll();
}

void MainWindow::checkInAllBrowsers(const client::ComposedRequest &request)
{
    QList<check::CheckJob> jobs;
    for (const QString &browser : check::kCheckBrowsers)
        jobs.append({request, browser});
    lab::LabCheckRun *run = m_lab->startChecks(std::move(jobs));
    connect(run, &lab::LabCheckRun::progress, this, [this](int done, int total) {
        if (m_composer)
            m_composer->showCheckProgress(done, total);
    });
    connect(run, &lab::LabCheckRun::finished, this, [this, run] {
        const QList<check::CheckResult> results = run->results();
        if (m_composer)
            m_composer->showBrowserComparison(results);
        // Land on the first browser's last exchange: its pair and explanation.
        const qsizetype first = run->firstIndexOf(0);
        if (first >= 0 && !results.isEmpty() && !results.first().outcome.exchanges.isEmpty())
            selectExchange(first + results.first().outcome.exchanges.size() - 1);
        run->deleteLater();
    });
}

bool MainWindow::showsEmptyState() const
{
    return m_central->currentWidget() == m_empty;
}

void MainWindow::selectExchange(qsizetype index)
{
    if (index < 0 || index >= m_lab->session().count())
        return;
    int row = m_model->rowOf(index);
    if (row < 0 && !m_model->filter().isEmpty()) {
        m_model->setFilter({}); // the user asked for this exchange: show it
        row = m_model->rowOf(index);
    }
    updateEmptyState();
    if (row < 0) {
        showExchange(index); // not listed yet (queued rows): the detail shows it anyway
        return;
    }
    const QModelIndex cell = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(cell, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_table->scrollTo(cell);
    showExchange(index);
}

void MainWindow::showExchange(qsizetype index)
{
    m_shown = index;
    const report::PairView view = report::buildPairView(m_lab->session(), index);
    if (view.isEmpty()) {
        m_pairView->clear();
        m_explanation->clear();
        return;
    }
    m_pairView->showPair(view);
    m_explanation->showExplanation(view.explanation);
}

void MainWindow::refreshShown()
{
    // Batches arrive every 20 ms while capturing: rebuild the detail at most once per event loop
    // pass, not once per signal.
    if (m_refreshPending || m_shown < 0)
        return;
    m_refreshPending = true;
    QTimer::singleShot(0, this, [this] {
        m_refreshPending = false;
        if (m_shown >= 0)
            showExchange(m_shown);
    });
}

void MainWindow::updateStatus()
{
    const policy::DemoOrigins o = m_lab->playground().origins();
    m_serverStatus->setText(m_lab->playgroundRunning()
                                ? tr("Server %1").arg(QString::fromLatin1(o.api))
                                : tr("Server stopped"));
    const QString proxy = m_lab->proxyAddress();
    m_proxyStatus->setText(proxy.isEmpty() ? tr("Proxy stopped") : tr("Proxy %1").arg(proxy));
    const qsizetype total = m_counts->total();
    QString counts = (total == 1 ? tr("1 exchange") : tr("%1 exchanges").arg(total)) +
                     QStringLiteral(" · ") + tr("%1 blocked").arg(m_counts->blocked());
    const qsizetype background = m_counts->background();
    m_filter->setBackgroundCount(background);
    if (background > 0 && !m_filter->showsBackground())
        counts += QStringLiteral(" · ") + tr("%1 background hidden").arg(background);
    m_countStatus->setText(counts);
    m_proxyAction->setChecked(m_lab->proxyRunning());
    m_proxyAction->setText(proxy.isEmpty() ? tr("Start proxy")
                                           : tr("Proxy :%1").arg(m_lab->proxyPort()));
    m_proxyPanel->setState(m_lab->proxyRunning(), proxy, m_lab->proxyError());
    m_empty->setProxyAddress(proxy);
    m_empty->setPlaygroundUrl(m_lab->playground().appPageUrl().toString());
}

void MainWindow::updateEmptyState()
{
    const bool empty = m_lab->session().count() == 0 && m_model->rowCount() == 0;
    m_central->setCurrentWidget(empty ? static_cast<QWidget *>(m_empty) : m_regions);
}

void MainWindow::onRowsAboutToBeInserted()
{
    // Follow new traffic only while the user is at the end of the list.
    const QScrollBar *bar = m_table->verticalScrollBar();
    m_followTail = bar->value() >= bar->maximum() - 2;
}

void MainWindow::onRowsInserted()
{
    updateEmptyState();
    if (m_followTail)
        m_table->scrollToBottom();
}

void MainWindow::openPlaygroundInBrowser()
{
    openBrowserAt(m_lab->playground().appPageUrl());
}

void MainWindow::openBrowserAt(const QUrl &url)
{
    QString error;
    if (!m_lab->proxyRunning())
        startProxy();
    if (!m_lab->openBrowser(url, &error))
        QMessageBox::warning(this, tr("Open browser"),
                             tr("The browser could not start: %1\n\nSet its path in "
                                "Preferences, or open %2 in any browser configured to use the "
                                "proxy.")
                                 .arg(error, url.toString()));
    else
        statusBar()->showMessage(tr("Browser started through the proxy at %1").arg(url.toString()),
                                 8000);
}

void MainWindow::showComposer()
{
    ComposerDialog *dialog = composer();
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

void MainWindow::resendFromComposer(qsizetype index)
{
    composer()->setRequest(client::composedRequestFrom(m_lab->session().exchange(index)));
    showComposer();
}

void MainWindow::copyAsCurl(qsizetype index)
{
    if (index < 0)
        return;
    QApplication::clipboard()->setText(client::curlCommand(m_lab->session().exchange(index)));
    statusBar()->showMessage(tr("Copied #%1 as a curl command").arg(m_lab->session().row(index).id),
                             5000);
}

void MainWindow::applyFixToPlayground(qsizetype index, const cors::Fix &fix)
{
    policy::CorsPolicy policy = m_lab->playground().policy();
    QStringList changes;
    QString error;
    if (!policy::applyFixToPolicy(fix, m_lab->playground().origins(), &policy, &changes, &error)) {
        QMessageBox::information(this, tr("Apply this fix to the playground server"), error);
        return;
    }
    m_lab->playground().setPolicy(policy);
    statusBar()->showMessage(tr("Playground policy changed: %1. Send #%2 again to see it pass.")
                                 .arg(changes.join(QStringLiteral("; ")))
                                 .arg(m_lab->session().row(index).id),
                             15000);
}

void MainWindow::applyFixAsOverride(qsizetype index, const cors::Fix &fix)
{
    QList<proxy::OverrideRule> rules;
    QString error;
    if (!lab::overrideRulesForExchangeFix(m_lab->session(), index, fix, &rules, &error)) {
        QMessageBox::information(this, tr("Apply as proxy override"), error);
        return;
    }
    for (const proxy::OverrideRule &rule : rules) {
        if (!m_proxyPanel->addRule(rule, &error)) {
            QMessageBox::warning(this, tr("Apply as proxy override"), error);
            return;
        }
    }
    statusBar()->showMessage((rules.size() == 1 ? tr("1 override rule added")
                                                : tr("%1 override rules added").arg(rules.size())) +
                                 tr(": the browser's next request through the proxy gets the fix."),
                             15000);
}

void MainWindow::applyFixInBrowser(qsizetype index, const cors::Fix &fix)
{
    QList<proxy::OverrideRule> rules;
    QString error;
    if (!lab::overrideRulesForExchangeFix(m_lab->session(), index, fix, &rules, &error) ||
        !m_lab->browserAttach().addOverrides(rules, &error)) {
        QMessageBox::information(this, tr("Apply in browser"), error);
        return;
    }
    m_attachDock->show();
    m_attachDock->raise();
    statusBar()->showMessage(tr("Fix installed in %1: reload your app there to see #%2 pass. "
                                "Detaching removes it.")
                                 .arg(report::browserShortName(m_lab->browserAttach().product()))
                                 .arg(m_lab->session().row(index).id),
                             kStatusMessageMs);
}

void MainWindow::showServerConfig(const policy::CorsPolicy &policy, const QString &what)
{
    auto *dialog = new ServerConfigDialog(policy, m_lab->playground().origins(), what, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::showServerConfigForFix(qsizetype index, const cors::Fix &fix)
{
    // The fix as the playground policy it makes, written for a real server.
    policy::CorsPolicy policy = m_lab->playground().policy();
    QString error;
    if (!policy::applyFixToPolicy(fix, m_lab->playground().origins(), &policy, nullptr, &error)) {
        QMessageBox::information(this, tr("Server configuration"), error);
        return;
    }
    showServerConfig(
        policy,
        tr("the playground's policy with the fix for #%1").arg(m_lab->session().row(index).id));
}

void MainWindow::startProxy()
{
    QString error;
    if (!m_lab->startProxy(m_proxyPanel->settings(), &error))
        statusBar()->showMessage(tr("Proxy not started: %1").arg(error), 10000);
    updateStatus();
}

void MainWindow::exportCa()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export CA certificate"), QStringLiteral("corslab-ca.pem"),
        tr("PEM certificate (*.pem *.crt);;DER certificate (*.der *.cer)"));
    if (path.isEmpty())
        return;
    QString error;
    if (m_lab->exportCaCertificate(path, &error))
        statusBar()->showMessage(tr("CA certificate written to %1").arg(path), 8000);
    else
        QMessageBox::warning(this, tr("Export CA certificate"), error);
}

void MainWindow::runScenario(const QString &id)
{
    m_tourDock->show();
    m_tourDock->raise();
    m_tourPanel->select(id);
    m_tourPanel->setRunning(id, tr("Running…"));
    m_tour->run(id);
}

void MainWindow::newSession()
{
    m_lab->clear();
    m_sessionPath.clear();
    setWindowTitle(QStringLiteral("CORS Lab"));
}

void MainWindow::openSession()
{
    SessionOpenDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        openSessionFile(dialog.chosenPath());
}

void MainWindow::openSessionFile(const QString &path)
{
    trackFileJob(m_lab->openSession(path), tr("Loading %1…").arg(QFileInfo(path).fileName()),
                 tr("Open session"), [this](const QString &file) {
                     m_sessionPath = file;
                     setWindowTitle(tr("CORS Lab — %1").arg(QFileInfo(file).fileName()));
                     statusBar()->showMessage(tr("Opened %1").arg(file), 5000);
                 });
}

void MainWindow::saveSession(bool askPath)
{
    // A store keeps every exchange as it comes: saving it means a session file elsewhere.
    QString path = session::SessionStore::isStore(m_sessionPath) ? QString() : m_sessionPath;
    if (askPath || path.isEmpty())
        path = QFileDialog::getSaveFileName(
            this, tr("Save session"), path.isEmpty() ? QStringLiteral("session.corslab") : path,
            tr("CORS Lab sessions (*.corslab *.json)"));
    if (path.isEmpty())
        return;
    trackFileJob(m_lab->saveSession(path), tr("Saving %1…").arg(QFileInfo(path).fileName()),
                 tr("Save session"), [this](const QString &file) {
                     m_sessionPath = file;
                     setWindowTitle(tr("CORS Lab — %1").arg(QFileInfo(file).fileName()));
                     statusBar()->showMessage(tr("Saved %1").arg(file), 5000);
                 });
}

void MainWindow::exportReport()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export report"), QStringLiteral("cors-report.html"),
        tr("HTML report (*.html);;Markdown for a ticket (*.md);;JSON for tools (*.json)"));
    if (path.isEmpty())
        return;
    const report::ReportFormat format =
        report::reportFormatForPath(path).value_or(report::ReportFormat::Html);
    trackFileJob(m_lab->exportReport(path, format),
                 tr("Writing the report %1…").arg(QFileInfo(path).fileName()), tr("Export report"),
                 [this](const QString &file) {
                     statusBar()->showMessage(tr("Report written to %1").arg(file), 8000);
                 });
}

void MainWindow::exportHar()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export HAR"), QStringLiteral("session.har"), tr("HAR 1.2 (*.har *.json)"));
    if (path.isEmpty())
        return;
    trackFileJob(m_lab->exportHar(path), tr("Writing %1…").arg(QFileInfo(path).fileName()),
                 tr("Export HAR"), [this](const QString &file) {
                     statusBar()->showMessage(tr("HAR written to %1").arg(file), 8000);
                 });
}

void MainWindow::importHar()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import HAR"), QString(),
        tr("HAR from Chrome or Firefox DevTools (*.har *.json);;All files (*)"));
    if (path.isEmpty())
        return;
    trackFileJob(m_lab->importHar(path), tr("Reading %1…").arg(QFileInfo(path).fileName()),
                 tr("Import HAR"), [this](const QString &file) {
                     m_sessionPath.clear();
                     setWindowTitle(tr("CORS Lab — %1").arg(QFileInfo(file).fileName()));
                     statusBar()->showMessage(tr("Imported %1: every exchange classified, "
                                                 "paired and judged")
                                                  .arg(file),
                                              8000);
                 });
}

void MainWindow::offerRecovery()
{
    if (!m_lab->hasRecovery())
        return;
    const auto answer = QMessageBox::question(
        this, tr("Recover the last session?"),
        tr("CORS Lab did not close properly last time. Recover the session it left: the "
           "exchanges it was capturing, with their bodies, and its playground policy and "
           "override rules?"),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
        m_lab->discardRecovery();
        return;
    }
    trackFileJob(m_lab->recover(), tr("Recovering the last session…"), tr("Recover"),
                 [this](const QString &) {
                     statusBar()->showMessage(
                         tr("Recovered %1 exchanges").arg(m_lab->session().count()), 8000);
                 });
}

void MainWindow::trackFileJob(quint64 job, const QString &label, const QString &title,
                              const std::function<void(const QString &)> &onSuccess)
{
    // Range 0-0 (busy) until the job reports steps; shown only if it takes a moment.
    auto *progress = new QProgressDialog(label, tr("Cancel"), 0, 0, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    connect(progress, &QProgressDialog::canceled, this, [this, job, title] {
        m_lab->cancelFileJob(job);
        statusBar()->showMessage(tr("%1: cancelled").arg(title), 5000);
    });
    connect(m_lab, &lab::Lab::fileJobProgress, progress,
            [progress, job](quint64 which, qsizetype done, qsizetype total) {
                if (which != job || total <= 0)
                    return;
                // Steps can run past int: show per mille.
                progress->setMaximum(1000);
                progress->setValue(int(qMin<qint64>(1000, qint64(done) * 1000 / total)));
            });
    connect(m_lab, &lab::Lab::fileJobFinished, progress,
            [this, job, progress, title, onSuccess](quint64 which, const QString &file,
                                                    const QString &error) {
                if (which != job)
                    return;
                progress->close();
                if (!error.isEmpty()) {
                    QMessageBox::warning(this, title, tr("%1:\n%2").arg(file, error));
                    return;
                }
                onSuccess(file);
            });
}

void MainWindow::restoreBackgroundToggle()
{
    QSettings settings;
    m_filter->setShowsBackground(Preferences::load(settings).showBrowserBackground);
}

void MainWindow::rememberBackgroundToggle(bool show)
{
    QSettings settings;
    Preferences prefs = Preferences::load(settings);
    prefs.showBrowserBackground = show;
    prefs.save(settings);
    updateStatus();
}

void MainWindow::showPreferences()
{
    QSettings settings;
    const Preferences before = Preferences::load(settings);
    PreferencesDialog dialog(before, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Preferences after = dialog.preferences();
    after.save(settings);
    m_lab->setBodyCap(after.bodyCaptureBytes);
    m_lab->setBrowserBinary(after.browserBinary);
    m_lab->setRetention(after.retention());
    m_storeStatus->refresh();
    if (after.apiPort != before.apiPort || after.appPort != before.appPort ||
        after.evilPort != before.evilPort)
        statusBar()->showMessage(tr("The playground's new ports apply at the next launch"), 8000);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About CORS Lab"),
        tr("<h3>CORS Lab %1</h3>"
           "<p>An inspector and playground for Cross-Origin Resource Sharing: every preflight "
           "and actual request side by side, judged step by step by the WHATWG Fetch standard "
           "as Chromium, Firefox or Safari would.</p>"
           "<p>Built on Qt %2 (networking, TLS, widgets), llhttp (HTTP/1.1 parsing) and "
           "OpenSSL (the interception CA).</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::showTableMenu(const QPoint &pos)
{
    const QModelIndex cell = m_table->indexAt(pos);
    if (!cell.isValid())
        return;
    const qsizetype index = m_model->sessionIndex(cell.row());
    const session::ExchangeRow row = m_lab->session().row(index);
    QMenu menu(this);
    menu.addAction(tr("Copy as curl"), this, [this, index] { copyAsCurl(index); });
    menu.addAction(tr("Copy URL"), this,
                   [url = row.url] { QApplication::clipboard()->setText(QString::fromUtf8(url)); });
    menu.addAction(tr("Send again from the composer…"), this,
                   [this, index] { resendFromComposer(index); });
    QAction *scenario =
        menu.addAction(row.browserAgreement() == session::BrowserAgreement::Disagrees
                           ? tr("Export as scenario for a bug report (the browser disagrees)…")
                           : tr("Export as scenario…"),
                       this, [this, index] { exportScenario(index); });
    scenario->setEnabled(row.verdict.state != session::VerdictState::NotApplicable &&
                         row.verdict.state != session::VerdictState::Unknown);
    if (row.pairedId > 0) {
        menu.addAction(tr("Go to linked #%1").arg(row.pairedId), this, [this, id = row.pairedId] {
            selectExchange(m_lab->session().indexOfId(id));
        });
    }
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void MainWindow::showAttachDialog()
{
    AttachDialog dialog(m_lab->browserAttach(), this);
    dialog.exec();
}

void MainWindow::updateAttachState()
{
    const lab::BrowserAttach &attach = m_lab->browserAttach();
    m_attachAction->setEnabled(!attach.isAttached() && !attach.isBusy());
    m_detachAction->setEnabled(attach.isAttached());
    m_attachStatus->setVisible(attach.isAttached() || attach.isBusy());
    m_attachStatus->setText(attach.isAttached()
                                ? tr("Attached: %1").arg(report::browserShortName(attach.product()))
                                : tr("Attaching…"));
    m_attachStatus->setToolTip(attach.endpoint().toString());
    m_explanation->setApplyInBrowserAvailable(attach.canApplyOverrides());
}

void MainWindow::exportScenario(qsizetype index)
{
    QJsonObject scenario;
    QString error;
    if (!report::exchangeScenario(m_lab->session(), index, &scenario, &error)) {
        QMessageBox::warning(this, tr("Export as scenario"), error);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export as scenario"),
        QStringLiteral("exchange-%1.json").arg(m_lab->session().row(index).id),
        tr("CORS scenario (*.json)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(scenario).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        QMessageBox::warning(this, tr("Export as scenario"),
                             tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    statusBar()->showMessage(
        tr("Scenario written to %1: run it with corslab-cli evaluate %1").arg(path),
        kStatusMessageMs);
}

} // namespace corslab::ui
