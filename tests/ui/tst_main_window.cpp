#include "main_window.h"
#include "server/playground_server.h"

#include <QLabel>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QtTest>

using namespace corslab;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsThePlaygroundAndLogsExchanges()
    {
        server::PlaygroundServer playground(
            {}, *server::CorsPolicy::preset(QStringLiteral("Open public API")));
        QString error;
        QVERIFY2(playground.start(&error), qPrintable(error));
        MainWindow window(&playground);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("CORS Lab"));
        QVERIFY(!window.menuBar()->actions().isEmpty());
        const QString text = window.findChild<QLabel *>()->text();
        QVERIFY(text.contains(QString::fromLatin1(playground.origins().app)));
        QVERIFY(text.contains(QStringLiteral("Open public API")));

        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(QString::fromLatin1(playground.origins().api + "/public")));
        request.setRawHeader("Origin", playground.origins().evil);
        QNetworkReply *reply = nam.get(request);
        QTRY_VERIFY(reply->isFinished());
        reply->deleteLater();
        QTRY_VERIFY(window.log()->toPlainText().contains(QStringLiteral("/public")));
        QVERIFY(window.log()->toPlainText().contains(QStringLiteral("exposed")));
    }

    void saysWhyThePlaygroundIsMissing()
    {
        MainWindow window(nullptr, QStringLiteral("port 8080 in use"));
        QVERIFY(window.findChild<QLabel *>()->text().contains(QStringLiteral("port 8080 in use")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
