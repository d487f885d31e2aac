#include "empty_state_widget.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace corslab::ui {

EmptyStateWidget::EmptyStateWidget(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);
    auto *title = new QLabel(tr("<h2>No exchanges yet</h2>"
                                "<p>CORS Lab shows every cross-origin request, its preflight and "
                                "why the browser allows or blocks it. Three ways to start:</p>"),
                             this);
    title->setAlignment(Qt::AlignCenter);
    title->setWordWrap(true);
    outer->addWidget(title);

    auto *grid = new QGridLayout;
    auto addStep = [&](int row, const QString &button, const QString &objectName, QLabel *text) {
        auto *b = new QPushButton(button, this);
        b->setObjectName(objectName);
        b->setMinimumWidth(260);
        text->setWordWrap(true);
        text->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(row + 1), this), row, 0,
                        Qt::AlignTop);
        grid->addWidget(b, row, 1, Qt::AlignTop);
        grid->addWidget(text, row, 2);
        return b;
    };
    m_playground = new QLabel(this);
    auto *scenarioText =
        new QLabel(tr("Nine one-click lessons run for real against the playground: a simple GET, "
                      "a JSON POST and its preflight, credentials, exposed headers, Max-Age…"),
                   this);
    m_ownApp = new QLabel(this);
    connect(addStep(0, tr("Open the playground in a browser"), QStringLiteral("openPlayground"),
                    m_playground),
            &QPushButton::clicked, this, &EmptyStateWidget::openPlaygroundRequested);
    connect(
        addStep(1, tr("Try the classic scenarios"), QStringLiteral("tryScenarios"), scenarioText),
        &QPushButton::clicked, this, &EmptyStateWidget::scenariosRequested);
    connect(addStep(2, tr("Inspect my own app"), QStringLiteral("inspectOwnApp"), m_ownApp),
            &QPushButton::clicked, this, &EmptyStateWidget::inspectOwnAppRequested);
    grid->setColumnStretch(2, 1);
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(14);
    auto *centered = new QHBoxLayout;
    centered->addStretch(1);
    centered->addLayout(grid, 4);
    centered->addStretch(1);
    outer->addLayout(centered);
    outer->addStretch(2);
    updateTexts();
}

void EmptyStateWidget::setProxyAddress(const QString &address)
{
    m_proxyAddress = address;
    updateTexts();
}

void EmptyStateWidget::setPlaygroundUrl(const QString &url)
{
    m_playgroundUrl = url;
    updateTexts();
}

void EmptyStateWidget::updateTexts()
{
    m_playground->setText(
        tr("Starts Chromium through the proxy at %1: press the page's buttons and watch each "
           "request appear here.")
            .arg(m_playgroundUrl.isEmpty() ? tr("the trusted app page") : m_playgroundUrl));
    m_ownApp->setText(
        m_proxyAddress.isEmpty()
            ? tr("Start the proxy (Capture menu), then point your browser at it, or put it in "
                 "front of your API in reverse mode (Proxy panel).")
            : tr("Point your browser at the proxy <code>%1</code> "
                 "(<code>--proxy-server=http://%1</code>), or switch the Proxy panel to reverse "
                 "mode in front of your API and load your app through it.")
                  .arg(m_proxyAddress));
}

} // namespace corslab::ui
