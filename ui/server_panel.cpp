#include "server_panel.h"

#include "base/header_list.h"
#include "cors/origin.h"
#include "scrolling_panel.h"
#include "server/playground_server.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <optional>

namespace corslab::ui {

using policy::CorsPolicy;

namespace {

const QString kPlaceholderHelp = QStringLiteral(
    "One origin per line, exactly as browsers send it in the Origin header: scheme://host[:port], "
    "lowercase, no path, no trailing slash.\n"
    "Placeholders stand for the demo origins, whatever ports they got:\n"
    "  {api}  the API itself (http://localhost:P)\n"
    "  {app}  the trusted app, same site as the API (http://localhost:Q)\n"
    "  {evil} the untrusted page, another site (http://127.0.0.1:R)\n"
    "\"null\" is accepted (it is what sandboxed iframes send) and flagged as dangerous.");

const QString kTokenChars = QStringLiteral("letters, digits and !#$%&'*+-.^_`|~");

/// The origins of the allowlist editor, or nullopt with \a error naming the bad line.
std::optional<QStringList> parseOrigins(const QString &text, QString *error)
{
    QStringList out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        if (line == QLatin1String("{api}") || line == QLatin1String("{app}") ||
            line == QLatin1String("{evil}") || line == QLatin1String("null")) {
            out << line;
            continue;
        }
        cors::Origin origin;
        QString why;
        if (!cors::Origin::parse(line, &origin, &why)) {
            *error = QObject::tr("line %1: %2").arg(i + 1).arg(why);
            return std::nullopt;
        }
        // The allowlist compares bytes with the Origin header, so a spelling browsers never send
        // (upper case, a default port) would silently match nothing.
        if (QString::fromLatin1(origin.serialize()) != line) {
            *error = QObject::tr("line %1: expected the origin as browsers send it, \"%2\", got "
                                 "\"%3\"")
                         .arg(i + 1)
                         .arg(QString::fromLatin1(origin.serialize()), line);
            return std::nullopt;
        }
        out << line;
    }
    return out;
}

/// Comma-separated HTTP tokens (methods or header names), or nullopt with \a error.
std::optional<QStringList> parseTokens(const QString &text, const QString &example, QString *error)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','))) {
        const QString token = part.trimmed();
        if (token.isEmpty())
            continue;
        const QByteArray bytes = token.toLatin1();
        if (QString::fromLatin1(bytes) != token || !base::isHttpToken(bytes)) {
            *error = QObject::tr("expected names made of %1, separated by commas (e.g. %2), got "
                                 "\"%3\"")
                         .arg(kTokenChars, example, token);
            return std::nullopt;
        }
        out << token;
    }
    return out;
}

/// "Name: value" lines, or nullopt with \a error naming the bad line.
std::optional<base::HeaderList> parseHeaderLines(const QString &text, QString *error)
{
    base::HeaderList out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        const QString name = colon < 0 ? QString() : line.left(colon).trimmed();
        const QString value = colon < 0 ? QString() : line.mid(colon + 1).trimmed();
        const QByteArray nameBytes = name.toLatin1();
        if (colon < 0 || QString::fromLatin1(nameBytes) != name || !base::isHttpToken(nameBytes)) {
            *error = QObject::tr("line %1: expected \"Name: value\" with a header name made of "
                                 "%2, got \"%3\"")
                         .arg(i + 1)
                         .arg(kTokenChars, line);
            return std::nullopt;
        }
        const QByteArray valueBytes = value.toLatin1();
        if (QString::fromLatin1(valueBytes) != value || valueBytes.contains('\0')) {
            *error = QObject::tr("line %1: expected a Latin-1 header value, got \"%2\"")
                         .arg(i + 1)
                         .arg(value);
            return std::nullopt;
        }
        out.append({nameBytes, valueBytes});
    }
    return out;
}

/// The origin pattern, or nullopt with \a error; empty is valid unless \a required.
std::optional<QString> parsePattern(const QString &text, bool required, QString *error)
{
    if (text.isEmpty()) {
        if (!required)
            return text;
        *error = QObject::tr("expected a regular expression matched against the Origin, e.g. "
                             "^http://localhost:\\d+$");
        return std::nullopt;
    }
    const QRegularExpression re(text);
    if (!re.isValid()) {
        *error = QObject::tr("expected a valid regular expression: %1 at offset %2")
                     .arg(re.errorString())
                     .arg(re.patternErrorOffset());
        return std::nullopt;
    }
    return text;
}

