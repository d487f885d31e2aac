#include "composer_dialog.h"

#include "browser_comparison_table.h"
#include "check/check_json.h"

#include <QClipboard>
#include <QColor>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>

namespace corslab::ui {

namespace {

const QString kGroup = QStringLiteral("composer");
const QStringList kMethods{QStringLiteral("GET"),    QStringLiteral("POST"),
                           QStringLiteral("PUT"),    QStringLiteral("PATCH"),
                           QStringLiteral("DELETE"), QStringLiteral("OPTIONS"),
                           QStringLiteral("HEAD")};
constexpr cors::CredentialsMode kCredentialModes[] = {
    cors::CredentialsMode::Omit, cors::CredentialsMode::SameOrigin, cors::CredentialsMode::Include};

// fetch() throws a TypeError for a GET or HEAD with a body (Request constructor, step 34).
bool methodTakesBody(const QString &method)
{
    const QString m = method.trimmed().toUpper();
    return m != QLatin1String("GET") && m != QLatin1String("HEAD");
}

} // namespace

ComposerDialog::ComposerDialog(const policy::DemoOrigins &origins, QWidget *parent)
    : QDialog(parent), m_origins(origins)
{
    setWindowTitle(tr("Try a request"));
    setModal(false);

    m_origin = new QComboBox(this);
    m_origin->setObjectName(QStringLiteral("origin"));
    m_origin->setEditable(true);
    m_origin->setInsertPolicy(QComboBox::NoInsert);
    m_origin->addItem(QString::fromUtf8(origins.app));
    m_origin->setItemData(0, tr("the trusted app (same site as the API)"), Qt::ToolTipRole);
    m_origin->addItem(QString::fromUtf8(origins.evil));
    m_origin->setItemData(1, tr("the untrusted site (another site)"), Qt::ToolTipRole);
    m_origin->addItem(QString::fromUtf8(origins.api));
    m_origin->setItemData(2, tr("the API itself (same origin: CORS does not apply)"),
                          Qt::ToolTipRole);
    m_origin->setToolTip(tr("The origin of the page that calls fetch()"));

    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setPlaceholderText(tr("http://localhost:8080/public"));

    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("method"));
    m_method->setEditable(true);
    m_method->setInsertPolicy(QComboBox::NoInsert);
    m_method->addItems(kMethods);

    m_credentials = new QComboBox(this);
    m_credentials->setObjectName(QStringLiteral("credentials"));
    for (const cors::CredentialsMode mode : kCredentialModes)
        m_credentials->addItem(cors::credentialsModeName(mode), int(mode));
    m_credentials->setToolTip(tr("fetch()'s credentials option: whether cookies travel"));

    m_headers = new QTableWidget(0, 2, this);
    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->verticalHeader()->setVisible(false);
    m_headers->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_headers->setMinimumHeight(fontMetrics().height() * 6);
    m_addHeader = new QPushButton(tr("Add header"), this);
    m_addHeader->setObjectName(QStringLiteral("addHeader"));
    m_removeHeader = new QPushButton(tr("Remove"), this);
    m_removeHeader->setObjectName(QStringLiteral("removeHeader"));
    auto *headerButtons = new QVBoxLayout;
    headerButtons->addWidget(m_addHeader);
    headerButtons->addWidget(m_removeHeader);
    headerButtons->addStretch();
    auto *headerRow = new QHBoxLayout;
    headerRow->addWidget(m_headers, 1);
    headerRow->addLayout(headerButtons);

