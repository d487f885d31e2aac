// The window as a user meets it: a first launch's guide, a pair selected from the list filling
// both sides, the profile switch, a policy toggle changing the next response, a fix applied from
// the explanation turning a blocked composed request into an exposed one, a classic scenario,
// settings that survive a restart, and an audit of the playground from the Audit dock.
#include "audit/audit_runner.h"
#include "audit_finding_view.h"
#include "audit_findings_model.h"
#include "audit_panel.h"
#include "browser_comparison_table.h"
#include "composer_dialog.h"
#include "contract_run_dialog.h"
#include "exchange_table_model.h"
#include "explanation_widget.h"
#include "filter_bar.h"
#include "lab/lab.h"
#include "main_window.h"
#include "pair_view_widget.h"
#include "report/pair_view.h"
#include "server_config_dialog.h"
#include "server_panel.h"
#include "tour_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

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

private:
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

    QTemporaryDir m_home;
    std::unique_ptr<lab::Lab> m_lab;
    std::unique_ptr<ui::MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