QString joinNames(const QStringList &names)
{
    return names.join(QStringLiteral(", "));
}

/// The preset \a policy equals field for field (its name aside), or "custom".
QString presetNameOf(const CorsPolicy &policy)
{
    for (CorsPolicy preset : CorsPolicy::presets()) {
        const QString name = preset.name;
        preset.name = policy.name;
        if (preset == policy)
            return name;
    }
    return QStringLiteral("custom");
}

QLabel *makeErrorLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

/// Shows \a error (with a ✗, so colour is not the only signal) or hides the label.
void showError(QLabel *label, const QString &error)
{
    label->setText(error.isEmpty() ? QString() : QStringLiteral("✗ ") + error);
    label->setVisible(!error.isEmpty());
}

void addListModes(QComboBox *combo)
{
    combo->addItem(QObject::tr("none (no header)"), int(CorsPolicy::ListMode::None));
    combo->addItem(QObject::tr("list"), int(CorsPolicy::ListMode::List));
    combo->addItem(QObject::tr("* (wildcard)"), int(CorsPolicy::ListMode::Wildcard));
    combo->addItem(QObject::tr("echo what was requested"), int(CorsPolicy::ListMode::Echo));
}

void selectData(QComboBox *combo, int value)
{
    combo->setCurrentIndex(combo->findData(value));
}

} // namespace

