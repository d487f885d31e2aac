#include "contract_run_dialog.h"

#include "check/contract_file.h"
#include "lab/lab.h"
#include "lab/lab_check_run.h"
#include "status_text.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace corslab::ui {

ContractRunDialog::ContractRunDialog(lab::Lab *lab, QWidget *parent) : QDialog(parent), m_lab(lab)
{
    setWindowTitle(tr("Run contract"));
    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("contractFile"));
    m_file->setPlaceholderText(tr("cors-contract.yaml"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file);
    fileRow->addWidget(browse);
    m_baseUrl = new QLineEdit(this);
    m_baseUrl->setObjectName(QStringLiteral("baseUrl"));
    m_baseUrl->setPlaceholderText(tr("the contract's base_url"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Contract:"), fileRow);
    form->addRow(tr("Base &URL:"), m_baseUrl);

    m_progress = new QProgressBar(this);
    m_progress->hide();
    m_results = new QTableWidget(0, ColumnCount, this);
    m_results->setObjectName(QStringLiteral("contractResults"));
    m_results->setHorizontalHeaderLabels({QString(), tr("Case"), tr("Browser"), tr("Why")});
    m_results->horizontalHeader()->setStretchLastSection(true);
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    m_results->verticalHeader()->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    m_run = buttons->addButton(tr("&Run"), QDialogButtonBox::ActionRole);
    m_run->setDefault(true);
    m_cancel = buttons->addButton(tr("Cancel run"), QDialogButtonBox::ActionRole);
    m_cancel->setEnabled(false);
    buttons->addButton(QDialogButtonBox::Close);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(820, 480);

    connect(browse, &QPushButton::clicked, this, &ContractRunDialog::browse);
    connect(m_run, &QPushButton::clicked, this, &ContractRunDialog::runFromForm);
    connect(m_cancel, &QPushButton::clicked, this, &ContractRunDialog::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_results, &QTableWidget::itemSelectionChanged, this,
            &ContractRunDialog::onSelectionChanged);
}

ContractRunDialog::~ContractRunDialog()
{
    if (m_checkRun) {
        m_checkRun->cancel();
        m_checkRun->deleteLater();
    }
}

void ContractRunDialog::browse()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Run contract"), m_file->text(),
                                     tr("CORS contracts (*.yaml *.yml *.json);;All files (*)"));
    if (!path.isEmpty())
        m_file->setText(path);
}

void ContractRunDialog::runFromForm()
{
    run(m_file->text().trimmed(), m_baseUrl->text().trimmed());
}

bool ContractRunDialog::run(const QString &path, const QString &baseUrl)
{
    if (running() || !m_lab)
        return false;
    m_file->setText(path);
    m_baseUrl->setText(baseUrl);
    check::Contract contract;
    QString error;
    m_cases.clear();
    if (path.isEmpty())
        error = tr("contract: choose a contract file (JSON or YAML)");
    else if (check::readContractFile(path, &contract, &error))
        m_cases = check::expandContract(contract, QUrl(baseUrl), &error);
    if (error.isEmpty() && m_cases.isEmpty())
        error = tr("%1: no case to check").arg(path);
    if (!error.isEmpty()) {
        m_cases.clear();
        showStatus(QStringLiteral("✗ ") + error, true);
        return false;
    }
    QList<check::CheckJob> jobs;
    for (const check::ContractCase &c : std::as_const(m_cases))
        jobs.append({c.request, c.browser});
    m_results->setRowCount(int(m_cases.size()));
    for (int row = 0; row < m_cases.size(); ++row) {
        m_results->setItem(row, Result, new QTableWidgetItem(QStringLiteral("…")));
        m_results->setItem(row, Case, new QTableWidgetItem(m_cases.at(row).name));
        m_results->setItem(row, Browser, new QTableWidgetItem(m_cases.at(row).browser));
        m_results->setItem(row, Reasons, new QTableWidgetItem());
    }
    m_lastExchange = QList<qsizetype>(m_cases.size(), -1);
    m_passed = m_failed = 0;
    m_progress->setRange(0, int(m_cases.size()));
    m_progress->setValue(0);
    m_progress->show();
    m_checkRun = m_lab->startChecks(std::move(jobs));
    connect(m_checkRun, &lab::LabCheckRun::resultReady, this, &ContractRunDialog::showResult);
    connect(m_checkRun, &lab::LabCheckRun::progress, m_progress, &QProgressBar::setValue);
    connect(m_checkRun, &lab::LabCheckRun::finished, this, &ContractRunDialog::onFinished);
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    showStatus(tr("Checking %1 cases…").arg(m_cases.size()), false);
    return true;
}

bool ContractRunDialog::running() const
{
    return m_checkRun && m_checkRun->running();
}

void ContractRunDialog::cancel()
{
    if (m_checkRun)
        m_checkRun->cancel();
}

void ContractRunDialog::showResult(int index, const check::CheckResult &result,
                                   qsizetype firstIndex)
{
    if (index < 0 || index >= m_cases.size())
        return;
    const check::CaseResult judged = check::judgeCase(m_cases.at(index), result.observation);
    (judged.passed() ? m_passed : m_failed)++;
    if (firstIndex >= 0 && !result.outcome.exchanges.isEmpty())
        m_lastExchange[index] = firstIndex + result.outcome.exchanges.size() - 1;
    QString why = judged.reasons.join(QStringLiteral(" "));
    if (!judged.fix.isEmpty())
        why += tr(" Fix: %1").arg(judged.fix);
    m_results->item(index, Result)
        ->setText(judged.passed() ? QStringLiteral("✓") : QStringLiteral("✗"));
    m_results->item(index, Result)->setToolTip(judged.passed() ? tr("passed") : tr("failed"));
    m_results->item(index, Reasons)->setText(why);
    m_results->item(index, Reasons)->setToolTip(why);
}

void ContractRunDialog::onFinished()
{
    m_progress->hide();
    m_run->setEnabled(true);
    m_cancel->setEnabled(false);
    const int notRun = int(m_cases.size()) - m_passed - m_failed;
    QString text = tr("%1 passed, %2 failed").arg(m_passed).arg(m_failed);
    if (notRun > 0)
        text += tr(", %1 not run (cancelled)").arg(notRun);
    showStatus(text, m_failed > 0 || notRun > 0);
    if (m_checkRun)
        m_checkRun->deleteLater();
    Q_EMIT finished(m_passed, m_failed);
}

void ContractRunDialog::onSelectionChanged()
{
    const QList<QTableWidgetItem *> selected = m_results->selectedItems();
    if (selected.isEmpty())
        return;
    const int row = selected.first()->row();
    if (row >= 0 && row < m_lastExchange.size() && m_lastExchange.at(row) >= 0)
        Q_EMIT exchangeSelected(m_lastExchange.at(row));
}

QString ContractRunDialog::statusText() const
{
    return m_status->text();
}

void ContractRunDialog::showStatus(const QString &text, bool alert)
{
    setStatusText(m_status, text, alert);
}

} // namespace corslab::ui
