#include "main_window.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CORS Lab"));
    QApplication::setOrganizationName(QStringLiteral("CORS Lab"));
    MainWindow window;
    window.show();
    return app.exec();
}