ServerPanel::ServerPanel(server::PlaygroundServer *playground, const QString &unavailableReason,
                         QWidget *parent)
    : QWidget(parent), m_playground(playground)
{
    QWidget *content = addScrollingContent(this);

    auto *layout = new QVBoxLayout(content);
    m_status = new QLabel(content);
    m_status->setObjectName(QStringLiteral("serverStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_policyForm = buildPolicyForm();
    layout->addWidget(m_policyForm);
    layout->addWidget(buildCookieForm());
    layout->addWidget(buildDemoUrls());
    layout->addStretch(1);

    if (m_playground) {
        fillFields(m_playground->policy());
        connect(m_playground, &server::PlaygroundServer::policyChanged, this,
                &ServerPanel::onPolicyChangedElsewhere);
    } else {
        // Nothing to edit: the fields would change a server that does not exist.
        m_policyForm->setEnabled(false);
        m_sameSite->setEnabled(false);
        m_secure->setEnabled(false);
    }
    setServerState(unavailableReason);
}

QWidget *ServerPanel::buildPolicyForm()
{
    auto *box = new QGroupBox(tr("CORS policy"), this);
    auto *form = new QFormLayout(box);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_preset = new QComboBox(box);
    m_preset->setObjectName(QStringLiteral("preset"));
    m_preset->addItem(tr("custom"));
    m_preset->addItems(CorsPolicy::presetNames());
    m_preset->setToolTip(tr("Picking a preset applies it at once; editing any field below makes "
                            "the policy \"custom\"."));
    form->addRow(tr("Preset"), m_preset);

    m_originMode = new QComboBox(box);
    m_originMode->setObjectName(QStringLiteral("originMode"));
    m_originMode->addItem(tr("none (no header)"), int(CorsPolicy::OriginMode::None));
    m_originMode->addItem(tr("* (any origin)"), int(CorsPolicy::OriginMode::Wildcard));
    m_originMode->addItem(tr("echo the request's Origin"), int(CorsPolicy::OriginMode::Echo));
    m_originMode->addItem(tr("allowlist"), int(CorsPolicy::OriginMode::Allowlist));
    m_originMode->addItem(tr("pattern (regular expression)"), int(CorsPolicy::OriginMode::Pattern));
    m_originMode->setToolTip(tr("What Access-Control-Allow-Origin answers."));
    form->addRow(tr("Allow-Origin"), m_originMode);

    m_allowlist = new QPlainTextEdit(box);
    m_allowlist->setObjectName(QStringLiteral("allowlist"));
    m_allowlist->setTabChangesFocus(true);
    m_allowlist->setFixedHeight(fontMetrics().lineSpacing() * 4 + 12);
    m_allowlist->setPlaceholderText(QStringLiteral("{app}\nhttps://app.example.com"));
    m_allowlist->setToolTip(kPlaceholderHelp);
    m_allowlistError = makeErrorLabel(QStringLiteral("allowlistError"), box);
    form->addRow(tr("Allowlist"), m_allowlist);
    form->addRow(QString(), m_allowlistError);

    m_pattern = new QLineEdit(box);
    m_pattern->setObjectName(QStringLiteral("pattern"));
    m_pattern->setPlaceholderText(QStringLiteral("^http://localhost:\\d+$"));
    m_pattern->setToolTip(tr("A regular expression matched against the Origin as written: without "
                             "^ and $ it matches anywhere, the classic bypass."));
    m_patternError = makeErrorLabel(QStringLiteral("patternError"), box);
    form->addRow(tr("Pattern"), m_pattern);
    form->addRow(QString(), m_patternError);

    m_credentials = new QCheckBox(tr("Access-Control-Allow-Credentials: true"), box);
    m_credentials->setObjectName(QStringLiteral("credentials"));
    form->addRow(m_credentials);

    m_methodsMode = new QComboBox(box);
    m_methodsMode->setObjectName(QStringLiteral("methodsMode"));
    addListModes(m_methodsMode);
    m_methodsMode->setToolTip(tr("Access-Control-Allow-Methods on preflights."));
    m_methods = new QLineEdit(box);
    m_methods->setObjectName(QStringLiteral("methods"));
    m_methods->setPlaceholderText(QStringLiteral("GET, POST, PUT, DELETE"));
    m_methodsError = makeErrorLabel(QStringLiteral("methodsError"), box);
    form->addRow(tr("Allow-Methods"), m_methodsMode);
    form->addRow(QString(), m_methods);
    form->addRow(QString(), m_methodsError);

    m_headersMode = new QComboBox(box);
    m_headersMode->setObjectName(QStringLiteral("headersMode"));
    addListModes(m_headersMode);
    m_headersMode->setToolTip(tr("Access-Control-Allow-Headers on preflights."));
    m_headers = new QLineEdit(box);
    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setPlaceholderText(QStringLiteral("Content-Type, X-Requested-With"));
    m_headersError = makeErrorLabel(QStringLiteral("headersError"), box);
    form->addRow(tr("Allow-Headers"), m_headersMode);
    form->addRow(QString(), m_headers);
    form->addRow(QString(), m_headersError);

    m_expose = new QLineEdit(box);
    m_expose->setObjectName(QStringLiteral("expose"));
    m_expose->setPlaceholderText(QStringLiteral("X-Total-Count"));
    m_expose->setToolTip(tr("Access-Control-Expose-Headers on actual responses: the response "
                            "headers JavaScript may read beyond the safelisted ones."));
    m_exposeError = makeErrorLabel(QStringLiteral("exposeError"), box);
    form->addRow(tr("Expose-Headers"), m_expose);
    form->addRow(QString(), m_exposeError);

    auto *maxAgeRow = new QWidget(box);
    auto *maxAgeLayout = new QHBoxLayout(maxAgeRow);
    maxAgeLayout->setContentsMargins(0, 0, 0, 0);
    m_maxAgeEnabled = new QCheckBox(maxAgeRow);
    m_maxAgeEnabled->setObjectName(QStringLiteral("maxAgeEnabled"));
    m_maxAgeEnabled->setToolTip(tr("Send Access-Control-Max-Age on preflights; off: no header "
                                   "(browsers then cache a preflight for 5 s)."));
    m_maxAge = new QSpinBox(maxAgeRow);
    m_maxAge->setObjectName(QStringLiteral("maxAge"));
    m_maxAge->setRange(0, 1000000000);
    m_maxAge->setSuffix(tr(" s"));
    m_maxAge->setAccelerated(true);
    maxAgeLayout->addWidget(m_maxAgeEnabled);
    maxAgeLayout->addWidget(m_maxAge, 1);
    form->addRow(tr("Max-Age"), maxAgeRow);

    m_vary = new QCheckBox(tr("Vary: Origin"), box);
    m_vary->setObjectName(QStringLiteral("vary"));
    m_vary->setToolTip(tr("Tells caches that the answer depends on the Origin header."));
    form->addRow(m_vary);

    m_answerPreflight = new QCheckBox(tr("Answer preflights (off: OPTIONS gets 404)"), box);
    m_answerPreflight->setObjectName(QStringLiteral("answerPreflight"));
    form->addRow(m_answerPreflight);
    m_preflightStatus = new QSpinBox(box);
    m_preflightStatus->setObjectName(QStringLiteral("preflightStatus"));
    m_preflightStatus->setRange(100, 599);
    m_preflightStatus->setToolTip(tr("The preflight's status; browsers need 2xx."));
    form->addRow(tr("Preflight status"), m_preflightStatus);

    m_extraHeaders = new QPlainTextEdit(box);
    m_extraHeaders->setObjectName(QStringLiteral("extraHeaders"));
    m_extraHeaders->setTabChangesFocus(true);
    m_extraHeaders->setFixedHeight(fontMetrics().lineSpacing() * 4 + 12);
    m_extraHeaders->setPlaceholderText(QStringLiteral("Access-Control-Allow-Origin: null"));
    m_extraHeaders->setToolTip(tr("\"Name: value\" per line, added verbatim to every response, to "
                                  "reproduce broken servers (a second Allow-Origin, a trailing "
                                  "slash, null)."));
    m_extraHeadersError = makeErrorLabel(QStringLiteral("extraHeadersError"), box);
    form->addRow(tr("Extra headers"), m_extraHeaders);
    form->addRow(QString(), m_extraHeadersError);

    m_dangers = new QLabel(box);
    m_dangers->setObjectName(QStringLiteral("dangers"));
    m_dangers->setWordWrap(true);
    m_dangers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_dangers);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &ServerPanel::applyPreset);
    for (QComboBox *combo : {m_originMode, m_methodsMode, m_headersMode})
        connect(combo, &QComboBox::currentIndexChanged, this, &ServerPanel::applyFields);
    for (QPlainTextEdit *edit : {m_allowlist, m_extraHeaders})
        connect(edit, &QPlainTextEdit::textChanged, this, &ServerPanel::applyFields);
    for (QLineEdit *edit : {m_pattern, m_methods, m_headers, m_expose})
        connect(edit, &QLineEdit::textChanged, this, &ServerPanel::applyFields);
    for (QCheckBox *check : {m_credentials, m_maxAgeEnabled, m_vary, m_answerPreflight})
        connect(check, &QCheckBox::toggled, this, &ServerPanel::applyFields);
    for (QSpinBox *spin : {m_maxAge, m_preflightStatus})
        connect(spin, &QSpinBox::valueChanged, this, &ServerPanel::applyFields);
    return box;
}

