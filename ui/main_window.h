#pragma once

#include <QMainWindow>

/// \brief The CORS Lab main window. For now it hosts the menu bar and the status bar; the exchange
/// table, the side-by-side view and the playground panel arrive with their issues.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
};