    m_body = new QPlainTextEdit(this);
    m_body->setObjectName(QStringLiteral("body"));
    m_body->setPlaceholderText(tr("Request body (not for GET or HEAD)"));
    m_body->setTabChangesFocus(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&Origin:"), m_origin);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&Credentials:"), m_credentials);
    form->addRow(tr("&Headers:"), headerRow);
    form->addRow(tr("&Body:"), m_body);
    // Buddies for the mnemonics of the two rows whose field is a layout or a composite.
    if (auto *label = qobject_cast<QLabel *>(form->labelForField(headerRow)))
        label->setBuddy(m_headers);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    auto *buttons = new QDialogButtonBox(this);
    m_send = buttons->addButton(tr("&Send"), QDialogButtonBox::ActionRole);
    m_send->setObjectName(QStringLiteral("send"));
    m_send->setDefault(true);
    m_send->setToolTip(tr("Send like a browser's fetch() (Ctrl+Return)"));
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_copyFetch = buttons->addButton(tr("Copy as &fetch()"), QDialogButtonBox::ActionRole);
    m_copyFetch->setObjectName(QStringLiteral("copyFetch"));
    m_checkAll = buttons->addButton(tr("Check in &all browsers"), QDialogButtonBox::ActionRole);
    m_checkAll->setObjectName(QStringLiteral("checkAll"));
    m_checkAll->setToolTip(tr("Send the request once as Chromium, Firefox and Safari would, on "
                              "the real wire, and compare what each lets the page do"));
    buttons->addButton(QDialogButtonBox::Close);
    m_comparison = new BrowserComparisonTable(this);
    m_comparison->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_comparison);
    layout->addWidget(buttons);

    connect(m_send, &QPushButton::clicked, this, &ComposerDialog::send);
    connect(m_copyFetch, &QPushButton::clicked, this, &ComposerDialog::copyAsFetch);
    connect(m_checkAll, &QPushButton::clicked, this, &ComposerDialog::checkInAllBrowsers);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_addHeader, &QPushButton::clicked, this, &ComposerDialog::addHeader);
    connect(m_removeHeader, &QPushButton::clicked, this, &ComposerDialog::removeSelectedHeaders);
    connect(m_method, &QComboBox::currentTextChanged, this, &ComposerDialog::updateBodyEnabled);

    if (!loadSettings()) {
        client::ComposedRequest defaults;
        defaults.origin = origins.app;
        defaults.url = QUrl(QString::fromUtf8(origins.api + "/public"));
        setRequest(defaults);
    }
    resize(sizeHint().expandedTo(QSize(fontMetrics().averageCharWidth() * 80, 0)));
}

ComposerDialog::~ComposerDialog()
{
    // The children outlive this destructor's body: the method box must not call back into a
    // half-destroyed dialog when it goes.
    disconnect(m_method, nullptr, this, nullptr);
    saveSettings(); // an app that quits with the dialog open keeps the form too
}

client::ComposedRequest ComposerDialog::request() const
{
    client::ComposedRequest r;
    r.origin = m_origin->currentText().trimmed().toUtf8();
    r.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    r.method = m_method->currentText().trimmed().toUtf8();
    r.credentials = cors::CredentialsMode(m_credentials->currentData().toInt());
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, 0);
        const QTableWidgetItem *value = m_headers->item(row, 1);
        const QString nameText = name ? name->text().trimmed() : QString();
        const QString valueText = value ? value->text() : QString();
        if (nameText.isEmpty() && valueText.trimmed().isEmpty())
            continue; // an untouched row from "Add header"
        r.headers.append({nameText.toUtf8(), valueText.trimmed().toUtf8()});
    }
    if (methodTakesBody(m_method->currentText()))
        r.body = m_body->toPlainText().toUtf8();
    return r;
}

void ComposerDialog::setRequest(const client::ComposedRequest &request)
{
    m_origin->setCurrentText(QString::fromUtf8(request.origin));
    m_url->setText(request.url.toString());
    m_method->setCurrentText(QString::fromUtf8(request.method));
    m_credentials->setCurrentIndex(m_credentials->findData(int(request.credentials)));
    m_headers->setRowCount(0);
    for (const auto &h : request.headers) {
        const int row = m_headers->rowCount();
        m_headers->insertRow(row);
        m_headers->setItem(row, 0, new QTableWidgetItem(QString::fromUtf8(h.first)));
        m_headers->setItem(row, 1, new QTableWidgetItem(QString::fromUtf8(h.second)));
    }
    m_body->setPlainText(QString::fromUtf8(request.body));
    updateBodyEnabled();
    showMessage({});
}

QString ComposerDialog::errorText() const
{
    return m_error;
}

