// The window as a user meets it: a first launch's guide, a pair selected from the list filling
// both sides, the profile switch, a policy toggle changing the next response, a fix applied from
// the explanation turning a blocked composed request into an exposed one, a classic scenario,
// settings that survive a restart, an audit of the playground from the Audit dock, and the
// status bar's word on the session's store (disk used, limits set in Preferences, warnings), and
// the browser's background traffic hidden until the filter bar's toggle shows it.
#include "../session/store_fixture.h"
#include "audit/audit_runner.h"
#include "audit_finding_view.h"
#include "audit_findings_model.h"
#include "audit_panel.h"
#include "base/quantity_text.h"
#include "browser_comparison_table.h"
#include "composer_dialog.h"
#include "contract_run_dialog.h"
#include "exchange_table_model.h"
#include "explanation_widget.h"
#include "filter_bar.h"
#include "lab/lab.h"
#include "main_window.h"
#include "pair_view_widget.h"
#include "preferences.h"
#include "preferences_dialog.h"
#include "report/pair_view.h"
#include "server_config_dialog.h"
#include "server_panel.h"
#include "store_status.h"
#include "tour_panel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTimer>
#include <QtTest>
#include <functional>

using namespace corslab;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // QSettings and the CA go to a directory of the test's own.
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toLocal8Bit());
        QCoreApplication::setOrganizationName(QStringLiteral("CORS Lab test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    }

    void init()
    {
        lab::Lab::Options o;
        o.proxy.port = 0;
        o.caDirectory = m_home.filePath(QStringLiteral("ca"));
        o.recoveryDirectory = m_home.filePath(QStringLiteral("recovery"));
        m_lab = std::make_unique<lab::Lab>(o);
        m_lab->start();
        QVERIFY(m_lab->playgroundRunning());
        m_window = std::make_unique<ui::MainWindow>(m_lab.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        m_window.reset();
        m_lab.reset();
    }

    void firstLaunchShowsTheGuide()
    {
        QVERIFY(m_window->showsEmptyState());
        QVERIFY(m_window->findChild<QPushButton *>(QStringLiteral("openPlayground")));
        QVERIFY(m_window->findChild<QPushButton *>(QStringLiteral("tryScenarios")));
        QVERIFY(m_window->findChild<QPushButton *>(QStringLiteral("inspectOwnApp")));
        compose(m_lab->playground().origins().app, "/public");
        QTRY_VERIFY(!m_window->showsEmptyState());
    }

    void selectingEitherHalfOfAPairFillsBothSides()
    {
        client::ComposedRequest r = request(m_lab->playground().origins().app, "/echo");
        r.method = "PUT";
        r.headers = {{"Content-Type", "application/json"}};
        r.body = "{}";
        QSignalSpy composed(m_lab.get(), &lab::Lab::composed);
        m_lab->compose(r);
        QTRY_COMPARE(composed.size(), 1);
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 2);
        for (int row : {0, 1}) {
            m_window->exchangeView()->selectRow(row);
            QTRY_COMPARE(m_window->shownExchange(), qsizetype(row));
            const QString left = m_window->pairView()
                                     ->shownLines(ui::PairViewWidget::Side::Preflight)
                                     .join(QLatin1Char('\n'));
            const QString right = m_window->pairView()
                                      ->shownLines(ui::PairViewWidget::Side::Actual)
                                      .join(QLatin1Char('\n'));
            QVERIFY2(left.contains(QStringLiteral("OPTIONS")), qPrintable(left));
            QVERIFY(left.contains(QStringLiteral("Access-Control-Request-Method")));
            QVERIFY2(right.contains(QStringLiteral("PUT")), qPrintable(right));
            QVERIFY(explanationText().contains(QStringLiteral("EXPOSED")));
        }
    }

    void profileSwitchRejudgesAndNamesTheBrowser()
    {
        compose(m_lab->playground().origins().evil, "/public"); // blocked: not in the allowlist
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 1);
        m_window->selectExchange(0);
        QVERIFY(explanationText().contains(QStringLiteral("Chrom")));
        QComboBox *profile = m_window->profileSwitch();
        profile->setCurrentIndex(profile->findData(QStringLiteral("firefox")));
        QTRY_COMPARE(m_lab->session().profile().name, QStringLiteral("firefox"));
        QTRY_VERIFY(explanationText().contains(QStringLiteral("CORS")));
        QTRY_VERIFY2(explanationText().contains(QStringLiteral("Firefox")),
                     qPrintable(explanationText()));
    }

    void filterBarFiltersTheList()
    {
        compose(m_lab->playground().origins().app, "/public");
        compose(m_lab->playground().origins().evil, "/public");
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 2);
        auto *counts = m_window->findChild<QLabel *>(QStringLiteral("countStatus"));
        QTRY_COMPARE(counts->text(), QStringLiteral("2 exchanges · 1 blocked"));
        auto *blockedOnly = m_window->findChild<QCheckBox *>(QStringLiteral("blockedOnly"));
        blockedOnly->setChecked(true);
        QCOMPARE(m_window->exchangeModel()->rowCount(), 1);
        blockedOnly->setChecked(false);
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(m_window->filterBar()->textField()->hasFocus());
        QTest::keyClicks(m_window->filterBar()->textField(), QStringLiteral("127.0.0.1"));
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 1);

        // A large session's filter runs on a worker: the bar says so until the rows are in.
        ui::ExchangeTableModel *model = m_window->exchangeModel();
        model->setAsyncThreshold(0);
        QList<bool> busy; // the bar's state each time the model's changes
        const QMetaObject::Connection watch =
            connect(model, &ui::ExchangeTableModel::filteringChanged, this,
                    [&] { busy.append(m_window->filterBar()->isBusy()); });
        blockedOnly->setChecked(true);
        QTRY_COMPARE(busy, QList<bool>({true, false}));
        disconnect(watch);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->data(model->index(0, 0), ui::ExchangeTableModel::VerdictStateRole).toInt(),
                 int(session::VerdictState::Blocked));
    }

    // The browser's own requests to its vendor stay out of the list, counted in the status bar
    // and on the filter bar's toggle, until the toggle shows them; the choice is remembered.
    void backgroundTrafficIsHiddenUntilShown()
    {
        compose(m_lab->playground().origins().app, "/public");
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 1);
        m_lab->session().append(
            {tunnelTo("update.googleapis.com"), tunnelTo("optimizationguide-pa.googleapis.com")});
        auto *counts = m_window->findChild<QLabel *>(QStringLiteral("countStatus"));
        QTRY_COMPARE(counts->text(),
                     QStringLiteral("3 exchanges · 0 blocked · 2 background hidden"));
        QCOMPARE(m_window->exchangeModel()->rowCount(), 1);
        auto *toggle = m_window->findChild<QCheckBox *>(QStringLiteral("showBackground"));
        QVERIFY(!toggle->isChecked());
        QCOMPARE(toggle->text(), QStringLiteral("Show background traffic (2 hidden)"));

        toggle->setChecked(true);
        QCOMPARE(m_window->exchangeModel()->rowCount(), 3);
        QCOMPARE(counts->text(), QStringLiteral("3 exchanges · 0 blocked"));
        QCOMPARE(toggle->text(), QStringLiteral("Show background traffic (2)"));
        QCOMPARE(QSettings().value(QStringLiteral("preferences/showBrowserBackground")).toBool(),
                 true);

        // A new window shows it too; hiding it again is remembered as well.
        m_window->close();
        cleanup();
        init();
        toggle = m_window->findChild<QCheckBox *>(QStringLiteral("showBackground"));
        QVERIFY(toggle->isChecked());
        QVERIFY(!m_window->exchangeModel()->filter().hideBackground);
        toggle->setChecked(false);
        QVERIFY(m_window->exchangeModel()->filter().hideBackground);
        QCOMPARE(QSettings().value(QStringLiteral("preferences/showBrowserBackground")).toBool(),
                 false);
    }

    void policyToggleChangesTheNextResponse()
    {
        auto *credentials =
            m_window->serverPanel()->findChild<QCheckBox *>(QStringLiteral("credentials"));
        QVERIFY(credentials);
        const bool before = m_lab->playground().policy().allowCredentials;
        credentials->click();
        QCOMPARE(m_lab->playground().policy().allowCredentials, !before);
        compose(m_lab->playground().origins().app, "/public");
        QTRY_COMPARE(m_lab->session().count(), 1);
        const session::CapturedExchange x = m_lab->session().exchange(0);
        bool sent = false;
        for (const auto &h : x.responseHeaders)
            sent |= h.first.compare("Access-Control-Allow-Credentials", Qt::CaseInsensitive) == 0;
        QCOMPARE(sent, !before);
    }

    void applyingTheFixTurnsABlockedComposedRequestExposed()
    {
        compose(m_lab->playground().origins().evil, "/public");
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 1);
        m_window->selectExchange(0);
        QCOMPARE(m_lab->session().row(0).verdict.state, session::VerdictState::Blocked);
        QPushButton *apply = m_window->explanationView()->applyToPlaygroundButton();
        QVERIFY(apply);
        QVERIFY(apply->isVisible());
        apply->click();
        QVERIFY(m_lab->playground().policy().allowedOrigins.contains(QStringLiteral("{evil}")));
        compose(m_lab->playground().origins().evil, "/public");
        QTRY_COMPARE(m_lab->session().count(), 2);
        QCOMPARE(m_lab->session().row(1).verdict.state, session::VerdictState::Exposed);
        QTRY_COMPARE(m_window->shownExchange(), qsizetype(1)); // the new try is selected
    }

    void classicScenarioLandsOnItsExchange()
    {
        m_window->runScenario(QStringLiteral("simple-get"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->shownExchange() >= 0, 15000);
        QVERIFY(!m_window->pairView()
                     ->shownLines(ui::PairViewWidget::Side::Actual)
                     .join(QLatin1Char('\n'))
                     .isEmpty());
        QVERIFY(!explanationText().isEmpty());
    }

    void settingsPersistAcrossARestart()
    {
        m_window->resize(1111, 777);
        m_window->findChild<QDockWidget *>(QStringLiteral("tourDock"))->hide();
        m_window->profileSwitch()->setCurrentIndex(
            m_window->profileSwitch()->findData(QStringLiteral("safari")));
        QTRY_COMPARE(m_lab->session().profile().name, QStringLiteral("safari"));
        m_window->close();
        cleanup();

        QSettings settings;
        lab::Lab::Options o;
        o.proxy.port = 0;
        o.caDirectory = m_home.filePath(QStringLiteral("ca"));
        o.recoveryDirectory = m_home.filePath(QStringLiteral("recovery"));
        o.profile = settings.value(QStringLiteral("preferences/browserProfile")).toString();
        QCOMPARE(o.profile, QStringLiteral("safari"));
        m_lab = std::make_unique<lab::Lab>(o);
        m_lab->start();
        m_window = std::make_unique<ui::MainWindow>(m_lab.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(m_window->size(), QSize(1111, 777));
        QVERIFY(!m_window->findChild<QDockWidget *>(QStringLiteral("tourDock"))->isVisible());
        QCOMPARE(m_window->profileSwitch()->currentData().toString(), QStringLiteral("safari"));
    }

    // Try a request → Check in all browsers: the same request on the real wire as Chromium,
    // Firefox and Safari, the browsers' different preflight cache caps highlighted, and every
    // exchange in the session.
    void checkInAllBrowsersComparesThem()
    {
        policy::CorsPolicy policy =
            *policy::CorsPolicy::preset(QStringLiteral("Credentialed allowlist"));
        policy.maxAge = 86400;
        m_lab->playground().setPolicy(policy);
        ui::ComposerDialog *composer = m_window->composer();
        composer->show();
        client::ComposedRequest r = request(m_lab->playground().origins().app, "/echo");
        r.method = "PUT";
        r.headers = {{"Content-Type", "application/json"}};
        r.body = "{}";
        composer->setRequest(r);
        const qsizetype before = m_lab->session().count();
        QTest::mouseClick(composer->checkAllButton(), Qt::LeftButton);
        ui::BrowserComparisonTable *table = composer->comparisonTable();
        QTRY_VERIFY(table->isVisible() && table->rowCount() == 3);
        QTRY_COMPARE(m_lab->session().count(), before + 6); // a preflight and a PUT each
        for (int row = 0; row < 3; ++row)
            QVERIFY(table->item(row, ui::BrowserComparisonTable::Verdict)
                        ->text()
                        .contains(QStringLiteral("exposed")));
        QVERIFY(!table->differs(1, ui::BrowserComparisonTable::Verdict));
        // Chromium caps Max-Age at 7200 s, Firefox at 86400 s, Safari at 600 s.
        QVERIFY(table->differs(1, ui::BrowserComparisonTable::PreflightCache));
        QVERIFY(table->differs(2, ui::BrowserComparisonTable::PreflightCache));
        QVERIFY2(composer->statusText().contains(QStringLiteral("The browsers differ")),
                 qPrintable(composer->statusText()));
    }

    // File → Run contract…: ✓/✗ per case, and a failed case shows its exchange.
    void runContractShowsEachCaseAndItsExchange()
    {
        const policy::DemoOrigins o = m_lab->playground().origins();
        const QString path = m_home.filePath(QStringLiteral("contract.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("base_url: " + o.api +
                   "\nrules:\n  - name: public\n    url: /public\n"
                   "    origins: [" +
                   o.app +
                   "]\n    expect: exposed\n"
                   "  - name: others read private data\n    url: /private\n"
                   "    origins: [" +
                   o.evil +
                   "]\n    credentials: include\n"
                   "    expect: exposed\n");
        file.close();
        ui::ContractRunDialog *dialog = m_window->contractRun();
        dialog->show();
        QSignalSpy finished(dialog, &ui::ContractRunDialog::finished);
        QVERIFY(dialog->run(path));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toInt(), 1);
        QCOMPARE(finished.at(0).at(1).toInt(), 1);
        QTableWidget *results = dialog->resultsTable();
        QCOMPARE(results->rowCount(), 2);
        QCOMPARE(results->item(0, ui::ContractRunDialog::Result)->text(), QStringLiteral("✓"));
        QCOMPARE(results->item(1, ui::ContractRunDialog::Result)->text(), QStringLiteral("✗"));
        QVERIFY(results->item(1, ui::ContractRunDialog::Reasons)
                    ->text()
                    .contains(QStringLiteral("expected exposed, got blocked")));
        QCOMPARE(dialog->statusText(), QStringLiteral("1 passed, 1 failed"));
        results->selectRow(1);
        QTRY_VERIFY(m_window->shownExchange() >= 0);
        QCOMPARE(m_lab->session().exchange(m_window->shownExchange()).url, o.api + "/private");

        // A malformed contract is refused under the form; nothing is sent.
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("rules:\n  - url: /public\n    origins: [x]\n    expect: exposed\n");
        file.close();
        const qsizetype count = m_lab->session().count();
        QVERIFY(!dialog->run(path));
        QVERIFY2(dialog->statusText().contains(QStringLiteral("rules[0].origins")),
                 qPrintable(dialog->statusText()));
        QTest::qWait(100);
        QCOMPARE(m_lab->session().count(), count);
    }

    // Capture → Audit an API… against the playground misconfigured to reflect any origin with
    // credentials: the findings high first, the first one's evidence side by side with its
    // explanation and fix, every probe's exchange in the session, and the report exported with
    // the audit.
    void auditFindsAMisconfigurationAndExportsIt()
    {
        const policy::DemoOrigins o = m_lab->playground().origins();
        setPolicy(QStringLiteral("Misconfigured: reflect any origin with credentials"));
        QTest::keyClick(m_window.get(), Qt::Key_I, Qt::ControlModifier | Qt::ShiftModifier);
        ui::AuditPanel *panel = m_window->auditPanel();
        QTRY_VERIFY(panel->isVisible());
        QCOMPARE(panel->urlEdit()->text(), QString::fromLatin1(o.api + "/private"));
        QCOMPARE(panel->trustedOriginsEdit()->toPlainText(), QString::fromLatin1(o.app));
        const qsizetype before = m_lab->session().count();
        const audit::AuditReport report = runAudit(panel);

        QCOMPARE(findingIds(panel), (QStringList{QStringLiteral("reflect-any-origin"),
                                                 QStringLiteral("preflight-reflects-any-header"),
                                                 QStringLiteral("preflight-allows-any-method")}));
        const ui::AuditFindingsModel *model = panel->findingsModel();
        QCOMPARE(model->index(0, ui::AuditFindingsModel::Severity).data().toString(),
                 QStringLiteral("high"));
        QCOMPARE(model->index(1, ui::AuditFindingsModel::Severity).data().toString(),
                 QStringLiteral("low"));
        QVERIFY2(panel->statusText().contains(QStringLiteral("3 findings: 1 high, 2 low")),
                 qPrintable(panel->statusText()));
        QTRY_COMPARE(m_lab->session().count(), before + sentExchanges(report));

        // The first finding: its evidence in the pair view, why and the fix in the dock.
        panel->findingsView()->selectRow(0);
        const ui::AuditFindingsModel::Row &first = model->row(0);
        QVERIFY(!first.evidence.isEmpty() && first.evidence.last() >= 0);
        QTRY_COMPARE(m_window->shownExchange(), first.evidence.last());
        QCOMPARE(m_lab->session().exchange(m_window->shownExchange()).url,
                 first.finding.evidence.last().url);
        const QString actual = m_window->pairView()
                                   ->shownLines(ui::PairViewWidget::Side::Actual)
                                   .join(QLatin1Char('\n'));
        QVERIFY2(actual.contains(QString::fromLatin1(first.finding.origin)), qPrintable(actual));
        QVERIFY(!explanationText().isEmpty());
        ui::AuditFindingView *finding = panel->findingView();
        QCOMPARE(finding->headline(), QStringLiteral("HIGH — Any origin is trusted"));
        const QString body = finding->body()->toPlainText();
        QVERIFY2(body.contains(QStringLiteral("#%1").arg(first.evidence.last() + 1)),
                 qPrintable(body));
        QVERIFY(finding->fixText().contains(QStringLiteral("Access-Control-Allow-Origin: ") +
                                            QString::fromLatin1(o.app)));
        // The server configuration, one click away.
        finding->serverConfigButton()->click();
        auto *config = panel->findChild<ui::ServerConfigDialog *>();
        QVERIFY(config);
        config->selectTarget(QStringLiteral("nginx"));
        QVERIFY2(config->configText().contains(QString::fromLatin1(o.app)),
                 qPrintable(config->configText()));
        config->close();

        // File → Export report carries the audit.
        const QByteArray html =
            exportReport(QStringLiteral("report.html"), report::ReportFormat::Html);
        QVERIFY(html.contains("<section id=\"appendix-audit\">"));
        QVERIFY(html.contains("id=\"audit-reflect-any-origin\""));
        const QByteArray markdown =
            exportReport(QStringLiteral("report.md"), report::ReportFormat::Markdown);
        QVERIFY2(markdown.contains("#### HIGH: Any origin is trusted"), markdown.constData());
        const QJsonArray appendices =
            QJsonDocument::fromJson(
                exportReport(QStringLiteral("report.json"), report::ReportFormat::Json))
                .object()
                .value(QStringLiteral("appendices"))
                .toArray();
        QCOMPARE(appendices.size(), 1);
        const QJsonObject audit =
            appendices.first().toObject().value(QStringLiteral("content")).toObject();
        QCOMPARE(audit.value(QStringLiteral("findings")).toArray().size(), 3);
    }

    void auditOfACredentialedAllowlistFindsNothing()
    {
        setPolicy(QStringLiteral("Credentialed allowlist"));
        ui::AuditPanel *panel = m_window->auditPanel();
        panel->credentialsBox()->setChecked(true);
        const audit::AuditReport report = runAudit(panel);
        QVERIFY(report.findings.isEmpty());
        QCOMPARE(panel->findingsModel()->rowCount(), 0);
        QVERIFY2(panel->statusText().contains(QStringLiteral("No misconfiguration found")),
                 qPrintable(panel->statusText()));
        QVERIFY(m_lab->lastAudit().has_value());
    }

    // Input the audit refuses is named under the form, and nothing is sent.
    void auditRefusesBadInput()
    {
        ui::AuditPanel *panel = m_window->auditPanel();
        panel->trustedOriginsEdit()->setPlainText(
            QStringLiteral("http://localhost:3000\nnot an origin"));
        QVERIFY(!panel->run());
        QVERIFY2(panel->statusText().contains(QStringLiteral("trusted-origin")),
                 qPrintable(panel->statusText()));
        QVERIFY(!panel->progressBar()->isVisible());
        panel->urlEdit()->clear();
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        QVERIFY2(panel->statusText().contains(QStringLiteral("URL")),
                 qPrintable(panel->statusText()));
        QTest::qWait(200);
        QCOMPARE(m_lab->session().count(), 0);
        QVERIFY(!m_lab->lastAudit());
    }

    // The status bar says what the session costs on disk once traffic is in (the Lab's
    // figures of each second), and where the session lives.
    void storeStatusShowsTheDiskUsed()
    {
        ui::StoreStatus *status = m_window->storeStatus();
        QVERIFY(status);
        QVERIFY(status->isVisible());
        compose(m_lab->playground().origins().app, "/public");
        compose(m_lab->playground().origins().evil, "/public");
        QTRY_COMPARE(m_lab->storeStats().exchanges, qint64(2));
        QTRY_VERIFY(m_lab->storeStats().diskBytes > 0);
        // The label follows the Lab's figures of each second (both move in the same slot).
        QTRY_COMPARE(status->text(), base::formatByteSize(m_lab->storeStats().diskBytes) +
                                         QStringLiteral(" on disk"));
        QVERIFY2(!status->text().contains(QStringLiteral("limit")), qPrintable(status->text()));
        QVERIFY2(!status->text().contains(QStringLiteral("not kept")), qPrintable(status->text()));
        auto *counts = m_window->findChild<QLabel *>(QStringLiteral("countStatus"));
        QTRY_COMPARE(counts->text(), QStringLiteral("2 exchanges · 1 blocked"));
        QTRY_VERIFY2(status->toolTip().contains(QStringLiteral("2 exchanges kept")),
                     qPrintable(status->toolTip()));
        QVERIFY2(status->toolTip().contains(m_lab->storeDirectory()),
                 qPrintable(status->toolTip()));
        QVERIFY(!m_lab->storeDirectory().isEmpty());
        QVERIFY(status->toolTip().contains(QStringLiteral("No limits")));
        QVERIFY(status->warning().isEmpty());
        QVERIFY(!status->findChild<QLabel *>(QStringLiteral("storeWarningIcon"))->isVisible());
    }

    // Edit → Preferences → Session: a bad value is refused naming the field; the limits set
    // apply at once (the status bar shows them), are kept in the settings and are in the dialog
    // when it opens again.
    void sessionLimitsFromPreferences()
    {
        const QString bad = editPreferences([](ui::PreferencesDialog *dialog) {
            dialog->findChild<QCheckBox *>(QStringLiteral("keepDiskBox"))->setChecked(true);
            dialog->findChild<QLineEdit *>(QStringLiteral("keepDisk"))
                ->setText(QStringLiteral("lots"));
            dialog->findChild<QCheckBox *>(QStringLiteral("keepAgeBox"))->setChecked(true);
            dialog->findChild<QLineEdit *>(QStringLiteral("keepAge"))
                ->setText(QStringLiteral("10s"));
        });
        QVERIFY2(bad.contains(QStringLiteral("keep at most this much on disk: expected a size")),
                 qPrintable(bad));
        QVERIFY2(bad.contains(QStringLiteral("drop exchanges older than: expected 1 minute")),
                 qPrintable(bad));
        QVERIFY(!m_lab->retention().any()); // refused: nothing applied

        const QString none = editPreferences([](ui::PreferencesDialog *dialog) {
            dialog->findChild<QCheckBox *>(QStringLiteral("keepDiskBox"))->setChecked(true);
            dialog->findChild<QLineEdit *>(QStringLiteral("keepDisk"))
                ->setText(QStringLiteral("20G"));
            dialog->findChild<QCheckBox *>(QStringLiteral("keepAgeBox"))->setChecked(true);
            dialog->findChild<QLineEdit *>(QStringLiteral("keepAge"))
                ->setText(QStringLiteral("7d"));
        });
        QVERIFY2(none.isEmpty(), qPrintable(none));
        QCOMPARE(m_lab->retention().maxDiskBytes, qint64(20) << 30);
        QCOMPARE(m_lab->retention().maxAgeSeconds, qint64(7) * 86400);
        QCOMPARE(m_lab->retention().maxExchanges, qint64(0));
        ui::StoreStatus *status = m_window->storeStatus();
        QTRY_VERIFY2(status->text().contains(QStringLiteral("limits 20.0 GB, 7 days")),
                     qPrintable(status->text()));
        QVERIFY2(status->toolTip().contains(QStringLiteral("at most 20.0 GB on disk")),
                 qPrintable(status->toolTip()));
        {
            QSettings settings;
            const ui::Preferences saved = ui::Preferences::load(settings);
            QCOMPARE(saved.keepDiskBytes, qint64(20) << 30);
            QCOMPARE(saved.keepAgeSeconds, qint64(7) * 86400);
            QCOMPARE(saved.retention().maxDiskBytes, m_lab->retention().maxDiskBytes);
        }

        // Opened again: the values are there; a count limit replaces the disk limit.
        editPreferences([](ui::PreferencesDialog *dialog) {
            QVERIFY(dialog->findChild<QCheckBox *>(QStringLiteral("keepDiskBox"))->isChecked());
            QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("keepDisk"))->text(),
                     QStringLiteral("20G"));
            QVERIFY(dialog->findChild<QCheckBox *>(QStringLiteral("keepAgeBox"))->isChecked());
            QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("keepAge"))->text(),
                     QStringLiteral("7d"));
            QVERIFY(
                !dialog->findChild<QCheckBox *>(QStringLiteral("keepExchangesBox"))->isChecked());
            dialog->findChild<QCheckBox *>(QStringLiteral("keepDiskBox"))->setChecked(false);
            dialog->findChild<QCheckBox *>(QStringLiteral("keepAgeBox"))->setChecked(false);
            dialog->findChild<QCheckBox *>(QStringLiteral("keepExchangesBox"))->setChecked(true);
            dialog->findChild<QSpinBox *>(QStringLiteral("keepExchanges"))->setValue(1500);
        });
        QCOMPARE(m_lab->retention().maxExchanges, qint64(1500));
        QVERIFY(m_lab->retention().maxDiskBytes == 0 && m_lab->retention().maxAgeSeconds == 0);
        QTRY_VERIFY2(status->text().contains(
                         QStringLiteral("limit %1 exchanges").arg(QLocale().toString(1500))),
                     qPrintable(status->text()));

        // Off again, for the tests that follow.
        editPreferences([](ui::PreferencesDialog *dialog) {
            dialog->findChild<QCheckBox *>(QStringLiteral("keepExchangesBox"))->setChecked(false);
        });
        QVERIFY(!m_lab->retention().any());
        QTRY_VERIFY(!status->text().contains(QStringLiteral("limit")));
    }

    // A store problem (a full disk...) is shown where it is seen, without a dialog: the status
    // bar's message, the label bold with a warning icon, the text in its tooltip; it stays.
    void storeWarningIsShown()
    {
        const QString text = QStringLiteral("the disk is full: bodies are no longer kept, capture "
                                            "goes on");
        Q_EMIT m_lab->storeWarning(text);
        ui::StoreStatus *status = m_window->storeStatus();
        QTRY_COMPARE(status->warning(), text);
        QVERIFY(status->findChild<QLabel *>(QStringLiteral("storeWarningIcon"))->isVisible());
        QVERIFY(status->findChild<QLabel *>(QStringLiteral("storeStatusText"))->font().bold());
        QVERIFY2(status->toolTip().contains(text), qPrintable(status->toolTip()));
        QVERIFY2(m_window->statusBar()->currentMessage().contains(text),
                 qPrintable(m_window->statusBar()->currentMessage()));
        QVERIFY(!QApplication::activeModalWidget());
        // The next second's figures do not hide it.
        QSignalSpy ticked(m_lab.get(), &lab::Lab::storeStatsChanged);
        QTRY_VERIFY(ticked.size() >= 1);
        QCOMPARE(status->warning(), text);
        QVERIFY(status->toolTip().contains(text));

        // The store writes again: the warning goes, said in the status bar; the label is plain.
        const QString again = QStringLiteral("The session store writes again (segment 3).");
        Q_EMIT m_lab->storeRecovered(again);
        QCOMPARE(status->warning(), QString());
        QVERIFY(!status->findChild<QLabel *>(QStringLiteral("storeWarningIcon"))->isVisible());
        QVERIFY(!status->findChild<QLabel *>(QStringLiteral("storeStatusText"))->font().bold());
        QVERIFY2(!status->toolTip().contains(text), qPrintable(status->toolTip()));
        QVERIFY2(m_window->statusBar()->currentMessage().contains(again),
                 qPrintable(m_window->statusBar()->currentMessage()));
        const qsizetype seen = ticked.size();
        QTRY_VERIFY(ticked.size() > seen);
        QCOMPARE(status->warning(), QString());
        // The bodies the disk could not take meanwhile stay counted.
        session::StoreStats stats;
        stats.bodiesNotKept = 312;
        QVERIFY(ui::storeStatusText(stats, {}, m_lab->storeDirectory())
                    .endsWith(QStringLiteral(" · 312 bodies not kept")));
    }

    // With the session kept in memory only, the status bar says so.
    void storeStatusSaysInMemory()
    {
        cleanup();
        lab::Lab::Options o;
        o.proxy.port = 0;
        o.caDirectory = m_home.filePath(QStringLiteral("ca"));
        o.recoveryDirectory = m_home.filePath(QStringLiteral("recovery-off"));
        o.autosave = false;
        m_lab = std::make_unique<lab::Lab>(o);
        m_lab->start();
        m_window = std::make_unique<ui::MainWindow>(m_lab.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(m_lab->storeDirectory().isEmpty());
        QCOMPARE(m_window->storeStatus()->text(), QStringLiteral("in memory"));
        QVERIFY(m_window->storeStatus()->toolTip().contains(QStringLiteral("memory only")));
    }

    // File → Open: a session store is a directory; entering it in the dialog opens it, and the
    // session lives in it from then on. Its manifest, chosen as a file, stands for it.
    void openingASessionStoreFromTheFileMenu()
    {
        QTemporaryDir dir;
        const QString store = testing::createStore(dir.filePath(QStringLiteral("api.corslab")), 2);
        QAction *open = action(QStringLiteral("&Open session…"));
        QVERIFY(open);
        QTimer::singleShot(0, m_window.get(), [&] {
            auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog); // (a failure here leaves the dialog open: the test times out)
            dialog->setDirectory(dir.path());
            dialog->selectFile(QStringLiteral("api.corslab"));
            static_cast<QDialog *>(dialog)->accept(); // Open on a directory: the dialog enters it
        });
        open->trigger();
        QTRY_COMPARE(m_lab->storeDirectory(), store);
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 2);
        QVERIFY2(m_window->windowTitle().contains(QStringLiteral("api.corslab")),
                 qPrintable(m_window->windowTitle()));

        const QString other = testing::createStore(dir.filePath(QStringLiteral("b.corslab")), 3);
        QTimer::singleShot(0, m_window.get(), [&] {
            auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setDirectory(other);
            dialog->selectFile(QStringLiteral("store.json"));
            static_cast<QDialog *>(dialog)->accept();
        });
        open->trigger();
        QTRY_COMPARE(m_lab->storeDirectory(), other);
        QTRY_COMPARE(m_window->exchangeModel()->rowCount(), 3);
        QCOMPARE(testing::storeCount(store), 2); // the first one closed whole
    }

