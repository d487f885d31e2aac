#include "audit_panel.h"

#include "audit_finding_view.h"
#include "audit_findings_model.h"
#include "lab/lab.h"
#include "lab/lab_audit_run.h"
#include "server_config_dialog.h"
#include "status_text.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace corslab::ui {

namespace {

/// The trusted origins box shows this many lines before it scrolls.
constexpr int kTrustedOriginLines = 3;

constexpr audit::Severity kSeveritiesHighFirst[] = {audit::Severity::High, audit::Severity::Medium,
                                                    audit::Severity::Low, audit::Severity::Info};

QString counted(qsizetype n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(n);
}

// "3 findings: 1 high, 2 low · 12 requests", or "✓ No misconfiguration found · 12 requests".
QString auditSummary(const audit::AuditReport &report)
{
    QString requests =
        counted(report.outcomes.size(), AuditPanel::tr("1 request"), AuditPanel::tr("%1 requests"));
    if (report.failedProbes > 0)
        requests += AuditPanel::tr(" (%1 without a response)").arg(report.failedProbes);
    if (!report.networkFailure.isEmpty())
        return AuditPanel::tr("✗ The trusted origin's own request failed: %1. Nothing was judged.")
            .arg(report.networkFailure);
    if (report.findings.isEmpty())
        return AuditPanel::tr("✓ No misconfiguration found · %1").arg(requests);
    QStringList counts;
    for (const audit::Severity s : kSeveritiesHighFirst) {
        const auto n = std::count_if(report.findings.begin(), report.findings.end(),
                                     [s](const audit::AuditFinding &f) { return f.severity == s; });
        if (n > 0)
            counts << QStringLiteral("%1 %2").arg(n).arg(audit::severityName(s));
    }
    return AuditPanel::tr("%1: %2 · %3")
        .arg(counted(report.findings.size(), AuditPanel::tr("1 finding"),
                     AuditPanel::tr("%1 findings")),
             counts.join(QStringLiteral(", ")), requests);
}

} // namespace

AuditPanel::AuditPanel(lab::Lab *lab, QWidget *parent) : QWidget(parent), m_lab(lab)
{
    m_progress = new QProgressBar(this);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("auditStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_model = new AuditFindingsModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("auditFindings"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_detail = new AuditFindingView(this);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    // A few findings fit in a short table; the selected one's explanation needs the room.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildForm());
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showFinding(current.row()); });
    connect(m_detail, &AuditFindingView::exchangeSelected, this, &AuditPanel::exchangeSelected);
    connect(m_detail, &AuditFindingView::serverConfigRequested, this,
            &AuditPanel::showServerConfig);
    // The evidence's indexes name nothing once the session is cleared or replaced.
    connect(&m_lab->session(), &session::Session::cleared, this, [this] {
        m_model->forgetEvidence();
        showFinding(m_table->currentIndex().row());
    });
}

AuditPanel::~AuditPanel()
{
    if (m_auditRun) {
        m_auditRun->cancel();
        m_auditRun->deleteLater();
    }
}

QWidget *AuditPanel::buildForm()
{
    auto *form = new QWidget(this);
    // Ready to try on the playground: its private endpoint, trusted by its app.
    const policy::DemoOrigins o = m_lab->playground().origins();
    m_url = new QLineEdit(QString::fromLatin1(o.api + "/private"), form);
    m_url->setObjectName(QStringLiteral("auditUrl"));
    m_url->setPlaceholderText(tr("https://api.example.com/v1/me"));
    m_trusted = new QPlainTextEdit(QString::fromLatin1(o.app), form);
    m_trusted->setObjectName(QStringLiteral("trustedOrigins"));
    m_trusted->setPlaceholderText(tr("One origin per line; empty: the URL's own origin"));
    m_trusted->setTabChangesFocus(true);
    m_trusted->setMaximumHeight(m_trusted->fontMetrics().lineSpacing() * (kTrustedOriginLines + 1));
    m_credentials = new QCheckBox(tr("The API is used with &credentials (cookies)"), form);
    m_credentials->setObjectName(QStringLiteral("auditCredentials"));
    m_credentials->setToolTip(tr("The fix then keeps Access-Control-Allow-Credentials"));
    m_run = new QPushButton(tr("&Run audit"), form);
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), form);
    m_cancel->setEnabled(false);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);

    auto *layout = new QFormLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(tr("&URL:"), m_url);
    layout->addRow(tr("&Trusted origins:"), m_trusted);
    layout->addRow(m_credentials);
    layout->addRow(buttons);

    connect(m_url, &QLineEdit::returnPressed, this, &AuditPanel::run);
    connect(m_run, &QPushButton::clicked, this, &AuditPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &AuditPanel::cancel);
    return form;
}