std::optional<client::ComposedRequest> ComposerDialog::validatedRequest()
{
    const client::ComposedRequest r = request();
    // An unparsable URL reaches validate() empty; name what was typed instead.
    if (!r.url.isValid() || r.url.isEmpty()) {
        showError(tr("url: expected an absolute http:// or https:// URL, got \"%1\"")
                      .arg(m_url->text().trimmed()));
        m_url->setFocus();
        return std::nullopt;
    }
    // A value without a name would be dropped silently by request(): say so instead.
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, 0);
        const QTableWidgetItem *value = m_headers->item(row, 1);
        if ((!name || name->text().trimmed().isEmpty()) && value &&
            !value->text().trimmed().isEmpty()) {
            showError(tr("headers[%1].name: expected a header name such as X-Requested-With "
                         "for the value in row %2, got nothing")
                          .arg(row)
                          .arg(row + 1));
            m_headers->setCurrentCell(row, 0);
            m_headers->setFocus();
            return std::nullopt;
        }
    }
    QString error;
    if (!r.validate(&error)) {
        showError(error);
        // Focus the field the error names ("url: expected ...").
        const QString field = error.section(QLatin1Char(':'), 0, 0).trimmed().toLower();
        QWidget *target = nullptr;
        if (field.startsWith(QLatin1String("origin")))
            target = m_origin;
        else if (field.startsWith(QLatin1String("url")))
            target = m_url;
        else if (field.startsWith(QLatin1String("method")))
            target = m_method;
        else if (field.startsWith(QLatin1String("header")))
            target = m_headers;
        else if (field.startsWith(QLatin1String("credentials")))
            target = m_credentials;
        else if (field.startsWith(QLatin1String("body")))
            target = m_body;
        if (target)
            target->setFocus();
        return std::nullopt;
    }
    return r;
}

void ComposerDialog::send()
{
    const std::optional<client::ComposedRequest> r = validatedRequest();
    if (!r)
        return;
    saveSettings();
    showMessage(
        tr("Sent %1 %2 from %3: the exchanges are in the list.")
            .arg(QString::fromUtf8(r->method), r->url.toString(), QString::fromUtf8(r->origin)));
    Q_EMIT sendRequested(*r);
}

void ComposerDialog::checkInAllBrowsers()
{
    const std::optional<client::ComposedRequest> r = validatedRequest();
    if (!r)
        return;
    saveSettings();
    m_checkAll->setEnabled(false);
    showCheckProgress(0, int(check::kCheckBrowsers.size()));
    Q_EMIT checkAllRequested(*r);
}

void ComposerDialog::showCheckProgress(int done, int total)
{
    showMessage(tr("Checking in all browsers… %1 of %2").arg(done).arg(total));
}

void ComposerDialog::showBrowserComparison(const QList<check::CheckResult> &results)
{
    m_checkAll->setEnabled(true);
    m_comparison->showResults(results);
    m_comparison->show();
    const QStringList differences = check::browserDifferences(results);
    if (differences.isEmpty())
        showMessage(
            tr("All %1 browsers agree; the exchanges are in the list.").arg(results.size()));
    else
        showMessage(tr("The browsers differ: %1").arg(differences.join(QStringLiteral("; "))),
                    true);
}

void ComposerDialog::copyAsFetch()
{
    const std::optional<client::ComposedRequest> r = validatedRequest();
    if (!r)
        return;
    QGuiApplication::clipboard()->setText(client::fetchSnippet(*r));
    showMessage(tr("Copied the fetch() call, to run in the console of a page at %1.")
                    .arg(QString::fromUtf8(r->origin)));
}

void ComposerDialog::addHeader()
{
    const int row = m_headers->rowCount();
    m_headers->insertRow(row);
    m_headers->setItem(row, 0, new QTableWidgetItem);
    m_headers->setItem(row, 1, new QTableWidgetItem);
    m_headers->setCurrentCell(row, 0);
    m_headers->setFocus();
    m_headers->editItem(m_headers->item(row, 0));
}

void ComposerDialog::removeSelectedHeaders()
{
    QList<int> rows;
    for (const QModelIndex &index : m_headers->selectionModel()->selectedRows())
        rows << index.row();
    if (rows.isEmpty() && m_headers->currentRow() >= 0)
        rows << m_headers->currentRow();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (const int row : rows)
        m_headers->removeRow(row);
}

void ComposerDialog::hideEvent(QHideEvent *event)
{
    saveSettings(); // a closed form comes back as it was left, sent or not
    QDialog::hideEvent(event);
}

