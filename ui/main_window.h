#pragma once

#include "session/exchange_judge.h"

#include <QMainWindow>

namespace corslab::server {
class PlaygroundServer;
}
class QLabel;
class QPlainTextEdit;

/// \brief The CORS Lab main window. For now: the running playground's origins (with links to open
/// them in a browser) and a live log of its exchanges with the engine's verdict; the exchange
/// table, the side-by-side view and the policy panel arrive with the desktop app's issue.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    /// \a playground may be null (it failed to start); the window then says why.
    explicit MainWindow(corslab::server::PlaygroundServer *playground,
                        const QString &startError = {}, QWidget *parent = nullptr);

    /// The exchange log view (for tests).
    QPlainTextEdit *log() const { return m_log; }

private:
    corslab::server::PlaygroundServer *m_playground;
    corslab::session::ExchangeJudge m_judge;
    QLabel *m_origins = nullptr;
    QPlainTextEdit *m_log = nullptr;
};