audit::AuditOptions AuditPanel::optionsFromForm() const
{
    audit::AuditOptions options;
    options.target = QUrl(m_url->text().trimmed());
    const QStringList lines = m_trusted->toPlainText().split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (!line.trimmed().isEmpty())
            options.trustedOrigins.append(line.trimmed().toUtf8());
    }
    options.credentials = m_credentials->isChecked();
    return options;
}

bool AuditPanel::run()
{
    if (running() || !m_lab)
        return false;
    QString error;
    m_auditRun = m_lab->startAudit(optionsFromForm(), &error);
    if (!m_auditRun) {
        setStatusText(m_status, QStringLiteral("✗ ") + error, true);
        return false;
    }
    m_report.reset();
    m_model->clear();
    m_detail->clear();
    connect(m_auditRun, &lab::LabAuditRun::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        setStatusText(m_status, tr("Sent %1 of %2 requests…").arg(done).arg(total), false);
    });
    connect(m_auditRun, &lab::LabAuditRun::finished, this, &AuditPanel::onFinished);
    connect(m_auditRun, &lab::LabAuditRun::cancelled, this, &AuditPanel::onCancelled);
    m_progress->setRange(0, 0); // busy until the first request ends
    setRunning(true);
    setStatusText(m_status, tr("Auditing %1…").arg(m_url->text().trimmed()), false);
    return true;
}

bool AuditPanel::running() const
{
    return m_auditRun && m_auditRun->running();
}

void AuditPanel::cancel()
{
    if (m_auditRun)
        m_auditRun->cancel();
}

void AuditPanel::setRunning(bool running)
{
    m_progress->setVisible(running);
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
}

void AuditPanel::onFinished(const audit::AuditReport &report)
{
    setRunning(false);
    QList<AuditFindingsModel::Row> rows;
    for (const audit::AuditFinding &f : report.findings)
        rows.append({f, m_auditRun ? m_auditRun->evidenceIndexes(f) : QList<qsizetype>()});
    m_model->setRows(std::move(rows));
    m_table->resizeColumnsToContents();
    m_report = report;
    const bool flawed =
        !report.networkFailure.isEmpty() ||
        report.worstSeverity().value_or(audit::Severity::Info) > audit::Severity::Info;
    setStatusText(m_status, auditSummary(report), flawed);
    if (m_auditRun)
        m_auditRun->deleteLater();
    Q_EMIT finished(report);
}

void AuditPanel::onCancelled()
{
    setRunning(false);
    setStatusText(m_status,
                  tr("Cancelled after %1 of %2 requests; what was sent is in the session.")
                      .arg(m_progress->value())
                      .arg(m_progress->maximum()),
                  true);
    if (m_auditRun)
        m_auditRun->deleteLater();
}

void AuditPanel::showFinding(int row)
{
    if (row < 0 || row >= m_model->rowCount() || !m_report) {
        m_detail->clear();
        return;
    }
    const AuditFindingsModel::Row &r = m_model->row(row);
    m_detail->showFinding(r, m_report->fix);
    // The last exchange shows the whole pair: a preflighted request's preflight with it.
    for (auto it = r.evidence.crbegin(); it != r.evidence.crend(); ++it) {
        if (*it >= 0) {
            Q_EMIT exchangeSelected(*it);
            return;
        }
    }
}

void AuditPanel::showServerConfig()
{
    if (!m_report)
        return;
    // The audit's fix names the trusted origins themselves: no playground origin to resolve.
    auto *dialog =
        new ServerConfigDialog(m_report->fix.policy, policy::DemoOrigins{},
                               tr("the audit's fix for %1").arg(m_report->target.toString()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

QString AuditPanel::statusText() const
{
    return m_status->text();
}

} // namespace corslab::ui