QWidget *ServerPanel::buildCookieForm()
{
    auto *box = new QGroupBox(tr("Login cookie"), this);
    auto *form = new QFormLayout(box);
    m_sameSite = new QComboBox(box);
    m_sameSite->setObjectName(QStringLiteral("cookieSameSite"));
    m_sameSite->addItems({QStringLiteral("Lax"), QStringLiteral("Strict"), QStringLiteral("None")});
    m_sameSite->setToolTip(tr("SameSite attribute of the session cookie /login sets."));
    form->addRow(tr("SameSite"), m_sameSite);
    m_secure = new QCheckBox(tr("Secure"), box);
    m_secure->setObjectName(QStringLiteral("cookieSecure"));
    form->addRow(m_secure);
    m_cookieNote = new QLabel(box);
    m_cookieNote->setObjectName(QStringLiteral("cookieNote"));
    m_cookieNote->setWordWrap(true);
    m_cookieNote->hide();
    form->addRow(m_cookieNote);
    connect(m_sameSite, &QComboBox::currentIndexChanged, this, &ServerPanel::applyCookieOptions);
    connect(m_secure, &QCheckBox::toggled, this, &ServerPanel::applyCookieOptions);
    return box;
}

QWidget *ServerPanel::demoUrlRow(const QString &objectName, QLineEdit **urlField)
{
    auto *row = new QWidget(m_urls);
    auto *grid = new QGridLayout(row);
    grid->setContentsMargins(0, 0, 0, 0);
    auto *url = new QLineEdit(row);
    url->setObjectName(objectName);
    url->setReadOnly(true);
    auto *open = new QPushButton(tr("Open in browser"), row);
    open->setObjectName(objectName + QStringLiteral("Open"));
    auto *copy = new QPushButton(tr("Copy URL"), row);
    copy->setObjectName(objectName + QStringLiteral("Copy"));
    grid->addWidget(url, 0, 0, 1, 2);
    grid->addWidget(open, 1, 0);
    grid->addWidget(copy, 1, 1);
    connect(open, &QPushButton::clicked, this,
            [this, url] { Q_EMIT openInBrowserRequested(QUrl(url->text())); });
    connect(copy, &QPushButton::clicked, this,
            [url] { QGuiApplication::clipboard()->setText(url->text()); });
    *urlField = url;
    return row;
}

