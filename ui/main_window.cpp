#include "main_window.h"

#include "cors/browser_profile.h"
#include "server/playground_server.h"
#include "session/exchange_judge.h"

#include <QApplication>
#include <QDateTime>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace corslab;

MainWindow::MainWindow(server::PlaygroundServer *playground, const QString &startError,
                       QWidget *parent)
    : QMainWindow(parent), m_playground(playground),
      m_judge(cors::BrowserProfile::get(cors::Browser::Chromium))
{
    setWindowTitle(QStringLiteral("CORS Lab"));
    resize(1200, 760);
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_origins = new QLabel(central);
    m_origins->setTextFormat(Qt::RichText);
    m_origins->setOpenExternalLinks(true);
    m_origins->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_origins->setWordWrap(true);
    layout->addWidget(m_origins);
    m_log = new QPlainTextEdit(central);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(
        tr("Exchanges with the playground appear here, each with the engine's verdict."));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_log->setFont(mono);
    layout->addWidget(m_log, 1);
    setCentralWidget(central);

    if (!m_playground || !m_playground->isRunning()) {
        m_origins->setText(
            tr("<b>The playground server did not start:</b> %1").arg(startError.toHtmlEscaped()));
        statusBar()->showMessage(tr("Playground stopped"));
        return;
    }
    const server::DemoOrigins o = m_playground->origins();
    auto link = [](const QByteArray &origin) {
        const QString url = QString::fromLatin1(origin) + QLatin1Char('/');
        return QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped());
    };
    m_origins->setText(tr("<b>Playground running</b> — policy <i>%1</i><br>"
                          "API origin: <code>%2</code><br>"
                          "Trusted app (same site as the API): %3<br>"
                          "Untrusted site (another site): %4<br>"
                          "Open a page in your browser and press its buttons.")
                           .arg(m_playground->policy().name.toHtmlEscaped(),
                                QString::fromLatin1(o.api), link(o.app), link(o.evil)));
    statusBar()->showMessage(tr("Playground API on %1").arg(QString::fromLatin1(o.api)));
    connect(m_playground, &server::PlaygroundServer::exchangeRecorded, this,
            [this, o](const http::HttpExchange &x) {
                const QByteArray base = x.request.listener == QLatin1String("api")   ? o.api
                                        : x.request.listener == QLatin1String("app") ? o.app
                                                                                     : o.evil;
                const QByteArray url = base + x.request.target;
                const session::ExchangeJudgement &j = m_judge.judge(x.request, x.response, url);
                m_log->appendPlainText(
                    QStringLiteral("%1  %2 %3  origin=%4  %5  %6")
                        .arg(QDateTime::fromMSecsSinceEpoch(x.startedAtMs)
                                 .toString(QStringLiteral("HH:mm:ss.zzz")),
                             QString::fromLatin1(x.request.method), QString::fromLatin1(url),
                             QString::fromLatin1(
                                 x.request.header("origin").value_or(QByteArrayLiteral("-"))))
                        .arg(x.response.status)
                        .arg(j.summary));
            });
}
