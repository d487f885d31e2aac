#pragma once

#include <QWidget>

class QLabel;

namespace corslab::ui {

/// \brief What the exchange list shows while the session is empty: a short guide with three ways
/// in (UI.md "First launch") instead of a blank grid.
class EmptyStateWidget : public QWidget
{
    Q_OBJECT

public:
    explicit EmptyStateWidget(QWidget *parent = nullptr);

    /// The proxy's address ("127.0.0.1:8899"), quoted in the instructions; empty when stopped.
    void setProxyAddress(const QString &address);
    /// The playground's trusted app page (what "Open the playground" opens).
    void setPlaygroundUrl(const QString &url);

Q_SIGNALS:
    void openPlaygroundRequested();
    void scenariosRequested();
    void inspectOwnAppRequested();

private:
    void updateTexts();

    QLabel *m_playground = nullptr;
    QLabel *m_ownApp = nullptr;
    QString m_proxyAddress;
    QString m_playgroundUrl;
};

} // namespace corslab::ui