private:
    QAction *action(const QString &text) const
    {
        for (QAction *a : m_window->findChildren<QAction *>())
            if (a->text() == text)
                return a;
        return nullptr;
    }
    /// Edit → Preferences… as the user opens it: \a edit fills the dialog, then OK is clicked
    /// if it is enabled (else Cancel). The problems the dialog listed, empty when it took them.
    QString editPreferences(const std::function<void(ui::PreferencesDialog *)> &edit)
    {
        QAction *open = nullptr;
        for (QAction *action : m_window->findChildren<QAction *>())
            if (action->text() == QStringLiteral("&Preferences…"))
                open = action;
        if (!open)
            return QStringLiteral("no Preferences action");
        QString problems;
        QTimer::singleShot(0, m_window.get(), [&] {
            auto *dialog = m_window->findChild<ui::PreferencesDialog *>();
            if (!dialog)
                return;
            edit(dialog);
            auto *buttons = dialog->findChild<QDialogButtonBox *>();
            QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
            if (ok->isEnabled()) {
                ok->click();
                return;
            }
            problems = dialog->findChild<QLabel *>(QStringLiteral("problems"))->text();
            buttons->button(QDialogButtonBox::Cancel)->click();
        });
        open->trigger();
        return problems;
    }
    QString explanationText() const
    {
        return m_window->explanationView()->headline() + QLatin1Char('\n') +
               m_window->explanationView()->bodyText();
    }
    client::ComposedRequest request(const QByteArray &origin, const QByteArray &path)
    {
        client::ComposedRequest r;
        r.origin = origin;
        r.url = QUrl(QString::fromLatin1(m_lab->playground().origins().api + path));
        return r;
    }
    void setPolicy(const QString &preset)
    {
        const std::optional<policy::CorsPolicy> policy = policy::CorsPolicy::preset(preset);
        QVERIFY(policy);
        m_lab->playground().setPolicy(*policy);
    }
    // Runs the audit the panel's form describes, to the end.
    static audit::AuditReport runAudit(ui::AuditPanel *panel)
    {
        QSignalSpy finished(panel, &ui::AuditPanel::finished);
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        [&] {
            QVERIFY(panel->progressBar()->isVisible());
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        }();
        return finished.value(0).value(0).value<audit::AuditReport>();
    }
    static QStringList findingIds(const ui::AuditPanel *panel)
    {
        QStringList ids;
        const ui::AuditFindingsModel *model = panel->findingsModel();
        for (int row = 0; row < model->rowCount(); ++row)
            ids << model->index(row, ui::AuditFindingsModel::ClassId).data().toString();
        return ids;
    }
    static qsizetype sentExchanges(const audit::AuditReport &report)
    {
        qsizetype n = 0;
        for (const audit::ProbeOutcome &o : report.outcomes)
            n += o.result.outcome.exchanges.size();
        return n;
    }
    // File → Export report, as the main window runs it; the file's bytes.
    QByteArray exportReport(const QString &name, report::ReportFormat format)
    {
        const QString path = m_home.filePath(name);
        QSignalSpy done(m_lab.get(), &lab::Lab::fileJobFinished);
        m_lab->exportReport(path, format);
        [&] { QTRY_COMPARE(done.size(), 1); }();
        QFile file(path);
        if (!done.value(0).value(2).toString().isEmpty() || !file.open(QIODevice::ReadOnly))
            return {};
        return file.readAll();
    }
    void compose(const QByteArray &origin, const QByteArray &path)
    {
        QSignalSpy composed(m_lab.get(), &lab::Lab::composed);
        m_lab->compose(request(origin, path));
        QTRY_COMPARE(composed.size(), 1);
    }
    /// An opaque CONNECT tunnel to \a host as the proxy records it (the upstream unreachable).
    static session::CapturedExchange tunnelTo(const QByteArray &host)
    {
        session::CapturedExchange x;
        x.type = session::CapturedExchange::Type::Tunnel;
        x.method = "CONNECT";
        x.url = host + ":443";
        x.tunnel.host = host;
        x.tunnel.port = 443;
        x.startedAtMs = x.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
        x.status = 502;
        x.error = QStringLiteral("DNS lookup failed: no address for ") + QString::fromLatin1(host);
        return x;
    }

    QTemporaryDir m_home;
    std::unique_ptr<lab::Lab> m_lab;
    std::unique_ptr<ui::MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