void ComposerDialog::showOutcome(const client::FetchOutcome &outcome)
{
    QString preflight;
    if (outcome.preflightFromCache)
        preflight = tr(" The preflight came from the cache.");
    else if (outcome.preflightSent)
        preflight = tr(" A preflight went first.");
    const int status = outcome.actualSent && !outcome.exchanges.isEmpty()
                           ? outcome.exchanges.constLast().status
                           : 0;
    if (!outcome.failure.isEmpty())
        showMessage(QStringLiteral("✗ ") + tr("Failed: %1").arg(outcome.failure), true);
    else if (outcome.exposed)
        showMessage(QStringLiteral("✓ ") +
                    tr("Exposed: the page can read the %1 response.").arg(status) + preflight);
    else
        showMessage(QStringLiteral("✗ ") +
                        tr("Blocked: %1.").arg(cors::corsErrorName(outcome.error)) + preflight +
                        (outcome.actualSent ? tr(" The server answered %1; the page cannot read "
                                                 "it.")
                                                  .arg(status)
                                            : tr(" The request itself was never sent.")),
                    true);
}

QString ComposerDialog::statusText() const
{
    return m_status->text();
}

void ComposerDialog::showError(const QString &error)
{
    showMessage(QStringLiteral("✗ ") + error, true);
    m_error = error;
}

void ComposerDialog::showMessage(const QString &message, bool alert)
{
    m_error.clear();
    // The cross and the bold type say "error" without relying on the colour; this red stays
    // readable on light and dark backgrounds.
    QPalette palette = this->palette();
    if (alert)
        palette.setColor(QPalette::WindowText, QColor(0xe0, 0x40, 0x40));
    m_status->setPalette(palette);
    QFont font = this->font();
    font.setBold(alert);
    m_status->setFont(font);
    m_status->setText(message);
    m_status->setVisible(!message.isEmpty());
}

void ComposerDialog::updateBodyEnabled()
{
    const bool takesBody = methodTakesBody(m_method->currentText());
    m_body->setEnabled(takesBody);
    m_body->setToolTip(takesBody ? QString() : tr("fetch() refuses a body with GET and HEAD"));
}

void ComposerDialog::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(kGroup);
    settings.setValue(QStringLiteral("origin"), m_origin->currentText());
    settings.setValue(QStringLiteral("url"), m_url->text());
    settings.setValue(QStringLiteral("method"), m_method->currentText());
    settings.setValue(QStringLiteral("credentials"), m_credentials->currentText());
    QStringList names;
    QStringList values;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, 0);
        const QTableWidgetItem *value = m_headers->item(row, 1);
        names << (name ? name->text() : QString());
        values << (value ? value->text() : QString());
    }
    settings.setValue(QStringLiteral("headerNames"), names);
    settings.setValue(QStringLiteral("headerValues"), values);
    settings.setValue(QStringLiteral("body"), m_body->toPlainText());
}

bool ComposerDialog::loadSettings()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    if (!settings.contains(QStringLiteral("url")))
        return false;
    client::ComposedRequest r;
    r.origin = settings.value(QStringLiteral("origin")).toString().toUtf8();
    r.url = QUrl(settings.value(QStringLiteral("url")).toString());
    r.method = settings.value(QStringLiteral("method"), QStringLiteral("GET")).toString().toUtf8();
    const QString credentials = settings.value(QStringLiteral("credentials")).toString();
    for (const cors::CredentialsMode mode : kCredentialModes) {
        if (cors::credentialsModeName(mode) == credentials)
            r.credentials = mode;
    }
    const QStringList names = settings.value(QStringLiteral("headerNames")).toStringList();
    const QStringList values = settings.value(QStringLiteral("headerValues")).toStringList();
    for (qsizetype i = 0; i < names.size(); ++i)
        r.headers.append({names[i].toUtf8(), values.value(i).toUtf8()});
    r.body = settings.value(QStringLiteral("body")).toString().toUtf8();
    setRequest(r);
    // As typed, even when it does not parse: the user was still editing it.
    m_url->setText(settings.value(QStringLiteral("url")).toString());
    return true;
}

} // namespace corslab::ui