QWidget *ServerPanel::buildDemoUrls()
{
    m_urls = new QGroupBox(tr("Demo origins"), this);
    auto *form = new QFormLayout(m_urls);
    form->setRowWrapPolicy(QFormLayout::WrapAllRows);
    form->addRow(tr("API (its /public endpoint)"), demoUrlRow(QStringLiteral("apiUrl"), &m_apiUrl));
    form->addRow(tr("Trusted app (same site as the API)"),
                 demoUrlRow(QStringLiteral("appUrl"), &m_appUrl));
    form->addRow(tr("Untrusted site (another site)"),
                 demoUrlRow(QStringLiteral("evilUrl"), &m_evilUrl));
    return m_urls;
}

void ServerPanel::setServerState(const QString &unavailableReason)
{
    const bool running = m_playground && m_playground->isRunning();
    if (running) {
        const policy::DemoOrigins origins = m_playground->origins();
        m_status->setText(tr("● Playground running on %1").arg(QString::fromLatin1(origins.api)));
        m_apiUrl->setText(QString::fromLatin1(origins.api + "/public"));
        m_appUrl->setText(m_playground->appPageUrl().toString());
        m_evilUrl->setText(m_playground->evilPageUrl().toString());
    } else {
        const QString why = unavailableReason.isEmpty() ? tr("it is stopped") : unavailableReason;
        m_status->setText(m_playground
                              ? tr("✗ The playground server is not running: %1. Policy changes "
                                   "apply when it starts.")
                                    .arg(why)
                              : tr("✗ The playground server is not running: %1.").arg(why));
        for (QLineEdit *url : {m_apiUrl, m_appUrl, m_evilUrl})
            url->clear();
    }
    m_urls->setEnabled(running);
}

void ServerPanel::fillFields(const CorsPolicy &p)
{
    m_filling = true;
    selectData(m_originMode, int(p.allowOrigin));
    m_allowlist->setPlainText(p.allowedOrigins.join(QLatin1Char('\n')));
    m_pattern->setText(p.originPattern);
    m_credentials->setChecked(p.allowCredentials);
    selectData(m_methodsMode, int(p.allowMethods));
    m_methods->setText(joinNames(p.methods));
    selectData(m_headersMode, int(p.allowHeaders));
    m_headers->setText(joinNames(p.headers));
    m_expose->setText(joinNames(p.exposeHeaders));
    m_maxAgeEnabled->setChecked(p.maxAge.has_value());
    m_maxAge->setValue(p.maxAge.value_or(600));
    m_vary->setChecked(p.varyOrigin);
    m_answerPreflight->setChecked(p.answerPreflight);
    m_preflightStatus->setValue(p.preflightStatus);
    QStringList extra;
    for (const auto &[name, value] : p.extraHeaders)
        extra << QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value);
    m_extraHeaders->setPlainText(extra.join(QLatin1Char('\n')));
    for (QLabel *error : {m_allowlistError, m_patternError, m_methodsError, m_headersError,
                          m_exposeError, m_extraHeadersError})
        showError(error, {});
    m_filling = false;
    showPolicyState(p);
}

void ServerPanel::showPolicyState(const CorsPolicy &policy)
{
    m_filling = true;
    const int preset = m_preset->findText(presetNameOf(policy));
    m_preset->setCurrentIndex(preset < 0 ? 0 : preset);
    m_filling = false;

    const QStringList dangers = policy.dangers();
    QStringList lines;
    for (const QString &danger : dangers)
        lines << QStringLiteral("⚠ ") + danger;
    m_dangers->setText(lines.isEmpty() ? tr("✓ No known weakness in this policy.")
                                       : lines.join(QLatin1Char('\n')));
    updateModeDependentFields();
}

void ServerPanel::updateModeDependentFields()
{
    const auto originMode = CorsPolicy::OriginMode(m_originMode->currentData().toInt());
    m_allowlist->setEnabled(originMode == CorsPolicy::OriginMode::Allowlist);
    m_pattern->setEnabled(originMode == CorsPolicy::OriginMode::Pattern);
    m_methods->setEnabled(CorsPolicy::ListMode(m_methodsMode->currentData().toInt()) ==
                          CorsPolicy::ListMode::List);
    m_headers->setEnabled(CorsPolicy::ListMode(m_headersMode->currentData().toInt()) ==
                          CorsPolicy::ListMode::List);
    m_maxAge->setEnabled(m_maxAgeEnabled->isChecked());
    m_preflightStatus->setEnabled(m_answerPreflight->isChecked());
}

