#include "server_config_dialog.h"

#include "config/server_config.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace corslab::ui {

ServerConfigDialog::ServerConfigDialog(const policy::CorsPolicy &policy,
                                       const policy::DemoOrigins &origins, const QString &what,
                                       QWidget *parent)
    : QDialog(parent), m_policy(policy), m_origins(origins)
{
    setWindowTitle(tr("Server configuration"));
    resize(760, 560);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("The configuration that makes a real server answer like %1. "
                                "Pick your server or framework, copy, paste.")
                                 .arg(what.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Server"), this));
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("serverTarget"));
    for (const config::ServerTarget &t : config::serverTargets())
        m_target->addItem(t.displayName, t.name);
    row->addWidget(m_target, 1);
    layout->addLayout(row);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("configText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_text, 1);
    m_notes = new QLabel(this);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_notes);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyConfig"));
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_text->toPlainText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    // The user's server rarely changes: start on the last one chosen.
    const QString last = QSettings().value(QStringLiteral("serverConfig/target")).toString();
    const int index = m_target->findData(last);
    m_target->setCurrentIndex(index < 0 ? 0 : index);
    connect(m_target, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(QStringLiteral("serverConfig/target"), m_target->currentData());
        regenerate();
    });
    regenerate();
}

void ServerConfigDialog::selectTarget(const QString &name)
{
    const int index = m_target->findData(name);
    if (index >= 0)
        m_target->setCurrentIndex(index);
}

QString ServerConfigDialog::configText() const
{
    return m_text->toPlainText();
}

QString ServerConfigDialog::notesText() const
{
    return m_notes->text();
}

void ServerConfigDialog::regenerate()
{
    const std::optional<config::ServerKind> kind =
        config::serverKindNamed(m_target->currentData().toString());
    if (!kind)
        return;
    const config::GeneratedConfig config = config::generateServerConfig(m_policy, m_origins, *kind);
    m_text->setPlainText(config.text);
    QStringList notes;
    for (const QString &n : config.notes)
        notes << QStringLiteral("⚠ ") + n;
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
}

} // namespace corslab::ui
