// The window as a user meets it: a first launch's guide, a pair selected from the list filling
// both sides, the profile switch, a policy toggle changing the next response, a fix applied from
// the explanation turning a blocked composed request into an exposed one, a classic scenario,
// and settings that survive a restart.
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
#include "server_panel.h"
#include "tour_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
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
