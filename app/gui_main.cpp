#include "main_window.h"
#include "server/playground_server.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CORS Lab"));
    QApplication::setOrganizationName(QStringLiteral("CORS Lab"));
    // The playground starts with the app, on free loopback ports, so a first launch just works.
    corslab::server::PlaygroundServer playground(
        {}, *corslab::server::CorsPolicy::preset(QStringLiteral("Credentialed allowlist")));
    QString error;
    playground.start(&error);
    MainWindow window(&playground, error);
    window.show();
    return app.exec();
}