void ServerPanel::applyFields()
{
    if (m_filling || !m_playground)
        return;
    const CorsPolicy inForce = m_playground->policy();
    CorsPolicy p = inForce;

    // Each field replaces its part of the policy in force only when valid; a mode is switched
    // only when the input it relies on is valid, so an empty or broken pattern never goes live.
    const auto originMode = CorsPolicy::OriginMode(m_originMode->currentData().toInt());
    QString error;
    const auto origins = parseOrigins(m_allowlist->toPlainText(), &error);
    showError(m_allowlistError, origins ? QString() : error);
    if (origins)
        p.allowedOrigins = *origins;
    error.clear();
    const auto pattern =
        parsePattern(m_pattern->text(), originMode == CorsPolicy::OriginMode::Pattern, &error);
    showError(m_patternError, pattern ? QString() : error);
    if (pattern)
        p.originPattern = *pattern;
    if ((originMode != CorsPolicy::OriginMode::Allowlist || origins) &&
        (originMode != CorsPolicy::OriginMode::Pattern || pattern))
        p.allowOrigin = originMode;

    p.allowCredentials = m_credentials->isChecked();

    const auto applyList = [](QComboBox *modeCombo, QLineEdit *edit, QLabel *errorLabel,
                              const QString &example, CorsPolicy::ListMode *mode,
                              QStringList *values) {
        const auto chosen = CorsPolicy::ListMode(modeCombo->currentData().toInt());
        QString why;
        const auto parsed = parseTokens(edit->text(), example, &why);
        showError(errorLabel, parsed ? QString() : why);
        if (parsed)
            *values = *parsed;
        if (chosen != CorsPolicy::ListMode::List || parsed)
            *mode = chosen;
    };
    applyList(m_methodsMode, m_methods, m_methodsError, QStringLiteral("GET, PUT"), &p.allowMethods,
              &p.methods);
    applyList(m_headersMode, m_headers, m_headersError,
              QStringLiteral("Content-Type, X-Requested-With"), &p.allowHeaders, &p.headers);

    error.clear();
    const auto expose = parseTokens(m_expose->text(), QStringLiteral("X-Total-Count"), &error);
    showError(m_exposeError, expose ? QString() : error);
    if (expose)
        p.exposeHeaders = *expose;

    p.maxAge = m_maxAgeEnabled->isChecked() ? std::optional<int>(m_maxAge->value()) : std::nullopt;
    p.varyOrigin = m_vary->isChecked();
    p.answerPreflight = m_answerPreflight->isChecked();
    p.preflightStatus = m_preflightStatus->value();

    error.clear();
    const auto extra = parseHeaderLines(m_extraHeaders->toPlainText(), &error);
    showError(m_extraHeadersError, extra ? QString() : error);
    if (extra)
        p.extraHeaders = *extra;

    p.name = presetNameOf(p);
    if (p != inForce) {
        m_applying = true;
        m_playground->setPolicy(p);
        m_applying = false;
    }
    showPolicyState(p);
}

void ServerPanel::applyPreset(int index)
{
    if (m_filling || !m_playground || index <= 0)
        return; // index 0 is "custom": nothing to apply
    const auto preset = CorsPolicy::preset(m_preset->itemText(index));
    if (!preset)
        return;
    m_applying = true;
    m_playground->setPolicy(*preset);
    m_applying = false;
    fillFields(*preset);
}

void ServerPanel::onPolicyChangedElsewhere()
{
    if (m_applying)
        return;
    fillFields(m_playground->policy());
}

server::CookieOptions ServerPanel::cookieOptions() const
{
    server::CookieOptions options;
    options.sameSite = m_sameSite->currentText().toLatin1();
    options.secure = m_secure->isChecked();
    return options;
}

void ServerPanel::setCookieOptions(const server::CookieOptions &options)
{
    m_filling = true;
    const int index = m_sameSite->findText(QString::fromLatin1(options.sameSite));
    m_sameSite->setCurrentIndex(index < 0 ? 0 : index);
    m_secure->setChecked(options.secure);
    m_filling = false;
    applyCookieOptions();
}

void ServerPanel::applyCookieOptions()
{
    if (m_filling)
        return;
    const server::CookieOptions options = cookieOptions();
    if (m_playground)
        m_playground->setCookieOptions(options);
    // Chromium drops a SameSite=None cookie without Secure; say so rather than let login fail
    // silently in the browser.
    m_cookieNote->setText(options.sameSite == "None" && !options.secure
                              ? tr("⚠ Browsers reject SameSite=None cookies without Secure: the "
                                   "login will not stick.")
                              : QString());
    m_cookieNote->setVisible(!m_cookieNote->text().isEmpty());
}

} // namespace corslab::ui
